"""Events of a handoff: the assistant hands a conversation to a person, and what an agent then
does with the case (claim, reply, note, refund issued, resolve, hand back; a supervisor also
reassigns). Each of these is recorded in the case's audit trail (`HandoffQueue.record`).

The agent's events are coroutines: database calls run in a thread (the console serves many
agents on one event loop), and the customer is told through a `Messenger` (the Rasa server's
HTTP API, `bot.rasa_api.RasaApi`). A case an agent may not act on raises `Refused`; one that
does not exist `bot.storage.CaseNotFound`; one that changed meanwhile `bot.storage.CaseConflict`;
an unreachable Rasa server `bot.rasa_api.RasaError` (nothing changed then, unless said).
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any, Collection, Mapping, Optional, Sequence
from zoneinfo import ZoneInfo

from bot.app.complaints import CollectedComplaint, record_complaint
from bot.app.customers import known_complaints
from bot.clock import utcnow
from bot.escalation import Decision
from bot.handoff import (NO_AGENT_JOB, ContactPromise, PausedAcknowledgement, acknowledge_paused,
                         case_response, details_to_add, first_message_while_paused, promise_contact)
from bot.handoff_jobs import Messenger, hand_back_resolved, schedule_hand_back
from bot.labels import Labels
from bot.policies import Policies
from bot.rasa_api import RasaError
from bot.responses import Responses
from bot.roles import REASSIGN, may
from bot.storage import (
    FILLABLE, Case, CaseAction, CaseNotFound, CaseStatus, Complaint, ComplaintNotFound, ComplaintStore,
    Evidence, EvidenceStore, HandoffQueue, JobQueue, Note, Outbox,
)
from bot.surveys import Surveys

logger = logging.getLogger(__name__)
HANDED_BACK_INTENT = "EXTERNAL_handed_back"
"""Triggered after a hand-back, so the assistant greets the customer back."""


# --- The assistant hands off -----------------------------------------------------------------------

@dataclass(frozen=True)
class HandoffResult:
    """The stored complaint (None: a case without one), its case, and what to tell the customer
    about the wait."""

    complaint: Optional[Complaint]
    case: Case
    promise: ContactPromise


def queue_for_agent(queue: HandoffQueue, jobs: JobQueue, complaint: Complaint,
                    decisions: Sequence[Decision], now: datetime) -> HandoffResult:
    """Queue a stored complaint for an agent and schedule the no-agent apology for when the
    claim deadline passes unclaimed; return the promise to tell the customer: that same claim
    deadline (`bot.handoff.promise_contact`)."""
    return _waiting(queue, jobs, queue.open_case(complaint.public_id, decisions, now), now)


def hand_off_without_complaint(queue: HandoffQueue, jobs: JobQueue, channel: str, sender_id: str,
                               script: str, decisions: Sequence[Decision], now: datetime) -> HandoffResult:
    """Carry out the escalation decisions for a conversation whose customer asked for a person
    before telling any problem (`bot.handoff.nothing_told`): a case without a complaint is
    queued like `queue_for_agent` does, and no complaint is invented. The complaint the
    assistant records in this conversation later joins the case (`HandoffQueue.attach`)."""
    if not decisions:
        raise ValueError("a handoff carries out escalation decisions, and none were given")
    case = queue.open_case_without_complaint(channel, sender_id, sender_id, script, decisions, now)
    return _waiting(queue, jobs, case, now)


def _waiting(queue: HandoffQueue, jobs: JobQueue, case: Case, now: datetime) -> HandoffResult:
    """The no-agent apology scheduled for the queued `case`, and the promise to the customer."""
    jobs.schedule(NO_AGENT_JOB, case.claim_due, {"case_id": case.id}, now, key=f"{NO_AGENT_JOB}:{case.id}")
    # A case that was open already and missed its claim deadline has promised a callback since.
    due = case.callback_due if case.overdue and case.callback_due else case.claim_due
    return HandoffResult(case.complaint, case, promise_contact(queue.settings, now, due, case.priority))


def hand_off(store: ComplaintStore, policies: Policies, queue: HandoffQueue, jobs: JobQueue,
             collected: CollectedComplaint, decisions: Sequence[Decision], now: datetime,
             tz: ZoneInfo) -> HandoffResult:
    """Carry out the escalation decisions (`bot.app.escalation.judge_turn`): store the complaint
    with what the conversation knows and its reasons, and queue it for an agent. Decides
    nothing: without decisions it refuses (`ValueError`)."""
    if not decisions:
        raise ValueError("a handoff carries out escalation decisions, and none were given")
    collected = replace(collected, escalation_reasons=tuple(d.reason for d in decisions))
    recorded = record_complaint(store, policies, collected, now, tz, queue.settings.hours)
    return queue_for_agent(queue, jobs, recorded.complaint, decisions, now)


def escalate_filed(queue: HandoffQueue, jobs: JobQueue, complaint_id: str,
                   decisions: Sequence[Decision], now: datetime,
                   told: Optional[Mapping[str, Any]] = None, story: str = "") -> HandoffResult:
    """Carry out the escalation decisions for a complaint the conversation has already filed
    (`bot.handoff.is_new_problem` said the customer is still on it): that complaint, with every
    field it has and those it lacked that the customer told since (`told`, complaint field ->
    value: `bot.answers.details_told`; `bot.handoff.details_to_add`), and what they told of the
    problem since (`story`: `bot.situation.story_since_recorded`) added to its description,
    gets the reasons and goes to an agent; no second complaint is made, and nothing the
    customer confirmed is overwritten. A complaint with an open case keeps it
    (`HandoffQueue.open_case`). Raises `ComplaintNotFound`."""
    if not decisions:
        raise ValueError("a handoff carries out escalation decisions, and none were given")
    store = queue.store
    filed = store.get(complaint_id)
    if filed is None:
        raise ComplaintNotFound(complaint_id)
    told = {name: value for name, value in (told or {}).items() if name in FILLABLE}
    missing = details_to_add({name: getattr(filed, name) for name in FILLABLE}, told)
    if missing:
        store.add_missing(complaint_id, missing, now)
    if story:
        store.add_to_description(complaint_id, story, now)
    complaint = store.add_escalation(complaint_id, [d.reason for d in decisions], now)
    return queue_for_agent(queue, jobs, complaint, decisions, now)


def paused_acknowledgement(queue: HandoffQueue, channel: str, sender_id: str,
                           events: Sequence[Mapping[str, Any]], now: datetime
                           ) -> Optional[PausedAcknowledgement]:
    """What to answer the customer's latest message of a paused conversation (`events`, tracker
    events as JSON): one acknowledgement for the first message after the handoff (the agent is
    coming, the wait until the case's claim deadline), None for the later ones (they go quietly
    to the agent) or when the customer has no open case."""
    if not first_message_while_paused(events):
        return None
    case = queue.open_case_for(channel, sender_id)
    if case is None:
        return None
    return acknowledge_paused(queue.settings, case.status, case.agent_name, case.claim_due,
                              case.priority, now)


# --- Who may act on a case -----------------------------------------------------------------------

#: The case statuses each of an agent's actions allows (the agent must have claimed the case).
#: Resolving hands the conversation back to the assistant, so a resolved case takes no reply and
#: no second hand-back; the customer may still be told that the refund agreed on has been issued.
ALLOWED: Mapping[str, Collection[str]] = {
    "reply": (CaseStatus.CLAIMED.value,),
    "refund": (CaseStatus.CLAIMED.value, CaseStatus.RESOLVED.value),
    "release": (CaseStatus.CLAIMED.value,),
    "resolve": (CaseStatus.CLAIMED.value,),
}


class Refused(Exception):
    """The agent may not do this with the case now; `why` is one of the codes of `refusal`."""

    def __init__(self, why: str, case: Case) -> None:
        super().__init__(f"case {case.id}: {why}")
        self.why = why
        self.case = case


def case_evidence(customers: EvidenceStore, case: Case) -> list[Evidence]:
    """What the customer sent for the case: its complaint's evidence or, for a case without a
    complaint, the customer's evidence that joins no complaint yet."""
    if case.complaint_id:
        return customers.for_complaint(case.complaint_id)
    return customers.unfiled(case.channel, case.sender_id)


def refusal(case: Case, agent_id: int, action: str) -> Optional[str]:
    """Why the agent `agent_id` may not do `action` (a key of `ALLOWED`) with `case`: released
    (handed back already), unclaimed, other_agent (a colleague has it) or resolved; None if
    they may."""
    if case.status == CaseStatus.RELEASED.value:
        return "released"
    if case.agent_id is None:
        return "unclaimed"
    if case.agent_id != agent_id:
        return "other_agent"
    if case.status not in ALLOWED[action]:
        return "resolved"
    return None


async def _case(queue: HandoffQueue, case_id: int) -> Case:
    case = await asyncio.to_thread(queue.get, case_id)
    if case is None:
        raise CaseNotFound(f"no case {case_id}")
    return case


async def _own(queue: HandoffQueue, case_id: int, agent_id: int, action: str) -> Case:
    case = await _case(queue, case_id)
    why = refusal(case, agent_id, action)
    if why:
        raise Refused(why, case)
    return case


# --- What an agent does ----------------------------------------------------------------------------

class Taken(Exception):
    """A colleague claimed the case first (`case.agent_name`)."""

    def __init__(self, case: Case) -> None:
        super().__init__(f"case {case.id} taken by agent {case.agent_id}")
        self.case = case


async def claim(queue: HandoffQueue, case_id: int, agent_id: int, now: datetime) -> Case:
    """Give the case to the agent; `Taken` when a colleague was first (claiming one's own case
    again is fine)."""
    won = await asyncio.to_thread(queue.claim, case_id, agent_id, now)
    case = await _case(queue, case_id)
    if not won and case.agent_id != agent_id:
        raise Taken(case)
    if won:
        await asyncio.to_thread(queue.record, case_id, agent_id, CaseAction.CLAIMED, now)
    return case


async def reply(queue: HandoffQueue, messenger: Messenger, case_id: int, agent_id: int,
                agent_name: str, text: str, now: Optional[datetime] = None) -> None:
    """Send the agent's reply to the customer's channel, marked with the agent's name (the
    channels show it to the customer)."""
    case = await _own(queue, case_id, agent_id, "reply")
    await messenger.send_text(case.conversation_id, text, {"agent": agent_name})
    await asyncio.to_thread(queue.record, case_id, agent_id, CaseAction.REPLIED, now or utcnow())


async def add_note(queue: HandoffQueue, case_id: int, agent_id: int, text: str,
                   now: datetime) -> Note:
    """Keep an internal note on the case (any agent; never sent to the customer)."""
    note = await asyncio.to_thread(queue.add_note, case_id, agent_id, text, now)
    await asyncio.to_thread(queue.record, case_id, agent_id, CaseAction.NOTED, now)
    return note


async def refund_issued(queue: HandoffQueue, messenger: Messenger, responses: Responses,
                        policies: Policies, labels: Labels, tz: ZoneInfo, case_id: int,
                        agent_id: int, amount: Optional[Decimal], now: datetime,
                        note_template: str) -> Note:
    """Tell the customer their refund (`amount` yuan, if given) is issued and by when it arrives
    (`refund_arrival` in data/policies.yml, Chinese working days), then keep a note of it:
    `note_template` with {amount} and {deadline}. Nothing is noted if the customer was not told."""
    case = await _own(queue, case_id, agent_id, "refund")
    deadline = policies.refund_arrival
    due_at = deadline.due(now, tz).astimezone(tz)
    due = labels.format_date(due_at.date()) if deadline.is_whole_days else labels.format_datetime(due_at)
    amount_text = f" {amount} 元" if amount is not None else ""
    notice = responses.render(case_response("utter_status_refund_issued", case.complaint_id), case.script,
                              complaint_id=case.complaint_id, amount=amount_text, deadline=due)
    await messenger.send_text(case.conversation_id, notice, {"kind": "status"})
    await asyncio.to_thread(queue.record, case_id, agent_id, CaseAction.REFUNDED, now,
                            {"amount": str(amount)} if amount is not None else {})
    return await asyncio.to_thread(queue.add_note, case_id, agent_id,
                                   note_template.format(amount=amount_text, deadline=due), now)


@dataclass(frozen=True)
class Outcome:
    """A case after the event, and whether the customer heard of it (`told`) at once."""

    case: Case
    told: bool


async def resolve(queue: HandoffQueue, surveys: Surveys, messenger: Messenger,
                  responses: Responses, case_id: int, agent_id: int, remedy: str,
                  resolution: str, now: datetime) -> Outcome:
    """Resolve the complaint with the remedy and what was done; schedule the satisfaction check
    and the follow-up; tell the customer on their channel and hand the conversation back to the
    assistant, which closes warmly. A case without a complaint keeps the resolution in its audit
    trail and has no surveys (they ask about a complaint) (`bot.handoff_jobs.hand_back_resolved`): the customer's next
    message is answered, and the survey is not held back by a paused conversation. When the
    Rasa server is down the resolution stands and the job worker finishes the hand-back once it
    is back (`told` False)."""
    await _own(queue, case_id, agent_id, "resolve")
    case = await asyncio.to_thread(queue.resolve, case_id, agent_id, resolution, now, remedy)
    details = {"remedy": remedy} if case.complaint else {"remedy": remedy, "resolution": resolution}
    await asyncio.to_thread(queue.record, case_id, agent_id, CaseAction.RESOLVED, now, details)
    if case.complaint_id:
        await asyncio.to_thread(surveys.schedule_after_closure, case.complaint_id, now, True)
    notice = responses.render(case_response("utter_status_resolved", case.complaint_id), case.script,
                              complaint_id=case.complaint_id, resolution=resolution)
    try:
        await hand_back_resolved(messenger, queue.store, Outbox(queue.store), case, notice)
    except RasaError as exc:
        logger.warning("case %s resolved, the customer will be told and the conversation handed "
                       "back when the Rasa server is back: %s", case_id, exc)
        await asyncio.to_thread(schedule_hand_back, surveys.jobs, case_id, notice, now)
        return Outcome(case, told=False)
    return Outcome(case, told=True)


async def release(queue: HandoffQueue, messenger: Messenger, case_id: int, agent_id: int,
                  now: datetime) -> Outcome:
    """Hand the conversation back to the assistant before the case is resolved (resolving hands
    it back itself): resume it with the customer's complaints as they are now, close the case,
    and have the assistant
    greet the customer back (`told` False when the greeting could not be sent; the release
    stands). The conversation is resumed first, so when the Rasa server is down nothing
    changes and the agent can simply try again."""
    case = await _own(queue, case_id, agent_id, "release")
    prior = await asyncio.to_thread(known_complaints, queue.store, case.channel, case.sender_id)
    await messenger.resume(case.conversation_id, slots={"prior_complaints": prior})
    case = await asyncio.to_thread(queue.release, case_id, agent_id, now)
    await asyncio.to_thread(queue.record, case_id, agent_id, CaseAction.RELEASED, now)
    try:
        await messenger.trigger_intent(case.conversation_id, HANDED_BACK_INTENT)
    except RasaError as exc:
        logger.warning("case %s released, but the welcome back was not sent: %s", case_id, exc)
        return Outcome(case, told=False)
    return Outcome(case, told=True)


async def reassign(queue: HandoffQueue, case_id: int, by_id: int, by_role: str, to_agent_id: int,
                   now: datetime) -> Case:
    """A supervisor (`by_role`) gives a claimed case to the colleague `to_agent_id`, who then
    replies and resolves it. `Refused`: not_supervisor (only supervisors reassign), or the case
    is not claimed (unclaimed, resolved, released) or is the colleague's already (same_agent);
    `LookupError` when `to_agent_id` is no active agent."""
    case = await _case(queue, case_id)
    why = reassign_refusal(case, by_role, to_agent_id)
    if why:
        raise Refused(why, case)
    assert case.agent_id is not None
    moved = await asyncio.to_thread(queue.reassign, case_id, case.agent_id, to_agent_id, now)
    await asyncio.to_thread(queue.record, case_id, by_id, CaseAction.REASSIGNED, now, {
        "from_agent_id": case.agent_id, "from_agent_name": case.agent_name,
        "to_agent_id": moved.agent_id, "to_agent_name": moved.agent_name})
    return moved


def reassign_refusal(case: Case, role: str, to_agent_id: int) -> Optional[str]:
    """Why someone with `role` may not give `case` to `to_agent_id`: not_supervisor, released,
    unclaimed, resolved or same_agent; None if they may."""
    if not may(role, REASSIGN):
        return "not_supervisor"
    if case.status == CaseStatus.RELEASED.value:
        return "released"
    if case.agent_id is None:
        return "unclaimed"
    if case.status != CaseStatus.CLAIMED.value:
        return "resolved"
    if case.agent_id == to_agent_id:
        return "same_agent"
    return None
