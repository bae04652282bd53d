"""Policies give concrete deadlines from data/policies.yml."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.policies import Deadline, load_policies

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
