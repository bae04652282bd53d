"""scripts/validate.py (`make validate`): which of Rasa's warnings mean nothing here, and which are
problems, named with the file and the entry. The whole run is in tests/test_rasa_project.py."""
from __future__ import annotations

import sys
from pathlib import Path

import yaml

from bot.settings import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "scripts"))
import validate  # noqa: E402

DOMAIN = yaml.safe_load((REPO_ROOT / "domain.yml").read_text(encoding="utf-8"))
UNUSED = "The utterance '{}' is not used in any story or rule."


def _tree(tmp_path: Path, code: str, data: str = "") -> Path:
    (tmp_path / "actions").mkdir()
    (tmp_path / "actions" / "example.py").write_text(code, encoding="utf-8")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "example.yml").write_text(data or "{}\n", encoding="utf-8")
    return tmp_path


def test_a_response_counts_as_sent_by_code_only_where_a_string_names_it(tmp_path):
    root = _tree(tmp_path, '"""Sends utter_in_docstring."""\n'
                           "# utter_in_comment\n"
                           "def run(dispatcher):\n"
                           "    dispatcher.utter_message(response='utter_sent')\n")
    names = {use.name: use.where for use in validate.code_uses(root)}
    assert names == {"utter_sent": "actions/example.py:4"}


def test_a_name_built_from_a_prefix_counts_for_the_values_listed_only(tmp_path):
    root = _tree(tmp_path, "def run(dispatcher, case):\n"
                           "    dispatcher.utter_message(response=f'utter_handoff_{case.reason}')\n")
    sent = validate.senders({"responses": {}}, root)
    assert sent["utter_handoff_threat"] == "actions/example.py:2 (built for threat)"
    assert "utter_handoff_threaten" not in sent  # a misspelt response is not taken for a built one
    judged = validate.judge([UNUSED.format("utter_handoff_threat"), UNUSED.format("utter_handoff_threaten")],
                            {}, root / "domain.yml", root)
    assert judged.problems == ["domain.yml: responses.utter_handoff_threaten: no rule, story, action or data "
                               "file sends it. Fix: use it (`- action: utter_handoff_threaten` in a rule, or "
                               "from an action), or remove it."]


def test_a_value_in_data_names_a_response_and_a_comment_does_not(tmp_path):
    root = _tree(tmp_path, "", "# utter_in_comment\nremedies:\n  refund: {response: utter_plan_refund}\n")
    sent = validate.senders({"responses": {}}, root)
    assert sent["utter_plan_refund"] == "data/example.yml" and "utter_in_comment" not in sent


def test_the_form_questions_and_rasas_fallback_count_as_sent():
    sent = validate.senders(DOMAIN)
    assert sent["utter_ask_contact_phone"].startswith("the form complaint_form")
    assert sent["utter_default"] == "Rasa's action_default_fallback"


def test_a_response_the_code_sends_but_the_domain_lacks_is_named_with_file_and_line(tmp_path):
    root = _tree(tmp_path, "def run(dispatcher, level):\n"
                           "    dispatcher.utter_message(response='utter_missing')\n"
                           "    dispatcher.utter_message(response=f'utter_empathy_{level}')\n"
                           "    dispatcher.utter_message(response=f'utter_mystery_{level}')\n")
    domain = {"responses": {"utter_empathy_calm": [], "utter_empathy_upset": []}}
    problems = validate.code_problems(domain, root / "domain.yml", root)
    assert problems == [
        "actions/example.py:2: sends 'utter_missing', which is not among domain.yml's responses. "
        "Fix: add it to domain.yml or correct the name.",
        "domain.yml: responses: no 'utter_empathy_angry', which actions/example.py:3 sends for 'angry'. "
        "Fix: add it.",
        "actions/example.py:4: builds response names from 'utter_mystery_', whose values scripts/validate.py "
        "does not know. Fix: add the prefix and where its values come from to BUILT_NAMES in "
        "scripts/validate.py.",
    ]


def test_the_shipped_code_sends_only_responses_the_domain_has():
    assert validate.code_problems(DOMAIN, REPO_ROOT / "domain.yml") == []


def test_every_warning_about_the_untouched_project_is_explained_and_others_are_problems():
    messages = [UNUSED.format(name) for name in DOMAIN["responses"]]
    messages += ["The intent 'EXTERNAL_follow_up' is listed in the domain file, but is not found in the NLU "
                 "training data.",
                 "\x1b[93mThe intent 'greet' is listed in the domain file, but is not found in the NLU "
                 "training data.\x1b[0m"]
    judged = validate.judge(messages, DOMAIN, REPO_ROOT / "domain.yml")
    assert sum(judged.explained.values()) == len(DOMAIN["responses"]) + 1
    assert judged.problems == ["rasa data validate: The intent 'greet' is listed in the domain file, but is "
                               "not found in the NLU training data."]
