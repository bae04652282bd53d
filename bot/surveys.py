"""After closure: the satisfaction check (1-5) and the follow-up (回访), at most one of each per
complaint, sent by the job worker on the customer's own channel (config/surveys.yml).

A low score, or a follow-up saying the problem is back, reopens the complaint for a supervisor: it is
queued like a handoff (`bot.handoff.hand_off`) with the reason `low_satisfaction` or `not_solved`.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Optional, Tuple

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from bot.clock import require_aware
from bot.datafiles import load_yaml, repo_path
from bot.escalation import Decision
from bot.handoff import HandoffQueue, HandoffResult, hand_off
from bot.storage import ComplaintNotFound, ComplaintStore, JobQueue, SurveyKind, SurveyStatus
from bot.complaints import Status
from bot.storage.models import ComplaintRow, Customer, SurveyRow
from bot.script import to_simplified

DEFAULT_SURVEYS_PATH = repo_path("config/surveys.yml")
#: Job kind per survey kind.
JOB_KINDS = {SurveyKind.SATISFACTION.value: "survey_satisfaction",
             SurveyKind.FOLLOW_UP.value: "survey_follow_up"}
LOW_SATISFACTION = "low_satisfaction"
NOT_SOLVED = "not_solved"
_SCORES = range(1, 6)


@dataclass(frozen=True)
class SurveySettings:
    """Delays, expiry and the words understood as scores (config/surveys.yml)."""

    satisfaction_delay: timedelta
    satisfaction_expiry: timedelta
    low_score_at_most: int
    words: Tuple[Tuple[str, int], ...]
    """(phrase, score), longest phrase first."""
    follow_up_after: timedelta
    follow_up_expiry: timedelta

    @classmethod
    def from_config(cls, raw: Mapping[str, Any], source: str = "surveys.yml") -> "SurveySettings":
        satisfaction, follow_up = raw["satisfaction"], raw["follow_up"]
        words = []
        for score, phrases in (satisfaction.get("words") or {}).items():
            if int(score) not in _SCORES:
                raise ValueError(f"{source}: satisfaction.words keys must be 1 to 5; got {score!r}")
            words += [(to_simplified(str(phrase)), int(score)) for phrase in phrases]
        return cls(
            satisfaction_delay=timedelta(minutes=float(satisfaction["delay_minutes"])),
            satisfaction_expiry=timedelta(hours=float(satisfaction["expires_after_hours"])),
            low_score_at_most=int(satisfaction["low_score_at_most"]),
            words=tuple(sorted(words, key=lambda item: -len(item[0]))),
            follow_up_after=timedelta(days=float(follow_up["after_days"])),
            follow_up_expiry=timedelta(hours=float(follow_up["expires_after_hours"])),
        )

    def expiry(self, kind: str) -> timedelta:
        return self.satisfaction_expiry if kind == SurveyKind.SATISFACTION.value else self.follow_up_expiry


@lru_cache(maxsize=None)
def load_survey_settings(path: Path = DEFAULT_SURVEYS_PATH) -> SurveySettings:
    """The survey settings in `path`, read once per process."""
    return SurveySettings.from_config(load_yaml(Path(path)), source=str(path))


_DIGIT_SCORE = re.compile(r"(?<![\d.])([1-5])(?![\d.])\s*(分|星|颗星)?")
_STAR = re.compile(r"[★⭐🌟]")


def parse_score(text: str, settings: SurveySettings) -> Optional[int]:
    """The 1-5 score in a customer's answer ("5", "打4分", "★★★", "一般般", "很不滿意"), or None."""
    seen = unicodedata.normalize("NFKC", to_simplified(text or "")).strip()
    stars = len(_STAR.findall(seen))
    if 1 <= stars <= 5:
        return stars
    digits = _DIGIT_SCORE.findall(seen)
    all_digits = re.findall(r"\d+", seen)
    if len(digits) == 1 and len(all_digits) == 1 and (digits[0][1] or len(seen) <= 6):
        return int(digits[0][0])
    for phrase, score in settings.words:
        if phrase in seen:
            return score
    return None


@dataclass(frozen=True)
class Survey:
    """One survey of one complaint."""

    complaint_id: str
    kind: str
    """One of `bot.storage.models.SurveyKind`."""
    status: str
    """One of `bot.storage.models.SurveyStatus`."""
    due_at: datetime
    sent_at: Optional[datetime]
    expires_at: Optional[datetime]
    answered_at: Optional[datetime]
    score: Optional[int]
    solved: Optional[bool]
    comment: Optional[str]


def _survey(row: SurveyRow, public_id: str) -> Survey:
    return Survey(public_id, row.kind, row.status, row.due_at, row.sent_at, row.expires_at,
                  row.answered_at, row.score, row.solved, row.comment)


def _customers_surveys(channel: str, sender_id: str, kind: str, status: SurveyStatus) -> Any:
    """(survey row, complaint public ID) of the customer's surveys of `kind` in `status`."""
    return (select(SurveyRow, ComplaintRow.public_id)
            .join(ComplaintRow, SurveyRow.complaint_id == ComplaintRow.id)
            .join(Customer, ComplaintRow.customer_id == Customer.id)
            .where(Customer.channel == channel, Customer.sender_id == sender_id,
                   SurveyRow.kind == kind, SurveyRow.status == status.value))


class Surveys:
    """Schedules, sends and records the surveys of closed complaints (in the store's database)."""

    def __init__(self, store: ComplaintStore, jobs: JobQueue, settings: SurveySettings) -> None:
        self.store = store
        self.jobs = jobs
        self.settings = settings

    def schedule_after_closure(self, complaint_id: str, now: datetime, follow_up: bool) -> None:
        """Schedule the satisfaction check of a closed complaint and, with `follow_up` (an agent
        resolved it), the follow-up. A survey already scheduled is left as it is."""
        require_aware("now", now)
        plans = [(SurveyKind.SATISFACTION.value, now + self.settings.satisfaction_delay)]
        if follow_up:
            plans.append((SurveyKind.FOLLOW_UP.value, now + self.settings.follow_up_after))
        row_id = self._complaint_row_id(complaint_id)
        for kind, due in plans:
            try:
                with self.store.session() as s, s.begin():
                    s.add(SurveyRow(complaint_id=row_id, kind=kind, status=SurveyStatus.SCHEDULED.value,
                                    due_at=due, created_at=now))
            except IntegrityError:
                continue  # one survey of each kind per complaint
            self.jobs.schedule(JOB_KINDS[kind], due, {"complaint_id": complaint_id}, now,
                               key=f"{JOB_KINDS[kind]}:{complaint_id}")

    def get(self, complaint_id: str, kind: str) -> Optional[Survey]:
        with self.store.session() as s:
            row = s.execute(select(SurveyRow).join(ComplaintRow, SurveyRow.complaint_id == ComplaintRow.id)
                            .where(ComplaintRow.public_id == complaint_id, SurveyRow.kind == kind)).scalar()
            return _survey(row, complaint_id) if row else None

    def mark_sent(self, complaint_id: str, kind: str, now: datetime) -> bool:
        """A scheduled survey has gone out; False if it was not waiting to be sent."""
        return self._move(complaint_id, kind, SurveyStatus.SCHEDULED, sent_at=now,
                          status=SurveyStatus.SENT.value, expires_at=now + self.settings.expiry(kind))

    def mark_undeliverable(self, complaint_id: str, kind: str) -> bool:
        return self._move(complaint_id, kind, SurveyStatus.SCHEDULED,
                          status=SurveyStatus.UNDELIVERABLE.value)

    def awaiting_answer(self, channel: str, sender_id: str, kind: str, now: datetime) -> Optional[Survey]:
        """The customer's newest survey of `kind` that was sent, is unanswered and has not
        expired (expired ones are marked so on the way)."""
        require_aware("now", now)
        with self.store.session() as s, s.begin():
            rows = s.execute(_customers_surveys(channel, sender_id, kind, SurveyStatus.SENT)
                             .order_by(SurveyRow.sent_at.desc(), SurveyRow.id.desc())).all()
            for row, public_id in rows:
                if row.expires_at is not None and row.expires_at <= now:
                    row.status = SurveyStatus.EXPIRED.value
                else:
                    return _survey(row, public_id)
        return None

    def answered(self, channel: str, sender_id: str, kind: str) -> Optional[Survey]:
        """The customer's newest answered survey of `kind`, if any."""
        with self.store.session() as s:
            found = s.execute(_customers_surveys(channel, sender_id, kind, SurveyStatus.ANSWERED)
                              .order_by(SurveyRow.answered_at.desc())).first()
            return _survey(*found) if found else None

    def record_answer(self, complaint_id: str, kind: str, now: datetime, *, score: Optional[int] = None,
                      solved: Optional[bool] = None, comment: Optional[str] = None) -> bool:
        """Keep the customer's answer; False if the survey was not waiting for one (answered,
        expired or never sent): a survey is answered once."""
        require_aware("now", now)
        if score is not None and score not in _SCORES:
            raise ValueError(f"a score is 1 to 5; got {score!r}")
        return self._move(complaint_id, kind, SurveyStatus.SENT, status=SurveyStatus.ANSWERED.value,
                          answered_at=now, score=score, solved=solved, comment=comment)

    def is_low(self, score: int) -> bool:
        return score <= self.settings.low_score_at_most

    def _complaint_row_id(self, complaint_id: str) -> int:
        with self.store.session() as s:
            row_id = s.execute(select(ComplaintRow.id).where(ComplaintRow.public_id == complaint_id)).scalar()
        if row_id is None:
            raise ComplaintNotFound(complaint_id)
        return row_id

    def _move(self, complaint_id: str, kind: str, from_status: SurveyStatus, **values: Any) -> bool:
        row_id = self._complaint_row_id(complaint_id)
        with self.store.session() as s, s.begin():
            return s.execute(
                update(SurveyRow)
                .where(SurveyRow.complaint_id == row_id, SurveyRow.kind == kind,
                       SurveyRow.status == from_status.value)
                .values(**values).execution_options(synchronize_session=False)).rowcount == 1


def reopen_for_supervisor(queue: HandoffQueue, jobs: JobQueue, complaint_id: str, reason: str,
                          explanation: str, now: datetime) -> HandoffResult:
    """Reopen a closed complaint and queue it for a supervisor (P2) with `explanation`."""
    complaint = queue.store.set_status(complaint_id, Status.OPEN.value, now)
    return hand_off(queue, jobs, complaint, [Decision(reason, "P2", explanation)], now)
