"""Train the Rasa model only when something that shapes it changed; print the model's path.

The model is named after a fingerprint of config.yml, domain.yml, data/ (less the evaluation sets
in data/eval/) and the code of the custom pipeline components and policy, with the core modules
they learn or read messages through (not the server-side extensions in rasa_ext/, which shape no
model), so the run command and the test suite share one trained model, and a model's name says how
it reads a message.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Optional, Sequence

ROOT = Path(__file__).resolve().parent.parent
INPUTS = ["config.yml", "domain.yml", "data", "bot/script.py", "bot/lexicon.py", "bot/labels.py",
          "rasa_ext/script_normalizer.py", "rasa_ext/tokenizer.py", "rasa_ext/intent_classifier.py",
          "rasa_ext/complaint_layer.py", "rasa_ext/category_classifier.py", "rasa_ext/escalation_policy.py"]
#: Core modules that the components above import but that change neither what is learnt nor how a
#: message is read: the escalation rules the policy applies to a turn, a key's name.
RUN_TIME_ONLY = ["bot/app/escalation.py", "bot/situation.py", "bot/metadata.py"]
#: Labelled evaluation sets (scripts/escalation_eval.py, scripts/devset_eval.py) shape no model.
EXCLUDED = ["data/eval"]
MODELS = ROOT / "models"
KEEP = 3


def fingerprint(root: Path = ROOT, entries: Sequence[str] = INPUTS) -> str:
    """The fingerprint of what shapes the model (`entries` of INPUTS) in the project at `root`."""
    digest = hashlib.sha256()
    for entry in entries:
        path = root / entry
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            relative = file.relative_to(root).as_posix()
            if "__pycache__" in file.parts or any(relative.startswith(e + "/") for e in EXCLUDED):
                continue
            digest.update(relative.encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def training_cache(root: Path = ROOT) -> Path:
    """Rasa's training cache for the code of the project at `root`. Rasa knows a cached component
    by its name, configuration and inputs, not by its code: a change to how a component learns
    would restore what the old code learnt. One cache per version of the code keeps the reuse for
    changes of data alone."""
    return root / ".rasa" / "cache" / fingerprint(root, [entry for entry in INPUTS if entry.endswith(".py")])


def model_name(root: Path = ROOT) -> str:
    """The name of the model trained from the project at `root`."""
    return f"complaints-{fingerprint(root)}"


def train(out: Path, root: Path = ROOT) -> Optional[Path]:
    """Train the project at `root` (its own code, this project's Rasa) into `out`; the model's
    path, or None when training failed (Rasa's output, on stderr, says why)."""
    name = model_name(root)
    model = out / f"{name}.tar.gz"
    started = time.monotonic()
    result = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "-m", "rasa_ext.colour",  # Rasa, colour codes on a terminal only
         "train", "--fixed-model-name", name, "--out", str(out)],
        cwd=root, stdout=sys.stderr, env={**os.environ, "RASA_CACHE_DIRECTORY": str(training_cache(root))},
    )
    if result.returncode != 0 or not model.exists():
        print(f"error: training failed (exit {result.returncode}); see the output above.", file=sys.stderr)
        return None
    print(f"Trained in {time.monotonic() - started:.0f} s", file=sys.stderr)
    return model


def prune() -> None:
    """Keep the KEEP newest models in models/ and the KEEP newest training caches."""
    for old in sorted(MODELS.glob("complaints-*.tar.gz"), key=lambda p: p.stat().st_mtime)[:-KEEP]:
        old.unlink()
    caches = [path for path in training_cache().parent.glob("*") if path.is_dir()]
    for old in sorted(caches, key=lambda p: p.stat().st_mtime)[:-KEEP]:
        shutil.rmtree(old)


def main() -> int:
    model = MODELS / f"{model_name()}.tar.gz"
    if model.exists():
        print(f"Model is up to date: {model.relative_to(ROOT)}", file=sys.stderr)
        print(model)
        return 0
    print(f"Data changed: training {model.relative_to(ROOT)} (about 2 minutes)...", file=sys.stderr)
    if train(MODELS) is None:
        return 1
    prune()
    print(model)
    return 0


if __name__ == "__main__":
    sys.exit(main())
