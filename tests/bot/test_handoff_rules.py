"""The handoff's rules without a store: deadlines told to customers fall inside service hours,
P1 cases get the on-call promise, one complaint per problem, and what a paused conversation
answers."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bot.answers import details_told
from bot.handoff import (HandoffSettings, ProblemKeys, acknowledge_paused, details_to_add,
                         first_message_while_paused, is_new_problem, load_handoff_settings, nothing_told,
                         promise_contact)
from bot.working_hours import WorkingHours

TZ = ZoneInfo("Asia/Shanghai")
#: As shipped: 09:00-21:00 every day, P1 answered on call within 30 minutes.
SHIPPED = load_handoff_settings(TZ)
TODAY = date(2026, 12, 2)  # a Wednesday
SATURDAY_0234 = datetime(2026, 12, 5, 2, 34, tzinfo=TZ)
HOURS = WorkingHours.from_config({"start": "09:00", "end": "21:00", "days": "every_day"}, TZ)


def _in_hours(moment: datetime) -> bool:
    local = moment.astimezone(TZ)
    return HOURS.start <= local.time() <= HOURS.end


# --- deadlines told to customers ------------------------------------------------------------------

def test_a_deadline_in_service_hours_stays_as_it_is():
    now = datetime(2026, 12, 4, 10, 0, tzinfo=TZ)
    assert HOURS.keepable(now, now + timedelta(hours=24)) == now + timedelta(hours=24)


def test_a_24_hour_promise_made_at_night_ends_when_the_desk_closes_the_day_before():
    # Recorded Saturday 02:34: "within 24 hours" is Sunday 02:34, when nobody works; Saturday
    # 21:00 keeps the promise and someone is at work to keep it.
    due = HOURS.keepable(SATURDAY_0234, SATURDAY_0234 + timedelta(hours=24))
    assert due == datetime(2026, 12, 5, 21, 0, tzinfo=TZ)


def test_a_short_promise_that_runs_past_closing_continues_the_next_morning():
    evening = datetime(2026, 12, 4, 20, 30, tzinfo=TZ)
    due = HOURS.keepable(evening, evening + timedelta(hours=2))  # 22:30: 90 minutes outside
    assert due == datetime(2026, 12, 5, 10, 30, tzinfo=TZ)


@pytest.mark.parametrize("hour", range(24))
@pytest.mark.parametrize("span_hours", (1, 2, 24, 48))
def test_every_keepable_deadline_is_in_service_hours_and_not_in_the_past(hour, span_hours):
    now = datetime(2026, 12, 4, hour, 17, tzinfo=TZ)
    due = HOURS.keepable(now, now + timedelta(hours=span_hours))
    assert _in_hours(due) and due > now


def test_working_days_only_a_friday_night_promise_lands_on_monday():
    hours = WorkingHours.from_config({"start": "09:00", "end": "18:00", "days": "working_days"}, TZ)
    friday_night = datetime(2026, 11, 27, 22, 0, tzinfo=TZ)
    due = hours.keepable(friday_night, friday_night + timedelta(hours=24))
    assert due.date().isoformat() == "2026-11-30" and hours.is_open(due - timedelta(minutes=1))


# --- P1 on call -------------------------------------------------------------------------------------

def test_a_p1_case_at_night_is_promised_the_on_call_answer_not_the_morning():
    promise = promise_contact(SHIPPED, SATURDAY_0234, SHIPPED.claim_due("P1", SATURDAY_0234), "P1")
    assert promise.wording == "on_call" and promise.minutes == SHIPPED.on_call.answer_within_minutes == 30
    assert promise.at == SATURDAY_0234 + timedelta(minutes=30)
    assert SHIPPED.claim_due("P1", SATURDAY_0234) == SATURDAY_0234 + timedelta(minutes=30)
    assert SHIPPED.callback_due(SATURDAY_0234, "P1") == SATURDAY_0234 + timedelta(minutes=60)


def test_p2_and_p3_at_night_wait_for_the_morning():
    for priority in ("P2", "P3"):
        due = SHIPPED.claim_due(priority, SATURDAY_0234)
        promise = promise_contact(SHIPPED, SATURDAY_0234, due, priority)
        assert promise.wording == "after_hours"
        assert promise.at == due == datetime(2026, 12, 5, 9, tzinfo=TZ) + timedelta(
            minutes=SHIPPED.claim_within_minutes[priority])


def test_in_working_hours_a_p1_waits_in_the_queue_like_the_others():
    ten = datetime(2026, 12, 5, 10, 0, tzinfo=TZ)
    promise = promise_contact(SHIPPED, ten, SHIPPED.claim_due("P1", ten), "P1")
    assert promise.wording == "minutes" and promise.minutes == 10


def test_on_call_priorities_must_be_known():
    raw = {"working_hours": {"start": "09:00", "end": "21:00"},
           "claim_within_minutes": {"P1": 10, "P2": 30, "P3": 60},
           "callback_within_minutes": 120, "on_call": {"priorities": ["P0"]}}
    with pytest.raises(ValueError, match="on_call"):
        HandoffSettings.from_config(raw, TZ)


# --- one complaint per problem ------------------------------------------------------------------------

FILED = ProblemKeys(category="quality", order_number="DD20261101001")


@pytest.mark.parametrize("told", [
    ProblemKeys(),                                        # a threat, a request for a person
    ProblemKeys(order_number="dd20261101001"),            # the same order, any letter case
    ProblemKeys(category="quality"),                      # the same kind of problem again
])
def test_what_adds_nothing_new_is_about_the_filed_complaint(told):
    assert not is_new_problem(FILED, told)


@pytest.mark.parametrize("told", [
    ProblemKeys(order_number="DD20261120999"),            # another order
    ProblemKeys(category="delivery"),                     # another kind of problem
])
def test_another_order_or_another_kind_of_problem_is_a_new_complaint(told):
    assert is_new_problem(FILED, told)


def test_an_order_number_the_filed_complaint_lacked_is_not_a_new_problem():
    assert not is_new_problem(ProblemKeys(category="quality"), ProblemKeys(order_number="DD1"))


def test_details_told_after_filing_fill_only_what_the_filed_complaint_lacks():
    filed = {"order_number": None, "contact_phone": "13812345678", "amount": None}
    told = {"order_number": "DD20261120777", "contact_phone": "13900001111", "amount": Decimal("2800")}
    # The phone the customer gave stays; the order number and sum it lacked are added.
    assert details_to_add(filed, told) == {"order_number": "DD20261120777", "amount": Decimal("2800")}
    assert details_to_add({"order_number": "DD20261101456"}, {"order_number": "DD20261101456"}) == {}
    assert details_to_add({"order_number": ""}, {"order_number": None, "amount": ""}) == {}


def test_a_time_told_after_filing_is_added_with_its_day_or_not_at_all():
    told = {"incident_time_text": "上周三", "incident_date": date(2026, 11, 25), "desired_remedy": "refund"}
    assert details_to_add({"incident_time_text": None, "incident_date": None, "desired_remedy": None},
                          told) == told
    # The filed complaint has the words (too vague for a day): another day is not added to them.
    assert details_to_add({"incident_time_text": "前几天", "incident_date": None, "desired_remedy": "exchange"},
                          told) == {}


def test_the_details_told_are_read_as_the_form_reads_them_the_latest_winning():
    said = ["订单号是DD20261120777，再不处理我就去12315投诉", "我找不到人，电话 139-0000-1111",
            "两千八买的，订单号应该是DD20261120778"]
    assert details_told(said, TODAY) == {"order_number": "DD20261120778", "contact_phone": "13900001111",
                                         "amount": Decimal("2800")}
    assert details_told(["我要找人工客服", "你们太过分了", "12315"], TODAY) == {}


def test_the_time_and_the_wish_told_after_filing_are_read_as_the_form_reads_them():
    told = details_told(["我要去12315投诉你们，东西是上周三到的，我要退款"], TODAY)
    assert told == {"incident_time_text": "上周三", "incident_date": date(2026, 11, 25), "desired_remedy": "refund"}
    assert details_told(["我不要退款，就是想要个说法"], TODAY)["desired_remedy"] == "explanation"


def test_asking_for_a_person_first_tells_nothing():
    assert nothing_told(["request_human"], {})
    assert nothing_told(["greet", "request_human"], {"order_number": None})
    assert not nothing_told(["complain_quality", "request_human"], {})
    assert not nothing_told(["request_human"], {"order_number": "DD20261101001"})


# --- while paused -------------------------------------------------------------------------------------

def _events(*kinds: str):
    return [{"event": kind} for kind in kinds]


def test_only_the_first_message_after_the_pause_is_acknowledged():
    assert first_message_while_paused(_events("user", "bot", "pause", "user"))
    assert not first_message_while_paused(_events("user", "bot", "pause", "user", "bot", "user"))
    assert not first_message_while_paused(_events("user", "bot", "pause", "user", "user"))
    assert not first_message_while_paused(_events("user", "bot", "pause", "bot", "user"))  # an agent wrote
    assert not first_message_while_paused(_events("user", "bot"))


def test_the_acknowledgement_states_the_wait_until_the_claim_deadline():
    now = datetime(2026, 12, 5, 10, 0, tzinfo=TZ)
    ack = acknowledge_paused(SHIPPED, "waiting", None, now + timedelta(minutes=27, seconds=10), "P2", now)
    assert (ack.response, ack.minutes) == ("utter_paused_wait", 28)
    ack = acknowledge_paused(SHIPPED, "waiting", None, now - timedelta(minutes=1), "P2", now)
    assert ack.minutes == 1  # overdue: soon, never "0 minutes"


def test_the_acknowledgement_in_hours_of_a_deadline_after_closing_says_the_time():
    evening = datetime(2026, 12, 5, 20, 50, tzinfo=TZ)  # closing at 21:00
    due = SHIPPED.claim_due("P3", evening)
    ack = acknowledge_paused(SHIPPED, "waiting", None, due, "P3", evening)
    assert (ack.response, ack.at) == ("utter_paused_by_time", datetime(2026, 12, 6, 9, 50, tzinfo=TZ))


def test_the_acknowledgement_after_hours_says_when_and_a_claimed_case_names_the_agent():
    morning = datetime(2026, 12, 5, 9, 30, tzinfo=TZ)
    ack = acknowledge_paused(SHIPPED, "waiting", None, morning, "P3", SATURDAY_0234)
    assert ack.response == "utter_paused_after_hours" and ack.at == morning
    on_call = acknowledge_paused(SHIPPED, "waiting", None, SATURDAY_0234 + timedelta(minutes=30), "P1",
                                 SATURDAY_0234)
    assert (on_call.response, on_call.minutes) == ("utter_paused_wait", 30)
    claimed = acknowledge_paused(SHIPPED, "claimed", "王芳", morning, "P3", SATURDAY_0234)
    assert (claimed.response, claimed.agent_name) == ("utter_paused_claimed", "王芳")
