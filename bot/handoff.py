"""Handing a conversation to a person: the queue of cases agents take, and what the customer is
promised about when someone will answer.

A case is opened for a stored complaint with the escalation decisions (`bot.escalation.decide`)
that called for a person. Agents claim cases (exactly one wins a race), reply, add notes, resolve
the complaint and hand the conversation back to the assistant. Timings come from
config/handoff.yml (`load_handoff_settings`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy import select, update

from bot.clock import require_aware
from bot.datafiles import load_yaml, repo_path
from bot.escalation import PRIORITIES, Decision
from bot.storage import CaseStatus, Complaint, ComplaintNotFound, ComplaintStore, JobQueue
from bot.complaints import Remedy, Status
from bot.storage.models import AgentRow, CaseNoteRow, CaseRow, ComplaintRow, Customer
from bot.working_hours import WorkingHours

DEFAULT_HANDOFF_PATH = repo_path("config/handoff.yml")
#: Statuses of a case an agent still has to act on.
OPEN_STATUSES = (CaseStatus.WAITING.value, CaseStatus.CLAIMED.value)


# --- Settings and promises -----------------------------------------------------------------------

@dataclass(frozen=True)
class HandoffSettings:
    """Working hours, waiting-time estimate, claim deadlines and callbacks (config/handoff.yml)."""

    hours: WorkingHours
    pickup_minutes: int
    minutes_per_case_ahead: int
    claim_within_minutes: Mapping[str, int]
    callback_within_minutes: int

    @classmethod
    def from_config(cls, raw: Mapping[str, Any], tz: ZoneInfo,
                    source: str = "handoff.yml") -> "HandoffSettings":
        claim = {str(k): int(v) for k, v in (raw.get("claim_within_minutes") or {}).items()}
        if set(claim) != set(PRIORITIES):
            raise ValueError(f"{source}: claim_within_minutes needs exactly {', '.join(PRIORITIES)}; "
                             f"got {', '.join(sorted(claim)) or 'none'}")
        return cls(
            hours=WorkingHours.from_config(raw.get("working_hours") or {}, tz),
            pickup_minutes=int(raw["pickup_minutes"]),
            minutes_per_case_ahead=int(raw["minutes_per_case_ahead"]),
            claim_within_minutes=claim,
            callback_within_minutes=int(raw["callback_within_minutes"]),
        )

    def claim_due(self, priority: str, now: datetime) -> datetime:
        """When an agent should have claimed a case of `priority` opened at `now`."""
        return self.hours.add_minutes(now, self.claim_within_minutes[priority])

    def callback_due(self, now: datetime) -> datetime:
        """The callback time promised when no agent came in time."""
        return self.hours.add_minutes(now, self.callback_within_minutes)


@lru_cache(maxsize=None)
def load_handoff_settings(tz: ZoneInfo, path: Path = DEFAULT_HANDOFF_PATH) -> HandoffSettings:
    """The handoff settings in `path`, read once per process."""
    return HandoffSettings.from_config(load_yaml(Path(path)), tz, source=str(path))


@dataclass(frozen=True)
class ContactPromise:
    """What the customer is told about when a person will answer."""

    in_hours: bool
    """Agents are working now: `minutes` is the estimated wait."""
    minutes: int
    at: datetime
    """When a person will be with them (the estimate, or the next opening time)."""


def promise_contact(settings: HandoffSettings, now: datetime, waiting_ahead: int) -> ContactPromise:
    """The wait to tell a customer with `waiting_ahead` cases before theirs in the queue."""
    require_aware("now", now)
    if settings.hours.is_open(now):
        minutes = settings.pickup_minutes + settings.minutes_per_case_ahead * max(0, waiting_ahead)
        return ContactPromise(True, minutes, settings.hours.add_minutes(now, minutes))
    opening = settings.hours.next_opening(now)
    return ContactPromise(False, 0, settings.hours.add_minutes(opening, settings.pickup_minutes))


# --- Cases -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    """A conversation handed to a person, with the complaint it is about."""

    id: int
    complaint: Complaint
    reason: str
    """The most urgent reason code, e.g. "threat"."""
    priority: str
    explanation: str
    """One line for the agent: why a person is needed."""
    decisions: Tuple[Dict[str, str], ...]
    """Every reason that applied: {reason, priority, explanation}, most urgent first."""
    status: str
    """One of `bot.storage.models.CaseStatus`."""
    agent_id: Optional[int]
    agent_name: Optional[str]
    claim_due: datetime
    overdue: bool
    callback_due: Optional[datetime]
    created_at: datetime
    claimed_at: Optional[datetime]
    closed_at: Optional[datetime]

    @property
    def conversation_id(self) -> str:
        """The Rasa conversation (sender id) to read and write."""
        return self.complaint.conversation_id

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

        A complaint with an open case keeps that case (its reasons are merged in)."""
        require_aware("now", now)
        if not decisions:
            raise ValueError("a case needs at least one escalation decision")
        decisions = sorted(decisions, key=lambda d: PRIORITIES.index(d.priority))
        top = decisions[0]
        with self.store.session() as s, s.begin():
            complaint_row_id = s.execute(
                select(ComplaintRow.id).where(ComplaintRow.public_id == complaint_id)).scalar()
            if complaint_row_id is None:
                raise ComplaintNotFound(complaint_id)
            existing = s.execute(
                select(CaseRow).where(CaseRow.complaint_id == complaint_row_id,
                                      CaseRow.status.in_(OPEN_STATUSES))).scalar()
            if existing is not None:
                known = {d["reason"] for d in existing.decisions}
                existing.decisions = [*existing.decisions,
                                      *(_decision_dict(d) for d in decisions if d.reason not in known)]
                if PRIORITIES.index(top.priority) < PRIORITIES.index(existing.priority):
                    existing.reason, existing.priority = top.reason, top.priority
                    existing.explanation = top.explanation
                case_id = existing.id
            else:
                row = CaseRow(
                    complaint_id=complaint_row_id, reason=top.reason, priority=top.priority,
                    explanation=top.explanation, decisions=[_decision_dict(d) for d in decisions],
                    status=CaseStatus.WAITING.value,
                    claim_due=self.settings.claim_due(top.priority, now), overdue=False,
                    created_at=now,
                )
                s.add(row)
                s.flush()
                case_id = row.id
        return self._get(case_id)

    def waiting_ahead(self, case: Case) -> int:
        """How many waiting cases an agent will take before `case` (more urgent, or as urgent
        and older)."""
        higher = [p for p in PRIORITIES if PRIORITIES.index(p) < PRIORITIES.index(case.priority)]
        with self.store.session() as s:
            return s.execute(
                select(sa.func.count()).select_from(CaseRow).where(
                    CaseRow.status == CaseStatus.WAITING.value, CaseRow.id != case.id,
                    sa.or_(CaseRow.priority.in_(higher),
                           sa.and_(CaseRow.priority == case.priority,
                                   CaseRow.created_at <= case.created_at)))
            ).scalar_one()

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
            won = s.execute(
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
                            first_response_at=sa.func.coalesce(ComplaintRow.first_response_at, now))
                    .execution_options(synchronize_session=False))
        if not won and self.get(case_id) is None:
            raise CaseNotFound(f"no case {case_id}")
        return won

    def resolve(self, case_id: int, agent_id: int, resolution: str, now: datetime,
                remedy: Optional[str] = None) -> Case:
        """The agent who has the case resolves the complaint: the resolution text is kept, the
        remedy (a `bot.complaints.Remedy`) recorded if given, and the complaint is resolved."""
        require_aware("now", now)
        resolution = (resolution or "").strip()
        if not resolution:
            raise ValueError("say what was done: the resolution text must not be empty")
        values: Dict[str, Any] = {"status": Status.RESOLVED.value, "resolution": resolution,
                                  "resolved_at": now, "updated_at": now}
        if remedy:
            values["desired_remedy"] = Remedy(remedy).value
        with self.store.session() as s, s.begin():
            row = self._row_of_agent(s, case_id, agent_id, (CaseStatus.CLAIMED.value,))
            row.status, row.closed_at = CaseStatus.RESOLVED.value, now
            s.execute(update(ComplaintRow).where(ComplaintRow.id == row.complaint_id).values(**values)
                      .execution_options(synchronize_session=False))
        return self._get(case_id)

    def release(self, case_id: int, agent_id: int, now: datetime) -> Case:
        """The agent hands the conversation back to the assistant (claimed or resolved case)."""
        require_aware("now", now)
        with self.store.session() as s, s.begin():
            row = self._row_of_agent(s, case_id, agent_id,
                                     (CaseStatus.CLAIMED.value, CaseStatus.RESOLVED.value))
            row.status = CaseStatus.RELEASED.value
            row.closed_at = row.closed_at or now
        return self._get(case_id)

    def mark_overdue(self, case_id: int, callback_due: datetime, now: datetime) -> bool:
        """Mark a case nobody claimed in time as overdue with the callback promised; False when
        an agent has it by now (nothing changes then)."""
        require_aware("callback_due", callback_due)
        with self.store.session() as s, s.begin():
            return s.execute(
                update(CaseRow)
                .where(CaseRow.id == case_id, CaseRow.status == CaseStatus.WAITING.value)
                .values(overdue=True, callback_due=callback_due)
                .execution_options(synchronize_session=False)
            ).rowcount == 1

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

    # -- internals ---------------------------------------------------------------------------

    def _get(self, case_id: int) -> Case:
        case = self.get(case_id)
        if case is None:
            raise CaseNotFound(f"no case {case_id}")
        return case

    @staticmethod
    def _row_of_agent(s: Any, case_id: int, agent_id: int, statuses: Tuple[str, ...]) -> CaseRow:
        row = s.get(CaseRow, case_id, with_for_update=True)
        if row is None:
            raise CaseNotFound(f"no case {case_id}")
        if row.agent_id != agent_id or row.status not in statuses:
            raise CaseConflict(f"case {case_id} is {row.status}"
                               + ("" if row.agent_id in (None, agent_id) else " by another agent"))
        return row

    def _select_cases(self, *where: Any, order: Sequence[Any] = ()) -> List[Case]:
        query = (
            select(CaseRow, ComplaintRow, Customer.sender_id, AgentRow.display_name)
            .join(ComplaintRow, CaseRow.complaint_id == ComplaintRow.id)
            .join(Customer, ComplaintRow.customer_id == Customer.id)
            .outerjoin(AgentRow, CaseRow.agent_id == AgentRow.id)
            .where(*where).order_by(*order)
        )
        with self.store.session() as s:
            return [
                Case(
                    id=case.id, complaint=Complaint.from_row(complaint, sender_id),
                    reason=case.reason, priority=case.priority, explanation=case.explanation,
                    decisions=tuple(case.decisions or ()), status=case.status,
                    agent_id=case.agent_id, agent_name=agent_name, claim_due=case.claim_due,
                    overdue=case.overdue, callback_due=case.callback_due,
                    created_at=case.created_at, claimed_at=case.claimed_at,
                    closed_at=case.closed_at,
                )
                for case, complaint, sender_id, agent_name in s.execute(query)
            ]


# --- Handing off -----------------------------------------------------------------------------------

NO_AGENT_JOB = "no_agent"
"""Job kind: nobody claimed a case in time (see bot.handoff_jobs)."""


@dataclass(frozen=True)
class HandoffResult:
    """The stored complaint, its case, and what to tell the customer about the wait."""

    complaint: Complaint
    case: Case
    promise: ContactPromise


def hand_off(queue: HandoffQueue, jobs: JobQueue, complaint: Complaint,
             decisions: Sequence[Decision], now: datetime) -> HandoffResult:
    """Queue `complaint` for an agent and schedule the no-agent apology for when the claim
    deadline passes unclaimed; return the promise to tell the customer."""
    case = queue.open_case(complaint.public_id, decisions, now)
    jobs.schedule(NO_AGENT_JOB, case.claim_due, {"case_id": case.id}, now, key=f"{NO_AGENT_JOB}:{case.id}")
    promise = promise_contact(queue.settings, now, queue.waiting_ahead(case))
    return HandoffResult(case.complaint, case, promise)
