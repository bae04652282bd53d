"""Customer-facing labels and date formats (data/labels.yml)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Mapping, Optional, Tuple

from bot.datafiles import load_yaml, repo_path

DEFAULT_LABELS_PATH = repo_path("data/labels.yml")


@dataclass(frozen=True)
class Labels:
    """Labels for categories, remedies and statuses, and date formatting."""

    categories: Mapping[str, str]
    remedies: Mapping[str, str]
    statuses: Mapping[str, str]
    contact_here: str
    unknown: str
    weekdays: Tuple[str, ...]
    date_format: str
    datetime_format: str

    def category(self, code: Optional[str]) -> str:
        return self.categories.get(code or "", self.unknown)

    def remedy(self, code: Optional[str]) -> str:
        return self.remedies.get(code or "", self.unknown)

    def status(self, code: Optional[str]) -> str:
        return self.statuses.get(code or "", self.unknown)

    def format_date(self, day: date) -> str:
        """E.g. 12月2日（周三）."""
        return self.date_format.format(
            month=day.month, day=day.day, weekday=self.weekdays[day.weekday()]
        )

    def format_datetime(self, moment: datetime) -> str:
        """E.g. 11月24日（周二）15:30, in the timezone `moment` carries."""
        return self.datetime_format.format(
            month=moment.month, day=moment.day, weekday=self.weekdays[moment.weekday()],
            hour=moment.hour, minute=moment.minute,
        )


def load_labels(path: Optional[Path] = None) -> Labels:
    """Read labels.yml (default `DEFAULT_LABELS_PATH`); its `categories` are the complaint
    categories, in the order reports list ties."""
    raw = load_yaml(path or DEFAULT_LABELS_PATH)
    return Labels(
        categories=raw["categories"],
        remedies=raw["remedies"],
        statuses=raw["statuses"],
        contact_here=raw["contact_here"],
        unknown=raw["unknown"],
        weekdays=tuple(raw["weekdays"]),
        date_format=raw["date_format"],
        datetime_format=raw["datetime_format"],
    )
