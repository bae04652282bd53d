"""A Rasa user's plain commands: `rasa run actions` and `rasa run`, nothing migrated beforehand."""
from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import httpx

from bench.servers import assistant_endpoints, free_port, running_servers, wait_until_ready
from bot.identity import sender_id
from tests.auxil.stack import ROOT, VENV_BIN, server_env


def test_rasa_run_actions_and_rasa_run_work_on_a_database_never_migrated(tmp_path: Path, model: Path) -> None:
    database = tmp_path / "complaints.db"
    env = server_env({"DATABASE_URL": f"sqlite:///{database}"})
    action_port = free_port()
    with running_servers(tmp_path, model, endpoints=assistant_endpoints(tmp_path), env=env, start_actions=False,
                         action_endpoint={"url": f"http://127.0.0.1:{action_port}/webhook"}) as servers:
        servers.start("action server", [str(VENV_BIN / "rasa"), "run", "actions", "--port", str(action_port)],
                      tmp_path / "actions.log", cwd=ROOT, env={**env, "SANIC_HOST": "127.0.0.1"})
        wait_until_ready(f"http://127.0.0.1:{action_port}/health", servers.processes, servers.logs)
        httpx.post(f"{servers.rasa_url}/webhooks/rest/webhook", timeout=60,
                   json={"sender": "plain", "message": "我买的蓝牙耳机才用了三天左耳就没声音了"}).raise_for_status()
        tracker = httpx.get(f"{servers.rasa_url}/conversations/{sender_id('rest', 'plain')}/tracker",
                            params={"token": servers.token}, timeout=30).json()
    responses = [(e.get("metadata") or {}).get("utter_action") for e in tracker["events"] if e["event"] == "bot"]
    assert any(name and name.startswith("utter_empathy_") for name in responses), responses
    assert responses[-1] == "utter_ask_incident_time", responses
    assert tracker["slots"]["complaint_category"] == "quality"
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM alembic_version").fetchone() == (1,), "the store was migrated"
    for log in (tmp_path / "actions.log", tmp_path / "rasa.log"):
        errors = [line for line in log.read_text(encoding="utf-8", errors="replace").splitlines()
                  if re.search(r"\bERROR\b|Traceback", line)]
        assert errors == [], f"{log.name}: " + "\n".join(errors)
