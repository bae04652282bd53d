"""Events after closure: the customer answers the satisfaction check or the follow-up (回访).

The answer may come much later than the question (another session), so it is matched to the
customer's survey awaiting an answer in the store. A low score, or a follow-up saying the problem
is back, reopens the complaint for a supervisor with the priority of `reopen` in
config/escalation.yml. Thresholds are in config/surveys.yml.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Dict, List, Optional

from bot.app.customers import known_complaints
from bot.app.handoffs import HandoffResult, queue_for_agent
from bot.complaints import Status
from bot.escalation import Decision, EscalationConfig, load_escalation_config
from bot.lexicon import ANSWER_QUOTE_CHARS, short_quote
from bot.storage import HandoffQueue, JobQueue, SurveyKind
from bot.surveys import LOW_SATISFACTION, NOT_SOLVED, Surveys, parse_score


@dataclass(frozen=True)
class SurveyReply:
    """What the assistant answers: a response of domain.yml, and when the complaint was
    reopened, when a person will contact the customer and the customer's complaints as they
    are now (for the slot `prior_complaints`)."""

    response: str
    complaint_id: Optional[str] = None
    """The complaint the answer was about (None: no survey was waiting for it)."""
    contact_at: Optional[datetime] = None
    prior_complaints: Optional[List[Dict[str, Any]]] = None


def reopen_for_supervisor(queue: HandoffQueue, jobs: JobQueue, complaint_id: str, reason: str,
                          explanation: str, now: datetime,
                          config: Optional[EscalationConfig] = None) -> HandoffResult:
    """Reopen a closed complaint and queue it for a supervisor with `explanation`, at the
    priority config/escalation.yml gives `reason` (`reopen`)."""
    priority = (config or load_escalation_config()).priority(reason)
    complaint = queue.store.set_status(complaint_id, Status.OPEN.value, now)
    return queue_for_agent(queue, jobs, complaint, [Decision(reason, priority, explanation)], now)


def _reopened(surveys: Surveys, queue: HandoffQueue, channel: str, sender_id: str,
              complaint_id: str, reason: str, explanation: str, response: str,
              now: datetime) -> SurveyReply:
    result = reopen_for_supervisor(queue, surveys.jobs, complaint_id, reason, explanation, now)
    return SurveyReply(response, complaint_id, result.promise.at,
                       known_complaints(surveys.store, channel, sender_id))


def record_satisfaction(surveys: Surveys, queue: HandoffQueue, channel: str, sender_id: str,
                        text: str, score: Optional[int], now: datetime) -> SurveyReply:
    """The customer's answer to the satisfaction check: `score` from a button, else read from
    `text` (digits, stars or words). Kept once; a score at or below `low_score_at_most`
    reopens the complaint with the customer's comment."""
    settings = surveys.settings
    score = score if score is not None else parse_score(text, settings)
    survey = surveys.awaiting_answer(channel, sender_id, SurveyKind.SATISFACTION.value, now)
    if survey is None:
        answered = surveys.answered(channel, sender_id, SurveyKind.SATISFACTION.value)
        return SurveyReply("utter_survey_already_answered" if answered else "utter_survey_thanks_anyway")
    if score is None:
        return SurveyReply("utter_survey_score_unclear")
    comment = None if text.startswith("/") or len(text) <= settings.comment_longer_than else text
    surveys.record_answer(survey.complaint_id, SurveyKind.SATISFACTION.value, now,
                          score=score, comment=comment)
    if score <= settings.low_score_at_most:
        said = f"：“{short_quote(comment, ANSWER_QUOTE_CHARS)}”" if comment else ""
        return _reopened(surveys, queue, channel, sender_id, survey.complaint_id, LOW_SATISFACTION,
                         f"客户满意度评分{score}分{said}", "utter_survey_low", now)
    return SurveyReply("utter_survey_thanks_high" if score >= settings.high_score_at_least
                       else "utter_survey_thanks_mid", survey.complaint_id)


def record_follow_up(surveys: Surveys, queue: HandoffQueue, channel: str, sender_id: str,
                     solved: bool, text: str, now: datetime) -> SurveyReply:
    """The customer's answer to the follow-up: solved is glad news; not solved reopens the
    complaint with what they said."""
    survey = surveys.awaiting_answer(channel, sender_id, SurveyKind.FOLLOW_UP.value, now)
    if survey is None:
        return SurveyReply("utter_survey_thanks_anyway")
    comment = None if text.startswith("/") else text
    surveys.record_answer(survey.complaint_id, SurveyKind.FOLLOW_UP.value, now,
                          solved=solved, comment=comment)
    if solved:
        return SurveyReply("utter_follow_up_solved", survey.complaint_id)
    said = f"：“{short_quote(comment, ANSWER_QUOTE_CHARS)}”" if comment else ""
    return _reopened(surveys, queue, channel, sender_id, survey.complaint_id, NOT_SOLVED,
                     f"回访时客户说问题没有解决{said}", "utter_follow_up_reopened", now)
