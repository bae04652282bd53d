"""Jobs of the handoff: when nobody claims a case in time, the customer gets an apology and a
committed callback time, and the case is marked overdue; a notice the console could not deliver
(the Rasa server was down) is sent again until it arrives; a resolution the console could not
carry to the customer is told, and the conversation handed back, once the server is back."""
from __future__ import annotations

import asyncio

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Mapping, Optional, Protocol

from bot.app.customers import known_complaints
from bot.clock import utcnow
from bot.handoff import NO_AGENT_JOB, case_response
from bot.storage import Case, CaseStatus, ComplaintStore, HandoffQueue, Job, JobQueue, Outbox
from bot.jobs import Handler, PermanentFailure
from bot.labels import Labels
from bot.rasa_api import RasaApi
from bot.responses import Responses


class Messenger(Protocol):
    """What the agent's events and the hand-back need of the Rasa server (`RasaApi`); tests
    keep the requests instead."""

    async def send_text(self, conversation_id: str, text: str,
                        metadata: Optional[Mapping[str, Any]] = None) -> None: ...

    async def resume(self, conversation_id: str,
                     slots: Optional[Mapping[str, Any]] = None) -> None: ...

    async def trigger_intent(self, conversation_id: str, intent: str,
                             entities: Optional[Mapping[str, Any]] = None) -> Any: ...


@dataclass
class NoAgentApology:
    """Handler of `no_agent` jobs."""

    queue: HandoffQueue
    rasa: RasaApi
    responses: Responses
    labels: Labels
    outbox: Outbox
    clock: Callable[[], datetime] = utcnow

    async def __call__(self, job: Job) -> None:
        # The worker shares the console's event loop: database calls run in a thread.
        case = await asyncio.to_thread(self.queue.get, int(job.payload["case_id"]))
        if case is None:
            raise PermanentFailure(f"case {job.payload['case_id']} does not exist")
        if case.status != CaseStatus.WAITING.value:
            return  # an agent took it in time
        now = self.clock()
        callback = case.callback_due or self.queue.settings.callback_due(now, case.priority)
        local = callback.astimezone(self.queue.settings.hours.tz)
        text = self.responses.render(case_response("utter_no_agent_apology", case.complaint_id), case.script,
                                     callback_time=self.labels.format_datetime(local),
                                     complaint_id=case.complaint_id)
        # Promise first (so a retry promises the same time), then tell the customer.
        if await asyncio.to_thread(self.queue.mark_overdue, case.id, callback, now):
            key = job.message_key("apology")
            await self.outbox.send_once(key, lambda: self.rasa.send_text(
                case.conversation_id, text, {"kind": NO_AGENT_JOB, "idempotency_key": key}))


NOTICE_JOB = "customer_notice"
"""Job kind: a message to the customer that could not be sent at once (scheduled before
resolutions were handed back by `resolved_hand_back` jobs; still run when found)."""
NOTICE_ATTEMPTS = 12
"""With the worker's doubling backoff from 30 s, tries for about a day and a half."""


@dataclass
class CustomerNotice:
    """Handler of `customer_notice` jobs: a failure (Rasa down) is retried by the worker, and the
    notice goes out once (`bot.storage.Outbox`)."""

    rasa: RasaApi
    outbox: Outbox

    async def __call__(self, job: Job) -> None:
        payload, key = job.payload, job.message_key("notice")
        await self.outbox.send_once(key, lambda: self.rasa.send_text(
            payload["conversation_id"], payload["text"], {"kind": payload["kind"], "idempotency_key": key}))


RESOLVED_INTENT = "EXTERNAL_resolved"
"""Triggered once a resolved case hands the conversation back: the assistant closes warmly."""
HAND_BACK_JOB = "resolved_hand_back"
"""Job kind: a resolution the console could not carry to the customer (the Rasa server was down)."""


async def hand_back_resolved(rasa: Messenger, store: ComplaintStore, outbox: Outbox, case: Case,
                             notice: str) -> None:
    """Tell the customer how their resolved case was settled (`notice`), give the conversation
    back to the assistant with their complaints as they are now, and have it close warmly
    (`RESOLVED_INTENT`). Each message goes out once (`Outbox`), so after a failure (`RasaError`)
    doing it again does only what is left."""
    key = f"{HAND_BACK_JOB}:{case.id}"
    await outbox.send_once(f"{key}:notice", lambda: rasa.send_text(
        case.conversation_id, notice, {"kind": "status", "idempotency_key": f"{key}:notice"}))
    prior = await asyncio.to_thread(known_complaints, store, case.channel, case.sender_id)
    await rasa.resume(case.conversation_id, slots={"prior_complaints": prior})
    await outbox.send_once(f"{key}:closing", lambda: rasa.trigger_intent(case.conversation_id, RESOLVED_INTENT))


def schedule_hand_back(jobs: JobQueue, case_id: int, notice: str, now: datetime) -> None:
    """Carry a resolution to the customer from the job worker (`hand_back_resolved`), retried
    while the Rasa server is unreachable."""
    jobs.schedule(HAND_BACK_JOB, now, {"case_id": case_id, "notice": notice}, now,
                  key=f"{HAND_BACK_JOB}:{case_id}", max_attempts=NOTICE_ATTEMPTS)


@dataclass
class ResolvedHandBack:
    """Handler of `resolved_hand_back` jobs."""

    queue: HandoffQueue
    rasa: RasaApi
    outbox: Outbox

    async def __call__(self, job: Job) -> None:
        case = await asyncio.to_thread(self.queue.get, int(job.payload["case_id"]))
        if case is None:
            raise PermanentFailure(f"case {job.payload['case_id']} does not exist")
        await hand_back_resolved(self.rasa, self.queue.store, self.outbox, case, job.payload["notice"])


def handoff_job_handlers(queue: HandoffQueue, rasa: RasaApi, responses: Responses,
                         labels: Labels) -> dict[str, Handler]:
    """The job handlers the handoff needs, by job kind."""
    outbox = Outbox(queue.store)
    return {NO_AGENT_JOB: NoAgentApology(queue, rasa, responses, labels, outbox),
            NOTICE_JOB: CustomerNotice(rasa, outbox),
            HAND_BACK_JOB: ResolvedHandBack(queue, rasa, outbox)}
