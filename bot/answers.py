"""What a customer's message is to the complaint form: the answers it carries (each validated by
what it is: a time, an order number of a known format, a phone number, a remedy, an amount) and
what else it may be (giving up, a correction, a question, chit-chat), so that only answers are
stored. The words are data: config/answers.yml.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from bot.dates import TimeAnswer, read_time
from bot.datafiles import load_yaml, repo_path
from bot.extraction import parse_amount
from bot.script import to_simplified

DEFAULT_ANSWERS_PATH = repo_path("config/answers.yml")
#: The contact when the customer gives no phone number (bot.complaints.CONTACT_HERE).
CONTACT_HERE = "here"
#: The remedy of a wish in the customer's own words.
OTHER_REMEDY = "other"


class Kind(str, Enum):
    """What a message is to the form."""

    ANSWER = "answer"          # carries answers (to the question asked, or others)
    WITHDRAW = "withdraw"      # the customer gives up the complaint
    CORRECTION = "correction"  # changes a field the customer names
    QUESTION = "question"      # asks something
    CHITCHAT = "chitchat"      # 嗯, 哦, 好吧
    NOTHING = "nothing"        # none of these: the question is asked again


@dataclass(frozen=True)
class AnswerRules:
    """The words and formats of config/answers.yml."""

    order_formats: Tuple["re.Pattern[str]", ...]
    remedies: Mapping[str, Tuple[str, ...]]
    wishes: Tuple[str, ...]
    up_to_you: Tuple[str, ...]
    withdraw: Tuple[str, ...]
    withdraw_weak: Tuple[str, ...]
    chitchat: Tuple[str, ...]
    no_phone: Tuple[str, ...]
    no_phone_unasked: Tuple[str, ...]
    time_unknown: Tuple[str, ...]
    no_order: Tuple[str, ...]
    correction_markers: Tuple[str, ...]
    strong_correction_markers: Tuple[str, ...]
    negations: Tuple[str, ...]
    filler: Tuple[str, ...]
    fields: Mapping[str, Tuple[str, ...]]
    question_words: Tuple[str, ...]
    why_words: Tuple[str, ...]


def load_answer_rules(path: Optional[Path] = None) -> AnswerRules:
    """Read config/answers.yml (default `DEFAULT_ANSWERS_PATH`)."""
    raw: Dict[str, Any] = load_yaml(path or DEFAULT_ANSWERS_PATH)

    def words(key: str) -> Tuple[str, ...]:
        return tuple(str(word).lower() for word in raw[key])

    return AnswerRules(
        order_formats=tuple(re.compile(str(row["pattern"])) for row in raw["order_numbers"]),
        remedies={code: tuple(str(w).lower() for w in ws) for code, ws in raw["remedies"].items()},
        wishes=words("wishes"), up_to_you=words("up_to_you"), withdraw=words("withdraw"),
        withdraw_weak=words("withdraw_weak"),
        chitchat=words("chitchat"), no_phone=words("no_phone"),
        no_phone_unasked=words("no_phone_unasked"), time_unknown=words("time_unknown"),
        no_order=words("no_order"), correction_markers=words("correction_markers"),
        strong_correction_markers=words("strong_correction_markers"), negations=words("negations"),
        filler=words("filler"),
        fields={name: tuple(ws) for name, ws in raw["fields"].items()},
        question_words=words("question_words"), why_words=words("why_words"),
    )


@lru_cache(maxsize=None)
def answer_rules() -> AnswerRules:
    """The rules of `DEFAULT_ANSWERS_PATH`, read once."""
    return load_answer_rules()


# ---- phone numbers --------------------------------------------------------------------------
_SEP = r"[- ]?"
#: (pattern, how the number is kept): mainland, Hong Kong, Macau, Taiwan, mainland landlines.
_PHONES: Sequence[Tuple[str, str]] = (
    (r"(?:\+?86|0086)?" + _SEP + r"(1[3-9]\d)" + _SEP + r"(\d{4})" + _SEP + r"(\d{4})", "{}{}{}"),
    (r"(?:\+852|00852|852)" + _SEP + r"([2-9]\d{3})" + _SEP + r"(\d{4})", "+852 {}{}"),
    (r"(?:\+853|00853|853)" + _SEP + r"(6\d{3})" + _SEP + r"(\d{4})", "+853 {}{}"),
    (r"(?:\+886|00886|886)" + _SEP + r"0?(9\d{2})" + _SEP + r"(\d{3})" + _SEP + r"(\d{3})", "+886 {}{}{}"),
    (r"(09\d{2})" + _SEP + r"(\d{3})" + _SEP + r"(\d{3})", "{}{}{}"),
    (r"(0\d{2,3})[- ](\d{7,8})|[(（](0\d{2,3})[)）] ?(\d{7,8})", "{}-{}"),
)
#: Asked for a phone, 8 digits alone are a Hong Kong or Macau mobile (9123 4567).
_LOCAL_MOBILE = r"([5-9]\d{3})" + _SEP + r"(\d{4})"
_EDGE = r"(?<![0-9A-Za-z+]){}(?![0-9])"


#: Digits spelt in characters, as some write a number so that a platform does not hide it.
_SPELT_DIGITS = {**{c: str(i) for i, c in enumerate("零一二三四五六七八九")}, "〇": "0", "幺": "1"}
_SPELT = "".join(_SPELT_DIGITS)
_SPELT_NUMBER = re.compile(f"[{_SPELT}](?:[- ]?[{_SPELT}]){{6,}}")


def _spelt_out(text: str) -> str:
    """`text` with each run of seven or more digit characters (一三八…) written in digits."""
    return _SPELT_NUMBER.sub(lambda m: "".join(_SPELT_DIGITS.get(c, c) for c in m.group(0)), text)


def read_phone(text: str, asked: bool = False) -> Optional[str]:
    """The first phone number in `text`, digits or spelt out (一三八…), normalised (13812345678,
    +852 91234567, 021-12345678); with `asked` (the form asked for one) 8 digits alone count as a
    Hong Kong mobile."""
    text = _spelt_out(_simple(text))
    table = list(_PHONES) + ([(_LOCAL_MOBILE, "+852 {}{}")] if asked else [])
    found: Optional[Tuple[int, str]] = None
    for pattern, shape in table:
        match = re.search(_EDGE.format(f"(?:{pattern})"), text)
        if match and (found is None or match.start() < found[0]):
            found = (match.start(), shape.format(*(g for g in match.groups() if g)))
    return found[1] if found else None


# ---- order numbers ----------------------------------------------------------------------------
#: Our own complaint IDs (TS-20261122-0001) are never order numbers.
_COMPLAINT_ID = re.compile(r"(?i)(?<![0-9A-Za-z])ts[-_ ]?\d{8}[-_ ]?\d{4}(?![0-9])")
_ORDER_CANDIDATE = re.compile(r"(?<![0-9A-Za-z+])[A-Za-z]{0,4}\d(?:\d|[- ](?=\d))*(?![0-9A-Za-z])")
#: Said just before a number, these make it an identity card's, never an order's (18 digits fit both).
_IDENTITY_BEFORE = re.compile(r"(身份证|证件)[^，。,.！!？?；;]{0,6}$")


def read_order_number(text: str, rules: Optional[AnswerRules] = None) -> Optional[str]:
    """The first order number in `text` that matches a known format (config/answers.yml),
    upper-cased, spaces dropped; a phone number or an identity card's number is never one."""
    rules = rules or answer_rules()
    text = _COMPLAINT_ID.sub(" ", _simple(text))
    for match in _ORDER_CANDIDATE.finditer(text):
        if _IDENTITY_BEFORE.search(text, 0, match.start()):
            continue
        raw = match.group(0).upper()
        if read_phone(raw) and re.fullmatch(r"[\d+ -]+", raw):
            continue
        for candidate in dict.fromkeys((raw.replace(" ", ""), re.sub(r"[- ]", "", raw))):
            if any(pattern.fullmatch(candidate) for pattern in rules.order_formats):
                return candidate
    return None


# ---- remedies ---------------------------------------------------------------------------------
def read_remedy(text: str, rules: Optional[AnswerRules] = None) -> Optional[str]:
    """The remedy (a code of data/labels.yml) the first remedy word in `text` names; a word
    after 不要/不想 is not wished for."""
    rules = rules or answer_rules()
    text = _simple(text).lower()
    best: Optional[Tuple[int, int, str]] = None
    for code, words in rules.remedies.items():
        for word in words:
            for match in re.finditer(re.escape(word), text):
                before = text[max(0, match.start() - 3):match.start()]
                if any(before.endswith(neg) for neg in rules.negations):
                    continue
                key = (match.start(), -len(word), code)
                if best is None or key[:2] < best[:2]:
                    best = key
                break
    return best[2] if best else None


# ---- amounts ----------------------------------------------------------------------------------
def read_amount(text: str) -> Optional[str]:
    """The first sum of money in `text` as a plain number ("28000", "1299.5"), or None."""
    amount = parse_amount(text)
    return None if amount is None else format(amount.normalize(), "f")


# ---- details told later ----------------------------------------------------------------------
def details_told(texts: Sequence[str], today: date, rules: Optional[AnswerRules] = None) -> Dict[str, Any]:
    """The order number, phone, sum of money, time and remedy (complaint fields: order_number,
    contact_phone, amount as a `Decimal`, incident_time_text with incident_date, the day it
    means or None, and desired_remedy) the customer's messages `texts` (oldest first) name, each
    read as the form reads it (a time relative to `today`); the latest mention wins."""
    rules = rules or answer_rules()
    told: Dict[str, Any] = {}
    for text in texts:
        time = read_time(text, today)
        if time is not None:
            told.update(incident_time_text=time.words, incident_date=time.day)
        for name, value in (("order_number", read_order_number(text, rules)), ("contact_phone", read_phone(text)),
                            ("amount", parse_amount(_simple(text))), ("desired_remedy", read_remedy(text, rules))):
            if value is not None:
                told[name] = value
    return told


def refines(name: str, old: Any, new: Any) -> bool:
    """Whether `new`, said unasked for the field `name` already answered with `old`, says the
    same more precisely: a time in the old words and more ("昨天" → "昨天下午", "这个月" →
    "这个月一号"). Anything else said unasked about an answered field changes it only as a
    correction, since it may be about something else ("昨天打电话问过")."""
    return (name == "incident_time" and isinstance(new, TimeAnswer) and bool(old)
            and str(old) in new.words and len(new.words) > len(str(old)))


# ---- the message as a whole -------------------------------------------------------------------
@dataclass(frozen=True)
class Reading:
    """What a message is to the form and the answers it carries, by form slot:
    `incident_time` a `TimeAnswer`, the others strings (`remedy_note`: the customer's words for
    a wish none of the remedies names; `amount`: a plain number)."""

    kind: Kind
    answers: Mapping[str, Any] = field(default_factory=dict)
    #: The field a correction names (or whose value it gives).
    corrected: Optional[str] = None
    #: A question about why the form asks what it asks.
    asks_why: bool = False
    #: The message is put as a question (a question mark or a question word), answers or not.
    asks: bool = False
    #: The message tells what happened (more than its answers and filler words).
    tells_story: bool = False
    #: How many characters say something besides the answers and filler words.
    story_chars: int = 0
    #: The order question's answer is the customer's words, for want of a number ("华为手机",
    #: "在楼下超市买的"): right only if the message says nothing else.
    guessed: bool = False
    #: The field the customer tried to answer with something that is not one (a number that is
    #: no phone, no order number).
    invalid: Optional[str] = None


_PUNCTUATION = re.compile(r"[\s\W_]+", re.UNICODE)
_STORY_MIN_CHARS = 6
#: A value the customer takes back ("不是昨天，是前天"): the words after 不是, up to the 是 that
#: gives the right one. Read without them, the message answers with the right value only.
_TAKEN_BACK = re.compile(r"不是([^，,。；;！!？?]{1,20}?)[，,；;\s]*(?=(?:而|应该|其实)?是)")


def _simple(text: str) -> str:
    return to_simplified(text or "").strip()


def _bare(text: str) -> str:
    """The words alone: no punctuation, emoji, spaces, or a trailing 啊/呀/吧/啦."""
    return re.sub(r"[啊呀吧啦哈喔噢]+$", "", _PUNCTUATION.sub("", text.lower())) or \
        _PUNCTUATION.sub("", text.lower())


def _has(text: str, words: Sequence[str]) -> Optional[str]:
    lowered = text.lower()
    return next((word for word in words if word in lowered), None)


def _story_left(text: str, spans: Sequence[str], filler: Sequence[str]) -> int:
    """How many characters of the message say something besides its answers and filler words."""
    rest = text
    for span in sorted(spans, key=len, reverse=True):
        rest = rest.replace(span, "")
    for word in filler:
        rest = rest.replace(word, "")
    return len(_PUNCTUATION.sub("", rest))


def read_message(text: str, requested: Optional[str], today: date,
                 rules: Optional[AnswerRules] = None) -> Reading:
    """Read a customer's message while the form waits for `requested` (a form slot, or None
    when the form is just starting)."""
    rules = rules or answer_rules()
    said = (text or "").strip()
    simple = _simple(said)
    meant, taken_back = _TAKEN_BACK.subn("", simple)
    answers, spans = _answers(meant, requested, today, rules)
    story_left = _story_left(simple, spans, rules.filler)
    tells_story = story_left >= _STORY_MIN_CHARS
    question = _is_question(simple, rules)

    if _has(simple, rules.withdraw):
        return Reading(Kind.WITHDRAW, answers, tells_story=tells_story, story_chars=story_left)
    corrected = _corrected_field(simple, answers, rules, bool(taken_back))
    if corrected:
        return Reading(Kind.CORRECTION, answers, corrected=corrected)
    bare = _bare(simple)
    if not bare or _only_chitchat(bare, rules):
        return Reading(Kind.CHITCHAT)
    if "contact_phone" not in answers and (
            _has(simple, rules.no_phone_unasked) or (requested == "contact_phone" and _has(simple, rules.no_phone))):
        answers["contact_phone"] = CONTACT_HERE
    if requested == "incident_time" and "incident_time" not in answers and _has(simple, rules.time_unknown):
        answers["incident_time"] = TimeAnswer(said if len(said) <= 12 else "记不清了")
    if requested is not None and requested in answers:
        return Reading(Kind.ANSWER, answers, tells_story=tells_story, story_chars=story_left, asks=question)
    if _has(simple, rules.withdraw_weak) and not answers:
        return Reading(Kind.WITHDRAW, tells_story=tells_story, story_chars=story_left)
    if requested == "desired_remedy" and not answers and _has(simple, rules.up_to_you):
        answers.update(desired_remedy=OTHER_REMEDY, remedy_note=said)
        return Reading(Kind.ANSWER, answers)
    if question and not (requested in (None, "complaint_details") and tells_story and len(bare) > 15):
        return Reading(Kind.QUESTION, answers, asks_why=bool(_has(simple, rules.why_words)), asks=True)
    if requested == "desired_remedy" and not answers and _has(simple, rules.wishes):
        answers.update(desired_remedy=OTHER_REMEDY, remedy_note=said)
        return Reading(Kind.ANSWER, answers)
    if requested == "order_number" and not answers and _has(simple, rules.no_order):
        answers["order_number"] = said
        return Reading(Kind.ANSWER, answers)
    if requested == "order_number" and not answers and not _digits(simple) and len(bare) >= 2:
        answers["order_number"] = said
        return Reading(Kind.ANSWER, answers, tells_story=tells_story, story_chars=story_left, guessed=True)
    # Asked what happened, a few words are the story; a bare answer ("昨天") is not.
    if requested in (None, "complaint_details") and (tells_story or (requested and story_left >= 2)):
        return Reading(Kind.ANSWER, answers, tells_story=True)
    if answers:
        return Reading(Kind.ANSWER, answers, tells_story=tells_story, story_chars=story_left,
                       invalid=_invalid(simple, requested), asks=question)
    return Reading(Kind.NOTHING, tells_story=tells_story, story_chars=story_left, invalid=_invalid(simple, requested))


def _digits(text: str) -> int:
    return sum(char.isdigit() for char in text)


def _invalid(text: str, requested: Optional[str]) -> Optional[str]:
    """The asked field, when the customer gave a number that is not one of its kind."""
    if requested == "contact_phone" and _digits(text) >= 5:
        return requested
    if requested == "order_number" and _digits(text) >= 3:
        return requested
    return None


def _answers(text: str, requested: Optional[str], today: date,
             rules: AnswerRules) -> Tuple[Dict[str, Any], List[str]]:
    """Every answer in `text`, and the words that said them."""
    answers: Dict[str, Any] = {}
    spans: List[str] = []
    time = read_time(text, today)
    if time:
        answers["incident_time"] = time
        spans.append(time.words)
    order = read_order_number(text, rules)
    if order:
        answers["order_number"] = order
        spans.append(order)
    phone = read_phone(text, asked=requested == "contact_phone")
    if phone:
        answers["contact_phone"] = phone
        spans.extend(re.findall(r"[+\d][\d -]{6,}\d", text) + _SPELT_NUMBER.findall(text))
    remedy = read_remedy(text, rules)
    remedy_words: List[str] = []
    if remedy:
        answers["desired_remedy"] = remedy
        remedy_words = [word for word in rules.remedies[remedy] if word in text.lower()]
        spans.extend(remedy_words)
    # A remedy's numerals are no sum ("假一赔三").
    amount = read_amount(re.sub("|".join(map(re.escape, remedy_words)), " ", text.lower()) if remedy_words else text)
    if amount:
        answers["amount"] = amount
    return answers, spans


def _only_chitchat(bare: str, rules: AnswerRules) -> bool:
    """Whether the words are chit-chat words alone, one or several (嗯, 哈哈好, 哦好的)."""
    words = sorted(rules.chitchat, key=len, reverse=True)
    return re.fullmatch("(?:" + "|".join(map(re.escape, words)) + ")+", bare) is not None


def _corrected_field(text: str, answers: Mapping[str, Any], rules: AnswerRules,
                     taken_back: bool = False) -> Optional[str]:
    """The field a correction changes: the one it names and gives a value for, else the one whose
    value it gives before naming another ("不对，是前天，订单号我找一下": the time), else the one
    it names; without a name, the one whose value it gives (a value taken back, "不是昨天，是前天",
    says a correction as a strong marker does)."""
    if not (taken_back or _has(text, rules.correction_markers)):
        return None
    named = sorted((text.find(word), name) for name, words in rules.fields.items() for word in words
                   if word in text)
    given = [name for name in ("order_number", "contact_phone", "incident_time", "desired_remedy")
             if name in answers]
    for _, name in named:
        if name in given:
            return name
    if named:
        said_first = [name for name in given if 0 <= _position(text, name, answers[name]) < named[0][0]]
        return said_first[0] if len(said_first) == 1 else named[0][1]
    if (taken_back or _has(text, rules.strong_correction_markers)) and len(given) == 1:
        return given[0]
    return None


def _position(text: str, name: str, value: Any) -> int:
    """Where in `text` the answer `value` to `name` is said (-1: not found; a remedy is a code)."""
    if isinstance(value, TimeAnswer):
        return text.find(value.words)
    if name in ("order_number", "contact_phone"):
        digits = re.search(r"\d", text)
        return digits.start() if digits else -1
    return -1


def _is_question(text: str, rules: AnswerRules) -> bool:
    stripped = text.rstrip("。.!！~～ ")
    if stripped.endswith(("?", "？")):
        return True
    head = stripped[-2:] if stripped else ""
    return any(word in stripped for word in rules.question_words if len(word) > 1) or \
        head.endswith(("吗", "么", "嘛"))
