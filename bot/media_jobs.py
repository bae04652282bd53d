"""Downloading the photos and voice messages customers send on a platform into the file store
(`bot.files`), as jobs (`bot.jobs`): the webhook answers at once, the file follows.

Each channel that keeps a platform's media id runs a worker of its own for its kind of job
(`fetch_kind`), with its download call (the platform's API is the channel's business). A download
is tried `MAX_ATTEMPTS` times with the worker's backoff; when the platform says the file is gone
(`MediaGone`, e.g. WeChat deletes media after 3 days) or the store refuses it (too large, not a
photo or a voice message), it is not tried again. Given up, the evidence keeps its media id and
says why (`Evidence.fetch_error`), which the case page shows.
"""
from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Awaitable, Callable, Dict

from bot.files import FileStore, Refused
from bot.jobs import Handler, PermanentFailure
from bot.storage import Evidence, EvidenceStore, Job, JobQueue

#: The kinds of evidence whose file is downloaded and shown on the case page.
FETCHED_KINDS = ("image", "voice", "audio")
MAX_ATTEMPTS = 4
Download = Callable[[str], Awaitable[bytes]]
"""The platform's bytes for a media id."""


class MediaGone(Exception):
    """The platform will never give this file (expired, unknown, too large to download)."""


def fetch_kind(channel: str) -> str:
    """The kind of the download jobs of `channel`."""
    return f"fetch_media:{channel}"


def wants_file(evidence: Evidence) -> bool:
    """Whether `evidence` is a photo or voice message still to be downloaded."""
    return evidence.kind in FETCHED_KINDS and evidence.file is None and bool(evidence.media_id)


def schedule_fetch(jobs: JobQueue, evidence: Evidence, now: datetime) -> None:
    """Download the file of `evidence` as soon as a worker of its channel is free."""
    jobs.schedule(fetch_kind(evidence.channel), now, {"evidence_id": evidence.id}, now,
                  key=f"fetch_media:{evidence.id}", max_attempts=MAX_ATTEMPTS)


def media_job_handlers(channel: str, download: Download, customers: EvidenceStore,
                       files: FileStore) -> Dict[str, Handler]:
    """The handler of `channel`'s download jobs."""
    async def fetch(job: Job) -> None:
        evidence = await asyncio.to_thread(customers.get, int(job.payload["evidence_id"]))
        if evidence is None or not wants_file(evidence):
            return
        try:
            data = await download(str(evidence.media_id))
            kept = await asyncio.to_thread(files.put, data)
        except (MediaGone, Refused) as exc:
            await asyncio.to_thread(customers.fetch_failed, evidence.id, str(exc))
            raise PermanentFailure(str(exc)) from exc
        except Exception as exc:
            if job.attempts >= job.max_attempts:
                await asyncio.to_thread(customers.fetch_failed, evidence.id, f"{type(exc).__name__}: {exc}")
            raise
        await asyncio.to_thread(customers.stored, evidence.id, kept)

    return {fetch_kind(channel): fetch}
