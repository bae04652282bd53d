"""The Rasa project as designers use it: `make validate` and the test stories; what they print
reaches a designer without terminal colour codes."""
import re
import subprocess
from pathlib import Path

from tests.auxil.stack import ROOT, VENV_BIN, server_env, trained_model

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _validate(*args: str) -> subprocess.CompletedProcess:
    """`make validate`: scripts/validate.py, output captured (not a terminal)."""
    return subprocess.run([str(VENV_BIN / "python"), "scripts/validate.py", *args], cwd=ROOT,
                          env=server_env({}), capture_output=True, text=True, timeout=600)


def test_make_validate_finds_no_problem_and_prints_no_colour():
    result = _validate()
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert not ANSI.search(output), repr(output[-2000:])
    assert output.strip().splitlines()[-1].startswith("make validate: no problems (Rasa's warnings hidden: "), output


def test_make_validate_reports_a_response_nothing_uses_with_file_and_entry(tmp_path: Path):
    domain = (ROOT / "domain.yml").read_text(encoding="utf-8").replace(
        "\nresponses:\n", '\nresponses:\n  utter_nobody_says_this:\n  - text: "没人会说这句话。"\n', 1)
    assert "utter_nobody_says_this" in domain
    (tmp_path / "domain.yml").write_text(domain, encoding="utf-8")
    result = _validate("--domain", str(tmp_path / "domain.yml"))
    output = result.stdout + result.stderr
    assert result.returncode == 1, output[-4000:]
    assert not ANSI.search(output), repr(output[-2000:])
    assert output.splitlines()[:-1] == [
        f"- {tmp_path}/domain.yml: responses.utter_nobody_says_this: no rule, story, action or data file sends "
        f"it. Fix: use it (`- action: utter_nobody_says_this` in a rule, or from an action), or remove it."]
    assert output.splitlines()[-1].startswith("make validate: 1 problem(s)")


def test_end_to_end_test_stories_pass(tmp_path: Path):
    """tests/stories: one message with everything, anger, Traditional, corrections, questions
    mid-form, progress, policy, fallback — predicted without a single error."""
    result = subprocess.run(
        [str(VENV_BIN / "rasa"), "test", "core", "--model", str(trained_model()),
         "--stories", "tests/stories", "--fail-on-prediction-errors", "--out", str(tmp_path)],
        cwd=ROOT, env=server_env({}), capture_output=True, text=True, timeout=900)
    failed = tmp_path / "failed_test_stories.yml"
    details = failed.read_text(encoding="utf-8") if failed.exists() else ""
    assert result.returncode == 0, ANSI.sub("", result.stdout + result.stderr)[-3000:] + "\n" + details
