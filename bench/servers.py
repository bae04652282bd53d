"""Starting an action server and a Rasa server on free loopback ports, for the test suite's
stacks (tests/auxil/stack.py) and the benchmark harness (bench/harness.py).

Each `running_servers` gets its own endpoints file (and the caller its own databases); the model
is given, e.g. the assistant's from `trained_model()` (trained only when the data changed).
"""
from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Mapping, Optional

import httpx
import yaml

ROOT = Path(__file__).resolve().parents[1]
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


def assistant_endpoints(workdir: Path) -> Dict[str, Any]:
    """The assistant's endpoints.yml with its tracker database in `workdir`."""
    endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text(encoding="utf-8"))
    endpoints["tracker_store"]["db"] = str(workdir / "tracker.db")
    return endpoints


def wait_until_ready(url: str, processes: List[subprocess.Popen], logs: List[Path]) -> None:
    """Return once GET `url` answers 200; fail with the log's tail if a process exits first."""
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


def stop(processes: List[subprocess.Popen]) -> None:
    """Terminate the processes, killing those still running after 20 s."""
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            print(f"killed {process.args[:3]} after 20 s", file=sys.stderr)


@dataclass
class Servers:
    """Running servers: the Rasa server's URL and API token, the action server's URL, the pid of
    each by name, and every process with its log (a caller may add its own, stopped with them)."""

    rasa_url: str
    action_url: str
    token: str
    pids: Dict[str, int] = field(default_factory=dict)
    processes: List[subprocess.Popen] = field(default_factory=list)
    logs: List[Path] = field(default_factory=list)
    commands: Dict[str, tuple] = field(default_factory=dict)

    def start(self, name: str, command: List[str], log: Path, append: bool = False, **popen: Any) -> subprocess.Popen:
        """Start a process called `name`, its output in `log`; it is stopped with the servers."""
        process = subprocess.Popen(command, stdout=log.open("a" if append else "w"), stderr=subprocess.STDOUT, **popen)
        self.processes.append(process)
        self.logs.append(log)
        self.pids[name] = process.pid
        self.commands[name] = (command, log, popen)
        return process

    def stop(self, name: str) -> None:
        """Stop the process called `name` (as when that server goes down)."""
        index = next(i for i, process in enumerate(self.processes) if process.pid == self.pids[name])
        process = self.processes.pop(index)
        self.logs.pop(index)
        stop([process])

    def restart(self, name: str, ready_url: str) -> None:
        """Start the process called `name` again as before; return once `ready_url` answers."""
        command, log, popen = self.commands[name]
        self.start(name, command, log, append=True, **popen)
        wait_until_ready(ready_url, self.processes, self.logs)


@contextmanager
def running_servers(workdir: Path, model: Path, project: Path = ROOT,
                    endpoints: Optional[Mapping[str, Any]] = None, credentials: Optional[Path] = None,
                    env: Optional[Mapping[str, str]] = None, start_actions: bool = True,
                    debug: bool = False, action_endpoint: Optional[Mapping[str, Any]] = None) -> Iterator[Servers]:
    """Start the action server (the `actions` package of `project`) and the Rasa server with
    `model`, both run from `project`; stop them (and whatever the caller added) on exit.

    `endpoints` defaults to the project's endpoints.yml; its action endpoint is pointed at the
    new action server (with `start_actions=False`, at a port nothing listens on), with the
    settings of `action_endpoint` (e.g. another `url`, `timeout`).
    """
    workdir.mkdir(parents=True, exist_ok=True)
    env = dict(env if env is not None else server_env({}))
    action_port, rasa_port = free_port(), free_port()
    config = dict(endpoints if endpoints is not None
                  else yaml.safe_load((project / "endpoints.yml").read_text(encoding="utf-8")) or {})
    config["action_endpoint"] = {**(config.get("action_endpoint") or {}), "url": f"http://127.0.0.1:{action_port}/webhook",
                                 **(action_endpoint or {})}
    endpoints_file = workdir / "endpoints.yml"
    endpoints_file.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    servers = Servers(f"http://127.0.0.1:{rasa_port}", f"http://127.0.0.1:{action_port}",
                      secrets.token_urlsafe(16))
    try:
        if start_actions:
            # Ours through its launcher (loopback only); `rasa init`'s binds to SANIC_HOST.
            command = ([str(VENV_BIN / "python"), "-m", "actions"] if project == ROOT
                       else [str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions"])
            servers.start("action server", [*command, "--port", str(action_port)], workdir / "actions.log",
                          cwd=project, env={**env, "SANIC_HOST": "127.0.0.1"})
            wait_until_ready(f"{servers.action_url}/health", servers.processes, servers.logs)
        # Ours through its launcher (rasa_ext/patches.py installed); stock Rasa as it comes.
        rasa = [str(VENV_BIN / "python"), "-m", "rasa_ext"] if project == ROOT else [str(VENV_BIN / "rasa")]
        servers.start("Rasa server", [
            *rasa, "run", "--enable-api",
            f"--auth-token={servers.token}", f"--jwt-secret={servers.token}",  # a token may start with "-"
            "--model", str(model), "-i", "127.0.0.1", "--port", str(rasa_port),
            "--endpoints", str(endpoints_file),
            "--credentials", str(credentials or project / "credentials.yml"),
            *(["--debug"] if debug else [])], workdir / "rasa.log", cwd=project, env=env)
        wait_until_ready(f"{servers.rasa_url}/status?token={servers.token}", servers.processes, servers.logs)
        yield servers
    finally:
        stop(servers.processes)
