"""A desk customer's requests and thanks that say 麻烦 ("please") are no complaints (issue 14,
non-complaints taken up; docs/devset.md, "Requests that say please"): "麻烦帮忙备注下",
"那麻烦你了", thanks for the trouble ("好的，麻烦了", "给你添麻烦了") and a delivery
instruction ("送货前请快递员先打个电话") ask for a service or thank, and
were met with empathy and the complaint form, because 麻烦 alone is a defect word (a bother:
"换个配件太麻烦了"). config.yml's `not_defects` and data/nlu/desk_chat_questions.yml; the sentences
are the team's own."""
from __future__ import annotations

from typing import Any, Dict

import pytest

from rasa_ext.complaint_layer import is_plain_question, names_a_problem
from tests.nlu.test_real_registers import parse_with_model
from tests.nlu.test_taken_up import LAYER

#: Each named a problem by its 麻烦 on main's configuration of 2026-12-07 (before `not_defects`).
PLEASE = ["麻烦帮忙备注下走顺丰", "麻烦你尽快发货", "那麻烦你了", "麻烦跟快递说下放物业", "麻烦尽快安排一下"]
#: 麻烦 as a bother, and a please beside a problem, still name one.
BOTHER = ["换个配件太麻烦了", "退货手续麻烦死了", "麻烦你们看一下 快递被放错地方了"]


#: Thanks for the trouble (2026-12-07): each named a problem by its 麻烦 before `not_defects` had them.
THANKS = ["好的麻烦了", "好的，麻烦了", "嗯 谢谢麻烦了", "麻烦了谢谢哈", "给你添麻烦了，谢谢",
          "不好意思给你们添麻烦了"]
#: A bother said with 了 is still one.
BOTHER_WITH_LE = ["太麻烦了，算了不退了", "好麻烦了啊", "退个货这么麻烦了吗"]


@pytest.mark.parametrize("text", PLEASE + THANKS)
def test_a_please_names_no_problem(text: str) -> None:
    assert not names_a_problem(text, LAYER)


@pytest.mark.parametrize("text", PLEASE[:2] + PLEASE[3:])
def test_a_request_that_says_please_is_a_plain_question(text: str) -> None:
    assert is_plain_question(text, LAYER)


@pytest.mark.parametrize("text", BOTHER + BOTHER_WITH_LE)
def test_a_bother_names_a_problem(text: str) -> None:
    assert names_a_problem(text, LAYER)


#: Instructions that end like a request (none a plain question on main's configuration of 2026-12-07).
ENDS_LIKE_A_REQUEST = ["东西到了放门卫就行", "以后发中通就可以了", "放快递柜就好啦"]
#: Exasperation and a problem with its remedy stay complaints.
NOT_A_REQUEST = ["你们改个价不就行了", "东西坏了换一个就行", "盒子压扁了 退钱就好"]


@pytest.mark.parametrize("text", ENDS_LIKE_A_REQUEST)
def test_an_instruction_ending_like_a_request_is_a_plain_question(text: str) -> None:
    assert is_plain_question(text, LAYER)


@pytest.mark.parametrize("text", NOT_A_REQUEST)
def test_exasperation_or_a_problem_with_its_remedy_is_no_plain_question(text: str) -> None:
    assert not is_plain_question(text, LAYER)


THANKED = ["那麻煩你了", "好的，麻煩了", "不好意思給你們添麻煩了", "嗯 谢谢麻烦了"]
REQUESTS = ["麻烦帮忙备注下走顺丰", "麻煩跟快遞說一下放門衛", "送貨前請快遞員先打電話給我", "東西到了放門衛就行"]
COMPLAINTS = ["快递员没打电话就放门口了", "快遞員沒打電話就放門口了", "麻煩你們看一下 快遞被放錯地方了",
              "换个配件太麻烦了"]


@pytest.fixture(scope="module")
def parsed() -> Dict[str, Dict[str, Any]]:
    return parse_with_model(REQUESTS + COMPLAINTS + THANKED)


@pytest.mark.outside_unit  # loads the trained model
@pytest.mark.parametrize("text", REQUESTS)
def test_the_trained_model_answers_a_request_as_a_question(parsed, text):
    assert parsed[text]["intent"]["name"] == "out_of_scope", parsed[text]["intent"]


@pytest.mark.outside_unit
@pytest.mark.parametrize("text", COMPLAINTS)
def test_the_trained_model_takes_the_complaint_up(parsed, text):
    assert parsed[text]["intent"]["name"] in LAYER.intents, parsed[text]["intent"]


@pytest.mark.outside_unit
@pytest.mark.parametrize("text", THANKED)
def test_the_trained_model_hears_thanks_in_a_please(parsed, text):
    assert parsed[text]["intent"]["name"] == "thank", parsed[text]["intent"]
