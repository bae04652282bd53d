"""After closure: the satisfaction check (1-5) and the follow-up (回访), at most one of each per
complaint, sent by the job worker on the customer's own channel (config/surveys.yml).

A low score, or a follow-up saying the problem is back, reopens the complaint for a supervisor
(`bot.app.surveys`): it is queued like a handoff with the reason `low_satisfaction` or `not_solved`.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Optional, Tuple

from bot.clock import require_aware
from bot.datafiles import load_yaml, repo_path
from bot.script import to_simplified
from bot.storage import SCORES, ComplaintStore, JobQueue, SurveyKind, SurveyStore

DEFAULT_SURVEYS_PATH = repo_path("config/surveys.yml")
#: Job kind per survey kind.
JOB_KINDS = {SurveyKind.SATISFACTION.value: "survey_satisfaction",
             SurveyKind.FOLLOW_UP.value: "survey_follow_up"}
LOW_SATISFACTION = "low_satisfaction"
NOT_SOLVED = "not_solved"


@dataclass(frozen=True)
class SurveySettings:
    """Delays, expiry and the words understood as scores (config/surveys.yml)."""

    satisfaction_delay: timedelta
    satisfaction_expiry: timedelta
    low_score_at_most: int
    high_score_at_least: int
    comment_longer_than: int
    """A satisfaction answer longer than this many characters is kept as a comment."""
    words: Tuple[Tuple[str, int], ...]
    """(phrase, score), longest phrase first."""
    follow_up_after: timedelta
    follow_up_expiry: timedelta

    @classmethod
    def from_config(cls, raw: Mapping[str, Any], source: str = "surveys.yml") -> "SurveySettings":
        satisfaction, follow_up = raw["satisfaction"], raw["follow_up"]
        words = []
        for score, phrases in (satisfaction.get("words") or {}).items():
            if int(score) not in SCORES:
                raise ValueError(f"{source}: satisfaction.words keys must be 1 to 5; got {score!r}")
            words += [(to_simplified(str(phrase)), int(score)) for phrase in phrases]
        return cls(
            satisfaction_delay=timedelta(minutes=float(satisfaction["delay_minutes"])),
            satisfaction_expiry=timedelta(hours=float(satisfaction["expires_after_hours"])),
            low_score_at_most=int(satisfaction["low_score_at_most"]),
            high_score_at_least=int(satisfaction["high_score_at_least"]),
            comment_longer_than=int(satisfaction["comment_longer_than"]),
            words=tuple(sorted(words, key=lambda item: -len(item[0]))),
            follow_up_after=timedelta(days=float(follow_up["after_days"])),
            follow_up_expiry=timedelta(hours=float(follow_up["expires_after_hours"])),
        )

    def expiry(self, kind: str) -> timedelta:
        return self.satisfaction_expiry if kind == SurveyKind.SATISFACTION.value else self.follow_up_expiry


@lru_cache(maxsize=None)
def load_survey_settings(path: Path = DEFAULT_SURVEYS_PATH) -> SurveySettings:
    """The survey settings in `path`, read once per process."""
    return SurveySettings.from_config(load_yaml(Path(path)), source=str(path))


_DIGIT_SCORE = re.compile(r"(?<![\d.])([1-5])(?![\d.])\s*(分|星|颗星)?")
_STAR = re.compile(r"[★⭐🌟]")


def parse_score(text: str, settings: SurveySettings) -> Optional[int]:
    """The 1-5 score in a customer's answer ("5", "打4分", "★★★", "一般般", "很不滿意"), or None."""
    seen = unicodedata.normalize("NFKC", to_simplified(text or "")).strip()
    stars = len(_STAR.findall(seen))
    if 1 <= stars <= 5:
        return stars
    digits = _DIGIT_SCORE.findall(seen)
    all_digits = re.findall(r"\d+", seen)
    if len(digits) == 1 and len(all_digits) == 1 and (digits[0][1] or len(seen) <= 6):
        return int(digits[0][0])
    for phrase, score in settings.words:
        if phrase in seen:
            return score
    return None


class Surveys(SurveyStore):
    """The surveys of closed complaints: when they are due and expire (config/surveys.yml), over
    their table (`bot.storage.SurveyStore`: get, answers, expiry)."""

    def __init__(self, store: ComplaintStore, jobs: JobQueue, settings: SurveySettings) -> None:
        super().__init__(store)
        self.jobs = jobs
        self.settings = settings

    def schedule_after_closure(self, complaint_id: str, now: datetime, follow_up: bool) -> None:
        """Schedule the satisfaction check of a closed complaint and, with `follow_up` (an agent
        resolved it), the follow-up. A survey already scheduled is left as it is."""
        require_aware("now", now)
        plans = [(SurveyKind.SATISFACTION.value, now + self.settings.satisfaction_delay)]
        if follow_up:
            plans.append((SurveyKind.FOLLOW_UP.value, now + self.settings.follow_up_after))
        for kind, due in plans:
            if self.add(complaint_id, kind, due, now):
                self.jobs.schedule(JOB_KINDS[kind], due, {"complaint_id": complaint_id}, now,
                                   key=f"{JOB_KINDS[kind]}:{complaint_id}")

    def mark_sent(self, complaint_id: str, kind: str, now: datetime) -> bool:
        """A scheduled survey has gone out (it expires after its kind's time); False if it was
        not waiting to be sent."""
        return self.record_sent(complaint_id, kind, now, now + self.settings.expiry(kind))

