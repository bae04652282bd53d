"""A yes or a no that names a problem (issue 14, "complaints not taken up"; docs/devset.md,
"Leftover misses, fourth reading"): the NLU keeps the yes or the no (in a form it answers the
read-back or the plan) and gives the message its reading as a complaint beside it, which the core
fallback action takes when no yes/no question is pending (actions/unexpected.py). A plain yes or
no has no such reading. Rankings are made up; the words are config.yml's. Sentences by the team."""
from __future__ import annotations

import pytest

from rasa_ext.complaint_layer import reading_if_unasked
from tests.nlu.test_taken_up import LAYER


def _ranking(top: str, confidence: float = 0.55):
    rest = (1 - confidence) / 3
    return [{"name": top, "confidence": confidence}, {"name": "complain_delivery", "confidence": rest},
            {"name": "complain_general", "confidence": rest}, {"name": "thank", "confidence": rest}]


@pytest.mark.parametrize("text", ["不是吧 东西到现在都没收到", "不行 这价格太不合理了", "对 就是被你们坑了"])
def test_a_yes_or_no_naming_a_problem_carries_a_complaint_reading(text):
    top = "affirm" if text.startswith("对") else "deny"
    reading = reading_if_unasked(_ranking(top), text, LAYER)
    assert reading is not None and reading[0]["name"] in LAYER.intents
    assert top not in [r["name"] for r in reading], "the misread yes or no leaves the reading"


@pytest.mark.parametrize("text, top", [("不是", "deny"), ("没有了", "deny"), ("好的 没问题", "affirm"),
                                       ("不用了 东西挺好的", "deny")])
def test_a_plain_yes_or_no_has_none(text, top):
    assert reading_if_unasked(_ranking(top), text, LAYER) is None


def test_only_yes_and_no_get_one():
    assert reading_if_unasked(_ranking("thank"), "谢谢 不过东西没收到", LAYER) is None
