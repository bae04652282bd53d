"""The WeChat channel end to end: the real Rasa server and action server, a fake WeChat that signs
and encrypts like WeChat, and a fake customer-service API recording what customers receive."""
from __future__ import annotations

import asyncio
import re
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Iterator, Optional
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select

from bot.storage import ComplaintStore, EvidenceStore, HandoffQueue
from bot.storage.models import EvidenceRow
from bot.handoff import load_handoff_settings
from bot.identity import sender_id
from bot.responses import load_responses
from bench.fake_wechat import (
    FakeWeChatApi, OfficialAccount, WeChatServer, credentials_with_wechat, fake_wechat_api, message_xml,
    next_msg_id, openid, sign,
)
from tests.auxil.agent_reply import agent_says
from tests.auxil.channel_responses import response_name
from tests.auxil.media import PHOTO
from tests.auxil.stack import Stack, running_stack, trained_model
from tests.auxil.store_faults import evidence_refused

ACCOUNT = OfficialAccount()
ID_PATTERN = re.compile(r"TS-\d{8}-\d{4}")


@pytest.fixture(scope="module")
def api() -> Iterator[FakeWeChatApi]:
    with fake_wechat_api() as fake:
        yield fake


@pytest.fixture(scope="module")
def stack(api: FakeWeChatApi, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """One assistant for the module, with the WeChat channel enabled as the README says."""
    workdir = tmp_path_factory.mktemp("wechat")
    credentials = workdir / "credentials.yml"
    credentials.write_text(credentials_with_wechat(), encoding="utf-8")
    with running_stack(workdir, trained_model(), credentials=credentials, start_console=False,
                       extra_env={**ACCOUNT.env(), "WECHAT_API_BASE_URL": api.url}) as running:
        yield running


@pytest.fixture
def wechat(stack: Stack) -> WeChatServer:
    return WeChatServer(f"{stack.rasa_url}/webhooks/wechat/webhook", ACCOUNT, safe=True)


def _customer(sender: str) -> str:
    """The sender id of the WeChat customer `sender` (an openid)."""
    return sender_id("wechat", sender)


def _responses(stack: Stack, sender: str) -> list:
    """The names of the responses to the customer's latest message (`Stack.responses`)."""
    return stack.responses(_customer(sender))


def _user_texts(stack: Stack, sender: str) -> list:
    return [e["text"] for e in stack.tracker(_customer(sender))["events"] if e["event"] == "user"]


def _requested(stack: Stack, response: str, reply: Optional[str], expected: str = "") -> None:
    """The customer got `response` (with `expected` in it); while domain.yml lacks it, the
    channel asked for it (the Rasa log says so) and said nothing."""
    try:
        load_responses().variants(response)
    except KeyError:
        assert reply is None
        assert f"domain.yml has no response {response}" in stack.rasa_log.read_text(errors="replace")
        return
    assert reply and expected in reply


def test_url_verification_echoes_only_for_the_token(stack: Stack):
    url = f"{stack.rasa_url}/webhooks/wechat/webhook"
    stamp, nonce = str(int(time.time())), "n0nce"
    params = {"signature": sign(ACCOUNT.token, stamp, nonce), "timestamp": stamp, "nonce": nonce,
              "echostr": "4867220531290345818"}
    assert httpx.get(url, params=params).text == "4867220531290345818"
    assert httpx.get(url, params={**params, "signature": "f" * 40}).status_code == 403


def test_a_whole_complaint_in_safe_mode_with_numbered_options(stack: Stack, wechat: WeChatServer,
                                                              api: FakeWeChatApi):
    sender = openid()
    assert wechat.send(sender, Content="你好") and "utter_greet" in _responses(stack, sender)
    assert wechat.send(sender, Content="我买的蓝牙耳机才用了三天左耳就没声音了")
    empathy, *question = _responses(stack, sender)
    assert empathy.startswith("utter_empathy_") and question == ["utter_ask_incident_time"]
    assert wechat.send(sender, Content="上周五收到的")
    assert _responses(stack, sender)[-1] == "utter_ask_order_number"
    options = wechat.send(sender, Content="订单号DD20261120031")
    assert _responses(stack, sender)[-1] == "utter_ask_desired_remedy" and re.search(r"\n1\. .+\n2\. .+\n", options)
    assert wechat.send(sender, Content="2") and _responses(stack, sender)[-1] == "utter_ask_contact_phone"
    read_back = wechat.send(sender, Content="13812345678")
    assert _responses(stack, sender)[-1] == "utter_read_back" and "\n1. " in read_back
    for expected in ("左耳就没声音了", "上周五", "DD20261120031", "换货", "13812345678"):
        assert expected in read_back
    recorded = wechat.send(sender, Content="1")
    complaint_id = ID_PATTERN.search(recorded).group(0)
    assert _responses(stack, sender)[-1] == "utter_ask_plan_ok" and "\n1. " in recorded
    assert wechat.send(sender, Content="1") and "utter_plan_accepted" in _responses(stack, sender)

    stored = ComplaintStore(stack.database_url).get(complaint_id)
    assert (stored.channel, stored.sender_id) == ("wechat", _customer(sender))
    assert stored.desired_remedy == "exchange" and stored.customer_accepted is True

    api.media[f"media-photo-{sender}"] = (PHOTO, "image/jpeg")
    photo = wechat.send(sender, "image", PicUrl="http://mmbiz.qpic.cn/1.jpg", MediaId=f"media-photo-{sender}")
    [kept] = EvidenceStore(ComplaintStore(stack.database_url)).for_complaint(complaint_id)
    assert (kept.kind, kept.media_id, kept.url) == ("image", f"media-photo-{sender}", "http://mmbiz.qpic.cn/1.jpg")
    _requested(stack, "utter_evidence_attached", photo, complaint_id)
    assert stack.evidence_file(kept.id) == PHOTO, "downloaded with the temporary media API"
    assert EvidenceStore(ComplaintStore(stack.database_url)).get(kept.id).file.content_type == "image/jpeg"


def test_a_photo_wechat_no_longer_has_keeps_its_media_id_and_says_why(stack: Stack, wechat: WeChatServer,
                                                                     api: FakeWeChatApi):
    sender = openid()
    assert wechat.send(sender, "image", PicUrl="http://mmbiz.qpic.cn/2.jpg", MediaId=f"expired-{sender}")
    customers = EvidenceStore(ComplaintStore(stack.database_url))
    deadline = time.monotonic() + 30
    while f"expired-{sender}" not in api.media_fetches and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1)
    with ComplaintStore(stack.database_url).session() as s:
        [evidence_id] = s.execute(select(EvidenceRow.id).where(EvidenceRow.media_id == f"expired-{sender}")).scalars()
    kept = customers.get(evidence_id)
    assert kept.file is None and kept.media_id == f"expired-{sender}"
    assert kept.fetch_error == "WeChat error 40007: invalid media_id"
    assert api.media_fetches.count(f"expired-{sender}") == 1, "WeChat said it is gone: not asked again"


def test_in_safe_mode_a_plaintext_message_is_refused_before_rasa(stack: Stack):
    """Its signature covers no body: a captured URL could carry anything (plain mode: test_wechat_plain)."""
    plain = WeChatServer(f"{stack.rasa_url}/webhooks/wechat/webhook", ACCOUNT, safe=False)
    sender = openid()
    assert plain.post(message_xml(sender, "text", next_msg_id(), Content="我要投诉"), sender).status_code == 403
    assert _user_texts(stack, sender) == []


def test_a_slow_answer_is_success_then_a_customer_service_message(wechat: WeChatServer, api: FakeWeChatApi):
    sender = openid()
    # Sent 10 s ago by WeChat's clock: WeChat no longer waits for a passive reply.
    assert wechat.send(sender, Content="你好", timestamp=int(time.time()) - 10) is None
    assert response_name(api.wait_for(sender)[0]) == "utter_greet"


def test_the_same_message_three_times_is_one_turn_and_one_complaint(stack: Stack, wechat: WeChatServer,
                                                                   api: FakeWeChatApi):
    sender = openid()
    for text in ("我买的跑鞋才穿两天就开胶了", "上周三", "订单号DD20261101001", "退款"):
        wechat.send(sender, Content=text)
    assert wechat.send(sender, Content="不用留电话") and _responses(stack, sender)[-1] == "utter_read_back"
    confirm = message_xml(sender, "text", next_msg_id(), Content="对的")
    with ThreadPoolExecutor(3) as pool:
        replies = list(pool.map(lambda _: wechat.reply_text(wechat.post(confirm, sender), sender), range(3)))
    answered = {reply for reply in replies if reply is not None}
    assert len(answered) == 1 and ID_PATTERN.search(answered.pop()), replies
    assert wechat.reply_text(wechat.post(confirm, sender), sender) in (None, *replies), "a late retry too"

    assert _user_texts(stack, sender).count("对的") == 1
    assert len(ComplaintStore(stack.database_url).for_customer("wechat", _customer(sender))) == 1
    assert api.tried(sender) == 0, "nothing pushed besides the passive reply"


def test_forged_or_stale_requests_are_refused_before_rasa(stack: Stack, wechat: WeChatServer):
    sender = openid()
    params, body = wechat.envelope(message_xml(sender, "text", next_msg_id(), Content="我要投诉"), sender)
    assert wechat.post_raw({**params, "signature": "0" * 40}, body).status_code == 403
    assert wechat.post_raw({**params, "msg_signature": "0" * 40}, body).status_code == 403
    stale = wechat.post(message_xml(sender, "text", next_msg_id(), Content="我要投诉"), sender,
                        timestamp=int(time.time()) - 600)
    assert stale.status_code == 403
    assert _user_texts(stack, sender) == []


def test_malformed_xml_is_400_and_kept(stack: Stack, wechat: WeChatServer):
    sender = openid()
    broken = f"<xml><FromUserName>{sender}</FromUserName><Content>耳机坏了，电话13812345678"
    response = wechat.post(broken, sender)
    assert response.status_code == 400
    kept = [m for m in ComplaintStore(stack.database_url).unanswered() if m.sender_id == sender]
    assert [(m.text, m.reason) for m in kept] == [(broken, "malformed")]
    assert "13812345678" not in stack.rasa_log.read_text(errors="replace"), "logged masked"


@pytest.mark.parametrize("field, value", [("MsgId", "12ab"), ("CreateTime", "yesterday"),
                                          ("CreateTime", "9" * 30)])
def test_a_field_wechat_never_sends_is_400_naming_it_kept_and_the_server_answers_on(
        stack: Stack, wechat: WeChatServer, field: str, value: str):
    sender = openid()
    numbers = {"msg_id": next_msg_id(), "create_time": int(time.time()),
               {"MsgId": "msg_id", "CreateTime": "create_time"}[field]: value}
    xml = message_xml(sender, "text", Content="耳机坏了", **numbers)
    response = wechat.post(xml, sender)
    assert response.status_code == 400 and field in response.text
    kept = [m for m in ComplaintStore(stack.database_url).unanswered() if m.sender_id.endswith(sender)]
    assert [(m.text, m.reason) for m in kept] == [(xml, "malformed")]
    assert wechat.send(sender, Content="你好") and "utter_greet" in _responses(stack, sender), \
        "the server answers on"


def test_a_message_that_cannot_be_processed_is_kept_and_the_customer_gets_an_apology(
        stack: Stack, wechat: WeChatServer):
    sender = openid()
    with evidence_refused(stack.database_url, sender):
        reply = wechat.send(sender, "image", PicUrl="http://mmbiz.qpic.cn/9.jpg", MediaId="media-refused")
    assert reply in load_responses().variants("utter_system_trouble")
    kept = [m for m in ComplaintStore(stack.database_url).unanswered() if m.sender_id.endswith(sender)]
    assert [m.reason for m in kept] == ["error"] and "media-refused" in kept[0].text


def test_outside_the_48_hours_a_push_is_tried_once_and_the_customer_marked(
        stack: Stack, wechat: WeChatServer, api: FakeWeChatApi):
    sender = openid()
    api.refuse[sender] = 45015
    assert wechat.send(sender, Content="你好", timestamp=int(time.time()) - 10) is None
    api.wait_tried(sender)
    customers = EvidenceStore(ComplaintStore(stack.database_url))
    _eventually(lambda: customers.is_unreachable("wechat", _customer(sender)))

    asyncio.run(agent_says(stack, _customer(sender), "您好，我是客服小李"))  # returns once sent or given up
    assert api.tried(sender) == 1, "no retry, and no further tries while unreachable"

    del api.refuse[sender]
    assert wechat.send(sender, Content="你好") and "utter_greet" in _responses(stack, sender), \
        "writing again makes them reachable"
    assert not customers.is_unreachable("wechat", _customer(sender))


def test_an_agents_reply_after_handoff_reaches_the_customer(stack: Stack, wechat: WeChatServer,
                                                           api: FakeWeChatApi):
    sender = openid()
    wechat.send(sender, Content="我买的电热水壶用了三天就坏了")
    assert wechat.send(sender, Content="再不处理我就去12315投诉你们")
    assert _responses(stack, sender)[0] == "utter_handoff_threat"
    assert stack.tracker(_customer(sender))["paused"] is True
    queue = HandoffQueue(ComplaintStore(stack.database_url), load_handoff_settings(ZoneInfo("Asia/Shanghai")))
    assert queue.open_case_for("wechat", _customer(sender)).reason == "threat"
    assert wechat.send(sender, Content="人呢？"), "the first message while paused is acknowledged"
    assert wechat.send(sender, Content="人呢？") is None, "then, while paused, the agent answers"

    asyncio.run(agent_says(stack, _customer(sender), "您好，您的问题由我来跟进，今天下班前给您答复。", "王芳"))
    assert api.wait_for(sender) == ["客服 王芳：您好，您的问题由我来跟进，今天下班前给您答复。"], \
        "the customer sees a person took over, and who"


def test_voice_menus_and_follows(stack: Stack, wechat: WeChatServer):
    sender = openid()
    _requested(stack, "utter_wechat_welcome", wechat.send(sender, "event", Event="subscribe"))
    assert wechat.send(sender, "event", Event="CLICK", EventKey="PROGRESS")
    assert _responses(stack, sender) == ["utter_progress_none"]
    assert wechat.send(sender, "voice", MediaId="v1", Format="amr", Recognition="我的快递丢了。")
    assert _responses(stack, sender)[0].startswith("utter_empathy_")
    _requested(stack, "utter_wechat_voice_not_recognised", wechat.send(sender, "voice", MediaId="v2", Format="amr"))
    _requested(stack, "utter_evidence_kept", wechat.send(sender, "location", Location_X="31.2",
                                                                Location_Y="121.4", Scale="15", Label="上海"))
    assert wechat.send(sender, "event", Event="unsubscribe") is None
    assert EvidenceStore(ComplaintStore(stack.database_url)).is_unreachable("wechat", _customer(sender))


def _eventually(check, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)
