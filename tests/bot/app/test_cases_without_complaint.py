"""A customer who asks for a person before telling any problem ("转人工" first) gets a case
without a complaint: nothing is invented, no complaint ID is given, the agent works the case all
the same, reports count no complaint, and the complaint the assistant records in that
conversation later joins the case (docs/service-rules.md)."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from bot.app import handoffs
from bot.escalation import Decision
from bot.handoff import NO_AGENT_JOB
from bot.handoff_jobs import NoAgentApology
from bot.labels import load_labels
from bot.policies import Deadline, load_policies
from bot.reports import build_report
from bot.responses import load_responses
from bot.storage import AgentAccounts, Outbox
from bot.storage.retention import holds
from tests.bot.app.conftest import FRIDAY_10AM, TZ, Messenger, a_complaint

HUMAN = Decision("human_request", "P3", "客户要求转人工")
THREAT = Decision("threat", "P1", "客户提到监管部门（12315）")
LATER = FRIDAY_10AM + timedelta(minutes=2)


def _ask_for_a_person(queue, jobs, sender="dora", decisions=(HUMAN,)):
    return handoffs.hand_off_without_complaint(queue, jobs, "rest", sender, "simplified", list(decisions),
                                               FRIDAY_10AM)


def _agent(store, name, role="agent"):
    return AgentAccounts(store).create(name, f"客服{name}", "a-long-password", FRIDAY_10AM, role=role)


def test_asking_for_a_person_first_queues_a_case_and_stores_no_complaint(store, queue, jobs):
    result = _ask_for_a_person(queue, jobs)
    assert result.complaint is None and store.for_customer("rest", "dora") == []
    [case] = queue.queue()
    assert case.id == result.case.id and case.complaint is None and case.complaint_id is None
    assert (case.channel, case.sender_id, case.conversation_id, case.reason) == ("rest", "dora", "dora",
                                                                                 "human_request")
    assert jobs.get_by_key(f"{NO_AGENT_JOB}:{case.id}").due_at == case.claim_due
    assert result.promise.wording == "minutes" and result.promise.at == case.claim_due
    assert queue.open_case_for("rest", "dora").id == case.id
    again = _ask_for_a_person(queue, jobs, decisions=[THREAT])  # asked again: the same case, now urgent
    assert again.case.id == case.id and again.case.priority == "P1" and len(queue.queue()) == 1


async def test_nobody_coming_in_time_is_apologised_for_without_a_complaint_id(store, queue, jobs):
    case = _ask_for_a_person(queue, jobs).case
    messenger = Messenger()
    handler = NoAgentApology(queue, messenger, load_responses(), load_labels(), Outbox(store),
                             clock=lambda: case.claim_due + timedelta(minutes=1))
    await handler(jobs.get_by_key(f"{NO_AGENT_JOB}:{case.id}"))
    [(_, conversation, text, _)] = messenger.sent
    assert conversation == "dora" and "您的请求已经标记为优先处理" in text and "投诉" not in text
    assert queue.get(case.id).overdue


async def test_the_agent_works_a_case_without_a_complaint_to_the_end(store, queue, jobs, surveys):
    case = _ask_for_a_person(queue, jobs).case
    li, wang = _agent(store, "li"), _agent(store, "wang")
    boss = _agent(store, "boss", role="supervisor")
    await handoffs.claim(queue, case.id, li.id, FRIDAY_10AM)
    moved = await handoffs.reassign(queue, case.id, boss.id, boss.role, wang.id, LATER)
    assert moved.agent_id == wang.id
    messenger = Messenger()
    await handoffs.reply(queue, messenger, case.id, wang.id, "客服wang", "您好，请问遇到什么问题了？", LATER)
    await handoffs.refund_issued(queue, messenger, load_responses(), load_policies(), load_labels(), TZ,
                                 case.id, wang.id, Decimal("59"), LATER, "已发起退款{amount}，{deadline}前到账")
    outcome = await handoffs.resolve(queue, surveys, messenger, load_responses(), case.id, wang.id,
                                     "refund", "已退回运费", LATER)
    assert outcome.told and outcome.case.status == "resolved" and outcome.case.complaint is None
    refund, resolved = [text for kind, _, text, *_ in messenger.sent if kind == "text"][1:]
    assert "退款 59 元已经为您发起了" in refund and "您的问题已经处理好了：已退回运费" in resolved
    assert "投诉" not in refund + resolved
    resume = next(request for request in messenger.sent if request[0] == "resume")
    assert resume == ("resume", "dora", {"prior_complaints": []})
    # No satisfaction check or follow-up: they ask about a complaint.
    assert {job.kind for job in jobs.claim_due("w", LATER + timedelta(days=30))} == {NO_AGENT_JOB}
    trail = [(e.action, e.agent_name, e.details) for e in queue.history(case.id)]
    assert trail == [("claimed", "客服li", {}),
                     ("reassigned", "客服boss", {"from_agent_id": li.id, "from_agent_name": "客服li",
                                               "to_agent_id": wang.id, "to_agent_name": "客服wang"}),
                     ("replied", "客服wang", {}), ("refunded", "客服wang", {"amount": "59"}),
                     ("resolved", "客服wang", {"remedy": "refund", "resolution": "已退回运费"})]
    with pytest.raises(handoffs.Refused):  # resolving handed the conversation back already
        await handoffs.release(queue, Messenger(), case.id, wang.id, LATER)


def test_a_complaint_recorded_while_the_case_is_open_joins_it(store, queue, jobs):
    case = _ask_for_a_person(queue, jobs).case
    assert queue.claim(case.id, _agent(store, "li").id, FRIDAY_10AM)
    older = a_complaint(store, sender="dora", order="DD20261101009", at=FRIDAY_10AM - timedelta(days=1))
    assert queue.attach(older.public_id, LATER) is None, "recorded before the case: not the one it waits for"
    complaint = a_complaint(store, sender="dora", at=LATER)
    attached = queue.attach(complaint.public_id, LATER)
    assert attached.id == case.id and attached.complaint_id == complaint.public_id
    assert store.get(complaint.public_id).status == "in_progress", "an agent has it already"
    assert store.get(complaint.public_id).first_response_at == FRIDAY_10AM
    [event] = [e for e in queue.history(case.id) if e.action == "complaint_added"]
    assert event.details == {"complaint_id": complaint.public_id} and event.agent_id is None
    assert queue.attach(a_complaint(store, sender="dora", order="DD20261101002", at=LATER).public_id,
                        LATER) is None, "a case has one complaint"


def test_a_handoff_of_a_complaint_while_the_case_is_open_keeps_one_case(store, queue, jobs):
    case = _ask_for_a_person(queue, jobs).case
    result = handoffs.queue_for_agent(queue, jobs, a_complaint(store, sender="dora", at=LATER), [THREAT], LATER)
    assert result.case.id == case.id and result.case.complaint_id == result.complaint.public_id
    assert [d["reason"] for d in result.case.decisions] == ["human_request", "threat"]
    assert result.case.priority == "P1" and len(queue.queue()) == 1


async def test_a_complaint_told_after_the_hand_back_joins_the_case_unless_it_was_resolved(
        store, queue, jobs, surveys):
    li = _agent(store, "li")
    handed_back = _ask_for_a_person(queue, jobs).case
    await handoffs.claim(queue, handed_back.id, li.id, FRIDAY_10AM)
    await handoffs.release(queue, Messenger(), handed_back.id, li.id, FRIDAY_10AM)
    complaint = a_complaint(store, sender="dora", at=LATER)
    assert queue.attach(complaint.public_id, LATER).id == handed_back.id
    assert store.get(complaint.public_id).status == "open", "the assistant has it: no agent works on it"

    settled = _ask_for_a_person(queue, jobs, sender="ed").case
    await handoffs.claim(queue, settled.id, li.id, FRIDAY_10AM)
    await handoffs.resolve(queue, surveys, Messenger(), load_responses(), settled.id, li.id, "apology",
                           "已向客户致歉", FRIDAY_10AM)
    assert queue.attach(a_complaint(store, sender="ed", at=LATER).public_id, LATER) is None
    assert queue.get(settled.id).complaint is None


def test_reports_count_no_complaint_for_a_case_without_one(store, queue, jobs):
    _ask_for_a_person(queue, jobs)
    a_complaint(store, sender="fay", at=LATER)
    report = build_report(store, FRIDAY_10AM - timedelta(days=1), FRIDAY_10AM + timedelta(days=1),
                          Deadline(hours=48), TZ)
    assert (report.total, report.escalated.count) == (1, 0)


def test_the_conversation_of_an_open_case_without_a_complaint_is_kept_from_the_purge(store, queue, jobs):
    _ask_for_a_person(queue, jobs)
    held = holds(store, FRIDAY_10AM + timedelta(days=400))
    assert "dora" in held.conversations and ("rest", "dora") in held.customers


def test_a_case_needs_a_decision(queue, jobs):
    with pytest.raises(ValueError):
        _ask_for_a_person(queue, jobs, decisions=())
