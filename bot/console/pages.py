"""The console's pages: login, the queue and a case. Pages are small HTML shells filled from
templates/ (every value HTML-escaped); their scripts in static/ read the JSON API and put what
customers wrote into the page as text only (textContent), never as HTML."""
from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Mapping, Optional
from urllib.parse import urlencode

from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse, file, redirect
from sanic.response import html as html_response

from bot.console import wording
from bot.console.auth import (
    CSRF_FIELD, clear_session_cookie, current_login, log_in, log_out, login_required,
    set_session_cookie,
)

pages = Blueprint("agent_pages", url_prefix="/agent")

TEMPLATES = Path(__file__).with_name("templates")
STATIC = Path(__file__).with_name("static")
#: Files served from /agent/static/<name>, with their content types.
STATIC_FILES = {
    "console.css": "text/css; charset=utf-8",
    "common.js": "text/javascript; charset=utf-8",
    "queue.js": "text/javascript; charset=utf-8",
    "case.js": "text/javascript; charset=utf-8",
}
LOGIN_PATH = "/agent/login"
HOME_PATH = "/agent"
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
_RETURN_TO = re.compile(r"/agent(/cases/\d+)?")
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "Cache-Control": "no-store",
}


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
    started = await log_in(request, form["username"], form["password"])
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
    session = request.ctx.login.session
    return page(render("layout.html", title=title, body=body, agent_name=session.agent.display_name,
                       csrf_field=CSRF_FIELD, csrf_token=session.csrf_token, **data))


@pages.get("/", strict_slashes=False)
@login_required
async def queue_page(request: Request) -> HTTPResponse:
    return _shell(request, "待处理案件", render("queue.html"), page="queue", case_id="")


@pages.get("/cases/<case_id:int>")
@login_required
async def case_page(request: Request, case_id: int) -> HTTPResponse:
    return _shell(request, f"案件 #{case_id}", render("case.html"), page="case", case_id=case_id)


@pages.get("/static/<filename>")
async def static(_: Request, filename: str) -> HTTPResponse:
    """One of the console's own files (STATIC_FILES); 404 for anything else."""
    if filename not in STATIC_FILES:
        return error_page(wording.PAGE_NOT_FOUND, 404)
    return await file(STATIC / filename, mime_type=STATIC_FILES[filename],
                      headers={"Cache-Control": "no-cache"})
