"""The wrong thing said as "不对" or "不是我买的" (issue 14, "not taken up"; docs/devset.md, "The
wrong thing said as 不对"): a wrong colour, size, model or count, goods that are not the ones bought,
a taste that is off, a wrong price or tracking number are complaints, whether the NLU hears a
complaint or a no that names a problem (which the core fallback takes up when no yes/no question is
pending). A bare no, and a no that corrects the read-back, name nothing. config.yml's words; the
sentences are the team's own."""
from __future__ import annotations

from typing import Any, Dict

import pytest

from bot.metadata import READING_IF_UNASKED_KEY
from rasa_ext.complaint_layer import names_a_problem, reading_if_unasked
from tests.nlu.test_real_registers import parse_with_model
from tests.nlu.test_taken_up import LAYER
from tests.nlu.test_unasked_answers import _ranking

#: Each was a plain no, the fallback or out of scope on main's model of 2026-12-07.
WRONG = [
    "颜色不对",                          # deny
    "尺码不对啊",                        # the fallback
    "发过来的型号不对",                  # out_of_scope
    "这不是我买的那个",                  # the fallback
    "我拍的不是这款",                    # out_of_scope
    "口感不对劲",                        # the fallback
    "味道不对 是不是坏了",
    "收到的数量不对",
    "价钱好像不对吧",                    # a price that is wrong
    "运单号不对 查不到",                 # a tracking number that is wrong
]
#: A no, a no that corrects the read-back, a doubt about one's own order: no problem named.
PLAIN_NO = ["不对", "不是这个意思", "不对 你理解错了", "有一项不对 要改一下", "不是这个订单"]
#: The same in Traditional characters (the NLU reads them as Simplified first).
TRADITIONAL = ["顏色不對", "尺碼不對啊", "這不是我買的那個"]


@pytest.mark.parametrize("text", WRONG)
def test_the_wrong_thing_names_a_problem(text: str) -> None:
    assert names_a_problem(text, LAYER)
    assert reading_if_unasked(_ranking("deny"), text, LAYER) is not None


@pytest.mark.parametrize("text", PLAIN_NO)
def test_a_plain_no_names_none(text: str) -> None:
    assert reading_if_unasked(_ranking("deny"), text, LAYER) is None


@pytest.fixture(scope="module")
def parsed() -> Dict[str, Dict[str, Any]]:
    return parse_with_model(WRONG + PLAIN_NO + TRADITIONAL)


def _heard_as_complaint(parse: Dict[str, Any]) -> bool:
    """A complaint intent or a vent (taken up with empathy), or a no carrying such a reading."""
    reading = parse.get(READING_IF_UNASKED_KEY) or [parse["intent"]]
    return any(r["name"] in LAYER.intents for r in (parse["intent"], reading[0]))


@pytest.mark.outside_unit  # loads the trained model
@pytest.mark.parametrize("text", WRONG + TRADITIONAL)
def test_the_trained_model_hears_a_complaint(parsed, text):
    assert _heard_as_complaint(parsed[text]), (parsed[text]["intent"], parsed[text].get(READING_IF_UNASKED_KEY))


@pytest.mark.outside_unit
@pytest.mark.parametrize("text", ["不对", "不是这个意思", "有一项不对 要改一下"])
def test_the_trained_model_keeps_a_plain_no(parsed, text):
    assert parsed[text]["intent"]["name"] == "deny", parsed[text]["intent"]
