"""Train the Rasa model only when something that shapes it changed; print the model's path.

The model is named after a fingerprint of config.yml, domain.yml, data/ (less the evaluation sets
in data/eval/) and the code of the custom pipeline components and policy (not the server-side
extensions in rasa_ext/, which shape no model), so the run command and the test suite share one
trained model.
"""
from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parent.parent
INPUTS = ["config.yml", "domain.yml", "data", "bot/script.py", "rasa_ext/script_normalizer.py",
          "rasa_ext/tokenizer.py", "rasa_ext/intent_classifier.py", "rasa_ext/complaint_layer.py",
          "rasa_ext/category_classifier.py", "rasa_ext/escalation_policy.py"]
#: Labelled evaluation sets (scripts/escalation_eval.py, scripts/devset_eval.py) shape no model.
EXCLUDED = ["data/eval"]
MODELS = ROOT / "models"
KEEP = 3


def fingerprint(root: Path = ROOT) -> str:
    """The fingerprint of what shapes the model in the project at `root`."""
    digest = hashlib.sha256()
    for entry in INPUTS:
        path = root / entry
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            relative = file.relative_to(root).as_posix()
            if "__pycache__" in file.parts or any(relative.startswith(e + "/") for e in EXCLUDED):
                continue
            digest.update(relative.encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


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
        cwd=root, stdout=sys.stderr,
    )
    if result.returncode != 0 or not model.exists():
        print(f"error: training failed (exit {result.returncode}); see the output above.", file=sys.stderr)
        return None
    print(f"Trained in {time.monotonic() - started:.0f} s", file=sys.stderr)
    return model


def prune() -> None:
    """Keep the KEEP newest models in models/."""
    for old in sorted(MODELS.glob("complaints-*.tar.gz"), key=lambda p: p.stat().st_mtime)[:-KEEP]:
        old.unlink()


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
