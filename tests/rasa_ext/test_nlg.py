"""Replies rendered from domain.yml in the customer's script, slot values filled in."""
from __future__ import annotations

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from structlog.testing import capture_logs

from rasa_ext.nlg import ScriptAwareNLG

DOMAIN = Domain.from_yaml("""
version: "3.1"
slots:
  complaint_id: {type: text, mappings: [{type: custom}]}
responses:
  utter_recorded:
  - text: "已经为您登记好了，投诉编号是 {complaint_id}。"
  utter_sorry:
  - text: "真的很抱歉，让您着急了。"
  utter_remedy:
  - text: "您希望怎么处理？"
    buttons:
    - {title: "退货退款", payload: "/refund"}
""")


def _tracker(message: str) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(
        "customer", [UserUttered(message), SlotSet("complaint_id", "TS-20261128-0001")], DOMAIN.slots)


async def test_slot_values_are_filled_in_and_plain_replies_kept_in_the_customers_script() -> None:
    nlg = ScriptAwareNLG(domain=DOMAIN)
    simplified, traditional = _tracker("我买的耳机坏了"), _tracker("我買的耳機壞了")
    assert (await nlg.generate("utter_recorded", simplified, "rest"))["text"] == \
        "已经为您登记好了，投诉编号是 TS-20261128-0001。"
    assert (await nlg.generate("utter_recorded", traditional, "rest"))["text"] == \
        "已經為您登記好了，投訴編號是 TS-20261128-0001。"
    assert (await nlg.generate("utter_sorry", simplified, "rest"))["text"] == "真的很抱歉，让您着急了。"
    assert (await nlg.generate("utter_sorry", traditional, "rest"))["text"] == "真的很抱歉，讓您著急了。"
    remedy = await nlg.generate("utter_remedy", traditional, "rest")
    assert remedy["text"] == "您希望怎麼處理？"
    assert remedy["buttons"] == [{"title": "退貨退款", "payload": "/refund"}]


async def test_button_payloads_are_kept_as_written_and_log_no_error() -> None:
    """A payload's JSON entities are no slot placeholders: Rasa took each brace for a missing slot
    and logged an ERROR (six each time the remedy buttons were shown)."""
    domain = Domain.from_yaml("""
version: "3.1"
slots:
  complaint_id: {type: text, mappings: [{type: custom}]}
responses:
  utter_ask_remedy:
  - text: "{complaint_id} 您希望怎么处理？"
    buttons:
    - {title: "退款 {complaint_id}", payload: '/request_remedy{"remedy": "refund"}'}
    - {title: "换货", payload: '/request_remedy{"remedy": "exchange"}'}
""")
    tracker = DialogueStateTracker.from_events(
        "customer", [UserUttered("耳机坏了"), SlotSet("complaint_id", "TS-20261128-0001")], domain.slots)
    with capture_logs() as logged:  # Rasa logs through structlog
        remedy = await ScriptAwareNLG(domain=domain).generate("utter_ask_remedy", tracker, "rest")
    assert remedy["text"] == "TS-20261128-0001 您希望怎么处理？"
    assert remedy["buttons"] == [
        {"title": "退款 TS-20261128-0001", "payload": '/request_remedy{"remedy": "refund"}'},
        {"title": "换货", "payload": '/request_remedy{"remedy": "exchange"}'}]
    assert not [entry for entry in logged if entry["log_level"] == "error"], logged
