"""The satisfaction check on Telegram and WeChat end to end: the real Rasa server, action server and
the console's job worker, with the fake Bot API and the fake WeChat recording what customers get."""
from __future__ import annotations

import re
from typing import Iterator, List

import pytest

from bot.storage import EvidenceStore, HandoffQueue
from bot.handoff import load_handoff_settings
from bot.identity import sender_id
from tests.auxil.fake_telegram import Customer, FakeBotApi, Webhook, fake_bot_api
from bench.fake_wechat import FakeWeChatApi, OfficialAccount, WeChatServer, fake_wechat_api, openid
from tests.auxil.platform_stack import running_stack_on_platforms
from tests.auxil.stack import Stack
from channels.keyvalue import MemoryKeyValue
from channels.wechat.choices import Choices, numbered
from tests.auxil.survey_jobs import SurveyDesk, eventually

ACCOUNT = OfficialAccount()
ID_PATTERN = re.compile(r"TS-\d{8}-\d{4}")
SCORE_TITLES = ["5 非常满意", "4 满意", "3 一般", "2 不满意", "1 很不满意"]


@pytest.fixture(scope="module")
def bot_api() -> Iterator[FakeBotApi]:
    with fake_bot_api() as fake:
        yield fake


@pytest.fixture(scope="module")
def wechat_api() -> Iterator[FakeWeChatApi]:
    with fake_wechat_api() as fake:
        yield fake


@pytest.fixture(scope="module")
def stack(bot_api: FakeBotApi, wechat_api: FakeWeChatApi,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """One assistant with both channels enabled and the console (whose worker sends surveys)."""
    with running_stack_on_platforms(tmp_path_factory.mktemp("surveys-on-channels"), bot_api, wechat_api,
                                    ACCOUNT) as running:
        yield running


@pytest.fixture
def desk(stack: Stack) -> Iterator[SurveyDesk]:
    desk = SurveyDesk(stack.database_url)
    yield desk
    desk.close()


@pytest.fixture
def wechat(stack: Stack) -> WeChatServer:
    return WeChatServer(f"{stack.rasa_url}/webhooks/wechat/webhook", ACCOUNT, safe=True)


async def test_wechat_options_titled_with_their_own_numbers_keep_them():
    buttons = [{"title": title, "payload": f"/rate_satisfaction{{\"score\": \"{title[0]}\"}}"}
               for title in SCORE_TITLES]
    assert numbered("打个分吧", SCORE_TITLES, None).endswith(
        "\n\n5. 非常满意\n4. 满意\n3. 一般\n2. 不满意\n1. 很不满意")
    choices = Choices(MemoryKeyValue("test"), remember_s=60)
    await choices.remember("o-customer", buttons)
    assert (await choices.resolve("o-customer", "2"))["title"] == "2 不满意", "2 is the score 2, not the 2nd option"
    assert await choices.resolve("o-customer", "6") is None
    await choices.remember("o-customer", [{"title": "1 件", "payload": "/a"}, {"title": "1 箱", "payload": "/b"}])
    assert (await choices.resolve("o-customer", "2"))["payload"] == "/b", "numbers shared: listed order"


def _texts(messages: List[dict]) -> str:
    return "\n".join(m["text"] for m in messages)


def _telegram_plan_accepted(stack: Stack, api: FakeBotApi, customer: Customer) -> str:
    """A Telegram customer's complaint, recorded and its plan accepted; its ID."""
    webhook = Webhook(f"{stack.rasa_url}/webhooks/tg/webhook")

    def send(update: dict) -> str:
        before = len(api.sent(customer.chat_id))
        webhook.deliver(update)
        return _texts(api.sent(customer.chat_id)[before:])

    def press(title: str) -> str:
        newest = [m for m in api.sent(customer.chat_id) if "reply_markup" in m][-1]
        return send(customer.press(newest, title))

    for text in ("我买的蓝牙耳机才用了三天左耳就没声音了", "上周五收到的", "订单号DD20261120131"):
        send(customer.update(text=text))
    press("换货")
    send(customer.update(text="13812345678"))
    complaint_id = ID_PATTERN.search(press("没错")).group(0)
    assert press("可以") and "utter_plan_accepted" in stack.responses(customer.sender_id)
    return complaint_id


def _wechat_plan_accepted(stack: Stack, wechat: WeChatServer, sender: str, order: str) -> str:
    """A WeChat customer's complaint (passive replies, numbered options), plan accepted; its ID."""
    for text in ("我买的跑鞋才穿两天就开胶了", "上周三", f"订单号{order}", "退款"):
        wechat.send(sender, Content=text)
    assert wechat.send(sender, Content="不用留电话")
    assert stack.responses(sender_id("wechat", sender))[-1] == "utter_read_back"
    complaint_id = ID_PATTERN.search(wechat.send(sender, Content="1")).group(0)
    assert wechat.send(sender, Content="1") and "utter_plan_accepted" in stack.responses(sender_id("wechat", sender))
    return complaint_id


def test_telegram_the_check_has_score_buttons_and_a_press_is_stored(
        stack: Stack, bot_api: FakeBotApi, desk: SurveyDesk):
    customer = Customer()
    complaint_id = _telegram_plan_accepted(stack, bot_api, customer)
    assert desk.survey(complaint_id).status == "scheduled"
    before = len(bot_api.sent(customer.chat_id))

    desk.make_due(complaint_id)
    bot_api.wait_for(customer.chat_id, before + 1)
    check = bot_api.sent(customer.chat_id)[-1]
    assert complaint_id in check["text"]
    buttons = [b["text"] for row in check["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == SCORE_TITLES
    eventually(lambda: desk.survey(complaint_id).status == "sent", what="the survey was recorded sent")

    webhook = Webhook(f"{stack.rasa_url}/webhooks/tg/webhook")
    webhook.deliver(customer.press(check, "4 满意"))
    assert stack.responses(customer.sender_id) == ["utter_survey_thanks_high"]
    survey = desk.survey(complaint_id)
    assert (survey.status, survey.score) == ("answered", 4)
    queue = HandoffQueue(desk.store, load_handoff_settings(desk.store.tz))
    assert queue.open_case_for("tg", customer.chat_id) is None, "a good score reopens nothing"


def test_wechat_the_check_is_pushed_with_numbers_and_a_2_reopens_the_complaint(
        stack: Stack, wechat: WeChatServer, wechat_api: FakeWeChatApi, desk: SurveyDesk):
    sender = openid()
    complaint_id = _wechat_plan_accepted(stack, wechat, sender, "DD20261121242")
    assert wechat_api.tried(sender) == 0, "so far every answer was a passive reply"

    desk.make_due(complaint_id)
    [check] = wechat_api.wait_for(sender)
    assert complaint_id in check
    assert "\n5. 非常满意\n4. 满意\n3. 一般\n2. 不满意\n1. 很不满意" in check, "each score as its own number"
    eventually(lambda: desk.survey(complaint_id).status == "sent", what="the survey was recorded sent")

    reply = wechat.send(sender, Content="2")
    assert stack.responses(sender_id("wechat", sender)) == ["utter_survey_low"] and complaint_id in reply, \
        "told who takes it over and when"
    survey = desk.survey(complaint_id)
    assert (survey.status, survey.score) == ("answered", 2)
    queue = HandoffQueue(desk.store, load_handoff_settings(desk.store.tz))
    case = queue.open_case_for("wechat", sender_id("wechat", sender))
    assert (case.reason, case.priority, case.complaint.public_id) == ("low_satisfaction", "P2", complaint_id)
    assert desk.store.get(complaint_id).status == "open"


def test_wechat_outside_the_48_hours_the_check_is_tried_once_and_not_counted_as_sent(
        stack: Stack, wechat: WeChatServer, wechat_api: FakeWeChatApi, desk: SurveyDesk):
    sender = openid()
    complaint_id = _wechat_plan_accepted(stack, wechat, sender, "DD20261122353")
    wechat_api.refuse[sender] = 45015  # the customer last wrote more than 48 hours ago

    desk.make_due(complaint_id)
    wechat_api.wait_tried(sender)
    job = eventually(lambda: (j := desk.job(complaint_id)).status not in ("pending", "running") and j,
                     what="the job finished")
    assert (job.status, job.attempts) == ("failed", 1), "given up at once, not retried"
    assert desk.survey(complaint_id).status == "undeliverable"
    assert EvidenceStore(desk.store).is_unreachable("wechat", sender_id("wechat", sender))
    assert wechat_api.tried(sender) == 1
