"""Replies that fit what the customer said, with the real Rasa server and action server over
REST (issue 15): a declined plan gets the alternatives the policy allows and then a person,
"没有了" after "还有什么我能帮您的吗？" closes warmly, empathy fits what happened, and a safety
report is answered differently when someone is already hurt."""
from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any, Dict, Optional, Set
from zoneinfo import ZoneInfo

import yaml

from bot.handoff import load_handoff_settings
from bot.storage import ComplaintStore, HandoffQueue
from tests.auxil.stack import Stack

DOMAIN = yaml.safe_load((Path(__file__).resolve().parents[2] / "domain.yml").read_text(encoding="utf-8"))
ALL_AT_ONCE = "你好，我3月2号买的台灯，订单号DD20261119008，到手灯罩就是裂的，想退款，电话13712345678"


def _sender() -> str:
    return f"customer-{uuid.uuid4().hex[:8]}"


def _recorded(stack: Stack, sender: str) -> str:
    """Tell a complaint all at once and confirm the read-back; the complaint's ID."""
    stack.say(sender, ALL_AT_ONCE)
    assert stack.responses(sender)[-1] == "utter_read_back"
    assert stack.responses_to(sender, "对的")[-1] == "utter_ask_plan_ok"
    return stack.tracker(sender)["slots"]["complaint_id"]


def test_a_declined_plan_offers_the_alternatives_and_the_chosen_one_is_kept(stack: Stack):
    sender = _sender()
    complaint_id = _recorded(stack, sender)

    replies = stack.say(sender, "不行，这样不可以")
    assert stack.responses(sender) == ["utter_plan_alternatives"], "not the form again"
    assert [b["payload"] for b in replies[-1]["buttons"]] == ['/request_remedy{"remedy": "exchange"}']

    assert stack.responses_to(sender, "那换货吧") == ["utter_plan_exchange", "utter_ask_plan_ok"]
    assert stack.responses_to(sender, "可以") == ["utter_plan_accepted"]
    stored = ComplaintStore(stack.database_url).get(complaint_id)
    assert (stored.desired_remedy, stored.customer_accepted) == ("exchange", True)

    assert stack.responses_to(sender, "没有了") == ["utter_nothing_else"]
    tracker = stack.tracker(sender)
    assert not (tracker.get("active_loop") or {}).get("name"), "no complaint form opened"


def test_declining_the_alternatives_too_goes_to_a_person(stack: Stack):
    sender = _sender()
    complaint_id = _recorded(stack, sender)
    assert stack.responses_to(sender, "不满意") == ["utter_plan_alternatives"]
    assert stack.responses_to(sender, "都不要，还是不行") == ["utter_plan_to_person"]

    queue = HandoffQueue(ComplaintStore(stack.database_url), load_handoff_settings(ZoneInfo("Asia/Shanghai")))
    case = queue.open_case_for("rest", Stack.conversation(sender))
    assert (case.reason, case.complaint.public_id) == ("plan_declined", complaint_id)
    assert stack.tracker(sender)["paused"] is False, "the customer is told when, not left waiting"

    assert stack.responses_to(sender, "不用了") == ["utter_nothing_else"]


def test_nothing_else_after_you_are_welcome_closes_warmly(stack: Stack):
    sender = _sender()
    stack.say(sender, "退款一般多久到账")
    assert stack.responses_to(sender, "谢谢") == ["utter_you_are_welcome"]
    assert stack.responses_to(sender, "没有了") == ["utter_nothing_else"]


def test_empathy_fits_what_happened_not_only_the_category(stack: Stack):
    spilled, rude = _sender(), _sender()
    stack.say(spilled, "外卖送到的时候汤全洒了，袋子里全是汤")
    assert stack.responses(spilled)[0].startswith("utter_empathy_spilled_food")
    stack.say(rude, "你们门店的店员态度特别差，还冲我翻白眼")
    assert stack.responses(rude)[0].startswith("utter_empathy_rude_staff")


def _variants(response: str, category: Optional[str]) -> Set[str]:
    """The texts of `response` worded for `category`, or its general texts (None)."""
    def worded_for(variant: Dict[str, Any]) -> Optional[str]:
        return next((c["value"] for c in variant.get("condition") or () if c["name"] == "complaint_category"), None)
    return {v["text"] for v in DOMAIN["responses"][response] if worded_for(v) == category}


def test_the_first_reply_names_the_kind_of_trouble_only_when_the_category_layer_agrees(stack: Stack):
    """A late cake is a delivery, and the reply says so; packaging, the goods and the return's
    postage all in one message read as a delivery complaint by the intent alone get the general
    wording: naming the wrong kind of trouble shows nobody read it. The category is kept either
    way (the read-back lets the customer correct it)."""
    late, mixed = _sender(), _sender()
    replies = stack.say(late, "订的蛋糕约的下午三点送，五点半才送来，生日会都开始了")
    response = stack.responses(late)[0]
    assert response in ("utter_empathy_calm", "utter_empathy_upset")
    assert replies[0]["text"] in _variants(response, "delivery")
    slots = stack.tracker(late)["slots"]
    assert (slots["complaint_category"], slots["category_certainty"]) == ("delivery", "sure")

    replies = stack.say(mixed, "包装很简陋，东西也一般，退的时候还要我自己出运费")
    response = stack.responses(mixed)[0]
    assert response in ("utter_empathy_calm", "utter_empathy_upset")
    assert replies[0]["text"] in _variants(response, None)
    slots = stack.tracker(mixed)["slots"]
    assert (slots["complaint_category"], slots["category_certainty"]) == ("delivery", "unsure")


def test_a_safety_reply_fits_whether_someone_is_already_hurt(stack: Stack):
    hurt, risk, place = _sender(), _sender(), _sender()
    stack.say(hurt, "吃了你们家的外卖，我们一家三口都食物中毒了，现在都在医院输液")
    assert stack.responses(hurt)[0] == "utter_handoff_safety_hurt"
    stack.say(risk, "新买的电暖器一插电就冒烟了，吓得我赶紧拔了插头")
    assert stack.responses(risk)[0] == "utter_handoff_safety"
    stack.say(place, "你们营业厅门口的井盖没了，晚上黑乎乎的很危险")  # keep away, not "stop using it"
    assert stack.responses(place)[0] == "utter_handoff_safety_place"


def test_words_about_the_plan_decline_it_rather_than_open_another_complaint(stack: Stack):
    for words in ("时间太长了，等不了", "太慢了吧"):
        sender = _sender()
        _recorded(stack, sender)
        assert stack.responses_to(sender, words) == ["utter_plan_alternatives"], words
