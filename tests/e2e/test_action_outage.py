"""The action server down or stalled, with the real Rasa server: the complaint is not corrupted,
every customer gets the apology without waiting behind the stalled calls, a conversation's
messages still run one at a time, and what nobody answered is listed for a colleague."""
from __future__ import annotations

import json
import subprocess
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Dict, Iterator, List

from bot.responses import load_responses
from bot.storage import ComplaintStore
from tests.auxil.stack import ROOT, VENV_BIN, Stack, free_port, running_stack, server_env

#: Answers to the form's questions, by the slot asked.
ANSWERS = {"complaint_category": "/complain_quality", "incident_time": "上周五收到的",
           "order_number": "订单号DD20261120031", "desired_remedy": "换一个新的吧",
           "contact_phone": "13812345678"}


def _apologised(replies: List[Dict[str, Any]]) -> bool:
    return any(reply.get("text") in load_responses().variants("utter_system_trouble") for reply in replies)


def _unanswered(stack: Stack) -> List[List[str]]:
    """The rows of `python -m bot unanswered` for the last day, split into their columns."""
    listed = subprocess.run([str(VENV_BIN / "python"), "-m", "bot", "unanswered", "--since", "1d"],
                            capture_output=True, text=True, cwd=ROOT, check=True,
                            env=server_env({"DATABASE_URL": stack.database_url}))
    return [line.split("\t") for line in listed.stdout.splitlines()]


def test_answers_sent_while_the_action_server_is_down_are_not_taken_and_are_listed(model: Path, tmp_path: Path):
    with running_stack(tmp_path, model, start_console=False,
                       action_endpoint={"circuit_open_seconds": 0}) as stack:
        sender = f"outage-{uuid.uuid4().hex[:8]}"
        story = "我买的蓝牙耳机才用了三天左耳就没声音了"
        stack.say(sender, story)
        asked = stack.tracker(sender)["slots"]["requested_slot"]
        assert asked == "incident_time"

        stack.stop_actions()
        during = ["订单号DD20261120031", "换一个新的吧"]
        for text in during:
            assert _apologised(stack.say(sender, text))
        slots = stack.tracker(sender)["slots"]
        assert slots["incident_time"] is None, "no message was taken as the time"
        assert slots["complaint_details"] == story

        stack.restart_actions()
        for _ in range(len(ANSWERS) + 1):
            slots = stack.tracker(sender)["slots"]
            if slots["requested_slot"] is None:
                break
            assert not _apologised(stack.say(sender, ANSWERS[slots["requested_slot"]]))
        stack.say(sender, "对的")

        [complaint] = ComplaintStore(stack.database_url).for_customer("rest", stack.conversation(sender))
        assert (complaint.description, complaint.incident_time_text, complaint.order_number) == (
            story, "上周五", "DD20261120031")

        assert [row[1:5] for row in _unanswered(stack)] == [
            ["rest", stack.conversation(sender), "action_failed", text] for text in during]



def test_a_turn_no_rule_expects_gets_the_apology_while_the_action_server_is_down(model: Path, tmp_path: Path):
    """A "no" that names a problem with no yes/no question pending goes to the core fallback,
    `action_unexpected_turn`, on the action server: while it is down the customer gets the apology
    and the message is listed; once it is back the same words open the complaint."""
    with running_stack(tmp_path, model, start_console=False,
                       action_endpoint={"circuit_open_seconds": 0}) as stack:
        sender, said = f"unexpected-{uuid.uuid4().hex[:8]}", "不对 这样太不合理了"
        stack.say(sender, "你好")
        stack.stop_actions()
        assert _apologised(stack.say(sender, said))
        actions = [e["name"] for e in stack.tracker(sender)["events"] if e["event"] == "action"]
        assert "action_unexpected_turn" in actions, "the turn reached the core fallback"

        stack.restart_actions()
        replies = stack.responses_to(sender, said)
        assert replies[0].startswith("utter_empathy_") and replies[-1] == "utter_ask_complaint_category"

        assert [row[1:5] for row in _unanswered(stack)] == [
            ["rest", stack.conversation(sender), "action_failed", said]]

class StalledActionServer:
    """An action server that takes calls and never answers, noting each call's action."""

    def __init__(self) -> None:
        self.calls: List[str] = []
        self.release = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.calls.append(f"{body['sender_id']}:{body['next_action']}")
                outer.release.wait()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/webhook"

    @contextmanager
    def running(self) -> Iterator["StalledActionServer"]:
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.release.set()
            self.server.shutdown()
            self.server.server_close()


def _wait_for_call(server: StalledActionServer) -> None:
    deadline = time.monotonic() + 60
    while not server.calls:
        assert time.monotonic() < deadline, "the action server was never called"
        time.sleep(0.1)


def test_a_stalled_action_server_fails_fast_and_keeps_a_conversation_in_order(model: Path, tmp_path: Path):
    """Rasa's stock 300 s action timeout against an 8 s conversation lock: the call is cut at
    half the lock's lifetime, so the conversation's second message waits for the first (it never
    runs alongside it), and then, like another customer's message, fails at once without calling
    the stalled server."""
    with StalledActionServer().running() as stalled, running_stack(
            tmp_path, model, start_actions=False, start_console=False,
            action_endpoint={"url": stalled.url, "timeout": 300, "circuit_open_seconds": 600},
            extra_env={"TICKET_LOCK_LIFETIME": "8"}) as stack:
        first, other = f"stalled-{uuid.uuid4().hex[:8]}", f"other-{uuid.uuid4().hex[:8]}"
        with ThreadPoolExecutor(max_workers=2) as pool:
            opening = pool.submit(stack.say, first, "我要投诉，快递一个星期了还没送到")
            _wait_for_call(stalled)
            second = pool.submit(stack.say, first, "上周一下的单")
            assert _apologised(opening.result())
            assert _apologised(second.result())
        assert _apologised(stack.say(other, "我的耳机坏了"))

        assert stalled.calls == [f"{stack.conversation(first)}:action_session_start"], "only the first call reached it"
        texts = [e["text"] for e in stack.tracker(first)["events"] if e["event"] == "user"]
        assert texts == ["我要投诉，快递一个星期了还没送到", "上周一下的单"]
