"""The handoff queue on SQLite and PostgreSQL: cases, claims (one winner), notes, resolution,
release, and what the customer is promised about the wait."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.storage import AgentAccounts, CaseConflict, ComplaintDraft, ComplaintStore, HandoffQueue
from bot.escalation import Decision
from bot.handoff import HandoffSettings, load_handoff_settings, promise_contact
from bot.working_hours import WorkingHours

TZ = ZoneInfo("Asia/Shanghai")
FRIDAY_10AM = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)
THREAT = Decision("threat", "P1", "客户提到媒体曝光")
HUMAN = Decision("human_request", "P3", "客户要求转人工")
REPEATED = Decision("repeated", "P2", "客户说是第三次投诉")




@pytest.fixture
def queue(store: ComplaintStore) -> HandoffQueue:
    return HandoffQueue(store, load_handoff_settings(TZ))


def complaint(store: ComplaintStore, sender: str = "alice", at: datetime = FRIDAY_10AM):
    return store.create(ComplaintDraft(
        channel="rest", sender_id=sender, conversation_id=sender, category="quality",
        description="电水壶漏电", first_response_due=at + timedelta(hours=24),
        resolution_due=at + timedelta(hours=48)), at)


def agent(store: ComplaintStore, name: str):
    return AgentAccounts(store).create(name, f"客服{name}", "a-long-password", FRIDAY_10AM)


def test_the_queue_is_ordered_by_priority_then_waiting_time(store, queue):
    p3_old = queue.open_case(complaint(store, "a").public_id, [HUMAN], FRIDAY_10AM)
    p1_new = queue.open_case(complaint(store, "b").public_id, [THREAT], FRIDAY_10AM + timedelta(minutes=5))
    p3_new = queue.open_case(complaint(store, "c").public_id, [HUMAN], FRIDAY_10AM + timedelta(minutes=6))
    p2 = queue.open_case(complaint(store, "d").public_id, [REPEATED], FRIDAY_10AM + timedelta(minutes=7))
    assert [c.id for c in queue.queue()] == [p1_new.id, p2.id, p3_old.id, p3_new.id]


def test_a_case_keeps_every_reason_and_the_most_urgent_leads(store, queue):
    c = complaint(store)
    queue.open_case(c.public_id, [HUMAN], FRIDAY_10AM)
    case = queue.open_case(c.public_id, [THREAT], FRIDAY_10AM)  # same complaint: same case
    assert len(queue.queue()) == 1
    assert (case.reason, case.priority) == ("threat", "P1")
    assert [d["reason"] for d in case.decisions] == ["human_request", "threat"]


def test_claim_resolve_note_and_release(store, queue):
    li, wang = agent(store, "li"), agent(store, "wang")
    case = queue.open_case(complaint(store).public_id, [THREAT], FRIDAY_10AM)
    later = FRIDAY_10AM + timedelta(minutes=4)
    assert queue.claim(case.id, li.id, later) is True
    assert queue.claim(case.id, wang.id, later) is False
    claimed = queue.get(case.id)
    assert (claimed.status, claimed.agent_name) == ("claimed", "客服li")
    assert claimed.complaint.status == "in_progress" and claimed.complaint.first_response_at == later

    with pytest.raises(CaseConflict):
        queue.resolve(case.id, wang.id, "已退款", later)
    queue.add_note(case.id, li.id, "客户同意退款，已提交财务", later)
    resolved = queue.resolve(case.id, li.id, "已全额退款并致歉", later, remedy="refund")
    assert resolved.status == "resolved" and resolved.complaint.status == "resolved"
    assert resolved.complaint.resolution == "已全额退款并致歉"
    assert resolved.complaint.desired_remedy == "refund" and resolved.complaint.resolved_at == later
    assert [n.text for n in queue.notes(case.id)] == ["客户同意退款，已提交财务"]

    with pytest.raises(CaseConflict):  # resolving handed the conversation back already
        queue.release(case.id, li.id, later)
    assert queue.get(case.id).status == "resolved" and queue.queue() == []

    other = queue.open_case(complaint(store).public_id, [HUMAN], later)
    queue.claim(other.id, wang.id, later)
    released = queue.release(other.id, wang.id, later)
    assert (released.status, released.closed_at) == ("released", later) and queue.queue() == []


def test_exactly_one_of_many_agents_claiming_at_once_wins(store, queue):
    agents = [agent(store, f"a{i}") for i in range(6)]
    case = queue.open_case(complaint(store).public_id, [THREAT], FRIDAY_10AM)
    start = threading.Barrier(len(agents))
    results = {}

    def claim(agent_id: int) -> None:
        start.wait()
        results[agent_id] = queue.claim(case.id, agent_id, FRIDAY_10AM)

    threads = [threading.Thread(target=claim, args=(a.id,)) for a in agents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [agent_id for agent_id, won in results.items() if won]
    assert len(winners) == 1
    assert queue.get(case.id).agent_id == winners[0]


def test_overdue_is_marked_only_while_nobody_has_the_case(store, queue):
    li = agent(store, "li")
    waiting = queue.open_case(complaint(store, "a").public_id, [THREAT], FRIDAY_10AM)
    taken = queue.open_case(complaint(store, "b").public_id, [THREAT], FRIDAY_10AM)
    queue.claim(taken.id, li.id, FRIDAY_10AM)
    callback = FRIDAY_10AM + timedelta(hours=2)
    assert queue.mark_overdue(waiting.id, callback, FRIDAY_10AM) is True
    assert queue.mark_overdue(taken.id, callback, FRIDAY_10AM) is False
    assert queue.get(waiting.id).overdue and queue.get(waiting.id).callback_due == callback
    assert not queue.get(taken.id).overdue


# -- promises (no database) ---------------------------------------------------------------------

SETTINGS = HandoffSettings.from_config({
    "working_hours": {"start": "09:00", "end": "21:00", "days": "working_days"},
    "claim_within_minutes": {"P1": 10, "P2": 30, "P3": 60}, "callback_within_minutes": 120,
}, TZ)


def test_in_working_hours_the_promise_is_the_claim_deadline_in_minutes():
    for priority, minutes in SETTINGS.claim_within_minutes.items():
        due = SETTINGS.claim_due(priority, FRIDAY_10AM)
        promise = promise_contact(SETTINGS, FRIDAY_10AM, due, priority)
        assert promise.wording == "minutes" and promise.minutes == minutes and promise.at == due


def test_a_deadline_across_closing_time_is_promised_as_a_time_not_hours_of_minutes():
    friday_2050 = datetime(2026, 11, 27, 20, 50, tzinfo=TZ)
    due = SETTINGS.claim_due("P2", friday_2050)
    promise = promise_contact(SETTINGS, friday_2050, due, "P2")
    assert promise.at == due == datetime(2026, 11, 30, 9, 20, tzinfo=TZ)
    assert promise.wording == "time", "agents still work: not the after-hours line"


def test_after_hours_the_promise_is_the_claim_deadline_on_the_next_working_morning():
    friday_night = datetime(2026, 11, 27, 14, 0, tzinfo=timezone.utc)  # 22:00 Friday
    promise = promise_contact(SETTINGS, friday_night, SETTINGS.claim_due("P3", friday_night), "P3")
    assert promise.wording == "after_hours"
    # Saturday and Sunday are not working days here: Monday 09:00 plus the P3 hour.
    assert promise.at == datetime(2026, 11, 30, 10, 0, tzinfo=TZ)


def test_claim_deadlines_count_working_minutes_only():
    friday_2050 = datetime(2026, 11, 27, 20, 50, tzinfo=TZ)
    assert SETTINGS.claim_due("P2", friday_2050) == datetime(2026, 11, 30, 9, 20, tzinfo=TZ)
    # National Day holiday 2026 (Oct 1-7) is closed; Saturday Oct 10 is an adjusted working day.
    assert SETTINGS.hours.next_opening(datetime(2026, 10, 1, 12, 0, tzinfo=TZ)).date().isoformat() == "2026-10-08"


def test_unusable_settings_say_what_to_fix():
    with pytest.raises(ValueError, match="claim_within_minutes"):
        HandoffSettings.from_config({"working_hours": {"start": "09:00", "end": "21:00"},
                                     "claim_within_minutes": {"P1": 10}, "callback_within_minutes": 9}, TZ)
    with pytest.raises(ValueError, match="before end"):
        WorkingHours.from_config({"start": "21:00", "end": "09:00"}, TZ)
