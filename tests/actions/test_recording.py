"""Read-back, recording with an ID and a dated plan, the closed question, progress, policies."""
import re
from datetime import datetime, timedelta, timezone

import pytest

from rasa.shared.core.domain import Domain

from actions.complaint_form import ValidateComplaintForm
from actions.policy import ActionAnswerPolicy
from actions.progress import ActionCheckProgress
from actions.readback import ActionReadBack, ActionResetField
from actions.submission import ActionRecordAcceptance, ActionSubmitComplaint
from actions.runtime import services
from bot.escalation import Decision
from bot.labels import load_labels
from bot.reports import Count, build_report
from bot.responses import load_responses
from bot.script import Script, detect_script
from bot.storage import AgentAccounts
from console.views import Views
from tests.auxil.conversation import make_tracker, responses, run_action, slots_set
from tests.auxil.data_copy import (
    NEW_CATEGORY, NEW_LABEL, NEW_REMEDY, NEW_REMEDY_LABEL, NEW_REMEDY_PLAN, add_category, add_remedy, copy_config,
)

COLLECTED = {
    "complaint_details": "新买的跑鞋穿了两天就开胶了",
    "complaint_category": "quality",
    "incident_time": "上周三",
    "order_number": "DD20261101001",
    "desired_remedy": "refund",
    "contact_phone": "13812345678",
    "amount": "299元",
    "anger_level": "upset",
}
ID_PATTERN = re.compile(r"TS-\d{8}-\d{4}")


async def test_the_read_back_lists_every_field_in_plain_words():
    tracker = make_tracker([("没错", "give_details", {})], slots=COLLECTED)
    _, [reply] = await run_action(ActionReadBack(), tracker)
    for expected in ("新买的跑鞋穿了两天就开胶了", "商品质量问题", "上周三", "DD20261101001",
                     "退款", "13812345678"):
        assert expected in reply["text"]
    assert [b["payload"] for b in reply["buttons"]] == ["/affirm", "/deny"]


async def test_the_read_back_of_a_traditional_customer_is_traditional():
    tracker = make_tracker([("訂單號是DD20261101001", "give_details", {})],
                           slots={**COLLECTED, "contact_phone": "here", "desired_remedy": "other",
                                  "remedy_note": "給個說法"})
    _, [reply] = await run_action(ActionReadBack(), tracker)
    assert "核對" in reply["text"] and "這個對話裡聯繫您" in reply["text"]
    assert "給個說法" in reply["text"]
    assert reply["buttons"][1]["title"] == "有地方要改"


async def test_resetting_a_field_empties_only_that_field():
    tracker = make_tracker([("/correct", "correct", {"field": "incident_time"})], slots=COLLECTED)
    events, _ = await run_action(ActionResetField(), tracker)
    assert slots_set(events) == {"incident_time": None}
    tracker = make_tracker([("/correct", "correct", {"field": "complaint_id"})], slots=COLLECTED)
    assert (await run_action(ActionResetField(), tracker))[0] == []


async def test_submitting_records_the_complaint_and_states_a_dated_plan(fresh_services):
    tracker = make_tracker([("对", "affirm", {})], slots=COLLECTED, sender_id="alice")
    events, replies = await run_action(ActionSubmitComplaint(), tracker)
    complaint_id = slots_set(events)["complaint_id"]
    assert ID_PATTERN.fullmatch(complaint_id)

    stored = fresh_services.store.get(complaint_id)
    assert (stored.category, stored.order_number, stored.desired_remedy, stored.contact_phone) == (
        "quality", "DD20261101001", "refund", "13812345678")
    assert stored.description == COLLECTED["complaint_details"]
    assert stored.escalation_reasons == () and str(stored.amount) == "299.00"
    assert stored.incident_date is not None and stored.remedy_due is not None

    assert responses(replies) == ["utter_complaint_recorded", "utter_plan_refund", "utter_ask_plan_ok"]
    recorded, plan = (r["text"] for r in replies[:2])
    assert complaint_id in recorded
    due = stored.remedy_due
    assert f"{due.month}月{due.day}日" in plan and "7个工作日" in plan
    # The next complaint starts fresh, but the customer is not asked for the phone again.
    cleared = slots_set(events)
    assert cleared["complaint_details"] is None and cleared["anger_level"] is None
    assert "contact_phone" not in cleared
    # A repeat on the same order is recognised from now on.
    assert [p["public_id"] for p in cleared["prior_complaints"]] == [complaint_id]
    assert cleared["prior_complaints"][0]["order_number"] == "DD20261101001"


async def test_a_product_without_order_number_and_no_phone_is_recorded(fresh_services):
    slots = {**COLLECTED, "order_number": "万达店买的黑色跑鞋", "contact_phone": "here",
             "desired_remedy": "exchange"}
    tracker = make_tracker([("对", "affirm", {})], slots=slots)
    events, _ = await run_action(ActionSubmitComplaint(), tracker)
    stored = fresh_services.store.get(slots_set(events)["complaint_id"])
    assert (stored.order_number, stored.product, stored.contact_phone) == (
        None, "万达店买的黑色跑鞋", None)


async def _submitted(store_services, sender="bob", channel="rest"):
    tracker = make_tracker([("对", "affirm", {})], slots=COLLECTED, sender_id=sender, channel=channel)
    events, _ = await run_action(ActionSubmitComplaint(), tracker)
    return slots_set(events)["complaint_id"]


async def test_an_accepted_plan_is_stored_and_its_satisfaction_check_scheduled(fresh_services):
    complaint_id = await _submitted(fresh_services)
    assert fresh_services.surveys.get(complaint_id, "satisfaction") is None  # not closed yet
    tracker = make_tracker([("可以", "affirm", {})], slots={"complaint_id": complaint_id})
    _, [reply] = await run_action(ActionRecordAcceptance(), tracker)
    assert fresh_services.store.get(complaint_id).customer_accepted is True
    assert reply["utter_action"] == "utter_plan_accepted"
    survey = fresh_services.surveys.get(complaint_id, "satisfaction")
    assert survey.status == "scheduled" and fresh_services.surveys.get(complaint_id, "follow_up") is None


async def test_progress_by_id_by_latest_and_when_unknown(fresh_services):
    complaint_id = await _submitted(fresh_services, sender="carol")

    by_id = make_tracker([(f"查一下{complaint_id.lower()}", "ask_progress",
                           {"complaint_id": complaint_id.lower()})], sender_id="someone-else")
    _, [reply] = await run_action(ActionCheckProgress(), by_id)
    assert reply["utter_action"] == "utter_progress_open" and complaint_id in reply["text"]
    assert "13812345678" not in reply["text"]  # status only, no personal data

    latest = make_tracker([("我的投诉怎么样了", "ask_progress", {})], sender_id="carol")
    _, [reply] = await run_action(ActionCheckProgress(), latest)
    assert complaint_id in reply["text"]

    other_channel = make_tracker([("我的投诉怎么样了", "ask_progress", {})], sender_id="carol",
                                 channel="webchat")
    _, [reply] = await run_action(ActionCheckProgress(), other_channel)
    assert reply["utter_action"] == "utter_progress_none"

    unknown = make_tracker([("TS-20200101-0001", "ask_progress",
                             {"complaint_id": "TS-20200101-0001"})])
    _, [reply] = await run_action(ActionCheckProgress(), unknown)
    assert reply["utter_action"] == "utter_progress_not_found" and "TS-20200101-0001" in reply["text"]

    fresh_services.store.set_status(complaint_id, "resolved", fresh_services.now())
    _, [reply] = await run_action(ActionCheckProgress(), latest)
    assert reply["utter_action"] == "utter_progress_done"


async def test_policy_questions_are_answered_with_numbers_and_a_date():
    tracker = make_tracker([("退款多久到账", "ask_policy_refund_time", {})])
    _, [reply] = await run_action(ActionAnswerPolicy(), tracker)
    assert reply["utter_action"] == "utter_policy_refund_time"
    assert "7个工作日" in reply["text"] and re.search(r"\d+月\d+日（周.）", reply["text"])

    tracker = make_tracker([("幾天內可以退貨", "ask_policy_return_window", {})])
    _, [reply] = await run_action(ActionAnswerPolicy(), tracker)
    assert reply["utter_action"] == "utter_policy_return_window" and "7天" in reply["text"]
    assert detect_script(reply["text"]) == Script.TRADITIONAL


async def test_a_photo_sent_before_the_complaint_is_attached_to_it(fresh_services):
    from bot.storage import EvidenceStore

    evidence = EvidenceStore(fresh_services.store)
    evidence.attach("rest", "erin", "image", fresh_services.now(), media_id="photo-1")
    tracker = make_tracker([("对", "affirm", {})], slots=COLLECTED, sender_id="erin")
    events, _ = await run_action(ActionSubmitComplaint(), tracker)
    [photo] = evidence.for_complaint(slots_set(events)["complaint_id"])
    assert photo.media_id == "photo-1"


async def test_a_confirmed_complaint_with_an_unvalidated_answer_is_not_recorded_but_asked_again(fresh_services):
    """While the action server was down Rasa once wrote raw messages into the form's slots: an
    order number as the time. Such a complaint is not recorded; the form asks for that field."""
    tracker = make_tracker([("对", "affirm", {})], sender_id="bob",
                           slots={**COLLECTED, "incident_time": "订单号DD20261101001"})
    events, [reply] = await run_action(ActionSubmitComplaint(), tracker)
    assert slots_set(events) == {"incident_time": None}
    assert {"event": "followup", "name": "complaint_form"} in [
        {k: e.get(k) for k in ("event", "name")} for e in events]
    assert reply["text"] in load_responses().variants("utter_answer_not_recorded")
    assert fresh_services.store.for_customer("rest", "bob") == []


async def test_a_yes_that_changes_a_field_changes_it_and_reads_back_before_anything_is_recorded(fresh_services):
    tracker = make_tracker([("对，但是电话改一下 13900001111", "affirm", {})], sender_id="dan", slots=COLLECTED)
    events, replies = await run_action(ActionSubmitComplaint(), tracker)
    assert slots_set(events) == {"contact_phone": "13900001111"}
    assert {"event": "followup", "name": "action_read_back"} in [
        {k: e.get(k) for k in ("event", "name")} for e in events]
    assert [reply["utter_action"] for reply in replies] == ["utter_noted_correction"]
    assert fresh_services.store.for_customer("rest", "dan") == []


async def test_a_message_placed_nowhere_at_the_read_back_is_said_so():
    tracker = make_tracker([("&&&&", "nlu_fallback", {})], slots=COLLECTED)
    events, replies = await run_action(ActionResetField(), tracker)
    assert events == [] and [reply["utter_action"] for reply in replies] == ["utter_fallback"]


@pytest.fixture
def packaging_labels(tmp_path, monkeypatch):
    """A copy of the data where a designer added the category `packaging` (labels, domain, NLU)."""
    add_category(copy_config(tmp_path))
    monkeypatch.setattr("bot.labels.DEFAULT_LABELS_PATH", tmp_path / "data/labels.yml")
    services.cache_clear()


async def test_a_category_added_in_data_alone_is_recorded_and_reported(packaging_labels, fresh_services):
    slots = {**COLLECTED, "complaint_category": NEW_CATEGORY}
    tracker = make_tracker([("对", "affirm", {})], slots=slots, sender_id="carol")
    _, [readback] = await run_action(ActionReadBack(), tracker)
    assert NEW_LABEL in readback["text"]

    events, replies = await run_action(ActionSubmitComplaint(), tracker)
    complaint_id = slots_set(events)["complaint_id"]
    assert services().store.get(complaint_id).category == NEW_CATEGORY
    assert responses(replies) == ["utter_complaint_recorded", "utter_plan_refund", "utter_ask_plan_ok"], \
        "recorded, the plan and the closed question: nothing asked again"

    report = build_report(services().store, datetime.now(timezone.utc) - timedelta(hours=1),
                          datetime.now(timezone.utc) + timedelta(hours=1), services().policies.resolution,
                          services().tz)
    assert report.categories == (Count(NEW_CATEGORY, 1, 1.0),)


@pytest.fixture
def store_credit(tmp_path, monkeypatch):
    """A copy of the data where a designer added the remedy `store_credit` (labels, policies, domain)."""
    add_remedy(copy_config(tmp_path))
    monkeypatch.setattr("bot.labels.DEFAULT_LABELS_PATH", tmp_path / "data/labels.yml")
    monkeypatch.setattr("bot.policies.DEFAULT_POLICIES_PATH", tmp_path / "data/policies.yml")
    copied_domain = Domain.load(str(tmp_path / "domain.yml"))
    monkeypatch.setattr("tests.auxil.conversation.domain", lambda: copied_domain)
    services.cache_clear()


async def test_a_remedy_added_in_data_alone_is_recorded_planned_resolved_and_offered(store_credit, fresh_services):
    button = make_tracker([(f'/request_remedy{{"remedy": "{NEW_REMEDY}"}}', "request_remedy", {"remedy": NEW_REMEDY})],
                          active_loop="complaint_form", slots_before_last={"requested_slot": "desired_remedy"},
                          slots={"desired_remedy": NEW_REMEDY})
    events, _ = await run_action(ValidateComplaintForm(), button)
    assert slots_set(events)["desired_remedy"] == NEW_REMEDY, "kept as the customer chose it, not `other`"

    tracker = make_tracker([("对", "affirm", {})], slots={**COLLECTED, "desired_remedy": NEW_REMEDY}, sender_id="dave")
    _, [readback] = await run_action(ActionReadBack(), tracker)
    assert NEW_REMEDY_LABEL in readback["text"]
    events, replies = await run_action(ActionSubmitComplaint(), tracker)
    assert responses(replies) == ["utter_complaint_recorded", NEW_REMEDY_PLAN, "utter_ask_plan_ok"], "its own plan"
    complaint = services().store.get(slots_set(events)["complaint_id"])
    assert complaint.desired_remedy == NEW_REMEDY

    assert {"code": NEW_REMEDY, "label": NEW_REMEDY_LABEL} in Views(load_labels(), services().tz).remedy_options()
    queue, now = services().queue, services().now()
    agent = AgentAccounts(services().store).create("li", "客服小李", "a-long-password", now)
    case = queue.open_case(complaint.public_id, [Decision("human_request", "P3", "客户要求转人工")], now)
    assert queue.claim(case.id, agent.id, now)
    queue.resolve(case.id, agent.id, "已发放代金券", now, NEW_REMEDY)
    assert services().store.get(complaint.public_id).desired_remedy == NEW_REMEDY
