"""Who is on the other end when the console runs behind a TLS proxy (nginx): the proxy's
X-Forwarded-For and X-Forwarded-Proto are believed only when the connection comes from one of
the trusted proxies (`CONSOLE_TRUSTED_PROXIES`); anyone else could send them too."""
from __future__ import annotations

import ipaddress
from typing import Optional, Sequence

from sanic.request import Request

from bot.settings import Network


def _via_trusted_proxy(request: Request) -> bool:
    networks: Sequence[Network] = request.app.ctx.trusted_proxies
    try:
        peer = ipaddress.ip_address(request.ip)  # the socket's peer, never a header
    except ValueError:
        return False
    return any(peer in network for network in networks)


def _last(request: Request, header: str) -> Optional[str]:
    """The value the nearest proxy added to `header` (the last one of a list), if any."""
    values = [value.strip() for line in request.headers.getall(header, []) for value in line.split(",")]
    return values[-1] if values and values[-1] else None


def client_address(request: Request) -> str:
    """The client's address: as the trusted proxy saw it, else the connection's."""
    forwarded = _last(request, "X-Forwarded-For") if _via_trusted_proxy(request) else None
    return forwarded or request.ip


def is_https(request: Request) -> bool:
    """True when the browser reached the console over https: the connection itself, or a
    trusted proxy that says so (X-Forwarded-Proto)."""
    if _via_trusted_proxy(request) and _last(request, "X-Forwarded-Proto"):
        return _last(request, "X-Forwarded-Proto").lower() == "https"
    return bool(request.transport.get_extra_info("sslcontext"))
