"""Time as the core sees it: timezone-aware UTC datetimes, checked at every boundary."""
from __future__ import annotations

from datetime import datetime, timezone


def require_aware(name: str, value: datetime) -> None:
    """Raise `ValueError` unless `value` is a timezone-aware datetime."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (e.g. datetime.now(timezone.utc)), got {value!r}")


def utcnow() -> datetime:
    """The current time, timezone-aware (UTC)."""
    return datetime.now(timezone.utc)
