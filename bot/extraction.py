"""Turning what customers write into values: dates, amounts, phone and order numbers.

The patterns that find phone and order numbers are the NLU's own regexes in
data/nlu/entities.yml, so the assistant recognises a number the same way everywhere.
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional

from bot.datafiles import load_yaml, repo_path
from bot.script import to_simplified

DEFAULT_ENTITIES_PATH = repo_path("data/nlu/entities.yml")

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_NUM = r"(\d+|[零〇一二两三四五六七八九十百千万]+)"


def chinese_number(text: str) -> Optional[int]:
    """Value of an Arabic or Chinese numeral: 12, 十二, 两百, 三千五百; None if not one.

    As people say it, a digit right after a unit is one unit lower: 三千五 is 3500, 两万五 25000.
    """
    if text.isdigit():
        return int(text)
    total, section, digit, last_unit = 0, 0, None, 0
    for char in text:
        if char in _DIGITS:
            digit = _DIGITS[char]
        elif char == "万":
            total += (section + (digit or 0)) * 10000
            section, digit, last_unit = 0, None, 10000
        elif char in _UNITS:
            section += (1 if digit is None else digit) * _UNITS[char]
            digit, last_unit = None, _UNITS[char]
        else:
            return None
    if digit is not None and last_unit >= 100 and text[-2] in "百千万":
        digit *= last_unit // 10
    return total + section + (digit or 0)


def parse_amount(text: str) -> Optional[Decimal]:
    """The first sum of money in `text` (299元, ¥1,299.50, 3万元, 两百块, 两万五, 三千多块钱), or None."""
    text = to_simplified(text or "")
    number = r"(\d[\d,]*(?:\.\d+)?)\s*(万|千)?"
    match = re.search(r"[¥￥]\s*" + number, text) or re.search(
        number + r"\s*(?:元|块|圆|rmb|RMB)", text)
    if match:
        try:
            value = Decimal(match.group(1).replace(",", ""))
        except InvalidOperation:
            return None
        return value * {"万": 10000, "千": 1000}.get(match.group(2) or "", 1)
    # Without a currency word, only after a money verb: "说了一万遍" is not an amount.
    match = re.search(r"([零〇一二两三四五六七八九十百千万]+)多?(?:块|元|圆)", text) or re.search(
        r"(?:花了|付了|价值|损失|赔偿?|退)\s*([零〇一二两三四五六七八九十百千]+万[一二两三四五六七八九]?)",
        text)
    if match:
        amount = chinese_number(match.group(1))
        return Decimal(amount) if amount else None
    return None


def _weekday_in_week(today: date, weeks_back: int, weekday: int) -> date:
    monday = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks_back)
    return monday + timedelta(days=weekday)


def _safe_date(year: int, month: int, day: int) -> Optional[date]:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str, today: date) -> Optional[date]:
    """The day a customer means (昨天, 上周三, 3月5号, 2026-03-05, 两天前), or None when vague.

    Dates without a year, or a bare day of the month, are taken in the past: a customer
    tells when something already happened.
    """
    text = to_simplified(text or "")
    relative = {"大前天": 3, "前天": 2, "昨": 1, "今": 0}
    for word, days in relative.items():
        if word in text:
            return today - timedelta(days=days)
    match = re.search(_NUM + r"\s*(天|个?星期|周|个?礼拜)(?:之)?前", text)
    if match:
        count = chinese_number(match.group(1))
        if count is not None:
            days = count * (1 if match.group(2) == "天" else 7)
            return today - timedelta(days=days)
    match = re.search(r"(上上|上|这|本)?个?(?:周|星期|礼拜)([一二三四五六日天])", text)
    if match:
        weeks_back = {"上上": 2, "上": 1}.get(match.group(1) or "", 0)
        weekday = _weekday_in_week(today, weeks_back, _WEEKDAYS[match.group(2)])
        if match.group(1) is None and weekday > today:
            weekday -= timedelta(weeks=1)
        return weekday
    match = re.search(r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})", text)
    if match:
        return _safe_date(*(int(g) for g in match.groups()))
    match = re.search(_NUM + r"\s*月\s*" + _NUM + r"\s*[日号]", text)
    if match:
        month, day = chinese_number(match.group(1)), chinese_number(match.group(2))
        if month and day:
            found = _safe_date(today.year, month, day)
            if found and found > today:
                found = _safe_date(today.year - 1, month, day)
            return found
    match = re.search(r"(?<![\d月])" + _NUM + r"\s*[日号]", text)
    if match:
        day = chinese_number(match.group(1))
        if day:
            found = _safe_date(today.year, today.month, day)
            if found and found > today:
                previous_month_end = today.replace(day=1) - timedelta(days=1)
                found = _safe_date(previous_month_end.year, previous_month_end.month, day)
            return found
    return None


@lru_cache(maxsize=None)
def _entity_patterns(path: Path = DEFAULT_ENTITIES_PATH) -> Dict[str, re.Pattern[str]]:
    patterns: Dict[str, List[str]] = {}
    for item in load_yaml(path)["nlu"]:
        if "regex" in item:
            lines = [line.strip()[2:] for line in item["examples"].strip().splitlines()]
            patterns.setdefault(item["regex"], []).extend(lines)
    return {name: re.compile("|".join(f"(?:{p})" for p in parts)) for name, parts in patterns.items()}


def find_entity(name: str, text: str) -> Optional[str]:
    """The first match of the NLU regex `name` (e.g. `phone`) in `text`, or None."""
    pattern = _entity_patterns().get(name)
    if pattern is None:
        raise KeyError(f"no regex named {name!r} in {DEFAULT_ENTITIES_PATH}")
    match = pattern.search(to_simplified(text or ""))
    return match.group(0) if match else None


def normalise_phone(raw: str) -> str:
    """A phone number with spaces, dashes and a +86 prefix removed (landlines keep one dash)."""
    digits = re.sub(r"[\s\-]", "", raw)
    digits = re.sub(r"^\+?86", "", digits)
    if digits.startswith("0") and len(digits) >= 10:
        area = 3 if digits[:3] in {"010", "020", "021", "022", "023", "024", "025", "027", "028", "029"} else 4
        return f"{digits[:area]}-{digits[area:]}"
    return digits
