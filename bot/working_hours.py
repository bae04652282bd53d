"""When agents are at their desks, and times counted in their working hours."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, Mapping
from zoneinfo import ZoneInfo

from bot.clock import require_aware
from bot.workdays import is_workday

DAY_RULES = ("every_day", "working_days")


@dataclass(frozen=True)
class WorkingHours:
    """Opening hours in the local time zone, every day or on Chinese working days only."""

    start: time
    end: time
    days: str
    tz: ZoneInfo

    def __post_init__(self) -> None:
        if not self.start < self.end:
            raise ValueError(f"working_hours: start {self.start} must be before end {self.end}")
        if self.days not in DAY_RULES:
            raise ValueError(f"working_hours.days must be one of {', '.join(DAY_RULES)}; got {self.days!r}")

    @classmethod
    def from_config(cls, raw: Mapping[str, Any], tz: ZoneInfo) -> "WorkingHours":
        """From `{start: "09:00", end: "21:00", days: every_day}`."""
        try:
            start, end = time.fromisoformat(str(raw["start"])), time.fromisoformat(str(raw["end"]))
        except (KeyError, ValueError) as exc:
            raise ValueError(f"working_hours needs start and end like \"09:00\" ({exc})") from None
        return cls(start, end, str(raw.get("days", "every_day")), tz)

    def _open_day(self, day: Any) -> bool:
        return self.days == "every_day" or is_workday(day)

    def is_open(self, moment: datetime) -> bool:
        """True when agents are working at `moment`."""
        require_aware("moment", moment)
        local = moment.astimezone(self.tz)
        return self._open_day(local.date()) and self.start <= local.time() < self.end

    def next_opening(self, moment: datetime) -> datetime:
        """`moment` itself when open, else the next time agents start work (aware, local zone)."""
        require_aware("moment", moment)
        local = moment.astimezone(self.tz)
        if self.is_open(local):
            return local
        day = local.date() if local.time() < self.start else local.date() + timedelta(days=1)
        while not self._open_day(day):
            day += timedelta(days=1)
        return datetime.combine(day, self.start, tzinfo=self.tz)

    def last_closing(self, moment: datetime) -> datetime:
        """The latest time at or before `moment` when agents were still working (`moment`
        itself when open, else the end of the last working period before it)."""
        require_aware("moment", moment)
        local = moment.astimezone(self.tz)
        if self.is_open(local):
            return local
        day = local.date() if local.time() >= self.end else local.date() - timedelta(days=1)
        while not self._open_day(day):
            day -= timedelta(days=1)
        return datetime.combine(day, self.end, tzinfo=self.tz)

    def keepable(self, now: datetime, due: datetime) -> datetime:
        """The deadline to state for `due`, promised at `now`: a time when agents work, so that
        someone can keep it. `due` itself in working hours; else the end of the last working
        period before it, when that keeps at least half the time promised; else the time that
        fell outside working hours is counted from the next opening after `due` (at the latest
        the end of that working period)."""
        require_aware("now", now)
        require_aware("due", due)
        if self.is_open(due):
            return due.astimezone(self.tz)
        before = self.last_closing(due)
        if before - now >= (due - now) / 2:
            return before
        opening = self.next_opening(due)
        overflow = due - max(before, now)
        return min(opening + overflow, datetime.combine(opening.date(), self.end, tzinfo=self.tz))

    def add_minutes(self, moment: datetime, minutes: float) -> datetime:
        """The time `minutes` working minutes after `moment` (closed hours do not count)."""
        current = self.next_opening(moment)
        remaining = timedelta(minutes=minutes)
        while True:
            closing = datetime.combine(current.date(), self.end, tzinfo=self.tz)
            if current + remaining <= closing:
                return current + remaining
            remaining -= closing - current
            current = self.next_opening(closing)
