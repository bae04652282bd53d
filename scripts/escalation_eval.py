#!/usr/bin/env python
"""Measure the escalation rules on the labelled set data/eval/escalation.yml.

Prints, per reason and overall, the precision and recall of
  (a) the pattern layer alone (no intents),
  (b) the NLU intents alone and (c) NLU intents together with the patterns — when a trained
      model exists (the newest models/complaints-*.tar.gz, or --model); skipped with a message
      otherwise or with --no-nlu,
and how many messages would be handed off to a person falsely (labelled with no reason).
Each message is judged alone, as the customer's first message; high_value uses the amount the
message states. `--nlu-data` adds an approximate check of the pattern layer on the training
examples in data/nlu (written by other people; labels derived from their intents).

Exit status 2 when an evaluation message also appears in data/nlu (the set must stay apart).
"""
from __future__ import annotations

import argparse
import asyncio
import dataclasses
import glob
import logging
import os
import re
import sys
import warnings
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from bot.escalation import EscalationConfig, Situation, Turn, decide, load_escalation_config  # noqa: E402
from bot.lexicon import normalise  # noqa: E402
from bot.extraction import parse_amount  # noqa: E402

EVAL_PATH = ROOT / "data" / "eval" / "escalation.yml"
NLU_GLOB = str(ROOT / "data" / "nlu" / "*.yml")
#: Reasons one message can trigger on its own (anger needs several, fallback several misses).
SINGLE_MESSAGE_REASONS = ("safety", "threat", "identity", "repeated", "pushed_around",
                          "high_value", "human_request")
#: What a training intent means in escalation terms (say_repeat covers both kinds of repeat).
REASONS_OF_INTENT = {"threaten": {"threat"}, "report_safety": {"safety"},
                     "request_human": {"human_request"}, "say_repeat": {"repeated", "pushed_around"}}
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)

Labelled = Tuple[str, Set[str]]
Intent = Tuple[Optional[str], float]


def load_eval(path: Path = EVAL_PATH, holdout_only: bool = False) -> List[Labelled]:
    """The labelled messages: (text, set of reasons); only the held-out ones if asked."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]
    unknown = {r for m in raw for r in m["reasons"]} - set(SINGLE_MESSAGE_REASONS)
    if unknown:
        raise SystemExit(f"{path}: unknown reasons {sorted(unknown)}; expected some of {SINGLE_MESSAGE_REASONS}")
    return [(m["text"], set(m["reasons"])) for m in raw if m.get("holdout") or not holdout_only]


def _key(text: str) -> str:
    return re.sub(r"[\W_]+", "", normalise(text))


def training_examples(pattern: str = NLU_GLOB) -> List[Tuple[str, str]]:
    """(intent, text) of every example in the files matching `pattern` (default: data/nlu/*.yml),
    entity markup removed."""
    examples = []
    for path in sorted(glob.glob(pattern)):
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or []:
            if "intent" not in block:
                continue
            for line in str(block.get("examples", "")).splitlines():
                line = line.strip()
                if line.startswith("- "):
                    examples.append((block["intent"], re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line[2:])))
    return examples


def overlap_with_training(messages: Iterable[Labelled]) -> List[str]:
    """Evaluation messages that also appear in data/nlu (ignoring script, case and punctuation)."""
    trained = {_key(text) for _, text in training_examples()}
    return [text for text, _ in messages if _key(text) in trained]


def predict(text: str, intent: Intent, config: EscalationConfig) -> Set[str]:
    situation = Situation(turns=(Turn(text, intent[0], intent[1]),), amount=parse_amount(text), now=NOW)
    return {d.reason for d in decide(situation, config)}


class Tally:
    """True and false positives and false negatives per reason, and handoffs per message."""

    def __init__(self) -> None:
        self.tp: Counter = Counter()
        self.fp: Counter = Counter()
        self.fn: Counter = Counter()
        self.false_handoffs: List[str] = []
        self.missed_handoffs: List[str] = []
        self.errors: List[Tuple[str, Set[str], Set[str]]] = []
        self.judged: List[Tuple[str, Set[str], Set[str]]] = []

    def add(self, text: str, want: Set[str], got: Set[str]) -> None:
        self.judged.append((text, want, got))
        for reason in want | got:
            if reason in want and reason in got:
                self.tp[reason] += 1
            elif reason in got:
                self.fp[reason] += 1
            else:
                self.fn[reason] += 1
        if got and not want:
            self.false_handoffs.append(text)
        if want and not got:
            self.missed_handoffs.append(text)
        if want != got:
            self.errors.append((text, want, got))

    def scores(self, reasons: Optional[Sequence[str]] = None) -> Tuple[Optional[float], Optional[float], int]:
        """Micro precision, recall and support over `reasons` (all when None)."""
        reasons = reasons or SINGLE_MESSAGE_REASONS
        tp = sum(self.tp[r] for r in reasons)
        fp = sum(self.fp[r] for r in reasons)
        fn = sum(self.fn[r] for r in reasons)
        precision = tp / (tp + fp) if tp + fp else None
        recall = tp / (tp + fn) if tp + fn else None
        return precision, recall, tp + fn


def evaluate(messages: Sequence[Labelled], intents: Sequence[Intent], config: EscalationConfig) -> Tally:
    tally = Tally()
    for (text, want), intent in zip(messages, intents):
        tally.add(text, want, predict(text, intent, config))
    return tally


def evaluate_subset(tally: Tally, subset: Sequence[Labelled]) -> Tally:
    """The part of `tally` about the messages in `subset`."""
    texts = {text for text, _ in subset}
    part = Tally()
    for text, want, got in tally.judged:
        if text in texts:
            part.add(text, want, got)
    return part


def _pct(value: Optional[float]) -> str:
    return "   -  " if value is None else f"{value:6.1%}"


def print_table(columns: Dict[str, Tally], messages: Sequence[Labelled]) -> None:
    names = list(columns)
    print(f"{'reason':<15}{'n':>4}  " + "  ".join(f"{name + ' P / R':>17}" for name in names))
    rows = [(r, [r]) for r in SINGLE_MESSAGE_REASONS] + [("all reasons", None)]
    for label, reasons in rows:
        support = columns[names[0]].scores(reasons)[2]
        cells = []
        for name in names:
            precision, recall, _ = columns[name].scores(reasons)
            cells.append(f"{_pct(precision)} / {_pct(recall)}")
        print(f"{label:<15}{support:>4}  " + "  ".join(f"{c:>17}" for c in cells))
    calm = sum(1 for _, want in messages if not want)
    serious = sum(1 for _, want in messages if want)
    print(f"{'false handoffs':<21}" + "  ".join(
        f"{f'{len(t.false_handoffs)} of {calm}':>17}" for t in columns.values()))
    print(f"{'missed handoffs':<21}" + "  ".join(
        f"{f'{len(t.missed_handoffs)} of {serious}':>17}" for t in columns.values()))


def print_errors(name: str, tally: Tally) -> None:
    print(f"\n{name}: {len(tally.errors)} messages judged differently from their label")
    for text, want, got in tally.errors:
        missing, extra = sorted(want - got), sorted(got - want)
        print(f"  {text}    missing {missing or '-'}  extra {extra or '-'}")


def newest_model() -> Optional[Path]:
    models = sorted(glob.glob(str(ROOT / "models" / "complaints-*.tar.gz")), key=os.path.getmtime)
    return Path(models[-1]) if models else None


def nlu_intents(texts: Sequence[str], model: Path) -> List[Intent]:
    """Intent and confidence the trained model gives each text (imports rasa: slow)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    warnings.filterwarnings("ignore")
    logging.getLogger("jieba").setLevel(logging.ERROR)
    from rasa.core.agent import Agent
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.ERROR)
    configure_structlog(logging.ERROR)

    agent = Agent.load(str(model))

    async def parse_all() -> List[Intent]:
        parsed = []
        for text in texts:
            intent = (await agent.parse_message(text)).get("intent") or {}
            parsed.append((intent.get("name"), float(intent.get("confidence") or 0.0)))
        return parsed

    return asyncio.run(parse_all())


def nlu_data_check(config: EscalationConfig) -> None:
    """Approximate: the pattern layer on data/nlu, labels from the examples' intents."""
    hits: Counter = Counter()
    totals: Counter = Counter()
    false = 0
    others = 0
    for intent, text in training_examples():
        got = predict(text, (None, 0.0), config) - {"high_value"}
        want = REASONS_OF_INTENT.get(intent)
        if want:
            totals[intent] += 1
            hits[intent] += bool(got & want)
        else:
            others += 1
            false += bool(got)
    print("\npattern layer on the training examples (approximate; see --help):")
    for intent in REASONS_OF_INTENT:
        if totals[intent]:
            print(f"  {intent:<15} caught {hits[intent]:>4} of {totals[intent]:<4} "
                  f"({hits[intent] / totals[intent]:.1%})")
    print(f"  other intents   flagged {false:>3} of {others} ({false / max(others, 1):.1%}) "
          "— some rightly (e.g. 售后踢皮球 is pushed_around)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=EVAL_PATH, help="labelled set (default: %(default)s)")
    parser.add_argument("--model", type=Path, default=None, help="trained model (default: newest in models/)")
    parser.add_argument("--no-nlu", action="store_true", help="skip (b) and (c): no model loading")
    parser.add_argument("--errors", action="store_true", help="list every message judged differently")
    parser.add_argument("--nlu-data", action="store_true", help="also run the pattern layer on data/nlu")
    args = parser.parse_args()

    messages = load_eval(args.eval)
    holdout = {text for text, _ in load_eval(args.eval, holdout_only=True)}
    copied = overlap_with_training(messages)
    if copied:
        print(f"{len(copied)} evaluation message(s) also appear in data/nlu; the set must stay apart "
              "from the training data — change or remove them:")
        for text in copied:
            print(f"  {text}")
        return 2
    config = load_escalation_config()
    nlu_only = dataclasses.replace(config, lexicons={})
    texts = [text for text, _ in messages]
    labelled = Counter(r for _, want in messages for r in want)
    print(f"{len(messages)} messages ({sum(1 for _, w in messages if not w)} with no reason); "
          f"labels: {dict(labelled)}")

    columns = {"(a) patterns": evaluate(messages, [(None, 0.0)] * len(messages), config)}
    model = args.model or newest_model()
    if args.no_nlu:
        print("(b), (c) skipped: --no-nlu")
    elif model is None or not model.exists():
        print(f"(b), (c) skipped: no trained model ({model or 'models/complaints-*.tar.gz'}); run `make train`")
    else:
        print(f"(b), (c) NLU from {model.relative_to(ROOT) if model.is_relative_to(ROOT) else model}")
        try:
            intents = nlu_intents(texts, model)
        except Exception as exc:  # a broken or incompatible model should not hide (a)
            print(f"(b), (c) skipped: could not load or run the model: {exc!r}")
        else:
            columns["(b) NLU"] = evaluate(messages, intents, nlu_only)
            columns["(c) NLU+patt."] = evaluate(messages, intents, config)
    print("\nall messages (the development part was tuned against; figures flattered):")
    print_table(columns, messages)
    held = [(text, want) for text, want in messages if text in holdout]
    print(f"\nheld out ({len(held)} messages written after the lexicons were frozen; the honest figures):")
    print_table({name: evaluate_subset(tally, held) for name, tally in columns.items()}, held)
    if args.errors:
        for name, tally in columns.items():
            print_errors(name, tally)
    if args.nlu_data:
        nlu_data_check(config)
    return 0


if __name__ == "__main__":
    sys.exit(main())
