"""Complaint reports: what came in during a time window and how it was handled.

`build_report(store, since, until, target, tz)` counts the complaints created in [since, until) and computes
(every share is of `total`, the complaints in the window, unless said otherwise). A complaint
counts once in every figure whatever happened to it: escalated again, reopened, handed to another
agent, resolved twice (tests/bot/test_reports.py follows one through all of it).

- categories: the 5 most frequent, with count and share (ties in data/labels.yml order);
- channels: every channel with complaints, with count and share;
- escalations: per reason, the complaints with at least one handoff case carrying that reason
  (any of a case's `decisions`, in any of the complaint's cases, e.g. a reopening for
  `low_satisfaction`); a complaint with two reasons counts in both. `escalated` is the
  complaints with any case;
- first response: median of `first_response_at - created_at` (an agent claimed the case), over
  the complaints that have one (their number is `n`);
- resolution: median of `resolved_at - created_at` over the complaints an agent resolved and that
  are resolved or closed now (a complaint reopened after a low score counts once resolved again,
  from its latest resolution); `within_target` is how many of them were resolved by the `target`
  deadline (`resolution` in data/policies.yml) counted from their creation, its share of all
  complaints in the window;
- satisfaction: the answered satisfaction checks (1-5) of those complaints: `n`, average and the
  count per score.
"""
from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Dict, List, Optional, Sequence, Set, Tuple
from zoneinfo import ZoneInfo

from bot.clock import require_aware
from bot.complaints import FINISHED_STATUSES
from bot.labels import load_labels
from bot.policies import Deadline
from bot.storage import SCORES, ComplaintStore, report_rows

TOP_CATEGORIES = 5
_AGO = re.compile(r"(\d+)\s*([dh])")


@dataclass(frozen=True)
class Count:
    """How many complaints have `key` (a category, channel or reason code), and their share."""

    key: str
    count: int
    share: float


@dataclass(frozen=True)
class Median:
    """The median duration over the `n` complaints that have one; None when n is 0."""

    median: Optional[timedelta]
    n: int


@dataclass(frozen=True)
class Report:
    """The figures of complaints created in [since, until) (see the module docstring)."""

    since: datetime
    until: datetime
    total: int
    categories: Tuple[Count, ...]
    channels: Tuple[Count, ...]
    escalated: Count
    escalations: Tuple[Count, ...]
    first_response: Median
    resolution: Median
    target: Deadline
    """The resolution deadline `within_target` counts against."""
    within_target: Count
    satisfaction_n: int
    satisfaction_average: Optional[float]
    satisfaction_scores: Tuple[Tuple[int, int], ...]
    """(score, count) for 1 to 5."""


def build_report(store: ComplaintStore, since: datetime, until: datetime, target: Deadline,
                 tz: ZoneInfo) -> Report:
    """The figures of the complaints in `store` created at or after `since` and before `until`;
    `target` is the resolution deadline (working days count in `tz`)."""
    require_aware("since", since)
    require_aware("until", until)
    if until <= since:
        raise ValueError(f"the report's end ({until.isoformat()}) must come after its start ({since.isoformat()})")
    complaints, cases, scores = report_rows(store, since, until)
    total = len(complaints)
    reasons: Dict[int, Set[str]] = {}
    for complaint_id, decisions in cases:
        reasons.setdefault(complaint_id, set()).update(d["reason"] for d in decisions or ())
    first_responses = [c.first_response_at - c.created_at for c in complaints if c.first_response_at]
    resolved = [c for c in complaints if c.resolved_at and c.status in FINISHED_STATUSES]
    resolutions = [c.resolved_at - c.created_at for c in resolved]
    in_time = sum(1 for c in resolved if c.resolved_at <= target.due(c.created_at, tz))
    score_counts = Counter(scores)
    return Report(
        since=since, until=until, total=total,
        categories=_counts(_ranked(Counter(c.category for c in complaints), _rank)[:TOP_CATEGORIES], total),
        channels=_counts(_ranked(Counter(c.channel for c in complaints)), total),
        escalated=_count("escalated", len(reasons), total),
        escalations=_counts(_ranked(Counter(r for found in reasons.values() for r in found)), total),
        first_response=_median(first_responses),
        resolution=_median(resolutions),
        target=target,
        within_target=_count("within_target", in_time, total),
        satisfaction_n=len(scores),
        satisfaction_average=statistics.fmean(scores) if scores else None,
        satisfaction_scores=tuple((score, score_counts[score]) for score in SCORES),
    )


def parse_moment(text: str, now: datetime, tz: ZoneInfo) -> datetime:
    """A report boundary from the command line or the console: `90d` or `12h` (that long before
    `now`), an ISO date (its midnight in `tz`) or an ISO date and time (in `tz` unless it has an
    offset). Raises `ValueError` saying what is accepted, also for a moment no calendar holds
    (99999999d ago, the year 1 in a time zone east of UTC)."""
    require_aware("now", now)
    text = text.strip()
    ago = _AGO.fullmatch(text)
    try:
        if ago:
            amount = int(ago.group(1))
            moment = now - (timedelta(days=amount) if ago.group(2) == "d" else timedelta(hours=amount))
        else:
            moment = datetime.fromisoformat(text)  # a date alone is its midnight
            moment = moment if moment.tzinfo else moment.replace(tzinfo=tz)
        moment.astimezone(timezone.utc)  # as the store will compare it
    except OverflowError:
        raise ValueError(f"{text!r} is too far from now: give a time between the years 1 and 9999") from None
    except ValueError:
        raise ValueError(f"expected a time like 90d, 12h, 2026-01-31 or 2026-01-31T08:00; got {text!r}") from None
    return moment


def _rank(category: str) -> int:
    order = list(load_labels().categories)
    return order.index(category) if category in order else len(order)


def _ranked(counter: Counter[str], order: Callable[[str], Any] = str) -> List[Tuple[str, int]]:
    """(key, count) pairs, most frequent first, ties by `order`."""
    return sorted(counter.items(), key=lambda pair: (-pair[1], order(pair[0])))


def _count(key: str, count: int, total: int) -> Count:
    return Count(key, count, count / total if total else 0.0)


def _counts(pairs: Sequence[Tuple[str, int]], total: int) -> Tuple[Count, ...]:
    return tuple(_count(key, count, total) for key, count in pairs)


def _median(durations: Sequence[timedelta]) -> Median:
    # As statistics.median computes it; its types admit numbers only, not timedeltas.
    if not durations:
        return Median(None, 0)
    ordered = sorted(durations)
    middle = len(ordered) // 2
    median = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    return Median(median, len(ordered))
