"""What Telegram customers receive: plain text (never read as markup), buttons as inline keyboards,
long texts in pieces, flood control waited out, and nothing pushed in a loop at a customer who
blocked the bot. The real python-telegram-bot `Bot` talks to the fake Bot API."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Iterator

import pytest

from bot.storage import ComplaintStore, EvidenceStore
from channels.keyvalue import MemoryKeyValue
from channels.telegram.connection import BotConnection
from channels.telegram.buttons import ButtonPayloads
from channels.telegram.output import TelegramOutput
from channels.telegram.settings import TelegramSettings
from tests.auxil.fake_telegram import SECRET, TOKEN, FakeBotApi, fake_bot_api

CHAT = "70000001"
CUSTOMER = f"tg:{CHAT}"  # the sender id Rasa gives the output (bot.identity)


@pytest.fixture(scope="module")
def api() -> Iterator[FakeBotApi]:
    with fake_bot_api() as fake:
        yield fake


@pytest.fixture
def output(api: FakeBotApi, tmp_path: Path) -> Iterator[TelegramOutput]:
    """The channel's output on a fresh store, sending with a `Bot` pointed at the fake."""
    api.calls.clear()
    settings = TelegramSettings.load({"token": TOKEN, "secret_token": SECRET},
                                     environ={"TELEGRAM_API_BASE_URL": api.url})
    store = ComplaintStore(f"sqlite:///{tmp_path / 'complaints.db'}")
    store.migrate()
    yield TelegramOutput(BotConnection(settings), ButtonPayloads(MemoryKeyValue(), 60), EvidenceStore(store), settings)
    store.close()


async def test_text_goes_out_as_plain_text(output: TelegramOutput, api: FakeBotApi):
    text = "您的投诉 TS-20261123-0001 已记录 <b>*_[不是标记]_*</b>"
    await output.send_response(CUSTOMER, {"text": text})
    [call] = api.calls_of("sendMessage", CHAT)
    assert call.params["text"] == text and "parse_mode" not in call.params


async def test_a_long_message_arrives_in_pieces_in_order(output: TelegramOutput, api: FakeBotApi):
    text = "\n".join(f"第{n}点：我们会认真核实您反映的情况，并尽快给您答复。" for n in range(300))
    await output.send_response(CUSTOMER, {"text": text})
    pieces = api.texts(CHAT)
    assert len(pieces) > 1 and "\n".join(pieces) == text
    assert all(len(piece.encode("utf-16-le")) // 2 <= 4096 for piece in pieces)


async def test_a_long_chinese_message_fits_one_telegram_message_up_to_4096_characters(
        output: TelegramOutput, api: FakeBotApi):
    text = "您好，" + "我们已经认真核实了您反映的情况" * 250 + "。"  # 3754 characters, 11 KB of UTF-8
    await output.send_response(CUSTOMER, {"text": text})
    assert api.texts(CHAT) == [text]


async def test_buttons_arrive_as_an_inline_keyboard_under_the_text(output: TelegramOutput, api: FakeBotApi):
    await output.send_response(CUSTOMER, {"text": "您希望怎么处理？", "buttons": [
        {"title": "退款", "payload": '/request_remedy{"remedy": "refund"}'},
        {"title": "换货", "payload": '/request_remedy{"remedy": "exchange"}'},
        {"title": "给个解释", "payload": '/request_remedy{"remedy": "explanation"}'}]})
    [sent] = api.sent(CHAT)
    rows = sent["reply_markup"]["inline_keyboard"]
    assert sent["text"] == "您希望怎么处理？"
    assert [[b["text"] for b in row] for row in rows] == [["退款", "换货"], ["给个解释"]]
    assert rows[0][1]["callback_data"] == '/request_remedy{"remedy": "exchange"}'


async def test_flood_control_is_waited_out_then_the_message_sent(output: TelegramOutput, api: FakeBotApi):
    api.flood[CHAT] = [1]
    started = time.monotonic()
    await output.send_response(CUSTOMER, {"text": "您好，我是客服小李"})
    assert time.monotonic() - started >= 1, "waited retry_after"
    assert len(api.calls_of("sendMessage", CHAT)) == 2 and api.texts(CHAT) == ["您好，我是客服小李"]


async def test_flood_control_asking_too_long_a_wait_gives_the_message_up(output: TelegramOutput, api: FakeBotApi):
    api.flood[CHAT] = [3600]
    await output.send_response(CUSTOMER, {"text": "您好"})  # returns at once, no exception for Rasa
    assert len(api.calls_of("sendMessage", CHAT)) == 1 and api.texts(CHAT) == []


async def test_a_customer_who_blocked_the_bot_is_tried_once_and_marked(output: TelegramOutput, api: FakeBotApi):
    api.blocked.add("70000002")
    try:
        await output.send_response("tg:70000002", {"text": "您好，我是客服小李"})
        assert output.customers.is_unreachable("tg", "tg:70000002")
        await output.send_response("tg:70000002", {"text": "请问还在吗？"})
        assert len(api.calls_of("sendMessage", "70000002")) == 1, "nothing more is tried"
    finally:
        api.blocked.discard("70000002")


@pytest.mark.parametrize("recipient", [CHAT, f"rest:{CHAT}", f"wechat:{CHAT}", "tg:"])
async def test_nothing_goes_to_a_recipient_that_is_not_a_telegram_customers_sender_id(
        output: TelegramOutput, api: FakeBotApi, recipient: str):
    await output.send_response(recipient, {"text": "您的投诉电话是13812345678", "buttons": [
        {"title": "没错", "payload": "/affirm"}]})
    assert api.calls_of("sendMessage") == []


async def test_an_agents_reply_starts_with_their_name_and_the_assistants_does_not(
        output: TelegramOutput, api: FakeBotApi):
    await output.send_response(CUSTOMER, {"text": "您好，这件事由我跟进。", "agent": "王芳"})
    await output.send_response(CUSTOMER, {"text": "请问还有什么可以帮您？"})
    assert api.texts(CHAT) == ["客服 王芳：您好，这件事由我跟进。", "请问还有什么可以帮您？"]
