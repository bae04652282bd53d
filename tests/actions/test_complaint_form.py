"""The form takes the customer's words as answers, keeps the whole story and normalises what the
customer gives. Rasa sends only what it extracted itself (entities, intents): the text answers are
the action's to take (domain.yml's `custom` text mappings)."""
from datetime import date

from actions.complaint_form import ValidateComplaintForm
from bot.complaints import CONTACT_HERE
from tests.auxil.conversation import make_tracker, run_action, slots_set


def _form_turn(text, intent, requested, entities=None, before=None, after=None):
    return make_tracker([(text, intent, entities or {})], active_loop="complaint_form",
                        slots_before_last={"requested_slot": requested, **(before or {})},
                        slots=after or {})


async def test_a_second_complaint_message_is_added_to_the_story():
    tracker = _form_turn("而且客服态度也很差", "complain_service_attitude", "incident_time",
                         before={"complaint_details": "鞋子两天就开胶了"})
    events, _ = await run_action(ValidateComplaintForm(), tracker)
    assert slots_set(events)["complaint_details"] == "鞋子两天就开胶了；而且客服态度也很差"


async def test_a_category_button_does_not_overwrite_the_story():
    tracker = _form_turn("/complain_quality", "complain_quality", "complaint_category",
                         before={"complaint_details": "鞋子开胶了"},
                         after={"complaint_category": "quality"})
    events, _ = await run_action(ValidateComplaintForm(), tracker)
    assert "complaint_details" not in slots_set(events)
    assert slots_set(events)["complaint_category"] == "quality"


async def test_a_category_buttons_title_typed_is_the_button_pressed():
    tracker = _form_turn("物流配送", "nlu_fallback", "complaint_category",
                         before={"complaint_details": "快递一周了还没到"})
    events, _ = await run_action(ValidateComplaintForm(), tracker)
    assert slots_set(events)["complaint_category"] == "delivery"


async def test_a_remedy_in_the_customers_own_words_is_other_with_a_note():
    tracker = _form_turn("你们看着办吧，给个满意的处理", "give_details", "desired_remedy")
    events, _ = await run_action(ValidateComplaintForm(), tracker)
    assert slots_set(events)["desired_remedy"] == "other"
    assert slots_set(events)["remedy_note"] == "你们看着办吧，给个满意的处理"


async def test_phone_numbers_are_normalised_and_declining_means_contact_here():
    tracker = _form_turn("+86 138-1234-5678", "give_details", "contact_phone",
                         after={"contact_phone": "+86 138-1234-5678"})
    events, _ = await run_action(ValidateComplaintForm(), tracker)
    assert slots_set(events)["contact_phone"] == "13812345678"

    tracker = _form_turn("不用了", "deny", "contact_phone")
    events, _ = await run_action(ValidateComplaintForm(), tracker)
    assert slots_set(events)["contact_phone"] == CONTACT_HERE


async def test_a_mistyped_phone_number_is_asked_again_politely():
    tracker = _form_turn("1381234567", "give_details", "contact_phone")
    events, [reply] = await run_action(ValidateComplaintForm(), tracker)
    assert slots_set(events)["contact_phone"] is None
    assert reply["utter_action"] == "utter_phone_invalid"


async def test_a_correction_mid_form_is_acknowledged():
    tracker = _form_turn("订单号说错了，是DD20261101002", "give_details", "desired_remedy",
                         entities={"order_number": "DD20261101002"},
                         before={"order_number": "DD20261101001"},
                         after={"order_number": "DD20261101002"})
    events, [reply] = await run_action(ValidateComplaintForm(), tracker)
    assert slots_set(events)["order_number"] == "DD20261101002"
    assert reply["utter_action"] == "utter_noted_correction"


async def test_an_order_number_given_when_asked_when_is_not_taken_as_the_time():
    tracker = _form_turn("订单号DD20261101777", "give_details", "incident_time",
                         {"order_number": "DD20261101777"},
                         after={"order_number": "DD20261101777"})
    events, _ = await run_action(ValidateComplaintForm(), tracker)
    assert slots_set(events)["incident_time"] is None
    assert slots_set(events)["order_number"] == "DD20261101777"


async def test_a_time_is_kept_with_the_day_it_means_and_punctuation_alone_is_not_a_story(monkeypatch):
    monkeypatch.setattr("actions.complaint_form.today", lambda: date(2026, 12, 5))
    tracker = _form_turn("上周三吧", "nlu_fallback", "incident_time")
    events, _ = await run_action(ValidateComplaintForm(), tracker)
    assert slots_set(events) == {"incident_time": "上周三", "incident_date": "2026-11-25"}
    tracker = _form_turn("？？", "nlu_fallback", "complaint_details")
    assert slots_set((await run_action(ValidateComplaintForm(), tracker))[0]).get("complaint_details") is None


async def test_the_answer_to_the_question_asked_is_validated_and_nothing_else_changes(monkeypatch):
    monkeypatch.setattr("actions.complaint_form.today", lambda: date(2026, 12, 5))
    events, _ = await run_action(ValidateComplaintForm(), _form_turn("上个月底吧", "give_details", "incident_time"))
    assert slots_set(events) == {"incident_time": "上个月底", "incident_date": None}
    tracker = _form_turn("订单号是DD20261101001，昨天到的", "give_details", "order_number",
                         before={"incident_time": "上周三"})
    assert slots_set((await run_action(ValidateComplaintForm(), tracker))[0]) == {"order_number": "DD20261101001"}


async def test_a_question_mid_form_or_text_outside_the_form_is_no_answer():
    aside = _form_turn("退货期限是几天？", "ask_policy_return_window", "incident_time")
    assert slots_set((await run_action(ValidateComplaintForm(), aside))[0]) == {}
    outside = make_tracker([("上个月底吧", "give_details", {})], slots_before_last={"requested_slot": "incident_time"})
    assert slots_set((await run_action(ValidateComplaintForm(), outside))[0]) == {}


# ---- what is not an answer is routed, not stored (issue 15) -----------------------------------
def _names(replies):
    return [reply["utter_action"] for reply in replies]


async def test_giving_up_is_not_an_order_number_it_ends_the_form_and_keeps_the_complaint(fresh_services):
    tracker = _form_turn("算了不投诉了，太麻烦了", "complain_general", "order_number",
                         before={"complaint_details": "耳机左耳没声音", "complaint_category": "quality",
                                 "incident_time": "上周五"})
    events, replies = await run_action(ValidateComplaintForm(), tracker)
    assert _names(replies) == ["utter_complaint_withdrawn"]
    assert slots_set(events)["order_number"] is None and slots_set(events)["requested_slot"] is None
    assert {"event": "active_loop", "name": None} in [{k: e.get(k) for k in ("event", "name")} for e in events]
    stored = fresh_services.store.get(slots_set(events)["complaint_id"])
    assert stored.status == "closed" and "耳机左耳没声音" in stored.description


async def test_chit_chat_is_not_a_remedy():
    events, replies = await run_action(ValidateComplaintForm(), _form_turn("嗯", "affirm", "desired_remedy"))
    assert _names(replies) == ["utter_chitchat_ack"]
    assert slots_set(events) == {"desired_remedy": None}, "nothing stored: the question is asked again"


async def test_an_answer_to_another_question_fills_that_field_not_the_one_asked():
    events, _ = await run_action(ValidateComplaintForm(), _form_turn("把差价退给我", "request_remedy", "incident_time"))
    assert slots_set(events) == {"desired_remedy": "refund", "remedy_note": None, "incident_time": None}
    events, _ = await run_action(ValidateComplaintForm(), _form_turn("13800001234", "give_details", "desired_remedy"))
    assert slots_set(events) == {"contact_phone": "13800001234", "desired_remedy": None}


async def test_a_question_is_answered_and_the_question_asked_again():
    why = _form_turn("为什么要留电话？", "out_of_scope", "contact_phone")
    events, replies = await run_action(ValidateComplaintForm(), why)
    assert _names(replies) == ["utter_why_contact_phone"] and slots_set(events) == {"contact_phone": None}
    other = _form_turn("你们是真人吗？", "nlu_fallback", "incident_time")
    events, replies = await run_action(ValidateComplaintForm(), other)
    assert _names(replies) == ["utter_question_noted"] and slots_set(events) == {"incident_time": None}
    aside = _form_turn("今天中午", "out_of_scope", "incident_time")
    assert "incident_time" in slots_set((await run_action(ValidateComplaintForm(), aside))[0])


async def test_a_correction_changes_only_the_field_it_names_once():
    tracker = _form_turn("订单号写错了，是DD20261120099", "correct", "contact_phone",
                         before={"complaint_details": "跑鞋开胶", "order_number": "DD20261120031",
                                 "desired_remedy": "refund"})
    events, replies = await run_action(ValidateComplaintForm(), tracker)
    assert _names(replies) == ["utter_noted_correction"]
    assert slots_set(events) == {"order_number": "DD20261120099", "contact_phone": None}
    tracker = _form_turn("13912345678", "give_details", "contact_phone",
                         before={"complaint_details": "跑鞋开胶", "order_number": "DD20261120099"})
    events, replies = await run_action(ValidateComplaintForm(), tracker)
    assert replies == [] and slots_set(events) == {"contact_phone": "13912345678"}, "an answer is no correction"


async def test_a_whole_complaint_in_one_message_fills_every_field():
    text = "我上周三买的跑鞋，订单号DD20261101001，才穿两天就开胶了，想退款，电话13812345678"
    tracker = make_tracker([(text, "give_details", {})], active_loop="complaint_form")
    events, _ = await run_action(ValidateComplaintForm(), tracker)
    slots = slots_set(events)
    assert slots["complaint_details"] == text and slots["order_number"] == "DD20261101001"
    assert slots["desired_remedy"] == "refund" and slots["contact_phone"] == "13812345678"
    assert slots["incident_time"] == "上周三" and slots["incident_date"]


# ---- answers said in a real conversation's order ------------------------------------------------
async def test_a_time_said_more_precisely_later_replaces_the_vaguer_one(monkeypatch):
    monkeypatch.setattr("actions.complaint_form.today", lambda: date(2026, 12, 5))
    tracker = _form_turn("这个月一号扣的", "complain_price_billing", "order_number",
                         before={"complaint_details": "宽带多扣了五十", "incident_time": "这个月"})
    events, replies = await run_action(ValidateComplaintForm(), tracker)
    assert _names(replies) == ["utter_noted_correction"], "no 'I did not understand' to a better answer"
    assert slots_set(events) == {"incident_time": "这个月一号", "incident_date": "2026-12-01", "order_number": None}
    tracker = _form_turn("昨天打过电话问了", "give_details", "order_number",
                         before={"complaint_details": "宽带多扣了五十", "incident_time": "上周"})
    events, _ = await run_action(ValidateComplaintForm(), tracker)
    assert "incident_time" not in slots_set(events), "another time is about something else"


async def test_a_correction_is_of_the_value_it_gives_not_of_a_field_it_only_mentions(monkeypatch):
    monkeypatch.setattr("actions.complaint_form.today", lambda: date(2026, 12, 5))
    tracker = _form_turn("不对，是前天晚上，订单号我找一下", "nlu_fallback", "order_number",
                         before={"complaint_details": "外卖少了一份饮料", "incident_time": "昨天晚上"})
    events, replies = await run_action(ValidateComplaintForm(), tracker)
    assert _names(replies) == ["utter_noted_correction"]
    assert slots_set(events) == {"incident_time": "前天晚上", "incident_date": "2026-12-03", "order_number": None}


async def test_a_wish_read_as_a_policy_question_is_still_the_answer():
    tracker = _form_turn("我要退回多扣的钱", "ask_policy_refund_time", "desired_remedy")
    events, _ = await run_action(ValidateComplaintForm(), tracker)
    assert slots_set(events)["desired_remedy"] == "other"
    assert slots_set(events)["remedy_note"] == "我要退回多扣的钱"
    question = _form_turn("退款要多久？", "ask_policy_refund_time", "desired_remedy")
    assert slots_set((await run_action(ValidateComplaintForm(), question))[0]) == {}, "the policy rule answers"


async def test_no_phone_said_before_it_is_asked_is_kept():
    events, _ = await run_action(ValidateComplaintForm(), _form_turn("不想留电话", "deny", "desired_remedy"))
    assert slots_set(events) == {"contact_phone": CONTACT_HERE, "desired_remedy": None}


async def test_more_of_the_story_told_mid_form_is_kept_and_acknowledged():
    tracker = _form_turn("到了还是坏的！！！", "complain_general", "incident_time",
                         before={"complaint_details": "买个东西等了半个月"})
    events, replies = await run_action(ValidateComplaintForm(), tracker)
    assert _names(replies) == ["utter_noted_detail"], "never 'which day?' to more of what happened"
    assert slots_set(events) == {"complaint_details": "买个东西等了半个月；到了还是坏的！！！", "incident_time": None}
    tracker = _form_turn("我要投诉", "complain_general", "incident_time",
                         before={"complaint_details": "买个东西等了半个月"})
    events, replies = await run_action(ValidateComplaintForm(), tracker)
    assert "complaint_details" not in slots_set(events) and "utter_noted_detail" not in _names(replies)


async def test_venting_at_the_order_question_is_not_taken_for_a_shop_or_a_product():
    events, _ = await run_action(ValidateComplaintForm(), _form_turn("我真的很生气！！！！", "vent", "order_number"))
    assert slots_set(events) == {}, "nothing stored: the venting rule answers, then the question again"
    tracker = _form_turn("气死了，东西都是坏的", "complain_quality", "order_number",
                         before={"complaint_details": "吹风机用一次就烧了"})
    slots = slots_set((await run_action(ValidateComplaintForm(), tracker))[0])
    assert slots["order_number"] is None and slots["complaint_details"].endswith("东西都是坏的")
    tracker = _form_turn("华为手机，在专卖店买的", "give_details", "order_number")
    slots = slots_set((await run_action(ValidateComplaintForm(), tracker))[0])
    assert slots["order_number"] == "华为手机，在专卖店买的"


async def test_the_kind_of_trouble_heard_first_stays_through_the_form():
    tracker = _form_turn("全额退款，运费也要你们出", "complain_refund_return", "desired_remedy",
                         before={"complaint_details": "蓝牙音箱有杂音", "complaint_category": "quality"},
                         after={"complaint_category": "refund_return"})
    slots = slots_set((await run_action(ValidateComplaintForm(), tracker))[0])
    assert slots["complaint_category"] == "quality" and slots["desired_remedy"] == "refund"
    tracker = _form_turn("/complain_delivery", "complain_delivery", "complaint_category",
                         before={"complaint_details": "快递一周了还没到"}, after={"complaint_category": "delivery"})
    assert slots_set((await run_action(ValidateComplaintForm(), tracker))[0])["complaint_category"] == "delivery"
