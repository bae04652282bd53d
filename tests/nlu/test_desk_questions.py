"""Desk questions answered as complaints (issue 14; docs/devset.md, "Desk questions answered as
complaints"): a desk customer's short question or request for a service — when it ships, which
courier, a lower price, stock, an address to change — is answered as a question (the out-of-scope
answer, `utter_out_of_scope`), not met with empathy and the complaint form, also when the NLU alone
hears a complaint's words in it (the complaint layer's plain-question rule); a problem put as a
question ("怎么还不发货", "不是七天无理由吗") is still taken up, in its category, and so is one the
desk's words put as how come, why or what is going on, or one that names a defect in desk words
(no news of the parcel, a loss, outrage; "Desk complaints put as questions"). Each message
judged alone, as the first of a conversation, by the NLU and the escalation rules; every sentence
written by the team, none a training example."""
from __future__ import annotations

from typing import Any, Dict, Set, Tuple

import pytest

from tests.nlu.test_real_registers import COMPLAINT_INTENTS, heard_category, judge, parse_with_model

pytestmark = pytest.mark.outside_unit  # loads the trained model

#: Plain questions and requests (data/rules.yml answers out_of_scope with utter_out_of_scope).
QUESTIONS = [
    "今天下午拍的能赶上今天发吗",          # shipping
    "嗯对的那什么时候能发出来",
    "可以给我发百世快递吗",                # courier
    "能不能再便宜十块钱",                  # price
    "买三袋有没有优惠呢",
    "这个口味还有货吗",                    # stock
    "蓝色的什么时候补货呀",
    "帮我改一下收货地址改到公司",           # address
    "是不是手工包的呢",                    # the product
]
#: Problems put as questions: taken up, in this category, not handed off.
PROBLEM_QUESTIONS = {
    "都三天了怎么还不发货": "delivery",
    "买两袋送的小样怎么没有啊": "delivery",
    "不是说拍两件包邮吗 怎么还收运费": "price_billing",
    "不是七天无理由吗 为什么不给退": "refund_return",
}
#: Problems put as the desk's how come / why / what is going on, or named in desk words (config.yml
#: `defects`, branch chatmiss): taken up, in this category where one is given (None: any complaint).
DESK_PROBLEMS = {
    "下的单是湿巾怎么给我发了抽纸": "delivery",        # a wrong item, how come
    "我订的是两盒怎么就来了一盒": "delivery",
    "快递五天没动静了到底怎么回事": "delivery",
    "这次的枣比不上上回的": "quality",                  # worse than before
    "你们客服态度真恶劣": "service_attitude",
    "单号好几天都没信息": None,                        # no news, said as a statement
    "耽误我两天的损失怎么算": None,                    # a loss
    "你们怎么会把地址写错": None,
}
#: How-to questions on 怎么 with no problem in them stay questions.
HOW_TO = ["红包怎么领", "这个夹子怎么用"]
#: Anger put as a rhetorical question: venting (taken up), never answered as a plain question.
RHETORICAL = ["你们是不是存心气我啊", "你们能不能干点正经事", "你家客服是不是都不长脑子"]
#: A remedy asked for as a suggestion: the customer's choice, which the form and the plan take.
REMEDY_CHOICES = ["那就退款吧", "给我换个新的吧"]


@pytest.fixture(scope="module")
def parsed() -> Dict[str, Dict[str, Any]]:
    """Every message above: what the NLU made of it."""
    return parse_with_model(QUESTIONS + sorted(PROBLEM_QUESTIONS) + RHETORICAL + REMEDY_CHOICES
                            + sorted(DESK_PROBLEMS) + HOW_TO)


@pytest.fixture(scope="module")
def judged(parsed) -> Dict[str, Tuple[str, Set[str]]]:
    """Every message above: (intent, escalation reasons)."""
    return judge(parsed)


@pytest.mark.parametrize("text", QUESTIONS)
def test_a_desk_question_is_answered_as_a_question(judged, text):
    assert judged[text] == ("out_of_scope", set()), judged[text]


@pytest.mark.parametrize("text, category", PROBLEM_QUESTIONS.items())
def test_a_problem_put_as_a_question_is_taken_up_in_its_category(parsed, judged, text, category):
    assert judged[text][0] in COMPLAINT_INTENTS and not judged[text][1], judged[text]
    assert heard_category(parsed[text]) == category, (parsed[text]["intent"], parsed[text]["entities"])


@pytest.mark.parametrize("text, category", DESK_PROBLEMS.items())
def test_a_problem_put_in_the_desks_words_is_taken_up(parsed, judged, text, category):
    assert judged[text][0] in COMPLAINT_INTENTS, judged[text]
    if category is not None:
        assert heard_category(parsed[text]) == category, (parsed[text]["intent"], parsed[text]["entities"])


@pytest.mark.parametrize("text", HOW_TO)
def test_a_how_to_question_is_answered_as_a_question(judged, text):
    assert judged[text] == ("out_of_scope", set()), judged[text]


@pytest.mark.parametrize("text", RHETORICAL)
def test_a_rhetorical_insult_is_taken_up_not_answered_as_a_question(judged, text):
    assert judged[text][0] in COMPLAINT_INTENTS | {"vent"}, judged[text]


@pytest.mark.parametrize("text", REMEDY_CHOICES)
def test_a_remedy_chosen_with_a_particle_is_the_choice_not_a_question(judged, text):
    assert judged[text][0] == "request_remedy", judged[text]
