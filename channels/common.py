"""What every channel does the same way, whatever the platform: say a domain response, keep the
evidence a customer sends (and download its photo or voice message), keep a message nobody
answered or nobody could read."""
from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any, Dict, Optional, Tuple

from rasa.core.agent import Agent
from rasa.core.channels.channel import OutputChannel
from rasa.shared.core.trackers import DialogueStateTracker

from bot.clock import utcnow
from bot.files import FileStore, file_store_from_settings
from bot.job_handlers import load_lease
from bot.jobs import Worker, default_worker_id
from bot.media_jobs import Download, media_job_handlers, schedule_fetch, wants_file
from bot.settings import Settings
from bot.storage import Evidence, EvidenceStore, JobQueue, shared_store
from channels.instructions import KeepEvidence

logger = logging.getLogger(__name__)

EVIDENCE_ATTACHED = "utter_evidence_attached"
EVIDENCE_KEPT = "utter_evidence_kept"
SYSTEM_TROUBLE = "utter_system_trouble"


async def say(agent: Agent, output: OutputChannel, sender: str, response: str,
              tracker: Optional[DialogueStateTracker] = None, **values: Any) -> None:
    """Render a domain response in the customer's script (from their conversation, or `tracker`)
    and send it to `sender` through `output`."""
    if tracker is None:
        tracker = await agent.processor.get_tracker(sender)
    rendered = await agent.nlg.generate(response, tracker, output.name(), **values)
    if not rendered:
        logger.warning("%s: domain.yml has no response %s: nothing said", output.name(), response)
        return
    await output.send_response(sender, rendered)


class MediaDownloads:
    """A channel's downloads of the photos and voice messages customers send (`bot.media_jobs`):
    a job per file, run by a worker of the channel's own in the server's process, started with
    the server (or by the first file, whichever comes first)."""

    def __init__(self, channel: str, download: Download, customers: EvidenceStore,
                 files: Optional[FileStore] = None, backoff: timedelta = timedelta(seconds=30)) -> None:
        self.jobs = JobQueue(customers.store)
        self.files = files or file_store_from_settings(Settings.load())
        self.worker = Worker(self.jobs, media_job_handlers(channel, download, customers, self.files),
                             f"{default_worker_id()}:{channel}"[:64], backoff=backoff, lease=load_lease())
        self._running: Optional["asyncio.Task[None]"] = None

    def start(self) -> None:
        """Run the worker from now on (once per process; call it inside the server's loop)."""
        if self._running is None:
            self._running = asyncio.ensure_future(self.worker.run_forever())

    async def schedule(self, kept: Evidence) -> None:
        """Download the file of `kept` in the background, if it has one to download."""
        if wants_file(kept):
            await asyncio.to_thread(schedule_fetch, self.jobs, kept, utcnow())
            self.start()


async def keep_evidence(customers: EvidenceStore, channel: str, sender: str, evidence: KeepEvidence,
                        downloads: MediaDownloads) -> Tuple[str, Dict[str, Any]]:
    """Keep `evidence` with the sender's open complaint (else for their next one), its file
    downloaded by `downloads`; the response that tells them which, with its values."""
    kept = await asyncio.to_thread(customers.attach, channel, sender, evidence.kind, utcnow(),
                                   evidence.media_id, evidence.url, evidence.details)
    await downloads.schedule(kept)
    return evidence_response(kept)


def evidence_response(kept: Evidence) -> Tuple[str, Dict[str, Any]]:
    """The response that tells the customer where `kept` went (their complaint, or kept for the
    next one), with its values."""
    if kept.complaint_id:
        return EVIDENCE_ATTACHED, {"complaint_id": kept.complaint_id}
    return EVIDENCE_KEPT, {}


async def keep_unanswered(channel: str, sender_id: str, text: str, reason: str) -> None:
    """Keep a message nobody answered in the store's unanswered messages, for a colleague; when
    the store fails too, the log keeps it (masked, as every log line)."""
    try:
        await asyncio.to_thread(shared_store().record_unanswered, channel, sender_id, text, reason, utcnow())
    except Exception:
        logger.exception("%s: a message from %s (%s) could not be kept; it was: %r",
                         channel, sender_id, reason, text[:2000])


async def keep_malformed(channel: str, sender_id: str, body: str, problem: Exception) -> None:
    """Log (masked) and keep a body the channel could not read (answered 400), for a colleague."""
    logger.warning("%s: unreadable body from %s (400, kept in unanswered messages): %s; body starts %r",
                   channel, sender_id, problem, body[:200])
    await keep_unanswered(channel, sender_id, body, "malformed")
