"""What each kind of Telegram update makes the assistant do (the table in channels/telegram/inbound.py),
from genuine Update JSON."""
from __future__ import annotations

import json
from typing import Any, Dict

import pytest
from telegram import Update

from channels.instructions import Ignore, KeepEvidence, Say, Turn
from channels.telegram.inbound import EDIT_TOO_LATE, PRIVATE_ONLY, Blocked, Malformed, Press, instructions_for, parse
from channels.telegram.settings import TelegramSettings
from tests.auxil.fake_telegram import SECRET, TOKEN, Customer, malformed_updates

SETTINGS = TelegramSettings.load({"token": TOKEN, "secret_token": SECRET}, environ={})
CUSTOMER = Customer()


def _instructions(update: Dict[str, Any]) -> list:
    return instructions_for(Update.de_json(update, None), SETTINGS)


@pytest.mark.parametrize("text, said", [
    ("耳机坏了", "耳机坏了"), ("/start", "/greet"), ("/start ref-123", "/greet"),
    ("/complaint", "/complain_general"), ("/status@complaints_test_bot", "/ask_progress"), ("/help", "help"),
])
def test_texts_and_commands_are_turns(text: str, said: str):
    assert _instructions(CUSTOMER.update(text=text)) == [Turn(said)]


def test_a_photo_is_kept_at_its_largest_and_its_caption_is_a_turn():
    [keep, turn] = _instructions(CUSTOMER.photo(caption="收到就是这样的"))
    assert isinstance(keep, KeepEvidence) and keep.kind == "image"
    assert keep.media_id.endswith("-1280") and keep.details["width"] == 1280
    assert turn == Turn("收到就是这样的")


@pytest.mark.parametrize("content, kind", [
    ({"voice": {"file_id": "AwACAgU", "file_unique_id": "AgAD1", "duration": 4, "mime_type": "audio/ogg"}}, "voice"),
    ({"sticker": {"file_id": "CAACAgI", "file_unique_id": "AgAD2", "type": "regular", "width": 512,
                  "height": 512, "is_animated": False, "is_video": False, "emoji": "😡"}}, "sticker"),
    ({"document": {"file_id": "BQACAgU", "file_unique_id": "AgAD3", "file_name": "发票.pdf",
                   "mime_type": "application/pdf"}}, "document"),
    ({"location": {"latitude": 31.23, "longitude": 121.47}}, "location"),
])
def test_media_and_places_are_kept_as_evidence(content: Dict[str, Any], kind: str):
    [keep] = _instructions(CUSTOMER.update(**content))
    assert isinstance(keep, KeepEvidence) and keep.kind == kind


def test_a_shared_contact_gives_its_phone_number():
    contact = {"phone_number": "+8613812345678", "first_name": "小明", "user_id": CUSTOMER.user_id}
    assert _instructions(CUSTOMER.update(contact=contact)) == [Turn("+8613812345678")]


def test_a_prompt_edit_is_the_corrected_message_a_late_one_is_answered():
    assert _instructions(CUSTOMER.edited("订单号DD20261120031", seconds_later=30)) == [Turn("订单号DD20261120031")]
    assert _instructions(CUSTOMER.edited("订单号DD20261120031", seconds_later=3600)) == [Say(EDIT_TOO_LATE)]


def test_groups_get_the_pointer_to_a_private_chat_and_nothing_else():
    group = Customer(group=-1001234567890)
    assert _instructions(group.update(text="/complaint")) == [Say(PRIVATE_ONLY)]
    assert isinstance(_instructions(group.edited("改一下", 5))[0], Ignore)


def test_presses_and_blocking():
    sent = {"message_id": 1, "date": 0, "chat": CUSTOMER.chat(), "text": "以上都对吗？",
            "reply_markup": {"inline_keyboard": [[{"text": "没错", "callback_data": "/affirm"}]]}}
    [press] = _instructions(CUSTOMER.press(sent, "没错"))
    assert isinstance(press, Press) and press.query.data == "/affirm"
    assert _instructions(CUSTOMER.blocks_bot()) == [Blocked()]


MALFORMED = malformed_updates(CUSTOMER)


@pytest.mark.parametrize("body, named", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_body_telegram_never_sends_is_malformed_and_says_why(body: str, named: str):
    with pytest.raises(Malformed, match=named):
        instructions_for(parse(body, None), SETTINGS)


def test_a_genuine_update_parses():
    update = parse(json.dumps(CUSTOMER.update(text="耳机坏了")), None)
    assert instructions_for(update, SETTINGS) == [Turn("耳机坏了")]
