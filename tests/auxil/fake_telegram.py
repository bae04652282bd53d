"""A fake Telegram for tests: the Bot API the channel calls, and the updates Telegram posts to it.

`FakeBotApi` answers the Bot API methods the channel uses (getMe, sendMessage,
answerCallbackQuery, setWebhook, getFile and the file download) on a stdlib HTTP server thread
with the JSON the real API gives,
records every call, and can answer flood control (429 with `retry_after`) or "bot was blocked by
the user" (403) for a chat. `Customer` builds genuine Update JSON (text, commands, photos, edits,
button presses, group messages, blocking) and `Webhook` posts it as Telegram does, with the
secret token header. `credentials_with_telegram` enables the channel the way the README says.
"""
from __future__ import annotations

import itertools
import json
import re
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple, Union
from urllib.parse import parse_qsl, unquote

import httpx

from bench.json_http import JsonHandler

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456789:AAF-test-token_for-the-fake-bot-api"
SECRET = "test-webhook-secret_4f9c"
BOT_USER = {"id": 123456789, "is_bot": True, "first_name": "投诉助手", "username": "complaints_test_bot"}
#: Parameters python-telegram-bot sends JSON-encoded (strings go as they are).
JSON_PARAMS = {"reply_markup", "allowed_updates", "entities", "link_preview_options", "reply_parameters"}
_ids = itertools.count(int(time.time() * 1000) % 10**9)


def credentials_with_telegram() -> str:
    """The repository's credentials.yml with its Telegram entry uncommented, as an operator enables it."""
    text = (ROOT / "credentials.yml").read_text(encoding="utf-8")
    block = re.search(r"^# channels\.telegram\.TelegramInput:\n(?:#   .*\n?)+", text, re.MULTILINE)
    assert block, "credentials.yml documents the Telegram entry, commented out"
    return text.replace(block.group(0), re.sub(r"^# ?", "", block.group(0), flags=re.MULTILINE))


def telegram_env(api_url: str) -> Dict[str, str]:
    """The environment credentials.yml and the channel read."""
    return {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_WEBHOOK_SECRET": SECRET, "TELEGRAM_API_BASE_URL": api_url}


@dataclass
class Call:
    """One Bot API request: the method and its parameters (JSON values decoded)."""

    method: str
    params: Dict[str, Any]


class FakeBotApi:
    """The Bot API for bot `TOKEN` on a local port."""

    def __init__(self) -> None:
        self.calls: List[Call] = []
        self.flood: Dict[str, List[int]] = {}
        """Chat id → `retry_after` seconds the next sendMessage calls to it get, one per call."""
        self.blocked: set[str] = set()
        """Chats whose customer blocked the bot: sendMessage gets 403."""
        self.files: Dict[str, bytes] = {}
        """file_id → the file getFile and /file/bot<token>/<file_path> give; others get 400."""
        self._changed = threading.Condition()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()

    @property
    def url(self) -> str:
        """What `TELEGRAM_API_BASE_URL` is set to."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def calls_of(self, method: str, chat_id: Optional[str] = None) -> List[Call]:
        return [c for c in list(self.calls) if c.method == method
                and (chat_id is None or str(c.params.get("chat_id")) == str(chat_id))]

    def sent(self, chat_id: str) -> List[Dict[str, Any]]:
        """The messages delivered to `chat_id` (as the API returned them), in order."""
        return [c.params["_result"] for c in self.calls_of("sendMessage", chat_id) if "_result" in c.params]

    def texts(self, chat_id: str) -> List[str]:
        return [m["text"] for m in self.sent(chat_id)]

    def wait_for(self, chat_id: str, count: int = 1, timeout: float = 30) -> List[str]:
        """The texts delivered to `chat_id` once there are at least `count`."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.texts(chat_id)) < count:
                left = deadline - time.monotonic()
                assert left > 0, f"{len(self.texts(chat_id))} of {count} messages to {chat_id} arrived"
                self._changed.wait(left)
        return self.texts(chat_id)

    def answer(self, method: str, params: Dict[str, Any]) -> Tuple[int, Dict[str, Any]]:
        """The HTTP status and JSON the real Bot API gives for this call."""
        call = Call(method, params)
        with self._changed:
            self.calls.append(call)
            status, body = self._outcome(call)
            self._changed.notify_all()
        return status, body

    def _outcome(self, call: Call) -> Tuple[int, Dict[str, Any]]:
        chat_id = str(call.params.get("chat_id", ""))
        if call.method == "getMe":
            return 200, {"ok": True, "result": {**BOT_USER, "can_join_groups": True,
                                                "can_read_all_group_messages": False,
                                                "supports_inline_queries": False}}
        if call.method in ("answerCallbackQuery", "setWebhook"):
            return 200, {"ok": True, "result": True}
        if call.method == "getFile":
            file_id = str(call.params.get("file_id"))
            if file_id not in self.files:
                return 400, {"ok": False, "error_code": 400, "description": "Bad Request: invalid file_id"}
            return 200, {"ok": True, "result": {"file_id": file_id, "file_unique_id": file_id[-12:],
                                                "file_size": len(self.files[file_id]),
                                                "file_path": f"photos/{_file_path(file_id)}"}}
        if call.method != "sendMessage":
            return 404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
        if chat_id in self.blocked:
            return 403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
        if self.flood.get(chat_id):
            wait = self.flood[chat_id].pop(0)
            return 429, {"ok": False, "error_code": 429, "description": f"Too Many Requests: retry after {wait}",
                         "parameters": {"retry_after": wait}}
        result = {"message_id": next(_ids), "from": BOT_USER, "date": int(time.time()),
                  "chat": {"id": int(chat_id), "first_name": "小明", "type": "private"},
                  "text": call.params["text"]}
        if call.params.get("reply_markup"):
            result["reply_markup"] = call.params["reply_markup"]
        call.params["_result"] = result
        return 200, {"ok": True, "result": result}

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _file_path(file_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", file_id)


def _handler(api: FakeBotApi) -> type:
    class Handler(JsonHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            """A file download: /file/bot<token>/<file_path>, as getFile gave it."""
            paths = {f"/file/bot{TOKEN}/photos/{_file_path(file_id)}": data for file_id, data in api.files.items()}
            path = unquote(self.path)
            if path not in paths:
                return self.reply_json(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            self.reply_bytes(paths[path], "application/octet-stream")

        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            prefix, _, method = self.path.strip("/").rpartition("/")
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode("utf-8")
            if prefix != f"bot{TOKEN}":
                return self.reply_json(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            if self.headers.get("Content-Type", "").startswith("application/json"):
                params = json.loads(raw or "{}")
            else:  # python-telegram-bot posts a form
                params = {key: json.loads(value) if key in JSON_PARAMS else value for key, value in parse_qsl(raw)}
            self.reply_json(*api.answer(method, params))

    return Handler


@contextmanager
def fake_bot_api() -> Iterator[FakeBotApi]:
    """A running `FakeBotApi`, stopped on exit."""
    api = FakeBotApi()
    try:
        yield api
    finally:
        api.stop()


@dataclass
class Customer:
    """A Telegram user in a private chat with the bot (or, with `group`, writing in a group)."""

    user_id: int = field(default_factory=lambda: next(_ids))
    first_name: str = "小明"
    group: Optional[int] = None

    @property
    def chat_id(self) -> str:
        """The chat's id, where the bot sends."""
        return str(self.group if self.group is not None else self.user_id)

    @property
    def sender_id(self) -> str:
        """The sender id the channel gives the chat's conversation (`bot.identity`)."""
        return f"tg:{self.chat_id}"

    def user(self) -> Dict[str, Any]:
        return {"id": self.user_id, "is_bot": False, "first_name": self.first_name, "language_code": "zh-hans"}

    def chat(self) -> Dict[str, Any]:
        if self.group is not None:
            return {"id": self.group, "title": "售后交流群", "type": "supergroup"}
        return {"id": self.user_id, "first_name": self.first_name, "type": "private"}

    def message(self, date: Optional[int] = None, **content: Any) -> Dict[str, Any]:
        """A message from the customer carrying `content` (text=…, photo=…, …)."""
        text = content.get("text", "")
        if text.startswith("/"):
            content["entities"] = [{"offset": 0, "length": len(text.split()[0]), "type": "bot_command"}]
        return {"message_id": next(_ids), "from": self.user(), "chat": self.chat(),
                "date": date or int(time.time()), **content}

    def update(self, **content: Any) -> Dict[str, Any]:
        """An update with a new message."""
        return {"update_id": next(_ids), "message": self.message(**content)}

    def photo(self, caption: Optional[str] = None) -> Dict[str, Any]:
        """An update with a photo in Telegram's sizes, smallest first."""
        unique = f"AQADphoto{next(_ids)}"
        sizes = [{"file_id": f"AgACAgUAAxkBAAI{unique}-{w}", "file_unique_id": f"{unique}-{w}",
                  "file_size": w * 40, "width": w, "height": w * 3 // 4} for w in (90, 320, 1280)]
        return self.update(photo=sizes, **({"caption": caption} if caption else {}))

    def voice(self, duration: int = 3) -> Dict[str, Any]:
        """An update with a voice message (Opus in Ogg, as Telegram's apps record it)."""
        unique = f"AwADvoice{next(_ids)}"
        return self.update(voice={"file_id": f"AwACAgUAAxkBAAI{unique}", "file_unique_id": unique,
                                  "duration": duration, "mime_type": "audio/ogg", "file_size": 4000})

    def edited(self, text: str, seconds_later: int) -> Dict[str, Any]:
        """An update: a message sent `seconds_later` s ago, edited now to say `text`."""
        now = int(time.time())
        return {"update_id": next(_ids),
                "edited_message": {**self.message(date=now - seconds_later, text=text), "edit_date": now}}

    def press(self, sent: Dict[str, Any], title: str) -> Dict[str, Any]:
        """An update: the button titled `title` pressed under the bot's message `sent`."""
        buttons = [b for row in sent["reply_markup"]["inline_keyboard"] for b in row]
        [button] = [b for b in buttons if b["text"] == title]
        return {"update_id": next(_ids), "callback_query": {
            "id": str(next(_ids)), "from": self.user(), "message": sent,
            "chat_instance": str(-self.user_id), "data": button["callback_data"]}}

    def blocks_bot(self) -> Dict[str, Any]:
        """An update: the customer blocked the bot."""
        return {"update_id": next(_ids), "my_chat_member": {
            "chat": self.chat(), "from": self.user(), "date": int(time.time()),
            "old_chat_member": {"user": BOT_USER, "status": "member"},
            "new_chat_member": {"user": BOT_USER, "status": "kicked", "until_date": 0}}}


@dataclass
class Webhook:
    """Telegram posting updates to the channel's webhook."""

    url: str
    secret: str = SECRET

    def post(self, update: Any, secret: Union[str, bytes, None] = None, timeout: float = 60) -> httpx.Response:
        body = update if isinstance(update, (str, bytes)) else json.dumps(update, ensure_ascii=False)
        return httpx.post(self.url, content=body, timeout=timeout, headers={
            "Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret or self.secret})

    def deliver(self, update: Dict[str, Any]) -> None:
        """Post `update` and check Telegram would be content (200)."""
        response = self.post(update)
        assert response.status_code == 200, (response.status_code, response.text[:300])


def malformed_updates(customer: Customer) -> Dict[str, Tuple[str, str]]:
    """Bodies Telegram never sends, by what is wrong with them: (JSON text, a word the channel's
    400 names the problem by)."""
    def with_message(**fields: Any) -> str:
        update = customer.update(text="耳机坏了")
        update["message"].update(fields)
        return json.dumps(update, ensure_ascii=False)

    def nested_replies(depth: int) -> str:  # written by hand: too deep for the json module
        reply = json.dumps(customer.message(text="再说一遍"), ensure_ascii=False)[:-1] + ', "reply_to_message": '
        message = json.dumps(customer.message(text="耳机坏了"), ensure_ascii=False)
        return '{"update_id": %d, "message": ' % next(_ids) + reply * depth + message + "}" * depth + "}"

    press = {"id": str(next(_ids)), "from": customer.user(), "chat_instance": "-1", "data": 7,
             "message": customer.message(text="请选择")}
    return {
        "not JSON": ('{"update_id": 1, "message": {', "not JSON"),
        "nested too deep for JSON": ('{"update_id": 1, "message": ' + "[" * 100_000 + "]" * 100_000 + "}",
                                     "not JSON"),
        "nested too deep for python-telegram-bot": (nested_replies(3000), "RecursionError"),
        "update_id not a number": (json.dumps({"update_id": "1", "message": customer.message(text="你好")}),
                                   "update_id"),
        "a date out of range": (with_message(date=10 ** 20), "OverflowError"),
        "a message that is a string": ('{"update_id": %d, "message": "你好"}' % next(_ids), "not a Telegram update"),
        "a chat that is a string": (with_message(chat="private"), "not a Telegram update"),
        "a chat id that is a string": (with_message(chat={"id": "abc", "type": "private"}), "chat id"),
        "a text that is a number": (with_message(text=12345), "wrong type"),
        "a caption that is a number": (with_message(text=None, caption=7, location={"latitude": 1, "longitude": 2}),
                                       "not a string"),
        "button data that is a number": (json.dumps({"update_id": next(_ids), "callback_query": press}),
                                         "not a string"),
        "a photo size that is a number": (with_message(text=None, photo=[1, 2]), "not a Telegram update"),
    }
