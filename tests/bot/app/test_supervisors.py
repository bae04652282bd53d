"""Supervisors and the audit trail on the real store: every action on a case is recorded with who
did it and when; a supervisor gives a claimed case to a colleague, an agent may not."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from bot.app import handoffs
from bot.app.complaints import CollectedComplaint
from bot.escalation import Decision
from bot.labels import load_labels
from bot.policies import load_policies
from bot.rasa_api import RasaError
from bot.responses import load_responses
from bot.storage import AgentAccounts
from tests.bot.app.conftest import FRIDAY_10AM, TZ, Messenger

THREAT = Decision("threat", "P1", "客户提到监管部门（12315）")
NOTE = "已发起退款{amount}，预计{deadline}前到账"


def _case(store, queue, jobs, sender="alice"):
    collected = CollectedComplaint(channel="rest", sender_id=sender, category="quality",
                                   description="电饭煲用了两天就坏了")
    return handoffs.hand_off(store, load_policies(), queue, jobs, collected, [THREAT], FRIDAY_10AM, TZ).case


def _person(store, name, role="agent"):
    return AgentAccounts(store).create(name, f"客服{name}", "a-long-password", FRIDAY_10AM, role=role)


def _trail(queue, case_id):
    return [(event.agent_name, event.action) for event in queue.history(case_id)]


async def test_every_action_on_a_case_is_recorded_with_who_and_when(store, queue, jobs, surveys):
    case = _case(store, queue, jobs)
    li, boss = _person(store, "li"), _person(store, "zhang", "supervisor")
    wang = _person(store, "wang")
    messenger = Messenger()
    minute = timedelta(minutes=1)

    await handoffs.claim(queue, case.id, li.id, FRIDAY_10AM)
    await handoffs.claim(queue, case.id, li.id, FRIDAY_10AM + minute)  # again: nothing new happened
    await handoffs.reply(queue, messenger, case.id, li.id, "客服li", "您好，我来跟进", FRIDAY_10AM + 2 * minute)
    await handoffs.reassign(queue, case.id, boss.id, boss.role, wang.id, FRIDAY_10AM + 3 * minute)
    await handoffs.add_note(queue, case.id, wang.id, "客户下午方便接电话", FRIDAY_10AM + 4 * minute)
    await handoffs.refund_issued(queue, messenger, load_responses(), load_policies(), load_labels(), TZ,
                                 case.id, wang.id, Decimal("99.50"), FRIDAY_10AM + 5 * minute, NOTE)
    await handoffs.resolve(queue, surveys, messenger, load_responses(), case.id, wang.id, "refund",
                           "已退款", FRIDAY_10AM + 6 * minute)

    history = queue.history(case.id)
    assert _trail(queue, case.id) == [
        ("客服li", "claimed"), ("客服li", "replied"), ("客服zhang", "reassigned"), ("客服wang", "noted"),
        ("客服wang", "refunded"), ("客服wang", "resolved")]
    assert [event.created_at for event in history] == [FRIDAY_10AM + n * minute for n in (0, 2, 3, 4, 5, 6)]
    assert history[2].details == {"from_agent_id": li.id, "from_agent_name": "客服li",
                                  "to_agent_id": wang.id, "to_agent_name": "客服wang"}
    assert history[4].details == {"amount": "99.50"}
    assert history[5].details == {"remedy": "refund"}


async def test_what_did_not_happen_is_not_recorded(store, queue, jobs):
    case = _case(store, queue, jobs)
    li, wang = _person(store, "li"), _person(store, "wang")
    await handoffs.claim(queue, case.id, li.id, FRIDAY_10AM)
    with pytest.raises(handoffs.Taken):
        await handoffs.claim(queue, case.id, wang.id, FRIDAY_10AM)
    with pytest.raises(RasaError):  # the customer never got it
        await handoffs.reply(queue, Messenger(down=True), case.id, li.id, "客服li", "您好", FRIDAY_10AM)
    with pytest.raises(handoffs.Refused):
        await handoffs.reply(queue, Messenger(), case.id, wang.id, "客服wang", "您好", FRIDAY_10AM)
    assert _trail(queue, case.id) == [("客服li", "claimed")]


async def test_a_supervisor_gives_a_claimed_case_to_a_colleague_who_then_works_it(store, queue, jobs):
    case = _case(store, queue, jobs)
    li, wang, boss = _person(store, "li"), _person(store, "wang"), _person(store, "zhang", "supervisor")
    await handoffs.claim(queue, case.id, li.id, FRIDAY_10AM)

    moved = await handoffs.reassign(queue, case.id, boss.id, boss.role, wang.id, FRIDAY_10AM)

    assert (moved.agent_id, moved.agent_name, moved.status) == (wang.id, "客服wang", "claimed")
    messenger = Messenger()
    await handoffs.reply(queue, messenger, case.id, wang.id, "客服wang", "您好，这件事现在由我负责")
    with pytest.raises(handoffs.Refused) as refused:
        await handoffs.reply(queue, messenger, case.id, li.id, "客服li", "您好")
    assert refused.value.why == "other_agent"


async def test_an_agent_may_not_reassign(store, queue, jobs):
    case = _case(store, queue, jobs)
    li, wang = _person(store, "li"), _person(store, "wang")
    await handoffs.claim(queue, case.id, li.id, FRIDAY_10AM)
    with pytest.raises(handoffs.Refused) as refused:
        await handoffs.reassign(queue, case.id, li.id, li.role, wang.id, FRIDAY_10AM)
    assert refused.value.why == "not_supervisor"
    assert queue.get(case.id).agent_id == li.id
    assert _trail(queue, case.id) == [("客服li", "claimed")]


async def test_only_a_claimed_case_moves_and_only_to_an_active_colleague(store, queue, jobs, surveys):
    case = _case(store, queue, jobs)
    li, boss = _person(store, "li"), _person(store, "zhang", "supervisor")
    gone = _person(store, "gone")
    AgentAccounts(store).deactivate("gone")
    reassign = handoffs.reassign
    with pytest.raises(handoffs.Refused) as refused:
        await reassign(queue, case.id, boss.id, boss.role, li.id, FRIDAY_10AM)
    assert refused.value.why == "unclaimed"
    await handoffs.claim(queue, case.id, li.id, FRIDAY_10AM)
    with pytest.raises(handoffs.Refused) as refused:
        await reassign(queue, case.id, boss.id, boss.role, li.id, FRIDAY_10AM)
    assert refused.value.why == "same_agent"
    with pytest.raises(LookupError):
        await reassign(queue, case.id, boss.id, boss.role, gone.id, FRIDAY_10AM)
    await handoffs.resolve(queue, surveys, Messenger(), load_responses(), case.id, li.id, "refund", "已退款",
                           FRIDAY_10AM)
    with pytest.raises(handoffs.Refused) as refused:
        await reassign(queue, case.id, boss.id, boss.role, boss.id, FRIDAY_10AM)
    assert refused.value.why == "resolved"
    assert [action for _, action in _trail(queue, case.id)] == ["claimed", "resolved"]
