"""Surveys after closure on SQLite and PostgreSQL: scores understood as customers write them, one
survey of each kind per complaint, answered once, expiring (what an answer leads to:
tests/bot/app/test_surveys.py)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.storage import ComplaintDraft, JobQueue
from bot.surveys import JOB_KINDS, Surveys, load_survey_settings, parse_score

T0 = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)  # Friday 10:00 in Shanghai
SETTINGS = load_survey_settings()


@pytest.mark.parametrize("answer, score", [
    ("5", 5), ("4分", 4), ("打3分吧", 3), ("给你们五星好评", 5), ("★★★★", 4), ("⭐⭐", 2),
    ("满意", 4), ("非常满意！", 5), ("很不满意", 1), ("不满意", 2), ("一般般吧", 3), ("还行", 3),
    ("很不滿意", 1), ("非常滿意", 5), ("還可以", 3), ("差评！", 1), ("５", 5),
])
def test_scores_are_understood_as_customers_write_them(answer, score):
    assert parse_score(answer, SETTINGS) == score


@pytest.mark.parametrize("answer", ["好的", "订单号DD20261101001", "7", "10分", "13812345678", ""])
def test_what_is_not_a_score_is_not_taken_for_one(answer):
    assert parse_score(answer, SETTINGS) is None


def _closed_complaint(store, sender="alice"):
    return store.create(ComplaintDraft(
        channel="rest", sender_id=sender, conversation_id=sender, category="delivery",
        description="快递丢了", first_response_due=T0, resolution_due=T0), T0)


def test_one_survey_of_each_kind_answered_once(store):
    jobs = JobQueue(store)
    surveys = Surveys(store, jobs, SETTINGS)
    complaint = _closed_complaint(store)
    surveys.schedule_after_closure(complaint.public_id, T0, follow_up=True)
    surveys.schedule_after_closure(complaint.public_id, T0, follow_up=True)  # closed again
    satisfaction = jobs.get_by_key(f"{JOB_KINDS['satisfaction']}:{complaint.public_id}")
    follow_up = jobs.get_by_key(f"{JOB_KINDS['follow_up']}:{complaint.public_id}")
    assert satisfaction.due_at == T0 + timedelta(minutes=30)
    assert follow_up.due_at == T0 + timedelta(days=7)
    assert len(jobs.claim_due("w", T0 + timedelta(days=8))) == 2

    assert surveys.awaiting_answer("rest", "alice", "satisfaction", T0) is None  # not sent yet
    assert surveys.mark_sent(complaint.public_id, "satisfaction", T0) is True
    assert surveys.mark_sent(complaint.public_id, "satisfaction", T0) is False
    waiting = surveys.awaiting_answer("rest", "alice", "satisfaction", T0 + timedelta(hours=1))
    assert waiting.complaint_id == complaint.public_id
    assert surveys.record_answer(complaint.public_id, "satisfaction", T0, score=4, comment="挺快的") is True
    assert surveys.record_answer(complaint.public_id, "satisfaction", T0, score=1) is False
    assert surveys.get(complaint.public_id, "satisfaction").score == 4
    assert surveys.answered("rest", "alice", "satisfaction").comment == "挺快的"


def test_an_unanswered_survey_expires(store):
    surveys = Surveys(store, JobQueue(store), SETTINGS)
    complaint = _closed_complaint(store)
    surveys.schedule_after_closure(complaint.public_id, T0, follow_up=False)
    surveys.mark_sent(complaint.public_id, "satisfaction", T0)
    assert surveys.awaiting_answer("rest", "alice", "satisfaction", T0 + timedelta(hours=73)) is None
    assert surveys.get(complaint.public_id, "satisfaction").status == "expired"
    assert surveys.record_answer(complaint.public_id, "satisfaction", T0, score=5) is False

