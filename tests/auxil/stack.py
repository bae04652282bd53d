"""The real assistant for end-to-end tests: action server, Rasa server and agent console on
loopback ports (the first two started by bench/servers.py, shared with the benchmark harness).

Each stack gets its own complaint database, tracker database and endpoints file; all stacks
share the one trained model (scripts/train_if_changed.py trains only when data changed). The
console also runs alone (`running_console`), against a Rasa server or none.
"""
from __future__ import annotations

import secrets
import shutil
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Mapping, Optional

import httpx

from bot.clock import utcnow
from bot.files import Directory, FileStore
from bot.identity import is_sender_id, sender_id
from bot.storage import ComplaintStore, EvidenceStore
from bench.servers import (
    ROOT, VENV_BIN, Servers, assistant_endpoints, free_port, running_servers, server_env, stop,
    trained_model, wait_until_ready)
from tests.auxil.agents import AgentClient

__all__ = ["ROOT", "VENV_BIN", "Console", "Stack", "add_agent", "free_port", "running_console",
           "running_stack", "server_env", "trained_model"]


def add_agent(database_url: str, username: str, password: str, name: str, role: str = "agent") -> None:
    """Create a console agent (or a supervisor: `role`) in the store at `database_url`, as an
    operator would (the CLI)."""
    subprocess.run([str(VENV_BIN / "python"), "-m", "bot", "agent", "add", username, "--name", name,
                    "--role", role, "--password-stdin"], input=password + "\n", text=True, cwd=ROOT, check=True,
                   env=server_env({"DATABASE_URL": database_url}), stdout=subprocess.DEVNULL)


@dataclass
class Console:
    """A running agent console: its URL, its complaint database, log file and file store."""

    url: str
    database_url: str
    log: Path
    files: Path

    def add_agent(self, username: str, password: str, name: str, role: str = "agent") -> None:
        add_agent(self.database_url, username, password, name, role)

    def attach_file(self, sender_id: str, kind: str, data: bytes, channel: str = "rest") -> int:
        """Keep `data` as evidence the customer sent, as a channel does once it has the file
        (refused by the file store unless it is a photo or a voice message); its id."""
        kept = FileStore(Directory(self.files)).put(data)
        return EvidenceStore(ComplaintStore(self.database_url)).attach(
            channel, sender_id, kind, utcnow(), file=kept).id


@dataclass
class Stack:
    """A running assistant: URLs, API token, its complaint database and log files."""

    rasa_url: str
    action_url: str
    token: str
    database_url: str
    workdir: Path
    console: Optional[Console] = None
    servers: Optional[Servers] = None
    rest_token: Optional[str] = None
    """The REST channel's token (`REST_CHANNEL_TOKEN`), when it needs one."""

    @property
    def pids(self) -> Dict[str, int]:
        """The process id of each server by name ("Rasa server", "action server")."""
        assert self.servers is not None
        return self.servers.pids

    def stop_actions(self) -> None:
        """Stop the action server, as when it goes down."""
        assert self.servers is not None
        self.servers.stop("action server")

    def restart_actions(self) -> None:
        """Start the action server again, on the same port; return once it answers."""
        assert self.servers is not None
        self.servers.restart("action server", f"{self.action_url}/health")

    @property
    def console_url(self) -> str:
        """Where the agent console serves (…/agent is its queue page)."""
        if self.console is None:
            raise RuntimeError("this stack was started without the console (start_console=False)")
        return self.console.url

    def add_agent(self, username: str, password: str, name: str, role: str = "agent") -> None:
        """Create a console agent (or supervisor), as `python -m bot agent add` does."""
        add_agent(self.database_url, username, password, name, role)

    def evidence_file(self, evidence_id: int, timeout: float = 30) -> bytes:
        """The bytes of the evidence's file, once the channel has downloaded it into the stack's
        file store (fails after `timeout` s, saying why the download failed if it did)."""
        customers = EvidenceStore(ComplaintStore(self.database_url))
        deadline = time.monotonic() + timeout
        while True:
            kept = customers.get(evidence_id)
            if kept is not None and kept.file is not None:
                return FileStore(Directory(self.workdir / "files")).get(kept.file.key)
            assert time.monotonic() < deadline and not (kept and kept.fetch_error), \
                f"evidence {evidence_id} not downloaded: {kept and kept.fetch_error}"
            time.sleep(0.2)

    @property
    def rasa_log(self) -> Path:
        return self.workdir / "rasa.log"

    @property
    def actions_log(self) -> Path:
        return self.workdir / "actions.log"

    def say(self, sender: str, message: str, timeout: float = 60) -> List[Dict[str, Any]]:
        """Send a customer message over the REST channel; return the bot's replies."""
        response = httpx.post(f"{self.rasa_url}/webhooks/rest/webhook", headers=self.rest_headers(),
                              json={"sender": sender, "message": message}, timeout=timeout)
        response.raise_for_status()
        return response.json()

    def rest_headers(self) -> Dict[str, str]:
        """What a REST request carries: the token, when the channel needs one."""
        return {"Authorization": f"Bearer {self.rest_token}"} if self.rest_token else {}

    @staticmethod
    def conversation(sender: str) -> str:
        """The conversation id of `sender`: a REST sender's (`rest:<sender>`), or another
        channel's sender id (`tg:123`) as it is."""
        return sender if is_sender_id(sender) else sender_id("rest", sender)

    def tracker(self, sender: str) -> Dict[str, Any]:
        """The tracker of `sender`'s conversation (`conversation`) from the Rasa HTTP API."""
        response = httpx.get(f"{self.rasa_url}/conversations/{self.conversation(sender)}/tracker",
                             params={"token": self.token}, timeout=30)
        response.raise_for_status()
        return response.json()

    def bot_events(self, sender: str) -> List[Dict[str, Any]]:
        """What the assistant (or an agent, or a job) sent the customer, oldest first."""
        return [e for e in self.tracker(sender)["events"] if e["event"] == "bot"]

    def responses(self, sender: str) -> List[str]:
        """The names of what the assistant sent in the latest turn of `sender`'s conversation
        (since the newest customer message): each bot event's response name (`utter_action`),
        or its `kind` for a message that is no response (an agent's reply, a job's notice)."""
        events = self.tracker(sender)["events"]
        users = [i for i, event in enumerate(events) if event["event"] == "user"]
        latest = events[users[-1] + 1:] if users else events
        return [(e.get("metadata") or {}).get("utter_action") or (e.get("metadata") or {}).get("kind")
                for e in latest if e["event"] == "bot"]

    def responses_to(self, sender: str, message: str) -> List[str]:
        """Send a customer message over the REST channel (`say`); return the names of the
        responses it got (`responses`)."""
        self.say(sender, message)
        return self.responses(sender)

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

    def agent(self, name: str, role: str = "agent") -> AgentClient:
        """A new agent (or supervisor: `role`) called `name`, logged in to the console's API."""
        username, password = f"agent-{secrets.token_hex(4)}", secrets.token_urlsafe(12)
        self.add_agent(username, password, name, role)
        return AgentClient.by_api(self.console_url, username, password)


def _start_console(workdir: Path, env: Mapping[str, str], processes: List[subprocess.Popen],
                   logs: List[Path], run_worker: bool = True) -> Console:
    port = free_port()
    log = workdir / "console.log"
    processes.append(subprocess.Popen(
        [str(VENV_BIN / "python"), "-m", "bot", "console", "--port", str(port),
         *([] if run_worker else ["--no-worker"])],
        cwd=ROOT, env=dict(env), stdout=log.open("w"), stderr=subprocess.STDOUT))
    logs.append(log)
    url = f"http://127.0.0.1:{port}"
    wait_until_ready(f"{url}/agent/login", processes, logs)
    return Console(url, env["DATABASE_URL"], log, Path(env["FILE_STORE_URL"]))


@contextmanager
def running_console(workdir: Path, rasa_url: str, rasa_token: str = "",
                    extra_env: Optional[Mapping[str, str]] = None, run_worker: bool = True) -> Iterator[Console]:
    """Start the agent console (with its job worker unless not `run_worker`) on a new SQLite store
    (or `DATABASE_URL` in `extra_env`), talking to the Rasa server at `rasa_url` (a closed port:
    as when Rasa is down); stop it on exit."""
    workdir.mkdir(parents=True, exist_ok=True)
    env = server_env({"DATABASE_URL": f"sqlite:///{workdir / 'complaints.db'}", "RASA_URL": rasa_url,
                      "RASA_TOKEN": rasa_token, "FILE_STORE_URL": str(workdir / "files"), **(extra_env or {})})
    processes: List[subprocess.Popen] = []
    try:
        yield _start_console(workdir, env, processes, [], run_worker)
    finally:
        stop(processes)


@contextmanager
def running_stack(workdir: Path, model: Path, credentials: Optional[Path] = None,
                  extra_env: Optional[Mapping[str, str]] = None,
                  start_actions: bool = True, start_console: bool = True,
                  action_endpoint: Optional[Mapping[str, Any]] = None) -> Iterator[Stack]:
    """Start the action server, the Rasa server and the agent console; stop them on exit. The
    console's inbox reads the stack's tracker database and writes examples into a copy of data/nlu
    (`workdir`/nlu).

    With `start_actions=False` the action endpoint points at a port nothing listens on,
    as when the action server is down; `action_endpoint` changes its settings (endpoints.yml).
    """
    workdir.mkdir(parents=True, exist_ok=True)
    database_url = f"sqlite:///{workdir / 'complaints.db'}"
    nlu_dir = shutil.copytree(ROOT / "data" / "nlu", workdir / "nlu")  # the inbox writes examples here
    env = server_env({"DATABASE_URL": database_url, "WEBCHAT_SESSION_SECRET": secrets.token_urlsafe(32),
                      "TRACKER_DATABASE_URL": f"sqlite:///{workdir / 'tracker.db'}", "NLU_DATA_DIR": str(nlu_dir),
                      "FILE_STORE_URL": str(workdir / "files"), **(extra_env or {})})
    subprocess.run([str(VENV_BIN / "python"), "-m", "bot", "migrate"], cwd=ROOT, env=env,
                   check=True, stdout=subprocess.DEVNULL)
    with running_servers(workdir, model, endpoints=assistant_endpoints(workdir), credentials=credentials,
                         env=env, start_actions=start_actions, debug=True,
                         action_endpoint=action_endpoint) as servers:
        console = (_start_console(workdir, {**env, "RASA_URL": servers.rasa_url, "RASA_TOKEN": servers.token},
                                  servers.processes, servers.logs) if start_console else None)
        yield Stack(servers.rasa_url, servers.action_url, servers.token, database_url, workdir, console, servers)
