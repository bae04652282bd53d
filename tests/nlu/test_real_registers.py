"""The trained model on messages in the customers' own registers (issue 14): a complaint written as
a rant, a fragment or a question is taken up as a complaint; food and bodily harm go to a person
like fire and shock, their look-alikes do not; a progress question, thanks or "it's solved" is
not a repeat, while a real repeat still is; the category heard is the one the message dwells on
(a hotel's charges are money even when the front desk is named, a faulty product is quality even
when the staff were nice), also in Cantonese. Each message judged alone, as the first of a
conversation, by the NLU and the escalation rules together."""
from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from typing import Any, Dict, Iterable, Optional, Set, Tuple

import pytest
from rasa.core.agent import Agent

from bot.escalation import Situation, Turn, decide
from tests.auxil.stack import trained_model

pytestmark = pytest.mark.outside_unit  # loads the trained model

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)

TAKEN_UP_AS_COMPLAINTS = [
    "在吗？？我的快递到底什么时候到，五天了物流一动不动",
    "@中国移动 尾号5521这个月又多扣了三十，谁给我开的业务？？？",
    "宽带天天掉线，晚上根本没法用",
    "鞋子穿了两天就开胶了 可以退换吗",
    "客服爱搭不理的，问三句回一句",
    "外賣等咗成個鐘都未到",
]
SAFETY = [
    "外卖盒饭里吃出一截钢丝，嘴都扎破了",
    "孩子吃了你们的蛋糕以后一直吐，刚从医院回来",
    "充电宝放床头鼓包冒烟了",
    "玩具边缘太利，女儿的手指割出血了",
    "小区的井盖没了，晚上差点有人掉进去",
    # issue 14's families in the registers of takeaway, e-commerce chat, Weibo and Taiwan
    "亲 你们家的辣条过期了 孩子吃了一包肚子疼",
    "@某某快餐 汉堡里的鸡排咬开是生的，吃完拉了一晚上",
    "手機充電充到燙到握不住，還有燒焦味",
    "浴室的吊顶半夜掉下来一块，砸在洗手台上",
]
NOT_SAFETY = ["这个麻辣烫辣得我想吐", "手机打游戏有点烫手", "等得我心态都爆炸了",
              # the rubric's near-misses (docs/devset.md)
              "房间里有只蟑螂，这卫生也太差了", "笔记本开久了掌托有点热", "房间里一股霉味"]
NOT_A_REPEAT = {
    "我上周反映的那个现在怎么样了": "ask_progress",
    "之前那个问题好了，谢谢你们": "thank",
    "已经解决了 谢谢": "thank",
}
#: Category heard (the complaint intent's, else the category layer's entity) by message; none of
#: these is a training example.
CATEGORY_HEARD = {
    # hotel charges name the staff, but the complaint is the money
    "退房的时候前台说要再交两百块服务费，入住时谁也没提过": "price_billing",
    "酒店的押金拖了半个月还没退回来，打电话问前台也说不清楚": "price_billing",
    # a faulty product or room, whatever the staff were like
    "店员介绍得挺热情，可买回家的吸尘器用了三天吸力就没了": "quality",
    "空调坏了，前台的人过来看了一眼说没办法，热了一整晚": "quality",
    # mixed reviews whose "but" is a defect
    "耳机音质挺不错，就是戴久了耳朵疼，右边还有杂音": "quality",
    "衣服款式好看，就是洗了一次就掉色了": "quality",
    # Cantonese first messages (issue 15)
    "部機用咗兩日就壞咗": "quality",
    "啲嘢食凍晒": "quality",
    "啲餸好鹹 食唔落": "quality",
    "部電話充唔到電": "quality",
    "個職員好冇禮貌": "service_attitude",
    "叫咗外賣兩個鐘都未送到": "delivery",
    "你哋今個月收多咗我兩百蚊": "price_billing",
    "退貨寄咗返去三個禮拜 啲錢仲未入返我戶口": "refund_return",
    "個售貨員對我好冇禮貌 仲反白眼": "service_attitude",
}
#: Cantonese requests: the intent that takes them up.
CANTONESE_REQUESTS = {"我想退錢": "request_remedy", "搵個真人同我傾": "request_human",
                      "有冇真人可以同我講下": "request_human"}
#: "Is this a bot?" gets an honest answer (ask_if_bot), not "out of scope".
ASKED_IF_A_BOT = ["你是真人还是机器人啊", "我现在是在跟程序聊天吗", "你係咪真人嚟㗎"]
#: Mixed reviews (issue 14, "not taken up"): praise with a problem in it is a complaint, not
#: thanks; praise with one small regret and a positive verdict stays praise (docs/devset.md).
MIXED_REVIEWS = [
    "服务员态度挺好的，就是房间里一股烟味，开窗一晚上都没散",
    "民宿很有特色，可惜热水器坏了，洗澡只能用凉水",
    "平板屏幕很清楚，但是充电特别慢，充一晚上才到八十",
    "这本小说开头挺吸引人，后面越写越乱，看完很失望",
    "配送小哥挺客气，就是米饭硬得咬不动，汤也洒了一半",
]
SMALL_REGRETS = [
    "房间稍微小了一点，不过干净安静，总体满意，下次还住",
    "鼠标有点轻，用惯了就好，整体很满意，推荐",
]
#: No content: symbols, emoji, a filler syllable the model never saw. The fallback, never `affirm`
#: (which at the read-back would file the complaint).
NO_CONTENT = ["&&&&", "。。。", "😀😀", "喵喵喵喵", "？？！！"]
#: Emoji the examples use keep their meaning: a thumbs-up is a yes, angry faces are anger.
MEANINGFUL_EMOJI = {"👍": {"affirm"}, "😡😡😡": {"vent", "complain_general"}}
REAL_REPEATS = ["这个问题我已经反映三次了，每次都说会处理，然后就没下文了",
                "上周投诉过一次了，到现在都没人联系我"]
#: Leftover forms (docs/devset.md): praise that says 不但……而且 is praise; a complaint that says it,
#: a numbered list of defects and a defect with a question after it are complaints; 在吗 alone is a
#: greeting; a bad review threatened on the shop's platform is no threat, a post on Weibo is.
NOT_ONLY_PRAISE = ["这家面馆不但汤头浓，而且分量很足，下次还来", "耳机不仅降噪好，而且佩戴很舒服"]
COMPLAINTS_TOO = [
    "这个吹风机不但噪音大，而且用了两次就不出热风了",
    "1.触摸板不灵 2.没有背光键盘",
    "缺点：1、音箱有破音 2、屏幕偏黄 3、重",
    "新买的电水壶底下漏水，能退吗",
    "鼠标左键失灵了，还在保修期吗",
    "在吗 我的包裹一周了还在原地",
]
GREETING_ALONE = ["在吗", "在吗？"]
THREATENED_REVIEWS = {"再不处理我就去拼多多给你们差评": set(), "不给退款我就发微博曝光你们": {"threat"}}


@pytest.fixture(scope="module")
def parsed() -> Dict[str, Dict[str, Any]]:
    """Every message above: what the NLU made of it."""
    return parse_with_model(TAKEN_UP_AS_COMPLAINTS + SAFETY + NOT_SAFETY + list(NOT_A_REPEAT) + REAL_REPEATS
                            + list(CATEGORY_HEARD) + list(CANTONESE_REQUESTS) + ASKED_IF_A_BOT + MIXED_REVIEWS
                            + SMALL_REGRETS + NO_CONTENT + list(MEANINGFUL_EMOJI) + NOT_ONLY_PRAISE
                            + COMPLAINTS_TOO + GREETING_ALONE + list(THREATENED_REVIEWS))


#: The intents that take a message up as a complaint in a category (or asking it).
COMPLAINT_INTENTS = {"complain_general", "complain_quality", "complain_delivery", "complain_service_attitude",
                     "complain_price_billing", "complain_refund_return", "complain_other"}


def parse_with_model(texts: Iterable[str]) -> Dict[str, Dict[str, Any]]:
    """What the trained model's NLU makes of each text."""
    agent = Agent.load(str(trained_model()))

    async def parse_all() -> Dict[str, Dict[str, Any]]:
        return {text: await agent.parse_message(text) for text in texts}

    return asyncio.run(parse_all())


def judge(parsed: Dict[str, Dict[str, Any]]) -> Dict[str, Tuple[str, Set[str]]]:
    """Each parsed message, as the first of a conversation: (intent, escalation reasons)."""
    out = {}
    for text, parse in parsed.items():
        intent = parse["intent"]
        turn = Turn(text, intent["name"], float(intent["confidence"]))
        out[text] = (intent["name"], {d.reason for d in decide(Situation(turns=(turn,), now=NOW))})
    return out


@pytest.fixture(scope="module")
def judged(parsed) -> Dict[str, Tuple[str, Set[str]]]:
    """Every message above: (intent, escalation reasons)."""
    return judge(parsed)


def heard_category(parse: Dict[str, Any]) -> Optional[str]:
    """The category the first message gives the slot complaint_category: its complaint intent's
    (domain.yml), else the category layer's entity (action_empathize)."""
    intent = parse["intent"]["name"]
    if intent.startswith("complain_") and intent != "complain_general":
        return intent[len("complain_"):]
    return next((e["value"] for e in parse["entities"] if e["entity"] == "complaint_category"), None)


@pytest.mark.parametrize("text", TAKEN_UP_AS_COMPLAINTS)
def test_a_complaint_in_a_real_register_is_taken_up(judged, text):
    assert judged[text][0].startswith("complain_"), judged[text]


@pytest.mark.parametrize("text", SAFETY)
def test_food_and_bodily_harm_go_to_a_person(judged, text):
    assert "safety" in judged[text][1], judged[text]


@pytest.mark.parametrize("text", NOT_SAFETY)
def test_safety_look_alikes_stay_with_the_assistant(judged, text):
    assert "safety" not in judged[text][1], judged[text]


@pytest.mark.parametrize("text, intent", NOT_A_REPEAT.items())
def test_progress_thanks_and_solved_are_not_a_repeat(judged, text, intent):
    assert judged[text] == (intent, set())


@pytest.mark.parametrize("text", REAL_REPEATS)
def test_a_real_repeat_goes_to_a_person(judged, text):
    assert "repeated" in judged[text][1], judged[text]


@pytest.mark.parametrize("text, category", CATEGORY_HEARD.items())
def test_a_complaint_is_heard_in_the_category_it_dwells_on(parsed, text, category):
    assert heard_category(parsed[text]) == category, (parsed[text]["intent"], parsed[text]["entities"])


@pytest.mark.parametrize("text, intent", CANTONESE_REQUESTS.items())
def test_a_cantonese_request_is_understood(judged, text, intent):
    assert judged[text][0] == intent, judged[text]


@pytest.mark.parametrize("text", ASKED_IF_A_BOT)
def test_asking_whether_a_person_answers_is_understood(judged, text):
    assert judged[text] == ("ask_if_bot", set())


@pytest.mark.parametrize("text", MIXED_REVIEWS)
def test_a_mixed_review_with_a_problem_is_taken_up_as_a_complaint(judged, text):
    assert judged[text][0].startswith("complain_"), judged[text]


@pytest.mark.parametrize("text", SMALL_REGRETS)
def test_praise_with_a_small_regret_and_a_verdict_stays_praise(judged, text):
    assert judged[text] == ("thank", set())


@pytest.mark.parametrize("text", NO_CONTENT)
def test_a_message_with_no_content_gets_the_fallback(parsed, text):
    assert parsed[text]["intent"]["name"] == "nlu_fallback", parsed[text]["intent"]


@pytest.mark.parametrize("text, intents", MEANINGFUL_EMOJI.items())
def test_an_emoji_the_examples_use_is_understood(parsed, text, intents):
    assert parsed[text]["intent"]["name"] in intents, parsed[text]["intent"]


@pytest.mark.parametrize("text", NOT_ONLY_PRAISE)
def test_not_only_but_also_praise_stays_praise(judged, text):
    assert judged[text] == ("thank", set())


@pytest.mark.parametrize("text", COMPLAINTS_TOO)
def test_not_only_complaints_numbered_defects_and_a_defect_with_a_question_are_complaints(judged, text):
    assert judged[text][0].startswith("complain_"), judged[text]


@pytest.mark.parametrize("text", GREETING_ALONE)
def test_a_greeting_alone_is_small_talk(judged, text):
    assert judged[text] == ("greet", set())


@pytest.mark.parametrize("text, reasons", THREATENED_REVIEWS.items())
def test_a_bad_review_on_the_platform_is_no_threat_a_post_that_exposes_is(judged, text, reasons):
    assert judged[text][1] & {"threat"} == reasons, judged[text]
