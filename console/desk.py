"""What an agent does at the console: read the queue and a case, claim it, reply to the customer,
keep notes, tell the customer a refund is on its way, resolve the complaint and hand the
conversation back to the assistant; a supervisor also gives a claimed case to a colleague.
Agents neither see nor act on the cases for supervisors (`bot.roles`) unless given one.

Each of the agent's events is one call of `bot.app.handoffs`; this module checks the agent's
input, reads what the pages show, and turns refusals into `console.errors.ConsoleError`s.
"""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple, TypeVar

from bot.app import handoffs
from bot.app.handoffs import Refused, Taken, reassign_refusal, refusal
from bot.clock import utcnow
from bot.files import FileMissing, FileStore, sniff
from bot.roles import CASES, REASSIGN, RoleSettings, load_role_settings, may
from bot.storage import (
    Agent, AgentAccounts, Case, CaseConflict, CaseNotFound, CaseStatus, EvidenceStore, HandoffQueue,
)
from bot.policies import Policies, load_policies
from bot.rasa_api import RasaApi, RasaError
from bot.responses import load_responses
from bot.surveys import Surveys
from bot.tone import ForbiddenPhrase, find_forbidden, load_forbidden_phrases
from console import wording
from console.errors import Conflict, ConsoleError, Forbidden, NotFound, RasaUnavailable
from console.inputs import is_row_id, is_storable
from console.transcript import transcript
from console.views import View, Views, iso

logger = logging.getLogger(__name__)
T = TypeVar("T")

MAX_REPLY_CHARS = 2000
MAX_NOTE_CHARS = 4000
MAX_REFUND_YUAN = Decimal("10000000")

#: What the agent reads when `bot.app.handoffs.refusal` says no.
_REFUSALS = {"released": wording.CASE_CLOSED, "unclaimed": wording.CLAIM_FIRST,
             "other_agent": wording.OWNED_BY, "resolved": wording.ALREADY_RESOLVED}
#: What the supervisor reads when `bot.app.handoffs.reassign_refusal` says no.
_REASSIGN_REFUSALS = {"not_supervisor": wording.SUPERVISORS_ONLY_REASSIGN, "released": wording.CASE_CLOSED,
                      "unclaimed": wording.REASSIGN_UNCLAIMED, "resolved": wording.REASSIGN_NOT_CLAIMED,
                      "same_agent": wording.REASSIGN_SAME_AGENT}


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


def _require_cases(agent: Agent) -> None:
    """`Forbidden` for a role that works no cases (designers)."""
    if not may(agent.role, CASES):
        raise Forbidden(wording.DESIGNERS_NO_CASES)


class AgentDesk:
    """The console's operations on the handoff queue and the customer's conversation."""

    def __init__(self, queue: HandoffQueue, rasa: RasaApi, views: Views, surveys: Surveys, files: FileStore,
                 phrases: Tuple[ForbiddenPhrase, ...] = (), policies: Optional[Policies] = None,
                 clock: Callable[[], datetime] = utcnow, roles: Optional[RoleSettings] = None) -> None:
        self.queue = queue
        self.files = files
        self.customers = EvidenceStore(queue.store)
        self.accounts = AgentAccounts(queue.store)
        self.roles = roles or load_role_settings()
        self.surveys = surveys
        self.rasa = rasa
        self.views = views
        self.phrases = phrases or load_forbidden_phrases()
        self.policies = policies or load_policies()
        self.clock = clock

    async def open_cases(self, agent: Agent) -> View:
        """{now, cases}: the open cases `agent` may see, most urgent first, then longest waiting."""
        _require_cases(agent)
        cases = await asyncio.to_thread(self.queue.queue)
        return {"now": iso(self.clock()),
                "cases": [self.views.case(case) for case in cases
                          if self.roles.may_see(agent.role, agent.id, case)]}

    async def case(self, case_id: int, agent: Agent) -> View:
        """The case with its complaint (None, and a word on it, for a case without one), the photos
        and other evidence the customer sent, notes,
        the customer's earlier complaints, its audit trail, and what `agent` may do with it (a
        supervisor: also to whom it can be given)."""
        case = await self._case(case_id, agent)
        complaint = case.complaint
        store = self.queue.store
        earlier = await asyncio.to_thread(store.for_customer, case.channel, case.sender_id)
        notes = await asyncio.to_thread(self.queue.notes, case_id)
        evidence = await asyncio.to_thread(handoffs.case_evidence, self.customers, case)
        history = await asyncio.to_thread(self.queue.history, case_id)
        supervisor = may(agent.role, REASSIGN)
        colleagues = await asyncio.to_thread(self.accounts.all) if supervisor else []
        return {
            "now": iso(self.clock()),
            "case": self.views.case(case),
            "complaint": self.views.complaint(complaint) if complaint else None,
            "no_complaint": None if complaint else wording.NO_COMPLAINT_SUMMARY,
            "evidence": [self.views.evidence(case_id, kept) for kept in evidence],
            "notes": [self.views.note(note) for note in notes],
            "history": [self.views.event(event) for event in history],
            "colleagues": [self.views.colleague(c) for c in colleagues if c.active and c.id != case.agent_id],
            "earlier": [self.views.complaint(c) for c in earlier if c.public_id != case.complaint_id],
            "remedies": self.views.remedy_options(),
            "you": {"id": agent.id, "name": agent.display_name, "role": agent.role},
            "can": {
                "claim": case.status == CaseStatus.WAITING.value,
                **{action: refusal(case, agent.id, action) is None
                   for action in ("reply", "resolve", "refund", "release")},
                "reassign": supervisor and reassign_refusal(case, agent.role, -1) is None,
            },
        }

    async def transcript(self, case_id: int, agent: Agent) -> View:
        """The conversation from the Rasa tracker (see `console.transcript`)."""
        return transcript((await self.conversation(case_id, agent))[1], self.views.tz)

    async def conversation(self, case_id: int, agent: Agent) -> Tuple[str, Dict[str, Any]]:
        """(conversation id, tracker) of the case's conversation, from the Rasa server."""
        case = await self._case(case_id, agent)
        tracker = await self._event(self.rasa.tracker(case.conversation_id), wording.TRANSCRIPT_DOWN)
        return case.conversation_id, tracker

    async def evidence_file(self, case_id: int, evidence_id: int, agent: Agent) -> Tuple[bytes, str]:
        """The bytes of a photo or voice message of the case's complaint, with the content type
        its bytes show (`bot.files.sniff`; None for anything else); `NotFound` unless `agent`
        may see the case and the file belongs to it."""
        case = await self._case(case_id, agent)
        sent = await asyncio.to_thread(handoffs.case_evidence, self.customers, case)
        kept = next((evidence for evidence in sent if evidence.id == evidence_id), None)
        if kept is None or kept.file is None:
            raise NotFound(wording.FILE_NOT_FOUND)
        try:
            data = await asyncio.to_thread(self.files.get, kept.file.key)
        except FileMissing:
            raise NotFound(wording.FILE_NOT_FOUND) from None
        return data, sniff(data) or "application/octet-stream"

    async def claim(self, case_id: int, agent: Agent) -> View:
        """Take the case; `Conflict` naming the colleague when someone else was first."""
        await self._case(case_id, agent)
        case = await self._event(handoffs.claim(self.queue, _known(case_id), agent.id, self.clock()))
        return self.views.case(case)

    async def reply(self, case_id: int, agent: Agent, text: object) -> View:
        """Send the agent's reply to the customer's channel; {forbidden} lists any 忌语 in it
        (a warning: the reply is sent all the same)."""
        text = _text(text, wording.EMPTY_REPLY, MAX_REPLY_CHARS)
        await self._case(case_id, agent)
        await self._event(handoffs.reply(self.queue, self.rasa, _known(case_id), agent.id,
                                         agent.display_name, text, self.clock()))
        return {"forbidden": self.forbidden(text)}

    def forbidden(self, text: str) -> List[str]:
        """The phrases never to use (忌语) that `text` contains."""
        return find_forbidden(text, self.phrases)

    async def add_note(self, case_id: int, agent: Agent, text: object) -> View:
        """Keep an internal note on the case (never sent to the customer)."""
        text = _text(text, wording.EMPTY_NOTE, MAX_NOTE_CHARS)
        await self._case(case_id, agent)
        note = await self._event(handoffs.add_note(self.queue, _known(case_id), agent.id, text,
                                                   self.clock()))
        return self.views.note(note)

    async def refund_issued(self, case_id: int, agent: Agent, amount: object = None) -> View:
        """Tell the customer their refund has been issued and by when it arrives (Chinese working
        days, data/policies.yml `refund_arrival`), and keep a note of it. {note}."""
        yuan = _refund_amount(amount)
        await self._case(case_id, agent)
        note = await self._event(handoffs.refund_issued(
            self.queue, self.rasa, load_responses(), self.policies, self.views.labels, self.views.tz,
            _known(case_id), agent.id, yuan, self.clock(), wording.REFUND_NOTE))
        return {"note": self.views.note(note)}

    async def resolve(self, case_id: int, agent: Agent, remedy: object, resolution: object) -> View:
        """Resolve the complaint with the remedy given and what was done; the customer is told,
        and the satisfaction check and the follow-up are scheduled. {case, warning}: the warning
        says the customer could not be told yet (the Rasa server is down): the resolution
        stands, and the job worker sends the notice once the server is back."""
        if not isinstance(remedy, str) or remedy not in self.views.labels.remedies:
            raise ConsoleError(wording.UNKNOWN_REMEDY)
        resolution = _text(resolution, wording.EMPTY_RESOLUTION, MAX_NOTE_CHARS)
        await self._case(case_id, agent)
        outcome = await self._event(handoffs.resolve(
            self.queue, self.surveys, self.rasa, load_responses(), _known(case_id), agent.id,
            remedy, resolution, self.clock()))
        return {"case": self.views.case(outcome.case),
                "warning": None if outcome.told else wording.RESOLVED_NOT_TOLD}

    async def release(self, case_id: int, agent: Agent) -> View:
        """Hand the conversation back to the assistant: resume it, close the case, and have the
        assistant greet the customer back. {case, warning}: the warning says when the greeting
        could not be sent (the release stands; when the Rasa server is down before, nothing
        changes)."""
        await self._case(case_id, agent)
        outcome = await self._event(handoffs.release(self.queue, self.rasa, _known(case_id),
                                                     agent.id, self.clock()))
        return {"case": self.views.case(outcome.case),
                "warning": None if outcome.told else wording.GREETING_NOT_SENT}

    async def reassign(self, case_id: int, supervisor: Agent, to_agent_id: object) -> View:
        """Give the claimed case to the colleague `to_agent_id` (supervisors only: `Forbidden`
        for agents). {case}."""
        if not may(supervisor.role, REASSIGN):
            raise Forbidden(wording.SUPERVISORS_ONLY_REASSIGN)
        if isinstance(to_agent_id, str) and to_agent_id.strip().isdigit():
            to_agent_id = int(to_agent_id)
        if not isinstance(to_agent_id, int) or isinstance(to_agent_id, bool) or not is_row_id(to_agent_id):
            raise ConsoleError(wording.UNKNOWN_COLLEAGUE)
        await self._case(case_id, supervisor)
        try:
            case = await handoffs.reassign(self.queue, case_id, supervisor.id, supervisor.role,
                                           to_agent_id, self.clock())
        except Refused as refused:
            if refused.why == "not_supervisor":
                raise Forbidden(wording.SUPERVISORS_ONLY_REASSIGN) from None
            raise Conflict(_REASSIGN_REFUSALS[refused.why]) from None
        except CaseNotFound:
            raise NotFound(wording.CASE_NOT_FOUND) from None
        except CaseConflict:
            raise Conflict(wording.CASE_CHANGED) from None
        except LookupError:  # no such colleague, or one who left
            raise ConsoleError(wording.UNKNOWN_COLLEAGUE) from None
        return {"case": self.views.case(case)}

    # -- internals ---------------------------------------------------------------------------

    async def _case(self, case_id: int, agent: Agent) -> Case:
        """The case, if `agent` may see it: `NotFound`, or `Forbidden` for a designer, and for an
        agent and a case for supervisors (`bot.roles`)."""
        _require_cases(agent)
        case = await asyncio.to_thread(self.queue.get, _known(case_id))
        if case is None:
            raise NotFound(wording.CASE_NOT_FOUND)
        if not self.roles.may_see(agent.role, agent.id, case):
            raise Forbidden(wording.SUPERVISOR_CASE)
        return case

    @staticmethod
    async def _event(call: Awaitable[T], rasa_down: str = wording.RASA_DOWN) -> T:
        """Await an event of `bot.app.handoffs` (or a Rasa request), its refusals as the
        console's errors."""
        try:
            return await call
        except CaseNotFound:
            raise NotFound(wording.CASE_NOT_FOUND) from None
        except CaseConflict:
            raise Conflict(wording.CASE_CHANGED) from None
        except Refused as refused:
            raise Conflict(_REFUSALS[refused.why].format(name=refused.case.agent_name)) from None
        except Taken as taken:
            name = taken.case.agent_name
            raise Conflict(wording.TAKEN_BY.format(name=name) if name else wording.CASE_CHANGED) from None
        except RasaError as exc:
            logger.warning("Rasa server request failed: %s", exc)
            raise RasaUnavailable(rasa_down) from None
