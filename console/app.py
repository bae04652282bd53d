"""The agent console's Sanic app: pages, JSON API, error pages, and the job worker alongside."""
from __future__ import annotations

import asyncio
import logging
from functools import partial
from json import dumps as json_dumps
from datetime import timedelta
from typing import Optional, Tuple

from sanic import Sanic
from sanic.exceptions import NotFound as RouteNotFound
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse, json, redirect

from bot.inbox import load_inbox_settings
from bot.storage import (
    AgentAccounts, ComplaintStore, HandoffQueue, InboxStore, JobQueue, TrackerConversations, tracker_engine,
)
from console import wording
from console.api import api
from console.desk import AgentDesk
from console.inbox import InboxDesk
from console.throttle import LoginThrottle, load_throttle_limits
from console.errors import ConsoleError, LoginRequired
from console.pages import error_page, login_url, pages
from console.views import Views
from bot.files import file_store_from_settings
from bot.handoff import load_handoff_settings
from bot.labels import load_labels
from bot.policies import load_policies
from bot.rasa_api import RasaApi
from bot.settings import Settings
from bot.surveys import Surveys, load_survey_settings
from bot.job_handlers import build_worker

logger = logging.getLogger(__name__)
API_PREFIX = "/agent/api/"
RASA_TIMEOUT_S = 10.0
#: Headers of every response.
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
                    "X-Frame-Options": "DENY"}


def create_console_app(settings: Settings, store: ComplaintStore, run_worker: bool = True,
                       name: str = "agent_console") -> Sanic:
    """The console on `store`, talking to the Rasa server of `settings`; with `run_worker`, the
    job worker runs in the same process from server start until shutdown."""
    app = Sanic(name, configure_logging=False,
                dumps=partial(json_dumps, ensure_ascii=False, separators=(",", ":")))
    queue = HandoffQueue(store, load_handoff_settings(settings.tz))
    app.ctx.accounts = AgentAccounts(store, timedelta(hours=settings.agent_session_hours))
    app.ctx.login_throttle = LoginThrottle(store, load_throttle_limits())
    app.ctx.trusted_proxies = settings.console_trusted_proxies
    # for the reports
    app.ctx.store, app.ctx.tz, app.ctx.resolution_target = store, settings.tz, load_policies().resolution
    app.blueprint(pages)
    app.blueprint(api)

    @app.before_server_start
    async def connect(app: Sanic, _loop: asyncio.AbstractEventLoop) -> None:
        app.ctx.rasa = RasaApi(settings.rasa_url, settings.rasa_token, timeout=RASA_TIMEOUT_S)
        surveys = Surveys(store, JobQueue(store), load_survey_settings())
        views = Views(load_labels(), settings.tz)
        app.ctx.desk = AgentDesk(queue, app.ctx.rasa, views, surveys, file_store_from_settings(settings))
        tracker = TrackerConversations(tracker_engine(settings.tracker_database_url))
        app.ctx.inbox = InboxDesk(InboxStore(store), tracker, load_inbox_settings(), settings.nlu_data_dir, views.local)
        app.ctx.stop_worker = asyncio.Event()
        app.ctx.worker = None

    @app.after_server_start
    async def start_worker(app: Sanic, _loop: asyncio.AbstractEventLoop) -> None:
        if run_worker:
            app.ctx.worker = asyncio.create_task(
                build_worker(queue, app.ctx.rasa).run_forever(stop=app.ctx.stop_worker))

    @app.before_server_stop
    async def stop_worker(app: Sanic, _loop: asyncio.AbstractEventLoop) -> None:
        app.ctx.stop_worker.set()
        if app.ctx.worker is not None:
            await app.ctx.worker

    @app.after_server_stop
    async def disconnect(app: Sanic, _loop: asyncio.AbstractEventLoop) -> None:
        await app.ctx.rasa.close()
        app.ctx.inbox.tracker.close()

    @app.on_response
    async def secure(_: Request, response: HTTPResponse) -> None:
        for header, value in SECURITY_HEADERS.items():
            response.headers.setdefault(header, value)

    app.error_handler.add(Exception, render_error)
    return app


def render_error(request: Request, exc: Exception) -> HTTPResponse:
    """Errors as {"error": …} under /agent/api/, as a page (or the login page) elsewhere; never
    a traceback."""
    status, message = _status_and_message(exc)
    if request.path.startswith(API_PREFIX):
        return json({"error": message}, status=status, headers={"Cache-Control": "no-store"})
    if isinstance(exc, LoginRequired):
        return redirect(login_url(request.path))
    return error_page(message, status)


def _status_and_message(exc: Exception) -> Tuple[int, str]:
    if isinstance(exc, ConsoleError):
        return exc.status, exc.message
    if isinstance(exc, RouteNotFound):
        return 404, wording.PAGE_NOT_FOUND
    status: Optional[int] = getattr(exc, "status_code", None) if isinstance(exc, SanicException) else None
    if status and status < 500:
        return status, wording.BAD_REQUEST
    logger.exception("console request failed", exc_info=exc)
    return 500, wording.SERVER_ERROR
