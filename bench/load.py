"""Closed-loop synthetic customers: each sends its next message when the reply to the last one
arrived, over the REST channel or the WeChat channel (signed plain-mode XML); and the figures
taken from them (percentiles, messages per second, resident memory of server processes).

The client is aiohttp: on this 2-core machine httpx's async client managed about 300 requests a
second against the bare endpoint, aiohttp about 5000, so the client takes little from the servers.
"""
from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Pattern, Sequence

import aiohttp
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.conversations import Script  # noqa: E402
from bench.fake_wechat import OfficialAccount, WeChatServer, message_xml, next_msg_id, openid  # noqa: E402


def percentile(values: Sequence[float], share: float) -> float:
    """The `share` (0…1) percentile of `values`, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


class Rest:
    """Rasa's REST channel (/webhooks/rest/webhook), with its token when REST_CHANNEL_TOKEN is set
    (the scale-out setup's nginx)."""

    name = "REST"

    def __init__(self, base_url: str) -> None:
        self.url = f"{base_url.rstrip('/')}/webhooks/rest/webhook"
        token = os.environ.get("REST_CHANNEL_TOKEN")
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def new_sender(self) -> str:
        return f"bench-{uuid.uuid4().hex[:12]}"

    async def say(self, client: aiohttp.ClientSession, sender: str, text: str) -> List[str]:
        """The texts of the replies; raises when there is none."""
        async with client.post(self.url, json={"sender": sender, "message": text}, headers=self.headers) as response:
            response.raise_for_status()
            texts = [message.get("text") or "" for message in await response.json()]
        if not texts:
            raise ValueError("no reply")
        return texts


class WeChat:
    """The WeChat channel (/webhooks/wechat/webhook): text messages signed and encrypted like
    WeChat's in safe mode (the harness configures an EncodingAESKey, so plaintext is refused); the
    answer must be a passive reply (a pushed one counts as an error)."""

    name = "WeChat"

    def __init__(self, base_url: str, account: OfficialAccount) -> None:
        self.server = WeChatServer(f"{base_url.rstrip('/')}/webhooks/wechat/webhook", account, safe=True)

    def new_sender(self) -> str:
        return openid()

    async def say(self, client: aiohttp.ClientSession, sender: str, text: str) -> List[str]:
        params, body = self.server.envelope(message_xml(sender, "text", next_msg_id(), Content=text), sender)
        async with client.post(self.server.webhook_url, params=params, data=body.encode("utf-8"),
                               headers={"Content-Type": "text/xml"}) as response:
            received = httpx.Response(response.status,  # what fake_wechat's checks read content=await response.read(),
                                      headers=dict(response.headers))
        reply = self.server.reply_text(received, sender)
        if reply is None:
            raise ValueError("no passive reply (answered 'success': pushed later)")
        return [reply]


@dataclass
class Phase:
    """What one run of customers measured: every turn's reply time (ms, in order per
    conversation for a single customer), errors and unfinished conversations."""

    label: str
    customers: int
    conversations: int = 0
    times_ms: List[float] = field(default_factory=list)
    errors: int = 0
    unfinished: int = 0
    seconds: float = 0.0
    error_samples: List[str] = field(default_factory=list)
    sent: int = 0

    @property
    def turns(self) -> int:
        return len(self.times_ms)

    def sample(self, problem: str) -> None:
        """Keep the first few problems to show."""
        if len(self.error_samples) < 5:
            self.error_samples.append(problem)

    def summary(self) -> Dict[str, float]:
        """Turns, errors, p50/p95/p99/max (ms) and messages per second."""
        times = self.times_ms or [float("nan")]
        return {"turns": self.turns, "conversations": self.conversations, "errors": self.errors,
                "unfinished": self.unfinished, "p50_ms": round(statistics.median(times), 1),
                "p95_ms": round(percentile(times, 0.95), 1), "p99_ms": round(percentile(times, 0.99), 1),
                "max_ms": round(max(times), 1), "msg_per_s": round(self.turns / self.seconds, 1),
                "seconds": round(self.seconds, 1)}


async def _progress(phase: Phase, total: int) -> None:
    while True:
        print(f"\r  {phase.label}: {phase.sent}/{total} turns, {phase.errors} errors ",
              end="", file=sys.stderr, flush=True)
        await asyncio.sleep(1)


async def run_customers(label: str, channel: Rest | WeChat, scripts: Sequence[Script], customers: int,
                        conversations_each: int, timeout: float = 60) -> Phase:
    """`customers` concurrent customers, each holding `conversations_each` whole conversations
    (the scripts in turn, a new sender id for each) one after another."""
    phase = Phase(label, customers)
    total = sum(len(scripts[(n + k) % len(scripts)].messages)
                for n in range(customers) for k in range(conversations_each))

    async def customer(client: aiohttp.ClientSession, number: int) -> None:
        for k in range(conversations_each):
            script = scripts[(number + k) % len(scripts)]
            times = await converse(client, channel, script.messages, phase, script.finished)
            phase.times_ms.extend(times)
            phase.conversations += 1

    async with _session(customers, timeout) as client:
        ticker = asyncio.create_task(_progress(phase, total))
        started = time.perf_counter()
        await asyncio.gather(*(customer(client, n) for n in range(customers)))
        phase.seconds = time.perf_counter() - started
        ticker.cancel()
    print(f"\r  {phase.label}: {phase.turns} turns, {phase.errors} errors, {phase.seconds:.1f} s"
          + " " * 20, file=sys.stderr)
    return phase


def _session(connections: int, timeout: float) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=connections),
                                 timeout=aiohttp.ClientTimeout(total=timeout))


async def converse(client: aiohttp.ClientSession, channel: Rest | WeChat, messages: Sequence[str],
                   phase: Phase, finished: Optional[Pattern[str]] = None) -> List[float]:
    """Send `messages` as one new customer; each turn's reply time (ms). Errors and (when the
    `finished` pattern never shows in a reply) an unfinished conversation are counted in `phase`."""
    sender = channel.new_sender()
    times: List[float] = []
    done = finished is None
    for text in messages:
        started = time.perf_counter()
        try:
            replies = await channel.say(client, sender, text)
        except Exception as exc:  # every failure is a figure, not a crash
            replies = []
            phase.errors += 1
            phase.sample(f"{sender} {text!r}: {type(exc).__name__}: {str(exc)[:200]}")
        times.append((time.perf_counter() - started) * 1000)
        phase.sent += 1
        done = done or any(finished.search(reply) for reply in replies)
    if not done:
        phase.unfinished += 1
        phase.sample(f"{sender} unfinished, last reply: {' | '.join(replies)[:200]!r}")
    return times


async def long_run(label: str, channel: Rest | WeChat, messages: Sequence[str], timeout: float = 60) -> Phase:
    """One conversation of all `messages`; its turns' reply times in order."""
    phase = Phase(label, 1, 1)
    async with _session(1, timeout) as client:
        ticker = asyncio.create_task(_progress(phase, len(messages)))
        started = time.perf_counter()
        phase.times_ms = await converse(client, channel, messages, phase)
        phase.seconds = time.perf_counter() - started
        ticker.cancel()
    print(f"\r  {label}: {phase.turns} turns, {phase.errors} errors" + " " * 20, file=sys.stderr)
    return phase


def window_median(times_ms: Sequence[float], turn: int, width: int) -> float:
    """Median reply time of the `width` turns from `turn` (1-based) on; for the last turns, of
    the conversation's last `width` turns."""
    start = min(turn, len(times_ms) - width + 1)
    return statistics.median(times_ms[start - 1:start - 1 + width])


def _status_kib(pid: int, field_name: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def descendants(pid: int) -> List[int]:
    """The process's children, grandchildren… (from /proc)."""
    try:
        children = [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []
    return children + [grandchild for child in children for grandchild in descendants(child)]


def memory_mib(pid: int) -> Optional[Dict[str, float]]:
    """Resident memory now and at its peak (VmRSS, VmHWM; MiB) of a process with its
    descendants; None when the process is gone."""
    if not Path(f"/proc/{pid}").exists():
        return None
    family = [pid, *descendants(pid)]
    return {"rss_mib": round(sum(_status_kib(p, "VmRSS") for p in family) / 1024),
            "peak_mib": round(sum(_status_kib(p, "VmHWM") for p in family) / 1024),
            "processes": len(family)}
