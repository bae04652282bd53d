"""The Telegram channel end to end: the real Rasa server and action server, genuine Update JSON
posted to the webhook as Telegram does, and a fake Bot API recording what customers receive."""
from __future__ import annotations

import asyncio
import json
import re
import time
from typing import Any, Dict, Iterator, List, Optional
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.storage import ComplaintStore, EvidenceStore, HandoffQueue
from bot.storage.models import EvidenceRow
from bot.handoff import load_handoff_settings
from tests.auxil.agent_reply import agent_says
from tests.auxil.channel_responses import response_name, said_or_requested
from bot.responses import load_responses
from tests.auxil.fake_telegram import (
    Customer, FakeBotApi, Webhook, credentials_with_telegram, fake_bot_api, malformed_updates, telegram_env,
)
from tests.auxil.media import PHOTO, VOICE
from tests.auxil.stack import Stack, running_stack, trained_model
from tests.auxil.store_faults import evidence_refused

ID_PATTERN = re.compile(r"TS-\d{8}-\d{4}")


@pytest.fixture(scope="module")
def api() -> Iterator[FakeBotApi]:
    with fake_bot_api() as fake:
        yield fake


@pytest.fixture(scope="module")
def stack(api: FakeBotApi, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """One assistant for the module, with the Telegram channel enabled as the README says."""
    workdir = tmp_path_factory.mktemp("telegram")
    credentials = workdir / "credentials.yml"
    credentials.write_text(credentials_with_telegram(), encoding="utf-8")
    with running_stack(workdir, trained_model(), credentials=credentials, start_console=False,
                       extra_env=telegram_env(api.url)) as running:
        yield running


@pytest.fixture
def webhook(stack: Stack) -> Webhook:
    return Webhook(f"{stack.rasa_url}/webhooks/tg/webhook")


class Chat:
    """A customer's private chat: what they send, and what they receive in answer."""

    def __init__(self, webhook: Webhook, api: FakeBotApi, customer: Optional[Customer] = None) -> None:
        self.webhook, self.api = webhook, api
        self.customer = customer or Customer()

    def send(self, update: Dict[str, Any]) -> List[Dict[str, Any]]:
        """Deliver `update`; the messages the bot sent in answer (it answers before the 200)."""
        before = len(self.api.sent(self.customer.chat_id))
        self.webhook.deliver(update)
        return self.api.sent(self.customer.chat_id)[before:]

    def say(self, text: str) -> str:
        """The customer writes `text`; the bot's answer, all messages in one text."""
        return "\n".join(m["text"] for m in self.send(self.customer.update(text=text)))

    def press(self, title: str) -> str:
        """The customer presses the button `title` under the bot's newest message; the answer."""
        [newest] = [m for m in self.api.sent(self.customer.chat_id) if "reply_markup" in m][-1:]
        return "\n".join(m["text"] for m in self.send(self.customer.press(newest, title)))


def _responses(stack: Stack, chat: Chat) -> List[str]:
    """The names of the responses to the customer's latest message (`Stack.responses`)."""
    return stack.responses(chat.customer.sender_id)


def _user_texts(stack: Stack, sender: str) -> List[str]:
    return [e["text"] for e in stack.tracker(sender)["events"] if e["event"] == "user"]


def test_a_whole_complaint_with_buttons_then_a_photo(stack: Stack, webhook: Webhook, api: FakeBotApi):
    chat = Chat(webhook, api)
    assert chat.say("/start") and "utter_greet" in _responses(stack, chat)
    assert chat.say("我买的蓝牙耳机才用了三天左耳就没声音了")
    empathy, *question = _responses(stack, chat)
    assert empathy.startswith("utter_empathy_") and question == ["utter_ask_incident_time"]
    assert chat.say("上周五收到的") and _responses(stack, chat)[-1] == "utter_ask_order_number"
    assert chat.say("订单号DD20261120031") and _responses(stack, chat)[-1] == "utter_ask_desired_remedy"
    assert chat.press("换货") and _responses(stack, chat)[-1] == "utter_ask_contact_phone"
    [press] = api.calls_of("answerCallbackQuery")[-1:]
    assert press.params["callback_query_id"], "the press was answered (the button stops spinning)"
    read_back = chat.say("13812345678")
    for expected in ("左耳就没声音了", "上周五", "DD20261120031", "换货", "13812345678"):
        assert expected in read_back
    recorded = chat.press("没错")
    complaint_id = ID_PATTERN.search(recorded).group(0)
    assert _responses(stack, chat)[-1] == "utter_ask_plan_ok"
    assert chat.press("可以") and "utter_plan_accepted" in _responses(stack, chat)

    stored = ComplaintStore(stack.database_url).get(complaint_id)
    assert (stored.channel, stored.sender_id) == ("tg", chat.customer.sender_id)
    assert stored.desired_remedy == "exchange" and stored.customer_accepted is True

    update = chat.customer.photo()
    api.files[update["message"]["photo"][-1]["file_id"]] = PHOTO
    photo = "\n".join(m["text"] for m in chat.send(update))
    [kept] = EvidenceStore(ComplaintStore(stack.database_url)).for_complaint(complaint_id)
    assert kept.kind == "image" and kept.media_id.endswith("-1280")
    said_or_requested(stack.rasa_log, "utter_evidence_attached", photo, complaint_id)
    assert complaint_id in chat.say("/status")
    assert stack.evidence_file(kept.id) == PHOTO, "the largest size was downloaded (getFile, then the file)"
    assert EvidenceStore(ComplaintStore(stack.database_url)).get(kept.id).file.content_type == "image/jpeg"


def test_a_voice_message_is_kept_as_a_playable_file(stack: Stack, webhook: Webhook, api: FakeBotApi):
    chat = Chat(webhook, api)
    update = chat.customer.voice()
    api.files[update["message"]["voice"]["file_id"]] = VOICE
    assert chat.send(update), "the customer hears the voice message was kept"
    [kept] = _evidence(stack, chat)
    assert kept.kind == "voice"
    assert stack.evidence_file(kept.id) == VOICE
    assert EvidenceStore(ComplaintStore(stack.database_url)).get(kept.id).file.content_type == "audio/ogg"


def test_a_file_telegram_no_longer_has_stays_with_its_file_id_and_says_why(stack: Stack, webhook: Webhook,
                                                                          api: FakeBotApi):
    chat = Chat(webhook, api)
    assert chat.send(chat.customer.photo())
    [kept] = _evidence(stack, chat)
    customers = EvidenceStore(ComplaintStore(stack.database_url))
    deadline = time.monotonic() + 30
    while not customers.get(kept.id).fetch_error and time.monotonic() < deadline:
        time.sleep(0.2)
    failed = customers.get(kept.id)
    assert failed.file is None and failed.media_id == kept.media_id
    assert "Invalid file_id" in failed.fetch_error


def _evidence(stack: Stack, chat: Chat) -> list:
    """The evidence the chat's customer sent that has no complaint yet."""
    with ComplaintStore(stack.database_url).session() as s:
        ids = s.execute(select(EvidenceRow.id).where(EvidenceRow.sender_id == chat.customer.sender_id)).scalars().all()
    customers = EvidenceStore(ComplaintStore(stack.database_url))
    return [customers.get(i) for i in ids]


def test_an_agents_reply_after_handoff_reaches_the_customer(stack: Stack, webhook: Webhook, api: FakeBotApi):
    chat = Chat(webhook, api)
    chat.say("我买的电热水壶用了三天就坏了")
    assert chat.say("再不处理我就去12315投诉你们") and _responses(stack, chat)[0] == "utter_handoff_threat"
    sender = chat.customer.sender_id
    assert stack.tracker(sender)["paused"] is True
    queue = HandoffQueue(ComplaintStore(stack.database_url), load_handoff_settings(ZoneInfo("Asia/Shanghai")))
    assert queue.open_case_for("tg", sender).reason == "threat"
    assert "同事" in chat.say("人呢？"), "the first message while paused is acknowledged"
    assert chat.say("人呢？") == "", "then, while paused, the agent answers"

    asyncio.run(agent_says(stack, sender, "您好，您的问题由我来跟进，今天下班前给您答复。", "王芳"))
    assert api.wait_for(chat.customer.chat_id)[-1] == "客服 王芳：您好，您的问题由我来跟进，今天下班前给您答复。", \
        "the customer sees a person took over, and who"


def test_flood_control_delays_the_answer_but_it_arrives(webhook: Webhook, api: FakeBotApi):
    chat = Chat(webhook, api)
    api.flood[chat.customer.chat_id] = [1]
    assert response_name(chat.say("你好")) == "utter_greet"
    assert len(api.calls_of("sendMessage", chat.customer.chat_id)) == 2


def test_a_redelivered_update_is_one_turn(stack: Stack, webhook: Webhook, api: FakeBotApi):
    chat = Chat(webhook, api)
    update = chat.customer.update(text="你好")
    assert chat.send(update) and chat.send(update) == []
    assert _user_texts(stack, chat.customer.sender_id) == ["你好"]


def test_forged_and_malformed_requests_reach_nothing(stack: Stack, webhook: Webhook):
    customer = Customer()
    assert webhook.post(customer.update(text="我要投诉"), secret="forged-secret").status_code == 403
    assert webhook.post(customer.update(text="我要投诉"), secret=webhook.secret[:-1]).status_code == 403
    assert webhook.post(customer.update(text="我要投诉"), secret=b"\xed\xa0\x80\xff").status_code == 403
    assert _user_texts(stack, customer.sender_id) == []

    broken = '{"update_id": 1, "message": {"text": "耳机坏了，电话13812345678"'
    assert webhook.post(broken).status_code == 400
    kept = [m for m in ComplaintStore(stack.database_url).unanswered() if m.text == broken]
    assert [(m.channel, m.reason) for m in kept] == [("tg", "malformed")]
    assert "13812345678" not in stack.rasa_log.read_text(errors="replace"), "logged masked"


MALFORMED = malformed_updates(Customer())


@pytest.mark.parametrize("body, named", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_body_telegram_never_sends_is_400_naming_why_kept_and_the_server_answers_on(
        stack: Stack, webhook: Webhook, api: FakeBotApi, body: str, named: str):
    response = webhook.post(body)
    assert response.status_code == 400 and named in response.text
    kept = [m for m in ComplaintStore(stack.database_url).unanswered() if m.text == body]
    assert [(m.channel, m.reason) for m in kept] == [("tg", "malformed")]
    assert response_name(Chat(webhook, api).say("你好")) == "utter_greet", "the server answers on"


def test_an_update_that_cannot_be_processed_is_kept_and_the_customer_gets_an_apology(
        stack: Stack, webhook: Webhook, api: FakeBotApi):
    chat = Chat(webhook, api)
    photo = chat.customer.photo()
    with evidence_refused(stack.database_url, chat.customer.chat_id):
        answer = [m["text"] for m in chat.send(photo)]
    assert answer == load_responses().variants("utter_system_trouble")
    kept = [m for m in ComplaintStore(stack.database_url).unanswered() if m.sender_id.endswith(chat.customer.chat_id)]
    assert [m.reason for m in kept] == ["error"] and json.loads(kept[0].text) == photo


def test_a_group_gets_a_pointer_to_a_private_chat_and_nothing_more(stack: Stack, webhook: Webhook, api: FakeBotApi):
    group = Chat(webhook, api, Customer(group=-1001234567890))
    pointer = group.say("/complaint@complaints_test_bot 我要投诉")
    said_or_requested(stack.rasa_log, "utter_tg_private_chat_only", pointer)
    assert _user_texts(stack, group.customer.sender_id) == []


def test_a_customer_who_blocked_the_bot_is_marked_until_they_write(stack: Stack, webhook: Webhook, api: FakeBotApi):
    chat = Chat(webhook, api)
    customers = EvidenceStore(ComplaintStore(stack.database_url))
    chat.webhook.deliver(chat.customer.blocks_bot())
    assert customers.is_unreachable("tg", chat.customer.sender_id)
    asyncio.run(agent_says(stack, chat.customer.sender_id, "您好，我是客服小李"))
    assert api.calls_of("sendMessage", chat.customer.chat_id) == [], "nothing tried while blocked"
    assert response_name(chat.say("你好")) == "utter_greet", "writing again makes them reachable"
    assert not customers.is_unreachable("tg", chat.customer.sender_id)


def test_a_rest_message_with_a_telegram_customers_id_cannot_see_or_change_their_conversation(
        stack: Stack, webhook: Webhook, api: FakeBotApi):
    chat = Chat(webhook, api)
    chat.say("我买的蓝牙耳机才用了三天左耳就没声音了")
    chat.say("上周五收到的")
    chat.say("订单号DD20261120031")
    chat.press("换货")
    assert "13812345678" in chat.say("13812345678"), "the customer's read-back"
    before = stack.tracker(chat.customer.sender_id)

    for sender in (chat.customer.chat_id, chat.customer.sender_id):  # the chat id, and its sender id
        replies = stack.say(sender, "电话改成13900000000") + stack.say(sender, "对的")
        shown = " ".join(reply.get("text", "") for reply in replies)
        assert "DD20261120031" not in shown and "13812345678" not in shown
        assert all(reply["recipient_id"] == f"rest:{sender}" for reply in replies)

    after = stack.tracker(chat.customer.sender_id)
    assert after["events"] == before["events"], "nothing reached the Telegram customer's conversation"
    assert after["slots"]["contact_phone"] == "13812345678" and not after["slots"].get("complaint_id")
