"""Deadlines count Chinese working days: holidays skipped, adjusted Saturdays counted."""
from datetime import date

import pytest

from bot.workdays import add_working_days, is_workday


@pytest.mark.parametrize("day, expected", [
    (date(2026, 10, 1), False),   # National Day holiday
    (date(2026, 10, 10), True),   # Saturday made a working day (调休)
    (date(2026, 10, 11), False),  # ordinary Sunday
    (date(2026, 11, 23), True),   # ordinary Monday
])
def test_holidays_and_adjusted_working_days(day, expected):
    assert is_workday(day) is expected


def test_counting_across_national_day_skips_the_holiday_week():
    # From the last day of September, the 3rd working day is the adjusted Saturday 10 October.
    assert add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)


def test_seven_working_days_from_a_monday_end_the_next_tuesday():
    assert add_working_days(date(2026, 11, 23), 7) == date(2026, 12, 2)


def test_zero_days_is_the_same_day_and_negative_is_refused():
    assert add_working_days(date(2026, 11, 23), 0) == date(2026, 11, 23)
    with pytest.raises(ValueError):
        add_working_days(date(2026, 11, 23), -1)


def test_a_year_the_calendar_does_not_know_counts_weekdays_and_warns(caplog):
    # 2027's holidays are not in the installed chinese-calendar yet.
    with caplog.at_level("WARNING"):
        assert add_working_days(date(2027, 3, 5), 1) == date(2027, 3, 8)  # Friday -> Monday
    assert "Upgrade the package" in caplog.text
