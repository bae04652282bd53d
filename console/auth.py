"""Who is asking: agents log in with a password and then send either the session cookie (the
pages) or a bearer token (API clients).

The cookie is HttpOnly, SameSite=Strict, limited to /agent, expires with the session, and is
Secure when the browser came over https (also through a trusted TLS proxy: `console.proxy`). A
state-changing request authenticated by the cookie must also carry the session's CSRF token
(form field `csrf_token` or header `X-CSRF-Token`); a bearer token needs none, as no browser
sends it by itself.
"""
from __future__ import annotations

import asyncio
import hmac
from dataclasses import dataclass
from functools import wraps
from typing import Any, Awaitable, Callable, Optional, Tuple

from sanic.request import Request
from sanic.response import HTTPResponse

from bot.storage import Agent, AgentAccounts, AgentSession
from bot.clock import utcnow
from bot.roles import may
from console import wording
from console.errors import Forbidden, LoginRequired, TooManyAttempts
from console.inputs import is_storable
from console.proxy import client_address, is_https
from console.throttle import LoginThrottle

SESSION_COOKIE = "agent_session"
COOKIE_PATH = "/agent"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

Handler = Callable[..., Awaitable[HTTPResponse]]


@dataclass(frozen=True)
class Login:
    """The logged-in agent of a request, and how the request proved it."""

    token: str
    session: AgentSession
    by_cookie: bool

    @property
    def agent(self) -> Agent:
        return self.session.agent


def _accounts(request: Request) -> AgentAccounts:
    return request.app.ctx.accounts


async def log_in(request: Request, username: Any, password: Any) -> Optional[Tuple[str, AgentSession]]:
    """Start a session for the agent whose credentials these are: (token, session), or None
    for an unknown name and a wrong password alike; `TooManyAttempts` when too many attempts
    came for this username or from this address (`console.throttle`): counted before the
    password is checked, so attempts sent at once are counted too."""
    if not all(isinstance(value, str) and is_storable(value) for value in (username, password)):
        return None
    throttle: LoginThrottle = request.app.ctx.login_throttle
    name, address, now = username.strip().lower(), client_address(request), utcnow()
    minutes = await asyncio.to_thread(throttle.attempt, name, address, now)
    if minutes is not None:
        raise TooManyAttempts(wording.LOGIN_THROTTLED.format(minutes=minutes))
    accounts = _accounts(request)
    agent = await asyncio.to_thread(accounts.authenticate, username, password)
    if agent is None:
        return None
    await asyncio.to_thread(throttle.succeeded, name, address)
    return await asyncio.to_thread(accounts.start_session, agent, now)


async def log_out(request: Request, login: Login) -> None:
    """End the request's session: its token stops working."""
    await asyncio.to_thread(_accounts(request).end_session, login.token)


async def current_login(request: Request) -> Optional[Login]:
    """The live session the request's bearer token or cookie belongs to, if any."""
    scheme, _, bearer = (request.headers.get("Authorization") or "").partition(" ")
    if scheme.lower() == "bearer" and bearer.strip():
        token, by_cookie = bearer.strip(), False
    else:
        token, by_cookie = request.cookies.get(SESSION_COOKIE) or "", True
    if not token:
        return None
    session = await asyncio.to_thread(_accounts(request).session, token, utcnow())
    return Login(token, session, by_cookie) if session else None


def _csrf_ok(request: Request, session: AgentSession) -> bool:
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.content_type.startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        sent = request.form.get(CSRF_FIELD)
    return bool(sent) and hmac.compare_digest(sent.encode(), session.csrf_token.encode())


def login_required(handler: Handler) -> Handler:
    """Run `handler` only for a logged-in agent (`request.ctx.login`); raises `LoginRequired`,
    or `Forbidden` for a cookie-authenticated change without the CSRF token."""
    @wraps(handler)
    async def checked(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
        login = await current_login(request)
        if login is None:
            raise LoginRequired(wording.LOGIN_NEEDED)
        if login.by_cookie and request.method not in _SAFE_METHODS and not _csrf_ok(request, login.session):
            raise Forbidden(wording.CSRF_FAILED)
        request.ctx.login = login
        return await handler(request, *args, **kwargs)

    return checked


def require_permission(login: Login, permission: str, refusal: str) -> None:
    """`Forbidden` with `refusal` unless the logged-in agent's role has `permission` (`bot.roles`)."""
    if not may(login.agent.role, permission):
        raise Forbidden(refusal)


def set_session_cookie(request: Request, response: HTTPResponse, token: str,
                       session: AgentSession) -> None:
    """Give the browser the session cookie, expiring with the session."""
    _cookie(request, response, token, max(0, int((session.expires_at - utcnow()).total_seconds())))


def clear_session_cookie(request: Request, response: HTTPResponse) -> None:
    """Make the browser forget the session cookie."""
    _cookie(request, response, "", 0)


def _cookie(request: Request, response: HTTPResponse, value: str, max_age: int) -> None:
    response.cookies[SESSION_COOKIE] = value
    cookie = response.cookies[SESSION_COOKIE]
    cookie["path"] = COOKIE_PATH
    cookie["max-age"] = max_age
    cookie["httponly"] = True
    cookie["samesite"] = "Strict"
    cookie["secure"] = is_https(request)
