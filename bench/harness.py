"""Benchmark harness: synthetic customers against the assistant and two baselines, in one run.

    python bench/harness.py --quick --skip-training-time     # smoke run, a few minutes
    python bench/harness.py --plot var/bench/reply-time.png --update-readme

Starts, one after another, a bare Sanic endpoint (bench/baseline_sanic.py), Rasa's stock assistant
(`rasa init`, trained once per Rasa version under var/bench/stock/) and the assistant (action +
Rasa server on the current model, REST or `--channel wechat`), each on free loopback ports, and
drives each with closed-loop customers: one at a time, then `--customers` at once. The assistant
also holds one 200-turn conversation. `--target-url` adds the concurrent run against an already
running deployment (the scale-out setup). Then `rasa train` from an empty cache is timed.

Prints a table with the targets passed or failed (progress on stderr), writes
var/bench/results-<date>.json, and optionally a plot and the README's results block.
A benchmark, not a test: figures depend on the machine and on what else runs on it.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.conversations import COMPLAINTS, STOCK, WINDOW, Script, long_conversation  # noqa: E402
from bench.load import (Phase, Rest, WeChat, long_run, memory_mib, run_customers,  # noqa: E402
                        window_median)
from bench.servers import (ROOT, VENV_BIN, Servers, assistant_endpoints, free_port,  # noqa: E402
                           running_servers, server_env, stop, trained_model, wait_until_ready)
from bench.fake_wechat import OfficialAccount, credentials_with_wechat, fake_wechat_api  # noqa: E402

RESULTS = ROOT / "var" / "bench"
README = ROOT / "README.md"
MARKERS = ("<!-- bench:start -->", "<!-- bench:end -->")
LONG_TURNS = 200
CURVE_TURNS = (1, 10, 50, 100, 200)
GB = 1e9


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def machine() -> Dict[str, Any]:
    """Cores, CPU model, memory and load average of this machine."""
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
    mem_kib = int(re.search(r"^MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text(), re.MULTILINE).group(1))
    return {"nproc": os.cpu_count(), "cpu": model.group(1).strip() if model else platform.machine(),
            "ram_gib": round(mem_kib / 1024 ** 2, 1), "load_average": [round(x, 2) for x in os.getloadavg()],
            "python": platform.python_version(), "rasa": version("rasa")}


# --- the servers -------------------------------------------------------------------------------

@contextmanager
def bare_sanic(workdir: Path) -> Iterator[Servers]:
    """bench/baseline_sanic.py on a free port."""
    workdir.mkdir(parents=True)
    port = free_port()
    servers = Servers(f"http://127.0.0.1:{port}", "", "")
    try:
        servers.start("bare Sanic", [str(VENV_BIN / "python"), str(Path(__file__).parent / "baseline_sanic.py"),
                                     str(port)], workdir / "bare.log", cwd=ROOT, env=server_env({}))
        wait_until_ready(servers.rasa_url, servers.processes, servers.logs)
        yield servers
    finally:
        stop(servers.processes)


def stock_project() -> Tuple[Path, Path, Optional[float]]:
    """Rasa's stock assistant for this Rasa version: its project directory, its model and, when it
    was trained just now, the seconds `rasa init` took (with training); cached in var/bench/stock/."""
    project = RESULTS / "stock" / f"rasa-{version('rasa')}"
    models = sorted(project.glob("models/*.tar.gz"))
    if models:
        return project, models[-1], None
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    log(f"Training Rasa's stock assistant into {project.relative_to(ROOT)} (once per Rasa version)...")
    started = time.perf_counter()
    with (RESULTS / "stock-init.log").open("w") as out:
        subprocess.run([str(VENV_BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(project)],
                       cwd=project.parent, env=server_env({}), stdout=out, stderr=subprocess.STDOUT, check=True)
    seconds = time.perf_counter() - started
    return project, sorted(project.glob("models/*.tar.gz"))[-1], seconds


@contextmanager
def stock_rasa(workdir: Path, project: Path, model: Path) -> Iterator[Servers]:
    """The stock assistant's action server and Rasa server, as `rasa init` made them (in-memory
    tracker store)."""
    with running_servers(workdir, model, project=project, endpoints={},
                         env=server_env({"PYTHONPATH": str(project)})) as servers:
        yield servers


@contextmanager
def assistant(workdir: Path, channel: str) -> Iterator[Servers]:
    """The assistant's action server and Rasa server on a new complaint and tracker database;
    for WeChat with the channel enabled as the README says, and a fake WeChat API for pushes."""
    database_url = f"sqlite:///{workdir / 'complaints.db'}"
    env = server_env({"DATABASE_URL": database_url})
    subprocess.run([str(VENV_BIN / "python"), "-m", "bot", "migrate"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    model = trained_model()
    if channel == "rest":
        with running_servers(workdir, model, endpoints=assistant_endpoints(workdir), env=env) as servers:
            yield servers
        return
    credentials = workdir / "credentials.yml"
    credentials.write_text(credentials_with_wechat(), encoding="utf-8")
    with fake_wechat_api() as api, running_servers(
            workdir, model, endpoints=assistant_endpoints(workdir), credentials=credentials,
            env={**env, **OfficialAccount().env(), "WECHAT_API_BASE_URL": api.url}) as servers:
        yield servers


# --- the runs ----------------------------------------------------------------------------------

def _channel(name: str, url: str) -> Rest | WeChat:
    return WeChat(url, OfficialAccount()) if name == "wechat" else Rest(url)


def drive(label: str, channel: Rest | WeChat, scripts: List[Script], customers: int,
          sizes: Dict[str, int], single: bool = True) -> Dict[str, Any]:
    """Warm up, then one customer at a time (unless not `single`) and `customers` at once."""
    asyncio.run(run_customers(f"{label}, warm-up", channel, scripts, 1, 1))
    phases: List[Phase] = []
    if single:
        phases.append(asyncio.run(run_customers(f"{label}, 1 customer", channel, scripts, 1, sizes["single"])))
    phases.append(asyncio.run(run_customers(f"{label}, {customers} customers", channel, scripts, customers,
                                            sizes["each"])))
    figures: Dict[str, Any] = {"channel": channel.name}
    for phase in phases:
        figures["single" if phase.customers == 1 else "concurrent"] = phase.summary()
        if phase.error_samples:
            figures.setdefault("error_samples", []).extend(phase.error_samples)
    return figures


def memory(pids: Dict[str, int]) -> Dict[str, Any]:
    """Resident memory of each named process (with its children)."""
    return {name: memory_mib(pid) for name, pid in pids.items()}


def long_curve(channel: Rest | WeChat) -> Tuple[Dict[str, Any], List[float]]:
    """One conversation of LONG_TURNS turns: the median reply time of WINDOW turns from each of
    CURVE_TURNS, the ratio turn 200 / turn 10, and every turn's time."""
    phase = asyncio.run(long_run(f"one conversation of {LONG_TURNS} turns", channel,
                                 long_conversation(LONG_TURNS)))
    at = {turn: round(window_median(phase.times_ms, turn, WINDOW), 1) for turn in CURVE_TURNS}
    return {"median_ms_at_turn": at, "ratio_200_10": round(at[200] / at[10], 2),
            "errors": phase.errors, "error_samples": phase.error_samples}, phase.times_ms


def training_seconds(workdir: Path) -> float:
    """Seconds `rasa train` takes for the assistant from an empty cache (into `workdir`)."""
    log("Timing `rasa train` from an empty cache (about 2-3 minutes)...")
    workdir.mkdir(parents=True)
    started = time.perf_counter()
    with (workdir / "train.log").open("w") as out:
        subprocess.run([str(VENV_BIN / "rasa"), "train", "--fixed-model-name", "bench", "--out", str(workdir)],
                       cwd=ROOT, env=server_env({"RASA_CACHE_DIRECTORY": str(workdir / "cache")}),
                       stdout=out, stderr=subprocess.STDOUT, check=True)
    return round(time.perf_counter() - started, 1)


# --- the report --------------------------------------------------------------------------------

Target = Tuple[str, Callable[[Dict[str, Any]], Optional[float]], str, float]

#: (what, figure from the results or None when not measured, comparison, limit)
TARGETS: List[Target] = [
    ("1 customer: p50 per turn (ms)", lambda r: r["ours"]["single"]["p50_ms"], "≤", 30),
    ("1 customer: p99 per turn (ms)", lambda r: r["ours"]["single"]["p99_ms"], "≤", 80),
    ("concurrent, one Rasa server: msg/s ÷ stock Rasa's", lambda r: r["ratios"]["ours_vs_stock_msg_s"], "≥", 2),
    ("concurrent, one Rasa server: p99 (ms)", lambda r: r["ours"]["concurrent"]["p99_ms"], "≤", 400),
    ("concurrent, one Rasa server: errors + unfinished conversations",
     lambda r: r["ours"]["concurrent"]["errors"] + r["ours"]["concurrent"]["unfinished"], "≤", 0),
    ("concurrent, scale-out (--target-url): msg/s ÷ stock Rasa's",
     lambda r: r["ratios"].get("target_vs_stock_msg_s"), "≥", 3),
    ("turn 200 ÷ turn 10 of one conversation", lambda r: r["ours"]["long"]["ratio_200_10"], "≤", 1.2),
    ("Rasa server peak RSS (GB)", lambda r: round(r["ours"]["memory"]["Rasa server"]["peak_mib"] * 2 ** 20 / GB, 2),
     "≤", 1.2),
    ("training from an empty cache (s)", lambda r: r.get("training_s"), "≤", 120),
]


def judge(results: Dict[str, Any]) -> List[Dict[str, Any]]:
    """Every target with its figure and PASS / FAIL (or "not measured")."""
    judged = []
    for what, figure, comparison, limit in TARGETS:
        value = figure(results)
        ok = None if value is None else (value <= limit if comparison == "≤" else value >= limit)
        judged.append({"target": what, "figure": value, "limit": f"{comparison} {limit}",
                       "result": "not measured" if ok is None else "PASS" if ok else "FAIL"})
    return judged


def _ratio(a: float, b: float) -> Optional[float]:
    return float(f"{a / b:.3g}") if b else None


def ratios(results: Dict[str, Any]) -> Dict[str, Optional[float]]:
    ours, stock, bare = results["ours"], results["stock"], results["bare"]
    found = {
        "ours_vs_stock_msg_s": _ratio(ours["concurrent"]["msg_per_s"], stock["concurrent"]["msg_per_s"]),
        "ours_vs_bare_msg_s": _ratio(ours["concurrent"]["msg_per_s"], bare["concurrent"]["msg_per_s"]),
        "ours_vs_stock_p50_single": _ratio(ours["single"]["p50_ms"], stock["single"]["p50_ms"]),
        "ours_vs_bare_p50_single": _ratio(ours["single"]["p50_ms"], bare["single"]["p50_ms"]),
    }
    if "target" in results:
        found["target_vs_stock_msg_s"] = _ratio(results["target"]["concurrent"]["msg_per_s"],
                                                stock["concurrent"]["msg_per_s"])
    return found


def _table(header: List[str], rows: List[List[Any]]) -> List[str]:
    cells = [[("—" if cell is None else str(cell)) for cell in row] for row in rows]
    return [f"| {' | '.join(header)} |", "|" + "---|" * len(header), *(f"| {' | '.join(r)} |" for r in cells)]


def report(results: Dict[str, Any]) -> str:
    """The results as markdown: what ran where, figures, curve, memory, ratios, targets."""
    m = results["machine"]
    lines = [f"Benchmark of {results['date']} ({results['mode']} mode, the assistant over "
             f"{results['ours']['channel']}): {m['nproc']} cores ({m['cpu']}), {m['ram_gib']} GiB RAM, "
             f"load average {' / '.join(map(str, m['load_average']))} at the start; Rasa {m['rasa']}.", ""]
    names = {"bare": "bare Sanic endpoint", "stock": "stock Rasa (`rasa init`)", "ours": "the assistant",
             "target": f"--target-url {results.get('target_url')}"}
    rows = []
    for key, name in names.items():
        for kind in ("single", "concurrent"):
            figures = results.get(key, {}).get(kind)
            if figures:
                customers = 1 if kind == "single" else results["customers"]
                rows.append([name, customers, figures["turns"], figures["errors"], figures["unfinished"],
                             figures["p50_ms"], figures["p95_ms"], figures["p99_ms"], figures["msg_per_s"]])
    lines += _table(["system", "customers", "turns", "errors", "unfinished", "p50 ms", "p95 ms", "p99 ms",
                     "msg/s"], rows) + [""]
    long = results["ours"]["long"]
    lines += _table([f"one conversation: turn (median of {WINDOW} turns from it)",
                     *map(str, CURVE_TURNS), "200 ÷ 10"],
                    [["reply time ms", *long["median_ms_at_turn"].values(), long["ratio_200_10"]]]) + [""]
    memory_rows = [[names[key], process, figures["rss_mib"], figures["peak_mib"]]
                   for key in ("bare", "stock", "ours", "target")
                   for process, figures in (results.get(key, {}).get("memory") or {}).items() if figures]
    lines += _table(["system", "process (with children)", "RSS MiB after the runs", "peak RSS MiB"],
                    memory_rows) + [""]
    lines += _table(["ratio", "value"], [[name, value] for name, value in results["ratios"].items()]) + [""]
    lines += _table(["target", "figure", "limit", "result"],
                    [[t["target"], t["figure"], t["limit"], t["result"]] for t in results["targets"]])
    extra = [f"training from an empty cache: {results['training_s']} s"] if results.get("training_s") else []
    extra += [f"problem ({names[key]}): {sample}" for key in names
              for sample in results.get(key, {}).get("error_samples", []) + results.get(key, {}).get(
                  "long", {}).get("error_samples", [])]
    if results.get("stock_init_s"):
        extra.append(f"stock `rasa init` with its training: {results['stock_init_s']:.0f} s")
    return "\n".join(lines + ([""] + extra if extra else [])) + "\n"


def update_readme(table: str) -> bool:
    """Rewrite README.md between the bench markers; False when they are missing."""
    text = README.read_text(encoding="utf-8")
    start, end = text.find(MARKERS[0]), text.find(MARKERS[1])
    if start < 0 or end < start:
        return False
    regenerate = "Regenerate with `python bench/harness.py --update-readme`.\n\n"
    README.write_text(text[:start + len(MARKERS[0])] + "\n" + regenerate + table + text[end:], encoding="utf-8")
    return True


def plot(path: Path, times_ms: List[float]) -> None:
    """Reply time against turn of the long conversation, each turn and a running median."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    turns = range(1, len(times_ms) + 1)
    running = [window_median(times_ms, turn, WINDOW) for turn in turns]
    figure, axes = plt.subplots(figsize=(8, 4))
    axes.plot(turns, times_ms, ".", alpha=0.4, label="each turn")
    axes.plot(turns, running, "-", label=f"median of {WINDOW} turns from it")
    axes.set(xlabel="turn of one conversation", ylabel="reply time (ms)", ylim=(0, None),
             title="Reply time against conversation length")
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=120)


# --- the run -----------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer conversations: a smoke run")
    parser.add_argument("--customers", type=int, default=20, help="concurrent customers (default 20)")
    parser.add_argument("--channel", choices=["rest", "wechat"], default="rest",
                        help="the channel the assistant is driven over (baselines: REST)")
    parser.add_argument("--target-url", help="also drive an already running deployment (REST) at this URL")
    parser.add_argument("--target-pid", type=int, action="append", default=[],
                        help="a process of that deployment whose memory to report (repeatable)")
    parser.add_argument("--skip-training-time", action="store_true", help="do not time `rasa train`")
    parser.add_argument("--plot", type=Path, help="write reply time against turn to this PNG")
    parser.add_argument("--update-readme", action="store_true",
                        help=f"rewrite README.md between {MARKERS[0]} and {MARKERS[1]}")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the servers on the way out

    sizes = {"single": 2, "each": 1} if args.quick else {"single": 20, "each": 5}
    now = datetime.now()
    RESULTS.mkdir(parents=True, exist_ok=True)
    results: Dict[str, Any] = {"date": now.strftime("%Y-%m-%d %H:%M"), "mode": "quick" if args.quick else "full",
                               "machine": machine(), "customers": args.customers}
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        work = Path(tmp)
        log("Bare Sanic endpoint")
        with bare_sanic(work / "bare") as servers:
            unjudged = [replace(script, finished=None) for script in COMPLAINTS]  # it answers 好的 to all
            results["bare"] = drive("bare Sanic", Rest(servers.rasa_url), unjudged, args.customers, sizes)
            results["bare"]["memory"] = memory(servers.pids)
        log("Stock Rasa assistant")
        project, model, results["stock_init_s"] = stock_project()
        with stock_rasa(work / "stock", project, model) as servers:
            results["stock"] = drive("stock Rasa", Rest(servers.rasa_url), STOCK, args.customers, sizes)
            results["stock"]["memory"] = memory(servers.pids)
        log(f"The assistant over {args.channel}")
        with assistant(work / "ours", args.channel) as servers:
            channel = _channel(args.channel, servers.rasa_url)
            results["ours"] = drive("assistant", channel, COMPLAINTS, args.customers, sizes, servers.pids)
            results["ours"]["long"], long_times = long_curve(channel)
            results["ours"]["memory"] = memory(servers.pids)
        if args.target_url:
            log(f"Deployment at {args.target_url}")
            results["target_url"] = args.target_url
            results["target"] = drive("target", Rest(args.target_url), COMPLAINTS, args.customers, sizes,
                                      single=False)
            results["target"]["memory"] = memory({f"pid {pid}": pid for pid in args.target_pid})
        if not args.skip_training_time:
            results["training_s"] = training_seconds(work / "train")
    results["ratios"] = ratios(results)
    results["targets"] = judge(results)

    table = report(results)
    print(table)
    path = RESULTS / f"results-{now:%Y-%m-%d-%H%M}.json"
    path.write_text(json.dumps({**results, "long_turn_ms": [round(t, 1) for t in long_times]},
                               ensure_ascii=False, indent=1), encoding="utf-8")
    log(f"Results: {path.relative_to(ROOT)}")
    if args.plot:
        plot(args.plot, long_times)
        log(f"Plot: {args.plot}")
    if args.update_readme and not update_readme(table):
        log(f"README.md has no {MARKERS[0]} … {MARKERS[1]} block: add the markers, then run again "
            "(or paste the table above).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
