"""The queue of cases agents take (`handoff_cases`, `case_notes`, `case_events`): a conversation
handed to a person, why, how urgent, who has it, and what was done with it (the audit trail).
Claiming and resolving move the complaint along too. A case may have no complaint (the customer
asked for a person before telling any problem); the complaint the assistant records in that
conversation later is attached to it (`HandoffQueue.attach`)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Sequence, Tuple

import sqlalchemy as sa
from sqlalchemy import select, update

from bot.clock import require_aware
from bot.complaints import Status
from bot.escalation import PRIORITIES, Decision
from bot.storage.complaints import Complaint, ComplaintNotFound, ComplaintStore, require_remedy
from bot.storage.models import (
    AgentRow, CaseAction, CaseEventRow, CaseNoteRow, CaseRow, CaseStatus, ComplaintRow, Customer,
    UTCDateTime,
)

if TYPE_CHECKING:
    from bot.handoff import HandoffSettings

#: Statuses of a case an agent still has to act on.
OPEN_STATUSES = (CaseStatus.WAITING.value, CaseStatus.CLAIMED.value)


@dataclass(frozen=True)
class Case:
    """A conversation handed to a person, with the complaint it is about (None: none told yet)."""

    id: int
    complaint: Optional[Complaint]
    channel: str
    sender_id: str
    conversation_id: str
    """The Rasa conversation (sender id) to read and write."""
    script: str
    """The customer's script (`bot.complaints.Script`)."""
    reason: str
    """The most urgent reason code, e.g. "threat"."""
    priority: str
    explanation: str
    """One line for the agent: why a person is needed."""
    decisions: Tuple[Dict[str, str], ...]
    """Every reason that applied: {reason, priority, explanation}, most urgent first."""
    status: str
    """One of `bot.storage.CaseStatus`."""
    agent_id: Optional[int]
    agent_name: Optional[str]
    claim_due: datetime
    overdue: bool
    callback_due: Optional[datetime]
    created_at: datetime
    claimed_at: Optional[datetime]
    closed_at: Optional[datetime]

    @property
    def complaint_id(self) -> Optional[str]:
        """The public ID of the case's complaint, None while it has none."""
        return self.complaint.public_id if self.complaint else None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


@dataclass(frozen=True)
class Note:
    """An agent's internal note on a case."""

    id: int
    case_id: int
    agent_id: int
    agent_name: str
    text: str
    created_at: datetime


@dataclass(frozen=True)
class CaseEvent:
    """One entry of a case's audit trail: who (None: the assistant or a job) did what, when."""

    id: int
    case_id: int
    agent_id: Optional[int]
    agent_name: Optional[str]
    action: str
    """One of `bot.storage.CaseAction`."""
    details: Mapping[str, Any]
    created_at: datetime


class CaseNotFound(LookupError):
    """No case has the given id."""


class CaseConflict(ValueError):
    """The case is not in a state that allows this (e.g. another agent has it)."""


def _decision_dict(decision: Decision) -> Dict[str, str]:
    return {"reason": decision.reason, "priority": decision.priority,
            "explanation": decision.explanation}


class HandoffQueue:
    """The cases waiting for agents, and what agents do with them. Shares the complaint store's
    database; every method runs in its own short transaction."""

    def __init__(self, store: ComplaintStore, settings: HandoffSettings) -> None:
        self.store = store
        self.settings = settings

    def open_case(self, complaint_id: str, decisions: Sequence[Decision], now: datetime) -> Case:
        """Queue the complaint `complaint_id` for an agent because of `decisions` (most urgent first).

        A complaint with an open case keeps that case, and so does a conversation whose open case
        has no complaint yet (the complaint is attached to it: `attach`); their reasons are merged in."""
        require_aware("now", now)
        with self.store.session() as s, s.begin():
            complaint = s.execute(select(ComplaintRow).where(ComplaintRow.public_id == complaint_id)).scalar()
            if complaint is None:
                raise ComplaintNotFound(complaint_id)
            self._attach(s, complaint, now)
            existing = s.execute(
                select(CaseRow).where(CaseRow.complaint_id == complaint.id,
                                      CaseRow.status.in_(OPEN_STATUSES))).scalar()
            case_id = self._queue(s, existing, decisions, now, complaint_id=complaint.id,
                                  customer_id=complaint.customer_id,
                                  conversation_id=complaint.conversation_id, script=complaint.script)
        return self._get(case_id)

    def open_case_without_complaint(self, channel: str, sender_id: str, conversation_id: str,
                                    script: str, decisions: Sequence[Decision], now: datetime) -> Case:
        """Queue the conversation for an agent because of `decisions` before the customer told
        any problem (e.g. "转人工" as the first message): a case without a complaint. A
        conversation with an open case keeps it (its reasons are merged in)."""
        require_aware("now", now)
        with self.store.session() as s, s.begin():
            customer_id = self.store.upsert_customer(s, channel, sender_id, None, now)
            existing = s.execute(
                select(CaseRow).where(CaseRow.conversation_id == conversation_id,
                                      CaseRow.customer_id == customer_id,
                                      CaseRow.status.in_(OPEN_STATUSES))
                .order_by(CaseRow.created_at.desc(), CaseRow.id.desc())).scalars().first()
            case_id = self._queue(s, existing, decisions, now, complaint_id=None, customer_id=customer_id,
                                  conversation_id=conversation_id, script=script)
        return self._get(case_id)

    def attach(self, complaint_id: str, now: datetime) -> Optional[Case]:
        """Give the complaint `complaint_id`, just recorded by the assistant, to its conversation's
        latest case when that case has no complaint and the agent did not resolve it (it waits,
        is being worked, or was handed back to the assistant to take the complaint down). A
        claimed case's complaint is in progress at once. Returns that case, or None."""
        require_aware("now", now)
        with self.store.session() as s, s.begin():
            complaint = s.execute(select(ComplaintRow).where(ComplaintRow.public_id == complaint_id)).scalar()
            if complaint is None:
                raise ComplaintNotFound(complaint_id)
            case_id = self._attach(s, complaint, now)
        return self._get(case_id) if case_id is not None else None

    def queue(self) -> List[Case]:
        """Open cases (waiting or claimed), most urgent first, then longest waiting."""
        return self._select_cases(CaseRow.status.in_(OPEN_STATUSES),
                                  order=(CaseRow.priority, CaseRow.created_at, CaseRow.id))

    def get(self, case_id: int) -> Optional[Case]:
        """The case `case_id`, or None."""
        found = self._select_cases(CaseRow.id == case_id)
        return found[0] if found else None

    def open_case_for(self, channel: str, sender_id: str) -> Optional[Case]:
        """The customer's case an agent still has to act on, if any."""
        found = self._select_cases(
            CaseRow.status.in_(OPEN_STATUSES), Customer.channel == channel,
            Customer.sender_id == sender_id, order=(CaseRow.created_at.desc(),))
        return found[0] if found else None

    def claim(self, case_id: int, agent_id: int, now: datetime) -> bool:
        """Give a waiting case to `agent_id`. When several agents claim at once exactly one gets
        True; the others get False (the case is no longer waiting)."""
        require_aware("now", now)
        with self.store.session() as s, s.begin():
            won: bool = s.execute(
                update(CaseRow)
                .where(CaseRow.id == case_id, CaseRow.status == CaseStatus.WAITING.value)
                .values(status=CaseStatus.CLAIMED.value, agent_id=agent_id, claimed_at=now)
                .execution_options(synchronize_session=False)
            ).rowcount == 1
            if won:
                complaint_row_id = select(CaseRow.complaint_id).where(CaseRow.id == case_id).scalar_subquery()
                s.execute(
                    update(ComplaintRow)
                    .where(ComplaintRow.id == complaint_row_id)
                    .values(status=Status.IN_PROGRESS.value, updated_at=now,
                            # typed: a bare `now` in a function skips UTCDateTime (SQLite kept local time)
                            first_response_at=sa.func.coalesce(ComplaintRow.first_response_at,
                                                               sa.literal(now, UTCDateTime)))
                    .execution_options(synchronize_session=False))
        if not won and self.get(case_id) is None:
            raise CaseNotFound(f"no case {case_id}")
        return won

    def resolve(self, case_id: int, agent_id: int, resolution: str, now: datetime,
                remedy: Optional[str] = None) -> Case:
        """The agent who has the case resolves the complaint: the resolution text is kept, the
        remedy (a key of `remedies` in data/labels.yml) recorded if given, and the complaint is resolved."""
        require_aware("now", now)
        resolution = (resolution or "").strip()
        if not resolution:
            raise ValueError("say what was done: the resolution text must not be empty")
        values: Dict[str, Any] = {"status": Status.RESOLVED.value, "resolution": resolution,
                                  "resolved_at": now, "updated_at": now}
        if remedy:
            values["desired_remedy"] = require_remedy(remedy)
        with self.store.session() as s, s.begin():
            row = self._row_of_agent(s, case_id, agent_id, (CaseStatus.CLAIMED.value,))
            row.status, row.closed_at = CaseStatus.RESOLVED.value, now
            s.execute(update(ComplaintRow).where(ComplaintRow.id == row.complaint_id).values(**values)
                      .execution_options(synchronize_session=False))
        return self._get(case_id)

    def release(self, case_id: int, agent_id: int, now: datetime) -> Case:
        """The agent hands the conversation back to the assistant without resolving the case
        (a resolved case was handed back when it was resolved)."""
        require_aware("now", now)
        with self.store.session() as s, s.begin():
            row = self._row_of_agent(s, case_id, agent_id, (CaseStatus.CLAIMED.value,))
            row.status, row.closed_at = CaseStatus.RELEASED.value, now
        return self._get(case_id)

    def mark_overdue(self, case_id: int, callback_due: datetime, now: datetime) -> bool:
        """Mark a case nobody claimed in time as overdue with the callback promised; False when
        an agent has it by now (nothing changes then)."""
        require_aware("callback_due", callback_due)
        with self.store.session() as s, s.begin():
            updated: int = s.execute(
                update(CaseRow)
                .where(CaseRow.id == case_id, CaseRow.status == CaseStatus.WAITING.value)
                .values(overdue=True, callback_due=callback_due)
                .execution_options(synchronize_session=False)
            ).rowcount
            return updated == 1

    def add_note(self, case_id: int, agent_id: int, text: str, now: datetime) -> Note:
        """Add an internal note to a case."""
        require_aware("now", now)
        text = (text or "").strip()
        if not text:
            raise ValueError("the note is empty")
        with self.store.session() as s, s.begin():
            if s.get(CaseRow, case_id) is None:
                raise CaseNotFound(f"no case {case_id}")
            row = CaseNoteRow(case_id=case_id, agent_id=agent_id, text=text, created_at=now)
            s.add(row)
            s.flush()
            note_id = row.id
        return next(note for note in self.notes(case_id) if note.id == note_id)

    def notes(self, case_id: int) -> List[Note]:
        """The case's notes, oldest first."""
        with self.store.session() as s:
            rows = s.execute(
                select(CaseNoteRow, AgentRow.display_name)
                .join(AgentRow, CaseNoteRow.agent_id == AgentRow.id)
                .where(CaseNoteRow.case_id == case_id)
                .order_by(CaseNoteRow.created_at, CaseNoteRow.id))
            return [Note(r.id, r.case_id, r.agent_id, name, r.text, r.created_at) for r, name in rows]

    def reassign(self, case_id: int, from_agent_id: int, to_agent_id: int, now: datetime) -> Case:
        """Give the claimed case that `from_agent_id` has to the active agent `to_agent_id`.
        `CaseConflict` when the case is not claimed by `from_agent_id` (any more); `LookupError`
        when `to_agent_id` is no active agent."""
        require_aware("now", now)
        with self.store.session() as s, s.begin():
            target = s.get(AgentRow, to_agent_id)
            if target is None or not target.active:
                raise LookupError(f"no active agent {to_agent_id}")
            moved: int = s.execute(
                update(CaseRow)
                .where(CaseRow.id == case_id, CaseRow.status == CaseStatus.CLAIMED.value,
                       CaseRow.agent_id == from_agent_id)
                .values(agent_id=to_agent_id)
                .execution_options(synchronize_session=False)
            ).rowcount
            if moved != 1:
                if s.get(CaseRow, case_id) is None:
                    raise CaseNotFound(f"no case {case_id}")
                raise CaseConflict(f"case {case_id} is not claimed by agent {from_agent_id}")
        return self._get(case_id)

    def record(self, case_id: int, agent_id: Optional[int], action: CaseAction, now: datetime,
               details: Optional[Mapping[str, Any]] = None) -> CaseEvent:
        """Add an entry to the case's audit trail."""
        require_aware("now", now)
        with self.store.session() as s, s.begin():
            row = CaseEventRow(case_id=case_id, agent_id=agent_id, action=CaseAction(action).value,
                               details=dict(details or {}), created_at=now)
            s.add(row)
            s.flush()
            event_id = row.id
        return next(event for event in self.history(case_id) if event.id == event_id)

    def history(self, case_id: int) -> List[CaseEvent]:
        """The case's audit trail, oldest first."""
        with self.store.session() as s:
            rows = s.execute(
                select(CaseEventRow, AgentRow.display_name)
                .outerjoin(AgentRow, CaseEventRow.agent_id == AgentRow.id)
                .where(CaseEventRow.case_id == case_id)
                .order_by(CaseEventRow.created_at, CaseEventRow.id))
            return [CaseEvent(r.id, r.case_id, r.agent_id, name, r.action, dict(r.details or {}),
                              r.created_at) for r, name in rows]

    # -- internals ---------------------------------------------------------------------------

    def _queue(self, s: Any, existing: Optional[CaseRow], decisions: Sequence[Decision], now: datetime,
               **new: Any) -> int:
        """Merge `decisions` into the open case `existing`, or open a new case with the columns
        `new`; the case's id."""
        if not decisions:
            raise ValueError("a case needs at least one escalation decision")
        decisions = sorted(decisions, key=lambda d: PRIORITIES.index(d.priority))
        top = decisions[0]
        if existing is not None:
            known = {d["reason"] for d in existing.decisions}
            existing.decisions = [*existing.decisions,
                                  *(_decision_dict(d) for d in decisions if d.reason not in known)]
            if PRIORITIES.index(top.priority) < PRIORITIES.index(existing.priority):
                existing.reason, existing.priority = top.reason, top.priority
                existing.explanation = top.explanation
            return int(existing.id)
        row = CaseRow(
            reason=top.reason, priority=top.priority, explanation=top.explanation,
            decisions=[_decision_dict(d) for d in decisions], status=CaseStatus.WAITING.value,
            claim_due=self.settings.claim_due(top.priority, now), overdue=False, created_at=now, **new)
        s.add(row)
        s.flush()
        return int(row.id)

    @staticmethod
    def _attach(s: Any, complaint: ComplaintRow, now: datetime) -> Optional[int]:
        """`attach` within the session `s`: the id of the case given the complaint, or None (a
        complaint recorded before the case opened is not the one it waits for)."""
        latest = s.execute(
            select(CaseRow).where(CaseRow.conversation_id == complaint.conversation_id,
                                  CaseRow.customer_id == complaint.customer_id)
            .order_by(CaseRow.created_at.desc(), CaseRow.id.desc()).limit(1)
            .with_for_update()).scalar()
        if latest is None or latest.complaint_id is not None or latest.created_at > complaint.created_at or s.execute(
                select(CaseEventRow.id).where(CaseEventRow.case_id == latest.id,
                                              CaseEventRow.action == CaseAction.RESOLVED.value)).first():
            return None
        latest.complaint_id = complaint.id
        if latest.status == CaseStatus.CLAIMED.value:
            complaint.status, complaint.updated_at = Status.IN_PROGRESS.value, now
            complaint.first_response_at = complaint.first_response_at or latest.claimed_at
        s.add(CaseEventRow(case_id=latest.id, agent_id=None, action=CaseAction.COMPLAINT_ADDED.value,
                           details={"complaint_id": complaint.public_id}, created_at=now))
        return int(latest.id)

    def _get(self, case_id: int) -> Case:
        case = self.get(case_id)
        if case is None:
            raise CaseNotFound(f"no case {case_id}")
        return case

    @staticmethod
    def _row_of_agent(s: Any, case_id: int, agent_id: int, statuses: Tuple[str, ...]) -> CaseRow:
        row: Optional[CaseRow] = s.get(CaseRow, case_id, with_for_update=True)
        if row is None:
            raise CaseNotFound(f"no case {case_id}")
        if row.agent_id != agent_id or row.status not in statuses:
            raise CaseConflict(f"case {case_id} is {row.status}"
                               + ("" if row.agent_id in (None, agent_id) else " by another agent"))
        return row

    def _select_cases(self, *where: Any, order: Sequence[Any] = ()) -> List[Case]:
        query = (
            select(CaseRow, ComplaintRow, Customer.channel, Customer.sender_id, AgentRow.display_name)
            .outerjoin(ComplaintRow, CaseRow.complaint_id == ComplaintRow.id)
            .join(Customer, CaseRow.customer_id == Customer.id)
            .outerjoin(AgentRow, CaseRow.agent_id == AgentRow.id)
            .where(*where).order_by(*order)
        )
        with self.store.session() as s:
            return [
                Case(
                    id=case.id, complaint=Complaint.from_row(complaint, sender_id) if complaint else None,
                    channel=channel, sender_id=sender_id, conversation_id=case.conversation_id,
                    script=case.script,
                    reason=case.reason, priority=case.priority, explanation=case.explanation,
                    decisions=tuple(case.decisions or ()), status=case.status,
                    agent_id=case.agent_id, agent_name=agent_name, claim_due=case.claim_due,
                    overdue=case.overdue, callback_due=case.callback_due,
                    created_at=case.created_at, claimed_at=case.claimed_at,
                    closed_at=case.closed_at,
                )
                for case, complaint, channel, sender_id, agent_name in s.execute(query)
            ]
