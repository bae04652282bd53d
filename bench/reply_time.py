"""Reply time of whole complaint conversations over the REST channel, one customer at a time.

Run against a running assistant (./scripts/run.sh):

    .venv/bin/python bench/reply_time.py --conversations 20

Prints the per-turn reply time (median, p95, max) and, with --pid, the server's resident memory.
A benchmark, not a test: it prints figures and judges nothing.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import List

import httpx

#: One whole complaint: greeting, complaint, each form answer, read-back, closed question.
CONVERSATION = [
    "你好",
    "我买的蓝牙耳机才用了三天左耳就没声音了",
    "上周五收到的",
    "订单号DD20261120031",
    "换一个新的吧",
    "13812345678",
    "对的",
    "可以",
    "我的投诉现在处理到哪一步了",
]


def rss_mib(pid: int) -> float:
    """Resident memory of a process and its children (MiB), from /proc."""
    total_kib = 0
    for candidate in [pid, *_children(pid)]:
        status = Path(f"/proc/{candidate}/status")
        if status.exists():
            for line in status.read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kib += int(line.split()[1])
    return total_kib / 1024


def _children(pid: int) -> List[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    direct = [int(p) for p in path.read_text().split()] if path.exists() else []
    return direct + [grandchild for child in direct for grandchild in _children(child)]


def percentile(values: List[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:5005")
    parser.add_argument("--conversations", type=int, default=20)
    parser.add_argument("--pid", type=int, action="append", default=[],
                        help="a server process whose memory to report (repeatable)")
    args = parser.parse_args()

    timings: List[float] = []
    errors = 0
    with httpx.Client(timeout=60) as client:
        for number in range(1, args.conversations + 1):
            sender = f"bench-{uuid.uuid4().hex[:10]}"
            for text in CONVERSATION:
                started = time.perf_counter()
                reply = client.post(f"{args.url}/webhooks/rest/webhook",
                                    json={"sender": sender, "message": text})
                timings.append((time.perf_counter() - started) * 1000)
                errors += reply.status_code != 200 or not reply.json()
            print(f"\rconversation {number}/{args.conversations}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    print(f"turns: {len(timings)}  errors: {errors}")
    print(f"reply time per turn (ms): median {statistics.median(timings):.1f}  "
          f"p95 {percentile(timings, 0.95):.1f}  max {max(timings):.1f}")
    for pid in args.pid:
        print(f"RSS of pid {pid} (with children): {rss_mib(pid):.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
