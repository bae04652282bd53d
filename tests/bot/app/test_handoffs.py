"""Events of a handoff on the real store: the assistant hands off exactly the decisions it was
given; an agent claims, replies, notes, announces a refund, resolves and hands back, and the
customer hears of it through the messenger (or later, when the Rasa server is down)."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from bot.app import handoffs
from bot.app.complaints import CollectedComplaint
from bot.escalation import Decision
from bot.handoff import NO_AGENT_JOB
from bot.handoff_jobs import HAND_BACK_JOB, RESOLVED_INTENT, ResolvedHandBack
from bot.labels import load_labels
from bot.policies import load_policies
from bot.rasa_api import RasaError
from bot.responses import load_responses
from bot.storage import AgentAccounts, Outbox
from tests.bot.app.conftest import FRIDAY_10AM, TZ, Messenger

THREAT = Decision("threat", "P1", "客户提到监管部门（12315）")
HUMAN = Decision("human_request", "P3", "客户要求转人工")
NOTE = "已发起退款{amount}，预计{deadline}前到账"


def _collected(sender: str = "alice") -> CollectedComplaint:
    return CollectedComplaint(channel="rest", sender_id=sender, category="quality",
                              description="电饭煲用了两天就坏了", order_reference="DD20261120001")


def _hand_off(store, queue, jobs, decisions=(THREAT,), sender="alice"):
    return handoffs.hand_off(store, load_policies(), queue, jobs, _collected(sender), list(decisions),
                             FRIDAY_10AM, TZ)


def _agent(store, name):
    return AgentAccounts(store).create(name, f"客服{name}", "a-long-password", FRIDAY_10AM)


def test_a_handoff_records_the_complaint_with_exactly_its_decisions_and_queues_it(store, queue, jobs):
    result = _hand_off(store, queue, jobs, [THREAT, HUMAN])
    complaint = store.get(result.complaint.public_id)
    assert complaint.escalation_reasons == ("threat", "human_request")
    assert complaint.order_number == "DD20261120001"
    [case] = queue.queue()
    assert (case.reason, case.priority, case.explanation) == ("threat", "P1", THREAT.explanation)
    assert [d["reason"] for d in case.decisions] == ["threat", "human_request"]
    job = jobs.get_by_key(f"{NO_AGENT_JOB}:{case.id}")
    assert job.due_at == case.claim_due == FRIDAY_10AM + timedelta(minutes=10)
    # One clock: the customer is promised the claim deadline the console counts down to.
    assert result.promise.wording == "minutes" and result.promise.minutes == 10
    assert result.promise.at == case.claim_due


def test_a_handoff_without_decisions_decides_nothing_and_stores_nothing(store, queue, jobs):
    with pytest.raises(ValueError):
        _hand_off(store, queue, jobs, [])
    assert store.for_customer("rest", "alice") == [] and queue.queue() == []


def test_queueing_a_complaint_twice_keeps_one_case_and_one_apology(store, queue, jobs):
    first = _hand_off(store, queue, jobs, [THREAT])
    handoffs.queue_for_agent(queue, jobs, first.complaint, [HUMAN], FRIDAY_10AM)
    assert len(queue.queue()) == 1
    assert len(jobs.claim_due("w", FRIDAY_10AM + timedelta(hours=1))) == 1


async def test_one_agent_claims_and_only_they_may_reply(store, queue, jobs):
    case = _hand_off(store, queue, jobs).case
    li, wang = _agent(store, "li"), _agent(store, "wang")
    messenger = Messenger()
    with pytest.raises(handoffs.Refused) as refused:
        await handoffs.reply(queue, messenger, case.id, li.id, "客服li", "您好")
    assert refused.value.why == "unclaimed"
    claimed = await handoffs.claim(queue, case.id, li.id, FRIDAY_10AM)
    assert claimed.agent_id == li.id and store.get(case.complaint.public_id).status == "in_progress"
    assert (await handoffs.claim(queue, case.id, li.id, FRIDAY_10AM)).agent_id == li.id  # again: fine
    with pytest.raises(handoffs.Taken) as taken:
        await handoffs.claim(queue, case.id, wang.id, FRIDAY_10AM)
    assert taken.value.case.agent_name == "客服li"
    with pytest.raises(handoffs.Refused) as refused:
        await handoffs.reply(queue, messenger, case.id, wang.id, "客服wang", "您好")
    assert refused.value.why == "other_agent"
    await handoffs.reply(queue, messenger, case.id, li.id, "客服li", "您好，我来跟进")
    assert messenger.sent == [("text", "alice", "您好，我来跟进", {"agent": "客服li"})]
    note = await handoffs.add_note(queue, case.id, wang.id, "客户很着急", FRIDAY_10AM)
    assert [n.text for n in queue.notes(case.id)] == [note.text] == ["客户很着急"]


async def test_a_refund_is_announced_with_its_arrival_date_and_noted(store, queue, jobs):
    case = _hand_off(store, queue, jobs).case
    li = _agent(store, "li")
    await handoffs.claim(queue, case.id, li.id, FRIDAY_10AM)
    messenger = Messenger()
    note = await handoffs.refund_issued(queue, messenger, load_responses(), load_policies(),
                                        load_labels(), TZ, case.id, li.id, Decimal("299.50"),
                                        FRIDAY_10AM, NOTE)
    [(kind, conversation, text, metadata)] = messenger.sent
    assert (kind, conversation, metadata) == ("text", "alice", {"kind": "status"})
    assert case.complaint.public_id in text and "299.50" in text
    assert note.text.startswith("已发起退款 299.50 元") and note.text in [n.text for n in queue.notes(case.id)]


async def test_a_refund_the_customer_could_not_hear_of_is_not_noted(store, queue, jobs):
    case = _hand_off(store, queue, jobs).case
    li = _agent(store, "li")
    await handoffs.claim(queue, case.id, li.id, FRIDAY_10AM)
    with pytest.raises(RasaError):
        await handoffs.refund_issued(queue, Messenger(down=True), load_responses(), load_policies(),
                                     load_labels(), TZ, case.id, li.id, None, FRIDAY_10AM, NOTE)
    assert queue.notes(case.id) == []


async def test_resolving_schedules_the_surveys_tells_the_customer_and_hands_back(store, queue, jobs, surveys):
    case = _hand_off(store, queue, jobs).case
    li = _agent(store, "li")
    await handoffs.claim(queue, case.id, li.id, FRIDAY_10AM)
    messenger = Messenger()
    outcome = await handoffs.resolve(queue, surveys, messenger, load_responses(), case.id, li.id,
                                     "exchange", "已安排换新", FRIDAY_10AM)
    assert outcome.told and outcome.case.status == "resolved"
    complaint = store.get(case.complaint.public_id)
    assert (complaint.status, complaint.desired_remedy, complaint.resolution) == (
        "resolved", "exchange", "已安排换新")
    assert {kind for kind in ("satisfaction", "follow_up")
            if surveys.get(complaint.public_id, kind)} == {"satisfaction", "follow_up"}
    (_, _, text, metadata), (resume, _, slots), closing = messenger.sent
    assert "已安排换新" in text and metadata["kind"] == "status"
    # The conversation is the assistant's again (the customer's next message is answered, the
    # survey is not held back), with the complaint as it is now, and the assistant closes warmly.
    assert resume == "resume"
    assert [(p["public_id"], p["status"]) for p in slots["prior_complaints"]] == [
        (complaint.public_id, "resolved")]
    assert closing == ("intent", "alice", RESOLVED_INTENT)
    with pytest.raises(handoffs.Refused) as refused:  # resolved once
        await handoffs.resolve(queue, surveys, messenger, load_responses(), case.id, li.id,
                               "exchange", "再次", FRIDAY_10AM)
    assert refused.value.why == "resolved"


async def test_a_resolved_case_is_not_handed_back_again_nor_replied_to(store, queue, jobs, surveys):
    case = _hand_off(store, queue, jobs).case
    li = _agent(store, "li")
    await handoffs.claim(queue, case.id, li.id, FRIDAY_10AM)
    await handoffs.resolve(queue, surveys, Messenger(), load_responses(), case.id, li.id,
                           "exchange", "已安排换新", FRIDAY_10AM)
    messenger = Messenger()
    for again in (handoffs.release(queue, messenger, case.id, li.id, FRIDAY_10AM),
                  handoffs.reply(queue, messenger, case.id, li.id, "客服li", "还在吗", FRIDAY_10AM)):
        with pytest.raises(handoffs.Refused) as refused:
            await again
        assert refused.value.why == "resolved"
    assert messenger.sent == [], "no second greeting, nothing said in the assistant's conversation"
    assert queue.get(case.id).status == "resolved"
    # The refund agreed on may still be announced when it is issued.
    await handoffs.refund_issued(queue, messenger, load_responses(), load_policies(), load_labels(), TZ,
                                 case.id, li.id, Decimal("99"), FRIDAY_10AM, NOTE)
    assert [request[0] for request in messenger.sent] == ["text"]


async def test_with_the_rasa_server_down_the_resolution_stands_and_the_hand_back_waits(
        store, queue, jobs, surveys):
    case = _hand_off(store, queue, jobs).case
    li = _agent(store, "li")
    await handoffs.claim(queue, case.id, li.id, FRIDAY_10AM)
    outcome = await handoffs.resolve(queue, surveys, Messenger(down=True), load_responses(), case.id,
                                     li.id, "apology", "已致歉", FRIDAY_10AM)
    assert not outcome.told and store.get(case.complaint.public_id).status == "resolved"
    job = jobs.get_by_key(f"{HAND_BACK_JOB}:{case.id}")
    assert job.payload["case_id"] == case.id and "已致歉" in job.payload["notice"]
    # Once the server is back the worker tells the customer and hands back, each message once.
    messenger = Messenger()
    handler = ResolvedHandBack(queue, messenger, Outbox(store))
    await handler(job)
    await handler(job)  # run twice (a worker died before recording it): nothing said twice
    said = [request for request in messenger.sent if request[0] != "resume"]
    assert [request[0] for request in said] == ["text", "intent"]
    assert "已致歉" in said[0][2] and said[1] == ("intent", "alice", RESOLVED_INTENT)


async def test_handing_back_resumes_with_the_complaints_as_they_are_now(store, queue, jobs):
    case = _hand_off(store, queue, jobs).case
    li = _agent(store, "li")
    await handoffs.claim(queue, case.id, li.id, FRIDAY_10AM)
    messenger = Messenger()
    outcome = await handoffs.release(queue, messenger, case.id, li.id, FRIDAY_10AM)
    assert outcome.told and outcome.case.status == "released"
    (resume, conversation, slots), greeting = messenger.sent
    assert (resume, conversation) == ("resume", "alice")
    assert [(p["public_id"], p["status"]) for p in slots["prior_complaints"]] == [
        (case.complaint.public_id, "in_progress")]
    assert greeting == ("intent", "alice", handoffs.HANDED_BACK_INTENT)
    assert [(event.agent_name, event.action) for event in queue.history(case.id)] == [
        ("客服li", "claimed"), ("客服li", "released")]
    with pytest.raises(handoffs.Refused) as refused:
        await handoffs.release(queue, messenger, case.id, li.id, FRIDAY_10AM)
    assert refused.value.why == "released"


async def test_with_the_rasa_server_down_a_hand_back_changes_nothing(store, queue, jobs):
    case = _hand_off(store, queue, jobs).case
    li = _agent(store, "li")
    await handoffs.claim(queue, case.id, li.id, FRIDAY_10AM)
    with pytest.raises(RasaError):
        await handoffs.release(queue, Messenger(down=True), case.id, li.id, FRIDAY_10AM)
    assert queue.get(case.id).status == "claimed"


def test_escalating_a_filed_complaint_adds_the_details_it_lacked_and_keeps_those_it_had(store, queue, jobs):
    filed = handoffs.hand_off(
        store, load_policies(), queue, jobs,
        CollectedComplaint(channel="rest", sender_id="bob", category="quality", description="电饭煲坏了",
                           contact="13812345678"), [HUMAN], FRIDAY_10AM, TZ).complaint
    assert filed.order_number is None and filed.amount is None
    told = {"order_number": "DD20261120777", "contact_phone": "13900001111", "amount": Decimal("2800"),
            "remedy": "refund"}  # not a field escalating may add
    again = handoffs.escalate_filed(queue, jobs, filed.public_id, [THREAT], FRIDAY_10AM + timedelta(minutes=3),
                                    told)
    stored = store.get(filed.public_id)
    assert again.complaint.public_id == filed.public_id and len(store.for_customer("rest", "bob")) == 1
    assert (stored.order_number, stored.amount) == ("DD20261120777", Decimal("2800"))
    assert stored.contact_phone == "13812345678", "what the customer gave is never overwritten"
    assert stored.desired_remedy is None and "threat" in stored.escalation_reasons
    assert again.case.complaint.order_number == "DD20261120777"


def test_escalating_adds_the_time_wish_and_story_told_since_and_keeps_what_was_confirmed(store, queue, jobs):
    filed = handoffs.hand_off(
        store, load_policies(), queue, jobs,
        CollectedComplaint(channel="rest", sender_id="gus", category="delivery", description="快递一直没到",
                           desired_remedy="explanation"), [HUMAN], FRIDAY_10AM, TZ).complaint
    told = {"incident_time_text": "上周三", "incident_date": date(2026, 11, 18), "desired_remedy": "refund"}
    story = "我要去12315投诉你们，东西是上周三到的，我要退款"
    handoffs.escalate_filed(queue, jobs, filed.public_id, [THREAT], FRIDAY_10AM, told, story)
    stored = store.get(filed.public_id)
    assert (stored.incident_time_text, stored.incident_date) == ("上周三", date(2026, 11, 18))
    assert stored.desired_remedy == "explanation", "the wish the customer confirmed stays"
    assert stored.description == "快递一直没到；" + story
    handoffs.escalate_filed(queue, jobs, filed.public_id, [THREAT], FRIDAY_10AM,
                            {"incident_time_text": "昨天", "incident_date": date(2026, 11, 26)}, story)
    again = store.get(filed.public_id)
    assert (again.incident_time_text, again.description) == ("上周三", stored.description), "told once, kept once"


def test_the_store_adds_missing_details_only(store, queue, jobs):
    filed = _hand_off(store, queue, jobs, [HUMAN], sender="carol").complaint
    later = FRIDAY_10AM + timedelta(minutes=1)
    kept = store.add_missing(filed.public_id, {"order_number": "DD20261120999", "contact_phone": "13900001111"},
                             later)
    assert (kept.order_number, kept.contact_phone) == ("DD20261120001", "13900001111")
    with pytest.raises(ValueError):
        store.add_missing(filed.public_id, {"category": "delivery"}, later)


def test_escalating_again_a_case_that_missed_its_claim_deadline_promises_its_callback(store, queue, jobs):
    case = _hand_off(store, queue, jobs, [HUMAN]).case
    later = case.claim_due + timedelta(minutes=1)
    callback = queue.settings.callback_due(later, case.priority)
    assert queue.mark_overdue(case.id, callback, later)
    again = handoffs.escalate_filed(queue, jobs, case.complaint.public_id, [HUMAN], later + timedelta(minutes=5))
    assert again.case.id == case.id and again.promise.at == callback  # not a deadline already past
