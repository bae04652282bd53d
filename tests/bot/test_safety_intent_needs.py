"""The NLU's report_safety alone needs a word of harm, a hazard or spoilage (issue 14, handoff
precision; rules.safety.intent_needs; docs/devset.md "The NLU's safety alone on the desk's chat
turns"): on the desk's chat turns it was sure of safety on a child or eating with no harm named.
Sentences we wrote; the word list is checked against every example the team wrote for safety."""
from __future__ import annotations

import pytest

from bot.lexicon import normalise
from scripts.escalation_eval import load_eval, training_examples
from tests.auxil.escalation import first_message_reasons as reasons


@pytest.mark.parametrize("text", [
    "这个是买给小孩吃的",
    "主要给宝宝洗澡用",
    "吃完了再来你家买",
    "孩子大了用不上了",
])
def test_a_child_or_eating_with_no_harm_named_is_not_safety(config, text):
    assert "safety" not in reasons(text, config, "report_safety", 0.95)


@pytest.mark.parametrize("text", [
    "宝宝用了以后屁股红了一片",
    "孩子吃了两口就说肚子不舒服",
    "用了手上一直痒",
    "我家小孩差点把那个小零件吞下去",
])
def test_harm_said_in_few_words_is_still_safety_with_the_nlu(config, text):
    assert "safety" in reasons(text, config, "report_safety", 0.8)


def test_every_safety_example_we_wrote_has_a_word_the_intent_needs(config):
    needs = config.intent_needs["safety"]
    ours = [text for intent, text in training_examples() if intent == "report_safety"]
    ours += [text for text, wanted in load_eval() if "safety" in wanted]
    assert len(ours) > 700
    assert [text for text in ours if not needs.search(normalise(text))] == []
