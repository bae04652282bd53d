"""The web chat with two Rasa servers: a message pushed through one of them (an agent's reply,
a survey) reaches a page whose Socket.IO connection is held by the other (rooms shared in Redis)."""
from __future__ import annotations

import asyncio
from typing import Any, Dict

import socketio

from bot.rasa_api import RasaApi
from tests.scale.conftest import ScaleOut


async def _next_text(received: "asyncio.Queue[Dict[str, Any]]", text: str, timeout: float) -> Dict[str, Any]:
    """The first bot message with `text`, skipping others (the greeting)."""
    async def find() -> Dict[str, Any]:
        while True:
            message = await received.get()
            if message.get("text") == text:
                return message
    return await asyncio.wait_for(find(), timeout)


async def test_an_agents_reply_through_one_instance_reaches_a_page_on_the_other(scale_out: ScaleOut):
    page_server, other_server = scale_out.rasa_ports
    received: "asyncio.Queue[Dict[str, Any]]" = asyncio.Queue()
    confirmed: "asyncio.Queue[str]" = asyncio.Queue()
    page = socketio.AsyncClient()
    page.on("bot_uttered", received.put_nowait)
    page.on("session_confirm", confirmed.put_nowait)
    # engineio's websocket client needs a newer aiohttp than Rasa pins
    await page.connect(f"http://127.0.0.1:{page_server}", transports=["polling"])
    api = RasaApi(f"http://127.0.0.1:{other_server}", scale_out.stack.token)
    try:
        await page.emit("session_request", {})
        session_id = (await asyncio.wait_for(confirmed.get(), 30)).rpartition(".")[0]  # web:…, the sender id
        await page.emit("user_uttered", {"message": "你好"})
        await asyncio.wait_for(received.get(), 60)  # the assistant's greeting, from the page's server

        reply = "您好，我是客服王芳，您的问题由我来跟进。"
        await api.send_text(session_id, reply, {"agent": "王芳"})
        await _next_text(received, reply, 30)
    finally:
        await page.disconnect()
        await api.close()
