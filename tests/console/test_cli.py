"""Agent accounts from the command line (`python -m bot agent …`), as an operator manages them."""
from __future__ import annotations

import secrets
import subprocess
from typing import Mapping, Optional

import httpx

from tests.auxil.agents import AgentClient
from tests.auxil.stack import ROOT, VENV_BIN, Console, server_env


def _agent_cli(console: Console, *args: str, stdin: str = "",
               env: Optional[Mapping[str, str]] = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(VENV_BIN / "python"), "-m", "bot", "agent", *args], input=stdin,
                          capture_output=True, text=True, cwd=ROOT,
                          env=server_env({"DATABASE_URL": console.database_url, **(env or {})}))


def _logs_in(console: Console, username: str, password: str) -> bool:
    answer = httpx.post(f"{console.url}/agent/api/login", json={"username": username, "password": password})
    return answer.status_code == 200


def test_an_operator_adds_lists_and_changes_agents(console: Console) -> None:
    username, password = f"cli-{secrets.token_hex(3)}", "第一个密码-long-enough"
    console.add_agent(username, password, "赵敏")  # --password-stdin, as Stack.add_agent does
    assert _logs_in(console, username, password)
    assert f"{username}\t赵敏\tactive" in _agent_cli(console, "list").stdout

    taken = _agent_cli(console, "add", username, "--name", "重名", env={"AGENT_PASSWORD": "another-password"})
    assert taken.returncode == 1 and "exists already" in taken.stderr
    short = _agent_cli(console, "add", f"{username}-2", env={"AGENT_PASSWORD": "short"})
    assert short.returncode == 1 and "at least 10 characters" in short.stderr

    session = AgentClient.by_api(console.url, username, password)
    new_password = "第二个密码-long-enough"
    changed = _agent_cli(console, "passwd", username, env={"AGENT_PASSWORD": new_password})
    assert changed.returncode == 0, changed.stderr
    assert not _logs_in(console, username, password)
    assert _logs_in(console, username, new_password)
    assert session.get("queue").status_code == 401, "a new password ends the old sessions"

    assert _agent_cli(console, "deactivate", username).returncode == 0
    assert not _logs_in(console, username, new_password)
    assert f"{username}\t赵敏\tdeactivated" in _agent_cli(console, "list").stdout
    unknown = _agent_cli(console, "passwd", "nobody-at-all", stdin="whatever-password\n")
    assert unknown.returncode == 1 and "no agent named 'nobody-at-all'" in unknown.stderr


def test_an_operator_adds_a_supervisor_and_makes_an_agent_one(console: Console) -> None:
    boss, agent = f"cli-{secrets.token_hex(3)}", f"cli-{secrets.token_hex(3)}"
    password = "主管的密码-long-enough"
    added = _agent_cli(console, "add", boss, "--name", "张主管", "--role", "supervisor",
                       env={"AGENT_PASSWORD": password})
    assert added.returncode == 0 and f"supervisor {boss} (张主管) added" in added.stdout
    console.add_agent(agent, password, "王芳")
    listed = _agent_cli(console, "list").stdout
    assert f"{boss}\t张主管\tactive\tsupervisor" in listed and f"{agent}\t王芳\tactive\tagent" in listed
    assert AgentClient.by_api(console.url, boss, password).get("reports").status_code == 200
    assert AgentClient.by_api(console.url, agent, password).get("reports").status_code == 403

    assert _agent_cli(console, "role", agent, "supervisor").returncode == 0
    assert f"{agent}\t王芳\tactive\tsupervisor" in _agent_cli(console, "list").stdout
    assert AgentClient.by_api(console.url, agent, password).get("reports").status_code == 200
    unknown = _agent_cli(console, "add", f"{agent}-x", "--role", "boss", env={"AGENT_PASSWORD": password})
    assert unknown.returncode == 2 and "invalid choice: 'boss'" in unknown.stderr
