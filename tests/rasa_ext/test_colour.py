"""Rasa's colour codes reach a terminal only (rasa_ext/colour.py)."""
from __future__ import annotations

import io
import subprocess

import pytest
import rasa.shared.utils.io as rasa_io

from rasa_ext import colour
from tests.auxil.stack import ROOT, VENV_BIN, server_env


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("streams", "no_color", "expected"), [
    ((_Terminal(), _Terminal()), False, True),
    ((_Terminal(), _Terminal()), True, False),
    ((_Terminal(), io.StringIO()), False, False),
])
def test_colour_only_when_every_stream_is_a_terminal_and_no_color_is_unset(monkeypatch, streams, no_color, expected):
    if no_color:
        monkeypatch.setenv("NO_COLOR", "")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    assert colour.wants_colour(streams) is expected


def test_off_a_terminal_rasas_messages_are_plain(monkeypatch):
    monkeypatch.setattr(rasa_io, "wrap_with_color", rasa_io.wrap_with_color)  # restored afterwards
    monkeypatch.setattr(colour, "wants_colour", lambda: False)
    colour.no_colour_off_terminal()
    assert rasa_io.wrap_with_color("注意", "了", color=rasa_io.bcolors.WARNING) == "注意 了"


def test_a_rasa_command_run_through_it_prints_its_warnings_without_colour_codes(tmp_path):
    def run(*command: str) -> str:
        result = subprocess.run([*command, "data", "validate", "stories", "--domain", str(tmp_path / "nowhere.yml")],
                                cwd=ROOT, env=server_env({}), capture_output=True, text=True, timeout=600)
        return result.stdout + result.stderr

    assert "\x1b[" in run(str(VENV_BIN / "rasa"))  # Rasa's own command line colours it
    plain = run(str(VENV_BIN / "python"), "-m", "rasa_ext.colour")
    assert "nowhere.yml' does not seem to exist" in plain and "\x1b[" not in plain
