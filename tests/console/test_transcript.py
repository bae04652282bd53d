"""The transcript an agent reads: a pressed button shows as its title; what the customer typed can
be flagged as misunderstood by its id."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from console.transcript import transcript

TZ = ZoneInfo("Asia/Shanghai")


def _bot(text, *buttons):
    return {"event": "bot", "text": text, "timestamp": 1.0,
            "data": {"buttons": [{"title": t, "payload": p} for t, p in buttons]}}


def _user(text):
    return {"event": "user", "text": text, "timestamp": 2.0}


def _customer_said(events):
    return [e["text"] for e in transcript({"events": events}, TZ)["entries"] if e["who"] == "customer"]


def test_a_pressed_button_shows_as_its_title():
    events = [_bot("您看这样处理可以吗？", ("可以", "/affirm"), ("不行", "/deny")), _bot("也可以直接回复我。"),
              _user("/affirm"),
              _bot("您希望怎么处理？", ("退款", '/request_remedy{"remedy": "refund"}'),
                   ("换货", '/request_remedy{"remedy": "exchange"}')),
              _user('/request_remedy{"remedy": "exchange"}')]
    assert _customer_said(events) == ["可以", "换货"]


def test_typed_words_and_payloads_nobody_offered_stay_as_sent():
    events = [_bot("您看这样处理可以吗？", ("可以", "/affirm")), _user("好的，就这样"), _user("/deny")]
    assert _customer_said(events) == ["好的，就这样", "/deny"]


def test_typed_messages_carry_the_id_an_agent_flags_them_by_and_pressed_buttons_none():
    events = [_bot("您看这样处理可以吗？", ("可以", "/affirm")), _user("/affirm"),
              {"event": "user", "text": "鞋子开胶了", "timestamp": 1764900000.123456}]
    entries = transcript({"events": events}, TZ)["entries"]
    assert [(e["text"], e["id"]) for e in entries] == [
        ("您看这样处理可以吗？", None), ("可以", None), ("鞋子开胶了", "1764900000.123456")]
