"""The real assistant for end-to-end tests: action server, Rasa server and agent console on
loopback ports.

Each stack gets its own complaint database, tracker database and endpoints file; all stacks
share the one trained model (scripts/train_if_changed.py trains only when data changed). The
console also runs alone (`running_console`), against a Rasa server or none.
"""
from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Mapping, Optional

import httpx
import yaml

from tests.auxil.agents import AgentClient

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
READY_TIMEOUT_S = 240


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def trained_model() -> Path:
    """Path of the model for the current data, training it first if needed."""
    out = subprocess.run(
        [str(VENV_BIN / "python"), str(ROOT / "scripts" / "train_if_changed.py")],
        cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True, env=server_env({}),
    ).stdout.strip().splitlines()[-1]
    return Path(out)


def server_env(extra: Mapping[str, str]) -> Dict[str, str]:
    env = dict(os.environ)
    env.update({
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "PYTHONPATH": str(ROOT),
        "PATH": f"{VENV_BIN}:{env.get('PATH', '')}",
    })
    env.update(extra)
    return env


def add_agent(database_url: str, username: str, password: str, name: str) -> None:
    """Create a console agent in the store at `database_url`, as an operator would (the CLI)."""
    subprocess.run([str(VENV_BIN / "python"), "-m", "bot", "agent", "add", username, "--name", name,
                    "--password-stdin"], input=password + "\n", text=True, cwd=ROOT, check=True,
                   env=server_env({"DATABASE_URL": database_url}), stdout=subprocess.DEVNULL)


@dataclass
class Console:
    """A running agent console: its URL, its complaint database and log file."""

    url: str
    database_url: str
    log: Path

    def add_agent(self, username: str, password: str, name: str) -> None:
        add_agent(self.database_url, username, password, name)


@dataclass
class Stack:
    """A running assistant: URLs, API token, its complaint database and log files."""

    rasa_url: str
    action_url: str
    token: str
    database_url: str
    workdir: Path
    console: Optional[Console] = None

    @property
    def console_url(self) -> str:
        """Where the agent console serves (…/agent is its queue page)."""
        if self.console is None:
            raise RuntimeError("this stack was started without the console (start_console=False)")
        return self.console.url

    def add_agent(self, username: str, password: str, name: str) -> None:
        """Create a console agent, as `python -m bot agent add` does."""
        add_agent(self.database_url, username, password, name)

    @property
    def rasa_log(self) -> Path:
        return self.workdir / "rasa.log"

    @property
    def actions_log(self) -> Path:
        return self.workdir / "actions.log"

    def say(self, sender: str, message: str, timeout: float = 60) -> List[Dict[str, Any]]:
        """Send a customer message over the REST channel; return the bot's replies."""
        response = httpx.post(f"{self.rasa_url}/webhooks/rest/webhook",
                              json={"sender": sender, "message": message}, timeout=timeout)
        response.raise_for_status()
        return response.json()

    def tracker(self, sender: str) -> Dict[str, Any]:
        """The conversation's tracker from the Rasa HTTP API."""
        response = httpx.get(f"{self.rasa_url}/conversations/{sender}/tracker",
                             params={"token": self.token}, timeout=30)
        response.raise_for_status()
        return response.json()

    def bot_events(self, sender: str) -> List[Dict[str, Any]]:
        """What the assistant (or an agent, or a job) sent the customer, oldest first."""
        return [e for e in self.tracker(sender)["events"] if e["event"] == "bot"]

    def wait_for_bot_event(self, sender: str, kind: str, timeout: float = 60) -> Dict[str, Any]:
        """The newest bot event with `metadata.kind == kind` or, for responses, `utter_action ==
        kind`, waiting up to `timeout` seconds (e.g. for the console's job worker)."""
        deadline = time.monotonic() + timeout
        while True:
            for event in reversed(self.bot_events(sender)):
                metadata = event.get("metadata") or {}
                if kind in (metadata.get("kind"), metadata.get("utter_action")):
                    return event
            if time.monotonic() > deadline:
                raise AssertionError(f"no bot event {kind!r} for {sender} within {timeout:.0f} s")
            time.sleep(0.5)

    def agent(self, name: str) -> AgentClient:
        """A new agent called `name`, logged in to the console's API."""
        username, password = f"agent-{secrets.token_hex(4)}", secrets.token_urlsafe(12)
        self.add_agent(username, password, name)
        return AgentClient.by_api(self.console_url, username, password)


def _write_endpoints(workdir: Path, action_port: int) -> Path:
    endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text(encoding="utf-8"))
    endpoints["action_endpoint"]["url"] = f"http://127.0.0.1:{action_port}/webhook"
    endpoints["tracker_store"]["db"] = str(workdir / "tracker.db")
    path = workdir / "endpoints.yml"
    path.write_text(yaml.safe_dump(endpoints, allow_unicode=True), encoding="utf-8")
    return path


def _wait_until_ready(url: str, processes: List[subprocess.Popen], logs: List[Path]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        for process, log in zip(processes, logs):
            if process.poll() is not None:
                raise RuntimeError(f"server exited with {process.returncode}:\n"
                                   + log.read_text(errors="replace")[-3000:])
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise RuntimeError(f"not ready after {READY_TIMEOUT_S}s: {url}")


def _stop(processes: List[subprocess.Popen]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            print(f"killed {process.args[:3]} after 20 s", file=sys.stderr)


def _start_console(workdir: Path, env: Mapping[str, str], processes: List[subprocess.Popen],
                   logs: List[Path]) -> Console:
    port = free_port()
    log = workdir / "console.log"
    processes.append(subprocess.Popen(
        [str(VENV_BIN / "python"), "-m", "bot", "console", "--port", str(port)],
        cwd=ROOT, env=dict(env), stdout=log.open("w"), stderr=subprocess.STDOUT))
    logs.append(log)
    url = f"http://127.0.0.1:{port}"
    _wait_until_ready(f"{url}/agent/login", processes, logs)
    return Console(url, env["DATABASE_URL"], log)


@contextmanager
def running_console(workdir: Path, rasa_url: str, rasa_token: str = "",
                    extra_env: Optional[Mapping[str, str]] = None) -> Iterator[Console]:
    """Start the agent console (with its job worker) on a new SQLite store, talking to the Rasa
    server at `rasa_url` (a closed port: as when Rasa is down); stop it on exit."""
    workdir.mkdir(parents=True, exist_ok=True)
    env = server_env({"DATABASE_URL": f"sqlite:///{workdir / 'complaints.db'}", "RASA_URL": rasa_url,
                      "RASA_TOKEN": rasa_token, **(extra_env or {})})
    processes: List[subprocess.Popen] = []
    try:
        yield _start_console(workdir, env, processes, [])
    finally:
        _stop(processes)


@contextmanager
def running_stack(workdir: Path, model: Path, credentials: Optional[Path] = None,
                  extra_env: Optional[Mapping[str, str]] = None,
                  start_actions: bool = True, start_console: bool = True) -> Iterator[Stack]:
    """Start the action server, the Rasa server and the agent console; stop them on exit.

    With `start_actions=False` the action endpoint points at a port nothing listens on,
    as when the action server is down.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    database_url = f"sqlite:///{workdir / 'complaints.db'}"
    env = server_env({"DATABASE_URL": database_url, **(extra_env or {})})
    subprocess.run([str(VENV_BIN / "python"), "-m", "bot", "migrate"], cwd=ROOT, env=env,
                   check=True, stdout=subprocess.DEVNULL)
    action_port, rasa_port = free_port(), free_port()
    token = secrets.token_urlsafe(16)
    endpoints = _write_endpoints(workdir, action_port)
    processes: List[subprocess.Popen] = []
    logs: List[Path] = []
    try:
        if start_actions:
            log = workdir / "actions.log"
            processes.append(subprocess.Popen(
                [str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions",
                 "--port", str(action_port)],
                cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT))
            logs.append(log)
            _wait_until_ready(f"http://127.0.0.1:{action_port}/health", processes, logs)
        log = workdir / "rasa.log"
        processes.append(subprocess.Popen(
            [str(VENV_BIN / "rasa"), "run", "--enable-api", f"--auth-token={token}",  # a token may start with "-"
             "--model", str(model), "-i", "127.0.0.1", "--port", str(rasa_port),
             "--endpoints", str(endpoints),
             "--credentials", str(credentials or ROOT / "credentials.yml"), "--debug"],
            cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT))
        logs.append(log)
        rasa_url = f"http://127.0.0.1:{rasa_port}"
        _wait_until_ready(f"{rasa_url}/status?token={token}", processes, logs)
        console = (_start_console(workdir, {**env, "RASA_URL": rasa_url, "RASA_TOKEN": token},
                                  processes, logs) if start_console else None)
        yield Stack(rasa_url, f"http://127.0.0.1:{action_port}", token, database_url, workdir, console)
    finally:
        _stop(processes)
