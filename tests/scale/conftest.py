"""The scale-out setup (scripts/scale_out.sh) for one test session: 2 Rasa servers and 2 action
servers behind nginx on free ports, Redis locks, trackers and complaints in a fresh PostgreSQL
database. nginx, PostgreSQL or Redis missing: skipped loudly, or failed when CI=true."""
from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
from redis.connection import parse_url
from sqlalchemy.engine import make_url

from tests.auxil.services import reachable_redis_url, require_service
from tests.auxil.stack import ROOT, Stack, free_port, server_env

READY_TIMEOUT_S = 300
READY_LINE = "Press Ctrl-C to stop."


@dataclass
class ScaleOut:
    """The running setup: `stack` talks to it through nginx (`stack.rasa_url`)."""

    stack: Stack
    rasa_ports: List[int]
    log: Path


def _require_nginx() -> None:
    if not (shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")):
        require_service("nginx", "is not installed (scripts/setup.sh --scale installs it)")


@pytest.fixture(scope="session")
def redis_settings() -> Dict[str, Any]:
    """Host, port, db and password of the reachable `TEST_REDIS_URL`."""
    return parse_url(reachable_redis_url())


def _wait_until_running(process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while READY_LINE not in log.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"scripts/scale_out.sh did not start (exit {process.poll()}):\n"
                               + log.read_text(errors="replace")[-4000:])
        time.sleep(1)


def _stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)  # the script stops its servers
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.fixture(scope="session")
def scale_out(postgres_database_url: str, redis_settings: Dict[str, Any],
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScaleOut]:
    _require_nginx()
    database = make_url(postgres_database_url)
    workdir = tmp_path_factory.mktemp("scale")
    rasa_ports = [free_port(), free_port()]
    lb_port, token, rest_token = free_port(), secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    env = server_env({
        "SCALE_DIR": str(workdir),
        "RASA_PORTS": " ".join(map(str, rasa_ports)),
        "ACTION_PORTS": f"{free_port()} {free_port()}",
        "LB_PORT": str(lb_port), "ACTIONS_LB_PORT": str(free_port()), "CONSOLE_PORT": str(free_port()),
        "RASA_TOKEN": token, "REST_CHANNEL_TOKEN": rest_token,
        "POSTGRES_HOST": database.host or "127.0.0.1", "POSTGRES_PORT": str(database.port or 5432),
        "POSTGRES_USER": database.username or "postgres", "POSTGRES_PASSWORD": database.password or "",
        "POSTGRES_DB": database.database, "DATABASE_URL": postgres_database_url,
        "REDIS_HOST": redis_settings.get("host", "127.0.0.1"),
        "REDIS_PORT": str(redis_settings.get("port", 6379)), "REDIS_DB": str(redis_settings.get("db", 0)),
        "REDIS_PASSWORD": redis_settings.get("password") or "",
        "REDIS_KEY_PREFIX": f"scaletest{uuid.uuid4().hex[:8]}", "REDIS_URL": "",
    })
    log = workdir / "scale_out.log"
    with log.open("w") as out:
        process = subprocess.Popen(["bash", str(ROOT / "scripts" / "scale_out.sh")], cwd=ROOT, env=env,
                                   stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_until_running(process, log)
        yield ScaleOut(Stack(f"http://127.0.0.1:{lb_port}", "", token, postgres_database_url, workdir,
                             rest_token=rest_token),
                       rasa_ports, log)
    finally:
        _stop(process)
