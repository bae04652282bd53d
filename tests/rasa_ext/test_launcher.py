"""The Rasa server started by its launcher (`python -m rasa_ext run`, as scripts/run.sh and the
test stacks start it) has every patch installed before it loads the model, whatever endpoints.yml
names: here Rasa's own in-memory tracker store."""
from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
import pytest

from bench.servers import assistant_endpoints, running_servers, server_env
from rasa_ext.patches import patches
from tests.auxil.stack import ROOT, VENV_BIN, trained_model


@pytest.mark.outside_unit  # a trained model and a server process
def test_the_launched_server_is_patched_with_rasas_own_tracker_store(tmp_path: Path) -> None:
    env = server_env({"DATABASE_URL": f"sqlite:///{tmp_path / 'complaints.db'}"})
    subprocess.run([str(VENV_BIN / "python"), "-m", "bot", "migrate"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    endpoints = {key: value for key, value in assistant_endpoints(tmp_path).items() if key != "tracker_store"}
    with running_servers(tmp_path, trained_model(), endpoints=endpoints, env=env, debug=True) as servers:
        reply = httpx.post(f"{servers.rasa_url}/webhooks/rest/webhook", timeout=60,
                           json={"sender": "launcher-1", "message": "快递还没到，我的电话是13812345678"})
        assert reply.status_code == 200 and reply.json()
        log = (tmp_path / "rasa.log").read_text(errors="replace")
    for patch in patches():
        assert f"Installed {patch.owner.__name__}.{patch.name}:" in log
    assert log.index("Installed Agent.load_model") < log.index("rasa.engine.storage.local_model_storage"), \
        "installed before the model is loaded"
    assert "138****5678" in log and "13812345678" not in log, "the debug log is masked"
