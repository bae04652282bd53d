"""A declined plan on the real store: the alternatives data/policies.yml allows, offered once; a
chosen one becomes the complaint's remedy with its own deadline; then a person."""
from __future__ import annotations

from datetime import date

from bot.app.plans import choose_alternative, decline_plan, plan_to_person
from bot.config_check import check_config
from bot.labels import load_labels
from bot.policies import load_policies
from tests.auxil.data_copy import copy_config
from tests.bot.app.conftest import FRIDAY_10AM, TZ, a_complaint

POLICIES = load_policies()


def test_a_declined_plan_offers_the_alternatives_of_its_remedy_once(store):
    complaint = a_complaint(store, desired_remedy="refund")
    declined = decline_plan(store, POLICIES, complaint.public_id, offered_before=False, now=FRIDAY_10AM)
    assert declined.alternatives == POLICIES.remedies["refund"].alternatives == ("exchange",)
    assert store.get(complaint.public_id).customer_accepted is False
    again = decline_plan(store, POLICIES, complaint.public_id, offered_before=True, now=FRIDAY_10AM)
    assert again.alternatives == ()


def test_a_plan_without_alternatives_goes_straight_to_a_person(store):
    complaint = a_complaint(store, desired_remedy="other")
    assert decline_plan(store, POLICIES, complaint.public_id, False, FRIDAY_10AM).alternatives == ()


def test_the_chosen_alternative_becomes_the_remedy_with_its_deadline(store):
    complaint = a_complaint(store, desired_remedy="refund")
    recorded = choose_alternative(store, POLICIES, complaint.public_id, "exchange", FRIDAY_10AM, TZ)
    assert recorded.plan.response == "utter_plan_exchange"
    stored = store.get(complaint.public_id)
    assert stored.desired_remedy == "exchange"
    # Friday 27 November 2026 + 3 working days: Wednesday 2 December.
    assert stored.remedy_due == recorded.remedy_due.astimezone(TZ).date() == date(2026, 12, 2)
    assert recorded.first_response_due == stored.first_response_due


def test_a_declined_plan_is_queued_for_a_person_with_the_customers_words(store, queue, jobs):
    complaint = a_complaint(store, desired_remedy="refund")
    result = plan_to_person(queue, jobs, load_labels(), complaint.public_id, "不行，七天太久了",
                            FRIDAY_10AM)
    [case] = queue.queue()
    assert (case.reason, case.priority) == ("plan_declined", "P3")
    assert case.complaint.public_id == complaint.public_id
    assert "退款" in case.explanation and "七天太久了" in case.explanation
    assert result.promise.at > FRIDAY_10AM


def test_long_words_against_the_plan_are_quoted_up_to_a_sentence_end(store, queue, jobs):
    complaint = a_complaint(store, desired_remedy="refund")
    first = "不行，七天太久了，我下周就要出差，这笔钱我等着用，你们必须三天之内退回来，" * 2 + "不然我不答应。"
    words = first + "另外你们客服态度也很差，" * 8
    plan_to_person(queue, jobs, load_labels(), complaint.public_id, words, FRIDAY_10AM)
    [case] = queue.queue()
    assert case.explanation.endswith(f"：“{first}…”")


def test_alternatives_must_name_remedies(tmp_path):
    """Checked with the other files (bot/config_check.py), so a renamed remedy is named once."""
    root = copy_config(tmp_path)
    policies = root / "data/policies.yml"
    policies.write_text(policies.read_text(encoding="utf-8").replace(
        "  refund: [exchange]", "  refund: [swap]"), encoding="utf-8")
    [error] = check_config(root)
    assert "alternatives.refund: 'swap' is not a remedy" in error
