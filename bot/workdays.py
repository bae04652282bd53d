"""The Chinese working-day calendar: public holidays and adjusted working days (调休).

Holidays come from the `chinese-calendar` package, which the State Council's yearly
announcement updates. For a year the installed package does not know yet, Monday to Friday
count as working days and a warning says the package should be upgraded.
"""
from __future__ import annotations

import logging
from datetime import date, timedelta

import chinese_calendar

logger = logging.getLogger(__name__)
_warned_years: set[int] = set()


def is_workday(day: date) -> bool:
    """True when `day` is a working day in mainland China."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        if day.year not in _warned_years:
            _warned_years.add(day.year)
            logger.warning(
                "chinese-calendar %s has no holiday data for %s: counting Monday-Friday "
                "as working days. Upgrade the package once the year's holidays are announced.",
                getattr(chinese_calendar, "__version__", "?"), day.year,
            )
        return day.weekday() < 5


def add_working_days(start: date, count: int) -> date:
    """The `count`-th working day after `start` (`start` itself is not counted)."""
    if count < 0:
        raise ValueError(f"count must be >= 0, got {count}")
    day = start
    remaining = count
    while remaining:
        day += timedelta(days=1)
        if is_workday(day):
            remaining -= 1
    return day
