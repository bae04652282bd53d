"""Jobs of the handoff: when nobody claims a case in time, the customer gets an apology and a
committed callback time, and the case is marked overdue; a notice the console could not deliver
(the Rasa server was down) is sent again until it arrives."""
from __future__ import annotations

import asyncio

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from bot.clock import utcnow
from bot.handoff import NO_AGENT_JOB
from bot.storage import CaseStatus, HandoffQueue, Job, JobQueue, Outbox
from bot.jobs import Handler, PermanentFailure
from bot.labels import Labels
from bot.rasa_api import RasaApi
from bot.responses import Responses


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
        text = self.responses.render("utter_no_agent_apology", case.complaint.script,
                                     callback_time=self.labels.format_datetime(local),
                                     complaint_id=case.complaint.public_id)
        # Promise first (so a retry promises the same time), then tell the customer.
        if await asyncio.to_thread(self.queue.mark_overdue, case.id, callback, now):
            key = job.message_key("apology")
            await self.outbox.send_once(key, lambda: self.rasa.send_text(
                case.conversation_id, text, {"kind": NO_AGENT_JOB, "idempotency_key": key}))


NOTICE_JOB = "customer_notice"
"""Job kind: a message to the customer that could not be sent at once."""
NOTICE_ATTEMPTS = 12
"""With the worker's doubling backoff from 30 s, tries for about a day and a half."""


def schedule_notice(jobs: JobQueue, conversation_id: str, text: str, kind: str, key: str,
                    now: datetime) -> None:
    """Send `text` (bot metadata `kind`) to the customer's channel from the job worker, retried
    while the Rasa server is unreachable; `key` makes scheduling it twice harmless."""
    jobs.schedule(NOTICE_JOB, now, {"conversation_id": conversation_id, "text": text, "kind": kind},
                  now, key=f"{NOTICE_JOB}:{key}", max_attempts=NOTICE_ATTEMPTS)


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


def handoff_job_handlers(queue: HandoffQueue, rasa: RasaApi, responses: Responses,
                         labels: Labels) -> dict[str, Handler]:
    """The job handlers the handoff needs, by job kind."""
    outbox = Outbox(queue.store)
    return {NO_AGENT_JOB: NoAgentApology(queue, rasa, responses, labels, outbox),
            NOTICE_JOB: CustomerNotice(rasa, outbox)}
