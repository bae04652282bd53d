"""Every answer of the complaint form is validated by what it is; the rest is routed."""
from datetime import date
from decimal import Decimal

import pytest

from bot.answers import (
    CONTACT_HERE, Kind, read_amount, read_message, read_order_number, read_phone, read_remedy, refines)
from bot.dates import TimeAnswer
from bot.extraction import parse_amount

TODAY = date(2026, 12, 5)


@pytest.mark.parametrize("text, phone", [
    ("13812345678", "13812345678"),
    ("138 1234 5678", "13812345678"),
    ("+86 138-1234-5678", "13812345678"),
    ("+852 9123 4567", "+852 91234567"),
    ("852-6123-4567", "+852 61234567"),
    ("+853 6612 3456", "+853 66123456"),
    ("0912-345-678", "0912345678"),
    ("+886 912 345 678", "+886 912345678"),
    ("021-12345678", "021-12345678"),
])
def test_phones(text, phone):
    assert read_phone(f"我的电话是{text}，谢谢") == phone


def test_a_phone_spelt_out_in_characters_is_a_phone():
    assert read_phone("一三八一二三四五六七八") == "13812345678"
    assert read_phone("手机幺三九 零零零零 一二三四") == "13900001234"
    assert read_phone("我住三楼一二三室") is None
    assert not _read("一三八一二三四五六七八", "contact_phone").tells_story


def test_eight_digits_are_a_hong_kong_mobile_only_when_a_phone_was_asked():
    assert read_phone("9123 4567", asked=True) == "+852 91234567"
    assert read_phone("9123 4567") is None


@pytest.mark.parametrize("text", ["12345", "1381234567", "订单DD20261120031", "TS-20261122-0001"])
def test_no_phones(text):
    assert read_phone(text, asked=True) is None


@pytest.mark.parametrize("text, order", [
    ("订单号DD20261120031", "DD20261120031"),
    ("dd20261120031", "DD20261120031"),
    ("单号是 4200001234567890123", "4200001234567890123"),  # 19-digit platform number
    ("京东的单号 312345678901", "312345678901"),
    ("240101-123456789012345", "240101-123456789012345"),
    ("SF1234567890123", "SF1234567890123"),
    ("身份证110101199003071234，订单号 4567890123456789", "4567890123456789"),
])
def test_order_numbers_of_known_formats(text, order):
    assert read_order_number(text) == order


@pytest.mark.parametrize("text", ["order no. is 123", "13812345678", "+86 13812345678", "TS-20261122-0001",
                                  "TS202611220001", "12315", "我的身份证号是110101199003071234，你们寄错东西了",
                                  "证件号码：110101199003071234"])
def test_what_is_no_order_number(text):
    assert read_order_number(text) is None


@pytest.mark.parametrize("text, remedy", [
    ("想退款", "refund"), ("把差价退给我", "refund"), ("不要了，退款", "refund"),
    ("refund please", "refund"), ("order no. is 123, refund please", "refund"),
    ("換過部新嘅", "exchange"), ("整返好佢", "repair"), ("换一个新的吧", "exchange"),
    ("给我道个歉", "apology"), ("给个说法", "explanation"), ("I want a replacement", "exchange"),
    ("不要退款，换一个", "exchange"), ("多扣的退给我", "refund"), ("差价返还给我", "refund"), ("把钱还给我", "refund"),
])
def test_remedies_in_customers_words(text, remedy):
    assert read_remedy(text) == remedy


@pytest.mark.parametrize("text", ["嗯", "13800001234", "上周三", "好吧"])
def test_what_is_no_remedy(text):
    assert read_remedy(text) is None


@pytest.mark.parametrize("text, amount", [
    ("两万八", Decimal(28000)), ("这台电脑两万八买的", Decimal(28000)), ("花了三千多块钱", Decimal(3000)),
    ("手机5999买的", Decimal(5999)), ("¥1,299.50", Decimal("1299.5")), ("1.5万块", Decimal(15000)),
])
def test_amounts_with_chinese_numerals(text, amount):
    assert parse_amount(text) == amount
    assert read_amount(text) == format(amount.normalize(), "f")


@pytest.mark.parametrize("text", ["我上周三买的跑鞋", "我们一块去的", "说了一万遍", "我打了12315"])
def test_no_amounts(text):
    assert parse_amount(text) is None


# ---- whole messages, as testers saw them --------------------------------------------------------
def _read(text, requested):
    return read_message(text, requested, TODAY)


@pytest.mark.parametrize("text, requested", [
    ("算了不投诉了，太麻烦了", "order_number"), ("不想弄了", "incident_time"), ("算了", "desired_remedy"),
    ("我不投诉了", "complaint_details"),
])
def test_giving_up_is_no_answer(text, requested):
    assert _read(text, requested).kind == Kind.WITHDRAW


@pytest.mark.parametrize("text", ["嗯", "哦", "好吧", "嗯嗯～", "好的！", "😂", "哈哈好吧", "哦好的"])
def test_chit_chat_is_no_answer(text):
    reading = _read(text, "desired_remedy")
    assert reading.kind == Kind.CHITCHAT and not reading.answers


def test_an_answer_to_another_question_fills_that_field_only():
    reading = _read("把差价退给我", "incident_time")
    assert reading.kind == Kind.ANSWER and dict(reading.answers) == {"desired_remedy": "refund"}
    reading = _read("13800001234", "desired_remedy")
    assert dict(reading.answers) == {"contact_phone": "13800001234"}
    reading = _read("不要了，退款", "incident_time")
    assert dict(reading.answers) == {"desired_remedy": "refund"}


def test_times_are_answers():
    assert _read("今天中午", "incident_time").answers["incident_time"] == TimeAnswer("今天中午", TODAY)
    assert _read("上个月15号", "incident_time").answers["incident_time"].day == date(2026, 11, 15)
    assert _read("不记得了", "incident_time").answers["incident_time"] == TimeAnswer("不记得了")


def test_a_correction_names_its_field_and_gives_its_value():
    reading = _read("订单号写错了，是DD20261120099", "contact_phone")
    assert reading.kind == Kind.CORRECTION and reading.corrected == "order_number"
    assert reading.answers["order_number"] == "DD20261120099"
    reading = _read("电话写错了，应该是13912345678", "desired_remedy")
    assert reading.corrected == "contact_phone" and reading.answers["contact_phone"] == "13912345678"
    assert _read("订单号不对", "desired_remedy").corrected == "order_number"
    assert _read("颜色不对，想换货", "desired_remedy").kind == Kind.ANSWER  # a complaint, not a correction


@pytest.mark.parametrize("text, field, value", [
    ("不对，不是昨天，是前天", "incident_time", TimeAnswer("前天", date(2026, 12, 3))),
    ("不是昨天是前天", "incident_time", TimeAnswer("前天", date(2026, 12, 3))),
    ("订单号不是DD20261120031，是DD20261120099", "order_number", "DD20261120099"),
])
def test_a_value_taken_back_corrects_with_the_one_that_follows(text, field, value):
    reading = _read(text, "order_number" if field != "order_number" else "contact_phone")
    assert (reading.kind, reading.corrected, dict(reading.answers)) == (Kind.CORRECTION, field, {field: value})
    assert _read("不是我买的，是我老婆买的", "order_number").kind == Kind.ANSWER  # no value taken back


def test_a_correction_is_of_the_value_said_before_the_field_it_mentions():
    reading = _read("不对，是前天晚上，订单号我找一下", "order_number")
    assert (reading.corrected, reading.answers["incident_time"].words) == ("incident_time", "前天晚上")
    assert _read("订单号不对，我昨天才下的单", "desired_remedy").corrected == "order_number"


def test_questions_are_no_answers():
    reading = _read("为什么要留电话？", "contact_phone")
    assert reading.kind == Kind.QUESTION and reading.asks_why
    assert _read("要多久才能处理好？", "incident_time").kind == Kind.QUESTION


def test_a_whole_complaint_in_one_message():
    reading = _read("我上周三买的跑鞋，订单号DD20261101001，才穿两天就开胶了，想退款，电话13812345678", None)
    assert reading.kind == Kind.ANSWER and reading.tells_story
    assert reading.answers["incident_time"].day == date(2026, 11, 25)
    assert reading.answers["order_number"] == "DD20261101001"
    assert reading.answers["desired_remedy"] == "refund"
    assert reading.answers["contact_phone"] == "13812345678"
    assert "amount" not in reading.answers


def test_details_alone_tell_no_story():
    assert not _read("订单号DD20261120031", None).tells_story
    reading = _read("昨天", "complaint_details")  # asked what happened: a time is no story
    assert not reading.tells_story and reading.answers["incident_time"].words == "昨天"
    assert _read("质量问题", "complaint_details").tells_story
    assert _read("我要投诉", None).kind == Kind.NOTHING


def test_no_phone_said_unasked_only_in_words_that_name_the_phone():
    assert _read("不想留电话", "desired_remedy").answers["contact_phone"] == CONTACT_HERE
    assert _read("不用打电话给我，直接退款", "desired_remedy").answers == {
        "contact_phone": CONTACT_HERE, "desired_remedy": "refund"}
    assert "contact_phone" not in _read("客服电话打不通，太不方便了", None).answers
    assert "contact_phone" not in _read("不方便", "desired_remedy").answers


def test_a_time_said_again_more_precisely_refines_it():
    assert refines("incident_time", "昨天", TimeAnswer("昨天下午", date(2026, 12, 4)))
    assert refines("incident_time", "这个月", TimeAnswer("这个月一号", date(2026, 12, 1)))
    assert not refines("incident_time", "上周", TimeAnswer("昨天", date(2026, 12, 4)))
    assert not refines("incident_time", "昨天", TimeAnswer("昨天", date(2026, 12, 4)))
    assert not refines("order_number", "DD2026112", "DD20261120031")


def test_phone_question_answers():
    assert _read("不用了", "contact_phone").answers["contact_phone"] == CONTACT_HERE
    assert _read("9123 4567", "contact_phone").answers["contact_phone"] == "+852 91234567"
    assert _read("1381234", "contact_phone").invalid == "contact_phone"


def test_order_question_answers():
    assert _read("在门店买的，一双跑鞋", "order_number").answers["order_number"] == "在门店买的，一双跑鞋"
    reading = _read("order no. is 123, refund please", "order_number")
    assert dict(reading.answers) == {"desired_remedy": "refund"} and reading.invalid == "order_number"
    assert _read("123", "order_number").invalid == "order_number"


def test_a_remedy_left_to_us_or_claimed_by_law_is_an_answer():
    reading = _read("你们说怎么办吧", "desired_remedy")
    assert (reading.kind, reading.answers["desired_remedy"]) == (Kind.ANSWER, "other")
    assert dict(_read("假一赔三", "desired_remedy").answers) == {"desired_remedy": "compensation"}, "三 is no sum"
    assert _read("赔我500块", "desired_remedy").answers["amount"] == "500"


def test_a_remedy_done_already_is_no_wish_and_the_customer_may_be_giving_up():
    assert read_remedy("已经退款了") is None and read_remedy("我自己修好了") is None
    assert read_remedy("帮我修好") == "repair"
    assert _read("没事了，我自己修好了", "incident_time").kind == Kind.WITHDRAW


def test_words_taken_for_the_order_question_are_marked_as_a_guess():
    assert _read("华为手机，在专卖店买的", "order_number").guessed
    assert not _read("没有订单号，超市买的", "order_number").guessed
    assert not _read("DD20261120031", "order_number").guessed


def test_a_wish_in_own_words_is_remedy_other():
    reading = _read("你们看着办吧", "desired_remedy")
    assert reading.answers["desired_remedy"] == "other" and reading.answers["remedy_note"] == "你们看着办吧"
