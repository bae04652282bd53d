"""The Rasa project as designers use it: `rasa data validate` and the test stories."""
import re
import subprocess
from pathlib import Path


from tests.auxil.stack import ROOT, VENV_BIN, server_env, trained_model

# Responses uttered by actions (read-back, plans, empathy levels…) are invisible to the validator.
ACTION_ONLY_RESPONSE = re.compile(r"The utterance 'utter_\w+' is not used in any story or rule")
# Intents of external events (the agent console's hand-back) are never typed by customers.
EXTERNAL_INTENT = re.compile(r"The intent 'EXTERNAL_\w+' is listed in the domain file, but is not found in the NLU")


def test_rasa_data_validate_finds_no_problem():
    result = subprocess.run([str(VENV_BIN / "rasa"), "data", "validate"], cwd=ROOT,
                            env=server_env({}), capture_output=True, text=True, timeout=600)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    problems = [line for line in output.splitlines()
                if re.search(r"UserWarning|ERROR", line) and not ACTION_ONLY_RESPONSE.search(line)
                and not EXTERNAL_INTENT.search(line)]
    assert problems == [], "\n".join(problems)


def test_end_to_end_test_stories_pass(tmp_path: Path):
    """tests/stories: one message with everything, anger, Traditional, corrections, questions
    mid-form, progress, policy, fallback — predicted without a single error."""
    result = subprocess.run(
        [str(VENV_BIN / "rasa"), "test", "core", "--model", str(trained_model()),
         "--stories", "tests/stories", "--fail-on-prediction-errors", "--out", str(tmp_path)],
        cwd=ROOT, env=server_env({}), capture_output=True, text=True, timeout=900)
    failed = tmp_path / "failed_test_stories.yml"
    details = failed.read_text(encoding="utf-8") if failed.exists() else ""
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:] + "\n" + details
