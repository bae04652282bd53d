"""Which messages of a conversation are misunderstood (`bot.inbox.findings`), on Rasa's JSON events."""
from __future__ import annotations

from typing import Any, Dict

from bot.inbox import findings, load_inbox_settings

SETTINGS = load_inbox_settings()


def _user(text: str, intent: str, confidence: float, at: float) -> Dict[str, Any]:
    return {"event": "user", "text": text, "timestamp": at,
            "parse_data": {"intent": {"name": intent, "confidence": confidence}, "intent_ranking": []}}


def _action(name: str) -> Dict[str, Any]:
    return {"event": "action", "name": name, "timestamp": 0}


def test_a_fallback_after_a_button_press_is_not_put_on_the_typed_message_before_it():
    events = [_user("耳机坏了", "complain_quality", 0.95, 1), _action("utter_ask_remedy"),
              {"event": "bot", "text": "您希望怎么处理？", "timestamp": 2}, _user("/affirm", "affirm", 1.0, 3),
              _action("utter_fallback")]
    assert findings(events, SETTINGS) == []


def test_a_correction_marks_the_message_before_it_and_is_judged_itself():
    events = [_user("我想问下保修", "ask_policy_warranty", 0.93, 1), _action("utter_warranty"),
              _user("不是这个意思，我是说退货", "deny", 0.41, 2)]
    found = {f.text: f.reasons for f in findings(events, SETTINGS)}
    assert found == {"我想问下保修": ("corrected",), "不是这个意思，我是说退货": ("low_confidence",)}


def test_button_presses_and_system_intents_are_never_items():
    events = [_user("/deny", "nlu_fallback", 0.2, 1), _user("EXTERNAL_follow_up", "EXTERNAL_follow_up", 0.1, 2)]
    assert findings(events, SETTINGS) == []
