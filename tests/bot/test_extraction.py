"""What customers write becomes dates, amounts, phone and order numbers."""
from datetime import date
from decimal import Decimal

import pytest

from bot.dates import number, parse_date
from bot.extraction import amount_value, find_entity, normalise_phone, parse_amount

MONDAY = date(2026, 11, 23)


@pytest.mark.parametrize("text, expected", [
    ("昨天", date(2026, 11, 22)),
    ("前天晚上", date(2026, 11, 21)),
    ("上周三", date(2026, 11, 18)),
    ("上個星期五", date(2026, 11, 20)),       # Traditional
    ("这周一", date(2026, 11, 23)),
    ("周六", date(2026, 11, 21)),              # the most recent Saturday, not the coming one
    ("3月5号", date(2026, 3, 5)),
    ("12月1号", date(2025, 12, 1)),            # without a year: in the past
    ("2026-03-05", date(2026, 3, 5)),
    ("2026年3月5日下午", date(2026, 3, 5)),
    ("两天前", date(2026, 11, 21)),
    ("一个星期前", date(2026, 11, 16)),
    ("25号", date(2026, 10, 25)),              # a day of the month still to come: last month
    ("十一月二十日", date(2026, 11, 20)),
])
def test_dates_customers_write(text, expected):
    assert parse_date(text, MONDAY) == expected


@pytest.mark.parametrize("text", ["上个月", "前几天", "不记得了", "", "2月30号"])
def test_vague_or_impossible_dates_are_none(text):
    assert parse_date(text, MONDAY) is None


@pytest.mark.parametrize("text, expected", [
    ("鞋子299元", Decimal("299")), ("¥1,299.50", Decimal("1299.50")),
    ("两百块", Decimal("200")), ("花了三千多块钱", Decimal("3000")), ("一万二千块", Decimal("12000")),
    ("3万元", Decimal("30000")), ("1.5万块", Decimal("15000")), ("花了两万五", Decimal("25000")),
    ("三千五块", Decimal("3500")),
])
def test_amounts(text, expected):
    assert parse_amount(text) == expected


@pytest.mark.parametrize("kept, expected", [
    ("28000", Decimal(28000)), ("1.2万", Decimal(12000)), ("两万八", Decimal(28000)), ("299元", Decimal(299))])
def test_a_sum_as_the_amount_entity_or_the_form_keeps_it(kept, expected):
    """The NLU's amount entity holds the number alone ("1.2万"): a large sum for the escalation
    rules all the same."""
    assert amount_value(kept) == expected


def test_no_amount():
    assert parse_amount("我打了12315") is None
    assert parse_amount("我都说了一万遍了") is None


def test_chinese_numerals():
    assert [number(t) for t in ["十", "十二", "二十", "两百零五", "三千五百", "x"]] == [
        10, 12, 20, 205, 3500, None]
    assert [number(t) for t in ["三千五", "两万五", "一百零五", "十五"]] == [3500, 25000, 105, 15]


def test_phone_and_order_number_use_the_nlu_regexes():
    assert find_entity("phone", "电话是13812345678谢谢") == "13812345678"
    assert find_entity("order_number", "订单DD20261101001有问题") == "DD20261101001"
    assert find_entity("order_number", "我手机13812345678") is None


def test_phone_normalisation():
    assert normalise_phone("+86 138-1234-5678") == "13812345678"
    assert normalise_phone("021 12345678") == "021-12345678"
    assert normalise_phone("0571-87654321") == "0571-87654321"
