"""Every answer of the complaint form is taken for what it is (issue 15), through the REST
channel with the real Rasa and action servers: what is not an answer is routed, not stored."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.dates import read_time
from bot.storage import ComplaintStore
from tests.auxil.stack import Stack

OPENING = "我买的蓝牙耳机才用了三天左耳就没声音了"


def _sender() -> str:
    return f"answers-{uuid.uuid4().hex[:8]}"


def _text(replies) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


def _today() -> date:
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


def _to_remedy_question(stack: Stack, sender: str) -> None:
    assert stack.responses_to(sender, OPENING)[-1] == "utter_ask_incident_time"
    assert stack.responses_to(sender, "上周五收到的")[-1] == "utter_ask_order_number"
    assert stack.responses_to(sender, "订单号DD20261120031")[-1] == "utter_ask_desired_remedy"


def test_giving_up_ends_the_form_politely_and_keeps_the_complaint(stack: Stack):
    sender = _sender()
    stack.say(sender, OPENING)
    stack.say(sender, "上周五收到的")
    assert stack.responses_to(sender, "算了不投诉了，太麻烦了") == ["utter_complaint_withdrawn"]
    tracker = stack.tracker(sender)
    assert tracker["active_loop"] in ({}, None) or not tracker["active_loop"].get("name")
    assert tracker["slots"]["order_number"] is None
    stored = ComplaintStore(stack.database_url).get(tracker["slots"]["complaint_id"])
    assert stored.status == "closed" and "左耳就没声音了" in stored.description


def test_chit_chat_and_answers_to_other_questions_are_not_stored_as_the_answer(stack: Stack):
    sender = _sender()
    _to_remedy_question(stack, sender)
    assert stack.responses_to(sender, "嗯") == ["utter_chitchat_ack", "utter_ask_desired_remedy"]
    assert stack.tracker(sender)["slots"]["desired_remedy"] is None
    assert stack.responses_to(sender, "13800001234")[-1] == "utter_ask_desired_remedy"
    slots = stack.tracker(sender)["slots"]
    assert slots["contact_phone"] == "13800001234" and slots["desired_remedy"] is None
    replies = stack.say(sender, "把差价退给我")
    assert stack.responses(sender)[-1] == "utter_read_back", "the phone was given: nothing left to ask"
    assert "退款" in _text(replies) and "13800001234" in _text(replies)


def test_a_time_is_kept_with_the_day_it_means(stack: Stack):
    sender = _sender()
    stack.say(sender, OPENING)
    assert stack.responses_to(sender, "不要了，退款")[-1] == "utter_ask_incident_time"
    assert stack.tracker(sender)["slots"]["desired_remedy"] == "refund"
    assert stack.responses_to(sender, "今天中午")[-1] == "utter_ask_order_number"
    slots = stack.tracker(sender)["slots"]
    assert slots["incident_time"] == "今天中午" and slots["incident_date"]
    stack.say(sender, "订单号DD20261120031")
    read_back = _text(stack.say(sender, "不用留电话"))
    assert stack.responses(sender) == ["utter_read_back"]
    month, day = int(slots["incident_date"][5:7]), int(slots["incident_date"][8:])
    assert f"今天中午（{month}月{day}日）" in read_back, "the words and the day they mean"


def test_a_correction_changes_only_the_field_it_names_once(stack: Stack):
    sender = _sender()
    _to_remedy_question(stack, sender)
    assert stack.responses_to(sender, "订单号写错了，是DD20261120099") == [
        "utter_noted_correction", "utter_ask_desired_remedy"]
    assert stack.responses_to(sender, "换一个新的吧") == ["utter_ask_contact_phone"], "an answer, no correction"
    read_back = _text(stack.say(sender, "13812345678"))
    assert stack.responses(sender) == ["utter_read_back"]
    slots = stack.tracker(sender)["slots"]
    assert slots["order_number"] == "DD20261120099" and slots["desired_remedy"] == "exchange"
    assert slots["incident_time"] == "上周五" and "写错" not in slots["complaint_details"]
    assert "DD20261120099" in read_back


def test_a_question_mid_form_is_answered_and_the_question_asked_again(stack: Stack):
    sender = _sender()
    _to_remedy_question(stack, sender)
    stack.say(sender, "换货")
    assert stack.responses_to(sender, "为什么要留电话？") == ["utter_why_contact_phone", "utter_ask_contact_phone"]
    read_back = _text(stack.say(sender, "+852 9123 4567"))
    assert stack.responses(sender) == ["utter_read_back"] and "+852 91234567" in read_back


def test_a_whole_complaint_in_one_message_is_taken_whole(stack: Stack):
    sender = _sender()
    read_back = _text(stack.say(
        sender, "我上周三买的跑鞋，订单号4200001234567890123，才穿两天就开胶了，想退款，电话13812345678"))
    assert stack.responses(sender)[-1] == "utter_read_back"
    for expected in ("开胶", "上周三（", "4200001234567890123", "退款", "13812345678"):
        assert expected in read_back, expected


def test_a_remedy_in_english_beside_an_order_number_that_is_none(stack: Stack):
    sender = _sender()
    stack.say(sender, OPENING)
    stack.say(sender, "上周五收到的")
    assert stack.responses_to(sender, "order no. is 123, refund please") == [
        "utter_order_number_invalid", "utter_ask_order_number"]
    slots = stack.tracker(sender)["slots"]
    assert slots["desired_remedy"] == "refund" and slots["order_number"] is None


def test_a_date_taken_back_a_question_and_chit_chat_mid_form(stack: Stack):
    """上个月15号 is kept as said, "不是…，是双十一那天" corrects it, "要多久" is answered and "哈哈好吧"
    is chit-chat; the read-back shows the festival with its day, and a Taiwan mobile with spaces."""
    sender = _sender()
    stack.say(sender, OPENING)
    assert stack.responses_to(sender, "上个月15号")[-1] == "utter_ask_order_number"
    assert stack.tracker(sender)["slots"]["incident_time"] == "上个月15号"
    assert stack.responses_to(sender, "不对，不是上个月15号，是双十一那天") == [
        "utter_noted_correction", "utter_ask_order_number"]
    assert stack.responses_to(sender, "要多久才能处理好？") == [
        "utter_progress_while_telling", "utter_ask_order_number"]
    assert stack.responses_to(sender, "哈哈好吧") == ["utter_chitchat_ack", "utter_ask_order_number"]
    stack.say(sender, "订单号DD20261111023")
    stack.say(sender, "退款")
    read_back = _text(stack.say(sender, "0912 345 678"))
    assert stack.responses(sender) == ["utter_read_back"]
    today = _today()
    assert read_time("双十一那天", today).describe(today) in read_back
    assert "0912345678" in read_back and "上个月15号" not in read_back


def test_a_cantonese_customer_is_understood(stack: Stack):
    sender = _sender()
    replies = _text(stack.say(sender, "部機用咗兩日就壞咗"))
    assert stack.responses(sender)[0].startswith("utter_empathy_") and "發生" in replies
    assert stack.responses_to(sender, "琴日先發現")[-1] == "utter_ask_order_number"
    assert stack.tracker(sender)["slots"]["incident_date"] == read_time("琴日", _today()).day.isoformat()
    assert stack.responses_to(sender, "冇單號，喺門市買嘅")[-1] == "utter_ask_desired_remedy"
    assert stack.responses_to(sender, "想換過個新嘅")[-1] == "utter_ask_contact_phone"
    read_back = _text(stack.say(sender, "9123 4567"))
    assert stack.responses(sender) == ["utter_read_back"] and "+852 91234567" in read_back
    assert "換貨" in read_back
    assert stack.responses_to(sender, "啱")[0] == "utter_complaint_recorded"


def test_two_problems_in_one_message_and_a_rude_question_mid_form(stack: Stack):
    sender = _sender()
    stack.say(sender, "外卖迟到了一个多小时，而且杯子碎了，奶茶洒了一袋子")
    assert stack.responses(sender)[-1] == "utter_ask_incident_time"
    stack.say(sender, "今天中午")
    names = stack.responses_to(sender, "你们是不是有病啊，送这么慢")
    assert names[0].startswith("utter_empathy_") and names[-1] == "utter_ask_order_number", names
    stack.say(sender, "美团订单123456789012")
    stack.say(sender, "退款")
    read_back = _text(stack.say(sender, "13812345678"))
    assert "迟到了一个多小时" in read_back and "杯子碎了" in read_back, "both problems are kept"


def test_a_whole_complaint_taken_for_details_gets_empathy_and_a_typed_button_title_works(stack: Stack):
    sender = _sender()
    stack.say(sender, "上周六在你们网店买的电饭煲，订单号DD20261128456，煮饭锅底糊得厉害，想换一个，电话 139-1234-5678")
    names = stack.responses(sender)
    assert names[0].startswith("utter_empathy_"), names
    if names[-1] == "utter_ask_complaint_category":  # the category is the one thing not said
        stack.say(sender, "商品质量")
    assert stack.responses(sender)[-1] == "utter_read_back"
    slots = stack.tracker(sender)["slots"]
    assert (slots["order_number"], slots["desired_remedy"], slots["contact_phone"]) == (
        "DD20261128456", "exchange", "13912345678")
    assert stack.responses_to(sender, "有地方要改") == ["utter_ask_correction"], "the button's title, typed"


def test_a_short_opener_that_names_the_problem_is_its_story(stack: Stack):
    for opener, story in (("我買的檯燈不亮", "台灯不亮"), ("衣服收到就是破的", "收到就是破的")):
        sender = _sender()
        stack.say(sender, opener)
        names = stack.responses(sender)
        assert names[0].startswith("utter_empathy_") and "utter_ask_complaint_details" not in names, names
        assert story in stack.tracker(sender)["slots"]["complaint_details"].replace("檯燈", "台灯")


def test_a_message_with_no_content_neither_answers_a_question_nor_confirms_the_read_back(stack: Stack):
    """Symbols or a filler syllable say nothing (issue 14): mid-form the question is asked again
    and nothing is stored; at the read-back the customer is told we did not understand and shown
    the complaint again, and it is filed only on a real yes (an `affirm` read into "&&&&" would
    have filed it), which still works after them."""
    sender = _sender()
    _to_remedy_question(stack, sender)
    assert stack.responses_to(sender, "喵喵喵喵")[-1] == "utter_ask_desired_remedy"
    assert stack.tracker(sender)["slots"]["desired_remedy"] is None
    assert stack.responses_to(sender, "退款")[-1] == "utter_ask_contact_phone"
    stack.say(sender, "13812345678")
    assert stack.responses(sender) == ["utter_read_back"]
    for nothing in ("&&&&", "😀😀"):  # (a third in a row would go to a person: utter_handoff_fallback)
        assert stack.responses_to(sender, nothing) == ["utter_fallback", "utter_read_back"], nothing
    assert stack.responses_to(sender, "对，没错")[0] == "utter_complaint_recorded"


def test_a_no_naming_a_problem_opens_a_complaint_and_a_no_to_the_read_back_is_still_a_no(stack: Stack):
    """No yes/no question is pending before the first message: a "no" that names a problem is the
    complaint (empathy, then what kind). After the read-back the same words correct it."""
    said = "不对 这样太不合理了"
    first = stack.responses_to(_sender(), said)
    assert first[0].startswith("utter_empathy_") and first[-1] == "utter_ask_complaint_category"
    sender = _sender()
    _to_remedy_question(stack, sender)
    stack.say(sender, "退款")
    stack.say(sender, "不用留电话")
    assert stack.responses(sender) == ["utter_read_back"]
    assert stack.responses_to(sender, said) == ["utter_ask_correction"]


def test_a_yes_that_changes_a_field_changes_it_before_the_complaint_is_filed(stack: Stack):
    """"对，但是电话改一下 139…" at the read-back, whether the NLU hears a yes or nothing it knows:
    the phone changes, the complaint is read back again, and the next yes files the new one."""
    sender = _sender()
    _to_remedy_question(stack, sender)
    stack.say(sender, "退款")
    stack.say(sender, "13812345678")
    assert stack.responses(sender) == ["utter_read_back"]
    names = stack.responses_to(sender, "对，但是电话改一下 13900001111")
    assert names[-2:] == ["utter_noted_correction", "utter_read_back"], names
    assert stack.responses_to(sender, "对")[0] == "utter_complaint_recorded"
    stored = ComplaintStore(stack.database_url).get(stack.tracker(sender)["slots"]["complaint_id"])
    assert stored.contact_phone == "13900001111"
