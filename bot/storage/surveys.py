"""The surveys table: at most one satisfaction check and one follow-up per closed complaint,
each sent once and answered once (`bot.surveys` decides when)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Optional

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from bot.clock import require_aware
from bot.storage.complaints import ComplaintNotFound, ComplaintStore
from bot.storage.models import ComplaintRow, Customer, SurveyRow, SurveyStatus

#: Satisfaction scores: 1 (very unhappy) to 5 (very happy).
SCORES = range(1, 6)


@dataclass(frozen=True)
class Survey:
    """One survey of one complaint."""

    complaint_id: str
    kind: str
    """One of `bot.storage.SurveyKind`."""
    status: str
    """One of `bot.storage.SurveyStatus`."""
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


class SurveyStore:
    """Records the surveys of closed complaints in the complaint store's database."""

    def __init__(self, store: ComplaintStore) -> None:
        self.store = store

    def add(self, complaint_id: str, kind: str, due_at: datetime, now: datetime) -> bool:
        """Schedule a survey of `kind` for the complaint; False when it has one of that kind."""
        row_id = self._complaint_row_id(complaint_id)
        try:
            with self.store.session() as s, s.begin():
                s.add(SurveyRow(complaint_id=row_id, kind=kind, status=SurveyStatus.SCHEDULED.value,
                                due_at=due_at, created_at=now))
        except IntegrityError:
            return False  # one survey of each kind per complaint
        return True

    def get(self, complaint_id: str, kind: str) -> Optional[Survey]:
        with self.store.session() as s:
            row = s.execute(select(SurveyRow).join(ComplaintRow, SurveyRow.complaint_id == ComplaintRow.id)
                            .where(ComplaintRow.public_id == complaint_id, SurveyRow.kind == kind)).scalar()
            return _survey(row, complaint_id) if row else None

    def record_sent(self, complaint_id: str, kind: str, now: datetime, expires_at: datetime) -> bool:
        """A scheduled survey has gone out at `now`, to expire at `expires_at`; False if it was
        not waiting to be sent."""
        return self._move(complaint_id, kind, SurveyStatus.SCHEDULED, sent_at=now,
                          status=SurveyStatus.SENT.value, expires_at=expires_at)

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
        if score is not None and score not in SCORES:
            raise ValueError(f"a score is 1 to 5; got {score!r}")
        return self._move(complaint_id, kind, SurveyStatus.SENT, status=SurveyStatus.ANSWERED.value,
                          answered_at=now, score=score, solved=solved, comment=comment)

    def _complaint_row_id(self, complaint_id: str) -> int:
        with self.store.session() as s:
            row_id: Optional[int] = s.execute(
                select(ComplaintRow.id).where(ComplaintRow.public_id == complaint_id)).scalar()
        if row_id is None:
            raise ComplaintNotFound(complaint_id)
        return row_id

    def _move(self, complaint_id: str, kind: str, from_status: SurveyStatus, **values: Any) -> bool:
        row_id = self._complaint_row_id(complaint_id)
        with self.store.session() as s, s.begin():
            updated: int = s.execute(
                update(SurveyRow)
                .where(SurveyRow.complaint_id == row_id, SurveyRow.kind == kind,
                       SurveyRow.status == from_status.value)
                .values(**values).execution_options(synchronize_session=False)).rowcount
            return updated == 1
