"""What the console accepts from a request beyond its type: ids the database can hold, and text
it can store and send on."""
from __future__ import annotations

MAX_ROW_ID = 2 ** 31 - 1
"""The largest id of an integer column (PostgreSQL's `integer`); larger ones name nothing."""


def is_row_id(value: int) -> bool:
    """True when `value` could be a row's id (a larger one would overflow the database driver)."""
    return 1 <= value <= MAX_ROW_ID


def is_storable(text: str) -> bool:
    """True when `text` is valid Unicode (no lone surrogate, which UTF-8 cannot encode) without
    NUL characters (PostgreSQL refuses them)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\0" not in text
