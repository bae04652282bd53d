"""The persistent job worker: runs due jobs (no-agent apologies, surveys, follow-ups) from the
store's jobs table.

It runs inside the agent console's process, or alone with `python -m bot worker`; several
workers may share a database (see `bot.jobs`).
"""
from __future__ import annotations

import asyncio
import signal

from bot.handoff import load_handoff_settings
from bot.storage import ComplaintStore, HandoffQueue
from bot.job_handlers import build_worker
from bot.rasa_api import RasaApi
from bot.settings import Settings


async def run_worker(settings: Settings, store: ComplaintStore, stop: asyncio.Event) -> None:
    """Run the jobs due in `store` until `stop` is set."""
    rasa = RasaApi(settings.rasa_url, settings.rasa_token)
    try:
        queue = HandoffQueue(store, load_handoff_settings(settings.tz))
        await build_worker(queue, rasa).run_forever(stop=stop)
    finally:
        await rasa.close()


def run_until_signalled(settings: Settings, store: ComplaintStore) -> None:
    """Run the worker until SIGINT or SIGTERM."""
    async def until_signalled() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        print(f"Job worker running (Rasa server {settings.rasa_url}); Ctrl-C stops it.", flush=True)
        await run_worker(settings, store, stop)

    asyncio.run(until_signalled())
