"""Events of a customer: their complaints as the escalation rules read them, and whether a
channel can reach them."""
from __future__ import annotations

from bot.app.customers import known_complaints, mark_reachable, mark_unreachable
from bot.storage import EvidenceStore
from tests.bot.app.conftest import FRIDAY_10AM, a_complaint


def test_the_customers_complaints_are_read_fresh_from_the_store(store):
    assert known_complaints(store, "rest", "alice") == []
    complaint = a_complaint(store)
    [known] = known_complaints(store, "rest", "alice")
    assert (known["public_id"], known["status"], known["order_number"]) == (
        complaint.public_id, "open", "DD20261101001")
    store.set_status(complaint.public_id, "resolved", FRIDAY_10AM)
    assert known_complaints(store, "rest", "alice")[0]["status"] == "resolved"


def test_a_customer_the_channel_cannot_reach_is_reachable_again_once_they_write(store):
    customers = EvidenceStore(store)
    mark_unreachable(customers, "wechat", "oBlocked", FRIDAY_10AM)  # no complaint yet
    assert customers.is_unreachable("wechat", "oBlocked")
    mark_reachable(customers, "wechat", "oBlocked")
    assert not customers.is_unreachable("wechat", "oBlocked")
