"""Empathy first, scaled to anger; serious signals and misunderstandings are recorded."""
from actions.empathy import ActionEmpathize
from actions.escalation import ActionFallback, ActionNoteEscalation
from tests.auxil.conversation import make_tracker, run_action, slots_set


async def test_a_calm_complaint_gets_calm_empathy_in_the_customers_terms():
    tracker = make_tracker([("快递一周了还没到", "complain_delivery", {})],
                           slots={"complaint_category": "delivery"})
    events, [reply] = await run_action(ActionEmpathize(), tracker)
    assert "等不到" in reply["text"] and "抱歉" in reply["text"]
    assert slots_set(events) == {"anger_level": "calm"}


async def test_an_angry_customer_gets_the_strongest_apology_in_traditional():
    tracker = make_tracker([("你們這些騙子！！！氣死我了", "vent", {})])
    events, [reply] = await run_action(ActionEmpathize(), tracker)
    assert "消消氣" in reply["text"] or "非常抱歉" in reply["text"]
    assert "气" not in reply["text"]  # written in Traditional, like the customer
    assert slots_set(events) == {"anger_level": "angry"}


async def test_the_highest_anger_seen_is_kept():
    tracker = make_tracker([("好吧", "vent", {})], slots_before_last={"anger_level": "angry"})
    events, _ = await run_action(ActionEmpathize(), tracker)
    assert slots_set(events)["anger_level"] == "angry"


async def test_a_safety_report_is_noted_and_its_facts_kept():
    tracker = make_tracker(
        [("充电器昨天冒烟了还烫伤了孩子的手", "report_safety", {"date": "昨天"})],
        slots_before_last={"complaint_details": "买的充电器有问题"})
    events, [reply] = await run_action(ActionNoteEscalation(), tracker)
    slots = slots_set(events)
    assert slots["escalation_reasons"] == ["safety"]
    assert slots["complaint_details"] == "买的充电器有问题；充电器昨天冒烟了还烫伤了孩子的手"
    assert slots["complaint_category"] == "quality"
    assert slots["incident_time"] == "昨天"
    assert "安全" in reply["text"] and "就医" in reply["text"]


async def test_a_threat_adds_its_reason_once():
    tracker = make_tracker([("再不处理我就打12315", "threaten", {})],
                           slots={"escalation_reasons": ["threat"]})
    events, [reply] = await run_action(ActionNoteEscalation(), tracker)
    assert slots_set(events) == {"escalation_reasons": ["threat"]}
    assert "优先" in reply["text"]


async def test_misunderstandings_are_kind_and_the_third_in_a_row_is_recorded():
    two = make_tracker([("asdf", "nlu_fallback", {}), ("qwer", "nlu_fallback", {})])
    events, [reply] = await run_action(ActionFallback(), two)
    assert events == [] and "没太明白" in reply["text"] or "没理解" in reply["text"]

    three = make_tracker([("asdf", "nlu_fallback", {})] * 3)
    events, [reply] = await run_action(ActionFallback(), three)
    assert slots_set(events) == {"escalation_reasons": ["fallback"]}
    assert "同事" in reply["text"]

    understood_between = make_tracker([("asdf", "nlu_fallback", {}), ("你好", "greet", {}),
                                       ("qwer", "nlu_fallback", {}), ("zxcv", "nlu_fallback", {})])
    events, _ = await run_action(ActionFallback(), understood_between)
    assert events == []
