"""Every file designers edit is checked before a server starts; a mistake names the file, the
entry and the fix."""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.config_check import check_config, require_valid_config
from bot.dialogue import intents_answered_mid_form
from tests.auxil.data_copy import (
    NEW_CATEGORY, NEW_INTENT, NEW_REMEDY, add_category, add_category_label, add_remedy, add_remedy_label, copy_config,
    edit_yaml,
)


def _replace(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, (relative, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _assert_one_error_each(errors, expected):
    """One error for each of the `expected` fragments, and no other."""
    assert len(errors) == len(expected), errors
    for line in expected:
        assert any(line in error for error in errors), (line, errors)


def test_the_shipped_configuration_has_no_mistake():
    assert check_config() == []


@pytest.mark.parametrize("add", [add_category, add_remedy])
def test_a_category_or_remedy_added_in_data_alone_passes(tmp_path, add):
    add(copy_config(tmp_path))
    assert check_config(tmp_path) == []


def test_a_category_with_only_a_label_names_every_place_still_missing(tmp_path):
    add_category_label(copy_config(tmp_path))
    errors = check_config(tmp_path)
    expected = [
        f"domain.yml: slots.complaint_category.values: no '{NEW_CATEGORY}'. Fix: add {NEW_CATEGORY}",
        f"domain.yml: slots.complaint_category.mappings: nothing sets '{NEW_CATEGORY}'. Fix: add "
        f"`- {{type: from_intent, intent: {NEW_INTENT}, value: {NEW_CATEGORY}}}`",
        f"domain.yml: intents: no '{NEW_INTENT}' (category {NEW_CATEGORY}). Fix: add `- {NEW_INTENT}`",
        f"data/nlu: intent {NEW_INTENT}: 0 examples (category {NEW_CATEGORY}). Fix: add at least 5",
        f"data/rules.yml: a complaint opens with empathy: {NEW_INTENT} does not start a complaint.",
        f"domain.yml: responses.utter_ask_complaint_category.buttons: no button for '{NEW_CATEGORY}'.",
    ]
    _assert_one_error_each(errors, expected)


def test_a_remedy_with_only_a_label_names_the_plan_and_the_slot_value_missing(tmp_path):
    add_remedy_label(copy_config(tmp_path))
    errors = check_config(tmp_path)
    expected = [
        f"data/policies.yml: remedies: no plan for '{NEW_REMEDY}' (a remedy in data/labels.yml). Fix: add "
        f"`{NEW_REMEDY}: {{response: utter_plan_{NEW_REMEDY}, working_days: 3}}`",
        f"domain.yml: slots.desired_remedy.values: no '{NEW_REMEDY}' (a remedy in data/labels.yml). "
        f"Fix: add {NEW_REMEDY} to the list.",
    ]
    _assert_one_error_each(errors, expected)


@pytest.mark.parametrize(("relative", "old", "new", "message"), [
    ("data/policies.yml", "{response: utter_plan_repair, working_days: 5}",
     "{response: utter_plan_repair, working_days: five}",
     "data/policies.yml: remedies.repair.working_days: expected a whole number of days, got 'five'. "
     "Fix: write a number, e.g. 7."),
    ("data/policies.yml", "response: utter_policy_warranty", "response: utter_policy_guarantee",
     "data/policies.yml: questions.warranty.response: no response 'utter_policy_guarantee' in domain.yml."),
    ("config/handoff.yml", "callback_within_minutes: 120", "callback_within_minutes: two hours",
     "config/handoff.yml: callback_within_minutes: expected a number of minutes, got 'two hours'. "
     "Fix: write a number"),
    ("config/channels.yml", "retries: 3", "retries: many",
     "config/channels.yml: telegram.retries: expected a number of retries, got 'many'."),
    ("config/jobs.yml", "lease_seconds: 60", "lease: 60",
     "config/jobs.yml: lease_seconds: missing. Fix: add it"),
    ("data/labels.yml", "  delivery: 物流配送问题", "  delivery: ''",
     "data/labels.yml: categories.delivery: expected the label the customer reads, got ''."),
    ("domain.yml", "values: [quality, delivery,", "values: [quality, delivery, fraud,",
     "domain.yml: slots.complaint_category.values: 'fraud' has no label in data/labels.yml. Fix: add"),
    ("domain.yml", "values: [refund, exchange,", "values: [refund, voucher, exchange,",
     "domain.yml: slots.desired_remedy.values: 'voucher' has no label in data/labels.yml. Fix: add "
     "`voucher: <label>` under remedies in data/labels.yml, or remove it."),
    ("domain.yml", '{"remedy": "repair"}', '{"remedy": "repairs"}',
     "domain.yml: responses.utter_ask_desired_remedy.buttons: 'repairs' has no label in data/labels.yml."),
    ("data/policies.yml", "  explanation:  {response:", "  explanations: {response:",
     "data/policies.yml: remedies.explanations: 'explanations' has no label in data/labels.yml."),
    ("data/policies.yml", "  explanation:  {response:", "  explanations: {response:",
     "data/policies.yml: remedies: no plan for 'explanation' (a remedy in data/labels.yml)."),
    ("data/labels.yml", "  repair: 维修\n", "",
     "domain.yml: slots.desired_remedy.values: 'repair' has no label in data/labels.yml."),
    ("config/escalation.yml", "    min_confidence: 0.8\n", "    min_confidence: sure\n",
     "intent_alone.long_message needs chars (a number of characters) and min_confidence (0-1)"),
])
def test_a_mistake_is_named_with_its_file_entry_and_fix(tmp_path, relative, old, new, message):
    _replace(copy_config(tmp_path), relative, old, new)
    errors = check_config(tmp_path)
    assert any(message in error for error in errors), errors
    with pytest.raises(SystemExit) as refused:
        require_valid_config(tmp_path)
    assert message in str(refused.value)


def test_a_yaml_mistake_is_named_with_its_line(tmp_path):
    _replace(copy_config(tmp_path), "config/surveys.yml", "  delay_minutes: 30", "  delay_minutes: 30\n bad: [")
    errors = check_config(tmp_path)
    assert len(errors) == 1 and "config/surveys.yml: line " in errors[0], errors
    assert "Fix: correct the indentation" in errors[0]


# --- An intent added in one place: it works end to end or the check names what is missing ---------

ASK = "ask_invoice"
ASK_EXAMPLES = ("能开发票吗", "发票怎么开", "我想要张发票", "帮我开一下发票", "电子发票在哪里看")


def _add_examples(root: Path, intent: str = ASK) -> None:
    examples = "".join(f"      - {text}\n" for text in ASK_EXAMPLES)
    (root / "data/nlu/invoice.yml").write_text(
        f'version: "3.1"\nnlu:\n  - intent: {intent}\n    examples: |\n{examples}', encoding="utf-8")


def _declare(root: Path, intent: str = ASK) -> None:
    edit_yaml(root / "domain.yml", lambda domain: domain["intents"].append(intent))


def _add_rule(root: Path, rule: dict) -> None:
    edit_yaml(root / "data/rules.yml", lambda rules: rules["rules"].append(rule))


OUTSIDE = {"rule": "invoice question", "steps": [{"intent": ASK}, {"action": "utter_greet"}]}
MID_FORM = {"rule": "invoice question mid-form", "condition": [{"active_loop": "complaint_form"}],
            "steps": [{"intent": ASK}, {"action": "utter_greet"}, {"action": "complaint_form"},
                      {"active_loop": "complaint_form"}]}



def test_a_new_intent_with_examples_domain_entry_and_rules_passes_and_the_form_leaves_it_to_its_rule(tmp_path):
    root = copy_config(tmp_path)
    _add_examples(root), _declare(root), _add_rule(root, OUTSIDE), _add_rule(root, MID_FORM)
    assert check_config(root) == []
    assert ASK in intents_answered_mid_form(root)


@pytest.mark.parametrize(("edits", "message"), [
    ([_add_examples],
     f"data/nlu/invoice.yml: intent {ASK}: not among domain.yml's intents, so the assistant never hears "
     f"it. Fix: add `- {ASK}` under intents in domain.yml."),
    ([_add_examples, _declare],
     f"domain.yml: intents.{ASK}: no rule or story in data/ mentions it, so the assistant would answer it "
     f"with utter_default (“这一步我没跟上”). Fix: add `- intent: {ASK}` to the `or:` of the rule "
     f"“a complaint opens with empathy, then the form”"),
    ([_declare, lambda root: _add_rule(root, OUTSIDE)], f"domain.yml: intents.{ASK}: no examples in data/nlu."),
], ids=["only examples", "no rule", "no examples"])
def test_a_new_intent_missing_from_one_place_is_named_with_the_file_and_entry(tmp_path, edits, message):
    root = copy_config(tmp_path)
    for edit in edits:
        edit(root)
    _assert_one_error_each(check_config(root), [message])


def test_the_form_leaves_to_a_rule_only_what_a_rule_answers_before_asking_again():
    answered = intents_answered_mid_form()
    assert {"ask_progress", "vent", "threaten", "greet", "goodbye"} <= answered
    assert "nlu_fallback" not in answered  # handed straight to the form, which checks it as an answer
    assert not answered & {"affirm", "deny", "give_details", "complain_quality"}
