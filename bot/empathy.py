"""Replies that fit what happened: which situation the customer describes (spilled food, a
damaged parcel, a rude clerk…) and whether someone is already hurt, from the cues of
data/empathy.yml. The responses themselves are in domain.yml."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping, Match, Optional, Pattern, Sequence, Tuple

from bot.datafiles import ConfigError, known_keys, load_yaml, mapping, repo_path, whole_number
from bot.lexicon import CLAUSE_ENDS, SENTENCE_ENDS, negated_before, span_start
from bot.script import to_simplified

DEFAULT_EMPATHY_PATH = repo_path("data/empathy.yml")
LEVELS = ("calm", "upset", "angry")


def _span(text: str, at: int, ends: Pattern[str]) -> str:
    """The clause or sentence (by `ends`) of `text` that holds position `at`."""
    end = ends.search(text, at)
    return text[span_start(text, at, ends):end.start() if end else len(text)]


@dataclass(frozen=True)
class Telling:
    """When a cue tells what happened: not with a negation just before it in its clause
    (`negation`, within `window` characters), nor after words in its clause that only imagine or
    warn (`hypothetical`: "万一孩子受伤", "别压碎了"; "还没到，万一明天也到不了" still tells)."""

    negation: Pattern[str]
    window: int
    hypothetical: Pattern[str]

    def told(self, cues: Pattern[str], text: str) -> Iterator[Match[str]]:
        """Each match of `cues` in `text` that tells what happened, at every position (a match
        set aside must not hide a shorter one inside it: "还没拆，摸到好多碎的")."""
        found = cues.search(text)
        while found is not None:
            # a word that imagines may end inside the cue ("别压碎了"): it need only start before it
            imagined = self.hypothetical.search(text, span_start(text, found.start(), CLAUSE_ENDS))
            if not (imagined and imagined.start() < found.start()) and not negated_before(
                    text, found.start(), self.negation, self.window):
                yield found
            found = cues.search(text, found.start() + 1)


@dataclass(frozen=True)
class Situation:
    """One kind of trouble: the cues that show it and the response for each anger level."""

    name: str
    cues: Pattern[str]
    responses: Mapping[str, str]
    needs: Optional[Pattern[str]] = None
    """What a cue's sentence must also name (food, for spilled or spoiled food: "花洒不好用" and
    "看得心酸了" are neither); None: the cue alone."""


@dataclass(frozen=True)
class EmpathyRules:
    """The situations in their order, and the safety cues."""

    situations: Tuple[Situation, ...]
    telling: Telling
    """When a situation's cue tells what happened ("包装没破", "别压碎了" tell nothing)."""
    hurt: Pattern[str]
    hurt_telling: Telling
    """When a `hurt` cue says someone is hurt ("还好没人受伤", "万一孩子受伤" do not)."""
    hurt_response: str
    risk_response: str
    place: Optional[Pattern[str]] = None
    """A hazard in a place rather than in something bought (a slippery floor, a door that does not
    lock, wires left bare in the street): `place_response` instead of `risk_response`."""
    thing: Optional[Pattern[str]] = None
    """Something bought or eaten: a hazard told in a sentence that names one keeps `risk_response`
    ("stop using it")."""
    place_response: Optional[str] = None

    def situation_of(self, text: str) -> Optional[Situation]:
        """The first situation one of whose cues tells what happened in `text` (either script), in
        a sentence that names what the situation `needs`, if any."""
        simplified = to_simplified(text)
        return next((s for s in self.situations for found in self.telling.told(s.cues, simplified)
                     if s.needs is None or s.needs.search(_span(simplified, found.start(), SENTENCE_ENDS))),
                    None)

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
        return next(self.hurt_telling.told(self.hurt, to_simplified(text)), None) is not None

    def safety_response(self, text: str) -> str:
        """The safety handoff response fitting `text`: someone hurt, a hazard in a place, or a
        risk from something bought or eaten."""
        if self.someone_hurt(text):
            return self.hurt_response
        return self.place_response if self.hazard_in_a_place(text) and self.place_response else self.risk_response

    def hazard_in_a_place(self, text: str) -> bool:
        """Whether `text` tells of a hazard in a place (`place`) in a sentence that names nothing
        bought or eaten (`thing`)."""
        simplified = to_simplified(text)
        return self.place is not None and any(
            self.thing is None or not self.thing.search(_span(simplified, found.start(), SENTENCE_ENDS))
            for found in self.hurt_telling.told(self.place, simplified))

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
    known_keys(raw, ("situations", "told", "safety"), path, "empathy")
    situations = []
    for name, row in mapping(raw.get("situations") or {}, path, "situations", "spilled_food: {...}").items():
        entry = f"situations.{name}"
        row = mapping(row, path, entry, "{cues: ['洒了'], calm: utter_empathy_spilled_food}")
        known_keys(row, ("cues", "needs", *LEVELS), path, entry)
        responses = {level: _response(row[level], path, f"{entry}.{level}") for level in LEVELS if level in row}
        needs = _pattern(row["needs"], path, f"{entry}.needs") if "needs" in row else None
        situations.append(Situation(str(name), _pattern(row.get("cues"), path, f"{entry}.cues"), responses, needs))
    told = mapping(raw.get("told"), path, "told", "{negation: [...], window: 3, hypothetical: [...]}")
    known_keys(told, ("negation", "window", "hypothetical"), path, "told")
    safety = mapping(raw.get("safety"), path, "safety", "{hurt: [...], negation: [...], window: 3, ...}")
    known_keys(safety, ("hurt", "negation", "window", "hypothetical", "hurt_response", "risk_response",
                        "place", "thing", "place_response"), path, "safety")
    return EmpathyRules(
        situations=tuple(situations),
        telling=_telling(told, path, "told"),
        hurt=_pattern(safety.get("hurt"), path, "safety.hurt"),
        hurt_telling=_telling(safety, path, "safety"),
        hurt_response=_response(safety.get("hurt_response"), path, "safety.hurt_response"),
        risk_response=_response(safety.get("risk_response"), path, "safety.risk_response"),
        place=_pattern(safety["place"], path, "safety.place") if "place" in safety else None,
        thing=_pattern(safety["thing"], path, "safety.thing") if "thing" in safety else None,
        place_response=(_response(safety["place_response"], path, "safety.place_response")
                        if "place_response" in safety else None),
    )


def _telling(raw: Mapping[str, Any], source: Path, entry: str) -> Telling:
    return Telling(negation=_pattern(raw.get("negation"), source, f"{entry}.negation"),
                   window=whole_number(raw.get("window"), source, f"{entry}.window", "characters", 3),
                   hypothetical=_pattern(raw.get("hypothetical"), source, f"{entry}.hypothetical"))
