"""Behind a TLS proxy: the session cookie is Secure when the browser came over https, and the
login throttle counts the browser's address; X-Forwarded-* headers are believed only from the
configured proxy (CONSOLE_TRUSTED_PROXIES), never from anyone who sends them."""
from __future__ import annotations

import ipaddress
import secrets
from typing import Iterator, Tuple

import httpx
import pytest

from bot.settings import Settings
from tests.auxil.stack import Console, free_port, running_console
from tests.console.conftest import NewAgent

PROXY = "127.0.0.1"
BEHIND_TLS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}


@pytest.fixture(scope="module")
def proxied(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tuple[Console, str, str]]:
    """A console that trusts the proxy at 127.0.0.1, with an agent: (console, username, password)."""
    with running_console(tmp_path_factory.mktemp("proxied"), f"http://127.0.0.1:{free_port()}", "token",
                         {"CONSOLE_TRUSTED_PROXIES": f"{PROXY}/32,::1"}) as console:
        username, password = f"agent-{secrets.token_hex(4)}", secrets.token_urlsafe(12)
        console.add_agent(username, password, "王芳")
        yield console, username, password


def _form_login(url: str, address: str, username: str, password: str, headers: dict) -> httpx.Response:
    with httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=60) as client:
        return client.post(f"{url}/agent/login", data={"username": username, "password": password},
                           headers=headers)


def test_behind_the_trusted_tls_proxy_the_cookie_is_secure(proxied: Tuple[Console, str, str]) -> None:
    console, username, password = proxied
    answer = _form_login(console.url, PROXY, username, password, BEHIND_TLS)
    assert answer.status_code == 302 and "Secure" in answer.headers["set-cookie"]
    plain = _form_login(console.url, PROXY, username, password, {"X-Forwarded-Proto": "http"})
    assert "Secure" not in plain.headers["set-cookie"], "the proxy says the browser used http"


def test_anyone_else_claiming_https_is_not_believed(proxied: Tuple[Console, str, str],
                                                   console: Console, new_agent: NewAgent) -> None:
    trusting, username, password = proxied
    untrusted_peer = _form_login(trusting.url, "127.0.0.2", username, password, BEHIND_TLS)
    assert untrusted_peer.status_code == 302 and "Secure" not in untrusted_peer.headers["set-cookie"]
    no_proxy_configured = _form_login(console.url, PROXY, *new_agent("李明"), BEHIND_TLS)
    assert no_proxy_configured.status_code == 302
    assert "Secure" not in no_proxy_configured.headers["set-cookie"]


def test_the_throttle_counts_the_address_the_trusted_proxy_saw(proxied: Tuple[Console, str, str]) -> None:
    console, username, password = proxied
    for attempt in range(5):
        wrong = _form_login(console.url, PROXY, username, f"guess-{attempt}",
                            {"X-Forwarded-For": "198.51.100.1, 203.0.113.66"})
        assert wrong.status_code == 401
    locked = _form_login(console.url, PROXY, username, password, {"X-Forwarded-For": "203.0.113.66"})
    assert locked.status_code == 429
    elsewhere = _form_login(console.url, PROXY, username, password, {"X-Forwarded-For": "203.0.113.67"})
    assert elsewhere.status_code == 302, "the agent at another address is not locked out"


def test_a_made_up_forwarded_address_does_not_escape_the_throttle(console: Console, new_agent: NewAgent) -> None:
    username, password = new_agent("王芳")
    for attempt in range(5):
        wrong = _form_login(console.url, "127.0.0.3", username, f"guess-{attempt}",
                            {"X-Forwarded-For": f"198.51.100.{attempt}"})
        assert wrong.status_code == 401
    spoofed = _form_login(console.url, "127.0.0.3", username, password, {"X-Forwarded-For": "198.51.100.99"})
    assert spoofed.status_code == 429


def test_an_unusable_proxy_setting_says_what_to_fix() -> None:
    assert Settings.load({"CONSOLE_TRUSTED_PROXIES": "10.0.0.0/8, ::1"}).console_trusted_proxies == (
        ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("::1"))
    with pytest.raises(ValueError, match="CONSOLE_TRUSTED_PROXIES='nginx'.*like 127.0.0.1,10.0.0.0/8"):
        Settings.load({"CONSOLE_TRUSTED_PROXIES": "nginx"})
