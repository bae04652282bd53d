"""The console's pages: login, the queue, a case, the reports with their CSV and chart, and the
designers' inbox. Pages
are small HTML shells filled from templates/ (every value HTML-escaped); their scripts in static/
read the JSON API and put what customers wrote into the page as text only (textContent), never as
HTML."""
from __future__ import annotations

import asyncio
import html
import re
from pathlib import Path
from typing import Dict, Mapping, Optional
from urllib.parse import urlencode

from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse, file, raw, redirect
from sanic.response import html as html_response

from bot.clock import utcnow
from console import wording
from bot.roles import CASES, INBOX, REPORTS, may
from console.auth import (
    CSRF_FIELD, clear_session_cookie, current_login, log_in, log_out, login_required,
    require_permission, set_session_cookie,
)
from console.errors import ConsoleError, TooManyAttempts
from console.report_output import chart_png, csv_report, html_report, window_text
from bot.reports import Report, build_report, parse_moment

pages = Blueprint("agent_pages", url_prefix="/agent")

TEMPLATES = Path(__file__).with_name("templates")
STATIC = Path(__file__).with_name("static")
#: Files served from /agent/static/<name>, with their content types.
STATIC_FILES = {
    "console.css": "text/css; charset=utf-8",
    "common.js": "text/javascript; charset=utf-8",
    "queue.js": "text/javascript; charset=utf-8",
    "case.js": "text/javascript; charset=utf-8",
    "inbox.js": "text/javascript; charset=utf-8",
}
LOGIN_PATH = "/agent/login"
HOME_PATH = "/agent"
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
_RETURN_TO = re.compile(r"/agent(/cases/\d+|/reports|/inbox)?")
INBOX_PATH = "/agent/inbox"
#: The top bar's links: (permission, path, text).
NAV_LINKS = ((CASES, HOME_PATH, "待处理案件"), (REPORTS, "/agent/reports", "统计报表"),
             (INBOX, INBOX_PATH, "待标注消息"))
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "Cache-Control": "no-store",
}
#: The windows the reports page offers (`since`), and the default.
REPORT_WINDOWS = {"7d": "最近 7 天", "30d": "最近 30 天", "90d": "最近 90 天", "365d": "最近一年"}
DEFAULT_REPORT_WINDOW = "90d"


class Markup(str):
    """Text that is HTML already (a rendered template): inserted as it is."""


def render(template: str, **values: object) -> Markup:
    """templates/`template` with each {{name}} replaced by its value, HTML-escaped unless Markup."""
    def fill(match: re.Match) -> str:
        value = values[match.group(1)]
        return value if isinstance(value, Markup) else html.escape(str(value), quote=True)

    return Markup(_PLACEHOLDER.sub(fill, (TEMPLATES / template).read_text(encoding="utf-8")))


def page(body: Markup, status: int = 200) -> HTTPResponse:
    """An HTML response with the console's security headers."""
    return html_response(body, status=status, headers=PAGE_HEADERS)


def login_url(return_to: Optional[str] = None) -> str:
    """The login page, coming back to `return_to` (a console page) afterwards."""
    return f"{LOGIN_PATH}?{urlencode({'next': return_to})}" if return_to else LOGIN_PATH


def error_page(message: str, status: int) -> HTTPResponse:
    """A page that says what went wrong, with a way back to the queue."""
    return page(render("error.html", message=message), status=status)


def _return_to(value: Optional[str]) -> str:
    return value if value and _RETURN_TO.fullmatch(value) else HOME_PATH


def _login_page(return_to: str, username: str = "", error: str = "", notice: str = "",
                status: int = 200) -> HTTPResponse:
    return page(render("login.html", next=return_to, username=username, error=error, notice=notice,
                       error_hidden="" if error else "hidden", notice_hidden="" if notice else "hidden"),
                status=status)


@pages.get("/login")
async def login_form(request: Request) -> HTTPResponse:
    return_to = _return_to(request.args.get("next"))
    if await current_login(request):
        return redirect(return_to)
    return _login_page(return_to, notice=wording.LOGGED_OUT if request.args.get("out") else "")


@pages.post("/login")
async def login(request: Request) -> HTTPResponse:
    """Log in from the form; the same polite message for an unknown name and a wrong password."""
    form: Mapping[str, str] = {key: request.form.get(key) or "" for key in ("username", "password", "next")}
    return_to = _return_to(form["next"])
    if not form["username"].strip() or not form["password"]:
        return _login_page(return_to, form["username"], wording.LOGIN_INCOMPLETE, status=400)
    try:
        started = await log_in(request, form["username"], form["password"])
    except TooManyAttempts as refused:
        return _login_page(return_to, form["username"], refused.message, status=refused.status)
    if started is None:
        return _login_page(return_to, form["username"], wording.LOGIN_FAILED, status=401)
    response = redirect(return_to)
    set_session_cookie(request, response, *started)
    return response


@pages.post("/logout")
@login_required
async def logout(request: Request) -> HTTPResponse:
    await log_out(request, request.ctx.login)
    response = redirect(f"{LOGIN_PATH}?out=1")
    clear_session_cookie(request, response)
    return response


def _shell(request: Request, title: str, body: Markup, **data: object) -> HTTPResponse:
    """`body` in the console's layout; `data["page"]` names the page, whose own script is
    static/<page>.js if there is one."""
    session = request.ctx.login.session
    script = f"{data['page']}.js"
    script_tag = Markup(f'<script src="/agent/static/{script}" defer></script>'
                        if script in STATIC_FILES else "")
    agent = session.agent
    links = Markup("".join(f'<a class="topbar__link" href="{path}">{html.escape(text)}</a>'
                           for permission, path, text in NAV_LINKS if may(agent.role, permission)))
    return page(render("layout.html", title=title, body=body, agent_name=agent.display_name,
                       role=agent.role, role_label=wording.ROLES.get(agent.role, agent.role),
                       links=links, csrf_field=CSRF_FIELD, csrf_token=session.csrf_token,
                       script=script_tag, **data))


@pages.get("/", strict_slashes=False)
@login_required
async def queue_page(request: Request) -> HTTPResponse:
    """The queue; a designer, who works no cases, goes to the inbox."""
    if not may(request.ctx.login.agent.role, CASES):
        return redirect(INBOX_PATH)
    return _shell(request, "待处理案件", render("queue.html"), page="queue", case_id="")


@pages.get("/cases/<case_id:int>")
@login_required
async def case_page(request: Request, case_id: int) -> HTTPResponse:
    require_permission(request.ctx.login, CASES, wording.DESIGNERS_NO_CASES)
    return _shell(request, f"案件 #{case_id}", render("case.html"), page="case", case_id=case_id)


@pages.get("/inbox")
@login_required
async def inbox_page(request: Request) -> HTTPResponse:
    """The designers' inbox (403 for agents and supervisors)."""
    require_permission(request.ctx.login, INBOX, wording.INBOX_DESIGNERS_ONLY)
    return _shell(request, "待标注消息", render("inbox.html"), page="inbox", case_id="")
#: Headers of a customer's file: never run as a page, whatever it holds.
FILE_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=3600",
                "Content-Security-Policy": "default-src 'none'; sandbox"}


@pages.get("/cases/<case_id:int>/evidence/<evidence_id:int>")
@login_required
async def evidence_file(request: Request, case_id: int, evidence_id: int) -> HTTPResponse:
    """A photo or voice message the customer sent, for an agent who may see the case: shown in
    the page (inline) only as the image or audio its bytes are, downloaded otherwise."""
    data, content_type = await request.app.ctx.desk.evidence_file(case_id, evidence_id, request.ctx.login.agent)
    playable = content_type.startswith(("image/", "audio/"))
    if not playable:
        content_type = "application/octet-stream"
    disposition = "inline" if playable else "attachment"
    return raw(data, content_type=content_type,
               headers={**FILE_HEADERS, "Content-Disposition": f'{disposition}; filename="evidence-{evidence_id}"'})


@pages.get("/static/<filename>")
async def static(_: Request, filename: str) -> HTTPResponse:
    """One of the console's own files (STATIC_FILES); 404 for anything else."""
    if filename not in STATIC_FILES:
        return error_page(wording.PAGE_NOT_FOUND, 404)
    return await file(STATIC / filename, mime_type=STATIC_FILES[filename],
                      headers={"Cache-Control": "no-cache"})


def _report_window(request: Request) -> Dict[str, str]:
    """The request's `since` (default 90d) and `until` (if given), as sent."""
    window = {"since": request.args.get("since") or DEFAULT_REPORT_WINDOW}
    if request.args.get("until"):
        window["until"] = request.args.get("until")
    return window


async def requested_report(request: Request) -> Report:
    """The report over the request's window (`bot.reports.parse_moment`) for a supervisor (403
    for agents); 400 for a window that cannot be read, saying what is accepted."""
    require_permission(request.ctx.login, REPORTS, wording.SUPERVISORS_ONLY_REPORTS)
    window, now, tz = _report_window(request), utcnow(), request.app.ctx.tz
    try:
        since = parse_moment(window["since"], now, tz)
        until = parse_moment(window["until"], now, tz) if "until" in window else now
        return await asyncio.to_thread(build_report, request.app.ctx.store, since, until,
                                       request.app.ctx.resolution_target, tz)
    except ValueError:
        raise ConsoleError(wording.BAD_REPORT_WINDOW) from None


@pages.get("/reports")
@login_required
async def reports_page(request: Request) -> HTTPResponse:
    report = await requested_report(request)
    window = _report_window(request)
    choices = {**REPORT_WINDOWS, window["since"]: REPORT_WINDOWS.get(window["since"], window["since"])}
    options = "".join(
        f'<option value="{html.escape(value)}"{" selected" if value == window["since"] else ""}>'
        f"{html.escape(label)}</option>" for value, label in choices.items())
    body = render("reports.html", window=window_text(report, request.app.ctx.tz), options=Markup(options),
                  query=urlencode(window), sections=Markup(html_report(report)))
    return _shell(request, "统计报表", body, page="reports", case_id="")


@pages.get("/reports.csv")
@login_required
async def reports_csv(request: Request) -> HTTPResponse:
    """The figures as CSV (UTF-8 with a BOM, so that Excel reads the Chinese labels)."""
    report = await requested_report(request)
    name = f"complaint-report-{report.until.astimezone(request.app.ctx.tz):%Y%m%d}.csv"
    return raw(csv_report(report).encode("utf-8-sig"), content_type="text/csv; charset=utf-8",
               headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


@pages.get("/reports.png")
@login_required
async def reports_chart(request: Request) -> HTTPResponse:
    report = await requested_report(request)
    return raw(await asyncio.to_thread(chart_png, report), content_type="image/png",
               headers={"Cache-Control": "no-store"})
