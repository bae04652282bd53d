"""Events of a recorded complaint: the customer accepts the plan (the satisfaction check is
scheduled) or declines it (nothing is)."""
from __future__ import annotations

from datetime import timedelta

from bot.app.complaints import accept_plan
from bot.app.plans import decline_plan
from bot.policies import load_policies
from bot.surveys import JOB_KINDS
from tests.bot.app.conftest import FRIDAY_10AM, a_complaint


def test_an_accepted_plan_schedules_the_satisfaction_check_only(store, surveys, jobs):
    complaint = a_complaint(store)
    accepted = accept_plan(store, surveys, complaint.public_id, FRIDAY_10AM)
    assert accepted.customer_accepted is True
    job = jobs.get_by_key(f"{JOB_KINDS['satisfaction']}:{complaint.public_id}")
    assert job.due_at == FRIDAY_10AM + timedelta(minutes=30)
    assert surveys.get(complaint.public_id, "follow_up") is None


def test_a_declined_plan_schedules_nothing(store, surveys):
    complaint = a_complaint(store)
    declined = decline_plan(store, load_policies(), complaint.public_id, offered_before=False, now=FRIDAY_10AM)
    assert declined.complaint.customer_accepted is False
    assert surveys.get(complaint.public_id, "satisfaction") is None
