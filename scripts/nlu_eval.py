#!/usr/bin/env python
"""Evaluate the NLU model: per-intent F1 and intent macro-F1.

Default: `rasa test nlu` 5-fold cross-validation on data/nlu (5 trainings: several minutes).
`--quick`: one split with `rasa data split nlu` (80% train / 20% test), one training.
Prints per-intent F1 (worst first), the intent macro-F1 and the most frequent confusions.
Exit status 0, or 1 with `--min-f1` when the macro-F1 is below it.
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List

ROOT = Path(__file__).resolve().parents[1]
RASA = str(ROOT / ".venv" / "bin" / "rasa")


def rasa(*args: str) -> None:
    """Run a rasa command from the repository root, its output (and progress bars) shown."""
    env = {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "PYTHONPATH": os.pathsep.join(p for p in [str(ROOT), os.environ.get("PYTHONPATH")] if p),
    }
    command = [RASA if Path(RASA).exists() else "rasa", *args]
    print("$", " ".join(command), flush=True)
    subprocess.run(command, cwd=ROOT, env=env, check=True)


def cross_validate(nlu: str, config: str, folds: int, out: Path) -> None:
    rasa("test", "nlu", "--nlu", nlu, "--config", config, "--cross-validation",
         "--folds", str(folds), "--out", str(out), "--successes")


def quick(nlu: str, config: str, out: Path, seed: int) -> None:
    with tempfile.TemporaryDirectory(prefix="nlu-eval-") as tmp:
        rasa("data", "split", "nlu", "--nlu", nlu, "--training-fraction", "0.8",
             "--random-seed", str(seed), "--out", tmp)
        rasa("train", "nlu", "--nlu", f"{tmp}/training_data.yml", "--config", config,
             "--out", tmp, "--fixed-model-name", "nlu-eval")
        rasa("test", "nlu", "--nlu", f"{tmp}/test_data.yml", "--model", f"{tmp}/nlu-eval.tar.gz",
             "--out", str(out), "--successes")


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one 80/20 split instead of k-fold")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--nlu", default="data/nlu")
    parser.add_argument("--config", default="config.yml")
    parser.add_argument("--out", default="results/nlu", help="report directory (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=42, help="random seed of the --quick split")
    parser.add_argument("--min-f1", type=float, default=None,
                        help="exit 1 when the intent macro-F1 is below this")
    parser.add_argument("--summary-only", action="store_true",
                        help="only print the reports already in --out")
    args = parser.parse_args()

    out = (ROOT / args.out).resolve()
    started = time.monotonic()
    if not args.summary_only:
        out.mkdir(parents=True, exist_ok=True)
        if args.quick:
            quick(args.nlu, args.config, out, args.seed)
        else:
            cross_validate(args.nlu, args.config, args.folds, out)
        print(f"\nevaluation took {time.monotonic() - started:.0f} s")
    macro = summarize(out, fallback_threshold(args.config))
    if args.min_f1 is not None and macro < args.min_f1:
        print(f"FAILED: intent macro-F1 {macro:.4f} < {args.min_f1}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
