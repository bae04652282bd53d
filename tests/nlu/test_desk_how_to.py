"""A desk's how-to questions and complaints put as questions (issue 14, "not taken up" and the
desk's questions answered as complaints; docs/devset.md, "The rubric's own forms, probed"): "怎么查
物流" and "怎么退货" ask how to do something and name no problem, so they are answered, not taken up
as complaints; a parcel sent back, empty shells and a parcel opened before it came are problems,
though they are put as questions; a how-to that failed ("请问物流怎么查不到呀") is a problem too.
config.yml's words; the sentences are the team's own."""
from __future__ import annotations

from typing import Any, Dict

import pytest

from rasa_ext.complaint_layer import is_plain_question, names_a_problem
from tests.nlu.test_real_registers import parse_with_model
from tests.nlu.test_taken_up import LAYER

HOW_TO = ["怎么查物流", "怎么退货", "怎么申请售后", "这个怎么吃", "发票怎么开发票抬头"]
#: Worries before buying with 不了 in them stay questions.
WORRIES = ["坏不了吧", "放半年也用不了吧"]
#: Each names a problem by config.yml's words (none did on main's configuration of 2026-12-07 07:55).
PROBLEMS_AS_QUESTIONS = ["我的快递怎么显示退回了？", "为什么核桃这么多空壳", "包裹是不是被拆开过"]
#: A how-to that failed is no plain question.
FAILED_HOW_TO = ["请问物流怎么查不到呀", "退货怎么退不了"]


@pytest.mark.parametrize("text", HOW_TO + WORRIES)
def test_a_how_to_is_a_plain_question(text: str) -> None:
    assert is_plain_question(text, LAYER)


@pytest.mark.parametrize("text", FAILED_HOW_TO)
def test_a_how_to_that_failed_is_no_plain_question(text: str) -> None:
    assert not is_plain_question(text, LAYER)


@pytest.mark.parametrize("text", PROBLEMS_AS_QUESTIONS)
def test_a_problem_put_as_a_question_names_a_problem(text: str) -> None:
    assert names_a_problem(text, LAYER)


@pytest.fixture(scope="module")
def parsed() -> Dict[str, Dict[str, Any]]:
    return parse_with_model(HOW_TO[:2] + PROBLEMS_AS_QUESTIONS[:2] + ["怎麼查物流", "為什麼核桃這麼多空殼"])


@pytest.mark.outside_unit  # loads the trained model
@pytest.mark.parametrize("text", ["怎么查物流", "怎么退货", "怎麼查物流"])
def test_the_trained_model_answers_the_how_to(parsed, text):
    assert parsed[text]["intent"]["name"] not in LAYER.intents, parsed[text]["intent"]


@pytest.mark.outside_unit
@pytest.mark.parametrize("text", ["我的快递怎么显示退回了？", "为什么核桃这么多空壳", "為什麼核桃這麼多空殼"])
def test_the_trained_model_takes_the_problem_up(parsed, text):
    assert parsed[text]["intent"]["name"] in LAYER.intents, parsed[text]["intent"]
