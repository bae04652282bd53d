"""Checks on the repository itself: ruff, mypy, which package may import which, documents named."""
from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[1]


def _imported_modules(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_the_benchmark_imports_nothing_from_the_tests() -> None:
    # The tests use bench/ (servers, the fake WeChat), so the other way round would be a cycle.
    offending = {f"{path.relative_to(ROOT)}: {module}"
                 for path in sorted((ROOT / "bench").glob("*.py"))
                 for module in _imported_modules(path) if module.split(".")[0] == "tests"}
    assert not offending, offending


def test_ruff_finds_nothing() -> None:
    """`make lint`: pycodestyle and pyflakes over the whole repository (ruff.toml)."""
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_finds_nothing_in_the_core() -> None:
    """`make types`: the core (bot/) type-checked strictly (mypy.ini)."""
    result = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", os.devnull], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_documents_the_readme_names_are_in_the_repository() -> None:
    """Paths from the repository's root; a bare name (`outage.md` after `docs/security/leases.md`)
    beside the path named before it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing, folder = set(), ROOT
    for name in re.findall(r"`([^`\s]+\.md)`", readme):
        path = (ROOT / name) if "/" in name else (folder / name)
        folder = path.parent
        if not path.resolve().is_relative_to(ROOT) or not path.is_file():
            missing.add(name)
    assert not missing, missing


def test_the_readmes_screenshots_are_there_and_taken_by_make_screenshots() -> None:
    """Every image the README shows exists and is one scripts/screenshots.py writes, so `make
    screenshots` keeps them current."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]*\]\((docs/screenshots/[^)\s]+)\)", readme)
    script = (ROOT / "scripts" / "screenshots.py").read_text(encoding="utf-8")
    assert len(images) >= 3, "the web chat, the web chat with an agent, the case page"
    assert [image for image in images if not (ROOT / image).is_file()] == []
    assert [image for image in images if f'"{Path(image).name}"' not in script] == []
