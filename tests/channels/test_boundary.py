"""What a message may carry into Rasa (channels/boundary.py), message by message; the real
server's side is tests/e2e/test_boundary.py."""
from __future__ import annotations

import json
from typing import Any, Dict, Optional

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.datafiles import load_yaml, repo_path
from channels.boundary import admit, repaired, sender_id_problem

LIMITS = load_yaml(repo_path("config/channels.yml"))
LONGEST_ID = LIMITS["max_sender_id_chars"]


def _message(text: str, sender_id: str = "customer-1", metadata: Optional[Dict[str, Any]] = None) -> UserMessage:
    return UserMessage(text, CollectingOutputChannel(), sender_id, metadata=metadata)


def test_lone_surrogates_and_nul_become_replacement_characters_and_the_rest_is_kept():
    assert repaired("好\ud800的\udfff\x00😀") == "好\ufffd的\ufffd\ufffd😀"
    repaired("好\ud800").encode("utf-8")  # storable now


@pytest.mark.parametrize("sender_id", ["\ud800", "a\x00b", "a\nb", "", "x" * (LONGEST_ID + 1)])
def test_a_sender_id_that_names_no_conversation_is_refused(sender_id):
    assert "sender id" in sender_id_problem(sender_id)
    assert admit(_message("你好", sender_id), "rest") is False


@pytest.mark.parametrize("sender_id", [42, None, ["a"], {"id": "a"}])
def test_a_sender_id_that_is_not_text_is_refused(sender_id):
    """(A UserMessage turns any sender id into text: a channel checks it before, as REST does.)"""
    assert "sender id" in sender_id_problem(sender_id)


@pytest.mark.parametrize("sender_id", ["customer-1", "x" * LONGEST_ID, "顾客 1", "tg:123456789"])
def test_ordinary_sender_ids_are_admitted(sender_id):
    assert sender_id_problem(sender_id) is None
    assert admit(_message("你好", sender_id), "rest") is True


def test_text_and_metadata_strings_are_repaired():
    message = _message("耳机\ud800坏了", metadata={"note\ud800": ["a\udc00", {"deep": "\x00"}], "n": 3})
    assert admit(message, "webchat")
    assert message.text == "耳机\ufffd坏了"
    assert message.metadata == {"note\ufffd": ["a\ufffd", {"deep": "\ufffd"}], "n": 3}


def test_metadata_json_cannot_carry_is_dropped_value_by_value():
    nested: list = []
    for _ in range(100):
        nested = [nested]
    message = _message("你好", metadata={"bytes": b"\x00", "huge": 10 ** 30, "nested": nested, "ok": 1.5})
    assert admit(message, "webchat")
    json.dumps(message.metadata)
    assert message.metadata["bytes"] is None and message.metadata["huge"] is None
    assert message.metadata["ok"] == 1.5


def test_a_message_beyond_the_hard_cap_is_cut_there_and_oversized_metadata_dropped():
    cap = LIMITS["max_kept_message_chars"]
    message = _message("长" * (3 * cap), metadata={"blob": "x" * cap})
    assert admit(message, "rest")
    assert message.text == "长" * cap
    assert message.metadata == {}


@pytest.mark.parametrize("typed, words", [
    ("/restart", "restart"), ("/session_start", "session_start"), ("/EXTERNAL_resolved", "EXTERNAL_resolved"),
    ('/complain_quality{"amount": "50000"}', 'complain_quality{"amount": "50000"}'),
    ('/request_remedy{"remedy": "a-thousand-yuan"}', 'request_remedy{"remedy": "a-thousand-yuan"}'),
    ("//@商家客服 耳机坏了", "@商家客服 耳机坏了"),
    pytest.param('/complain_quality{"a": ' + "[" * 5_000 + "]" * 5_000 + "}",
                 'complain_quality{"a": ' + "[" * 5_000 + "]" * 5_000 + "}", id="nested-deeper-than-json"),
])
def test_a_typed_shortcut_no_button_offers_is_read_as_words(typed, words):
    message = _message(typed)
    assert admit(message, "webchat")
    assert message.text == words


@pytest.mark.parametrize("offered", [
    "/complain_quality", "/affirm", '/rate_satisfaction{"score": "5"}', '/request_remedy{"remedy":"refund"}',
    '/correct{"field": "order_number"}', "/ask_progress", "/greet", "耳机坏了", "/",
])
def test_buttons_menus_and_plain_words_pass_as_they_are(offered):
    message = _message(offered)
    assert admit(message, "webchat")
    assert message.text == offered
