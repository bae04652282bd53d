"""Complaints not taken up, third reading (issue 14; docs/devset.md, "Complaints not taken up, third
reading"): the kinds of complaint main's model answered "不客气", "out of scope" or with the
fallback — a laptop's or a book's short con, a desk customer's two-word verdict on the quality, a
discount not applied, a slow courier with no tracking, a hotel's reply to a review — are taken up
as complaints; the questions that share their words stay questions. Each message judged alone, as
the first of a conversation. Every sentence written by the team; none is a training example."""
from __future__ import annotations

from typing import Any, Dict

import pytest

from tests.nlu.test_real_registers import COMPLAINT_INTENTS, parse_with_model

pytestmark = pytest.mark.outside_unit  # loads the trained model

TAKEN_UP = [
    "后盖的塑料很廉价",                                  # a laptop's short con (was `thank`)
    "译者的中文很生硬",                                  # a book's translation (was `thank`)
    "质量不好哦",                                        # the desk's two words (was out_of_scope)
    "我拍了两件 怎么没有减",                             # a discount not applied (was out_of_scope)
    "圆通好慢啊没有物流信息 我想退了 在吗",              # a slow courier (was the fallback)
    "对于酒店那份敷衍、缺乏诚意的回复，我表示很遗憾",    # a hotel's reply (was the fallback)
    "亲 迟迟不发货是什么情况",                           # not shipped, asked (was out_of_scope)
]
#: Questions in the same words: not complaints.
STILL_QUESTIONS = ["质量好不好啊", "有满减吗", "还差多少钱包邮", "周末发货吗"]


@pytest.fixture(scope="module")
def parsed() -> Dict[str, Dict[str, Any]]:
    return parse_with_model(TAKEN_UP + STILL_QUESTIONS)


@pytest.mark.parametrize("text", TAKEN_UP)
def test_a_short_complaint_is_taken_up(parsed, text):
    assert parsed[text]["intent"]["name"] in COMPLAINT_INTENTS, parsed[text]["intent"]


@pytest.mark.parametrize("text", STILL_QUESTIONS)
def test_a_question_in_the_same_words_stays_a_question(parsed, text):
    assert parsed[text]["intent"]["name"] == "out_of_scope", parsed[text]["intent"]
