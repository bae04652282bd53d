"""The action server launcher refuses to start on a configuration mistake, and says which."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

from bot.settings import REPO_ROOT
from tests.auxil.data_copy import copy_config


def test_the_action_server_does_not_start_with_a_mistake_in_the_policies(tmp_path):
    copy_config(tmp_path)
    for package in ("actions", "bot"):
        shutil.copytree(REPO_ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    policies = tmp_path / "data/policies.yml"
    policies.write_text(policies.read_text(encoding="utf-8").replace(
        "{response: utter_plan_repair, working_days: 5}", "{response: utter_plan_repair, working_days: five}"),
        encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}"}

    result = subprocess.run([sys.executable, "-m", "actions", "--port", "0"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)

    assert result.returncode != 0
    assert ("data/policies.yml: remedies.repair.working_days: expected a whole number of days, got 'five'. "
            "Fix: write a number, e.g. 7.") in result.stderr
    assert "nothing was started" in result.stderr
