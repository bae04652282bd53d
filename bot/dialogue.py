"""The dialogue files (data/rules.yml, data/stories/) as the form and the configuration check read
them: which rules and stories there are, and which intents a rule answers during the form."""
from __future__ import annotations

from pathlib import Path
from typing import Any, FrozenSet, Iterator, List, Mapping

from bot.datafiles import load_yaml
from bot.settings import REPO_ROOT

FORM = "complaint_form"


def dialogue_blocks(root: Path = REPO_ROOT) -> Iterator[tuple[Path, str, Mapping[str, Any]]]:
    """(file, "rule" or "story", block) for each rule and story under data/ (not data/eval)."""
    for path in sorted((root / "data").rglob("*.yml")):
        if "eval" in path.relative_to(root / "data").parts:
            continue
        raw = load_yaml(path)
        for kind, key in (("rule", "rules"), ("story", "stories")):
            for block in (raw.get(key) or []) if isinstance(raw, Mapping) else []:
                if isinstance(block, Mapping):
                    yield path, kind, block


def step_intents(step: Any) -> List[str]:
    """The intents a step (`- intent: x`, or `- or:` of them) waits for."""
    if not isinstance(step, Mapping):
        return []
    if "or" in step:
        return [name for option in step.get("or") or [] for name in step_intents(option)]
    return [str(step["intent"])] if step.get("intent") else []


def answers_mid_form(block: Mapping[str, Any]) -> bool | None:
    """Whether a rule answers during the form: True when its condition is the active form, None
    when it has no active_loop condition but goes on to the form, else False."""
    loops = [c["active_loop"] for c in block.get("condition") or [] if isinstance(c, Mapping) and "active_loop" in c]
    if loops:
        return loops == [FORM]
    steps = block.get("steps") or []
    return None if any(isinstance(step, Mapping) and step.get("action") == FORM for step in steps) else False


def intents_answered_mid_form(root: Path = REPO_ROOT) -> FrozenSet[str]:
    """The intents a rule answers during the form before the question is asked again (a policy
    question, a vent, a greeting…): the form does not take such a message as the answer to its
    question. A rule that hands the message straight to the form (an unclear message) does not
    count: the form checks that message as an answer."""
    answered: set[str] = set()
    for _, kind, block in dialogue_blocks(root):
        steps = block.get("steps") or []
        if kind != "rule" or len(steps) < 2 or answers_mid_form(block) is not True:
            continue
        if isinstance(steps[1], Mapping) and steps[1].get("action") != FORM:
            answered.update(step_intents(steps[0]))
    return frozenset(answered)
