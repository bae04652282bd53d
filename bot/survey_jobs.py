"""Jobs of the surveys: send a satisfaction check or a follow-up on the customer's own channel,
by triggering the assistant's intent for it (the assistant asks, with buttons where the channel
has them, and hears the answer)."""
from __future__ import annotations

import asyncio

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Dict

from bot.clock import utcnow
from bot.storage import EvidenceStore, Job, Outbox, SurveyKind, SurveyStatus
from bot.jobs import Handler, PermanentFailure, RetryLater
from bot.complaints import Status
from bot.rasa_api import RasaApi
from bot.surveys import JOB_KINDS, Surveys

#: The intent the assistant is triggered with, per survey kind (rules in data/rules.yml).
SURVEY_INTENTS = {SurveyKind.SATISFACTION.value: "EXTERNAL_satisfaction_survey",
                  SurveyKind.FOLLOW_UP.value: "EXTERNAL_follow_up"}


#: How long to wait while an agent is talking with the customer, and how often: a day at most.
#: An agent's resolution hands the conversation back, so a conversation paused that long was
#: never handed back; the survey then gives up (undeliverable) rather than wait forever.
AGENT_TALKING_RETRY = timedelta(minutes=30)
AGENT_TALKING_LIMIT = 48


@dataclass
class SendSurvey:
    """Handler of `survey_satisfaction` and `survey_follow_up` jobs."""

    surveys: Surveys
    rasa: RasaApi
    kind: str
    outbox: Outbox
    clock: Callable[[], datetime] = utcnow

    async def __call__(self, job: Job) -> None:
        # The worker shares the console's event loop: database calls run in a thread.
        complaint_id = job.payload["complaint_id"]
        survey = await asyncio.to_thread(self.surveys.get, complaint_id, self.kind)
        if survey is None or survey.status != SurveyStatus.SCHEDULED.value:
            return  # sent, answered or given up already: never twice
        complaint = await asyncio.to_thread(self.surveys.store.get, complaint_id)
        if complaint is None:
            raise PermanentFailure(f"complaint {complaint_id} does not exist")
        if self.kind == SurveyKind.FOLLOW_UP.value and complaint.status not in (
                Status.RESOLVED.value, Status.CLOSED.value):
            await asyncio.to_thread(self.surveys.mark_undeliverable, complaint_id, self.kind)
            return  # reopened meanwhile: a person is on it, no follow-up now
        customers = EvidenceStore(self.surveys.store)
        if await asyncio.to_thread(customers.is_unreachable, complaint.channel, complaint.sender_id):
            await asyncio.to_thread(self.surveys.mark_undeliverable, complaint_id, self.kind)
            raise PermanentFailure(f"customer of {complaint_id} cannot be reached on {complaint.channel}")
        tracker = await self.rasa.tracker(complaint.conversation_id)
        if tracker.get("paused"):
            if job.postponed >= AGENT_TALKING_LIMIT:
                await asyncio.to_thread(self.surveys.mark_undeliverable, complaint_id, self.kind)
                raise PermanentFailure(f"{complaint_id}: the conversation stayed with an agent for "
                                       f"{job.postponed} postponements")
            raise RetryLater(f"{complaint_id}: an agent has the conversation", AGENT_TALKING_RETRY,
                             AGENT_TALKING_LIMIT)
        # Sent by a run of this job before that died before recording it: not sent again.
        await self.outbox.send_once(job.message_key(self.kind), lambda: self.rasa.trigger_intent(
            complaint.conversation_id, SURVEY_INTENTS[self.kind], {"complaint_id": complaint_id}))
        # The channel swallows a refused push (a failed push never fails the Rasa request) but
        # marks the customer unreachable (WeChat's 48 hours, a blocked Telegram bot): then the
        # survey never reached them, and waiting for an answer would be wrong.
        if await asyncio.to_thread(customers.is_unreachable, complaint.channel, complaint.sender_id):
            await asyncio.to_thread(self.surveys.mark_undeliverable, complaint_id, self.kind)
            raise PermanentFailure(f"the {self.kind} survey of {complaint_id} was refused by "
                                   f"{complaint.channel}: customer unreachable")
        await asyncio.to_thread(self.surveys.mark_sent, complaint_id, self.kind, self.clock())


def survey_job_handlers(surveys: Surveys, rasa: RasaApi) -> Dict[str, Handler]:
    """The job handlers of the surveys, by job kind."""
    outbox = Outbox(surveys.store)
    return {JOB_KINDS[kind]: SendSurvey(surveys, rasa, kind, outbox) for kind in SURVEY_INTENTS}
