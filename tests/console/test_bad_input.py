"""Malformed input at the console API gets a 4xx with a clear message, never a 500: ids no case
could have, values of the wrong type, text the database cannot hold, bodies that are not JSON;
and a seeded fuzz over every endpoint and field."""
from __future__ import annotations

import json
import random
from typing import Any, List

import httpx
from tests.auxil.agents import THREAT, AgentClient, new_customer, seed_case
from tests.auxil.stack import Console
from tests.console.conftest import NewAgent

CASE_NOT_FOUND = "没有找到这个案件，请回到队列页查看。"
UNREADABLE = "内容里有无法识别的字符（可能是复制时带进来的），请删掉后再试。"
SERVER_ERROR = "抱歉，控制台出了点问题"
CASE_ROUTES = [("GET", ""), ("GET", "/transcript"), ("POST", "/claim"), ("POST", "/reply"),
               ("POST", "/notes"), ("POST", "/refund"), ("POST", "/resolve"), ("POST", "/release")]
BODIES = {"/reply": {"text": "您好"}, "/notes": {"text": "备注"}, "/refund": {"amount": "10"},
          "/resolve": {"remedy": "refund", "resolution": "已退款"}}


def _raw_post(agent: AgentClient, path: str, body: bytes) -> httpx.Response:
    """POST bytes as they are (httpx would refuse to encode a lone surrogate itself)."""
    return agent.http.post(f"/agent/api/{path}", content=body, headers={"Content-Type": "application/json"})


def test_an_id_no_case_could_have_is_404(agent: AgentClient) -> None:
    for case_id in ("99999999999999999999999", "9223372036854775808", "2147483648", "0", "-1"):
        for method, route in CASE_ROUTES:
            answer = agent.http.request(method, f"/agent/api/cases/{case_id}{route}", json=BODIES.get(route))
            assert (answer.status_code, answer.json()) == (404, {"error": CASE_NOT_FOUND}), (method, case_id, route)


def test_a_remedy_that_is_not_one_of_the_list_is_refused(console: Console, agent: AgentClient) -> None:
    case = seed_case(console.database_url, new_customer(), [THREAT])
    assert agent.post(f"cases/{case.id}/claim").status_code == 200
    for remedy in (["refund"], {"refund": True}, 1, None, True):
        answer = agent.post(f"cases/{case.id}/resolve", {"remedy": remedy, "resolution": "已处理"})
        assert (answer.status_code, answer.json()) == (400, {"error": "请从列表里选择一种处理方式。"}), remedy


def test_text_the_database_cannot_hold_is_refused_and_nothing_is_kept(console: Console,
                                                                      agent: AgentClient) -> None:
    case = seed_case(console.database_url, new_customer(), [THREAT])
    assert agent.post(f"cases/{case.id}/claim").status_code == 200
    for text in (r"\ud800", r"前\udfff后", r"a\u0000b"):
        for path, field in [("notes", "text"), ("reply", "text"), ("resolve", "resolution")]:
            answer = _raw_post(agent, f"cases/{case.id}/{path}",
                               f'{{"{field}": "{text}", "remedy": "other"}}'.encode())
            assert (answer.status_code, answer.json()) == (400, {"error": UNREADABLE}), (path, text)
    shown = agent.get(f"cases/{case.id}").json()
    assert shown["notes"] == [] and shown["case"]["status"] == "claimed"


def test_a_login_with_text_no_agent_could_have_is_a_wrong_login(console: Console) -> None:
    for body in (rb'{"username": "wang\ud800", "password": "x"}', rb'{"username": "w", "password": "\udc00"}',
                 rb'{"username": "a\u0000", "password": "x"}'):
        answer = httpx.post(f"{console.url}/agent/api/login", content=body)
        assert answer.status_code == 401 and "用户名或密码不正确" in answer.json()["error"]


def test_a_body_that_is_no_json_object_is_refused(console: Console, agent: AgentClient) -> None:
    case = seed_case(console.database_url, new_customer(), [THREAT])
    for body in (b"{oops", b"[1, 2]", b'"text"', b"\xff\xfe", b"[" * 100_000 + b"]" * 100_000, b'{"text": 1e999}'):
        answer = _raw_post(agent, f"cases/{case.id}/notes", body)
        assert answer.status_code == 400 and answer.json()["error"], body[:20]


# -- a small fuzz: every field of every endpoint gets odd values; the answers stay 4xx or 2xx --------

ODD_VALUES: List[Any] = [
    None, True, 0, -1, 2 ** 63, 1e308, float("nan"), "", " ", "x" * 5000, "\u202e", "🙂" * 3, "<script>",
    "¥", "1e9", "12.345", "NaN", [], ["refund"], {}, {"text": "x"}, [[[[]]]], "\\ud800",
]
FIELDS = {"reply": ["text"], "notes": ["text"], "refund": ["amount"], "resolve": ["remedy", "resolution"],
          "release": [], "claim": [], "tone": ["text"], "login": ["username", "password"]}


def test_odd_values_in_every_field_never_get_a_server_error(
        console: Console, agent: AgentClient, new_agent: NewAgent) -> None:
    case = seed_case(console.database_url, new_customer(), [THREAT])
    colleague = AgentClient.by_api(console.url, *new_agent("李明"))
    assert colleague.post(f"cases/{case.id}/claim").status_code == 200  # so nothing reaches Rasa
    rng = random.Random(20261204)
    answers = []
    for _ in range(300):
        endpoint = rng.choice(sorted(FIELDS))
        body = {field: rng.choice(ODD_VALUES) for field in FIELDS[endpoint] if rng.random() < 0.9}
        if rng.random() < 0.2:
            body[rng.choice(["extra", "text", "remedy"])] = rng.choice(ODD_VALUES)
        path = endpoint if endpoint in ("tone", "login") else f"cases/{rng.choice([case.id, 10 ** 30])}/{endpoint}"
        encoded = json.dumps(body, ensure_ascii=False).replace('"\\\\ud800"', '"\\ud800"')
        answer = agent.http.post(f"/agent/api/{path}", content=encoded.encode("utf-8", "surrogatepass"),
                                 headers={"Content-Type": "application/json"})
        answers.append((path, encoded[:80], answer.status_code, answer.text[:120]))
    failures = [a for a in answers if a[2] >= 500 or SERVER_ERROR in a[3]]
    assert not failures, failures
    assert agent.get("queue").status_code == 200, "the console still answers"
