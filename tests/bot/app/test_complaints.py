"""Events of a recorded complaint: the customer accepts the plan (the satisfaction check is
scheduled) or not (nothing is)."""
from __future__ import annotations

from datetime import timedelta

from bot.app.complaints import record_acceptance
from bot.surveys import JOB_KINDS
from tests.bot.app.conftest import FRIDAY_10AM, a_complaint


def test_an_accepted_plan_schedules_the_satisfaction_check_only(store, surveys, jobs):
    complaint = a_complaint(store)
    accepted = record_acceptance(store, surveys, complaint.public_id, True, FRIDAY_10AM)
    assert accepted.customer_accepted is True
    job = jobs.get_by_key(f"{JOB_KINDS['satisfaction']}:{complaint.public_id}")
    assert job.due_at == FRIDAY_10AM + timedelta(minutes=30)
    assert surveys.get(complaint.public_id, "follow_up") is None


def test_a_declined_plan_schedules_nothing(store, surveys):
    complaint = a_complaint(store)
    declined = record_acceptance(store, surveys, complaint.public_id, False, FRIDAY_10AM)
    assert declined.customer_accepted is False
    assert surveys.get(complaint.public_id, "satisfaction") is None
