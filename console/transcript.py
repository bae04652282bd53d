"""The conversation as an agent reads it: the customer's and the assistant's messages from the
Rasa tracker, with the agents' own replies (bot events whose metadata names an `agent`) apart.
A button the customer pressed shows as its title (可以), not its payload (/affirm). A customer's
message carries its id (`bot.inbox.message_id`), by which an agent flags it as misunderstood."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, List, Mapping
from zoneinfo import ZoneInfo

from bot.inbox import message_id

Entry = Dict[str, Any]


def _pressed(text: str, offered: Mapping[str, str]) -> str:
    """What the customer pressed: the title of the button offered just before whose payload
    `text` is, else `text` as sent."""
    return offered.get(text.strip(), text) if text.startswith("/") else text


def transcript(tracker: Mapping[str, Any], tz: ZoneInfo) -> Dict[str, Any]:
    """{paused, entries}: whether the assistant is paused, and the messages oldest first, each
    {who: customer | bot | agent, text, buttons, agent_name, at (ISO), time (HH:MM:SS local),
    id (a message the customer typed, else None)}."""
    entries: List[Entry] = []
    offered: Dict[str, str] = {}  # payload -> title, of the latest bot message with buttons
    for event in tracker.get("events") or ():
        kind = event.get("event")
        if kind not in ("user", "bot"):
            continue
        text = event.get("text") or ""
        raw_buttons = (event.get("data") or {}).get("buttons") or ()
        buttons = [str(b.get("title") or "") for b in raw_buttons]
        if kind == "bot" and raw_buttons:
            offered = {str(b.get("payload") or "").strip(): str(b.get("title") or "")
                       for b in raw_buttons if b.get("payload") and b.get("title")}
        else:
            text = _pressed(text, offered)
        if not text and not buttons:
            continue
        agent = (event.get("metadata") or {}).get("agent") if kind == "bot" else None
        moment = datetime.fromtimestamp(float(event.get("timestamp") or 0), timezone.utc)
        entries.append({
            "who": "customer" if kind == "user" else ("agent" if agent else "bot"),
            "text": text,
            "buttons": buttons,
            "agent_name": agent,
            "at": moment.isoformat(),
            "time": moment.astimezone(tz).strftime("%H:%M:%S"),
            "id": message_id(event) if kind == "user" and not (event.get("text") or "").startswith("/") else None,
        })
    return {"paused": bool(tracker.get("paused")), "entries": entries}
