"""Mixed reviews read as thanks (issue 14, "not taken up"; docs/devset.md, "Mixed reviews read as
thanks"): praise, then a con said without the usual defect words — a hedge after a contrast word
("就是有点…"), a praise word or verdict denied ("住得不太满意"), a con the lexicon lacked — is
a complaint; a small regret with a verdict after it stays praise, and a haggle or a wish names no
con. Every sentence written by the team."""
from __future__ import annotations

from typing import Any, Dict

import pytest

from rasa_ext.complaint_layer import (ComplaintLayer, cons_named, names_a_problem, praises,
                                        take_up_named_problems)
from tests.nlu.test_real_registers import parse_with_model
from tests.nlu.test_taken_up import LAYER  # config.yml's complaint layer

#: Praise, then a con: each names a problem by config.yml's words; none is a training example.
MIXED = [
    "早餐挺丰富，前台也热情，就是房间有点潮",                  # a hedge after 就是
    "外观没得挑，可惜续航短了点",                              # 了点 after 可惜
    "位置方便，床也软，不过空调略吵",                          # 略 after 不过
    "装修挺新，早餐也还行，总的说来住得不太满意",            # a verdict denied
    "纸张不错，插图也多，但内容谈不上实用",                    # praise denied
    "景色很美，明年还来，但肯定换一家酒店住",                  # not this hotel again
    "性能够用，按键偏硬，敲久了手指疼",                        # a con the list lacked
    "整体干净，只是走廊里嘈杂到半夜",
    "外卖到得挺快，就是饭菜只能算凑合的水平",
    "这本书以后也不会再推荐给同事了",                          # a verdict after the con, negated
]

#: Praise with a small regret and a verdict after it, praise plainly, a wish, a haggle: no problem.
NOT_MIXED = [
    "房间稍微小了点，不过很干净，总体满意，推荐",
    "电池略少了一点，可以接受",
    "噪音有点大，不影响使用",
    "隔音一般般，总体还是很满意的，下次还住",
    "要是再轻一点就完美了",
    "能不能便宜点",
    "这本书不但好看而且实用",
]


@pytest.mark.parametrize("text", MIXED)
def test_a_con_after_praise_names_a_problem(text: str) -> None:
    assert names_a_problem(text, LAYER), cons_named(text, LAYER)
    assert not praises(text, LAYER)


@pytest.mark.parametrize("text", NOT_MIXED)
def test_a_regret_with_a_verdict_a_wish_or_a_haggle_names_none(text: str) -> None:
    assert not names_a_problem(text, LAYER), cons_named(text, LAYER)


def test_a_negation_in_another_clause_denies_nothing() -> None:
    # 不太 belongs to the con before, not to the verdict after it
    assert not names_a_problem("电梯不太好等。总体挺干净，推荐", LAYER)
    assert names_a_problem("电梯不太好等。总的说来住得不太满意", LAYER)


def test_a_negation_does_not_reach_into_the_next_sentence() -> None:
    # 没什么 belongs to the first sentence; the second regrets (2026-12-07)
    assert names_a_problem("看完没什么感觉。后悔买了", LAYER)
    # reviews typed on a laptop end sentences with an ASCII full stop
    assert names_a_problem("看完没什么感觉.后悔买了", LAYER)
    # a comma does not end the sentence: one 没有 denies a list ("no dead pixels, no scratches")
    assert not names_a_problem("屏幕很亮，没有坏点，划痕", LAYER)


def test_without_the_new_words_the_rule_is_as_before() -> None:
    raw = {"intents": ["complain_general"], "general": "complain_general", "reconsider": ["thank"],
           "defects": ["脏"], "praise": ["满意"], "verdicts": ["推荐"], "contrast": ["就是"]}
    plain = ComplaintLayer.from_config(raw)
    assert not names_a_problem("位置好，就是有点吵", plain)
    assert not names_a_problem("总的说来住得不太满意", plain)
    with_them = ComplaintLayer.from_config({**raw, "praise_negations": ["不太"], "turn_cons": ["有点"]})
    assert names_a_problem("位置好，就是有点吵", with_them)
    assert names_a_problem("总的说来住得不太满意", with_them)


def test_an_unsure_complaint_that_names_a_problem_is_not_left_to_the_fallback() -> None:
    ranking = [{"name": "complain_quality", "confidence": 0.45}, {"name": "give_details", "confidence": 0.3},
               {"name": "thank", "confidence": 0.25}]
    taken = take_up_named_problems(ranking, "屏幕亮度稍差", LAYER)
    assert taken[0]["name"] == "complain_quality" and taken[0]["confidence"] >= LAYER.below
    # a message that names nothing keeps its ranking (the fallback answers it)
    assert take_up_named_problems(ranking, "第二台了", LAYER) == ranking


@pytest.fixture(scope="module")
def parsed() -> Dict[str, Dict[str, Any]]:
    return parse_with_model(MIXED)


@pytest.mark.outside_unit  # loads the trained model
@pytest.mark.parametrize("text", MIXED)
def test_a_mixed_review_is_taken_up_as_a_complaint(parsed, text):
    assert parsed[text]["intent"]["name"] in LAYER.intents, parsed[text]["intent_ranking"][:3]
