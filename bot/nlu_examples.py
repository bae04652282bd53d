"""Training examples labelled in the inbox, written to `<nlu dir>/reviewed/<intent>.yml`: one
file per intent, examples sorted, valid Rasa 3 NLU YAML, so that a pull request shows exactly
what was added. An example identical or nearly identical to one already anywhere in the NLU
data is refused with a pointer to that one. Entities are marked as the existing examples mark
them: `[text](entity)`, or `[text]{"entity": "...", "value": "..."}` with a canonical value.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import Iterator, List, Mapping, Optional, Sequence, Tuple

import yaml

from bot.datafiles import shown_path

REVIEWED = "reviewed"
_ANNOTATION = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")
_MASKED = re.compile(r"\*{2,}")
_HEADER = ('version: "3.1"\n\n'
           "# Labelled by conversation designers in the inbox (README \"For conversation designers\").\n"
           "# One file per intent, examples sorted; edit by labelling again, or by hand like any NLU file.\n")


class ExampleRefused(ValueError):
    """The example cannot be written; `why` says which rule (masked, malformed, entity,
    duplicate, near_duplicate) and, for a duplicate, `existing` names it."""

    def __init__(self, why: str, existing: Optional["Example"] = None) -> None:
        super().__init__(why if existing is None else f"{why}: {existing.file}: {existing.text}")
        self.why = why
        self.existing = existing


@dataclass(frozen=True)
class Example:
    """A training example as written (`text`, entities marked) in `file` under `intent`."""

    file: str
    intent: str
    text: str


@dataclass(frozen=True)
class Entity:
    """A part of the example's text that is an entity (`value`: its canonical value, if any)."""

    text: str
    entity: str
    value: Optional[str] = None


def plain(text: str) -> str:
    """`text` without entity marks: what the customer wrote."""
    return _ANNOTATION.sub(r"\1", text)


def _key(text: str) -> str:
    """What two examples are compared on: the plain text without spaces and punctuation, lower case."""
    return "".join(c for c in unicodedata.normalize("NFKC", plain(text)).lower()
                   if not c.isspace() and not unicodedata.category(c).startswith("P"))


def existing_examples(nlu_dir: Path) -> Iterator[Example]:
    """Every intent example in the NLU files under `nlu_dir` (reviewed ones included)."""
    for path in sorted(Path(nlu_dir).rglob("*.yml")):
        for entry in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or ():
            if "intent" in entry:
                for line in str(entry.get("examples") or "").splitlines():
                    if line.strip().startswith("- "):
                        yield Example(shown_path(path), str(entry["intent"]), line.strip()[2:].strip())


def annotate(text: str, entities: Sequence[Entity], known: Sequence[str]) -> str:
    """`text` with each entity's first occurrence marked; `ExampleRefused` for an entity the
    domain does not know or a part the text does not contain."""
    for entity in entities:
        if entity.entity not in known:
            raise ExampleRefused("entity")
        start = text.find(entity.text) if entity.text else -1
        if start < 0:
            raise ExampleRefused("entity")
        mark = (f"[{entity.text}]({entity.entity})" if not entity.value or entity.value == entity.text else
                f"[{entity.text}]{json.dumps({'entity': entity.entity, 'value': entity.value}, ensure_ascii=False)}")
        text = text[:start] + mark + text[start + len(entity.text):]
    return text


def check_text(text: str) -> str:
    """`text` stripped, if it can be an example: one line, no masked personal data (`****`), no
    bracket that would read as an entity mark, not a button payload; `ExampleRefused` otherwise."""
    text = text.strip()
    if _MASKED.search(text):
        raise ExampleRefused("masked")
    if not text or "\n" in text or text.startswith("/") or any(c in text for c in "[]{}"):
        raise ExampleRefused("malformed")
    return text


def find_duplicate(text: str, examples: Sequence[Example], near: float) -> Optional[Tuple[str, Example]]:
    """("duplicate" | "near_duplicate", the existing example) when `text` is one, else None."""
    key = _key(text)
    best: Optional[Tuple[float, Example]] = None
    for example in examples:
        other = _key(example.text)
        if other == key:
            return "duplicate", example
        matcher = SequenceMatcher(None, key, other, autojunk=False)
        if matcher.real_quick_ratio() >= near and matcher.quick_ratio() >= near:
            ratio = matcher.ratio()
            if ratio >= near and (best is None or ratio > best[0]):
                best = (ratio, example)
    return ("near_duplicate", best[1]) if best else None


def write_example(nlu_dir: Path, intent: str, text: str, near: float) -> Example:
    """Add `text` (entities marked) to `<nlu_dir>/reviewed/<intent>.yml`, examples sorted;
    `ExampleRefused` for a duplicate or near-duplicate of any example under `nlu_dir`."""
    duplicate = find_duplicate(text, list(existing_examples(nlu_dir)), near)
    if duplicate:
        raise ExampleRefused(*duplicate)
    path = Path(nlu_dir) / REVIEWED / f"{intent}.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines: List[str] = [e.text for e in existing_examples(path.parent) if e.file == shown_path(path)]
    path.write_text(_file_text(intent, sorted(set(lines + [text]))), encoding="utf-8")
    return Example(shown_path(path), intent, text)


def _file_text(intent: str, examples: Sequence[str]) -> str:
    body = "".join(f"      - {example}\n" for example in examples)
    return f"{_HEADER}nlu:\n  - intent: {intent}\n    examples: |\n{body}"


def entities_from(raw: object) -> List[Entity]:
    """The entities a designer marked ([{text, entity, value?}]); `ExampleRefused` for anything else."""
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(e, Mapping) and isinstance(e.get("text"), str)
                                            and isinstance(e.get("entity"), str) for e in raw):
        raise ExampleRefused("entity")
    return [Entity(e["text"], e["entity"], str(e["value"]) if e.get("value") else None) for e in raw]
