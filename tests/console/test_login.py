"""Logging in to the console: pages and API need a session; wrong credentials get one polite
message; changes made with the session cookie need the page's CSRF token; sessions expire."""
from __future__ import annotations

import re
import threading
from datetime import datetime, timedelta
from typing import List, Optional

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy import update

from bot.storage import AgentAccounts, ComplaintStore
from bot.clock import utcnow
from bot.storage.models import AgentSessionRow
from tests.auxil.agents import THREAT, AgentClient, seed_case
from tests.auxil.stack import Console
from tests.console.conftest import SESSION_HOURS, NewAgent

WRONG_LOGIN = "用户名或密码不正确，请核对后再试一次。"


@pytest.mark.parametrize("path", ["/agent", "/agent/", "/agent/cases/1"])
def test_pages_send_a_visitor_to_the_login_page(console: Console, path: str) -> None:
    answer = httpx.get(f"{console.url}{path}")
    assert answer.status_code == 302
    assert answer.headers["location"] == f"/agent/login?next={path.replace('/', '%2F')}"
    login_page = httpx.get(f"{console.url}{answer.headers['location']}")
    assert login_page.status_code == 200 and "请用您的专员账号登录" in login_page.text


@pytest.mark.parametrize("method, path", [("GET", "queue"), ("GET", "cases/1"), ("POST", "cases/1/claim")])
def test_the_api_answers_401_without_a_session(console: Console, method: str, path: str) -> None:
    answer = httpx.request(method, f"{console.url}/agent/api/{path}")
    assert answer.status_code == 401
    assert answer.json() == {"error": "请先登录，登录已过期时也请重新登录。"}
    bad_token = httpx.request(method, f"{console.url}/agent/api/{path}",
                              headers={"Authorization": "Bearer not-a-session"})
    assert bad_token.status_code == 401


def test_a_wrong_password_and_an_unknown_name_get_the_same_polite_message(
        console: Console, new_agent: NewAgent) -> None:
    username, password = new_agent("王芳")
    answers = [httpx.post(f"{console.url}/agent/login", data={"username": name, "password": secret})
               for name, secret in [(username, password + "x"), ("nobody-here", password)]]
    for answer in answers:
        assert answer.status_code == 401
        assert WRONG_LOGIN in answer.text
        assert "set-cookie" not in answer.headers
    assert f'value="{username}"' in answers[0].text, "the name typed stays in the form"
    api_answers = [httpx.post(f"{console.url}/agent/api/login", json={"username": name, "password": secret})
                   for name, secret in [(username, "wrong-password"), ("nobody-here", password)]]
    assert [(a.status_code, a.json()) for a in api_answers] == [(401, {"error": WRONG_LOGIN})] * 2


def test_logging_in_sets_a_strict_cookie_that_lasts_the_session(
        console: Console, new_agent: NewAgent) -> None:
    username, password = new_agent("王芳")
    answer = httpx.post(f"{console.url}/agent/login",
                        data={"username": username, "password": password, "next": "/agent/cases/7"})
    assert answer.status_code == 302 and answer.headers["location"] == "/agent/cases/7"
    cookie = answer.headers["set-cookie"]
    for attribute in ("HttpOnly", "SameSite=Strict", "Path=/agent"):
        assert attribute in cookie
    max_age = int(re.search(r"Max-Age=(\d+)", cookie).group(1))
    assert SESSION_HOURS * 3600 - 60 <= max_age <= SESSION_HOURS * 3600

    queue_page = httpx.get(f"{console.url}/agent", cookies=answer.cookies)
    assert queue_page.status_code == 200
    assert "王芳" in queue_page.text and "待处理案件" in queue_page.text
    assert "script-src 'self'" in queue_page.headers["content-security-policy"]


def test_an_agents_name_is_shown_as_text(console: Console, new_agent: NewAgent) -> None:
    agent = AgentClient.by_form(console.url, *new_agent("<b>王芳</b>"))
    page = agent.http.get("/agent").text
    assert "&lt;b&gt;王芳&lt;/b&gt;" in page and "<b>" not in page


def test_next_never_leads_off_the_console(console: Console, new_agent: NewAgent) -> None:
    username, password = new_agent("王芳")
    answer = httpx.post(f"{console.url}/agent/login", data={
        "username": username, "password": password, "next": "https://evil.example/agent"})
    assert answer.headers["location"] == "/agent"


def test_api_login_gives_a_bearer_token_until_logout(console: Console, new_agent: NewAgent) -> None:
    username, password = new_agent("李明")
    answer = httpx.post(f"{console.url}/agent/api/login", json={"username": username, "password": password})
    assert answer.status_code == 200
    body = answer.json()
    expires = datetime.fromisoformat(body["expires_at"])
    assert abs(expires - (utcnow() + timedelta(hours=SESSION_HOURS))) < timedelta(minutes=1)
    assert body["name"] == "李明"
    bearer = {"Authorization": f"Bearer {body['token']}"}
    assert httpx.get(f"{console.url}/agent/api/queue", headers=bearer).status_code == 200

    assert httpx.post(f"{console.url}/agent/api/logout", headers=bearer).status_code == 200
    assert httpx.get(f"{console.url}/agent/api/queue", headers=bearer).status_code == 401


def test_changes_with_the_cookie_need_the_csrf_token(console: Console, new_agent: NewAgent) -> None:
    case = seed_case(console.database_url, "csrf-customer", [THREAT])
    agent = AgentClient.by_form(console.url, *new_agent("王芳"))

    missing = agent.post(f"cases/{case.id}/claim", csrf=False)
    wrong = agent.http.post(f"/agent/api/cases/{case.id}/claim", headers={"X-CSRF-Token": "guess"})
    for answer in (missing, wrong):
        assert answer.status_code == 403
        assert answer.json() == {"error": "页面已过期，为了安全，请刷新页面后再操作。"}
    assert agent.get(f"cases/{case.id}").json()["case"]["status"] == "waiting"

    assert agent.post(f"cases/{case.id}/claim").status_code == 200
    logout_without_token = agent.http.post("/agent/logout")
    assert logout_without_token.status_code == 403
    assert agent.http.get("/agent").status_code == 200, "still logged in"


def test_logging_out_ends_the_session(console: Console, new_agent: NewAgent) -> None:
    agent = AgentClient.by_form(console.url, *new_agent("王芳"))
    answer = agent.http.post("/agent/logout", data={"csrf_token": agent.csrf_token})
    assert answer.status_code == 302 and answer.headers["location"] == "/agent/login?out=1"
    assert "Max-Age=0" in answer.headers["set-cookie"]
    assert "您已安全退出" in agent.http.get("/agent/login?out=1").text
    assert agent.http.get("/agent").status_code == 302
    assert agent.get("queue").status_code == 401


def test_an_expired_session_asks_to_log_in_again(console: Console, store: ComplaintStore,
                                                 new_agent: NewAgent) -> None:
    (page_name, page_password), (api_name, api_password) = new_agent("王芳"), new_agent("李明")
    page_agent = AgentClient.by_form(console.url, page_name, page_password)
    api_agent = AgentClient.by_api(console.url, api_name, api_password)
    assert page_agent.http.get("/agent").status_code == 200
    assert api_agent.get("queue").status_code == 200

    accounts = AgentAccounts(store)
    agent_ids = [accounts.get(name).id for name in (page_name, api_name)]
    with store.session() as s, s.begin():  # the session's hours have passed
        s.execute(update(AgentSessionRow).where(AgentSessionRow.agent_id.in_(agent_ids))
                  .values(expires_at=utcnow() - timedelta(seconds=1)))

    page = page_agent.http.get("/agent")
    assert page.status_code == 302 and page.headers["location"].startswith("/agent/login")
    assert api_agent.get("queue").status_code == 401


def test_repeated_wrong_passwords_lock_that_name_for_a_while(console: Console, new_agent: NewAgent) -> None:
    username, password = new_agent("王芳")
    colleague, colleague_password = new_agent("李明")
    for attempt in range(5):
        wrong = httpx.post(f"{console.url}/agent/api/login", json={"username": username, "password": f"guess{attempt}"})
        assert wrong.status_code == 401
    locked = httpx.post(f"{console.url}/agent/api/login", json={"username": username, "password": password})
    assert locked.status_code == 429, "even the right password waits: guessing must not pay off"
    assert re.fullmatch(r"密码错误次数太多，为了账号安全，请 1[45] 分钟后再试；忘记密码请联系主管重置。",
                        locked.json()["error"])
    page = httpx.post(f"{console.url}/agent/login", data={"username": username.upper(), "password": password})
    assert page.status_code == 429 and "分钟后再试" in page.text and "set-cookie" not in page.headers
    other = httpx.post(f"{console.url}/agent/api/login", json={"username": colleague, "password": colleague_password})
    assert other.status_code == 200, "another agent on the same network logs in as usual"


def _login_from(console: Console, address: str, username: str, password: str) -> httpx.Response:
    """An API login sent from `address` (any 127.x.y.z reaches the console on loopback)."""
    with httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=60) as client:
        return client.post(f"{console.url}/agent/api/login", json={"username": username, "password": password})


def test_forty_wrong_passwords_at_once_get_five_checks_and_the_right_one_waits(
        console: Console, new_agent: NewAgent) -> None:
    username, password = new_agent("王芳")
    start = threading.Barrier(40)
    answers: List[Optional[httpx.Response]] = [None] * 40

    def guess(index: int) -> None:
        start.wait()
        answers[index] = _login_from(console, "127.0.0.1", username, f"guess-{index}")

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [401] * 5 + [429] * 35, "only five guesses may be checked, however they are sent"
    right = _login_from(console, "127.0.0.1", username, password)
    assert right.status_code == 429 and "分钟后再试" in right.json()["error"]


def test_guesses_at_one_name_from_many_addresses_lock_that_name(
        console: Console, new_agent: NewAgent) -> None:
    username, password = new_agent("王芳")
    colleague, colleague_password = new_agent("李明")
    for address in range(2, 7):  # 5 addresses × 4 guesses: each under its own limit of 5
        for attempt in range(4):
            wrong = _login_from(console, f"127.0.0.{address}", username, f"guess-{attempt}")
            assert wrong.status_code == 401
    fresh_address = _login_from(console, "127.0.0.9", username, password)
    assert fresh_address.status_code == 429, "20 guesses at one name lock it wherever they come from"
    assert _login_from(console, "127.0.0.2", colleague, colleague_password).status_code == 200


def test_the_count_is_kept_in_the_database_for_every_console_process(
        console: Console, store: ComplaintStore, new_agent: NewAgent) -> None:
    username, password = new_agent("王芳")
    assert _login_from(console, "127.0.0.10", username, "guess").status_code == 401
    with store.engine.connect() as connection:
        kept = connection.execute(sa.text("SELECT key, attempts FROM login_attempts")).all()
    assert kept, "counted where every console process sees it"
    assert not any(username in key or "127.0.0.10" in key for key, _ in kept), "no name or address in clear"
    assert _login_from(console, "127.0.0.10", username, password).status_code == 200
