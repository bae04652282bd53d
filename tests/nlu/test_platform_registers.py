"""The trained model on the registers of issue 14's real messages that our dev set of reviews lacks:
Weibo posts @-ing telecom, broadband and retail brands; chats with an e-commerce service desk
("在吗", masked numbers, a fragment continuing an earlier turn, a question such as 能换吗 / 要几天
instead of 投诉); takeaway and online-shopping complaints; Taiwan and Hong Kong usage.

Per failure kind the issue names: such a complaint is taken up in its category and not handed off;
food and bodily harm and overheating or burning devices go to a person (warm phones and spicy food
do not); threats to regulators of telecom and retail, consumer bodies, complaint sites and courts go
to a person; a ticket with no answer, a promised call-back that never came, or the Nth contact is a
repeat, while a progress question or thanks is not; and a handoff keeps the category the message
named. Each message judged alone, as the first of a conversation, by the NLU and the escalation
rules together; none of them is a training example or in data/eval/escalation.yml."""
from __future__ import annotations

from typing import Any, Dict, Set, Tuple

import pytest

from tests.nlu.test_real_registers import COMPLAINT_INTENTS, parse_with_model, heard_category, judge

pytestmark = pytest.mark.outside_unit  # loads the trained model

#: Ordinary complaints in chat and post registers: the category heard, and no handoff.
TAKEN_UP_IN_CATEGORY = {
    "刚到的拖鞋一只大一只小 可以退换吗": "quality",
    "在吗 订单****5183 的台灯灯罩是裂的 能换吗": "quality",
    "在吗？？？包裹****0726 四天没动了": "delivery",
    "就是那个单 收到的件少了一个": "delivery",
    "@中国移动 尾号****8890 莫名多扣了二十块流量费": "price_billing",
    "宽带又掉线了 一晚上断了七八次": "quality",
    "退货寄回去九天了 钱还没退 要等几天": "refund_return",
    "外卖的面汤全洒在袋子里了": "delivery",
    "客服回个消息要等半小时 问啥都说不清楚": "service_attitude",
    "帳單上多了一筆我沒訂的加值服務": "price_billing",
    "件褸收到先發現甩咗粒鈕 可唔可以換": "quality",
}
SAFETY = [
    "吃了你们的炒粉 回家就吃坏肚子了 拉了一夜",
    "外卖的馄饨里吃出一根钢丝",
    "豆腐脑是馊的 孩子吃了几口就吐了",
    "充电宝揣兜里鼓包了 还烫得吓人",
    "插头插上就冒烟 插座都熏黑了",
    "儿童剪刀的刀刃太快 女儿把手指剪出血了",
    "热水器出水口一摸就麻 肯定漏电",
    "喝完你們的豆漿整晚上吐下瀉",
    "食咗你哋個外賣 成家人肚痛",
]
NOT_SAFETY = ["这家的水煮肉片辣得我一直喝水", "充电的时候手机有点温 正常吗"]
THREATS = [
    "@某宽带 再不给修 我就去通信管理局申诉",
    "我已经在黑猫投诉发了帖子",
    "不给退我就打12315",
    "这事我要找消协",
    "你们再拖我就请律师起诉",
    "我會向消基會申訴",
]
REPEATS = [
    "工单提交八天了 一个电话都没有",
    "说好48小时内回电话 已经三天了",
    "客服我打了四次了 问题还是没解决",
    "已经是第三次找你们了 宽带还是老样子",
]
NOT_A_REPEAT = {
    "我前天提交的换货申请 到哪一步了": "ask_progress",
    "之前那个问题已经处理好了 谢谢": "thank",
    "补偿的红包收到了 谢谢": "thank",
}
HUMAN_REQUESTS = ["帮我转一下人工客服", "机器人说不明白 找个真人来"]
#: A message handed off for a reason still records the category it named (issue 14: the agent's
#: queue showed 其他问题): (reason, category).
HANDED_OFF_IN_CATEGORY = {
    "话费多收了一百 不退我就去工信部投诉": ("threat", "price_billing"),
    "外卖的炒饭里有蟑螂": ("safety", "quality"),
    "充电宝揣兜里鼓包了 还烫得吓人": ("safety", "quality"),
    "退款催了三次还没到账": ("repeated", "refund_return"),
    "不给退我就打12315": ("threat", "refund_return"),
}


@pytest.fixture(scope="module")
def parsed() -> Dict[str, Dict[str, Any]]:
    """Every message above: what the NLU made of it."""
    return parse_with_model(sorted(set(TAKEN_UP_IN_CATEGORY) | set(SAFETY) | set(NOT_SAFETY) | set(THREATS)
                                   | set(REPEATS) | set(NOT_A_REPEAT) | set(HUMAN_REQUESTS)
                                   | set(HANDED_OFF_IN_CATEGORY)))


@pytest.fixture(scope="module")
def judged(parsed) -> Dict[str, Tuple[str, Set[str]]]:
    """Every message above: (intent, escalation reasons)."""
    return judge(parsed)


@pytest.mark.parametrize("text, category", TAKEN_UP_IN_CATEGORY.items())
def test_a_chat_or_post_complaint_is_taken_up_in_its_category(parsed, judged, text, category):
    assert judged[text][0] in COMPLAINT_INTENTS and not judged[text][1], judged[text]
    assert heard_category(parsed[text]) == category, (parsed[text]["intent"], parsed[text]["entities"])


#: (message, reason, whether the message goes to a person for it): food and bodily harm, devices
#: that burn or swell, regulators and courts, unanswered tickets; and the look-alikes.
REASON_CASES = ([(text, "safety", True) for text in SAFETY] + [(text, "safety", False) for text in NOT_SAFETY]
                + [(text, "threat", True) for text in THREATS] + [(text, "repeated", True) for text in REPEATS])


@pytest.mark.parametrize("text, reason, handed_off", REASON_CASES)
def test_harm_threats_and_unanswered_tickets_go_to_a_person_and_look_alikes_do_not(judged, text, reason, handed_off):
    assert (reason in judged[text][1]) == handed_off, judged[text]


@pytest.mark.parametrize("text, intent", NOT_A_REPEAT.items())
def test_a_progress_question_or_thanks_is_not_a_repeat(judged, text, intent):
    assert judged[text] == (intent, set())


@pytest.mark.parametrize("text", HUMAN_REQUESTS)
def test_a_request_for_a_person_in_chat_is_one(judged, text):
    assert judged[text] == ("request_human", {"human_request"})


@pytest.mark.parametrize("text, reason_and_category", HANDED_OFF_IN_CATEGORY.items())
def test_a_handoff_keeps_the_category_the_message_named(parsed, judged, text, reason_and_category):
    reason, category = reason_and_category
    assert reason in judged[text][1], judged[text]
    assert heard_category(parsed[text]) == category, (parsed[text]["intent"], parsed[text]["entities"])
