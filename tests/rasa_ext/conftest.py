"""The Rasa server's patches installed for these tests, as the server's launcher installs them."""
from __future__ import annotations

import pytest

from rasa_ext.patches import install


@pytest.fixture(scope="session", autouse=True)
def rasa_patches_installed() -> None:
    install()
