"""scripts/nlu_eval.py (`make nlu-eval`): how many folds, folds that test each message once and the
same on every run, batched predictions equal to Rasa's own, and the progress bar."""
from __future__ import annotations

import asyncio
import io
import sys
from pathlib import Path

import pytest

from bot.settings import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "scripts"))
import nlu_eval  # noqa: E402

CONFIG = """recipe: default.v1
language: en
assistant_id: nlu-eval-test
pipeline:
  - name: WhitespaceTokenizer
  - name: CountVectorsFeaturizer
  - name: LogisticRegressionClassifier
policies: []
"""
INTENTS = {
    "greet": ["hello", "hi there", "good morning", "hey", "hello friend", "hi", "morning all", "hey you"],
    "refund": ["i want my money back", "refund please", "give me a refund", "money back now",
               "refund my order", "i need a refund", "return the money", "please refund me"],
}


def _data(root: Path) -> Path:
    lines = ['version: "3.1"', "nlu:"]
    for intent, texts in INTENTS.items():
        lines += [f"  - intent: {intent}", "    examples: |", *(f"      - {text}" for text in texts)]
    (root / "nlu.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "config.yml").write_text(CONFIG, encoding="utf-8")
    return root


@pytest.fixture
def ran(monkeypatch):
    """main() with the evaluation and the summary replaced: the arguments it would evaluate with."""
    calls = []
    monkeypatch.setattr(nlu_eval, "evaluate", lambda *args: calls.append(args))
    monkeypatch.setattr(nlu_eval, "summarize", lambda out, threshold: 1.0)
    monkeypatch.delenv("FOLDS", raising=False)
    return calls


@pytest.mark.parametrize(("argv", "env", "folds", "quick"), [
    ([], None, 2, False),
    (["--full"], None, 5, False),
    ([], "4", 4, False),
    (["--folds", "3"], "4", 3, False),
    (["--quick"], None, 2, True),
])
def test_two_folds_by_default_and_the_full_run_on_request(ran, monkeypatch, argv, env, folds, quick):
    if env:
        monkeypatch.setenv("FOLDS", env)
    assert nlu_eval.main(argv) == 0
    (_, _, _, got_folds, got_quick, seed, _), = ran
    assert (got_folds, got_quick, seed) == (folds, quick, 42)


@pytest.mark.parametrize(("argv", "env", "fix"), [
    (["--folds", "1"], None, "must be 2 or more, got 1; use --quick for one split"),
    ([], "five", "FOLDS must be a whole number of folds, got 'five'; e.g. FOLDS=5"),
])
def test_a_wrong_number_of_folds_is_refused_with_the_fix(ran, monkeypatch, capsys, argv, env, fix):
    if env:
        monkeypatch.setenv("FOLDS", env)
    with pytest.raises(SystemExit):
        nlu_eval.main(argv)
    assert ran == [] and fix in capsys.readouterr().err


def test_the_folds_test_each_message_once_and_are_the_same_on_every_run(tmp_path):
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(_data(tmp_path) / "nlu.yml"))
    runs = [[sorted(m.get("text") for m in test.intent_examples) for _, test in nlu_eval.splits(data, 2, False, 7)]
            for _ in range(2)]
    assert runs[0] == runs[1]
    tested = [text for fold in runs[0] for text in fold]
    assert sorted(tested) == sorted(text for texts in INTENTS.values() for text in texts)
    for fold in runs[0]:  # stratified: half of each intent
        assert sum(text in INTENTS["greet"] for text in fold) == len(INTENTS["greet"]) // 2


def test_the_evaluation_writes_rasas_report_and_shows_its_progress(tmp_path, monkeypatch):
    root = _data(tmp_path)
    for name in ("LOG_LEVEL", "RASA_TELEMETRY_ENABLED", "TF_CPP_MIN_LOG_LEVEL"):  # set by the script
        monkeypatch.setenv(name, "WARNING" if name == "LOG_LEVEL" else "false" if "RASA" in name else "2")
    monkeypatch.setattr(nlu_eval, "ROOT", root)
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    nlu_eval.evaluate("nlu.yml", "config.yml", root / "out", 2, False, 42, True)
    progress = sys.stderr.getvalue()
    assert "split 1/2: training" in progress and "split 2/2: testing" in progress
    assert f"{sum(map(len, INTENTS.values()))}/{sum(map(len, INTENTS.values()))}" in progress
    assert nlu_eval.summarize(root / "out", 0.3) > 0.5


def test_batched_predictions_are_rasas_own(tmp_path):
    from rasa.core.agent import Agent
    from rasa.core.channels.channel import UserMessage
    from rasa.model_training import train_nlu

    root = _data(tmp_path)
    processor = Agent.load(train_nlu(str(root / "config.yml"), str(root / "nlu.yml"), str(root))).processor
    texts = ["hello there", "refund", "my money please", "unknown words entirely", "hi"]

    class Bar:
        def update(self, n: int) -> None:
            pass

    batched = nlu_eval.predict(processor, texts, Bar(), batch=2)
    one_by_one = [asyncio.run(processor.parse_message(UserMessage(text=text), only_output_properties=False))
                  for text in texts]
    assert [p["intent"] for p in batched] == [p["intent"] for p in one_by_one]
    assert [p["intent_ranking"] for p in batched] == [p["intent_ranking"] for p in one_by_one]
