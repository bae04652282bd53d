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
from typing import Any, Dict, Optional, Set, Tuple

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
]
NOT_SAFETY = ["这个麻辣烫辣得我想吐", "手机打游戏有点烫手", "等得我心态都爆炸了"]
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
REAL_REPEATS = ["这个问题我已经反映三次了，每次都说会处理，然后就没下文了",
                "上周投诉过一次了，到现在都没人联系我"]


@pytest.fixture(scope="module")
def parsed() -> Dict[str, Dict[str, Any]]:
    """Every message above: what the NLU made of it."""
    agent = Agent.load(str(trained_model()))
    texts = (TAKEN_UP_AS_COMPLAINTS + SAFETY + NOT_SAFETY + list(NOT_A_REPEAT) + REAL_REPEATS
             + list(CATEGORY_HEARD) + list(CANTONESE_REQUESTS) + ASKED_IF_A_BOT)

    async def parse_all() -> Dict[str, Dict[str, Any]]:
        return {text: await agent.parse_message(text) for text in texts}

    return asyncio.run(parse_all())


@pytest.fixture(scope="module")
def judged(parsed) -> Dict[str, Tuple[str, Set[str]]]:
    """Every message above: (intent, escalation reasons)."""
    out = {}
    for text, parse in parsed.items():
        intent = parse["intent"]
        turn = Turn(text, intent["name"], float(intent["confidence"]))
        out[text] = (intent["name"], {d.reason for d in decide(Situation(turns=(turn,), now=NOW))})
    return out


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
