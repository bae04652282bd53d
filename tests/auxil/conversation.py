"""Real Rasa SDK trackers for action tests, and rendering of what actions dispatch."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.tone import find_forbidden
from rasa_ext.nlg import ScriptAwareNLG

ROOT = Path(__file__).resolve().parents[2]

#: One customer message: (text, intent, entities as {entity: value}).
Turn = Tuple[str, str, Dict[str, str]]


@lru_cache(maxsize=None)
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


def domain_dict() -> Dict[str, Any]:
    """The domain as the action server receives it."""
    return domain().as_dict()


def _user_event(text: str, intent: str, entities: Dict[str, str], channel: str) -> Dict[str, Any]:
    parse_data = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.99},
        "entities": [{"entity": name, "value": value} for name, value in entities.items()],
    }
    return {"event": "user", "text": text, "parse_data": parse_data, "input_channel": channel}


def make_tracker(turns: Sequence[Turn], slots: Optional[Dict[str, Any]] = None,
                 sender_id: str = "customer-1", channel: str = "rest",
                 slots_before_last: Optional[Dict[str, Any]] = None,
                 active_loop: Optional[str] = None) -> Tracker:
    """A tracker after `turns`; `slots_before_last` were set before the newest message,
    `slots` after it (as the server's slot extraction would)."""
    events: List[Dict[str, Any]] = [{"event": "action", "name": "action_listen"}]
    for name, value in (slots_before_last or {}).items():
        events.append({"event": "slot", "name": name, "value": value})
    for text, intent, entities in turns:
        events.append(_user_event(text, intent, entities, channel))
    all_slots = {**(slots_before_last or {}), **(slots or {})}
    for name, value in (slots or {}).items():
        events.append({"event": "slot", "name": name, "value": value})
    latest = events[-1 - len(slots or {})]["parse_data"] if turns else {}
    return Tracker(sender_id, all_slots, latest, events, False, None,
                   {"name": active_loop} if active_loop else {}, "action_listen")


def _server_tracker(tracker: Tracker) -> DialogueStateTracker:
    return DialogueStateTracker.from_dict(tracker.sender_id, tracker.events, domain().slots)


async def render(messages: Iterable[Dict[str, Any]], tracker: Tracker) -> List[Dict[str, Any]]:
    """Render dispatched messages as the Rasa server would (script-aware NLG, domain responses),
    each with its response name as `utter_action`."""
    nlg = ScriptAwareNLG(domain=domain())
    server_tracker = _server_tracker(tracker)
    out = []
    for message in messages:
        kwargs = {k: v for k, v in message.items() if k not in ("response", "text")}
        rendered = await nlg.generate(message["response"], server_tracker, "rest", **kwargs)
        assert rendered is not None, f"response {message['response']} is not in domain.yml"
        if message.get("buttons"):  # the action's own buttons come after the response's
            rendered = {**rendered, "buttons": [*(rendered.get("buttons") or ()), *message["buttons"]]}
        out.append({**rendered, "utter_action": message["response"]})
    return out


async def run_action(action: Action, tracker: Tracker) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    """Run `action`; return (events, rendered messages). Every rendered message is checked for
    unfilled placeholders and forbidden phrases, as a customer would read it."""
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, domain_dict())
    rendered = await render(dispatcher.messages, tracker)
    for message in rendered:
        text = message.get("text") or ""
        assert "{" not in text and "None" not in text, f"unfilled placeholder in: {text}"
        assert find_forbidden(text) == [], text
    return events, rendered


def responses(rendered: Iterable[Dict[str, Any]]) -> List[str]:
    """The response names of `rendered` messages (`run_action`'s second value), in order."""
    return [message["utter_action"] for message in rendered]


def slots_set(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
