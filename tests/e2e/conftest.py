"""End-to-end fixtures: one real assistant (action server + Rasa server) per test session."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from tests.auxil.stack import Stack, running_stack, trained_model


@pytest.fixture(scope="session")
def model() -> Path:
    return trained_model()


@pytest.fixture(scope="session")
def stack(model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(tmp_path_factory.mktemp("stack"), model) as running:
        yield running
