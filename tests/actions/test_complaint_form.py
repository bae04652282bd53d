"""The form takes the customer's words as answers, keeps the whole story and normalises what the
customer gives. Rasa sends only what it extracted itself (entities, intents): the text answers are
the action's to take (domain.yml's `custom` text mappings)."""
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
    assert slots_set(events)["complaint_details"] == "鞋子开胶了"
    assert slots_set(events)["complaint_category"] == "quality"


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


async def test_an_unclear_answer_is_kept_but_punctuation_alone_is_not_a_story():
    tracker = _form_turn("上周三吧", "nlu_fallback", "incident_time")
    assert slots_set((await run_action(ValidateComplaintForm(), tracker))[0])["incident_time"] == "上周三吧"
    tracker = _form_turn("？？", "nlu_fallback", "complaint_details")
    assert slots_set((await run_action(ValidateComplaintForm(), tracker))[0])["complaint_details"] is None


async def test_the_answer_to_the_question_asked_is_the_customers_text_and_an_entity_comes_first():
    events, _ = await run_action(ValidateComplaintForm(), _form_turn("上个月底吧", "give_details", "incident_time"))
    assert slots_set(events) == {"incident_time": "上个月底吧"}
    tracker = _form_turn("订单号是DD20261101001", "give_details", "order_number",
                         {"order_number": "DD20261101001"}, after={"order_number": "DD20261101001"})
    assert slots_set((await run_action(ValidateComplaintForm(), tracker))[0]) == {"order_number": "DD20261101001"}


async def test_a_question_mid_form_or_text_outside_the_form_is_no_answer():
    aside = _form_turn("退货期限是几天？", "ask_policy_return_window", "incident_time")
    assert slots_set((await run_action(ValidateComplaintForm(), aside))[0]) == {}
    outside = make_tracker([("上个月底吧", "give_details", {})], slots_before_last={"requested_slot": "incident_time"})
    assert slots_set((await run_action(ValidateComplaintForm(), outside))[0]) == {}
