"""The conversation as an agent reads it: the customer's and the assistant's messages from the
Rasa tracker, with the agents' own replies (bot events whose metadata names an `agent`) apart."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, List, Mapping
from zoneinfo import ZoneInfo

Entry = Dict[str, Any]


def transcript(tracker: Mapping[str, Any], tz: ZoneInfo) -> Dict[str, Any]:
    """{paused, entries}: whether the assistant is paused, and the messages oldest first, each
    {who: customer | bot | agent, text, buttons, agent_name, at (ISO), time (HH:MM:SS local)}."""
    entries: List[Entry] = []
    for event in tracker.get("events") or ():
        kind = event.get("event")
        if kind not in ("user", "bot"):
            continue
        text = event.get("text") or ""
        buttons = [str(b.get("title") or "") for b in (event.get("data") or {}).get("buttons") or ()]
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
        })
    return {"paused": bool(tracker.get("paused")), "entries": entries}
