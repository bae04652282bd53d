"""Escalation rules: each reason alone (positives and near-misses, Simplified and Traditional),
intents versus patterns, priorities, our own records, sustained anger, fallbacks, configuration."""
from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Optional, Sequence

import pytest
import yaml

from bot.anger import fallback_limit, load_anger_model
from bot.escalation import (
    PRIORITIES, REASONS, RULES, Decision, PriorComplaint, Situation, Turn,
    check_anger, check_fallback, check_high_value, check_repeated,
    decide, load_escalation_config, prior_on_same_matter,
)
from bot.lexicon import normalise, short_quote
from bot.script import Script, detect_script, to_traditional
from tests.auxil.escalation import first_message_reasons as reasons

REPO_ROOT = Path(__file__).resolve().parents[2]
UTC = timezone.utc
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def situation(*texts: str, intents: Sequence[Optional[str]] = (), **fields) -> Situation:
    intents = list(intents) + [None] * (len(texts) - len(intents))
    return Situation(turns=tuple(Turn(t, i) for t, i in zip(texts, intents)), now=NOW, **fields)


# --- the pattern layer, one reason at a time (intent=None: the NLU missed it) ------------------

PATTERN_CASES = {
    "threat": {
        "positive": [
            "再不处理我就打12315",
            "我明天就去消协投诉你们",
            "我会向市场监督管理局反映",
            "已经向工信部申诉了",
            "这事我要发微博曝光",
            "晚上就发抖音让大家看看",
            "信不信我让你们上热搜",
            "律师函已经在路上了",
            "咱们法庭见",
            "我已经报警了",
            "你们再拖我就打110",
            "我要起訴你們",                    # Traditional
            "我會去消基會申訴",
            "再不處理我就報警",
            "我要PO上Dcard讓大家評評理",
            "我不想起诉，但你们再不处理我只能去法院",  # negation lifted: a threat after all
            "你以为我不敢报警吗",
            "我已经向旅游局反映了这家酒店",
            "车被刮了，报了交警来处理",
            "这个质量问题我要送去质检所检测",
        ],
        "negative": [
            "我不会去曝光的，只想解决问题",
            "我不會去曝光的，只想解決問題",
            "12315是什么号码",
            "照片曝光过度，相机是不是坏了",
            "我是在抖音直播间买的",
            "工商银行的卡付不了款",
            "110块的东西运费还要我出",
            "电压是110V的吗",
            "315元买的鞋开胶了",
            "我告诉你们，这鞋真有问题",
            "冰箱一直报警，滴滴响",
            "车上的多媒体坏了",
            "我不想闹到法院，只想退货",
            "这家宾馆以前是工商局开的",                    # who runs it
            "我是在你们网上订的房",                        # the business's own site
        ],
    },
    "safety": {
        "positive": [
            "充电器冒烟了",
            "热水溅出来烫到我脚了",
            "吹风机用着用着冒出一股黑烟",
            "电源插头都熔了",
            "冰箱门把手带电",
            "烤箱外壳会电人",
            "鞋底太滑我在家里摔到头了",
            "浴室玻璃门自爆了",
            "手被烫伤了",
            "热水壶漏电，被电了一下",
            "吃了以后上吐下泻，去了急诊",
            "宝宝用完起了一身红疹子",
            "孩子摔下来骨折了",
            "插座冒火花还有焦味",
            "电池鼓包了很烫",
            "面包里吃出了铁丝",
            "刹车失灵，差点追尾",
            "充電器冒煙了",                    # Traditional
            "小孩被燙傷了",
            "延長線燒起來了",
            "吃了你們的便當食物中毒",
            "没想到会起火，窗帘都烧了",          # 没想到 is not a negation
        ],
        "negative": [
            "气得我冒烟",
            "氣得我冒煙",
            "真是火大",
            "衬衫熨烫以后缩水了",
            "這件襯衫熨燙以後縮水了",
            "行李箱表面被划伤了",
            "我心态都炸了",
            "炸鸡凉了",
            "这款面膜适合过敏肌吗",
            "还好没着火，插座要换吗",
            "快递地址是人民医院对面",
            "我差点被你们气进医院",
            "嗓子都说冒烟了",
            "这个不会漏电吧？",
        ],
    },
    "identity": {
        "positive": [
            "我是日报的记者",
            "本人在区政府工作",
            "我是市人大代表",
            "我是政协委员",
            "我是抖音博主",
            "我小红书有二十多万粉丝",
            "我是電視台記者",
            "我是網紅，IG有十幾萬追蹤",
        ],
        "negative": [
            "我是你们家十年的老粉丝",
            "我在网红店买的",
            "博主推荐我买的",
            "我是公司采购",
            "我不是记者，就是普通顾客",
            "我是你們家的老粉絲了",
        ],
    },
    "repeated": {
        "positive": [
            "这是我第三次投诉了",
            "第三次了！",
            "又来了，每次都说在核实",
            "说了好几次了",
            "上次说给我回电话到现在没人理",
            "上周就投诉过了",
            "已經講過好幾遍了",                # Traditional
            "這是我第三次反映了",
            "上次說會有人聯絡我，結果都沒消息",
            "跟前台说了房间漏水，他们居然让我自己拿毛巾垫着",   # told the desk, brushed off
            "打电话给客服三天了，依然没人处理",
            "马桶修了两次还是堵",
        ],
        "negative": [
            "这是我第二次在你们家买鞋",
            "洗了第三次就掉色",
            "又来了一个新问题",
            "快递到现在都没动静",
            "你们店长说好的赠品没给",
            "之前没说过要加运费啊",
            "這是我第二次在你們家買鞋",
            "我投诉以后酒店马上换了房间",                  # resolved
            "我要投诉你们前台，竟然不给开发票",            # a complaint now, not an earlier one
        ],
    },
    "pushed_around": {
        "positive": [
            "你们别踢皮球了",
            "推来推去没人管",
            "售后和仓库互相推诿",
            "被转了好几个部门",
            "转了好几个人了",
            "每个人说法都不一样",
            "又让我从头说一遍",
            "门店让我找客服，客服又让我找门店",
            "你們一直推來推去",                 # Traditional
            "每個客服講的都不一樣",
            "京东让我自己去找厂家",
        ],
        "negative": [
            "能再说一遍地址吗",
            "我把照片重新发一遍",
            "包裹在网点之间转来转去",
            "店员说可以七天无理由退",
            "包裹在網點之間轉來轉去",
        ],
    },
    "human_request": {
        "positive": [
            "转人工",
            "人工客服",
            "人工！！",
            "我要真人",
            "有没有活人",
            "找你们领导来",
            "叫你们经理出来",
            "我要跟你们主管谈",
            "不要机器人，换个人",
            "轉人工",                           # Traditional
            "請你們主管打電話給我",
            "我要找你們店長",
        ],
        "negative": [
            "人工费怎么这么贵",
            "人工費怎麼算",
            "退款显示人工审核中",
            "扫地机器人坏了",
            "我不需要人工，帮我查物流就行",
            "之前人工客服说可以退",
            "你们经理说可以退的",
            "我和你们经理说过了",
            "这是真皮还是人工皮",
            "我找了前台经理，他说没办法",                  # what happened, not a request
        ],
    },
}


def _cases(kind: str):
    return [pytest.param(reason, text, id=f"{reason}-{text}")
            for reason, cases in PATTERN_CASES.items() for text in cases[kind]]


@pytest.mark.parametrize("reason, text", _cases("positive"))
def test_pattern_layer_catches(config, reason, text):
    assert reason in reasons(text, config)


@pytest.mark.parametrize("reason, text", _cases("negative"))
def test_pattern_layer_skips_near_misses(config, reason, text):
    assert reason not in reasons(text, config)


def test_cases_cover_both_scripts():
    for reason, cases in PATTERN_CASES.items():
        for kind in ("positive", "negative"):
            scripts = {detect_script(text) for text in cases[kind]}
            assert {Script.SIMPLIFIED, Script.TRADITIONAL} <= scripts, (reason, kind)


@pytest.mark.parametrize("text", ["我要打12315", "充电器冒烟还烫伤了手", "这是我第三次投诉了", "转人工"])
def test_traditional_text_triggers_the_same_reasons(config, text):
    assert reasons(to_traditional(text), config) == reasons(text, config) != set()


def test_normalise_keeps_simplified_text_and_positions():
    # OpenCC's tw2s would turn 什么 into 什幺; full-width and upper case are folded.
    assert normalise("什么ＡＢ１２３１５！") == "什么ab12315!"
    assert len(normalise("說話算數…")) == len("說話算數…")


# --- intents and patterns together ------------------------------------------------------------

@pytest.mark.parametrize("intent, reason, hint", [
    ("threaten", "threat", ""), ("report_safety", "safety", "，孩子都吓坏了"),
    ("say_repeat", "repeated", ""), ("request_human", "human_request", ""),
])
def test_the_intent_alone_triggers_when_the_patterns_miss(config, intent, reason, hint):
    # a request for a person names one, a repeat a word of asking or still, a safety report a word
    # of harm (rules.*.intent_needs)
    text = "你们客服还是自己看着办吧" + hint
    assert reasons(text, config) == set()
    assert reasons(text, config, intent) == {reason}


def test_an_unsure_intent_does_not_count(config):
    threshold = config.intent_confidence["threat"]
    assert reasons("你们自己看着办吧", config, "threaten", threshold - 0.01) == set()
    assert reasons("你们自己看着办吧", config, "threaten", threshold) == {"threat"}


@pytest.mark.parametrize("text, intent", [
    ("我不会去曝光的，只想解决问题", "threaten"),        # negated mention
    ("人工费怎么算", "request_human"),                   # near-miss
    ("气得我冒烟", "report_safety"),
    ("还好没着火", "report_safety"),
])
def test_what_the_patterns_set_aside_overrides_the_intent(config, text, intent):
    assert reasons(text, config, intent) == set()


def test_say_repeat_on_being_passed_around_is_pushed_around(config):
    assert reasons("你们一直推来推去", config, "say_repeat") == {"pushed_around"}
    assert reasons("这事我找了你们好几回", config, "say_repeat") == {"repeated"}


# --- safety: food and bodily harm count as much as fire and shock; look-alikes do not ----------

SAFETY_FAMILIES = {
    "foreign object or insect in food": [
        "盒饭里吃出一根头发，还有半只苍蝇",
        "凉皮里有根钢丝，扎到嘴了",
        "果汁瓶底有玻璃碴",
        "麵包裡有一片塑膠片",                       # Traditional
    ],
    "spoiled or expired food": [
        "粥都馊了还卖",
        "月饼发霉了，老人已经吃了半块",
        "牛奶过期五天了还在货架上卖给我",
    ],
    "illness after eating": [
        "吃完你们的炒粉就吐了，现在在医院挂水",
        "喝了奶茶以后一家人都在拉",
        "食完你哋個飯成晚肚痾",                      # Cantonese
    ],
    "device overheated, swollen, smoking or burst": [
        "充电宝鼓起来了，烫得拿不住",
        "手机充电的时候炸了",
        "充电宝放床头鼓包冒烟了",                    # 床头 is not a head fuming
        "插排一插就打火，插座都烧黑了",
        "個尿袋充電嗰陣有陣燶味",                      # Cantonese
    ],
    "sharp edge that cut a child": [
        "玩具的边太锋利，把我儿子的手割破了",
        "儿童床的螺丝露出来，宝宝腿被划出血",
    ],
    "bites from the bed": [
        "床上有跳蚤，腿上咬了好多包",
    ],
    "charger or adapter too hot to touch": [
        "充电器插上十分钟就烫手",
    ],
    "slippery floor": [
        "浴室地面太滑，差点滑倒",
    ],
    "exposed equipment in public": [
        "小区路边的电线裸露在外面",
        "井盖丢了，有人掉下去了",
        "商场电梯突然往下坠，我们被困在里面",
    ],
}

SAFETY_LOOK_ALIKES = [
    "这火锅辣得我想吐",
    "这衣服丑得想吐",
    "等得我心态爆炸",
    "手机有点烫手，正常吗",
    "优惠券过期了",
    "这酸奶是不是快过期了",
    "电动车打不着火",
    "我要原地爆炸了",
    "餐厅里苍蝇乱飞，环境太差",
    "你们客服让我恶心想吐",
    "外賣券過期了",                                   # Traditional
    "早餐厅里有几只苍蝇",                             # hygiene, not in the food
    "如果是隔夜菜，真怕是变质的",                     # not eaten
    "怕再次受伤，所以不敢谈恋爱",                     # feelings
]


@pytest.mark.parametrize("family, text", [
    pytest.param(family, text, id=f"{family}-{text}")
    for family, texts in SAFETY_FAMILIES.items() for text in texts])
def test_safety_families_are_caught_without_the_nlu(config, family, text):
    assert "safety" in reasons(text, config)


@pytest.mark.parametrize("text", SAFETY_LOOK_ALIKES)
def test_safety_look_alikes_are_not_handed_off(config, text):
    assert "safety" not in reasons(text, config)


# --- repeated: a repeat is an earlier contact about a problem still unresolved ------------------

NOT_A_REPEAT = [
    "我上周反映的那个现在怎么样了",                 # a progress question
    "之前的投诉现在什么进度",
    "我想查一下之前的投诉",
    "之前那个问题好了，谢谢你们",                    # thanks, solved
    "已经解决了，不用处理了",
    "上次反映的问题你们处理得很快，点赞",            # praise for a quick fix
    "之前在你们家买过，这回的鞋开胶了",              # an earlier purchase
    "这是我第一次投诉",
    "在吗？？一直没人理",                            # waiting in this chat
    "营业厅的人爱搭不理，问三遍才回一句",
    "上週反映的那件事現在處理得怎麼樣了",           # Traditional
    "这家酒店我住过好多次了，每次都挺满意",          # a regular: been here before, not complained
    "上个月又来住了，前台还记得我",
    "每次去杭州出差都住这家，早餐一直不错",
]

REAL_REPEATS = [
    "上周就投诉过了，到现在都没人理",
    "之前的投诉到现在都没人理",
    "上次说好周一给我回复，现在都周四了",
    "你们上个月就答应给我换新，到现在还没换",
    "前几天投诉的问题，你们说处理好了，其实根本没有",
    "留言了三天都没人回复",
    "已經係第三次搵你哋",                             # Cantonese
    "住了好几次，这次空调坏了，跟前台说了也没人理",  # a regular who was brushed off
]


@pytest.mark.parametrize("text", NOT_A_REPEAT)
def test_past_mentions_progress_thanks_and_solved_are_not_a_repeat(config, text):
    assert "repeated" not in reasons(text, config)
    assert "repeated" not in reasons(text, config, "say_repeat")  # the NLU's mistake is overruled


@pytest.mark.parametrize("text", REAL_REPEATS)
def test_a_real_repeat_is_still_caught(config, text):
    assert "repeated" in reasons(text, config)


def test_an_earlier_message_still_counts(config):
    s = situation("我要打12315", "订单号DD20261101001", intents=["threaten", "give_details"])
    assert [d.reason for d in decide(s, config)] == ["threat"]


# --- decisions: priority, one per reason, explanations ----------------------------------------

def test_every_reason_has_a_rule_and_a_priority(config):
    assert set(RULES) == set(REASONS)
    assert all(config.priority(reason) in PRIORITIES for reason in REASONS)


def test_decisions_come_highest_priority_first_one_per_reason(config):
    s = situation("转人工", "又来了，第三次了", "我要打12315", "我要打12315！！再不处理就报警",
                  "充电器冒烟了", amount=Decimal("9999"), consecutive_fallbacks=config.fallback_limit)
    decisions = decide(s, config)
    found = [d.reason for d in decisions]
    assert len(found) == len(set(found))
    assert {"threat", "safety", "repeated", "human_request", "high_value", "fallback"} <= set(found)
    ranks = [PRIORITIES.index(d.priority) for d in decisions]
    assert ranks == sorted(ranks)
    assert found[:2] == ["safety", "threat"]            # P1, in the order of REASONS
    assert found[-2:] == ["human_request", "fallback"]  # P3


def test_priorities_come_from_the_configuration(config):
    swapped = dataclasses.replace(config, priorities={**config.priorities, "human_request": "P1",
                                                      "threat": "P3"})
    s = situation("转人工", "我要打12315")
    assert [(d.reason, d.priority) for d in decide(s, swapped)] == [("human_request", "P1"), ("threat", "P3")]


def test_no_reason_no_decision(config):
    assert decide(situation("鞋子开胶了", "订单号DD20261101001"), config) == []


def test_explanations_quote_the_customer_on_one_line(config):
    [threat] = decide(situation("再不处理我就打12315"), config)
    assert threat == Decision("threat", "P1", "客户提到监管部门或消费者组织（12315）：“再不处理我就打12315”")
    long = "我跟你们说，这个问题已经拖了很久了，" * 3 + "再不处理我就去消协，" + "说到做到。" * 5
    [threat] = decide(situation(long), config)
    quote = re.search("“(.*)”", threat.explanation).group(1)
    assert "消协" in quote and len(quote) <= 32 and "\n" not in threat.explanation


def test_a_long_message_is_quoted_up_to_a_sentence_end(config):
    said = "鞋子才穿两天就开胶了。客服一直不回我消息！再不处理我就去消协投诉你们。说到做到，别不当回事。"
    [threat] = decide(situation(said), config)
    assert threat.explanation.endswith("：“…再不处理我就去消协投诉你们。说到做到，别不当回事。”")
    [unclear] = [short_quote("我想问，我上周三在你们店里买的跑鞋怎么才穿两天就开胶了？还有鞋带也断了")]
    assert unclear == "我想问，我上周三在你们店里买的跑鞋怎么才穿两天就开胶了？…"


def test_traditional_customers_are_quoted_in_their_own_words(config):
    [threat] = decide(situation("再不處理我就報警"), config)
    assert "“再不處理我就報警”" in threat.explanation


# --- repeated: our own records -------------------------------------------------------------------

def prior(days_ago: float, status: str = "closed", order: Optional[str] = None,
          category: Optional[str] = "quality", public_id: str = "TS-20261101-0001") -> PriorComplaint:
    return PriorComplaint(public_id=public_id, status=status, created_at=NOW - timedelta(days=days_ago),
                          order_number=order, category=category)


@pytest.mark.parametrize("earlier, order, category, expected", [
    # same order number
    (prior(3, "closed", order="DD1"), "DD1", "delivery", "order"),
    (prior(200, "open", order="DD1"), "DD1", "delivery", "order"),        # still open: counts
    (prior(200, "in_progress", order="dd1 "), "DD1", None, "order"),      # as written
    (prior(200, "closed", order="DD1"), "DD1", "delivery", None),         # old and closed
    (prior(200, "resolved", order="DD1"), "DD1", "delivery", None),
    # same category
    (prior(10, "resolved", category="quality"), None, "quality", "category"),
    (prior(30, "closed", category="quality"), None, "quality", "category"),  # the window's last day
    (prior(31, "closed", category="quality"), None, "quality", None),
    (prior(90, "open", category="quality"), None, "quality", "category"),
    (prior(3, "open", category="delivery"), None, "quality", None),       # another matter
    (prior(3, "open", order="DD2", category="delivery"), "DD1", "quality", None),
    (prior(3, "open", category="other"), None, "other", None),            # too broad alone
    (prior(3, "open", category="quality"), None, None, None),             # nothing to compare
])
def test_repeated_by_our_records(config, earlier, order, category, expected):
    s = situation("鞋子又开胶了", order_number=order, category=category, prior_complaints=(earlier,))
    found = prior_on_same_matter(s, config)
    assert (found[1] if found else None) == expected
    decision = check_repeated(s, config)
    assert (decision is not None) == (expected is not None)
    if decision:
        assert earlier.public_id in decision.explanation and decision.priority == config.priority("repeated")


def test_repeated_names_the_newest_matching_complaint(config):
    older = prior(20, "closed", order="DD1", public_id="TS-20261103-0001")
    newer = prior(2, "open", order="DD1", public_id="TS-20261121-0004")
    s = situation("还是没收到", order_number="DD1", prior_complaints=(older, newer))
    assert "TS-20261121-0004" in check_repeated(s, config).explanation


def test_recent_days_is_configurable(config):
    s = situation("鞋子又开胶了", category="quality", prior_complaints=(prior(10, "closed"),))
    assert check_repeated(s, config) is not None
    narrow = dataclasses.replace(config, repeated=dataclasses.replace(config.repeated, recent_days=7))
    assert check_repeated(s, narrow) is None


def test_prior_complaints_come_from_the_customers_own_records(tmp_path, config):
    from bot.storage import ComplaintDraft, ComplaintStore

    store = ComplaintStore(f"sqlite:///{tmp_path}/complaints.db")
    store.migrate()
    try:
        def file(sender: str, order: str) -> None:
            store.create(ComplaintDraft(
                channel="wechat", sender_id=sender, conversation_id=sender, category="delivery",
                description="没收到货", order_number=order,
                first_response_due=NOW + timedelta(hours=2), resolution_due=NOW + timedelta(days=2),
            ), NOW - timedelta(days=1))

        file("oOther", "DD7")
        mine = PriorComplaint.from_complaint
        s = situation("还没收到", order_number="DD7",
                      prior_complaints=[mine(c) for c in store.for_customer("wechat", "oMe")])
        assert check_repeated(s, config) is None          # another customer's complaint
        file("oMe", "DD7")
        s = situation("还没收到", order_number="DD7",
                      prior_complaints=[mine(c) for c in store.for_customer("wechat", "oMe")])
        assert "同一订单DD7" in check_repeated(s, config).explanation
    finally:
        store.close()


# --- sustained anger -----------------------------------------------------------------------------

ANGRY = "你们就是骗子！！垃圾公司"   # 3 + 2 + 1 = 6 points: angry
CALM = "订单号DD20261101001"


@pytest.mark.parametrize("texts, expected", [
    ([ANGRY], False),                          # one outburst
    ([CALM, ANGRY, CALM], False),
    ([ANGRY, CALM, ANGRY], True),              # 2 of the last 3
    ([ANGRY, ANGRY], True),
    ([ANGRY, CALM, CALM, ANGRY], False),       # the first fell out of the window
    (["你們就是騙子！！垃圾公司", "受夠了🤬🤬"], True),   # Traditional
    (["气死了", "无语"], False),                # upset, not angry
])
def test_sustained_anger(config, texts, expected):
    assert (check_anger(situation(*texts), config) is not None) == expected


def test_the_intent_adds_to_the_anger_score(config):
    # 气死 (2) + !! (1) = 3, below angry (4); as a vent (+2) it is angry.
    assert check_anger(situation("气死了！！", "气死了！！"), config) is None
    decision = check_anger(situation("气死了！！", "气死了！！", intents=["vent", "vent"]), config)
    assert decision is not None and "word:气死" in decision.explanation


def test_anger_window_and_level_are_configurable(config):
    upset = dataclasses.replace(config, anger=dataclasses.replace(
        config.anger, at_score=config.anger_model.upset_at, turns=2, of_last=2))
    assert check_anger(situation("气死了", "无语了！！"), upset) is not None


# --- fallback and high value ---------------------------------------------------------------------

def test_fallback_at_the_limit(config):
    limit = fallback_limit()
    assert config.fallback_limit == limit
    assert check_fallback(situation("asdf", consecutive_fallbacks=limit - 1), config) is None
    decision = check_fallback(situation("asdf", consecutive_fallbacks=limit), config)
    assert decision.reason == "fallback" and f"连续{limit}次" in decision.explanation


@pytest.mark.parametrize("amount, expected", [
    (None, False), (Decimal("299"), False), (Decimal("5000"), False),
    (Decimal("5000.01"), True), (12000, True),
])
def test_high_value_over_the_threshold(config, amount, expected):
    assert config.high_value_over == Decimal("5000")
    assert (check_high_value(situation("屏幕碎了", amount=amount), config) is not None) == expected


def test_a_price_named_only_in_praise_is_not_a_sum_at_stake(config):
    """A review that praises what it bought names the price paid: nothing is at stake. Once a
    message of the conversation complains (or the NLU is unsure), the sum counts."""
    praise = situation("6200入手的，屏幕和键盘都很满意", intents=["thank"], amount=Decimal("6200"))
    assert check_high_value(praise, config) is None
    complaint = situation("6200入手的，屏幕和键盘都很满意", "可是用了三天就黑屏了",
                          intents=["thank", "complain_quality"], amount=Decimal("6200"))
    assert check_high_value(complaint, config) is not None
    unsure = Situation(turns=(Turn("6200入手的，还行吧", "thank", 0.6),), amount=Decimal("6200"), now=NOW)
    assert check_high_value(unsure, config) is not None


# --- configuration -------------------------------------------------------------------------------

def test_the_existing_keys_still_serve_bot_anger():
    assert load_anger_model().angry_at == 4 and fallback_limit() == 3


def _write_config(tmp_path: Path, change) -> Path:
    raw = yaml.safe_load((REPO_ROOT / "config" / "escalation.yml").read_text(encoding="utf-8"))
    change(raw)
    path = tmp_path / "escalation.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def test_thresholds_and_lexicons_are_read_from_the_file(tmp_path):
    def change(raw):
        raw["rules"]["high_value"]["amount_over"] = 100
        raw["rules"]["human_request"]["patterns"] = {"要求转人工": ["摇人"]}
        raw["fallback_limit"] = 5

    custom = load_escalation_config(_write_config(tmp_path, change))
    assert custom.high_value_over == 100 and custom.fallback_limit == 5
    assert reasons("快摇人", custom) == {"human_request"}
    assert reasons("转人工", custom) == set()


def test_a_term_names_a_family_of_words_for_several_patterns(tmp_path):
    def change(raw):
        raw["rules"]["human_request"]["terms"] = {"someone": "{boss}|老板娘", "boss": "店长|掌柜"}
        raw["rules"]["human_request"]["patterns"] = {"要求找领导": ["叫{someone}来", "找{~2}{boss}"]}

    custom = load_escalation_config(_write_config(tmp_path, change))
    assert reasons("叫掌柜来一下", custom) == {"human_request"}
    assert reasons("叫老板娘来", custom) == {"human_request"}
    assert reasons("我要找你们店长", custom) == {"human_request"}
    assert reasons("掌柜的手艺不错", custom) == set()


@pytest.mark.parametrize("change, message", [
    (lambda raw: raw["rules"]["threat"].update(priority="P0"), "rules.threat.priority"),
    (lambda raw: raw["rules"]["threat"]["patterns"].update(坏的=["(12315"]), "'(12315'"),
    (lambda raw: raw["rules"].pop("safety"), "missing: ['safety']"),
    (lambda raw: raw["rules"]["threat"]["patterns"].update(新的=["{媒体}曝光", "{nope}曝光"]),
     "uses {nope}, which is not one of the terms (none defined)"),
    (lambda raw: raw["rules"]["threat"].update(terms={"a": "{b}|x", "b": "{a}"}, patterns={"x": ["{a}"]}),
     "uses itself (a -> b -> a)"),
])
def test_a_broken_configuration_says_what_is_wrong(tmp_path, change, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        load_escalation_config(_write_config(tmp_path, change))


def test_situations_need_aware_times():
    with pytest.raises(ValueError, match="timezone-aware"):
        Situation(now=datetime(2026, 11, 23))
    with pytest.raises(ValueError, match="timezone-aware"):
        PriorComplaint("TS-1", "open", datetime(2026, 11, 23))


def test_bot_escalation_does_not_import_rasa():
    code = ("import sys, bot.escalation; bad = [m for m in sys.modules if m.split('.')[0] in "
            "('rasa', 'rasa_sdk')]; assert not bad, bad")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# --- the labelled evaluation set stays apart from the training data ------------------------------

def test_the_evaluation_set_is_well_formed_and_not_training_data():
    sys.path.insert(0, str(REPO_ROOT / "scripts"))
    try:
        import escalation_eval
    finally:
        sys.path.remove(str(REPO_ROOT / "scripts"))
    messages = escalation_eval.load_eval()
    assert len(messages) >= 150
    traditional = sum(detect_script(text) == Script.TRADITIONAL for text, _ in messages)
    assert 0.15 <= traditional / len(messages) <= 0.3
    assert sum(1 for _, want in messages if not want) >= 0.3 * len(messages)
    assert escalation_eval.overlap_with_training(messages) == []
