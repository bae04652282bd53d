"""The state every server instance shares (Redis) or one instance keeps (memory)."""
from __future__ import annotations

import time

from channels.keyvalue import KeyValue


def test_values_round_trip_as_json(keyvalue: KeyValue):
    keyvalue.set("a", {"state": "replied", "reply": "您好"})
    assert keyvalue.get("a") == {"state": "replied", "reply": "您好"}
    assert keyvalue.get("missing", "default") == "default"
    keyvalue.delete("a")
    assert keyvalue.get("a") is None


def test_only_the_first_add_wins(keyvalue: KeyValue):
    assert keyvalue.add("claim", 1, ttl=60) is True
    assert keyvalue.add("claim", 2, ttl=60) is False
    assert keyvalue.get("claim") == 1


def test_values_expire(keyvalue: KeyValue):
    keyvalue.set("short", "x", ttl=0.2)
    assert keyvalue.add("claim", 1, ttl=0.2)
    time.sleep(0.3)
    assert keyvalue.get("short") is None
    assert keyvalue.add("claim", 2, ttl=60), "an expired claim can be made again"


def test_a_claim_is_renewed_only_while_its_owner_still_holds_it(keyvalue: KeyValue):
    assert keyvalue.add("claim", {"owner": "a"}, ttl=0.3)
    assert keyvalue.renew("claim", {"owner": "b"}, ttl=60) is False, "not another owner's"
    assert keyvalue.renew("claim", {"owner": "a"}, ttl=60) is True
    time.sleep(0.4)
    assert keyvalue.get("claim") == {"owner": "a"}, "renewed: it outlived its first lease"

    assert keyvalue.add("lapsed", {"owner": "a"}, ttl=0.2)
    time.sleep(0.3)
    assert keyvalue.renew("lapsed", {"owner": "a"}, ttl=60) is False, "an expired claim is not revived"
    assert keyvalue.get("lapsed") is None
