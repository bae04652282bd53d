#!/usr/bin/env python
"""Evaluate the NLU model: per-intent F1 and intent macro-F1.

Default: 2-fold stratified cross-validation on data/nlu, in this one process (about half a minute
on two cores). `--full` (or `--folds 5`, or `FOLDS=5` in the environment) for the five folds of
the README's figures; `--quick` for one 80/20 split (the split of `rasa data split nlu`, seed 42).
The folds are drawn with `--seed`, so two runs on the same data score the same messages. Each
message is tested once, by the model trained without it; a progress bar shows the folds on a
terminal. Prints per-intent F1 (worst first), the intent macro-F1 and the most frequent confusions,
and writes Rasa's reports (intent_report.json, intent_errors.json, intent_successes.json) to --out.
Exit status 0, or 1 with `--min-f1` when the macro-F1 is below it.
"""
from __future__ import annotations

import argparse
import collections
import json
import logging
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

# One thread for the numeric libraries, set before any imports them: the models here are sparse
# logistic regressions, and with a thread pool per core the idle threads spun (on 2 cores the
# 2-fold run took 88 s of wall time and 118 s of CPU; with one thread, 26 s and 26 s).
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FOLDS = 2
FULL_FOLDS = 5


def _quiet_rasa() -> None:
    """Rasa's progress bars, INFO lines and coloured warnings off: this script reports."""
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    logging.getLogger().setLevel(logging.WARNING)
    for name in ("rasa", "jieba", "tensorflow", "absl"):
        logging.getLogger(name).setLevel(logging.ERROR)
    warnings.simplefilter("ignore")


def splits(data: Any, folds: int, quick: bool, seed: int) -> Iterator[Tuple[Any, Any]]:
    """(training, test) pairs: `folds` stratified folds, or one 80/20 split with `quick`."""
    from rasa.shared.nlu.training_data.training_data import TrainingData
    from sklearn.model_selection import StratifiedKFold

    if quick:
        yield data.train_test_split(0.8, random_seed=seed)
        return
    examples = data.intent_examples
    labels = [example.get_full_intent() for example in examples]
    shared = dict(entity_synonyms=data.entity_synonyms, regex_features=data.regex_features,
                  lookup_tables=data.lookup_tables, responses=data.responses)
    for train, test in StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed).split(examples, labels):
        yield (TrainingData(training_examples=[examples[i] for i in train], **shared),
               TrainingData(training_examples=[examples[i] for i in test], **shared))


def predict(processor: Any, texts: Sequence[str], progress: Any, batch: int = 256) -> List[Dict[str, Any]]:
    """Each text's parse, as `processor.parse_message` gives it (before the fallback), computed
    in batches: one run of the NLU graph per batch rather than per message."""
    from rasa.core.channels.channel import UserMessage
    from rasa.engine.constants import PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER
    from rasa.nlu.classifiers import fallback_classifier

    target = processor.model_metadata.nlu_target
    parses = []
    for start in range(0, len(texts), batch):
        chunk = [UserMessage(text=text) for text in texts[start:start + batch]]
        messages = processor.graph_runner.run(
            inputs={PLACEHOLDER_MESSAGE: chunk, PLACEHOLDER_TRACKER: None}, targets=[target])[target]
        for message in messages:
            parsed = {"text": "", "intent": {"name": None, "confidence": 0.0}, "entities": [],
                      **message.as_dict(only_output_properties=False)}
            if fallback_classifier.is_fallback_classifier_prediction(parsed):
                parsed = fallback_classifier.undo_fallback_prediction(parsed)
            parses.append(parsed)
        progress.update(len(chunk))
    return parses


def evaluate(nlu: str, config: str, out: Path, folds: int, quick: bool, seed: int,
             progress: Optional[bool]) -> None:
    """Train on each split, test on the rest, write Rasa's intent reports for all of them to `out`."""
    _quiet_rasa()
    from rasa.core.agent import Agent
    from rasa.model_training import train_nlu
    from rasa.nlu.test import IntentEvaluationResult, evaluate_intents
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter
    from rasa.shared.data import get_nlu_directory
    from rasa.shared.nlu.training_data.loading import load_data
    from tqdm import tqdm

    # As `rasa data split nlu` and `rasa test nlu` read it (the files gathered in one directory
    # first): the same examples in the same order, so `--quick` draws Rasa's split.
    data = load_data(get_nlu_directory(str(ROOT / nlu)))
    pairs = list(splits(data, folds, quick, seed))
    results: List[Any] = []
    total = sum(len(test.intent_examples) for _, test in pairs)
    with tempfile.TemporaryDirectory(prefix="nlu-eval-") as tmp, \
            tqdm(total=total, unit="msg", disable=None if progress is None else not progress,
                 file=sys.stderr, dynamic_ncols=True) as bar:
        for number, (train, test) in enumerate(pairs, 1):
            name = f"split {number}/{len(pairs)}"
            bar.set_description(f"{name}: training")
            training_file = Path(tmp) / "training_data.yml"
            RasaYAMLWriter().dump(training_file, train)
            model = train_nlu(str(ROOT / config), str(training_file), tmp, fixed_model_name=f"fold{number}")
            bar.set_description(f"{name}: testing")
            processor = Agent.load(model).processor
            examples = test.intent_examples
            parses = predict(processor, [example.get("text") for example in examples], bar)
            results += [IntentEvaluationResult(example.get("intent", ""), (parsed.get("intent") or {}).get("name"),
                                               parsed.get("text"), (parsed.get("intent") or {}).get("confidence"))
                        for example, parsed in zip(examples, parses)]
    out.mkdir(parents=True, exist_ok=True)
    evaluate_intents(results, str(out), successes=True, errors=True, disable_plotting=True,
                     report_as_dict=True)


def fallback_threshold(config: str) -> float:
    """The FallbackClassifier threshold of `config` (0.3, Rasa's default, if unset)."""
    import yaml

    pipeline = yaml.safe_load((ROOT / config).read_text(encoding="utf-8")).get("pipeline") or []
    for component in pipeline:
        if component.get("name") == "FallbackClassifier":
            return float(component.get("threshold", 0.3))
    return 0.0


def summarize(out: Path, threshold: float) -> float:
    """Print the per-intent F1 and confusions found in `out`; return the intent macro-F1."""
    report: Dict[str, Any] = json.loads((out / "intent_report.json").read_text(encoding="utf-8"))
    intents = {k: v for k, v in report.items() if isinstance(v, dict) and "f1-score" in v
               and k not in ("macro avg", "weighted avg", "micro avg")}
    print(f"\n{'intent':<28}{'precision':>10}{'recall':>8}{'f1':>8}{'support':>9}")
    for name, row in sorted(intents.items(), key=lambda kv: kv[1]["f1-score"]):
        flag = "  <" if row["f1-score"] < 0.9 else ""
        print(f"{name:<28}{row['precision']:>10.3f}{row['recall']:>8.3f}"
              f"{row['f1-score']:>8.3f}{row['support']:>9}{flag}")

    errors_file = out / "intent_errors.json"
    if errors_file.exists():
        errors: List[Dict[str, Any]] = json.loads(errors_file.read_text(encoding="utf-8"))
        pairs = collections.Counter(
            (e["intent"], (e.get("intent_prediction") or {}).get("name")) for e in errors)
        if pairs:
            print("\nmost frequent confusions (true -> predicted):")
            for (true, predicted), n in pairs.most_common(12):
                print(f"  {n:>3}  {true} -> {predicted}")

    successes_file = out / "intent_successes.json"
    if successes_file.exists() and errors_file.exists():
        right = json.loads(successes_file.read_text(encoding="utf-8"))
        wrong = json.loads(errors_file.read_text(encoding="utf-8"))

        def unsure(items: List[Dict[str, Any]]) -> int:
            return sum((e.get("intent_prediction") or {}).get("confidence", 0) < threshold
                       for e in items)

        print(f"\nconfidence below {threshold} (FallbackClassifier -> nlu_fallback): "
              f"{unsure(right)}/{len(right)} correct, {unsure(wrong)}/{len(wrong)} wrong predictions")

    macro = float(report["macro avg"]["f1-score"])
    accuracy = report.get("accuracy")
    print(f"\nintent accuracy: {accuracy:.4f}" if isinstance(accuracy, float) else "")
    print(f"intent macro-F1: {macro:.4f}   (reports in {out})")
    return macro


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    how = parser.add_mutually_exclusive_group()
    how.add_argument("--folds", type=int, default=None,
                     help=f"number of folds (default: $FOLDS or {DEFAULT_FOLDS})")
    how.add_argument("--full", action="store_true", help=f"{FULL_FOLDS} folds, as the README's figures")
    how.add_argument("--quick", action="store_true", help="one 80/20 split instead of folds")
    parser.add_argument("--nlu", default="data/nlu")
    parser.add_argument("--config", default="config.yml")
    parser.add_argument("--out", default="results/nlu", help="report directory (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=42, help="random seed of the folds or the split")
    parser.add_argument("--min-f1", type=float, default=None,
                        help="exit 1 when the intent macro-F1 is below this")
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help="show the progress bar (default: on a terminal)")
    parser.add_argument("--summary-only", action="store_true",
                        help="only print the reports already in --out")
    args = parser.parse_args(argv)
    from_env = os.environ.get("FOLDS", "").strip()
    if args.folds is None and from_env:
        if not from_env.isdigit():
            parser.error(f"FOLDS must be a whole number of folds, got {from_env!r}; e.g. FOLDS=5")
        args.folds = int(from_env)
    folds = FULL_FOLDS if args.full else DEFAULT_FOLDS if args.folds is None else args.folds
    if not args.quick and folds < 2:
        parser.error(f"--folds (or FOLDS) must be 2 or more, got {folds}; use --quick for one split")

    out = (ROOT / args.out).resolve()
    started = time.monotonic()
    if not args.summary_only:
        what = "one 80/20 split" if args.quick else f"{folds}-fold cross-validation"
        print(f"NLU evaluation: {what} of {args.nlu} (seed {args.seed})", flush=True)
        evaluate(args.nlu, args.config, out, folds, args.quick, args.seed, args.progress)
        print(f"\nevaluation took {time.monotonic() - started:.0f} s")
        if not args.quick and folds != FULL_FOLDS:
            print(f"(with {folds} folds each model learns from {100 - 100 // folds}% of the examples, so the "
                  f"figures are below the {FULL_FOLDS}-fold ones of the README: compare runs with the same "
                  f"folds and seed, or use --full)")
    macro = summarize(out, fallback_threshold(args.config))
    if args.min_f1 is not None and macro < args.min_f1:
        print(f"FAILED: intent macro-F1 {macro:.4f} < {args.min_f1}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
