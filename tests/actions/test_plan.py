"""A declined plan: the alternatives the policy allows as buttons, a chosen one stated with its
date, and then a person (actions/plan.py)."""
from actions.plan import ActionChooseAlternative, ActionDeclinePlan, ActionPlanToPerson
from actions.submission import ActionSubmitComplaint
from tests.auxil.conversation import make_tracker, responses, run_action, slots_set

COLLECTED = {
    "complaint_details": "新买的台灯灯罩是裂的",
    "complaint_category": "quality",
    "incident_time": "昨天",
    "order_number": "DD20261119008",
    "desired_remedy": "refund",
    "contact_phone": "13712345678",
}


async def _recorded() -> str:
    events, _ = await run_action(ActionSubmitComplaint(), make_tracker([("对", "affirm", {})], slots=COLLECTED))
    return slots_set(events)["complaint_id"]


async def test_declining_offers_the_alternatives_as_buttons(fresh_services):
    complaint_id = await _recorded()
    tracker = make_tracker([("不行，这样不可以", "deny", {})], slots={"complaint_id": complaint_id})
    events, [reply] = await run_action(ActionDeclinePlan(), tracker)
    assert reply["utter_action"] == "utter_plan_alternatives"
    assert reply["buttons"] == [{"title": "换货", "payload": '/request_remedy{"remedy": "exchange"}'}]
    assert slots_set(events)["plan_alternatives"] == {"complaint_id": complaint_id, "offered": ["exchange"]}
    assert fresh_services.store.get(complaint_id).customer_accepted is False


async def test_a_chosen_alternative_is_stated_with_its_date_and_asked_again(fresh_services):
    complaint_id = await _recorded()
    slots = {"complaint_id": complaint_id, "plan_alternatives": {"complaint_id": complaint_id,
                                                                 "offered": ["exchange"]}}
    tracker = make_tracker([("那换货吧", "request_remedy", {"remedy": "exchange"})], slots=slots)
    _, rendered = await run_action(ActionChooseAlternative(), tracker)
    assert responses(rendered) == ["utter_plan_exchange", "utter_ask_plan_ok"]
    assert fresh_services.store.get(complaint_id).desired_remedy == "exchange"


async def test_declining_again_goes_to_a_person(fresh_services):
    complaint_id = await _recorded()
    slots = {"complaint_id": complaint_id, "plan_alternatives": {"complaint_id": complaint_id,
                                                                 "offered": ["exchange"]}}
    events, rendered = await run_action(ActionDeclinePlan(), make_tracker([("都不要", "deny", {})], slots=slots))
    assert rendered == [] and {"event": "followup", "name": "action_plan_to_person"} in [
        {k: e.get(k) for k in ("event", "name")} for e in events]

    tracker = make_tracker([("都不要", "deny", {})], slots=slots)
    events, [reply] = await run_action(ActionPlanToPerson(), tracker)
    assert reply["utter_action"] == "utter_plan_to_person" and complaint_id in reply["text"]
    [case] = fresh_services.queue.queue()
    assert case.reason == "plan_declined" and case.complaint.public_id == complaint_id
    assert "都不要" in case.explanation


async def test_alternatives_offered_for_an_earlier_complaint_do_not_count(fresh_services):
    complaint_id = await _recorded()
    slots = {"complaint_id": complaint_id, "plan_alternatives": {"complaint_id": "TS-20260101-0001",
                                                                 "offered": ["exchange"]}}
    _, [reply] = await run_action(ActionDeclinePlan(), make_tracker([("不行", "deny", {})], slots=slots))
    assert reply["utter_action"] == "utter_plan_alternatives"
