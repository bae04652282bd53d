"""Empathy first, scaled to anger."""
from actions.empathy import ActionEmpathize
from bot.script import detect_script, to_traditional
from tests.auxil.conversation import domain, make_tracker, run_action, slots_set


def _variant_for(response: str, category: str) -> str:
    """The text of `response` for complaints of `category` (its variant with that condition)."""
    condition = {"type": "slot", "name": "complaint_category", "value": category}
    [text] = [v["text"] for v in domain().responses[response] if condition in (v.get("condition") or ())]
    return text


async def test_a_calm_complaint_gets_calm_empathy_in_the_terms_of_what_happened():
    tracker = make_tracker([("快递一周了还没到", "complain_delivery", {})],
                           slots={"complaint_category": "delivery"})
    events, [reply] = await run_action(ActionEmpathize(), tracker)
    assert reply["utter_action"] == "utter_empathy_late_delivery"
    assert slots_set(events) == {"anger_level": "calm"}


async def test_spilled_soup_is_not_answered_as_a_late_parcel():
    """A delivery complaint about what arrived, not about waiting (issue 15)."""
    tracker = make_tracker([("外卖送到了，汤洒了一袋子", "complain_delivery", {})],
                           slots={"complaint_category": "delivery"})
    _, [reply] = await run_action(ActionEmpathize(), tracker)
    assert reply["utter_action"] == "utter_empathy_spilled_food"
    assert "等不到" not in reply["text"]


async def test_a_field_put_right_at_the_read_back_gets_no_second_apology():
    tracker = make_tracker([("不对，订单号是DD20261120099", "complain_quality", {})],
                           slots={"complaint_details": "台灯不亮", "complaint_category": "quality"})
    assert await run_action(ActionEmpathize(), tracker) == ([], [])
    tracker = make_tracker([("不对，订单号是DD20261120099", "complain_quality", {})])
    assert (await run_action(ActionEmpathize(), tracker))[1], "a first message that says 不对 is a complaint"


async def test_a_whole_complaint_taken_for_details_gets_empathy_and_details_alone_none():
    told = make_tracker([("上周六买的电饭煲，订单号DD20261128456，煮饭锅底糊得厉害，想换一个", "give_details", {})])
    _, replies = await run_action(ActionEmpathize(), told)
    assert [r["utter_action"][:14] for r in replies] == ["utter_empathy_"]
    named = make_tracker([("我买的台灯不亮", "give_details", {})])  # short, but it names a defect
    assert [r["utter_action"] for r in (await run_action(ActionEmpathize(), named))[1]] == ["utter_empathy_defect"]
    details = make_tracker([("订单号DD20261128456", "give_details", {})])
    assert await run_action(ActionEmpathize(), details) == ([], [])


async def test_words_that_fit_no_situation_get_the_categorys_wording():
    tracker = make_tracker([("我要投诉你们的配送", "complain_delivery", {})],
                           slots={"complaint_category": "delivery"})
    _, [reply] = await run_action(ActionEmpathize(), tracker)
    assert reply["utter_action"] == "utter_empathy_calm"
    assert reply["text"] == _variant_for("utter_empathy_calm", "delivery")


async def test_a_kind_the_category_layer_doubts_gets_the_general_wording():
    tracker = make_tracker([("我要投诉你们的配送", "complain_delivery", {})],
                           slots={"complaint_category": "delivery", "category_certainty": "unsure"})
    _, [reply] = await run_action(ActionEmpathize(), tracker)
    assert reply["utter_action"] == "utter_empathy_calm"
    assert reply["text"] in {v["text"] for v in domain().responses["utter_empathy_calm"] if not v.get("condition")}


async def test_an_angry_customer_gets_the_strongest_apology_in_traditional():
    tracker = make_tracker([("你們這些騙子！！！氣死我了", "vent", {})])
    events, [reply] = await run_action(ActionEmpathize(), tracker)
    assert reply["utter_action"] == "utter_empathy_angry"
    assert "气" not in reply["text"]  # written in Traditional, like the customer
    assert slots_set(events) == {"anger_level": "angry"}


async def test_the_highest_anger_seen_is_kept():
    tracker = make_tracker([("好吧", "vent", {})], slots_before_last={"anger_level": "angry"})
    events, _ = await run_action(ActionEmpathize(), tracker)
    assert slots_set(events)["anger_level"] == "angry"


async def test_a_long_conversations_dropped_traditional_messages_still_decide_the_script():
    """In a compacted long session the customer's Traditional messages may no longer be in view:
    the slot the tracker store sets keeps the apology in Traditional."""
    message = [("好吧好吧！！", "vent", {})]
    assert detect_script(message[0][0]) is None
    _, [simplified] = await run_action(ActionEmpathize(), make_tracker(message))
    _, [traditional] = await run_action(
        ActionEmpathize(), make_tracker(message, slots={"customer_script": "traditional"}))
    assert traditional["text"] == to_traditional(simplified["text"]) != simplified["text"]


async def test_the_category_heard_in_the_opening_message_is_kept_and_never_overwritten():
    """A general complaint whose category the NLU heard is not asked for it again; a category
    the form already has stays."""
    opening = make_tracker([("充电器用了两天就坏了，你们这什么东西", "complain_general",
                             {"complaint_category": "quality"})])
    events, _ = await run_action(ActionEmpathize(), opening)
    assert slots_set(events)["complaint_category"] == "quality"

    known = make_tracker([("太气人了", "vent", {"complaint_category": "service_attitude"})],
                         slots_before_last={"complaint_category": "delivery"})
    events, _ = await run_action(ActionEmpathize(), known)
    assert "complaint_category" not in slots_set(events)
