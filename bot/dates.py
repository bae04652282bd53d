"""When something happened, as customers say it: a time expression read from a message and
resolved to the day it means on the Chinese calendar (前天, 上周三, 上个月15号, 双十一, 国庆前,
今天中午), kept together with the words said.

Dates without a year, and days of the week or month said without "this" or "last", are taken
in the past: a customer tells when something already happened. Public holidays come from
`chinese_calendar` (the statutory holiday of the year: 国庆前 is the day before it starts);
festivals on a fixed day of the year (双十一, 元旦, 618) need no calendar.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Callable, List, Optional, Tuple

import chinese_calendar
import cn2an

from bot.script import to_simplified

#: A number as customers write it in a date: 15, 十五, 二十一.
_N = r"(\d{1,2}|[一二两三四五六七八九十]{1,3})"
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6,
             "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6}
#: What may follow a day: the part of the day, a clock time, "那天".
_SUFFIX = re.compile(
    r"(?:的)?(?:早上|早晨|上午|中午|下午|傍晚|晚上|夜里|半夜|凌晨|晚|夜)?"
    r"(?:\s*(?:\d{1,2}|[一二两三四五六七八九十]{1,3})\s*[点點](?:半|钟|\d{1,2}分?)?)?"
    r"(?:那天|当天|那会儿|那时候|的时候|左右|前后)?")
#: "X号" is not a day in 3号线, 5号楼, 2号门 …
_NOT_A_DAY = r"(?![线楼院码房室窗台桌柜门店位床座厅车机])"


@dataclass(frozen=True)
class TimeAnswer:
    """The customer's words for when, and the day they mean (None when vague: 上个月, 前几天)."""

    words: str
    day: Optional[date] = None

    def describe(self, today: date) -> str:
        """The words, with the day they mean when the words alone do not say it:
        上周三（11月25日）, 12月1号（2025年12月1日）, 3月5号."""
        if self.day is None:
            return self.words
        shown = (f"{self.day.month}月{self.day.day}日" if self.day.year == today.year
                 else f"{self.day.year}年{self.day.month}月{self.day.day}日")
        if _says_the_date(self.words) and self.day.year == today.year:
            return self.words
        return f"{self.words}（{shown}）"


def _says_the_date(words: str) -> bool:
    """Whether the words already name a month and day (3月5号, 2026-03-05)."""
    return bool(re.search(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|" + _N + r"\s*月\s*" + _N + r"\s*[日号]",
                          words)) and not re.search(r"[上这本]个?月", words)


def number(text: str) -> Optional[int]:
    """An Arabic or Chinese numeral (15, 十五, 两百) as an int, read by cn2an; None if not one."""
    try:
        value = cn2an.cn2an(text, "smart")
    except (ValueError, KeyError, IndexError):
        return None
    return int(value) if float(value).is_integer() else None


def _safe_date(year: int, month: int, day: int) -> Optional[date]:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _months_back(today: date, months: int, day: Optional[int] = None) -> Optional[date]:
    index = today.year * 12 + today.month - 1 - months
    year, month = divmod(index, 12)
    if day is None:
        for candidate in (today.day, 30, 29, 28):
            found = _safe_date(year, month + 1, candidate)
            if found:
                return found
    return _safe_date(year, month + 1, day or 1)


def _in_the_past(today: date, month: int, day: int, year: Optional[int] = None) -> Optional[date]:
    """Month and day in `year`, or the latest such day not after `today`."""
    if year is not None:
        return _safe_date(year, month, day)
    found = _safe_date(today.year, month, day)
    if found and found > today:
        found = _safe_date(today.year - 1, month, day)
    return found


# ---- festivals ------------------------------------------------------------------------------
#: Festival words -> a fixed (month, day), or the name of the statutory holiday in chinese_calendar.
_FESTIVALS: List[Tuple[str, Tuple[int, int], Optional[str]]] = [
    (r"双十一|双11", (11, 11), None),
    (r"双十二|双12", (12, 12), None),
    (r"618(?=大促|那天|活动|期间|的时候|前|后|买)", (6, 18), None),
    (r"元旦", (1, 1), "New Year's Day"),
    (r"国庆节?|十一长假|十一假期", (10, 1), "National Day"),
    (r"五一|劳动节", (5, 1), "Labour Day"),
    (r"春节|过年|大年初一", (0, 0), "Spring Festival"),
    (r"清明节?", (0, 0), "Tomb-sweeping Day"),
    (r"端午节?", (0, 0), "Dragon Boat Festival"),
    (r"中秋节?", (0, 0), "Mid-autumn Festival"),
    (r"情人节", (2, 14), None),
    (r"圣诞节?|平安夜", (12, 25), None),
]
_BEFORE = ("前", "前夕", "之前", "以前")
_AFTER = ("后", "之后", "以后", "过后")


@lru_cache(maxsize=64)
def _holiday(year: int, name: str) -> Optional[Tuple[date, date]]:
    """First and last day off of the statutory holiday `name` in `year`, per chinese_calendar."""
    days = []
    day = date(year, 1, 1)
    try:
        while day.year == year:
            off, holiday = chinese_calendar.get_holiday_detail(day)
            if off and holiday == name:
                days.append(day)
            day += timedelta(days=1)
    except NotImplementedError:  # a year the calendar does not know yet
        return None
    return (days[0], days[-1]) if days else None


def _festival_day(today: date, fixed: Tuple[int, int], holiday: Optional[str], when: str,
                  year: Optional[int]) -> Optional[date]:
    """The day meant by a festival and what follows it (前/后/期间…), not after `today` unless
    a year is given."""
    candidates = [year] if year is not None else [today.year, today.year - 1]
    for candidate in candidates:
        period = _holiday(candidate, holiday) if holiday else None
        if period is None and fixed != (0, 0):
            fixed_day = _safe_date(candidate, *fixed)
            period = (fixed_day, fixed_day) if fixed_day else None
        if period is None:
            continue
        start, end = period
        if when in _BEFORE:
            day = start - timedelta(days=1)
        elif when in _AFTER:
            day = end + timedelta(days=1)
        else:
            day = start
        if year is not None or day <= today:
            return day
    return None


# ---- the table of expressions ------------------------------------------------------------------
Resolver = Callable[["re.Match[str]", date], Optional[date]]


_DAYS_BACK = {"大前天": 3, "前天": 2, "前日": 2, "前晚": 2, "昨": 1, "琴日": 1, "寻日": 1, "噚日": 1,
              "琴晚": 1, "寻晚": 1, "噚晚": 1}


def _relative_day(match: "re.Match[str]", today: date) -> Optional[date]:
    word = match.group(0)
    days = next((back for start, back in _DAYS_BACK.items() if word.startswith(start)), 0)
    return today - timedelta(days=days)


def _days_ago(match: "re.Match[str]", today: date) -> Optional[date]:
    count = 0.5 if match.group(1) == "半" else number(match.group(1))
    if count is None:
        return None
    unit = match.group(2)
    if "月" in unit:
        return _months_back(today, int(count)) if count >= 1 else today - timedelta(days=15)
    if "年" in unit:
        return _safe_date(today.year - int(count), today.month, min(today.day, 28))
    days = count * (1 if unit in ("天", "日") else 7)
    return today - timedelta(days=int(days))


def _weekday(match: "re.Match[str]", today: date) -> Optional[date]:
    which, name = match.group(1), match.group(2)
    weeks_back = {"上上": 2, "上": 1}.get(which or "", 0)
    weekday = 5 if name == "末" else _WEEKDAYS[name]
    monday = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks_back)
    day = monday + timedelta(days=weekday)
    if not which and day > today:  # 周六, said on a Monday: the last one
        day -= timedelta(weeks=1)
    return day


def _month_relative_day(match: "re.Match[str]", today: date) -> Optional[date]:
    months = {"上上": 2, "上": 1}.get(match.group(1), 0)
    day = number(match.group(2))
    return _months_back(today, months, day) if day else None


def _full_date(match: "re.Match[str]", today: date) -> Optional[date]:
    return _safe_date(int(match.group(1)), int(match.group(2)), int(match.group(3)))


def _month_day(match: "re.Match[str]", today: date) -> Optional[date]:
    year_word, month, day = match.group(1), number(match.group(2)), number(match.group(3))
    if not month or not day:
        return None
    year = None
    if year_word:
        year = (int(year_word[:4]) if year_word[:4].isdigit()
                else today.year - {"今年": 0, "去年": 1, "前年": 2}[year_word[:2]])
    return _in_the_past(today, month, day, year)


def _day_of_month(match: "re.Match[str]", today: date) -> Optional[date]:
    day = number(match.group(1).rstrip("日号 "))
    if not day:
        return None
    found = _safe_date(today.year, today.month, day)
    if found is None or found > today:
        return _months_back(today, 1, day)
    return found


def _festival(match: "re.Match[str]", today: date) -> Optional[date]:
    year_word, name, when = match.group(1), match.group(2), match.group(3) or ""
    year = (today.year - {"今年": 0, "去年": 1, "前年": 2}[year_word]) if year_word else None
    for pattern, fixed, holiday in _FESTIVALS:
        if re.fullmatch(pattern, name):
            return _festival_day(today, fixed, holiday, when, year)
    return None


def _vague(match: "re.Match[str]", today: date) -> Optional[date]:
    return None


_FESTIVAL_WORDS = "|".join(pattern for pattern, _, _ in _FESTIVALS)
_TABLE: List[Tuple["re.Pattern[str]", Resolver]] = [(re.compile(p), r) for p, r in [
    (r"大前天|前天|前日|前晚|昨天|昨日|昨晚|昨夜|昨早|昨儿个?|琴日|寻日|噚日|琴晚|寻晚|噚晚|今天|今日|今早|今晨|今晚|今儿个?|"
     r"今朝|刚才|刚刚|头先",
     _relative_day),
    (r"(\d{1,3}|[一二两三四五六七八九十]{1,3}|半)\s*个?(天|日|星期|礼拜|周|月|年)(?:前|之前|以前)", _days_ago),
    (r"(上上|上|这|本|今)?个?(?:周|星期|礼拜|禮拜)([一二三四五六日天1-7末])", _weekday),
    (r"(上上|上|这|本)个?月\s*" + _N + r"\s*[日号]" + _NOT_A_DAY, _month_relative_day),
    (r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?", _full_date),
    (r"(\d{4}年|今年|去年|前年)?\s*" + _N + r"\s*月(?:份)?\s*" + _N + r"\s*[日号]" + _NOT_A_DAY, _month_day),
    (r"(?<![\d月一二三四五六七八九十])(\d{1,2}\s*[日号]|[一二三四五六七八九十]{1,3}号|[一二三]?十[一二三四五六七八九]?日)"
     + _NOT_A_DAY, _day_of_month),
    (r"(今年|去年|前年)?(" + _FESTIVAL_WORDS + r")(前夕|之前|以前|之后|以后|过后|期间|前|后)?", _festival),
    (r"(?:上上|上|这|本)个?月(?:初|中|底|末)?|月初|月中|月底|年初|年底|去年|前年|前些日子|前(?:几|两|些)(?:天|日)|"
     r"前段时间|前阵子|这(?:几|两)(?:天|日)|最近|近期|上上周|上周|上个?星期|上个?礼拜|这周|本周|这个?星期|几天前|好几天前|"
     r"(?:\d{1,2}|[一二两三四五六七八九十]{1,3})月(?:初|中|底|份)?", _vague),
]]


def read_time(text: str, today: date) -> Optional[TimeAnswer]:
    """The first time expression in `text` with the day it means, or None when there is none."""
    said = text or ""
    text = to_simplified(said)
    if len(text) != len(said):  # the words are shown as said; positions must line up
        said = text
    found: Optional[Tuple[int, int, Resolver, "re.Match[str]"]] = None
    for pattern, resolver in _TABLE:
        for match in pattern.finditer(text):
            key = (match.start(), -(match.end() - match.start()))
            if found is None or key < (found[0], found[1]):
                found = (key[0], key[1], resolver, match)
            break
    if found is None:
        return None
    _, _, resolver, match = found
    suffix = _SUFFIX.match(text, match.end())
    end = suffix.end() if suffix else match.end()
    return TimeAnswer(said[match.start():end].strip(), resolver(match, today))


def parse_date(text: str, today: date) -> Optional[date]:
    """The day a customer means, or None when there is no time in `text` or it is vague."""
    answer = read_time(text, today)
    return answer.day if answer else None
