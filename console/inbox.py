"""What a conversation designer does at the console: read the inbox of misunderstood messages
and label one as a training example (`bot.app.inbox`); and an agent's flag of a message on a
case page. Refusals become `console.errors.ConsoleError`s."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Mapping, Optional, Sequence

from bot.app import inbox
from bot.clock import utcnow
from bot.inbox import InboxSettings
from bot.nlu_examples import ExampleRefused, entities_from
from bot.roles import INBOX, may
from bot.storage import Agent, InboxItem, InboxStore, TrackerConversations
from console import wording
from console.errors import Conflict, ConsoleError, Forbidden, NotFound
from console.inputs import is_row_id
from console.views import View, iso


def _require_designer(agent: Agent) -> None:
    if not may(agent.role, INBOX):
        raise Forbidden(wording.INBOX_DESIGNERS_ONLY)


@dataclass
class InboxDesk:
    """The console's operations on the inbox."""

    store: InboxStore
    tracker: TrackerConversations
    settings: InboxSettings
    nlu_dir: Path
    format_time: Callable[[datetime], Optional[str]]
    clock: Callable[[], datetime] = utcnow

    async def groups(self, agent: Agent) -> View:
        """{total, groups: [{intent, count, items}], intents, entities, not_a_complaint}: the open
        items by what the assistant thought, newest first (designers only)."""
        _require_designer(agent)
        groups = await asyncio.to_thread(inbox.open_groups, self.store, self.tracker, self.settings, self.clock())
        intents, entities = inbox.label_choices()
        return {"total": sum(len(g.items) for g in groups),
                "groups": [{"intent": g.intent, "count": len(g.items), "items": [self._item(i) for i in g.items]}
                           for g in groups],
                "intents": intents, "entities": entities, "not_a_complaint": self.settings.not_a_complaint}

    async def label(self, item_id: int, agent: Agent, body: Mapping[str, Any]) -> View:
        """{example: {file, intent, text}}: the example written for the item (designers only)."""
        _require_designer(agent)
        if not is_row_id(item_id):
            raise NotFound(wording.INBOX_ITEM_NOT_FOUND)
        intent, text = body.get("intent"), body.get("text")
        if not isinstance(intent, str) or (text is not None and not isinstance(text, str)):
            raise ConsoleError(wording.LABEL_REFUSED["intent"])
        try:
            entities = entities_from(body.get("entities"))
            example = await asyncio.to_thread(inbox.label, self.store, item_id, intent, agent.display_name,
                                              self.nlu_dir, self.settings, self.clock(), text, entities)
        except LookupError:
            raise NotFound(wording.INBOX_ITEM_NOT_FOUND) from None
        except inbox.AlreadyLabelled:
            raise Conflict(wording.ALREADY_LABELLED) from None
        except ExampleRefused as refused:
            existing = refused.existing
            message = wording.LABEL_REFUSED[refused.why]
            if existing is not None:
                raise Conflict(message.format(file=existing.file, text=existing.text, intent=existing.intent)) from None
            raise ConsoleError(message) from None
        return {"example": {"file": example.file, "intent": example.intent, "text": example.text}}

    async def flag(self, conversation_id: str, events: Sequence[Mapping[str, Any]], message_id: object,
                   agent: Agent) -> View:
        """{item_id}: the agent's flag of a customer message of the conversation (its tracker
        `events`) as misunderstood."""
        if not isinstance(message_id, str):
            raise ConsoleError(wording.FLAG_NOT_FOUND)
        try:
            item_id = await asyncio.to_thread(inbox.flag, self.store, conversation_id, events, message_id,
                                              agent.display_name, self.settings, self.clock())
        except LookupError:
            raise NotFound(wording.FLAG_NOT_FOUND) from None
        return {"item_id": item_id}

    def _item(self, item: InboxItem) -> View:
        return {"id": item.id, "text": item.text, "intent": item.intent, "guess": item.guess,
                "confidence": item.confidence, "reasons": list(item.reasons),
                "reason_labels": [wording.INBOX_REASONS.get(r, r) for r in item.reasons],
                "context": list(item.context), "flagged_by": item.flagged_by,
                "said_at": iso(item.said_at), "said_at_text": self.format_time(item.said_at)}
