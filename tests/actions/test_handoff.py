"""The handoff action: the complaint is stored with what is known, queued for an agent with its
reason and priority, the customer hears who takes over and when, and the assistant pauses."""
from datetime import datetime, timedelta, timezone
from typing import Iterator

import pytest

from actions.handoff import ActionHandOff
from actions.runtime import Services
from actions.session import ActionSessionStart
from bot.handoff import NO_AGENT_JOB
from bot.app.complaints import CollectedComplaint, record_complaint
from bot.script import Script, detect_script
from tests.auxil.conversation import make_tracker, responses, run_action, slots_set

THREAT = {"reason": "threat", "priority": "P1", "explanation": "客户提到监管部门（12315）：“再不处理我就打12315”"}
IN_HOURS = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)     # Friday 10:00 in Shanghai
AFTER_HOURS = datetime(2026, 11, 27, 15, 0, tzinfo=timezone.utc)  # Friday 23:00 in Shanghai


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[list]:
    """Services.now() returns clock[0]."""
    moment = [IN_HOURS]
    monkeypatch.setattr(Services, "now", lambda self: moment[0])
    yield moment


def _events_named(events, name):
    return [e for e in events if e.get("event") == name]


async def test_a_threat_mid_form_is_stored_queued_p1_and_the_assistant_pauses(fresh_services, clock):
    tracker = make_tracker(
        [("买的电饭煲用了两天就坏了", "complain_quality", {}), ("再不处理我就打12315", "threaten", {})],
        slots={"complaint_category": "quality", "complaint_details": "买的电饭煲用了两天就坏了",
               "order_number": "DD20261120001", "handoff_decisions": [THREAT]},
        active_loop="complaint_form", sender_id="bob")
    events, replies = await run_action(ActionHandOff(), tracker)

    slots = slots_set(events)
    assert slots["handoff_reason"] == "threat" and slots["requested_slot"] is None
    assert [e["name"] for e in _events_named(events, "active_loop")] == [None]
    assert events[-1]["event"] == "pause"

    complaint = fresh_services.store.get(slots["complaint_id"])
    assert complaint.description == "买的电饭煲用了两天就坏了"
    assert complaint.order_number == "DD20261120001" and complaint.escalation_reasons == ("threat",)
    [case] = fresh_services.queue.queue()
    assert (case.complaint.public_id, case.priority, case.reason) == (complaint.public_id, "P1", "threat")
    assert "12315" in case.explanation
    assert case.claim_due == IN_HOURS + timedelta(minutes=10)
    job = fresh_services.jobs.get_by_key(f"{NO_AGENT_JOB}:{case.id}")
    assert job.due_at == case.claim_due and job.status == "pending"

    assert responses(replies) == ["utter_handoff_threat", "utter_handoff_wait"]
    wait = replies[1]["text"]
    assert complaint.public_id in wait and "10分钟" in wait  # the P1 claim deadline


async def test_the_action_carries_out_the_policys_decisions_and_decides_nothing_itself(fresh_services, clock):
    svc = fresh_services
    record_complaint(svc.store, svc.policies, CollectedComplaint(
        channel="rest", sender_id="carol", category="delivery", description="快递一直没到",
        order_reference="DD20261101002"), IN_HOURS - timedelta(days=3), svc.tz)
    said = [("订单号DD20261101002，我要转人工", "request_human", {"order_number": "DD20261101002"})]
    slots = {"order_number": "DD20261101002", "complaint_category": "delivery"}
    with pytest.raises(ValueError):  # only the escalation policy predicts the handoff, with decisions
        await run_action(ActionHandOff(), make_tracker(said, slots=slots, sender_id="carol"))
    assert svc.queue.queue() == [] and len(svc.store.for_customer("rest", "carol")) == 1

    human = {"reason": "human_request", "priority": "P3", "explanation": "客户要求转人工"}
    events, replies = await run_action(ActionHandOff(), make_tracker(
        said, slots={**slots, "handoff_decisions": [human]}, sender_id="carol"))
    [case] = svc.queue.queue()  # the earlier complaint on the order is the policy's to judge
    assert [d["reason"] for d in case.decisions] == ["human_request"]
    assert slots_set(events)["handoff_reason"] == "human_request"
    assert replies[0]["utter_action"] == "utter_handoff_human_request"


async def test_after_hours_the_customer_is_told_when_someone_will_call(fresh_services, clock):
    clock[0] = AFTER_HOURS
    tracker = make_tracker([("我要轉人工", "request_human", {})],
                           slots={"handoff_decisions": [{"reason": "human_request", "priority": "P3",
                                                         "explanation": "客户要求转人工"}]})
    events, replies = await run_action(ActionHandOff(), tracker)
    # Nothing was told: no complaint is invented, and none is named to the customer.
    assert "complaint_id" not in slots_set(events)
    assert fresh_services.store.for_customer("rest", tracker.sender_id) == []
    assert responses(replies) == ["utter_handoff_human_request_first", "utter_handoff_after_hours_no_complaint"]
    acknowledgement, later = (r["text"] for r in replies)
    assert detect_script(acknowledgement) == Script.TRADITIONAL  # in the customer's script
    # The claim deadline of a P3 case: the morning opening plus its hour, as the console shows it.
    case = fresh_services.queue.open_case_for("rest", tracker.sender_id)
    assert case.complaint is None and case.conversation_id == tracker.sender_id
    assert case.claim_due.astimezone(fresh_services.tz).strftime("%H:%M") == "10:00"
    assert "11月28日" in later and "10:00" in later and "编号" not in later


async def test_a_request_for_a_person_the_category_classifier_labelled_records_no_complaint(fresh_services, clock):
    # The classifier gives every message a category ("客服" reads as service); no problem was told.
    tracker = make_tracker([("我要找人工客服", "request_human", {"complaint_category": "service_attitude"})],
                           slots={"handoff_decisions": [{"reason": "human_request", "priority": "P3",
                                                         "explanation": "客户要求转人工"}]}, sender_id="erin")
    events, replies = await run_action(ActionHandOff(), tracker)
    assert fresh_services.store.for_customer("rest", "erin") == [] and "complaint_id" not in slots_set(events)
    assert responses(replies) == ["utter_handoff_human_request_first", "utter_handoff_wait_no_complaint"]
    assert fresh_services.queue.open_case_for("rest", "erin").complaint is None
    # A request for a person that tells the problem too records it.
    told = make_tracker([("你们的快递员把我的包裹摔坏了，我要找你们经理", "request_human", {})],
                        slots={"handoff_decisions": tracker.get_slot("handoff_decisions")}, sender_id="finn")
    events, replies = await run_action(ActionHandOff(), told)
    [complaint] = fresh_services.store.for_customer("rest", "finn")
    assert "摔坏" in complaint.description and slots_set(events)["complaint_id"] == complaint.public_id


async def test_in_hours_a_deadline_after_closing_is_worded_as_a_time_not_as_after_hours(fresh_services, clock):
    clock[0] = datetime(2026, 11, 27, 12, 50, tzinfo=timezone.utc)  # Friday 20:50, closing at 21:00
    human = {"reason": "human_request", "priority": "P3", "explanation": "客户要求转人工"}
    tracker = make_tracker([("我的快递一直没到，我要转人工", "request_human", {})],
                           slots={"handoff_decisions": [human]}, sender_id="dora")
    events, replies = await run_action(ActionHandOff(), tracker)
    assert responses(replies)[-1] == "utter_handoff_by_time"
    promise = replies[-1]["text"]
    # The P3 hour: ten minutes tonight, fifty tomorrow morning, the time the console counts down to.
    case = fresh_services.queue.open_case_for("rest", "dora")
    assert case.claim_due.astimezone(fresh_services.tz) == datetime(2026, 11, 28, 9, 50, tzinfo=fresh_services.tz)
    assert "11月28日" in promise and "09:50" in promise
    assert "下班" not in promise and "分钟" not in promise, "agents are still working: neither after hours nor minutes"


async def test_the_session_start_loads_the_customers_earlier_complaints(fresh_services):
    svc = fresh_services
    earlier = record_complaint(svc.store, svc.policies, CollectedComplaint(
        channel="rest", sender_id="dave", category="quality", description="屏幕坏了",
        order_reference="DD20261101003"), IN_HOURS, svc.tz).complaint
    tracker = make_tracker([("你好", "greet", {})], slots={"contact_phone": "13812345678"},
                           sender_id="dave")
    events, replies = await run_action(ActionSessionStart(), tracker)
    assert replies == []
    assert events[0]["event"] == "session_started" and events[-1]["name"] == "action_listen"
    slots = slots_set(events)
    assert slots["contact_phone"] == "13812345678"  # carried over
    assert [p["public_id"] for p in slots["prior_complaints"]] == [earlier.public_id]
