"""A Socket.IO client for the web chat tests, speaking the wire protocol itself (Engine.IO 4 over
a WebSocket, with the `websockets` package Rasa installs).

python-socketio's own client needs a newer aiohttp for WebSockets than Rasa pins, and over long
polling each disconnect waits out the 25-second poll. This one connects and closes at once, and
can also send frames no well-behaved client would (the fuzz test).
"""
from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from typing import Any, DefaultDict, Optional

import websockets


class SocketIOClient:
    """One page's connection to the Socket.IO server at `base_url` (namespace "/")."""

    def __init__(self, base_url: str) -> None:
        self.url = base_url.replace("http://", "ws://", 1) + "/socket.io/?EIO=4&transport=websocket"
        self._events: DefaultDict[str, "asyncio.Queue[Any]"] = defaultdict(asyncio.Queue)
        self._reader: Optional["asyncio.Task[None]"] = None

    async def connect(self) -> "SocketIOClient":
        self.ws = await websockets.connect(self.url, open_timeout=10, max_size=None)
        opened = await asyncio.wait_for(self.ws.recv(), 10)
        assert isinstance(opened, str) and opened.startswith("0"), f"not an Engine.IO open packet: {opened!r}"
        await self.ws.send("40")
        self._reader = asyncio.create_task(self._read())
        return self

    async def __aenter__(self) -> "SocketIOClient":
        return await self.connect()

    async def __aexit__(self, *_: Any) -> None:
        await self.disconnect()

    async def disconnect(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            await self.ws.close()
            self._reader = None

    async def emit(self, event: str, data: Any) -> None:
        """Send the event `event` with `data`, as `socket.emit` does."""
        await self.ws.send("42" + json.dumps([event, data], ensure_ascii=True))

    async def raw(self, frame: Any) -> None:
        """Send `frame` as it is; text that is not valid UTF-8 (a lone surrogate) as its bytes."""
        if isinstance(frame, str):
            try:
                frame.encode("utf-8")
            except UnicodeEncodeError:
                frame = frame.encode("utf-8", "surrogatepass")
        await self.ws.send(frame)

    async def next(self, event: str, timeout: float) -> Any:
        """The data of the next event `event` the server sent (waiting up to `timeout` s)."""
        return await asyncio.wait_for(self._events[event].get(), timeout)

    def pending(self, event: str) -> list:
        """The events `event` received and not yet taken, taken now."""
        queue, taken = self._events[event], []
        while not queue.empty():
            taken.append(queue.get_nowait())
        return taken

    async def _read(self) -> None:
        try:
            async for frame in self.ws:
                if frame == "2":  # the server's ping
                    await self.ws.send("3")
                elif isinstance(frame, str) and frame.startswith("42"):
                    event, *data = json.loads(frame[2:])
                    self._events[event].put_nowait(data[0] if data else None)
        except websockets.ConnectionClosed:
            pass
