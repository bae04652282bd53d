"""Answers after closure on the real store: scores kept once, thresholds from config/surveys.yml,
and a low score or an unsolved problem reopening the complaint for a supervisor at the priority
config/escalation.yml gives it."""
from __future__ import annotations

import copy
import dataclasses
from datetime import timedelta

import pytest

from bot.anger import DEFAULT_ESCALATION_PATH
from bot.app.surveys import record_follow_up, record_satisfaction, reopen_for_supervisor
from bot.datafiles import load_yaml
from bot.escalation import EscalationConfig
from bot.jobs import PermanentFailure, RetryLater
from bot.storage import Outbox
from bot.survey_jobs import AGENT_TALKING_LIMIT, SendSurvey
from bot.surveys import JOB_KINDS
from tests.bot.app.conftest import FRIDAY_10AM, a_complaint

ASKED = FRIDAY_10AM - timedelta(hours=1)


def _asked(store, surveys, kind="satisfaction", sender="alice"):
    """A resolved complaint of `sender` whose survey of `kind` went out an hour ago."""
    complaint = a_complaint(store, sender=sender)
    store.set_status(complaint.public_id, "resolved", ASKED)
    surveys.schedule_after_closure(complaint.public_id, ASKED, follow_up=True)
    surveys.mark_sent(complaint.public_id, kind, ASKED)
    return complaint.public_id


@pytest.mark.parametrize("text, score, response", [
    ("/rate_satisfaction", 5, "utter_survey_thanks_high"),
    ("4分", None, "utter_survey_thanks_high"),
    ("一般般", None, "utter_survey_thanks_mid"),
])
def test_a_score_that_reopens_nothing_is_thanked_by_how_high_it_is(store, queue, surveys, text, score, response):
    complaint_id = _asked(store, surveys)
    reply = record_satisfaction(surveys, queue, "rest", "alice", text, score, FRIDAY_10AM)
    assert (reply.response, reply.complaint_id, reply.contact_at) == (response, complaint_id, None)
    assert queue.queue() == [] and store.get(complaint_id).status == "resolved"


def test_a_low_score_reopens_the_complaint_with_the_comment(store, queue, surveys):
    complaint_id = _asked(store, surveys)
    reply = record_satisfaction(surveys, queue, "rest", "alice", "很不满意，退款拖了十天", None, FRIDAY_10AM)
    assert (reply.response, reply.complaint_id) == ("utter_survey_low", complaint_id)
    [case] = queue.queue()
    assert (case.reason, case.priority) == ("low_satisfaction", "P2")
    assert "评分1分" in case.explanation and "退款拖了十天" in case.explanation
    assert reply.contact_at > FRIDAY_10AM
    assert [p["status"] for p in reply.prior_complaints] == ["open"]  # live again for the rules
    survey = surveys.get(complaint_id, "satisfaction")
    assert (survey.score, survey.comment) == (1, "很不满意，退款拖了十天")


def test_a_long_comment_is_quoted_up_to_a_sentence_end(store, queue, surveys):
    _asked(store, surveys)
    first = "很不满意。退款拖了十天才到账，中间打了五次电话，每次都让我再等等，一点说法都没有！"
    record_satisfaction(surveys, queue, "rest", "alice", first + "下次再也不买了，" * 12, None, FRIDAY_10AM)
    assert queue.queue()[0].explanation == f"客户满意度评分1分：“{first}…”"


def test_a_short_answer_is_a_score_not_a_comment(store, queue, surveys):
    complaint_id = _asked(store, surveys)
    record_satisfaction(surveys, queue, "rest", "alice", "2分", None, FRIDAY_10AM)
    assert surveys.get(complaint_id, "satisfaction").comment is None
    assert queue.queue()[0].explanation == "客户满意度评分2分"


def test_a_survey_is_answered_once_and_an_unclear_answer_is_asked_again(store, queue, surveys):
    assert record_satisfaction(surveys, queue, "rest", "alice", "5", None, FRIDAY_10AM).response == \
        "utter_survey_thanks_anyway"  # never asked
    _asked(store, surveys)
    assert record_satisfaction(surveys, queue, "rest", "alice", "好的呀", None, FRIDAY_10AM).response == \
        "utter_survey_score_unclear"
    record_satisfaction(surveys, queue, "rest", "alice", "5", None, FRIDAY_10AM)
    again = record_satisfaction(surveys, queue, "rest", "alice", "1", None, FRIDAY_10AM)
    assert (again.response, again.complaint_id) == ("utter_survey_already_answered", None)
    assert queue.queue() == []


def test_a_follow_up_no_reopens_and_a_yes_is_glad(store, queue, surveys):
    solved_id = _asked(store, surveys, "follow_up", sender="gina")
    assert record_follow_up(surveys, queue, "rest", "gina", True, "/affirm", FRIDAY_10AM).response == \
        "utter_follow_up_solved"
    assert surveys.get(solved_id, "follow_up").solved is True and queue.queue() == []
    reopened_id = _asked(store, surveys, "follow_up", sender="hua")
    reply = record_follow_up(surveys, queue, "rest", "hua", False, "还没有，又坏了", FRIDAY_10AM)
    assert (reply.response, reply.complaint_id) == ("utter_follow_up_reopened", reopened_id)
    [case] = queue.queue()
    assert (case.reason, case.priority) == ("not_solved", "P2") and "又坏了" in case.explanation
    assert store.get(reopened_id).status == "open"


def test_the_reopen_priority_comes_from_the_escalation_config(store, queue, jobs):
    complaint = a_complaint(store)
    store.set_status(complaint.public_id, "resolved", FRIDAY_10AM)
    raw = copy.deepcopy(load_yaml(DEFAULT_ESCALATION_PATH))
    raw["reopen"]["low_satisfaction"]["priority"] = "P1"
    config = EscalationConfig.from_config(raw)
    result = reopen_for_supervisor(queue, jobs, complaint.public_id, "low_satisfaction", "客户满意度评分1分",
                                   FRIDAY_10AM, config)
    assert result.complaint.status == "open"
    assert (result.case.reason, result.case.priority) == ("low_satisfaction", "P1")


def test_a_reopen_reason_without_a_priority_is_refused_naming_the_file():
    raw = copy.deepcopy(load_yaml(DEFAULT_ESCALATION_PATH))
    del raw["reopen"]["not_solved"]
    with pytest.raises(ValueError, match="escalation.yml: reopen must be exactly low_satisfaction, not_solved"):
        EscalationConfig.from_config(raw)


class _PausedRasa:
    """A Rasa server whose conversation an agent still has (the tracker is paused)."""

    async def tracker(self, conversation_id):
        return {"paused": True}


async def test_a_survey_waits_for_an_agent_a_bounded_number_of_times_then_is_undeliverable(store, jobs, surveys):
    complaint = a_complaint(store)
    store.set_status(complaint.public_id, "resolved", ASKED)
    surveys.schedule_after_closure(complaint.public_id, ASKED, follow_up=False)
    send = SendSurvey(surveys, _PausedRasa(), "satisfaction", Outbox(store))
    job = jobs.get_by_key(f"{JOB_KINDS['satisfaction']}:{complaint.public_id}")
    with pytest.raises(RetryLater) as later:
        await send(job)
    assert later.value.limit == AGENT_TALKING_LIMIT
    assert surveys.get(complaint.public_id, "satisfaction").status == "scheduled"
    put_off = dataclasses.replace(job, payload={**job.payload, "postponed": AGENT_TALKING_LIMIT})
    with pytest.raises(PermanentFailure):
        await send(put_off)
    assert surveys.get(complaint.public_id, "satisfaction").status == "undeliverable"
