"""The web chat with two Rasa servers: a message pushed through one of them (an agent's reply,
a survey) reaches a page whose Socket.IO connection is held by the other (rooms shared in Redis)."""
from __future__ import annotations

import asyncio
from typing import Any, Dict

from bot.rasa_api import RasaApi
from tests.auxil.socket_io import SocketIOClient
from tests.scale.conftest import ScaleOut


async def _next_text(page: SocketIOClient, text: str, timeout: float) -> Dict[str, Any]:
    """The first bot message with `text`, skipping others (the greeting)."""
    async def find() -> Dict[str, Any]:
        while True:
            message = await page.next("bot_uttered", timeout)
            if message.get("text") == text:
                return message
    return await asyncio.wait_for(find(), timeout)


async def test_an_agents_reply_through_one_instance_reaches_a_page_on_the_other(scale_out: ScaleOut):
    page_server, other_server = scale_out.rasa_ports
    page = await SocketIOClient(f"http://127.0.0.1:{page_server}").connect()
    api = RasaApi(f"http://127.0.0.1:{other_server}", scale_out.stack.token)
    try:
        await page.emit("session_request", {})
        session_id = (await page.next("session_confirm", 30)).rpartition(".")[0]  # web:…, the sender id
        await page.emit("user_uttered", {"message": "你好"})
        await page.next("bot_uttered", 60)  # the assistant's greeting, from the page's server

        reply = "您好，我是客服王芳，您的问题由我来跟进。"
        await api.send_text(session_id, reply, {"agent": "王芳"})
        await _next_text(page, reply, 30)
    finally:
        await page.disconnect()
        await api.close()
