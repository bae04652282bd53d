"""False handoffs on the desk's chat turns (issue 14, handoff precision; docs/devset.md "False
handoffs on the desk's chat turns"), in sentences we wrote: a product or order number read as a large
sum, a quantity of 110 and a look-up on the net read as threats, "请问老板…" read as a request for
the owner, and an influencer's offer of business read as a public figure's complaint. Each kind next
to the real cases it must keep."""
from __future__ import annotations

from decimal import Decimal

import pytest

from bot.extraction import parse_amount
from tests.auxil.escalation import first_message_reasons as reasons


# --- a product or order number is not a sum -----------------------------------------------------

@pytest.mark.parametrize("text", [
    "561234987650买的就是这款",
    "帮我改下价格602938475611这个拍两袋",
    "原价731904528866的链接打不开",
])
def test_a_long_number_with_no_currency_is_not_a_sum(config, text):
    assert parse_amount(text) is None
    assert "high_value" not in reasons(text, config, "give_details", 0.8)


@pytest.mark.parametrize("text, amount", [
    ("这台电脑花了12000块", Decimal(12000)),
    ("8999买的手机屏幕碎了", Decimal(8999)),
    ("价格是6800，用了三天就坏", Decimal(6800)),
])
def test_a_sum_is_still_a_sum(text, amount):
    assert parse_amount(text) == amount


# --- a quantity of 110, a look-up on the net --------------------------------------------------

@pytest.mark.parametrize("text", ["我想订110个礼盒 多少钱", "那我先去网上搜搜看", "网购这么多年头一回这样"])
def test_no_recourse_in_a_quantity_or_a_look_up(config, text):
    assert "threat" not in reasons(text, config, "threaten", 0.7)


@pytest.mark.parametrize("text", ["再不给我退款我就打110", "我要把这事发到网上让大家评评理",
                                  "不处理我就去网上曝光你们"])
def test_the_police_and_the_net_as_recourse_still_threaten(config, text):
    assert "threat" in reasons(text, config, "threaten", 0.7)


# --- "请问老板…" asks, it fetches nobody ---------------------------------------------------------

def test_a_question_about_the_owner_is_not_a_request(config):
    assert "human_request" not in reasons("请问你们老板是男的还是女的", config, "out_of_scope", 0.8)


@pytest.mark.parametrize("text", ["请你们老板出来说话", "叫你们经理出来说话"])
def test_come_out_and_talk_is_a_request_for_a_person(config, text):
    assert "human_request" in reasons(text, config)


def test_the_manager_who_came_out_and_said_is_told_not_asked(config):
    assert "human_request" not in reasons("后来经理出来说是系统出了问题", config, "complain_general", 0.8)


# --- an influencer's offer of business ---------------------------------------------------------

def test_an_offer_of_business_is_not_a_public_figure_complaining(config):
    text = "你好，我是一位美妆主播的商务助理，粉丝两万多，想和贵店谈谈合作吗"
    assert "identity" not in reasons(text, config, "out_of_scope", 0.8)


def test_an_influencer_who_complains_still_is_one(config):
    assert "identity" in reasons("我是个主播，粉丝五万，你们就这样对待顾客？", config, "complain_general", 0.8)
