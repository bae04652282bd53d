"""The pattern layer of the escalation rules: lexicons of labelled patterns, the near-misses blanked
out before them and the negation that cancels them, read on a normalised text (Simplified, half
width, lower case) whose positions are the customer's; and the customer's words quoted around a
match for an explanation. The patterns themselves live in config/escalation.yml.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, List, Mapping, Optional, Pattern, Tuple

from bot.script import to_simplified

#: What ends a sentence of a customer's message, and what else ends a clause of it (commas, colons,
#: tildes, an ellipsis, spaces: "东西坏了 客服不理" is two clauses). One pair for every reader of
#: clauses and sentences: the escalation lexicons, the reply cues (bot.empathy), the complaint layer.
#: Not an end: a full stop or colon between digits (3.5元, 9:30) nor a space beside a Latin letter or
#: a digit ("换了 iPhone 15 以后", "房间 1208 很吵": spacing, not a pause).
_SENTENCE_MARKS = "。！!？?；;\\n"
_CLAUSE_MARKS = _SENTENCE_MARKS + "，,～~…"
SENTENCE_ENDS = re.compile(rf"[{_SENTENCE_MARKS}]|(?<!\d)\.|\.(?!\d)")
CLAUSE_ENDS = re.compile(rf"[{_CLAUSE_MARKS}]|(?<!\d)[.:：]|[.:：](?!\d)|(?<![A-Za-z0-9])\s(?![A-Za-z0-9])")
#: The characters a {~N} gap of a pattern never crosses: every mark above, wherever it stands.
_GAP_STOPS = _CLAUSE_MARKS + ".:：\\s"
_GAP = re.compile(r"\{~(\d+)\}")
_TERM = re.compile(r"\{([a-z_]+)\}")
MASK = "\u25a1"   # what a near-miss is blanked to (keeps positions)
_QUOTE_CHARS = 30
#: How much of a customer's answer (to the plan, to a survey) an explanation quotes.
ANSWER_QUOTE_CHARS = 120


@lru_cache(maxsize=4096)  # the lexicons of every reason read the same message
def normalise(text: str) -> str:
    """The text the lexicons see: Simplified, half-width, lower case; same length as
    `to_simplified(text)`, so a match's position is a position in the customer's words."""
    simplified = to_simplified(text or "")
    chars = []
    for char in simplified:
        folded = unicodedata.normalize("NFKC", char).lower()
        chars.append(folded if len(folded) == 1 else char)
    return "".join(chars)


def _expand_terms(pattern: str, terms: Mapping[str, str], where: str,
                  using: Tuple[str, ...] = ()) -> str:
    """`pattern` with each {name} replaced by that term (expanded in turn)."""
    def term(m: "re.Match[str]") -> str:
        name = m.group(1)
        if name not in terms:
            raise ValueError(f"{where}: {pattern!r} uses {{{name}}}, which is not one of the "
                             f"terms ({', '.join(sorted(terms)) or 'none defined'})")
        if name in using:
            raise ValueError(f"{where}: the term {name} uses itself ({' -> '.join(using + (name,))})")
        return f"(?:{_expand_terms(terms[name], terms, where, using + (name,))})"
    return _TERM.sub(term, pattern)


def compile_pattern(pattern: str, where: str, terms: Optional[Mapping[str, str]] = None) -> Pattern[str]:
    """`pattern` of escalation.yml compiled, its {term}s and {~N} gaps expanded; a ValueError
    naming `where` when it is not a valid regular expression."""
    expanded = _GAP.sub(lambda m: f"[^{_GAP_STOPS}]{{0,{m.group(1)}}}",
                        _expand_terms(pattern, terms or {}, where))
    try:
        return re.compile(expanded)
    except re.error as exc:
        raise ValueError(f"{where}: {pattern!r} is not a valid regular expression ({exc}); "
                         "fix the pattern there") from None


def pattern_union(patterns: Optional[Iterable[str]], where: str,
                  terms: Optional[Mapping[str, str]] = None) -> Optional[Pattern[str]]:
    """One pattern matching any of `patterns` (None for none), each checked on its own first."""
    patterns = list(patterns or ())
    for pattern in patterns:
        compile_pattern(pattern, where, terms)   # report the faulty one by itself
    return compile_pattern("|".join(f"(?:{p})" for p in patterns), where, terms) if patterns else None


@dataclass(frozen=True)
class LexiconMatch:
    """Where a lexicon found something in one message."""

    label: str
    """The lexicon group, e.g. 监管部门或消费者组织."""
    term: str
    """The words matched (normalised)."""
    quote: str
    """The customer's own words around the match, short enough for one line."""


@dataclass(frozen=True)
class LexiconResult:
    """What a lexicon found in one message: a match, or else what it set aside."""

    match: Optional[LexiconMatch] = None
    #: A mention that a negation cancelled ("我不会去曝光的"); only set when there is no match.
    negated: Optional[LexiconMatch] = None
    #: The first near-miss blanked out ("人工费"), if any.
    near_miss: Optional[str] = None

    @property
    def set_aside(self) -> bool:
        """No match, but a negated mention or a near-miss: the message is explicitly not it."""
        return self.match is None and (self.negated is not None or self.near_miss is not None)


@dataclass(frozen=True, eq=False)   # hashed by identity: `search`'s cache would otherwise
class Lexicon:                        # hash every compiled pattern's code on each lookup
    """Labelled patterns, the near-misses blanked out before them, and how negation cancels them."""

    groups: Tuple[Tuple[str, Pattern[str]], ...]
    near_misses: Optional[Pattern[str]] = None
    negation: Optional[Pattern[str]] = None
    negation_window: int = 0
    negation_lifted_by: Optional[Pattern[str]] = None

    @classmethod
    def from_config(cls, raw: Mapping[str, Any], where: str) -> "Lexicon":
        """From one rule of escalation.yml: `patterns`, `near_misses` and `negation`; a pattern
        may name one of the rule's `terms` as {name} (a family of words, e.g. whom the customer
        told; a term may name other terms) and use {~N} (up to N characters in one clause)."""
        terms = {str(name): str(term) for name, term in (raw.get("terms") or {}).items()}
        groups = tuple((label, pattern_union(patterns, f"{where}.patterns.{label}", terms))
                       for label, patterns in (raw.get("patterns") or {}).items())
        negation = raw.get("negation") or {}
        return cls(
            groups=tuple((label, pattern) for label, pattern in groups if pattern is not None),
            near_misses=pattern_union(raw.get("near_misses"), f"{where}.near_misses", terms),
            negation=compile_pattern(negation["cues"], f"{where}.negation.cues") if negation else None,
            negation_window=int(negation.get("window", 0)),
            negation_lifted_by=(compile_pattern(negation["lifted_by"], f"{where}.negation.lifted_by")
                                if negation.get("lifted_by") else None),
        )

    @lru_cache(maxsize=8192)  # every turn searches the conversation's earlier messages again
    def search(self, text: str) -> LexiconResult:
        """The first mention in `text` that is not a near-miss and not negated."""
        seen = normalise(text)
        near_miss = None
        if self.near_misses is not None:
            first = self.near_misses.search(seen)
            near_miss = first.group() if first else None
            seen = self.near_misses.sub(lambda m: MASK * len(m.group()), seen)
        lifted = self.negation_lifted_by is not None and bool(self.negation_lifted_by.search(seen))
        hits: List[Tuple[int, int, LexiconMatch]] = []
        negated: Optional[LexiconMatch] = None
        for order, (label, pattern) in enumerate(self.groups):
            for m in pattern.finditer(seen):
                found = LexiconMatch(label, m.group(), _quote(text, m.start(), m.end()))
                if not lifted and self._negated(seen, m.start()):
                    negated = negated or found
                    continue
                hits.append((m.start(), order, found))
                break
        if hits:
            return LexiconResult(match=min(hits, key=lambda hit: hit[:2])[2])
        return LexiconResult(negated=negated, near_miss=near_miss)

    def _negated(self, seen: str, start: int) -> bool:
        return self.negation is not None and negated_before(seen, start, self.negation, self.negation_window)


def span_start(text: str, at: int, ends: Pattern[str]) -> int:
    """Where the clause or sentence of `text` that holds position `at` starts: right after the last
    match of `ends` (a clause's or a sentence's punctuation) before `at`. The whole text is read:
    whether a space ends a clause depends on the character after it."""
    start = 0
    for end in ends.finditer(text):
        if end.end() > at:
            break
        start = end.end()
    return start


def negated_before(seen: str, start: int, negation: Pattern[str], window: int) -> bool:
    """Whether `negation` occurs in the `window` characters of `seen` before `start`, inside the
    clause that holds `start` ("还好没人受伤", "包装没破损")."""
    return bool(negation.search(seen[max(span_start(seen, start, CLAUSE_ENDS), start - window):start]))


# Where a quote of the customer's words may be cut: after a sentence's closing quotation mark too,
# and not at a space (the quote is one line whose breaks became spaces).
_QUOTE_SENTENCE_CUTS = re.compile(r"[。！？!?]+[”’\"']?")
_QUOTE_CLAUSE_CUTS = re.compile(r"[，；,;：:]")


def _pieces(source: str, ends: Pattern[str]) -> List[Tuple[int, int]]:
    """`source` cut after each match of `ends`, as [begin, end) spans."""
    spans, begin = [], 0
    for m in ends.finditer(source):
        spans.append((begin, m.end()))
        begin = m.end()
    return spans + ([(begin, len(source))] if begin < len(source) else [])


def _whole_pieces(source: str, start: int, end: int, ends: Pattern[str],
                  limit: int) -> Optional[Tuple[int, int]]:
    """The pieces of `source` around [start, end), as many as fit in one quote (those after
    first), or None when the pieces holding [start, end) alone are too long."""
    spans = _pieces(source, ends)
    first = next((i for i, (_, e) in enumerate(spans) if e > start), len(spans) - 1)
    last = next((i for i, (_, e) in enumerate(spans) if e >= end), len(spans) - 1)
    if spans[last][1] - spans[first][0] > limit:
        return None
    while last + 1 < len(spans) and spans[last + 1][1] - spans[first][0] <= limit:
        last += 1
    while first > 0 and spans[last][1] - spans[first - 1][0] <= limit:
        first -= 1
    return spans[first][0], spans[last][1]


def _quote(text: str, start: int, end: int, limit: int = _QUOTE_CHARS) -> str:
    """The customer's words around [start, end) of the normalised text on one line, at most
    `limit` characters cut at sentence ends (。！？) where a sentence fits, else at clause breaks,
    else anywhere; an ellipsis marks what is left out."""
    simplified = to_simplified(text or "")
    source = (text or "") if len(text or "") == len(simplified) else simplified
    source = " ".join(source.split())  # one line
    if len(source) <= limit:
        return source
    span = (_whole_pieces(source, start, end, _QUOTE_SENTENCE_CUTS, limit)
            or _whole_pieces(source, start, end, _QUOTE_CLAUSE_CUTS, limit))
    if span is None:
        begin = max(0, min(start - 10, end + 10 - limit, len(source) - limit))
        span = begin, min(len(source), begin + limit)
    begin, finish = span
    quote = source[begin:finish].strip()
    if finish < len(source):
        quote = quote.rstrip("，；,;：:") + "…"
    return ("…" if begin > 0 else "") + quote


def short_quote(text: str, limit: int = _QUOTE_CHARS) -> str:
    """A message cut to one short line for an explanation, at a sentence end where one fits."""
    return _quote(text, 0, 0, limit)
