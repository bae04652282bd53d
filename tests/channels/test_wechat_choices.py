"""Buttons on WeChat: numbered options, and a reply of just the number picks that option."""
from __future__ import annotations

import logging

import pytest

from bot.responses import load_responses
from channels.keyvalue import KeyValue, RedisKeyValue
from channels.wechat.choices import HINT_RESPONSE, Choices, chosen_number, hint_for, numbered

CATEGORY_BUTTONS = [
    {"title": "商品质量", "payload": "/complain_quality"},
    {"title": "物流配送", "payload": "/complain_delivery"},
    {"title": "服务态度", "payload": "/complain_service_attitude"},
]


def test_options_are_numbered_under_the_text():
    assert numbered("这主要是哪方面的问题呢？", ["商品质量", "物流配送"], "回复数字即可：") == (
        "这主要是哪方面的问题呢？\n\n回复数字即可：\n1. 商品质量\n2. 物流配送")
    assert numbered("以上都对吗？", ["没错", "有地方要改"], None) == "以上都对吗？\n\n1. 没错\n2. 有地方要改"


@pytest.mark.parametrize("reply, number", [
    ("2", 2), (" 2 ", 2), ("２", 2), ("2.", 2), ("2、", 2), ("10", 10),
    ("2个", None), ("13812345678", None), ("第二个", None), ("", None),
])
def test_a_reply_is_a_choice_only_when_it_is_just_a_number(reply, number):
    assert chosen_number(reply) == number


async def test_the_number_picks_the_last_options_shown(keyvalue: KeyValue):
    choices = Choices(keyvalue, remember_s=60)
    await choices.remember("o-customer", CATEGORY_BUTTONS)
    assert await choices.resolve("o-customer", "2") == {"title": "物流配送", "payload": "/complain_delivery"}
    assert await choices.resolve("o-customer", "4") is None, "no such option: the text stays text"
    assert await choices.resolve("o-customer", "物流") is None
    assert await choices.resolve("o-someone-else", "1") is None

    await choices.forget("o-customer")  # the next message had no buttons
    assert await choices.resolve("o-customer", "1") is None


async def test_any_instance_maps_the_number(redis_keyvalue: RedisKeyValue, redis_url: str):
    await Choices(redis_keyvalue, 60).remember("o-customer", CATEGORY_BUTTONS)
    other_instance = Choices(RedisKeyValue(redis_url, redis_keyvalue.prefix), 60)
    assert (await other_instance.resolve("o-customer", "1"))["payload"] == "/complain_quality"


async def test_without_redis_numbers_are_just_text_and_the_conversation_goes_on():
    choices = Choices(RedisKeyValue("redis://127.0.0.1:1/0", "test"), 60)
    await choices.remember("o-customer", CATEGORY_BUTTONS)
    assert await choices.resolve("o-customer", "1") is None


def test_the_hint_comes_from_the_domain_in_the_customers_script(caplog: pytest.LogCaptureFixture):
    responses = load_responses()
    with caplog.at_level(logging.WARNING):
        simplified, traditional = hint_for("这主要是哪方面的问题呢？"), hint_for("這主要是哪方面的問題呢？")
    try:
        expected = responses.variants(HINT_RESPONSE)
    except KeyError:  # not in domain.yml yet: asked for, and the options go out without it
        assert simplified is None and traditional is None
        assert HINT_RESPONSE in caplog.text
        return
    assert simplified in expected
    assert traditional not in expected or traditional == simplified
