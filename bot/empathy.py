"""Replies that fit what happened: which situation the customer describes (spilled food, a
damaged parcel, a rude clerk…) and whether someone is already hurt, from the cues of
data/empathy.yml. The responses themselves are in domain.yml."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Optional, Pattern, Sequence, Tuple

from bot.datafiles import ConfigError, known_keys, load_yaml, mapping, repo_path, whole_number
from bot.script import to_simplified

DEFAULT_EMPATHY_PATH = repo_path("data/empathy.yml")
LEVELS = ("calm", "upset", "angry")
_CLAUSE_END = re.compile(r"[，。！？；,.!?;\n]")


@dataclass(frozen=True)
class Situation:
    """One kind of trouble: the cues that show it and the response for each anger level."""

    name: str
    cues: Pattern[str]
    responses: Mapping[str, str]


@dataclass(frozen=True)
class EmpathyRules:
    """The situations in their order, and the safety cues."""

    situations: Tuple[Situation, ...]
    hurt: Pattern[str]
    negation: Pattern[str]
    window: int
    hypothetical: Pattern[str]
    hurt_response: str
    risk_response: str

    def situation_of(self, text: str) -> Optional[Situation]:
        """The first situation whose cues appear in `text` (either script), if any."""
        simplified = to_simplified(text)
        return next((s for s in self.situations if s.cues.search(simplified)), None)

    def empathy_response(self, text: str, level: str) -> str:
        """The empathy response for a customer at anger `level` who said `text`: the situation's
        own response for that level, else the generic `utter_empathy_<level>`."""
        situation = self.situation_of(text)
        if situation is not None and level in situation.responses:
            return situation.responses[level]
        return f"utter_empathy_{level}"

    def someone_hurt(self, text: str) -> bool:
        """True when `text` says someone is already hurt or ill (not only at risk: a cue with a
        negation just before it, "还好没人受伤", "差点划伤", or in a clause that only imagines it,
        "万一孩子受伤怎么办", does not count)."""
        for clause in _CLAUSE_END.split(to_simplified(text)):
            if self.hypothetical.search(clause):
                continue
            for found in self.hurt.finditer(clause):
                before = clause[max(0, found.start() - self.window):found.start()]
                if not self.negation.search(before):
                    return True
        return False

    def safety_response(self, text: str) -> str:
        """The safety handoff response fitting `text`: someone hurt, or a risk."""
        return self.hurt_response if self.someone_hurt(text) else self.risk_response

    def handoff_response(self, reason: str, story: str) -> str:
        """The first words of a handoff for `reason` (`utter_handoff_<reason>`); for safety, the
        one that fits `story` (what the customer said): someone hurt, or a risk."""
        return self.safety_response(story) if reason == "safety" else f"utter_handoff_{reason}"


def _pattern(cues: Any, source: Path, entry: str) -> Pattern[str]:
    if not isinstance(cues, Sequence) or isinstance(cues, str) or not cues:
        raise ConfigError(source, entry, f"expected a list of cues, got {cues!r}",
                          "write e.g. ['洒了', '漏了']")
    try:
        return re.compile("|".join(f"(?:{cue})" for cue in cues))
    except re.error as error:
        raise ConfigError(source, entry, f"a cue is not a valid regular expression ({error})",
                          "check the brackets; a plain word is always fine") from error


def _response(value: Any, source: Path, entry: str) -> str:
    if not isinstance(value, str) or not value.startswith("utter_"):
        raise ConfigError(source, entry, f"expected the name of a response in domain.yml, got {value!r}",
                          "write e.g. utter_empathy_spilled_food")
    return value


def load_empathy_rules(path: Optional[Path] = None) -> EmpathyRules:
    """Read and check data/empathy.yml (or `path`); a `ConfigError` names what is wrong."""
    path = path or DEFAULT_EMPATHY_PATH
    raw = mapping(load_yaml(path), path, "the file", "situations: {...}")
    known_keys(raw, ("situations", "safety"), path, "empathy")
    situations = []
    for name, row in mapping(raw.get("situations") or {}, path, "situations", "spilled_food: {...}").items():
        entry = f"situations.{name}"
        row = mapping(row, path, entry, "{cues: ['洒了'], calm: utter_empathy_spilled_food}")
        known_keys(row, ("cues", *LEVELS), path, entry)
        responses = {level: _response(row[level], path, f"{entry}.{level}") for level in LEVELS if level in row}
        situations.append(Situation(str(name), _pattern(row.get("cues"), path, f"{entry}.cues"), responses))
    safety = mapping(raw.get("safety"), path, "safety", "{hurt: [...], negation: [...], window: 3, ...}")
    known_keys(safety, ("hurt", "negation", "window", "hypothetical", "hurt_response", "risk_response"),
               path, "safety")
    return EmpathyRules(
        situations=tuple(situations),
        hurt=_pattern(safety.get("hurt"), path, "safety.hurt"),
        negation=_pattern(safety.get("negation"), path, "safety.negation"),
        window=whole_number(safety.get("window"), path, "safety.window", "characters", 3),
        hypothetical=_pattern(safety.get("hypothetical"), path, "safety.hypothetical"),
        hurt_response=_response(safety.get("hurt_response"), path, "safety.hurt_response"),
        risk_response=_response(safety.get("risk_response"), path, "safety.risk_response"),
    )
