"""Agents at the console, over HTTP: logged in through the page (session cookie + CSRF token)
or through the API (bearer token); and seeded cases for them to take."""
from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any, Optional, Sequence

import httpx

from bot.clock import utcnow
from bot.escalation import Decision
from bot.handoff import load_handoff_settings
from bot.storage import Case, ComplaintDraft, ComplaintStore, HandoffQueue

_CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


class AgentClient:
    """One agent's HTTP session with the console."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=30, follow_redirects=False)
        self.csrf_token: Optional[str] = None

    @classmethod
    def by_api(cls, base_url: str, username: str, password: str) -> "AgentClient":
        """Logged in with POST /agent/api/login; sends the bearer token."""
        client = cls(base_url)
        answer = client.http.post("/agent/api/login", json={"username": username, "password": password})
        answer.raise_for_status()
        client.http.headers["Authorization"] = f"Bearer {answer.json()['token']}"
        return client

    @classmethod
    def by_form(cls, base_url: str, username: str, password: str) -> "AgentClient":
        """Logged in with the login form; sends the cookie and the page's CSRF token."""
        client = cls(base_url)
        answer = client.http.post("/agent/login", data={"username": username, "password": password})
        assert answer.status_code == 302, answer.text
        page = client.http.get("/agent")
        page.raise_for_status()
        client.csrf_token = _CSRF_META.search(page.text).group(1)
        return client

    def get(self, path: str) -> httpx.Response:
        return self.http.get(f"/agent/api/{path}")

    def post(self, path: str, body: Any = None, csrf: bool = True) -> httpx.Response:
        """POST JSON to /agent/api/`path` (with the CSRF header when logged in by form)."""
        headers = {"X-CSRF-Token": self.csrf_token} if csrf and self.csrf_token else {}
        return self.http.post(f"/agent/api/{path}", json=body, headers=headers)


def new_customer() -> str:
    """A sender id no other test uses."""
    return f"customer-{uuid.uuid4().hex[:8]}"


def seed_case(database_url: str, sender_id: str, decisions: Sequence[Decision],
              channel: str = "rest", description: str = "耳机左耳没声音了", at: Optional[Any] = None,
              **fields: Any) -> Case:
    """A complaint of the customer (channel, sender_id) queued for an agent, as the assistant's
    handoff would leave it."""
    store = ComplaintStore(database_url)
    try:
        now = at or utcnow()
        complaint = store.create(ComplaintDraft(
            channel=channel, sender_id=sender_id, conversation_id=sender_id, category="quality",
            description=description, first_response_due=now + timedelta(days=1),
            resolution_due=now + timedelta(days=2), **fields), now)
        queue = HandoffQueue(store, load_handoff_settings(store.tz))
        return queue.open_case(complaint.public_id, decisions, now)
    finally:
        store.close()


THREAT = Decision("threat", "P1", "客户提到12315（12315）：“再不处理我就去12315投诉你们”")
HUMAN = Decision("human_request", "P3", "客户要求转人工：“我要找人工客服”")
ANGER = Decision("anger", "P2", "客户持续愤怒：最近3条消息中2条愤怒分≥3")
