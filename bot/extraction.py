"""Turning what customers write into values: amounts, phone and order numbers (dates: bot/dates.py).

The patterns that find phone and order numbers are the NLU's own regexes in
data/nlu/entities.yml, so the assistant recognises a number the same way everywhere.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional

import cn2an

from bot.datafiles import load_yaml, repo_path
from bot.script import to_simplified

DEFAULT_ENTITIES_PATH = repo_path("data/nlu/entities.yml")

#: A number as written in a sum: 299, 1,299.50, 1.5万, 两万八, 三千五, 两百.
_CN = r"[零〇一二两三四五六七八九十百千万亿]"
_ARABIC = r"\d[\d,]*(?:\.\d+)?\s*[万千]?"
_NUMBER = rf"(?P<n>{_ARABIC}|{_CN}+)"
_CURRENCY = r"(?:元|块|圆|蚊|rmb|RMB|人民币)"
#: Ways a sum is said, most explicit first: ¥299; 299元 / 两百块 / 三千多块钱; after a money verb
#: (花了两万五, 退1000), unless a unit that is not yuan follows ("花了6000积分", "扣了8000积分",
#: "花了7000日元", "花了两万步"); before 买的; and 两万八 / 三千五 (a thousand-unit followed by a
#: digit is how prices are said). "说了一万遍" and "12315" are not sums.
_NOT_YUAN = (r"(?!\s*(?:多|来)?\s*(?:积分|分钟|分(?!钱)|里程|公里|步|个|次|张|件|台|天|小时|日元|日币|韩元|"
             r"台币|新台币|泰铢|卢布|毫安|mah|mAh|像素|粉|字|人|米|克|斤|[\d,.零〇一二两三四五六七八九十百千万亿]))")
#: Nine digits or more with no currency said is a product or order number ("561234987650买的就是这款",
#: "帮我改下价格602938475611"), not a sum: no customer writes a sum of hundreds of millions bare.
_NOT_AN_ID = r"(?!\d{9})"
_AMOUNT_PATTERNS = [re.compile(p) for p in (
    r"[¥￥]\s*(?P<n>\d[\d,]*(?:\.\d+)?\s*[万千]?)",
    # "一块" alone means "together", not one yuan.
    r"(?<!" + _CN + r")" + _NUMBER + r"\s*(?:多|来)?\s*" + _CURRENCY + r"(?<!(?<!\d)一块)",
    r"(?:花了|付了|价值|损失|赔偿?|退(?:了|给我|我)?|价格是?|原价|售价|差价|多付了|扣了)\s*" + _NOT_AN_ID + _NUMBER
    + _NOT_YUAN,
    r"(?<![周期拜月第\d,.])" + _NOT_AN_ID
    + r"(?P<n>\d{2,}[\d,]*(?:\.\d+)?\s*[万千]?|" + _CN + r"*[十百千万]" + _CN + r"*)\s*(?:多|来)?\s*(?:买的|买了|入手)",
    r"(?<!" + _CN + r")(?P<n>[一二两三四五六七八九十]+[万千][一二两三四五六七八九])(?!" + _CN + r")",
)]


@lru_cache(maxsize=4096)  # the escalation rules look for a sum in every earlier message, each turn
def parse_amount(text: str) -> Optional[Decimal]:
    """The first sum of money in `text` (299元, ¥1,299.50, 3万元, 两百块, 两万八, 三千多块钱), or
    None. Numerals are read by cn2an."""
    text = to_simplified(text or "")
    found = [m for m in (p.search(text) for p in _AMOUNT_PATTERNS) if m]
    if not found:
        return None
    return _number(min(found, key=lambda m: m.start("n")).group("n"))


def _number(raw: str) -> Optional[Decimal]:
    """A positive number written as customers write sums (1,299.5, 1.2万, 两万八), read by cn2an."""
    try:
        value = Decimal(str(cn2an.cn2an(re.sub(r"[,\s]", "", raw), "smart")))
    except (ValueError, KeyError, IndexError, InvalidOperation):
        return None
    return value if value > 0 else None


def amount_value(text: Optional[str]) -> Optional[Decimal]:
    """A sum kept as a plain number ("28000", what the form stores), a number alone as the NLU's
    amount entity holds it ("1.2万"), or said in words (299元)."""
    stripped = to_simplified(text or "").strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", stripped):
        return Decimal(stripped)
    if re.fullmatch(_NUMBER, stripped):
        return _number(stripped)
    return parse_amount(stripped)


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
