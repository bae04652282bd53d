"""What the escalation rules see of a conversation, read from its tracker events.

Events are Rasa tracker events as JSON dicts (what the action server receives, and what the Rasa
server's `Event.as_dict()` gives), so the escalation policy in the Rasa server and the handoff
action in the action server judge the same conversation the same way.

Only the current stretch of the conversation counts: messages after the session started, the
conversation was restarted or an agent handed it back. What was said while an agent had the
conversation was for the agent.
"""
from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

from bot.complaints import merge_description
from bot.escalation import PriorComplaint, Situation, Turn
from bot.extraction import amount_value, parse_amount

#: Events after which an earlier message no longer counts.
_STRETCH_STARTS = ("session_started", "restart", "resume")
#: The details the escalation rules read: (slot, the entity that says it when the slot is empty).
#: The category only from its slot: a category guessed from a later message (a survey answer, an
#: aside) must not make a repeat of an earlier complaint; an order number said anywhere may.
_CUSTOMER_DETAILS = (("order_number", "order_number"), ("complaint_category", None), ("amount", "amount"))
#: Set when a complaint of the conversation is recorded.
RECORDED_SLOT = "complaint_id"
#: Intents of events the system triggers (e.g. the agent console's hand-back), not customer words.
EXTERNAL_INTENT_PREFIX = "EXTERNAL_"


def is_external(intent: Optional[str]) -> bool:
    """True for an intent the system triggered rather than the customer typed."""
    return intent is not None and intent.startswith(EXTERNAL_INTENT_PREFIX)


def current_stretch(events: Sequence[Mapping[str, Any]]) -> List[Mapping[str, Any]]:
    """The events after the latest session start, restart or hand-back, a message read again
    counted once (`_read_once`)."""
    start, rewound = 0, False
    for index in range(len(events) - 1, -1, -1):
        kind = events[index].get("event")
        if kind in _STRETCH_STARTS:
            start = index + 1
            break
        rewound = rewound or kind == "rewind"
    stretch = events[start:]
    return _read_once(stretch) if rewound else list(stretch)  # one pass for a long conversation


def _read_once(events: Sequence[Mapping[str, Any]]) -> List[Mapping[str, Any]]:
    """`events` without a customer message the dialogue took back and read again (a rewind, then
    the same words as the next message: a "no" naming a problem read as the complaint,
    actions/unexpected.py): the customer said it once. A message taken back and not said again
    (Rasa's default fallback) stays."""
    dropped, last_user = set(), None
    for index, event in enumerate(events):
        kind = event.get("event")
        if kind == "user":
            last_user = index
        elif kind == "rewind" and last_user is not None:
            again = next((later for later in events[index + 1:] if later.get("event") == "user"), None)
            if again is not None and again.get("text") == events[last_user].get("text"):
                dropped.add(last_user)
            last_user = None
    return [event for index, event in enumerate(events) if index not in dropped]


def customer_turns(events: Iterable[Mapping[str, Any]]) -> List[Turn]:
    """The customer's messages with the NLU's reading of them, oldest first (system-triggered
    intents left out)."""
    turns = []
    for event in events:
        if event.get("event") != "user":
            continue
        intent = (event.get("parse_data") or {}).get("intent") or {}
        if is_external(intent.get("name")):
            continue
        turns.append(Turn(event.get("text") or "", intent.get("name"),
                          float(intent.get("confidence") or 0.0)))
    return turns


#: What the customer says that is no part of the problem's story: greetings, thanks, yes and no,
#: asking for a person or a repeat, a score; said in a long message (more than _ASIDE_CHARS
#: characters: "鞋子开胶了一个星期没人管，给我转人工"), the story is in it too.
_NOT_THE_STORY = frozenset({"greet", "goodbye", "thank", "affirm", "deny", "request_human",
                            "say_repeat", "ask_progress", "rate_satisfaction", "correct"})
#: A message with no more than this many characters left once its details (order number, phone,
#: date, sum, remedy) are taken out is the answer to a question, shown in that detail's field.
_BARE_ANSWER_CHARS = 5
#: The entities that are such details (not e.g. complaint_category, which spans a whole message).
_DETAIL_ENTITIES = frozenset({"order_number", "phone", "date", "amount", "remedy"})
_ASIDE_CHARS = 12
#: Intents of answers to the form's questions (a date the NLU has no entity for: "上周三").
_ANSWER_INTENTS = frozenset({"give_details", "request_remedy"})
_NOT_WORDS = re.compile(r"[\W_]+")


def _bare_answer(event: Mapping[str, Any], intent: Optional[str]) -> bool:
    """The message only gives details ("订单号DD20261101456", "13812345678", "上周三", "退款")."""
    text = event.get("text") or ""
    spans = sorted((e["start"], e["end"]) for e in (event.get("parse_data") or {}).get("entities") or ()
                   if e.get("entity") in _DETAIL_ENTITIES
                   and isinstance(e.get("start"), int) and isinstance(e.get("end"), int))
    rest, at = [], 0
    for start, end in spans:
        rest.append(text[at:max(at, start)])
        at = max(at, end)
    rest.append(text[at:])
    answering = bool(spans) or intent in _ANSWER_INTENTS
    return answering and len(_NOT_WORDS.sub("", "".join(rest))) <= _BARE_ANSWER_CHARS


def _story(events: Iterable[Mapping[str, Any]]) -> str:
    """The customer's messages among `events` that tell the problem, merged (`merge_description`):
    button presses, greetings, thanks, yes and no, the request for a person and bare answers
    (an order number, a phone) left out; "" when none does."""
    story = ""
    for event in events:
        if event.get("event") != "user":
            continue
        text = (event.get("text") or "").strip()
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        aside = intent in _NOT_THE_STORY and len(_NOT_WORDS.sub("", text)) <= _ASIDE_CHARS
        if not text or text.startswith("/") or is_external(intent) or aside or _bare_answer(event, intent):
            continue
        story = merge_description(story, text)
    return story


def story_so_far(events: Sequence[Mapping[str, Any]]) -> str:
    """What the customer said of the problem in the current stretch, as the story of a complaint
    a person takes over before the form asked for it (`_story`)."""
    return _story(current_stretch(events)) or "（客户要求人工处理，尚未描述问题）"


def tells_a_story(events: Sequence[Mapping[str, Any]]) -> bool:
    """Whether a message of the current stretch tells something of a problem (`_story`): a
    long "快递员把我的包裹摔坏了，我要找你们经理" does, a short "我要找人工客服" does not."""
    return bool(_story(current_stretch(events)))


def story_since_recorded(events: Iterable[Mapping[str, Any]]) -> str:
    """What the customer said of the problem since the latest complaint was recorded, told the
    way `story_so_far` tells it ("" when nothing): what escalating that complaint adds to its
    description."""
    return _story(_since_recorded(events))


def _since_recorded(events: Iterable[Mapping[str, Any]]) -> List[Mapping[str, Any]]:
    """The customer's messages (user events, system-triggered ones left out) of the current
    stretch since the latest complaint was recorded."""
    said: List[Mapping[str, Any]] = []
    for event in current_stretch(list(events)):
        if event.get("event") == "slot" and event.get("name") == RECORDED_SLOT:
            said.clear()  # a complaint was recorded: what came before is its, not the next one's
        if event.get("event") != "user":
            continue
        if not is_external(((event.get("parse_data") or {}).get("intent") or {}).get("name")):
            said.append(event)
    return said


def said_since_recorded(events: Iterable[Mapping[str, Any]]) -> List[str]:
    """The words of the customer's messages since the latest complaint was recorded, oldest
    first (current stretch; button presses left out)."""
    return [text for text in (e.get("text") or "" for e in _since_recorded(events))
            if text and not text.startswith("/")]


def heard_details(events: Iterable[Mapping[str, Any]]) -> Dict[str, str]:
    """The details the NLU heard in the customer's messages of the current stretch, by entity
    (order_number, phone, amount, date, remedy, complaint_category; the latest mention wins),
    since the latest complaint was recorded.

    The form's slots take an entity only as the answer to its questions, never from a threat or
    a safety report; what the customer said there still belongs to the complaint a person takes
    over, and the order and sum to the escalation rules (an order we already have a complaint
    about, a large sum).
    """
    heard: Dict[str, str] = {}
    for event in _since_recorded(events):
        for entity in (event.get("parse_data") or {}).get("entities") or ():
            if entity.get("entity") and entity.get("value") is not None:
                heard[str(entity["entity"])] = str(entity["value"])
    return heard


def misunderstood_in_a_row(events: Iterable[Mapping[str, Any]]) -> int:
    """How many of the customer's latest messages in a row the NLU did not understand.

    An unclear message while the complaint form waits for an answer ("上周三吧") is taken as the
    answer, not counted as a misunderstanding."""
    count, form_active = 0, False
    for event in events:
        if event.get("event") == "active_loop":
            form_active = bool(event.get("name"))
        elif event.get("event") == "user":
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            count = count + 1 if intent == "nlu_fallback" and not form_active else 0
    return count


def prior_complaint_values(complaints: Iterable[Any]) -> List[Dict[str, Any]]:
    """`bot.storage.Complaint`s as slot values (JSON) for `prior_complaints_from_slot`."""
    return [{"public_id": c.public_id, "status": c.status, "created_at": c.created_at.isoformat(),
             "order_number": c.order_number, "category": c.category} for c in complaints]


def prior_complaints_from_slot(values: Optional[Iterable[Mapping[str, Any]]]) -> List[PriorComplaint]:
    """The slot `prior_complaints` back as `PriorComplaint`s."""
    return [PriorComplaint(public_id=v["public_id"], status=v["status"],
                           created_at=datetime.fromisoformat(v["created_at"]),
                           order_number=v.get("order_number"), category=v.get("category"))
            for v in values or ()]


def _amount_said(turns: Sequence[Turn]) -> Optional[Decimal]:
    """The latest sum the customer said in words the NLU's regex misses ("两万八买的")."""
    for turn in reversed(turns):
        if not turn.text.startswith("/"):
            amount = parse_amount(turn.text)
            if amount is not None:
                return amount
    return None


def situation_from_events(events: Sequence[Mapping[str, Any]], slots: Mapping[str, Any],
                          now: datetime,
                          prior_complaints: Optional[Sequence[PriorComplaint]] = None) -> Situation:
    """The escalation `Situation` of a conversation: its current stretch's messages, the
    complaint details in `slots`, and the customer's earlier complaints (by default those in the
    slot `prior_complaints`)."""
    stretch = current_stretch(events)
    turns = customer_turns(stretch)
    if prior_complaints is None:
        prior_complaints = prior_complaints_from_slot(slots.get("prior_complaints"))
    heard = heard_details(stretch)
    order, category, amount = (slots.get(name) or (heard.get(entity) if entity else None)
                               for name, entity in _CUSTOMER_DETAILS)
    return Situation(
        turns=tuple(turns),
        order_number=order,
        category=category,
        amount=amount_value(amount) if amount else _amount_said(turns),
        prior_complaints=tuple(prior_complaints),
        consecutive_fallbacks=misunderstood_in_a_row(stretch),
        now=now,
    )
