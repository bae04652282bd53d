#!/usr/bin/env python
"""Prove an NLU change before it ships (`make check-nlu`): the working tree's model against the
last commit's, on the same messages.

Before: the model of the last commit's data (`--base REF` for another commit, e.g. main): the one
in models/ when its name, the fingerprint of what shapes it (scripts/train_if_changed.py), is that
commit's; else trained from `git archive REF` and kept in models/ for the next check.
After: the working tree's model: the one in models/ if there, else trained into a temporary
directory, moved into models/ when the check passes (`make run` then starts without training),
deleted when it fails. `--before MODEL --after MODEL` compares two trained models.

Each message goes to the real assistant as the first of a fresh conversation
(scripts/devset_eval.py): the dev set (docs/devset.md), our own labelled messages
(data/eval/escalation.yml) and the designers' reviewed examples (data/nlu/reviewed/*.yml, if any;
the after model learnt them, so they show what it took in). Prints what got better and what got
worse by intent, with the messages (on the terminal only; the dev set's report splits by hash, never
their text), issue 14's figures before → after, and the time of a turn with each model.

Exit status 1 when threat or safety recall (messages handed off for that reason) falls on the dev
set or on our own messages, naming it; 2 when a model cannot be trained.
"""
from __future__ import annotations

import argparse
import io
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import devset  # scripts/, the directory of this script
import devset_eval
import escalation_eval
import train_if_changed
from devset_eval import Figures, Message, Outcome, cell

ROOT = train_if_changed.ROOT
MODELS = train_if_changed.MODELS
REVIEWED = ROOT / "data" / "nlu" / "reviewed"
#: The sets whose threat and safety recall must not fall, as the output names them.
GUARDED = {"tune": "the dev set (tune split)", "report": "the dev set (report split)",
           "chats tune": "the dev set's chats (tune split)", "chats report": "the dev set's chats (report split)",
           "own, all": "our own messages (data/eval/escalation.yml)"}
WIDTH = 30


def step(text: str) -> None:
    """A stage of the check, with the time: training and evaluating take minutes."""
    print(f"\n== {time.strftime('%H:%M:%S')} {text}", flush=True)


def reviewed_messages(folder: Path = REVIEWED) -> List[Message]:
    """The designers' reviewed examples (data/nlu/reviewed/*.yml), labelled with their intent."""
    return [Message(f"reviewed-{n}", text, set(), intent=intent)
            for n, (intent, text) in enumerate(escalation_eval.training_examples(str(folder / "*.yml")))]


def evaluation_groups() -> Dict[str, List[Message]]:
    """The messages both models answer: dev set splits, our own, the reviewed examples."""
    groups = devset_eval.devset_messages()
    groups.update(devset_eval.own_messages())
    groups["reviewed"] = reviewed_messages()
    return groups


@dataclass
class Evaluation:
    """What one model's assistant did with each message (by key)."""

    model: Path
    outcomes: Dict[str, Outcome]

    def figures(self, groups: Dict[str, List[Message]]) -> Dict[str, Figures]:
        """Issue 14's figures for each group (scripts/devset_eval.py)."""
        return {name: devset_eval.figures(group, self.outcomes) for name, group in groups.items()}


def evaluate(model: Path, groups: Dict[str, List[Message]], workdir: Path) -> Evaluation:
    """Run every message through the assistant on `model` (databases and logs in `workdir`)."""
    return Evaluation(model, devset_eval.run_all(groups, model, workdir))


@dataclass
class Change:
    """A message the after model answers better or worse: the mistakes fixed or made."""

    group: str
    message: Message
    before: Outcome
    after: Outcome
    mistakes: List[str]


def changes(groups: Dict[str, List[Message]], before: Evaluation, after: Evaluation) -> Dict[str, List[Change]]:
    """"better" and "worse": each message once, with the mistakes it lost or gained."""
    found: Dict[str, List[Change]] = {"better": [], "worse": []}
    seen = set()
    for name, group in groups.items():
        for m in group:
            if m.key in seen:
                continue
            seen.add(m.key)
            old, new = before.outcomes[m.key], after.outcomes[m.key]
            was, now = devset_eval.mistakes(m, old), devset_eval.mistakes(m, new)
            fixed = [was[k] for k in was if k not in now]
            made = [now[k] for k in now if k not in was]
            if fixed:
                found["better"].append(Change(name, m, old, new, fixed))
            if made:
                found["worse"].append(Change(name, m, old, new, made))
    return found


def print_changes(title: str, verb: str, found: Sequence[Change]) -> None:
    """`found` by intent (before → after when it changed), with the messages; the dev set's
    report split by hash only (tune on tune, report the other)."""
    print(f"\n{title}: {len(found)} message{'s' if len(found) != 1 else ''}")
    by_intent: Dict[str, List[Change]] = defaultdict(list)
    for change in found:
        old, new = change.before.intent, change.after.intent
        by_intent[str(new) if old == new else f"{old} → {new}"].append(change)
    for intent, listed in sorted(by_intent.items(), key=lambda item: (-len(item[1]), item[0])):
        print(f"  {intent} ({len(listed)})")
        for change in listed:
            m = change.message
            split = devset.split_of_group(change.group)
            name = f"{change.group} {m.key[:10]}" if split else change.group
            print(f"    [{name}] {verb}: {'; '.join(change.mistakes)}")
            print("        (report split: text not shown)" if split == "report" else f"        {m.text[:200]}")


def print_figures(before: Dict[str, Figures], after: Dict[str, Figures]) -> None:
    """Issue 14's figures (scripts/devset_eval.py) and recall / precision by reason, before → after."""
    names = [name for name in before if before[name].complaints or before[name].serious[1]
             or any(r[0][1] for r in before[name].by_reason.values())]
    print(f"\nissue 14's figures, before → after:\n{'':<30}" + "".join(f"{n:>{WIDTH}}" for n in names))
    rows = [(label, get) for label, get in devset_eval.ROWS]
    for reason in devset.REASONS:
        rows.append((f"{reason} recall", lambda f, r=reason: f.by_reason[r][0]))
        rows.append((f"{reason} precision", lambda f, r=reason: f.by_reason[r][1]))
    for label, get in rows:
        if not any(get(before[n])[1] or get(after[n])[1] for n in names):
            continue
        cells = [f"{cell(get(before[n])).strip()} → {cell(get(after[n])).strip()}" for n in names]
        print(f"{label:<30}" + "".join(f"{c:>{WIDTH}}" for c in cells))


def turn_time(evaluation: Evaluation) -> str:
    """The median and 90th percentile of the model's turn times."""
    times = sorted(o.turn_ms for o in evaluation.outcomes.values())
    if not times:
        return "—"
    return f"median {statistics.median(times):.0f} ms, 90th percentile {times[int(0.9 * (len(times) - 1))]:.0f} ms"


def failures(before: Dict[str, Figures], after: Dict[str, Figures]) -> List[str]:
    """Why the change must not ship: threat or safety recall fell on a guarded set."""
    found = []
    for name, label in GUARDED.items():
        for reason in devset_eval.SERIOUS:
            was, now = before[name].by_reason[reason][0], after[name].by_reason[reason][0]
            if now[0] < was[0]:
                found.append(f"{reason} recall fell on {label}: {cell(was).strip()} → {cell(now).strip()}")
    return found


def check(groups: Dict[str, List[Message]], before: Evaluation, after: Evaluation) -> int:
    """Print the comparison; 1 when threat or safety recall fell, else 0."""
    print(f"\nbefore: {before.model.name}   after: {after.model.name}")
    found = changes(groups, before, after)
    print_changes("what got better", "fixed", found["better"])
    print_changes("what got worse", "now", found["worse"])
    old, new = before.figures(groups), after.figures(groups)
    print_figures(old, new)
    reviewed = groups.get("reviewed") or []
    if reviewed:
        right = [sum(not devset_eval.mistakes(m, e.outcomes[m.key]) for m in reviewed) for e in (before, after)]
        print(f"\nreviewed examples (data/nlu/reviewed/) understood: {right[0]}/{len(reviewed)} → "
              f"{right[1]}/{len(reviewed)}")
    print(f"\ntime of a turn (the webhook's answer, {len(after.outcomes)} turns):\n"
          f"  before: {turn_time(before)}\n  after:  {turn_time(after)}")
    reasons = failures(old, new)
    if reasons:
        print("\ncheck-nlu: FAILED — " + "; ".join(reasons))
        return 1
    print("\ncheck-nlu: passed (threat and safety recall held)")
    return 0


def baseline(ref: str) -> Optional[Path]:
    """The model of `ref`'s data: in models/ when there, else trained from `git archive ref` into
    models/. None when training failed."""
    with tempfile.TemporaryDirectory(prefix="check-nlu-") as tmp:
        archive = subprocess.run(["git", "archive", ref], cwd=ROOT, check=True, capture_output=True).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp)  # git's own archive of this repository
        model = MODELS / f"{train_if_changed.model_name(Path(tmp))}.tar.gz"
        if model.exists():
            print(f"{ref}'s model is in models/: {model.name}", flush=True)
            return model
        print(f"training {ref}'s model {model.name} (2-4 minutes, more on a busy machine; "
              "kept in models/ for the next check)", flush=True)
        return train_if_changed.train(MODELS, Path(tmp))


def compare(before: Path, after: Path) -> int:
    """Evaluate both models and print the comparison; the exit status of `check`."""
    groups = evaluation_groups()
    print("messages: " + ", ".join(f"{name}: {len(group)}" for name, group in groups.items()), flush=True)
    evaluations = []
    for label, model in (("before", before), ("after", after)):
        step(f"the {label} model {model.name} answers every message (a few minutes)")
        evaluations.append(evaluate(model, groups, ROOT / "var" / "check-nlu" / label))
    return check(groups, *evaluations)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="HEAD", help="the commit to compare with (default: %(default)s)")
    parser.add_argument("--before", type=Path, help="a trained model to compare (with --after; no training)")
    parser.add_argument("--after", type=Path, help="the trained model of the change (with --before)")
    args = parser.parse_args(argv)
    if bool(args.before) != bool(args.after):
        parser.error("--before and --after go together")
    if args.before:
        return compare(args.before, args.after)
    step(f"the before model: {args.base}'s data")
    try:
        before = baseline(args.base)
    except subprocess.CalledProcessError as exc:
        print(f"error: cannot read {args.base}: {exc.stderr.decode().strip()}", file=sys.stderr)
        return 2
    if before is None:
        return 2
    step("the after model: the working tree's data")
    kept = MODELS / f"{train_if_changed.model_name()}.tar.gz"
    if kept == before:
        print(f"nothing that shapes the model changed since {args.base} (config.yml, domain.yml, data/, "
              "the pipeline's code): nothing to check")
        return 0
    if kept.exists():
        print(f"the working tree's model is in models/: {kept.name}", flush=True)
        return compare(before, kept)
    with tempfile.TemporaryDirectory(prefix="check-nlu-") as tmp:
        print("training it into a temporary directory (2-4 minutes, more on a busy machine)", flush=True)
        after = train_if_changed.train(Path(tmp))
        if after is None:
            return 2
        status = compare(before, after)
        if status == 0:
            MODELS.mkdir(exist_ok=True)
            shutil.move(str(after), kept)
            train_if_changed.prune()
            print(f"kept as models/{kept.name}: `make run` starts on it without training")
        else:
            print("the after model is not kept")
    return status


if __name__ == "__main__":
    sys.exit(main())
