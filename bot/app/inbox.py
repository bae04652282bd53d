"""The conversation designers' inbox: what customers said that the assistant got wrong, and
labelling it as a training example. The console and the CLI (`python -m bot inbox`) call these.

Where the items come from: Rasa's SQL tracker store, which every Rasa server writes to and
which the inbox reads when someone looks (`refresh`): the conversations with events since the
last look are read again whole and judged by `bot.inbox.findings`, so nothing runs on the
customer's turn and every server's conversations are seen; a message that only later turns out
misunderstood (corrected, a handoff) is found when its conversation goes on. An agent's flag
from a case page (`flag`) is judged on the tracker the console reads from the Rasa server.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from bot.datafiles import load_yaml
from bot.inbox import InboxSettings, findings
from bot.nlu_examples import Entity, Example, ExampleRefused, annotate, check_text, write_example
from bot.responses import DEFAULT_DOMAIN_PATH
from bot.situation import is_external
from bot.storage.inbox import OPEN, InboxItem, InboxStore, TrackerConversations

#: Events stored by one Rasa server while another look was reading are read again.
OVERLAP = timedelta(minutes=5)


class AlreadyLabelled(Exception):
    """The item was labelled already (by someone else, or in another tab)."""


@dataclass(frozen=True)
class Group:
    """The open items the assistant took for one intent, newest first."""

    intent: str
    items: Tuple[InboxItem, ...]


def refresh(inbox: InboxStore, tracker: TrackerConversations, settings: InboxSettings, now: datetime) -> None:
    """Read the conversations with events since the last look (at first `first_look_days`
    back) and put their misunderstood messages into the inbox."""
    until = inbox.harvested_until()
    since = (now - timedelta(days=settings.first_look_days)).timestamp() if until is None else until
    for conversation_id, events in tracker.since(since - OVERLAP.total_seconds()).items():
        found = findings(events, settings)
        if found:
            inbox.keep(conversation_id, found, now)
    inbox.set_harvested_until(now.timestamp())


def open_groups(inbox: InboxStore, tracker: TrackerConversations, settings: InboxSettings,
                now: datetime) -> List[Group]:
    """The inbox after a `refresh`: the open items grouped by what the assistant thought,
    the group with the newest message first."""
    refresh(inbox, tracker, settings, now)
    groups: Dict[str, List[InboxItem]] = {}
    for item in inbox.open_items():
        groups.setdefault(item.intent, []).append(item)
    return [Group(intent, tuple(items)) for intent, items in groups.items()]


def flag(inbox: InboxStore, conversation_id: str, events: Sequence[Mapping[str, Any]], message_id: str,
         agent_name: str, settings: InboxSettings, now: datetime) -> int:
    """An agent says the assistant misunderstood the customer message `message_id` of the
    conversation (`events`: its tracker): it goes into the inbox. The item's id; `LookupError`
    when the conversation has no such customer message."""
    found = [f for f in findings(events, settings, flagged=message_id) if f.message_id == message_id]
    if not found:
        raise LookupError(message_id)
    return inbox.keep(conversation_id, found, now, flagged_by=agent_name)[0]


def label_choices(domain_path: Path = DEFAULT_DOMAIN_PATH) -> Tuple[List[str], List[str]]:
    """(intents a designer can label with, entities they can mark): the domain's, without the
    system-triggered intents."""
    domain = load_yaml(Path(domain_path))
    return ([str(i) for i in domain.get("intents") or () if not is_external(str(i))],
            [str(e) for e in domain.get("entities") or ()])


def label(inbox: InboxStore, item_id: int, intent: str, designer: str, nlu_dir: Path,
          settings: InboxSettings, now: datetime, text: Optional[str] = None,
          entities: Sequence[Entity] = ()) -> Example:
    """Write the item's message (or the designer's edit of it, `text`) with `entities` marked
    as an example of `intent` (`bot.nlu_examples`) and mark the item done. `LookupError` for
    no such item, `AlreadyLabelled`, or `ExampleRefused` (unknown intent, masked personal data
    left in, a duplicate or near-duplicate: with the existing example)."""
    item = inbox.get(item_id)
    if item is None:
        raise LookupError(item_id)
    if item.status != OPEN:
        raise AlreadyLabelled(item.label)
    intents, entity_names = label_choices()
    if intent not in intents:
        raise ExampleRefused("intent")
    example = annotate(check_text(item.text if text is None else text), entities, entity_names)
    written = write_example(nlu_dir, intent, example, settings.near_duplicate)
    if not inbox.done(item_id, intent, written.file, designer, now):
        raise AlreadyLabelled(intent)
    return written
