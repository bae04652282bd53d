"""Reply time of whole complaint conversations over the REST channel, one customer at a time.

Run against a running assistant (./scripts/run.sh):

    .venv/bin/python bench/reply_time.py --conversations 20

Prints the per-turn reply time (median, p95, max) and, with --pid, the server's resident memory.
A benchmark, not a test: it prints figures and judges nothing. bench/harness.py measures
everything (concurrency, baselines, long conversations, targets) on servers it starts itself.
"""
from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.conversations import COMPLAINTS  # noqa: E402
from bench.load import Rest, memory_mib, run_customers  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:5005")
    parser.add_argument("--conversations", type=int, default=20)
    parser.add_argument("--pid", type=int, action="append", default=[],
                        help="a server process whose memory to report (repeatable)")
    args = parser.parse_args()

    figures = asyncio.run(run_customers("conversations", Rest(args.url), COMPLAINTS, 1,
                                        args.conversations)).summary()
    print(f"turns: {figures['turns']}  errors: {figures['errors']}  "
          f"unfinished conversations: {figures['unfinished']}")
    print(f"reply time per turn (ms): median {figures['p50_ms']}  p95 {figures['p95_ms']}  max {figures['max_ms']}")
    for pid in args.pid:
        memory = memory_mib(pid)
        print(f"RSS of pid {pid} (with children): {memory['rss_mib'] if memory else '—'} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
