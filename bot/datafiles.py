"""Locating and reading the YAML files designers edit (data/, config/)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.settings import REPO_ROOT


def repo_path(relative: str) -> Path:
    """Absolute path of a file given relative to the repository root."""
    return REPO_ROOT / relative


@lru_cache(maxsize=None)
def load_yaml(path: Path) -> Any:
    """Parse a YAML file once per process; raises FileNotFoundError with the full path."""
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)
