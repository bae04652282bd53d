"""Pieces of a conversation become complaint fields."""
from bot.complaints import merge_description, normalise_complaint_id, split_order_reference


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
