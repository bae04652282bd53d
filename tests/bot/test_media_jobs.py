"""Downloads of customers' photos run as jobs: the file lands in the store and on the evidence;
a platform that keeps failing is tried a bounded number of times, and what could not be had stays
as evidence with its media id and the reason (SQLite and PostgreSQL)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import List

from bot.files import Directory, FileStore
from bot.jobs import Worker
from bot.media_jobs import MAX_ATTEMPTS, MediaGone, fetch_kind, media_job_handlers, schedule_fetch
from bot.storage import ComplaintStore, EvidenceStore, JobQueue
from tests.auxil.media import PHOTO

T0 = datetime(2026, 12, 5, 2, 0, tzinfo=timezone.utc)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


class Platform:
    """A platform's media API: fails `failures` times, then gives `data` (or says it is gone)."""

    def __init__(self, data: bytes = PHOTO, failures: int = 0, gone: bool = False) -> None:
        self.data, self.failures, self.gone = data, failures, gone
        self.asked: List[str] = []

    async def download(self, media_id: str) -> bytes:
        self.asked.append(media_id)
        if self.gone:
            raise MediaGone("WeChat error 40007: invalid media_id")
        if len(self.asked) <= self.failures:
            raise ConnectionError("connection reset")
        return self.data


async def _run(store: ComplaintStore, tmp_path: Path, platform: Platform, kind: str = "image"):
    customers, jobs, clock = EvidenceStore(store), JobQueue(store), Clock()
    files = FileStore(Directory(tmp_path))
    kept = customers.attach("wechat", "wechat:o1", kind, T0, media_id="m-1")
    schedule_fetch(jobs, kept, T0)
    worker = Worker(jobs, media_job_handlers("wechat", platform.download, customers, files), "w",
                    backoff=timedelta(seconds=30), clock=clock)
    for _ in range(MAX_ATTEMPTS + 2):
        await worker.run_once()
        clock.now += timedelta(hours=1)
    return customers.get(kept.id), files, jobs.get_by_key(f"fetch_media:{kept.id}")


async def test_a_photo_is_downloaded_after_a_failure(store: ComplaintStore, tmp_path: Path):
    platform = Platform(failures=1)
    kept, files, job = await _run(store, tmp_path, platform)
    assert files.get(kept.file.key) == PHOTO and kept.file.content_type == "image/jpeg"
    assert (job.kind, job.status, kept.fetch_error) == (fetch_kind("wechat"), "done", None)


async def test_a_platform_that_keeps_failing_is_tried_a_bounded_number_of_times(store, tmp_path: Path):
    platform = Platform(failures=100)
    kept, _, job = await _run(store, tmp_path, platform)
    assert len(platform.asked) == MAX_ATTEMPTS and job.status == "failed"
    assert kept.file is None and kept.media_id == "m-1" and "connection reset" in kept.fetch_error


async def test_media_the_platform_no_longer_has_is_not_asked_for_again(store, tmp_path: Path):
    platform = Platform(gone=True)
    kept, _, _ = await _run(store, tmp_path, platform)
    assert platform.asked == ["m-1"] and kept.fetch_error == "WeChat error 40007: invalid media_id"


async def test_a_file_that_is_no_photo_is_refused_and_not_asked_for_again(store, tmp_path: Path):
    platform = Platform(data=b"<html><script>alert(1)</script></html>")
    kept, _, _ = await _run(store, tmp_path, platform)
    assert platform.asked == ["m-1"] and kept.file is None and "not a kept type" in kept.fetch_error


async def test_locations_and_links_have_nothing_to_download(store, tmp_path: Path):
    platform = Platform()
    kept, _, _ = await _run(store, tmp_path, platform, kind="location")
    assert platform.asked == [] and kept.file is None
