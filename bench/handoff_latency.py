"""Seconds from a customer's serious message to its case waiting in the agents' queue.

Run against a running assistant (./scripts/run.sh), with the same DATABASE_URL:

    .venv/bin/python bench/handoff_latency.py --customers 10

Each customer complains, then threatens to go to the regulator; the clock runs from sending the
threat until the case is in the queue (what the console shows on its next refresh).
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.load import percentile  # noqa: E402
from bot.handoff import load_handoff_settings  # noqa: E402
from bot.storage import ComplaintStore, HandoffQueue  # noqa: E402
from bot.identity import sender_id  # noqa: E402
from bot.settings import Settings  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:5005")
    parser.add_argument("--customers", type=int, default=10)
    args = parser.parse_args()

    settings = Settings.load()
    queue = HandoffQueue(ComplaintStore.from_settings(settings), load_handoff_settings(settings.tz))
    seconds: List[float] = []
    with httpx.Client(timeout=60) as client:
        for number in range(1, args.customers + 1):
            sender = f"bench-{uuid.uuid4().hex[:10]}"
            say = lambda text: client.post(f"{args.url}/webhooks/rest/webhook",  # noqa: E731
                                           json={"sender": sender, "message": text})
            say("我买的电饭煲用了两天就坏了")
            started = time.perf_counter()
            say("再不给我解决，我就去12315投诉你们")
            while queue.open_case_for("rest", sender_id("rest", sender)) is None:
                if time.perf_counter() - started > 30:
                    print(f"\ncustomer {sender}: no case after 30 s", file=sys.stderr)
                    return 1
                time.sleep(0.01)
            seconds.append(time.perf_counter() - started)
            print(f"\rcustomer {number}/{args.customers}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    print(f"message to case in queue (s): median {statistics.median(seconds):.3f}  "
          f"p95 {percentile(seconds, 0.95):.3f}  max {max(seconds):.3f}  (n={len(seconds)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
