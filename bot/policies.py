"""Policies and timelines: what applies to a complaint and by when (data/policies.yml)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Sequence, Tuple
from zoneinfo import ZoneInfo

from bot.datafiles import ConfigError, known_keys, load_yaml, mapping, repo_path, whole_number
from bot.workdays import add_working_days

DEFAULT_POLICIES_PATH = repo_path("data/policies.yml")


@dataclass(frozen=True)
class Deadline:
    """A promise of time: calendar hours, or Chinese working days (due at end of that day)."""

    hours: Optional[int] = None
    working_days: Optional[int] = None

    def __post_init__(self) -> None:
        if (self.hours is None) == (self.working_days is None):
            raise ValueError("a deadline needs exactly one of `hours` or `working_days`")

    @classmethod
    def from_config(cls, config: Any, source: Any = "policies.yml", entry: str = "deadline",
                    other_keys: Sequence[str] = ()) -> "Deadline":
        """The deadline of a row with `hours` or `working_days` (other keys: `other_keys`)."""
        row = mapping(config, source, entry, "{working_days: 7} or {hours: 24}")
        known_keys(row, ("hours", "working_days", *other_keys), source, entry)
        if ("hours" in row) == ("working_days" in row):
            raise ConfigError(source, entry, "a deadline needs exactly one of `hours` or `working_days`",
                              "write e.g. `working_days: 7` or `hours: 24`")
        if "hours" in row:
            return cls(hours=whole_number(row["hours"], source, f"{entry}.hours", "hours", 24))
        return cls(working_days=whole_number(row["working_days"], source, f"{entry}.working_days",
                                             "days", 7))

    def as_values(self) -> Dict[str, int]:
        """The number a response states: {working_days} or {hours}."""
        if self.working_days is not None:
            return {"working_days": self.working_days}
        assert self.hours is not None  # a deadline has exactly one of the two (__post_init__)
        return {"hours": self.hours}

    @property
    def is_whole_days(self) -> bool:
        """Working-day deadlines are promised as a date, not a time of day."""
        return self.working_days is not None

    def due(self, now: datetime, tz: ZoneInfo) -> datetime:
        """When this deadline falls for something starting at `now` (timezone-aware)."""
        if self.working_days is None:
            assert self.hours is not None  # a deadline has exactly one of the two (__post_init__)
            return now + timedelta(hours=self.hours)
        local_day = now.astimezone(tz).date()
        last_day = add_working_days(local_day, self.working_days)
        return datetime.combine(last_day, time(23, 59, 59), tzinfo=tz)


@dataclass(frozen=True)
class RemedyPlan:
    """What we commit to for a remedy: the response that explains it and its deadline."""

    remedy: str
    response: str
    deadline: Deadline
    alternatives: Tuple[str, ...] = ()
    """The remedies offered instead when the customer declines this plan (none: a person)."""


@dataclass(frozen=True)
class PolicyAnswer:
    """The answer to a policy question: a response, its values and an optional deadline."""

    topic: str
    response: str
    values: Mapping[str, Any] = field(default_factory=dict)
    deadline: Optional[Deadline] = None


@dataclass(frozen=True)
class Policies:
    """The business's policies, as loaded from YAML."""

    first_response: Deadline
    resolution: Deadline
    refund_arrival: Deadline
    remedies: Mapping[str, RemedyPlan]
    questions: Mapping[str, PolicyAnswer]

    def plan_for(self, remedy: Optional[str]) -> RemedyPlan:
        """The plan for the remedy the customer wants; unknown remedies get the `other` plan."""
        return self.remedies.get(remedy or "other") or self.remedies["other"]

    def answer(self, topic: str) -> Optional[PolicyAnswer]:
        """The answer to a policy question topic (e.g. `refund_time`), if there is one."""
        return self.questions.get(topic)


#: The deadlines named at the top of policies.yml; rows may refer to them by name.
NAMED_DEADLINES = ("first_response", "resolution", "refund_arrival")


def load_policies(path: Optional[Path] = None) -> Policies:
    """Read and check policies.yml (default `DEFAULT_POLICIES_PATH`); a `ConfigError` names the
    entry that is wrong and how to fix it."""
    path = path or DEFAULT_POLICIES_PATH
    raw = mapping(load_yaml(path), path, "the file", "first_response: {hours: 24}")
    known_keys(raw, (*NAMED_DEADLINES, "remedies", "alternatives", "questions"), path, "policies")
    for name in (*NAMED_DEADLINES, "remedies", "questions"):
        if name not in raw:
            raise ConfigError(path, name, "missing", f"add `{name}:` (see the file's comments)")
    named = {name: Deadline.from_config(raw[name], path, name) for name in NAMED_DEADLINES}

    def deadline_of(row: Mapping[str, Any], entry: str, other_keys: Sequence[str]) -> Deadline:
        reference = row.get("deadline")
        if reference is None:
            return Deadline.from_config(row, path, entry, other_keys)
        known_keys(row, other_keys, path, entry)
        if isinstance(reference, str):
            if reference not in named:
                raise ConfigError(path, f"{entry}.deadline", f"no deadline named {reference!r}",
                                  f"name one of {', '.join(NAMED_DEADLINES)}, or write {{working_days: 7}}")
            return named[reference]
        return Deadline.from_config(reference, path, f"{entry}.deadline")

    remedies = {}
    rows = mapping(raw["remedies"], path, "remedies", "refund: {...}")
    offered = mapping(raw.get("alternatives") or {}, path, "alternatives", "refund: [exchange]")
    for name, row in rows.items():
        entry = f"remedies.{name}"
        row = mapping(row, path, entry, "{response: utter_plan_refund, deadline: refund_arrival}")
        remedies[name] = RemedyPlan(name, _response(row, entry, path),
                                    deadline_of(row, entry, ("response", "deadline")),
                                    _alternatives(offered.get(name), name, path, f"alternatives.{name}"))
    if "other" not in remedies:
        raise ConfigError(path, "remedies", "there is no `other` plan (for remedies not listed)",
                          "add `other: {response: utter_plan_other, hours: 24}`")
    questions = {}
    for topic, row in mapping(raw["questions"], path, "questions", "refund_time: {...}").items():
        entry = f"questions.{topic}"
        row = mapping(row, path, entry, "{response: utter_policy_refund_time, deadline: refund_arrival}")
        known_keys(row, ("response", "values", "deadline"), path, entry)
        deadline = deadline_of(row, entry, ("response", "values", "deadline")) if "deadline" in row else None
        values = dict(mapping(row.get("values") or {}, path, f"{entry}.values", "{no_reason_days: 7}"))
        questions[topic] = PolicyAnswer(topic, _response(row, entry, path),
                                        {**(deadline.as_values() if deadline else {}), **values}, deadline)
    return Policies(**named, remedies=remedies, questions=questions)


def _alternatives(value: Any, remedy: str, path: Path, entry: str) -> Tuple[str, ...]:
    """The remedies offered instead of `remedy`, in order (that each is a remedy with a plan is
    checked with the other files: bot/config_check.py)."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(path, entry, f"expected a list of remedies, got {value!r}",
                          f"write e.g. `{remedy}: [exchange, repair]`, or `[]` for none")
    return tuple(name for name in dict.fromkeys(value) if name != remedy)


def _response(row: Mapping[str, Any], entry: str, path: Path) -> str:
    response = row.get("response")
    if not isinstance(response, str) or not response.startswith("utter_"):
        raise ConfigError(path, f"{entry}.response", f"expected the name of a response in domain.yml, "
                          f"got {response!r}", "write e.g. `response: utter_plan_refund`")
    return response
