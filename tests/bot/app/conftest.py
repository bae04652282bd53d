"""Fixtures of the application layer's tests: real services on the real store (SQLite and
PostgreSQL), and a messenger that keeps what the events would have sent through Rasa."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, List, Mapping, Optional, Tuple
from zoneinfo import ZoneInfo

import pytest

from bot.app.complaints import CollectedComplaint, record_complaint
from bot.handoff import load_handoff_settings
from bot.policies import load_policies
from bot.rasa_api import RasaError
from bot.storage import Complaint, ComplaintStore, HandoffQueue, JobQueue
from bot.surveys import Surveys, load_survey_settings

TZ = ZoneInfo("Asia/Shanghai")
FRIDAY_10AM = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)


@dataclass
class Messenger:
    """Keeps every request instead of sending it; `down` makes each one fail as when the Rasa
    server is unreachable."""

    down: bool = False
    sent: List[Tuple[str, Any, ...]] = field(default_factory=list)

    def _keep(self, *request: Any) -> None:
        if self.down:
            raise RasaError("Rasa server not reachable")
        self.sent.append(request)

    async def send_text(self, conversation_id: str, text: str,
                        metadata: Optional[Mapping[str, Any]] = None) -> None:
        self._keep("text", conversation_id, text, dict(metadata or {}))

    async def resume(self, conversation_id: str, slots: Optional[Mapping[str, Any]] = None) -> None:
        self._keep("resume", conversation_id, dict(slots or {}))

    async def trigger_intent(self, conversation_id: str, intent: str,
                             entities: Optional[Mapping[str, Any]] = None) -> None:
        self._keep("intent", conversation_id, intent)


@pytest.fixture
def queue(store: ComplaintStore) -> HandoffQueue:
    return HandoffQueue(store, load_handoff_settings(TZ))


@pytest.fixture
def jobs(store: ComplaintStore) -> JobQueue:
    return JobQueue(store)


@pytest.fixture
def surveys(store: ComplaintStore, jobs: JobQueue) -> Surveys:
    return Surveys(store, jobs, load_survey_settings())


def a_complaint(store: ComplaintStore, sender: str = "alice", order: str = "DD20261101001",
                at: datetime = FRIDAY_10AM - timedelta(days=3), **fields: Any) -> Complaint:
    """A complaint the assistant recorded for `sender` (REST) at `at`."""
    collected = CollectedComplaint(channel="rest", sender_id=sender, category="quality",
                                   description="跑鞋开胶了", order_reference=order, **fields)
    return record_complaint(store, load_policies(), collected, at, TZ).complaint
