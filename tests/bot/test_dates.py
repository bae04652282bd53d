"""Time expressions read from customers' words and resolved on the Chinese calendar."""
from datetime import date

import pytest

from bot.dates import TimeAnswer, read_time

SATURDAY = date(2026, 12, 5)


@pytest.mark.parametrize("text, words, day", [
    ("前天", "前天", date(2026, 12, 3)),
    ("大前天下午", "大前天下午", date(2026, 12, 2)),
    ("上周三", "上周三", date(2026, 11, 25)),
    ("大概是上周三吧", "上周三", date(2026, 11, 25)),
    ("上個禮拜三", "上個禮拜三", date(2026, 11, 25)),     # Traditional: shown as said
    ("上个月15号", "上个月15号", date(2026, 11, 15)),
    ("上个月十五号晚上", "上个月十五号晚上", date(2026, 11, 15)),
    ("双十一那天", "双十一那天", date(2026, 11, 11)),
    ("去年双十一", "去年双十一", date(2025, 11, 11)),
    ("国庆前", "国庆前", date(2026, 9, 30)),             # the day before the holiday starts
    ("国庆后", "国庆后", date(2026, 10, 8)),
    ("春节前", "春节前", date(2026, 2, 14)),             # chinese_calendar: off from 2月15日
    ("今天中午", "今天中午", SATURDAY),
    ("今天中午12点左右", "今天中午12点左右", SATURDAY),
    ("琴日", "琴日", date(2026, 12, 4)),                 # Cantonese: yesterday
    ("寻晚送到嘅", "寻晚", date(2026, 12, 4)),           # Cantonese: last night
    ("头先", "头先", SATURDAY),                           # Cantonese: just now
    ("两个星期前", "两个星期前", date(2026, 11, 21)),
    ("12月1号", "12月1号", date(2026, 12, 1)),
    ("12月8号", "12月8号", date(2025, 12, 8)),           # still to come this year: last year's
    ("25号", "25号", date(2026, 11, 25)),
])
def test_time_expressions_resolve_to_the_day_they_mean(text, words, day):
    assert read_time(text, SATURDAY) == TimeAnswer(words, day)


@pytest.mark.parametrize("text", ["上个月", "前几天", "前两天", "前两日", "前些日子", "最近", "11月"])
def test_vague_times_are_times_without_a_day(text):
    answer = read_time(text, SATURDAY)
    assert answer is not None and answer.day is None and answer.words == text


@pytest.mark.parametrize("text", [
    "不要了，退款", "把差价退给我", "算了不投诉了，太麻烦了", "13800001234", "DD20261120031", "嗯",
    "地铁3号线出口", "部機用咗兩日就壞咗",  # two days of use, not the 2nd
])
def test_what_is_no_time(text):
    assert read_time(text, SATURDAY) is None


def test_the_read_back_shows_the_words_and_the_day():
    assert read_time("上周三", SATURDAY).describe(SATURDAY) == "上周三（11月25日）"
    assert read_time("3月5号", SATURDAY).describe(SATURDAY) == "3月5号"
    assert read_time("12月8号", SATURDAY).describe(SATURDAY) == "12月8号（2025年12月8日）"
    assert read_time("前几天", SATURDAY).describe(SATURDAY) == "前几天"
