"""Pieces of a conversation become complaint fields."""
import pytest

from bot.complaints import (
    CONTACT_HERE, contact_answer, incident_time_answer, merge_description, normalise_complaint_id,
    split_order_reference,
)


def test_the_story_grows_without_repeating_itself():
    story = merge_description(None, "鞋子开胶了")
    story = merge_description(story, "而且客服不理我")
    assert story == "鞋子开胶了；而且客服不理我"
    assert merge_description(story, "鞋子开胶了") == story


def test_order_numbers_are_told_apart_from_product_descriptions():
    assert split_order_reference("订单号dd20261101001") == ("DD20261101001", None)
    assert split_order_reference("在万达店买的黑色运动鞋") == (None, "在万达店买的黑色运动鞋")
    assert split_order_reference(None) == (None, None)


def test_complaint_ids_are_normalised():
    assert normalise_complaint_id("ts20261122-1") == "TS-20261122-0001"
    assert normalise_complaint_id(" TS-20261122-0042 ") == "TS-20261122-0042"


@pytest.mark.parametrize("answer, contact", [
    ("13812345678", "13812345678"), ("电话 138-1234-5678", "13812345678"),
    ("不用了，就在这里联系吧", CONTACT_HERE), ("没有", CONTACT_HERE), ("", CONTACT_HERE),
    ("1381234567", None), ("138123456789", None),  # a digit too few or too many: mistyped
])
def test_a_contact_is_a_phone_number_the_conversation_itself_or_a_mistyped_number(answer, contact):
    assert contact_answer(answer) == contact


@pytest.mark.parametrize("answer, when", [
    ("上周五收到的", "上周五收到的"), (" 昨天 ", "昨天"), ("？？", None), (None, None),
    ("订单号DD20261120031", None), ("13812345678", None),  # given instead of a time
])
def test_a_time_is_the_customers_words_not_an_order_number_or_phone(answer, when):
    assert incident_time_answer(answer) == when
