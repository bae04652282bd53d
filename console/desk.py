"""What an agent does at the console: read the queue and a case, claim it, reply to the customer,
keep notes, tell the customer a refund is on its way, resolve the complaint and hand the
conversation back to the assistant.

Database calls run off the event loop; the Rasa server is reached through `bot.rasa_api`. Every
refusal is a `console.errors.ConsoleError`.
"""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Awaitable, Callable, Collection, List, Optional, Tuple, TypeVar

from bot.storage import Agent, Case, CaseConflict, CaseNotFound, CaseStatus, HandoffQueue, JobQueue
from bot.clock import utcnow
from console import wording
from console.errors import Conflict, ConsoleError, NotFound, RasaUnavailable
from console.inputs import is_row_id, is_storable
from console.transcript import transcript
from console.views import View, Views, iso
from bot.handoff_jobs import schedule_notice
from bot.complaints import Remedy
from bot.policies import Policies, load_policies
from bot.rasa_api import RasaApi, RasaError
from bot.responses import load_responses
from bot.surveys import Surveys
from bot.tone import ForbiddenPhrase, find_forbidden, load_forbidden_phrases

logger = logging.getLogger(__name__)
T = TypeVar("T")

HANDED_BACK_INTENT = "EXTERNAL_handed_back"
"""Triggered after a release, so the assistant greets the customer back."""
MAX_REPLY_CHARS = 2000
MAX_NOTE_CHARS = 4000
MAX_REFUND_YUAN = Decimal("10000000")

_CLAIMED = (CaseStatus.CLAIMED.value,)
_CLAIMED_OR_RESOLVED = (CaseStatus.CLAIMED.value, CaseStatus.RESOLVED.value)


def _refusal(case: Case, agent: Agent, allowed: Collection[str]) -> Optional[str]:
    """Why `agent` may not act on `case` in a way `allowed` statuses permit; None if they may."""
    if case.status == CaseStatus.RELEASED.value:
        return wording.CASE_CLOSED
    if case.agent_id is None:
        return wording.CLAIM_FIRST
    if case.agent_id != agent.id:
        return wording.OWNED_BY.format(name=case.agent_name)
    if case.status not in allowed:
        return wording.ALREADY_RESOLVED
    return None


def _text(value: object, empty: str, limit: int) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise ConsoleError(empty)
    if len(text) > limit:
        raise ConsoleError(wording.TOO_LONG.format(limit=limit))
    if not is_storable(text):
        raise ConsoleError(wording.UNREADABLE_TEXT)
    return text


def _known(case_id: int) -> int:
    """`case_id`, or `NotFound` when no case could have it (before the database chokes on it)."""
    if not is_row_id(case_id):
        raise NotFound(wording.CASE_NOT_FOUND)
    return case_id


def _refund_amount(value: object) -> Optional[Decimal]:
    """The refund in yuan an agent typed (None when left empty); `ConsoleError` if it is not
    a positive amount with at most two decimals."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        amount = Decimal(str(value).strip().lstrip("¥￥"))
    except InvalidOperation:
        raise ConsoleError(wording.BAD_REFUND_AMOUNT) from None
    if not amount.is_finite() or amount <= 0 or amount > MAX_REFUND_YUAN or amount != amount.quantize(Decimal("0.01")):
        raise ConsoleError(wording.BAD_REFUND_AMOUNT)
    return amount


class AgentDesk:
    """The console's operations on the handoff queue and the customer's conversation."""

    def __init__(self, queue: HandoffQueue, rasa: RasaApi, views: Views, surveys: Surveys,
                 phrases: Tuple[ForbiddenPhrase, ...] = (), policies: Optional[Policies] = None,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.queue = queue
        self.surveys = surveys
        self.rasa = rasa
        self.views = views
        self.phrases = phrases or load_forbidden_phrases()
        self.policies = policies or load_policies()
        self.clock = clock

    async def open_cases(self) -> View:
        """{now, cases}: the open cases, most urgent first, then longest waiting."""
        cases = await asyncio.to_thread(self.queue.queue)
        return {"now": iso(self.clock()), "cases": [self.views.case(case) for case in cases]}

    async def case(self, case_id: int, agent: Agent) -> View:
        """The case with its complaint, notes, the customer's earlier complaints, and what
        `agent` may do with it."""
        case = await self._case(case_id)
        complaint = case.complaint
        store = self.queue.store
        earlier = await asyncio.to_thread(store.for_customer, complaint.channel, complaint.sender_id)
        notes = await asyncio.to_thread(self.queue.notes, case_id)
        return {
            "now": iso(self.clock()),
            "case": self.views.case(case),
            "complaint": self.views.complaint(complaint),
            "notes": [self.views.note(note) for note in notes],
            "earlier": [self.views.complaint(c) for c in earlier if c.public_id != complaint.public_id],
            "remedies": self.views.remedy_options(),
            "you": {"id": agent.id, "name": agent.display_name},
            "can": {
                "claim": case.status == CaseStatus.WAITING.value,
                "reply": _refusal(case, agent, _CLAIMED_OR_RESOLVED) is None,
                "resolve": _refusal(case, agent, _CLAIMED) is None,
                "refund": _refusal(case, agent, _CLAIMED_OR_RESOLVED) is None,
                "release": _refusal(case, agent, _CLAIMED_OR_RESOLVED) is None,
            },
        }

    async def transcript(self, case_id: int) -> View:
        """The conversation from the Rasa tracker (see `console.transcript`)."""
        case = await self._case(case_id)
        tracker = await self._rasa(self.rasa.tracker(case.conversation_id), wording.TRANSCRIPT_DOWN)
        return transcript(tracker, self.views.tz)

    async def claim(self, case_id: int, agent: Agent) -> View:
        """Take the case; `Conflict` naming the colleague when someone else was first."""
        try:
            won = await asyncio.to_thread(self.queue.claim, _known(case_id), agent.id, self.clock())
        except CaseNotFound:
            raise NotFound(wording.CASE_NOT_FOUND) from None
        case = await self._case(case_id)
        if not won and case.agent_id != agent.id:
            raise Conflict(wording.TAKEN_BY.format(name=case.agent_name) if case.agent_name
                           else wording.CASE_CHANGED)
        return self.views.case(case)

    async def reply(self, case_id: int, agent: Agent, text: object) -> View:
        """Send the agent's reply to the customer's channel; {forbidden} lists any 忌语 in it
        (a warning: the reply is sent all the same)."""
        text = _text(text, wording.EMPTY_REPLY, MAX_REPLY_CHARS)
        case = await self._own(case_id, agent, _CLAIMED_OR_RESOLVED)
        await self._rasa(self.rasa.send_text(case.conversation_id, text, {"agent": agent.display_name}))
        return {"forbidden": self.forbidden(text)}

    def forbidden(self, text: str) -> List[str]:
        """The phrases never to use (忌语) that `text` contains."""
        return find_forbidden(text, self.phrases)

    async def add_note(self, case_id: int, agent: Agent, text: object) -> View:
        """Keep an internal note on the case (never sent to the customer)."""
        text = _text(text, wording.EMPTY_NOTE, MAX_NOTE_CHARS)
        try:
            note = await asyncio.to_thread(self.queue.add_note, _known(case_id), agent.id, text, self.clock())
        except CaseNotFound:
            raise NotFound(wording.CASE_NOT_FOUND) from None
        return self.views.note(note)

    async def refund_issued(self, case_id: int, agent: Agent, amount: object = None) -> View:
        """Tell the customer their refund has been issued and by when it arrives (Chinese working
        days, data/policies.yml `refund_arrival`), and keep a note of it. {note}."""
        yuan = _refund_amount(amount)
        case = await self._own(case_id, agent, _CLAIMED_OR_RESOLVED)
        complaint = case.complaint
        deadline = self.policies.refund_arrival
        due_at = deadline.due(self.clock(), self.views.tz)
        due = (self.views.labels.format_date(due_at.date()) if deadline.is_whole_days
               else self.views.local(due_at))
        amount_text = f" {yuan} 元" if yuan is not None else ""
        notice = load_responses().render("utter_status_refund_issued", complaint.script,
                                         complaint_id=complaint.public_id, amount=amount_text,
                                         deadline=due)
        await self._rasa(self.rasa.send_text(case.conversation_id, notice, {"kind": "status"}))
        return {"note": await self.add_note(case_id, agent,
                                            wording.REFUND_NOTE.format(amount=amount_text, deadline=due))}

    async def resolve(self, case_id: int, agent: Agent, remedy: object, resolution: object) -> View:
        """Resolve the complaint with the remedy given and what was done; the customer is told,
        and the satisfaction check and the follow-up are scheduled. {case, warning}: the warning
        says the customer could not be told yet (the Rasa server is down): the resolution
        stands, and the job worker sends the notice once the server is back."""
        if not isinstance(remedy, str) or remedy not in {r.value for r in Remedy}:
            raise ConsoleError(wording.UNKNOWN_REMEDY)
        resolution = _text(resolution, wording.EMPTY_RESOLUTION, MAX_NOTE_CHARS)
        await self._own(case_id, agent, _CLAIMED)
        try:
            case = await asyncio.to_thread(self.queue.resolve, case_id, agent.id, resolution,
                                           self.clock(), str(remedy))
        except CaseConflict:
            raise Conflict(wording.CASE_CHANGED) from None
        complaint = case.complaint
        await asyncio.to_thread(self.surveys.schedule_after_closure, complaint.public_id,
                                self.clock(), True)
        notice = load_responses().render("utter_status_resolved", complaint.script,
                                         complaint_id=complaint.public_id, resolution=resolution)
        warning = None
        try:  # the customer hears it on their channel; the resolution stands if that fails
            await self.rasa.send_text(case.conversation_id, notice, {"kind": "status"})
        except RasaError as exc:
            logger.warning("case %s resolved, the customer will be told when the Rasa server is back: %s",
                           case_id, exc)
            await asyncio.to_thread(schedule_notice, JobQueue(self.queue.store), case.conversation_id,
                                    notice, "status", f"resolved:{case_id}", self.clock())
            warning = wording.RESOLVED_NOT_TOLD
        return {"case": self.views.case(case), "warning": warning}

    async def release(self, case_id: int, agent: Agent) -> View:
        """Hand the conversation back to the assistant: resume it, close the case, and have the
        assistant greet the customer back. {case, warning}: the warning says when the greeting
        could not be sent (the release stands).

        The conversation is resumed before the case is closed, so when the Rasa server is down
        nothing changes and the agent can simply try again."""
        case = await self._own(case_id, agent, _CLAIMED_OR_RESOLVED)
        await self._rasa(self.rasa.resume(case.conversation_id))
        try:
            case = await asyncio.to_thread(self.queue.release, case_id, agent.id, self.clock())
        except CaseConflict:
            raise Conflict(wording.CASE_CHANGED) from None
        warning = None
        try:
            await self.rasa.trigger_intent(case.conversation_id, HANDED_BACK_INTENT)
        except RasaError as exc:
            logger.warning("case %s released, but the welcome back was not sent: %s", case_id, exc)
            warning = wording.GREETING_NOT_SENT
        return {"case": self.views.case(case), "warning": warning}

    # -- internals ---------------------------------------------------------------------------

    async def _case(self, case_id: int) -> Case:
        case = await asyncio.to_thread(self.queue.get, _known(case_id))
        if case is None:
            raise NotFound(wording.CASE_NOT_FOUND)
        return case

    async def _own(self, case_id: int, agent: Agent, allowed: Collection[str]) -> Case:
        case = await self._case(case_id)
        refusal = _refusal(case, agent, allowed)
        if refusal:
            raise Conflict(refusal)
        return case

    @staticmethod
    async def _rasa(call: Awaitable[T], message: str = wording.RASA_DOWN) -> T:
        try:
            return await call
        except RasaError as exc:
            logger.warning("Rasa server request failed: %s", exc)
            raise RasaUnavailable(message) from None
