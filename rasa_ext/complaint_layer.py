"""The first layer of understanding: is this message a complaint at all, whatever intent leads
(config.yml, `complaint_layer` of the intent classifier, rasa_ext/intent_classifier.py).

- When no single intent is sure but the complaint intents together are, the message is a
  complaint (`take_up_complaints`).
- A message that names a problem (a con: a defect word, a praise denied, a hedge after a
  contrast; not negated, with no positive verdict after it) is a complaint even when it reads as
  praise or thanks (`take_up_named_problems`).
- A message that names no problem anywhere but praises in several words ("前台很热情，早餐丰富",
  "一点也不吵，推荐") is praise even when a complaint intent leads without being sure
  (`keep_praise`).
- A desk's short plain question or request for a service that names no problem ("今天能发吗",
  "发圆通吧") is the question, not a complaint (`answer_plain_questions`).
- A yes or a no that names a problem ("没收到货，是哪里的问题") keeps its intent (it may answer a
  yes/no question of the form) and carries its reading as a complaint
  (`bot.metadata.READING_IF_UNASKED_KEY`), which the dialogue takes when no yes/no question is
  pending (`reading_if_unasked`).
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from typing import Any, Dict, List, Mapping, Optional, Pattern, Tuple

from bot.lexicon import CLAUSE_ENDS, SENTENCE_ENDS, span_start


@dataclass(frozen=True)
class ComplaintLayer:
    """The first layer of understanding: is this a complaint at all (config.yml)."""

    intents: Tuple[str, ...]
    """Complaint intents a message may be given here (data/rules.yml opens a complaint on each)."""
    serious: Tuple[str, ...]
    """Complaint intents that count towards the mass but are never given here (threats, safety,
    repeats, requests for a person: the escalation rules judge those on their own)."""
    general: str
    """The intent a complaint of no clear kind gets (its category is then asked)."""
    below: float
    """Only a top intent less sure than this is reconsidered (the fallback threshold)."""
    at_least: float
    """The complaint intents together must be at least this sure."""
    questions: Tuple[str, ...] = ()
    """Questions a complaint often carries ("开胶了 可以退换吗"): a complaint intent ranked just
    above one of these is the complaint, with the question's confidence added, not a tie the
    fallback would answer with "I didn't understand"."""
    question_with_complaint: float = 1.0
    """A question of `questions` ranked first is the complaint when a complaint intent (of
    `intents`) holds at least this much: "杯子裂了，保修吗" reports a defect and asks about it,
    and answering only the policy would drop the complaint. 1.0: never."""
    question_complaints: Tuple[str, ...] = ()
    """The complaint intents that count for `question_with_complaint` (empty: all of `intents`):
    not the refund complaint, which a question about a refund's progress sounds like
    ("退款审核中，要多久")."""
    reconsider: Tuple[str, ...] = ()
    """Intents a message that names a problem is taken from (praise and thanks, greetings, a
    satisfaction rating): a mixed review read as praise is a complaint. Any intent less sure than
    `below` (the fallback's) is reconsidered too. Not yes, no or details: in a form those answer
    its questions."""
    contrast: Tuple[str, ...] = ()
    """Words that turn a message ("但是", "就是", "可惜"): praise that turns must open with praise
    or end on a verdict (`praises`)."""
    defects: Tuple[str, ...] = ()
    """Words that name a problem ("脏", "难吃", "后悔", "不实用")."""
    negations: Tuple[str, ...] = ()
    """A defect word right after one of these is not one ("不脏", "没有异味")."""
    not_defects: Tuple[str, ...] = ()
    """Phrases with a defect word in them that name no problem: 麻烦 as "please" ("麻烦帮忙备注下",
    "麻烦你尽快发货"), where alone it is a bother ("换个配件太麻烦了")."""
    verdicts: Tuple[str, ...] = ()
    """A positive verdict after the last defect keeps the message praise: a small regret with
    a verdict ("就是早餐少了点，推荐", "可以接受") is praise by the rubric (docs/devset.md). A
    negated verdict ("以后不会再入住", "无法接受") is none."""
    not_turns: Tuple[str, ...] = ()
    """Phrases with a contrast word in them that do not turn the message ("一看就是假的",
    "也就是说", "不过如此"): a contrast word inside one of them is not a turn."""
    not_negations: Tuple[str, ...] = ()
    """Words with a negation in them that negate nothing ("非常", "无比"): "非常不爽" and "无比失望"
    name a problem."""
    answers: Tuple[str, ...] = ()
    """Yes and no: a message read as one of these that names a problem keeps its intent (in a
    form it answers a question) and gets its reading as a complaint beside it
    (`reading_if_unasked`)."""
    suggestions: Tuple[str, ...] = ()
    """Words that make the rest of their clause a suggestion ("建议", "希望"): a verdict there is
    none ("隔音太差，建议前台推荐高层的房间" recommends nothing)."""
    praise: Tuple[str, ...] = ()
    """Words that praise ("热情", "干净", "推荐"): a message with `praise_at_least` of them, not
    negated, and no defect named is praise (`keep_praise`). Empty: never."""
    denials: Tuple[str, ...] = ()
    """Negations that deny a defect outright ("一点也不", "并不", "没有"): a denied defect praises
    ("一点也不吵") and counts as a praise word; a doubt or a condition ("担心", "如果") does not."""
    praise_at_least: int = 2
    """How many distinct praise words (a denied defect is one) make a message praise."""
    praise_below: float = 0.9
    """Only a complaint intent less sure than this is overruled by praise."""
    praise_intent: str = "thank"
    """The intent a message kept as praise gets (its answer thanks the customer)."""
    praise_negations: Tuple[str, ...] = ()
    """Negations that turn a praise word or a verdict into a con ("住得不太满意", "不是很推荐",
    "很难说满意"): such a word names a problem (`cons_named`). Not the doubts and conditions of
    `negations` ("如果满意" is no con)."""
    turn_cons: Tuple[str, ...] = ()
    """Hedges that name a con in the clause right after a contrast word ("不过有点吵", "就是贵了点",
    "可惜略小"): a mixed review's regret said without a defect word (`cons_named`)."""
    question_intent: str = ""
    """The intent a plain question gets instead of a complaint intent (`answer_plain_questions`);
    empty: a complaint intent is never taken back."""
    question_max_chars: int = 0
    """Only a turn of at most this many characters is judged a plain question: a desk's turn, not
    a review that asks a rhetorical question among its complaints."""
    asks: Tuple[str, ...] = ()
    """Words that make a turn a question or a request for a service ("什么时候", "能不能", "帮我")."""
    question_ends: Tuple[str, ...] = ()
    """Particles a question ends with ("吗", "呢"), before any trailing "啊", "哈" or punctuation."""
    problem_asks: Tuple[str, ...] = ()
    """Words that make a question a problem put as a question ("怎么回事", "凭什么", "不是",
    "天了": "五天了还没到吗", "这么": "这么久")."""
    not_problem_asks: Tuple[str, ...] = ()
    """Phrases with one of `problem_asks` in them that put no problem ("是不是" holds "不是")."""
    question_keeps: Tuple[str, ...] = ()
    """Complaint intents a plain question never takes back: venting's rhetorical questions
    ("你们是不是有病", "你们能不能干点人事") are anger, and a remedy asked for ("那换货吧") is a choice."""

    @classmethod
    def from_config(cls, raw: Mapping[str, Any]) -> "ComplaintLayer":
        """The layer of config.yml's `complaint_layer`; ValueError naming the mistake."""
        keys = {"intents", "serious", "general", "below", "at_least", "questions", "reconsider",
                "contrast", "defects", "not_defects", "negations", "verdicts", "not_turns", "not_negations",
                "question_with_complaint", "question_complaints", "suggestions", "answers", "praise",
                "denials", "praise_at_least", "praise_below", "praise_intent", "question_intent",
                "question_max_chars", "asks", "question_ends", "problem_asks", "not_problem_asks",
                "question_keeps", "praise_negations", "turn_cons"}
        if set(raw) - keys:
            raise ValueError(f"complaint_layer: unknown keys {sorted(set(raw) - keys)}; "
                             f"expected some of {sorted(keys)}")
        intents, general = tuple(raw.get("intents") or ()), raw.get("general")
        if general not in intents:
            raise ValueError("complaint_layer: `intents` lists the complaint intents and `general` "
                             f"is one of them (got general={general!r})")
        below, at_least = float(raw.get("below", 0.5)), float(raw.get("at_least", 0.5))
        if not (0 < below <= 1 and 0 < at_least <= 1):
            raise ValueError(f"complaint_layer: `below` and `at_least` are between 0 and 1, "
                             f"got {below} and {at_least}")
        words = {key: tuple(str(w) for w in raw.get(key) or ()) for key in
                 ("reconsider", "contrast", "defects", "not_defects", "negations", "verdicts", "not_turns",
                  "not_negations", "suggestions", "answers", "praise", "denials", "asks", "question_ends",
                  "problem_asks", "not_problem_asks", "question_keeps", "praise_negations", "turn_cons")}
        empty = [key for key, found in words.items()
                 if key not in ("reconsider", "answers", "question_keeps") and "" in found]
        if empty:
            raise ValueError(f"complaint_layer: an empty word in {empty}")
        if words["defects"] and not words["reconsider"]:
            raise ValueError("complaint_layer: `defects` without `reconsider` (the intents a "
                             "message naming a problem is taken from) would never be used")
        with_complaint = float(raw.get("question_with_complaint", 1.0))
        if not 0 < with_complaint <= 1:
            raise ValueError(f"complaint_layer: `question_with_complaint` is between 0 and 1, got {with_complaint}")
        question_complaints = tuple(raw.get("question_complaints") or ())
        if set(question_complaints) - set(intents):
            raise ValueError("complaint_layer: `question_complaints` are some of `intents`; not: "
                             f"{sorted(set(question_complaints) - set(intents))}")
        praise_at_least, praise_below = int(raw.get("praise_at_least", 2)), float(raw.get("praise_below", 0.9))
        if praise_at_least < 1 or not 0 < praise_below <= 1:
            raise ValueError("complaint_layer: `praise_at_least` is at least 1 and `praise_below` between 0 "
                             f"and 1, got {praise_at_least} and {praise_below}")
        praise_intent = str(raw.get("praise_intent", "thank"))
        if words["praise"] and praise_intent in intents:
            raise ValueError(f"complaint_layer: `praise_intent` is not a complaint intent, got {praise_intent!r}")
        question_intent = str(raw.get("question_intent") or "")
        if question_intent and question_intent in intents:
            raise ValueError(f"complaint_layer: `question_intent` is not a complaint intent, got {question_intent!r}")
        if question_intent and not (words["asks"] or words["question_ends"]):
            raise ValueError("complaint_layer: `question_intent` without `asks` or `question_ends` "
                             "(the words of a question) would never be used")
        return cls(intents, tuple(raw.get("serious") or ()), str(general), below, at_least,
                   tuple(raw.get("questions") or ()), with_complaint, question_complaints, **words,
                   praise_at_least=praise_at_least, praise_below=praise_below, praise_intent=praise_intent,
                   question_intent=question_intent, question_max_chars=int(raw.get("question_max_chars") or 0))


def take_up_complaints(ranking: List[Dict[str, Any]], layer: ComplaintLayer) -> List[Dict[str, Any]]:
    """`ranking` (every intent, most confident first) decided in layers.

    A flat list of many intents spreads a real customer's long or unusual complaint over several
    complaint intents, none of them sure, and the fallback would answer "I didn't understand" to
    an upset customer. So when the top intent is less sure than `layer.below` but the complaint
    intents together reach `layer.at_least`, the message is a complaint with that confidence, at
    least `layer.below` (the fallback's threshold: a mass of 0.45 would still be answered "I didn't
    understand"): the top complaint intent when it holds at least half of that mass (it says which
    kind), otherwise the general one (the category is asked). A complaint intent ranked first with one of
    `layer.questions` second holds the question's confidence too (the question is part of it);
    so does one ranked below such a question when it holds `layer.question_with_complaint`.
    """
    if len(ranking) > 1 and ranking[0]["name"] in layer.intents and ranking[1]["name"] in layer.questions:
        top, question = ranking[0], ranking[1]
        return [{"name": top["name"], "confidence": top["confidence"] + question["confidence"]}] + ranking[1:]
    if ranking and ranking[0]["name"] in layer.questions:
        question = ranking[0]
        counted = layer.question_complaints or layer.intents
        complaint = next((r for r in ranking if r["name"] in counted), None)
        if complaint is not None and complaint["confidence"] >= layer.question_with_complaint:
            return ([{"name": complaint["name"],
                      "confidence": min(1.0, complaint["confidence"] + question["confidence"])}]
                    + [r for r in ranking if r["name"] != complaint["name"]])
    if not ranking or ranking[0]["confidence"] >= layer.below:
        return ranking
    members = [r for r in ranking if r["name"] in layer.intents or r["name"] in layer.serious]
    mass = sum(r["confidence"] for r in members)
    if mass < layer.at_least:
        return ranking
    leader = members[0]
    name = (leader["name"] if leader["name"] in layer.intents and leader["confidence"] >= mass / 2
            else layer.general)
    return [{"name": name, "confidence": max(layer.below, mass)}] + [r for r in ranking if r["name"] != name]


def has_content(text: str) -> bool:
    """Whether `text` has a letter or a digit of any script, or a pictograph: punctuation and
    signs alone ("&&&&", "。。。", "？？？") say nothing the assistant could take up or confirm,
    while an emoji may ("👍" is a yes, "😡😡" anger) when the examples use it."""
    return any(unicodedata.category(c)[0] in "LN" or unicodedata.category(c) == "So" for c in text)


def names_a_problem(text: str, layer: ComplaintLayer) -> bool:
    """Whether `text` names a problem by `layer`'s words: a con (`cons_named`: a defect word that
    no negation just before cancels, a denied praise word, a hedge after a turn), with no positive
    verdict after the last such con. "房间不错，就是隔音太差"
    names one, and so does a complaint followed by praise of some other part ("隔音太差，不过前台
    很热情": the rubric's complaint, since 2026-12-06); "整体不错，就是早餐少了点，推荐" (a verdict
    after the regret) does not, and a negated verdict ("以后不会再入住") is no verdict."""
    return bool(layer.defects) and _ends_on_a_problem(text, layer)


def _ends_on_a_problem(text: str, layer: ComplaintLayer) -> bool:
    """Whether `text` names a con (`cons_named`) with no positive verdict after the last one."""
    last = max((end for _, end in cons_named(text, layer)), default=-1)
    if last < 0:
        return False
    plain = _masked(text, layer.not_negations)
    return not any(end > last and not _negated(plain, end - len(word), layer.negations, CLAUSE_ENDS)
                   and not _in_a_suggestion(text, end - len(word), layer)
                   for word, end in _occurrences(text, layer.verdicts))


def _verdicts(text: str, layer: ComplaintLayer) -> List[Tuple[str, int]]:
    """The positive verdicts in `text` (`layer.verdicts`, not negated, not in a suggestion)."""
    return [(word, end) for word, end in _words_named(text, layer.verdicts, layer)
            if not _in_a_suggestion(text, end - len(word), layer)]




def _negated(plain: str, start: int, negations: Tuple[str, ...], ends: Pattern[str], near: int = 2) -> bool:
    """Whether one of `negations` denies what starts at `start` of `plain` (the text with
    `not_negations` masked), inside its own span by `ends`: a one-character negation in the
    `near` characters before it, a longer one in the six before it."""
    before = plain[max(span_start(plain, start, ends), start - 6):start]
    return any((n in before[-near:]) if len(n) == 1 else (n in before) for n in negations)


def _in_a_suggestion(text: str, start: int, layer: ComplaintLayer) -> bool:
    """Whether `text[start:]` is inside a clause that one of `layer.suggestions` opens before it."""
    clause = span_start(text, start, CLAUSE_ENDS)
    return any(text.find(word, clause, start) >= 0 for word in layer.suggestions)


def _masked(text: str, phrases: Tuple[str, ...]) -> str:
    """`text` with each of `phrases` blanked out (same length, so positions hold)."""
    for phrase in phrases:
        text = text.replace(phrase, "\0" * len(phrase))
    return text


def defects_named(text: str, layer: ComplaintLayer) -> List[Tuple[str, int]]:
    """(defect word, where it ends) for each of `layer.defects` in `text` that is not negated:
    a one-character negation ("不", "没") in the two characters before it, or a longer one
    ("不会", "如果") in the six before it ("用久了也不会觉得烫手"); none inside one of
    `layer.not_defects` ("麻烦帮我改下地址")."""
    return _words_named(_masked(text, layer.not_defects), layer.defects, layer)


def cons_named(text: str, layer: ComplaintLayer) -> List[Tuple[str, int]]:
    """(word, where it ends) for each con in `text`: a defect (`defects_named`); a praise word or
    verdict that one of `layer.praise_negations` denies ("总的说来住得不太满意"); one of
    `layer.turn_cons` in the clause right after a contrast word ("房间不错，就是有点吵")."""
    cons = defects_named(text, layer) + _denied_praise(text, layer)
    turns = _masked(text, layer.not_turns)
    for word in layer.contrast if layer.turn_cons else ():
        start = turns.find(word)
        while start >= 0:
            after = start + len(word)
            stop = CLAUSE_ENDS.search(text, after + 1)
            end = stop.start() if stop else len(text)
            cons += [(hedge, at + len(hedge)) for hedge in layer.turn_cons
                     for at in [text.find(hedge, after, end)] if at >= 0]
            start = turns.find(word, after)
    return cons


def _denied_praise(text: str, layer: ComplaintLayer) -> List[Tuple[str, int]]:
    """(word, where it ends) for each praise word or verdict that one of `layer.praise_negations`
    denies in its own clause: a one-character negation right before it ("不方便"), a longer one in
    the six characters before it ("住得不太满意"); not "能不能便宜点" nor "网速不太好。总体挺干净"."""
    if not layer.praise_negations:
        return []
    plain = _masked(text, layer.not_negations)
    return [(word, end) for word, end in _occurrences(text, layer.praise + layer.verdicts)
            if _negated(plain, end - len(word), layer.praise_negations, CLAUSE_ENDS, near=1)]


def _occurrences(text: str, words: Tuple[str, ...]) -> List[Tuple[str, int]]:
    """(word, where it ends) for every occurrence of each of `words` in `text`."""
    found = []
    for word in words:
        start = text.find(word)
        while start >= 0:
            found.append((word, start + len(word)))
            start = text.find(word, start + len(word))
    return found


def _words_named(text: str, words: Tuple[str, ...], layer: ComplaintLayer,
                 negations: Optional[Tuple[str, ...]] = None, negated: bool = False) -> List[Tuple[str, int]]:
    """(word, where it ends) for each of `words` in `text` that no negation just before cancels
    (a negation inside one of `layer.not_negations`, "非常", is none): a one-character negation in
    the two characters before it, a longer one in the six before it, both inside its own sentence
    ("看完没什么感觉。后悔买了" regrets; a comma does not end one: "没有坏点，划痕" denies both).
    `negations` instead of the layer's; `negated`: the words that one does cancel instead."""
    found, plain = [], _masked(text, layer.not_negations)
    cancelling = layer.negations if negations is None else negations
    for word in words:
        start = text.find(word)
        while start >= 0:
            if _negated(plain, start, cancelling, SENTENCE_ENDS) == negated:
                found.append((word, start + len(word)))
            start = text.find(word, start + len(word))
    return found


def praises(text: str, layer: ComplaintLayer) -> bool:
    """Whether `text` is praise by `layer`'s words: no defect named anywhere in it (a regret with a
    verdict after it, "就是早餐少了点，推荐", is left to the NLU: a long complaint may name a
    verdict after its first defect), and at least `layer.praise_at_least` distinct praise words or
    verdicts, not negated, a defect that one of `layer.denials` denies counting as one
    ("一点也不廉价"). A message that turns
    (a contrast word) must open with praise, or end on a verdict after its last turn:
    "屏幕有坏点，不过客服态度挺好" praises only what follows the complaint, while
    "房间小了点，不过很干净，总体满意" is praise."""
    if not layer.praise or cons_named(text, layer):
        return False
    words = {word for word, _ in _words_named(text, layer.praise, layer)}
    words |= {word for word, _ in _verdicts(text, layer)}
    words |= {word for word, _ in _words_named(text, layer.defects, layer, layer.denials, negated=True)}
    if len(words) < layer.praise_at_least:
        return False
    turns = _masked(text, layer.not_turns)
    starts = [at for at in (turns.find(word) for word in layer.contrast) if at >= 0]
    if not starts:
        return True
    opening = text[:min(starts)]
    tail = text[max(turns.rfind(word) for word in layer.contrast):]
    return bool(_words_named(opening, layer.praise, layer) or _verdicts(tail, layer))


def keep_praise(ranking: List[Dict[str, Any]], text: str, layer: ComplaintLayer) -> List[Dict[str, Any]]:
    """`ranking` with a message that praises (`praises`) kept as praise when a complaint intent of
    `layer.intents` leads it less sure than `layer.praise_below`: a long review full of praise,
    numbered pros or a denied defect ("外壳一点也不廉价") is not answered with empathy and the
    complaint form. The praise intent gets its own confidence and the complaint's (the complaint
    words were part of the praise), and the complaint intent leaves the ranking. Serious intents
    (threats, safety) are never overruled."""
    if not ranking or ranking[0]["name"] not in layer.intents or ranking[0]["confidence"] >= layer.praise_below:
        return ranking
    if not praises(text, layer):
        return ranking
    return _complaint_read_as(ranking, layer.praise_intent)


def _complaint_read_as(ranking: List[Dict[str, Any]], intent: str) -> List[Dict[str, Any]]:
    """`ranking` with its top intent, a complaint misread, replaced by `intent`, which takes the
    complaint's confidence with its own (else the two could tie and the fallback answer "I didn't
    understand"); the complaint intent leaves the ranking."""
    own = next((r["confidence"] for r in ranking if r["name"] == intent), 0.0)
    return ([{"name": intent, "confidence": min(1.0, own + ranking[0]["confidence"])}]
            + [r for r in ranking[1:] if r["name"] != intent])


def take_up_named_problems(ranking: List[Dict[str, Any]], text: str, layer: ComplaintLayer) -> List[Dict[str, Any]]:
    """`ranking` with a message that names a problem (`names_a_problem`) taken up as a complaint
    when it was read as one of `layer.reconsider` (praise, thanks, greetings) or as nothing sure:
    a mixed review whose "but" names a defect is not answered "不客气" (nor, when a complaint
    intent is only just ahead of the praise, "I didn't understand"). The complaint is the top
    complaint intent when it holds at least half of the complaint intents' mass, else the general
    one (the category is asked); its confidence is that mass with the misreading's (the praise
    words were part of the complaint), at least `layer.below` (a complaint intent less sure than
    that, "屏幕亮度稍差" at 0.45, is not left to the fallback), and the misread intent leaves
    the ranking."""
    if not ranking or not layer.defects:
        return ranking
    top = ranking[0]
    if (top["name"] in layer.intents and len(ranking) > 1 and ranking[1]["name"] in layer.reconsider
            and names_a_problem(text, layer)):
        # A complaint just ahead of praise ("开头挺吸引人……看完很失望": 0.52 to 0.48) is the
        # complaint, not a tie the fallback would answer with "I didn't understand".
        return ([{"name": top["name"], "confidence": top["confidence"] + ranking[1]["confidence"]}]
                + ranking[2:])
    unsure = top["confidence"] < layer.below
    if not (top["name"] in layer.reconsider or unsure) or not names_a_problem(text, layer):
        return ranking
    members = [r for r in ranking if r["name"] in layer.intents or r["name"] in layer.serious]
    mass = sum(r["confidence"] for r in members)
    leader = members[0] if members else None
    name = (leader["name"] if leader and leader["name"] in layer.intents and leader["confidence"] >= mass / 2
            else layer.general)
    misread = top["name"] not in layer.intents and top["name"] not in layer.serious
    # At least `below` (the fallback's threshold): the named problem is the evidence, and a short
    # con the NLU barely knows ("屏幕亮度稍差") is not answered "I didn't understand".
    confidence = min(1.0, max(layer.below, mass + (top["confidence"] if misread else 0.0)))
    dropped = {name, top["name"]} if misread else {name}
    return [{"name": name, "confidence": confidence}] + [r for r in ranking if r["name"] not in dropped]


def reading_if_unasked(ranking: List[Dict[str, Any]], text: str,
                       layer: ComplaintLayer) -> Optional[List[Dict[str, Any]]]:
    """The ranking of a message read as a yes or a no (`layer.answers`) that names a problem, as
    `take_up_named_problems` reads a praise or thanks that names one; None for any other message.
    "没收到货，是哪里的问题" taken as `deny` is a complaint unless it answers a yes/no question,
    which only the dialogue knows."""
    if not ranking or ranking[0]["name"] not in layer.answers:
        return None
    reading = take_up_named_problems(ranking, text, replace(layer, reconsider=layer.answers))
    return reading if reading[0]["name"] != ranking[0]["name"] else None


_TRAILING = "啊呀哈哦噢啦了的嘞～~!！。.，, "


def is_plain_question(text: str, layer: ComplaintLayer) -> bool:
    """Whether `text` is a short question or request for a service that names no problem: one
    clause of at most `layer.question_max_chars` characters, one of `layer.asks` in it or one of
    `layer.question_ends` ending it ("今天能发吗", "帮我改下地址", "发圆通吧"), and
    neither a defect word (`defects_named`) nor one of `layer.problem_asks` ("怎么还没发货",
    "不是七天无理由吗", "都五天了还没到吗": problems put as questions)."""
    if not text or len(text) > layer.question_max_chars:
        return False
    core = text.rstrip(_TRAILING)
    if CLAUSE_ENDS.search(core.rstrip("?？").strip()):
        return False  # more than one clause: "鞋子开胶了 可以退换吗" reports before it asks
    if not (any(word in text for word in layer.asks) or any(core.endswith(end) for end in layer.question_ends)):
        return False
    plain = _masked(text, layer.not_problem_asks)
    return not any(word in plain for word in layer.problem_asks) and not defects_named(text, layer)


def answer_plain_questions(ranking: List[Dict[str, Any]], text: str, layer: ComplaintLayer) -> List[Dict[str, Any]]:
    """`ranking` with a plain question (`is_plain_question`) read as a complaint given
    `layer.question_intent` instead: a customer who asks when the parcel ships, which courier, or
    for a cheaper price is answered, not met with empathy and a complaint form. The question takes
    the complaint's confidence with its own, and the complaint intent leaves the ranking (else the
    two would tie and the fallback would answer "I didn't understand"); a serious intent (a threat,
    a repeat) is never taken back here."""
    if (not ranking or not layer.question_intent or ranking[0]["name"] not in layer.intents
            or ranking[0]["name"] in layer.question_keeps):
        return ranking
    if not is_plain_question(text, layer):
        return ranking
    return _complaint_read_as(ranking, layer.question_intent)
