"""What WeChat customers receive from the assistant outside a passive reply: long texts in pieces,
buttons as numbered options, and nothing pushed in a loop at someone WeChat will not deliver to."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from bot.storage import ComplaintStore, EvidenceStore
from channels.keyvalue import MemoryKeyValue
from channels.wechat.api import CustomerServiceApi
from channels.wechat.choices import Choices
from channels.wechat.output import HeldOutput, WeChatOutput
from bench.fake_wechat import FakeWeChatApi, OfficialAccount

ACCOUNT = OfficialAccount()
CUSTOMER, AWAY = "wechat:o-customer", "wechat:o-away"  # sender ids, as Rasa gives them (bot.identity)


@pytest.fixture
def customers(tmp_path: Path) -> Iterator[EvidenceStore]:
    store = ComplaintStore(f"sqlite:///{tmp_path / 'complaints.db'}")
    store.migrate()
    yield EvidenceStore(store)
    store.close()


@pytest.fixture
def output(wechat_api: FakeWeChatApi, customers: EvidenceStore) -> WeChatOutput:
    state = MemoryKeyValue()
    api = CustomerServiceApi(ACCOUNT.app_id, ACCOUNT.app_secret, wechat_api.url, state)
    return WeChatOutput(api, Choices(state, 60), customers, max_message_bytes=2048)


async def test_a_long_message_arrives_in_pieces_in_order(output: WeChatOutput, wechat_api: FakeWeChatApi):
    text = "".join(f"第{n}点：我们会认真核实您反映的情况。" for n in range(200))
    await output.send_response(CUSTOMER, {"text": text})
    pieces = wechat_api.delivered("o-customer")
    assert len(pieces) > 1 and "".join(pieces) == text
    assert all(len(piece.encode()) <= 2048 for piece in pieces)


async def test_buttons_arrive_as_numbered_options_a_number_answers(output: WeChatOutput,
                                                                 wechat_api: FakeWeChatApi):
    await output.send_response(CUSTOMER, {"text": "以上都对吗？", "buttons": [
        {"title": "没错", "payload": "/affirm"}, {"title": "有地方要改", "payload": "/deny"}]})
    [sent] = wechat_api.delivered("o-customer")
    assert sent.startswith("以上都对吗？\n\n") and sent.endswith("\n1. 没错\n2. 有地方要改")
    assert (await output.choices.resolve("o-customer", "2"))["payload"] == "/deny"

    await output.send_response(CUSTOMER, {"text": "好的，哪一项需要改呢？"})
    assert await output.choices.resolve("o-customer", "2") is None, "only the newest message's options count"


async def test_outside_the_48_hours_the_push_is_given_up_until_the_customer_writes(
        output: WeChatOutput, wechat_api: FakeWeChatApi, customers: EvidenceStore):
    wechat_api.refuse["o-away"] = 45015
    await output.send_response(AWAY, {"text": "您好，我是客服小李"})  # no exception for Rasa
    assert wechat_api.tried("o-away") == 1
    assert customers.is_unreachable("wechat", AWAY)

    await output.send_response(AWAY, {"text": "想请您评价一下这次的服务"})
    assert wechat_api.tried("o-away") == 1, "not tried again while unreachable"

    del wechat_api.refuse["o-away"]
    customers.mark_reachable("wechat", AWAY)  # what the channel does when they write
    await output.send_response(AWAY, {"text": "欢迎回来"})
    assert wechat_api.delivered("o-away") == ["欢迎回来"]


async def test_a_turn_is_held_for_one_passive_reply(output: WeChatOutput, wechat_api: FakeWeChatApi):
    held = HeldOutput(output, CUSTOMER)
    await held.send_response(CUSTOMER, {"text": "非常抱歉给您带来不好的体验。"})
    await held.send_response(CUSTOMER, {"text": "这件事大概是什么时候发生的呢？"})
    assert held.passive_reply() == "非常抱歉给您带来不好的体验。\n\n这件事大概是什么时候发生的呢？"
    assert wechat_api.attempts == []


async def test_after_the_deadline_held_and_later_messages_are_pushed_in_order(
        output: WeChatOutput, wechat_api: FakeWeChatApi):
    held = HeldOutput(output, CUSTOMER)
    await held.send_response(CUSTOMER, {"text": "一"})
    await held.send_response(CUSTOMER, {"text": "二"})
    released = held.release()
    await held.send_response(CUSTOMER, {"text": "三"})
    await released
    assert wechat_api.delivered("o-customer") == ["一", "二", "三"]


async def test_a_turn_too_long_for_one_reply_is_pushed(output: WeChatOutput):
    held = HeldOutput(output, CUSTOMER)
    await held.send_response(CUSTOMER, {"text": "好" * 500})
    await held.send_response(CUSTOMER, {"text": "好" * 500})
    assert held.passive_reply() is None


@pytest.mark.parametrize("recipient", ["o-customer", "rest:o-customer", "tg:o-customer", "wechat:"])
async def test_nothing_goes_to_a_recipient_that_is_not_a_wechat_customers_sender_id(
        output: WeChatOutput, wechat_api: FakeWeChatApi, recipient: str):
    await output.send_response(recipient, {"text": "您的投诉电话是13812345678"})
    await output.send_response(recipient,
                               {"text": "以上都对吗？", "buttons": [{"title": "没错", "payload": "/affirm"}]})
    assert wechat_api.attempts == []


async def test_an_agents_reply_starts_with_their_name_once_even_in_pieces(output: WeChatOutput,
                                                                         wechat_api: FakeWeChatApi):
    long_reply = "".join(f"第{n}点：我们会认真核实您反映的情况。" for n in range(100))
    await output.send_response(CUSTOMER, {"text": "您好，这件事由我跟进。", "agent": "王芳"})
    await output.send_response(CUSTOMER, {"text": long_reply, "agent": "王芳"})
    await output.send_response(CUSTOMER, {"text": "请问还有什么可以帮您？"})
    first, *pieces, last = wechat_api.delivered("o-customer")
    assert first == "客服 王芳：您好，这件事由我跟进。"
    assert len(pieces) > 1 and "".join(pieces) == f"客服 王芳：{long_reply}"
    assert last == "请问还有什么可以帮您？", "the assistant's own messages carry no name"
