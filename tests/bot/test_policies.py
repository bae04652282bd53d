"""Policies give concrete deadlines from data/policies.yml."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.datafiles import ConfigError
from bot.policies import Deadline, load_policies
from bot.settings import REPO_ROOT

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY_10AM = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)  # 10:00 in Shanghai


def test_every_remedy_has_a_plan_with_a_response_and_unknown_falls_back_to_other():
    policies = load_policies()
    for remedy in ("refund", "exchange", "repair", "compensation", "apology", "explanation"):
        assert policies.plan_for(remedy).response == f"utter_plan_{remedy}"
    assert policies.plan_for("a pony").remedy == "other"
    assert policies.plan_for(None).remedy == "other"


def test_refund_promise_is_seven_working_days_as_a_date():
    plan = load_policies().plan_for("refund")
    due = plan.deadline.due(MONDAY_10AM, SHANGHAI)
    assert plan.deadline.is_whole_days
    assert due.date().isoformat() == "2026-12-02"


def test_first_response_is_twenty_four_calendar_hours():
    due = load_policies().first_response.due(MONDAY_10AM, SHANGHAI)
    assert due == datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)


def test_policy_questions_have_answers_with_their_numbers():
    policies = load_policies()
    refund_time = policies.answer("refund_time")
    assert refund_time.values["working_days"] == 7 and refund_time.deadline.working_days == 7
    assert policies.answer("return_window").values["no_reason_days"] == 7
    assert policies.answer("warranty").response == "utter_policy_warranty"
    assert policies.answer("no_such_topic") is None


def test_a_deadline_needs_exactly_one_unit():
    with pytest.raises(ValueError):
        Deadline()
    with pytest.raises(ValueError):
        Deadline(hours=1, working_days=1)


def _policies_with(tmp_path, old: str, new: str):
    text = (REPO_ROOT / "data/policies.yml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "policies.yml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return load_policies(path)


def test_changing_the_refund_deadline_is_one_edit(tmp_path):
    policies = _policies_with(tmp_path, "refund_arrival: {working_days: 7}", "refund_arrival: {working_days: 10}")
    refund_time = policies.answer("refund_time")
    assert policies.refund_arrival.working_days == 10
    assert policies.plan_for("refund").deadline.working_days == 10
    assert refund_time.deadline.working_days == 10 and refund_time.values["working_days"] == 10


@pytest.mark.parametrize(("old", "new", "message"), [
    ("repair:       {response: utter_plan_repair, working_days: 5}",
     "repair:       {response: utter_plan_repair, working_days: five}",
     "policies.yml: remedies.repair.working_days: expected a whole number of days, got 'five'. "
     "Fix: write a number, e.g. 7."),
    ("first_response: {hours: 24}", "first_response: {hours: -1}",
     "policies.yml: first_response.hours: expected a whole number of hours, got -1. Fix: write a number"),
    ("repair:       {response: utter_plan_repair, working_days: 5}",
     "repair:       {response: utter_plan_repair, workdays: 5}",
     "policies.yml: remedies.repair.workdays: unknown key. Fix: use one of hours, working_days, response"),
    ("apology:      {response: utter_plan_apology, hours: 24}", "apology:      {response: utter_plan_apology}",
     "policies.yml: remedies.apology: a deadline needs exactly one of `hours` or `working_days`. Fix:"),
    ("deadline: refund_arrival\n", "deadline: refund_time\n",
     "policies.yml: questions.refund_time.deadline: no deadline named 'refund_time'. Fix: name one of "
     "first_response, resolution, refund_arrival"),
    ("other:        {response: utter_plan_other, hours: 24}", "",
     "policies.yml: remedies: there is no `other` plan"),
    ("response: utter_policy_warranty", "response: 保修",
     "policies.yml: questions.warranty.response: expected the name of a response in domain.yml"),
])
def test_a_wrong_entry_is_named_with_its_fix(tmp_path, old, new, message):
    with pytest.raises(ConfigError) as error:
        _policies_with(tmp_path, old, new)
    assert message in str(error.value)
