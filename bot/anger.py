"""How angry a message sounds: a transparent, additive score (config/escalation.yml).

Each point has a reason a person can read, so designers can tune the weights and agents can
see why the assistant judged a customer angry.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Mapping, Optional, Tuple

from bot.datafiles import load_yaml, repo_path
from bot.script import to_simplified

DEFAULT_ESCALATION_PATH = repo_path("config/escalation.yml")
_EXCLAMATION_RUN = re.compile(r"[!！]{2,}")
_QUESTION_RUN = re.compile(r"[?？]{2,}")


class AngerLevel(str, Enum):
    CALM = "calm"
    UPSET = "upset"
    ANGRY = "angry"


@dataclass(frozen=True)
class AngerScore:
    score: float
    level: AngerLevel
    reasons: Tuple[str, ...]


@dataclass(frozen=True)
class AngerModel:
    """Weights and level thresholds for the anger score."""

    upset_at: float
    angry_at: float
    intent_weights: Mapping[str, float]
    exclamation_run: float
    question_run: float
    word_weights: Mapping[str, float]

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "AngerModel":
        return cls(
            upset_at=config["levels"]["upset"],
            angry_at=config["levels"]["angry"],
            intent_weights=config.get("intents", {}),
            exclamation_run=config["punctuation"]["exclamation_run"],
            question_run=config["punctuation"]["question_run"],
            word_weights=config.get("words", {}),
        )

    def score(self, text: str, intent: Optional[str] = None) -> AngerScore:
        """Score one message; Traditional text is scored like its Simplified form."""
        simplified = to_simplified(text or "")
        points = 0.0
        reasons = []
        if intent is not None and intent in self.intent_weights:
            points += self.intent_weights[intent]
            reasons.append(f"intent:{intent}")
        for word, weight in self.word_weights.items():
            if word in simplified:
                points += weight
                reasons.append(f"word:{word}")
        if _EXCLAMATION_RUN.search(simplified):
            points += self.exclamation_run
            reasons.append("punctuation:!!")
        if _QUESTION_RUN.search(simplified):
            points += self.question_run
            reasons.append("punctuation:??")
        return AngerScore(points, self.level_for(points), tuple(reasons))

    def level_for(self, points: float) -> AngerLevel:
        if points >= self.angry_at:
            return AngerLevel.ANGRY
        if points >= self.upset_at:
            return AngerLevel.UPSET
        return AngerLevel.CALM


def load_anger_model(path: Path = DEFAULT_ESCALATION_PATH) -> AngerModel:
    """The anger model configured in escalation.yml."""
    return AngerModel.from_config(load_yaml(path)["anger"])


def fallback_limit(path: Path = DEFAULT_ESCALATION_PATH) -> int:
    """Misunderstood messages in a row after which the conversation needs a person."""
    return int(load_yaml(path)["fallback_limit"])
