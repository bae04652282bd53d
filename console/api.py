"""The console's JSON API under /agent/api/ (README: "Agent console and API").

The pages use it with their session cookie and CSRF header; other clients log in with
`POST /agent/api/login` and send `Authorization: Bearer <token>`. Errors are {"error": "..."}.
"""
from __future__ import annotations

from dataclasses import asdict
from typing import Any, Dict

from sanic import Blueprint
from sanic.exceptions import InvalidUsage
from sanic.request import Request
from sanic.response import HTTPResponse, json

from console import wording
from console.auth import log_in, log_out, login_required
from console.desk import AgentDesk
from console.errors import ConsoleError, LoginRequired
from console.inbox import InboxDesk
from console.pages import requested_report
from console.views import iso
from console.report_output import figures

api = Blueprint("agent_api", url_prefix="/agent/api")


def _desk(request: Request) -> AgentDesk:
    return request.app.ctx.desk


def _inbox(request: Request) -> InboxDesk:
    return request.app.ctx.inbox


def _body(request: Request) -> Dict[str, Any]:
    """The request's JSON object ({} when there is no body)."""
    try:
        body = request.json if request.body else {}
    except InvalidUsage:
        body = None
    if not isinstance(body, dict):
        raise ConsoleError(wording.BAD_REQUEST)
    return body


@api.post("/login")
async def login(request: Request) -> HTTPResponse:
    """{username, password} -> {token, expires_at, name}; 401 for wrong credentials."""
    body = _body(request)
    started = await log_in(request, body.get("username"), body.get("password"))
    if started is None:
        raise LoginRequired(wording.LOGIN_FAILED)
    token, session = started
    return json({"token": token, "expires_at": iso(session.expires_at),
                 "name": session.agent.display_name})


@api.post("/logout")
@login_required
async def logout(request: Request) -> HTTPResponse:
    await log_out(request, request.ctx.login)
    return json({"ok": True})


@api.get("/queue")
@login_required
async def queue(request: Request) -> HTTPResponse:
    return json(await _desk(request).open_cases(request.ctx.login.agent))


@api.get("/cases/<case_id:int>")
@login_required
async def case(request: Request, case_id: int) -> HTTPResponse:
    return json(await _desk(request).case(case_id, request.ctx.login.agent))


@api.get("/cases/<case_id:int>/transcript")
@login_required
async def transcript(request: Request, case_id: int) -> HTTPResponse:
    return json(await _desk(request).transcript(case_id, request.ctx.login.agent))


@api.post("/cases/<case_id:int>/claim")
@login_required
async def claim(request: Request, case_id: int) -> HTTPResponse:
    return json({"case": await _desk(request).claim(case_id, request.ctx.login.agent)})


@api.post("/cases/<case_id:int>/reply")
@login_required
async def reply(request: Request, case_id: int) -> HTTPResponse:
    text = _body(request).get("text")
    return json(await _desk(request).reply(case_id, request.ctx.login.agent, text))


@api.post("/cases/<case_id:int>/notes")
@login_required
async def add_note(request: Request, case_id: int) -> HTTPResponse:
    text = _body(request).get("text")
    return json({"note": await _desk(request).add_note(case_id, request.ctx.login.agent, text)})


@api.post("/cases/<case_id:int>/refund")
@login_required
async def refund_issued(request: Request, case_id: int) -> HTTPResponse:
    """{amount?} (yuan): the customer is told the refund is on its way."""
    amount = _body(request).get("amount")
    return json(await _desk(request).refund_issued(case_id, request.ctx.login.agent, amount))


@api.post("/cases/<case_id:int>/resolve")
@login_required
async def resolve(request: Request, case_id: int) -> HTTPResponse:
    body = _body(request)
    return json(await _desk(request).resolve(case_id, request.ctx.login.agent,
                                             body.get("remedy"), body.get("resolution")))


@api.post("/cases/<case_id:int>/release")
@login_required
async def release(request: Request, case_id: int) -> HTTPResponse:
    return json(await _desk(request).release(case_id, request.ctx.login.agent))


@api.post("/cases/<case_id:int>/reassign")
@login_required
async def reassign(request: Request, case_id: int) -> HTTPResponse:
    """{agent_id}: a supervisor gives the claimed case to that colleague (403 for agents)."""
    to_agent_id = _body(request).get("agent_id")
    return json(await _desk(request).reassign(case_id, request.ctx.login.agent, to_agent_id))


@api.post("/cases/<case_id:int>/flag")
@login_required
async def flag(request: Request, case_id: int) -> HTTPResponse:
    """{message_id}: the assistant misunderstood this customer message; it goes into the
    designers' inbox. {item_id}."""
    agent = request.ctx.login.agent
    conversation_id, tracker = await _desk(request).conversation(case_id, agent)
    return json(await _inbox(request).flag(conversation_id, tracker.get("events") or [],
                                           _body(request).get("message_id"), agent))


@api.get("/inbox")
@login_required
async def inbox(request: Request) -> HTTPResponse:
    """The designers' inbox (403 for agents and supervisors): see `console.inbox.InboxDesk.groups`."""
    return json(await _inbox(request).groups(request.ctx.login.agent))


@api.post("/inbox/<item_id:int>/label")
@login_required
async def label(request: Request, item_id: int) -> HTTPResponse:
    """{intent, text?, entities?: [{text, entity, value?}]} -> {example: {file, intent, text}};
    409 with the existing example for a duplicate."""
    return json(await _inbox(request).label(item_id, request.ctx.login.agent, _body(request)))


@api.post("/tone")
@login_required
async def tone(request: Request) -> HTTPResponse:
    """{text} -> {forbidden}: the 忌语 a draft reply contains, to warn while typing."""
    text = _body(request).get("text")
    return json({"forbidden": _desk(request).forbidden(text if isinstance(text, str) else "")})


@api.get("/reports")
@login_required
async def reports(request: Request) -> HTTPResponse:
    """?since=90d&until=… -> {since, until, figures: [{section, key, label, value}]} (the CSV's rows)."""
    report = await requested_report(request)
    return json({"since": iso(report.since), "until": iso(report.until),
                 "figures": [asdict(figure) for figure in figures(report)]})
