"""Locating and reading the YAML files designers edit (data/, config/)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Sequence

import yaml

from bot.settings import REPO_ROOT


class ConfigError(ValueError):
    """A file designers edit is wrong; the message names the file, the entry and the fix."""

    def __init__(self, source: Any, entry: str, problem: str, fix: str) -> None:
        super().__init__(f"{shown_path(source)}: {entry}: {problem}. Fix: {fix}.")


def shown_path(path: Any) -> str:
    """`path` relative to the repository root when it is inside it (data/policies.yml)."""
    try:
        return str(Path(path).resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def whole_number(value: Any, source: Any, entry: str, unit: str, example: int) -> int:
    """`value` when it is a whole number above zero, else a `ConfigError` saying so."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigError(source, entry, f"expected a whole number of {unit}, got {value!r}",
                          f"write a number, e.g. {example}")
    return value


def mapping(value: Any, source: Any, entry: str, example: str) -> Mapping[str, Any]:
    """`value` when it is a mapping (`key: value` lines), else a `ConfigError` saying so."""
    if not isinstance(value, Mapping):
        raise ConfigError(source, entry, f"expected `key: value` entries, got {value!r}",
                          f"write it like {example}")
    return value


def known_keys(row: Mapping[str, Any], allowed: Sequence[str], source: Any, entry: str) -> None:
    """A `ConfigError` naming the first key of `row` that is not one of `allowed` (a typo)."""
    for key in row:
        if key not in allowed:
            raise ConfigError(source, f"{entry}.{key}", "unknown key",
                              f"use one of {', '.join(allowed)} (check the spelling)")


def repo_path(relative: str) -> Path:
    """Absolute path of a file given relative to the repository root."""
    return REPO_ROOT / relative


@lru_cache(maxsize=None)
def load_yaml(path: Path) -> Any:
    """Parse a YAML file once per process; raises FileNotFoundError with the full path."""
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)
