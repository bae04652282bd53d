"""The helpers of the run scripts (scripts/lib.sh), run by bash as the scripts run them."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.auxil.stack import ROOT, server_env


def _ensure_rasa_token(workdir: Path) -> str:
    """`ensure_rasa_token` run in `workdir` under the usual umask 022; the token it exports."""
    env = {name: value for name, value in server_env({}).items() if name != "RASA_TOKEN"}
    result = subprocess.run(
        ["bash", "-c", f'umask 022 && source "{ROOT}/scripts/lib.sh" && ensure_rasa_token && echo "$RASA_TOKEN"'],
        cwd=workdir, env=env, capture_output=True, text=True, check=True)
    return result.stdout.strip()


def test_the_generated_rasa_token_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    (tmp_path / "var").mkdir()
    token = _ensure_rasa_token(tmp_path)
    token_file = tmp_path / "var" / "rasa_token"
    assert len(token) >= 24 and token_file.read_text().strip() == token
    assert oct(token_file.stat().st_mode & 0o777) == "0o600"


def test_a_token_file_others_could_read_is_kept_but_made_private(tmp_path: Path) -> None:
    (tmp_path / "var").mkdir()
    token_file = tmp_path / "var" / "rasa_token"
    token_file.write_text("kept-token-from-an-earlier-run\n")
    os.chmod(token_file, 0o644)
    assert _ensure_rasa_token(tmp_path) == "kept-token-from-an-earlier-run"
    assert oct(token_file.stat().st_mode & 0o777) == "0o600"
