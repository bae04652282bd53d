"""Buttons as inline keyboards: a pressed button gives back its payload, also one longer than the
64 bytes Telegram allows for callback data."""
from __future__ import annotations

from telegram import InlineKeyboardMarkup

from channels.keyvalue import MemoryKeyValue
from channels.telegram.buttons import ButtonPayloads, pressed_title

LONG = '/correct{"field": "complaint_details", "note": "客户补充：左耳没有声音，右耳有杂音"}'


async def test_short_payloads_are_their_own_callback_data():
    buttons = ButtonPayloads(MemoryKeyValue(), 60)
    assert await buttons.callback_data("1", "/affirm") == "/affirm"
    assert await buttons.payload("1", "/affirm") == "/affirm"


async def test_a_long_payload_travels_as_a_short_key_for_its_chat_only():
    buttons = ButtonPayloads(MemoryKeyValue(), 60)
    data = await buttons.callback_data("1", LONG)
    assert len(LONG.encode()) > 64 >= len(data.encode())
    assert await buttons.payload("1", data) == LONG
    assert await buttons.payload("2", data) is None, "another chat's key means nothing"


async def test_a_forgotten_key_is_none_not_a_wrong_choice():
    buttons = ButtonPayloads(MemoryKeyValue(), 0.001)
    data = await buttons.callback_data("1", LONG)
    assert await buttons.payload("1", "k:unknown") is None
    assert await ButtonPayloads(MemoryKeyValue(), 60).payload("1", data) is None, "e.g. after a restart"


async def test_the_keyboard_keeps_order_two_to_a_row_and_names_the_pressed_button():
    buttons = ButtonPayloads(MemoryKeyValue(), 60)
    markup = await buttons.keyboard("1", [{"title": t, "payload": p} for t, p in
                                          (("没错", "/affirm"), ("有地方要改", "/deny"), ("长的", LONG))])
    rows = [[(b.text, b.callback_data) for b in row] for row in markup.inline_keyboard]
    assert rows[0] == [("没错", "/affirm"), ("有地方要改", "/deny")] and rows[1][0][0] == "长的"
    assert pressed_title(markup, rows[1][0][1]) == "长的"
    assert pressed_title(InlineKeyboardMarkup([]), "/affirm") is None
