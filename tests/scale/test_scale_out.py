"""Scale-out: any Rasa instance serves any conversation. Messages of one conversation that arrive
at the same moment on different instances are processed one at a time, none lost or duplicated."""
from __future__ import annotations

import asyncio
import re
import time
import uuid
from typing import Any, Dict, List, Tuple

import httpx

from bot.rasa_api import RasaApi
from bot.storage import ComplaintStore
from tests.auxil.stack import Stack
from tests.scale.conftest import ScaleOut

ID_PATTERN = re.compile(r"TS-\d{8}-\d{4}")

#: Ten different questions, each answered without starting a form or a handoff.
QUESTIONS = ["你好", "退货期限是多久", "几天内可以退货", "退款多久到账", "退款要几天",
             "保修多长时间", "保修期是多久", "多久能退款", "能保修几年", "谢谢"]


async def _send_at_once(stack: Stack, sender: str, messages: List[str]) -> List[Tuple[List[str], str]]:
    """POST all `messages` to the REST channel concurrently; per message: reply texts and the
    instance that served it (nginx's X-Upstream)."""
    async with httpx.AsyncClient(timeout=120) as client:
        responses = await asyncio.gather(*(
            client.post(f"{stack.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": message},
                        headers=stack.rest_headers())
            for message in messages))
    for response in responses:
        response.raise_for_status()
    return [([reply.get("text", "") for reply in response.json()], response.headers["X-Upstream"])
            for response in responses]


def _turns(events: List[Dict[str, Any]]) -> List[Tuple[str, List[str], List[Dict[str, Any]]]]:
    """(user text, bot texts, all events) of each turn, from a user event to the next."""
    turns: List[Tuple[str, List[str], List[Dict[str, Any]]]] = []
    for event in events:
        if event["event"] == "user":
            turns.append((event["text"], [], []))
        elif turns:
            turns[-1][2].append(event)
            if event["event"] == "bot":
                turns[-1][1].append(event["text"])
    return turns


def test_concurrent_messages_of_one_conversation_are_processed_in_order(scale_out: ScaleOut):
    stack, sender = scale_out.stack, f"scale-{uuid.uuid4().hex[:8]}"
    results = asyncio.run(_send_at_once(stack, sender, QUESTIONS))

    served_by = {upstream for _, upstream in results}
    assert served_by == {f"127.0.0.1:{port}" for port in scale_out.rasa_ports}, served_by

    events = stack.tracker(sender)["events"]
    turns = _turns(events)
    assert sorted(text for text, _, _ in turns) == sorted(QUESTIONS), "every message once"
    replies = dict(zip(QUESTIONS, (texts for texts, _ in results)))
    for text, bot_texts, turn_events in turns:
        assert bot_texts and bot_texts == replies[text], f"{text!r} answered in its own turn"
        assert (turn_events[-1]["event"], turn_events[-1].get("name")) == ("action", "action_listen"), \
            f"the turn of {text!r} ended before the next message was processed"
    assert [e["event"] for e in events].count("session_started") == 1


def test_a_complaint_finished_across_instances_is_recorded_once(scale_out: ScaleOut):
    stack, sender = scale_out.stack, f"scale-{uuid.uuid4().hex[:8]}"
    served_by = set()
    for message in ("我买的蓝牙耳机才用了三天左耳就没声音了", "上周五收到的", "订单号DD20261120031",
                    "换一个新的吧", "13812345678"):
        [(replies, upstream)] = asyncio.run(_send_at_once(stack, sender, [message]))
        served_by.add(upstream)
    assert "DD20261120031" in "\n".join(replies), "the read-back"

    # The customer confirms twice at once (a double tap), on both instances.
    confirmations = asyncio.run(_send_at_once(stack, sender, ["对的", "对的"]))
    served_by |= {upstream for _, upstream in confirmations}
    assert served_by == {f"127.0.0.1:{port}" for port in scale_out.rasa_ports}
    ids = {found for texts, _ in confirmations for found in ID_PATTERN.findall("\n".join(texts))}
    assert len(ids) == 1, f"one complaint ID in the replies: {confirmations}"

    store = ComplaintStore(stack.database_url)
    try:
        stored = store.for_customer("rest", stack.conversation(sender))
        assert [complaint.public_id for complaint in stored] == list(ids)
    finally:
        store.close()


async def _tracker_through_the_api(url: str, token: str, sender: str) -> Dict[str, Any]:
    rasa = RasaApi(url, token)
    try:
        return await rasa.tracker(sender)
    finally:
        await rasa.close()


def test_tokens_and_query_strings_stay_out_of_the_logs(scale_out: ScaleOut):
    """The console and worker authenticate in a header; nginx's access log keeps paths without
    query strings, so even a token sent the old way (`?token=`) is not kept; no server logs it."""
    sender = f"log-{uuid.uuid4().hex[:8]}"
    scale_out.stack.say(sender, "你好")
    scale_out.stack.tracker(sender)  # ?token=… through nginx
    conversation = scale_out.stack.conversation(sender)
    assert asyncio.run(_tracker_through_the_api(scale_out.stack.rasa_url, scale_out.stack.token,
                                                conversation))["sender_id"] == conversation
    access_log = scale_out.stack.workdir / "logs" / "access.log"
    path = f"/conversations/{conversation}/tracker"
    deadline = time.monotonic() + 30  # nginx flushes its buffered log every second
    while access_log.read_text(errors="replace").count(path) < 2 and time.monotonic() < deadline:
        time.sleep(0.5)
    logged = access_log.read_text(errors="replace")
    assert logged.count(f"GET {path} HTTP/1.1") == 2
    assert "?" not in logged and "token" not in logged
    for log in (scale_out.stack.workdir / "logs").iterdir():
        assert scale_out.stack.token not in log.read_text(errors="replace"), log.name


def test_behind_nginx_the_rest_channel_answers_only_with_its_token(scale_out: ScaleOut):
    url = f"{scale_out.stack.rasa_url}/webhooks/rest/webhook"
    message = {"sender": "outsider", "message": "你好"}
    assert httpx.post(url, json=message, timeout=30).status_code == 401
    assert httpx.post(url, json=message, headers={"Authorization": "Bearer guess"}, timeout=30).status_code == 401
    assert httpx.post(url, json=message, headers=scale_out.stack.rest_headers(), timeout=60).status_code == 200
