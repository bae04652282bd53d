"""Why a conversation needs a person: the escalation rules and the reasons they give.

`decide(situation, config)` runs one small rule per reason (`RULES`) over what the customer said in
this conversation and what our store knows about them, and returns one `Decision` per reason that
applies, most urgent first. Thresholds and the pattern lexicons live in config/escalation.yml
(`load_escalation_config`); the pattern layer backs up the NLU for threats and safety reports.

The handoff itself (queue, agent console) builds on these reason codes.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import (
    Any, Callable, FrozenSet, Iterable, List, Mapping, Optional, Pattern, Tuple,
)

from bot.clock import require_aware
from bot.complaints import is_open
from bot.anger import DEFAULT_ESCALATION_PATH, AngerModel, AngerLevel
from bot.datafiles import load_yaml
from bot.extraction import amount_value, find_entity, parse_amount
from bot.labels import load_labels
from bot.lexicon import MASK, Lexicon, LexiconResult, compile_pattern, normalise, pattern_union, short_quote


# --- What the rules look at -----------------------------------------------------------------------

#: Every reason, in the order decisions of equal priority are listed.
REASONS = ("safety", "threat", "identity", "repeated", "pushed_around", "anger", "high_value",
           "human_request", "fallback")
#: Why a recorded complaint is queued for a person later (`reopen` in escalation.yml): the
#: after-closure surveys, and a plan the customer declined (bot/app/plans.py).
REOPEN_REASONS = ("low_satisfaction", "not_solved", "plan_declined")
PRIORITIES = ("P1", "P2", "P3")


@dataclass(frozen=True)
class Turn:
    """One message of the customer's, with what the NLU made of it (None: not classified)."""

    text: str
    intent: Optional[str] = None
    intent_confidence: float = 1.0


@dataclass(frozen=True)
class PriorComplaint:
    """A complaint this customer filed before, as our store has it."""

    public_id: str
    status: str
    """One of `bot.complaints.Status`: open, in_progress, resolved, closed."""
    created_at: datetime
    order_number: Optional[str] = None
    category: Optional[str] = None

    def __post_init__(self) -> None:
        require_aware("created_at", self.created_at)

    @classmethod
    def from_complaint(cls, complaint: Any) -> "PriorComplaint":
        """From a `bot.storage.Complaint` (e.g. one of `ComplaintStore.for_customer(...)`)."""
        return cls(public_id=complaint.public_id, status=complaint.status,
                   created_at=complaint.created_at, order_number=complaint.order_number,
                   category=complaint.category)


@dataclass(frozen=True, kw_only=True)
class Situation:
    """Everything the rules judge: this conversation so far and this customer's history."""

    turns: Tuple[Turn, ...] = ()
    """The customer's messages in this conversation, oldest first."""
    order_number: Optional[str] = None
    category: Optional[str] = None
    amount: Optional[Decimal] = None
    prior_complaints: Tuple[PriorComplaint, ...] = ()
    """This customer's complaints in our store, excluding the one being collected."""
    consecutive_fallbacks: int = 0
    now: datetime

    def __post_init__(self) -> None:
        require_aware("now", self.now)
        object.__setattr__(self, "turns", tuple(self.turns))
        object.__setattr__(self, "prior_complaints", tuple(self.prior_complaints))
        if self.amount is not None and not isinstance(self.amount, Decimal):
            object.__setattr__(self, "amount", Decimal(str(self.amount)))


@dataclass(frozen=True)
class Decision:
    """One reason a person must take over, how urgent it is, and why, in a line for the agent."""

    reason: str
    priority: str
    """P1 (most urgent), P2 or P3."""
    explanation: str


# --- Configuration --------------------------------------------------------------------------------

@dataclass(frozen=True)
class RepeatedSettings:
    recent_days: int
    same_category_ignores: FrozenSet[str]


@dataclass(frozen=True)
class SustainedAnger:
    at_score: float
    """The anger score a message must reach to count (the configured level's threshold)."""
    level: str
    turns: int
    of_last: int


@dataclass(frozen=True)
class EscalationConfig:
    """Priorities, thresholds and lexicons of the escalation rules (config/escalation.yml)."""

    priorities: Mapping[str, str]
    intents: Mapping[str, FrozenSet[str]]
    lexicons: Mapping[str, Lexicon]
    intent_yields_to: Mapping[str, Tuple[str, ...]]
    min_intent_confidence: float
    intent_confidence: Mapping[str, float]
    """Per reason, how sure the NLU must be for its intent alone to hand off (`min_confidence`
    of a rule; `min_intent_confidence` when not set)."""
    intent_needs: Mapping[str, Pattern[str]]
    """Per reason, words a message must have for the NLU's intent alone to count (`intent_needs`
    of a rule: a request for a person names a person, the bot or a transfer; "个人感觉：" does not)."""
    content_review: Optional[Pattern[str]]
    """A review of a book's or a film's content (`intent_alone.content_review`): no intent alone
    hands it off (the NLU's say_repeat on "读了好几遍"); the lexicons still do."""
    long_message: Optional[Tuple[int, float]]
    """(characters, confidence): in a message longer than this, an intent alone needs at least this
    confidence (`intent_alone.long_message`: the NLU's say_repeat or report_safety at 0.6-0.77 on
    long neutral reviews; none of our own messages that only the NLU catches is longer than 32)."""
    high_value_over: Decimal
    high_value_not_for: Mapping[str, float]
    """Intents of messages that do not put a sum at stake, each with how sure the NLU must be
    (praise at 0.8: "5699入手的，性价比很高", a complaint misread as thanks still counts; a
    message the NLU did not understand at all, nlu_fallback: "6699入手")."""
    not_sums: Optional[Pattern[str]]
    """Numbers that are not sums (`high_value.not_sums`: a camera's 130万 pixels)."""
    price_comparison: Optional[Pattern[str]]
    """A message whose sum is a price compared ("花了6500，没赶上特价，买贵了"): what is at stake is
    the difference, not the sum (`high_value.price_comparison`)."""
    repeated: RepeatedSettings
    anger: SustainedAnger
    anger_model: AngerModel
    fallback_limit: int

    def priority(self, reason: str) -> str:
        """The priority of an escalation reason or a reopen reason."""
        return self.priorities[reason]

    @classmethod
    def from_config(cls, raw: Mapping[str, Any], source: str = "escalation.yml") -> "EscalationConfig":
        rules = raw.get("rules") or {}
        unknown = sorted(set(rules) - set(REASONS))
        missing = [reason for reason in REASONS if reason not in rules]
        if unknown or missing:
            raise ValueError(f"{source}: rules must be exactly {', '.join(REASONS)}; "
                             f"unknown: {unknown or 'none'}, missing: {missing or 'none'}")
        reopen = raw.get("reopen") or {}
        if sorted(reopen) != sorted(REOPEN_REASONS):
            raise ValueError(f"{source}: reopen must be exactly {', '.join(REOPEN_REASONS)}; "
                             f"got {', '.join(sorted(reopen)) or 'none'}")
        priorities = {}
        for section, entries in (("rules", rules), ("reopen", reopen)):
            for reason, entry in entries.items():
                priority = (entry or {}).get("priority")
                if priority not in PRIORITIES:
                    raise ValueError(f"{source}: {section}.{reason}.priority must be one of "
                                     f"{', '.join(PRIORITIES)}; got {priority!r}")
                priorities[reason] = priority
        anger_model = AngerModel.from_config(raw["anger"])
        anger_rule = rules["anger"]
        level = AngerLevel(anger_rule.get("at_level", "angry"))
        at_score = {AngerLevel.UPSET: anger_model.upset_at,
                    AngerLevel.ANGRY: anger_model.angry_at}.get(level)
        if at_score is None:
            raise ValueError(f"{source}: rules.anger.at_level must be upset or angry; got {level.value!r}")
        repeated = rules["repeated"]
        return cls(
            priorities=priorities,
            intents={reason: frozenset((rules[reason] or {}).get("intents") or ()) for reason in REASONS},
            lexicons={reason: Lexicon.from_config(rules[reason], f"{source}: rules.{reason}")
                      for reason in REASONS if (rules[reason] or {}).get("patterns")},
            intent_yields_to={reason: tuple((rules[reason] or {}).get("intent_yields_to") or ())
                              for reason in REASONS},
            min_intent_confidence=float(raw.get("min_intent_confidence", 0.5)),
            intent_confidence={
                reason: float((rules[reason] or {}).get("min_confidence",
                                                       raw.get("min_intent_confidence", 0.5)))
                for reason in REASONS},
            intent_needs={reason: compile_pattern(str(rules[reason]["intent_needs"]),
                                           f"{source}: rules.{reason}.intent_needs")
                          for reason in REASONS if (rules[reason] or {}).get("intent_needs")},
            content_review=pattern_union((raw.get("intent_alone") or {}).get("content_review"),
                                  f"{source}: intent_alone.content_review"),
            long_message=_long_message((raw.get("intent_alone") or {}).get("long_message"), source),
            high_value_over=Decimal(str(rules["high_value"]["amount_over"])),
            high_value_not_for={str(intent): float(confidence) for intent, confidence
                                in (rules["high_value"].get("not_for_intents") or {}).items()},
            not_sums=pattern_union(rules["high_value"].get("not_sums"), f"{source}: rules.high_value.not_sums"),
            price_comparison=pattern_union(rules["high_value"].get("price_comparison"),
                                    f"{source}: rules.high_value.price_comparison"),
            repeated=RepeatedSettings(
                recent_days=int(repeated["recent_days"]),
                same_category_ignores=frozenset(repeated.get("same_category_ignores") or ()),
            ),
            anger=SustainedAnger(at_score=float(at_score), level=level.value,
                                 turns=int(anger_rule["turns"]), of_last=int(anger_rule["of_last"])),
            anger_model=anger_model,
            fallback_limit=int(raw["fallback_limit"]),
        )


def _long_message(raw: Optional[Mapping[str, Any]], source: str) -> Optional[Tuple[int, float]]:
    """`intent_alone.long_message` as (chars, min_confidence), or None when not configured."""
    if not raw:
        return None
    try:
        return int(raw["chars"]), float(raw["min_confidence"])
    except (KeyError, TypeError, ValueError):
        raise ValueError(f"{source}: intent_alone.long_message needs chars (a number of characters) "
                         f"and min_confidence (0-1); got {raw!r}") from None


@lru_cache(maxsize=None)
def load_escalation_config(path: Path = DEFAULT_ESCALATION_PATH) -> EscalationConfig:
    """The escalation rules configured in `path` (read and compiled once per process)."""
    return EscalationConfig.from_config(load_yaml(Path(path)), source=str(path))


# --- The rules: one function per reason -----------------------------------------------------------

Rule = Callable[[Situation, EscalationConfig], Optional[Decision]]

_INTENT_NAMES = {"threat": "威胁投诉/曝光", "safety": "安全问题", "repeated": "重复投诉",
                 "human_request": "要求转人工"}
_STATUS_NAMES = {"open": "未处理", "in_progress": "处理中", "resolved": "已解决", "closed": "已结案"}


def _decision(reason: str, config: EscalationConfig, explanation: str) -> Decision:
    return Decision(reason, config.priority(reason), explanation)


def _intent_counts(turn: Turn, reason: str, config: EscalationConfig) -> bool:
    """Whether the NLU's intent alone signals `reason` in this message: sure enough (surer in a
    long message: `long_message`), with the words the reason needs (`intent_needs`), and not in a
    review of a book's content."""
    if not (turn.intent in config.intents.get(reason, ())
            and turn.intent_confidence >= config.intent_confidence.get(reason, config.min_intent_confidence)):
        return False
    needs = config.intent_needs.get(reason)
    if needs is not None and not needs.search(normalise(turn.text)):
        return False
    if (config.long_message is not None and len(turn.text.strip()) > config.long_message[0]
            and turn.intent_confidence < config.long_message[1]):
        return False
    return config.content_review is None or not config.content_review.search(normalise(turn.text))


def _said(situation: Situation, reason: str, config: EscalationConfig,
          what: str) -> Optional[Decision]:
    """The newest message whose words (lexicon) or intent (NLU) signal `reason`.

    `what` is how the explanation begins, e.g. 客户提到 or 客户报告安全问题：.
    The intent does not count for a message the lexicon explicitly sets aside (a negated mention
    such as "我不会去曝光的", or a near-miss such as "人工费"), nor for one that a more specific
    reason's lexicon explains (`intent_yields_to`: say_repeat on "推来推去" is pushed_around).
    """
    lexicon = config.lexicons.get(reason)
    for turn in reversed(situation.turns):
        found = lexicon.search(turn.text) if lexicon else LexiconResult()
        if found.match:
            m = found.match
            return _decision(reason, config, f"{what}{m.label}（{m.term}）：“{m.quote}”")
        if (_intent_counts(turn, reason, config) and not found.set_aside
                and not any(config.lexicons[other].search(turn.text).match
                            for other in config.intent_yields_to.get(reason, ())
                            if other in config.lexicons)):
            return _decision(reason, config,
                             f"NLU判断为{_INTENT_NAMES.get(reason, reason)}（{turn.intent}，"
                             f"置信度{turn.intent_confidence:.0%}）：“{short_quote(turn.text)}”")
    return None


def check_threat(situation: Situation, config: EscalationConfig) -> Optional[Decision]:
    """Media or exposing online, regulators and consumer bodies, court, lawyer or police."""
    return _said(situation, "threat", config, "客户提到")


def check_safety(situation: Situation, config: EscalationConfig) -> Optional[Decision]:
    """Injury, fire or smoke, electric shock, poisoning or allergy, hospital, danger."""
    return _said(situation, "safety", config, "客户报告安全问题：")


def check_identity(situation: Situation, config: EscalationConfig) -> Optional[Decision]:
    """Journalist, government official, people's deputy, public figure or influencer."""
    return _said(situation, "identity", config, "客户自称")


def check_pushed_around(situation: Situation, config: EscalationConfig) -> Optional[Decision]:
    """Passed from person to person, contradictory answers, made to tell the story again."""
    return _said(situation, "pushed_around", config, "客户")


def check_human_request(situation: Situation, config: EscalationConfig) -> Optional[Decision]:
    """Asks for a person, a supervisor or a manager."""
    return _said(situation, "human_request", config, "客户")


def _same_order(a: Optional[str], b: Optional[str]) -> bool:
    return bool(a and b and a.strip().upper() == b.strip().upper())


def prior_on_same_matter(situation: Situation, config: EscalationConfig) -> Optional[Tuple[PriorComplaint, str]]:
    """The newest prior complaint on the same order ("order") or category ("category") that is
    still live or was filed within `recent_days`; None if there is none."""
    settings = config.repeated
    window = timedelta(days=settings.recent_days)
    for prior in sorted(situation.prior_complaints, key=lambda p: p.created_at, reverse=True):
        if _same_order(prior.order_number, situation.order_number):
            match = "order"
        elif (situation.category and prior.category == situation.category
              and situation.category not in settings.same_category_ignores):
            match = "category"
        else:
            continue
        if is_open(prior.status) or situation.now - prior.created_at <= window:
            return prior, match
    return None


def check_repeated(situation: Situation, config: EscalationConfig) -> Optional[Decision]:
    """An open or recent complaint on the same order or category in our store, or the customer
    says it is a repeat."""
    found = prior_on_same_matter(situation, config)
    if found:
        prior, match = found
        state = f"{_STATUS_NAMES.get(prior.status, prior.status)}，{prior.created_at:%Y-%m-%d}提交"
        if match == "order":
            return _decision("repeated", config,
                             f"同一订单{prior.order_number}已有投诉{prior.public_id}（{state}）")
        category = load_labels().category(prior.category)
        return _decision("repeated", config,
                         f"同类问题（{category}）已有投诉{prior.public_id}（{state}）")
    return _said(situation, "repeated", config, "")


def check_anger(situation: Situation, config: EscalationConfig) -> Optional[Decision]:
    """Sustained anger: enough of the latest messages score angry (one outburst is not enough)."""
    rule = config.anger
    recent = situation.turns[-rule.of_last:] if rule.of_last > 0 else ()
    scored = []
    for turn in recent:
        intent = turn.intent if turn.intent_confidence >= config.min_intent_confidence else None
        scored.append((turn, config.anger_model.score(turn.text, intent)))
    angry = [(turn, score) for turn, score in scored if score.score >= rule.at_score]
    if len(angry) < rule.turns:
        return None
    scores = "、".join(f"{score.score:g}" for _, score in scored)
    turn, score = angry[-1]
    why = "，".join(score.reasons)
    return _decision("anger", config,
                     f"客户持续愤怒：最近{len(scored)}条消息中{len(angry)}条愤怒分≥{rule.at_score:g}"
                     f"（{scores}；{why}）：“{short_quote(turn.text)}”")


def check_high_value(situation: Situation, config: EscalationConfig) -> Optional[Decision]:
    """The amount at stake is over the configured threshold. A sum the customer names only in
    praise or in a message the NLU did not understand (every message so far one of
    `not_for_intents`, at its confidence or more: "5699入手的，性价比很高") is the price they paid,
    not a sum at stake; so is a sum the customer names only in a price comparison
    (`price_comparison`: "7299元下的单，隔天就降价到6899"), where the difference is at stake, and a
    number that is no sum (`not_sums`: "摄像头130万的", the NLU's amount entity)."""
    if situation.amount is None or situation.amount <= config.high_value_over:
        return None
    with_sums = [turn for turn in situation.turns if parse_amount(turn.text) is not None]
    if (config.price_comparison is not None and with_sums
            and all(config.price_comparison.search(normalise(turn.text)) for turn in with_sums)):
        return None
    if situation.turns and all(turn.intent is not None and turn.intent in config.high_value_not_for
                               and turn.intent_confidence >= config.high_value_not_for[turn.intent]
                               for turn in situation.turns):
        return None
    if config.not_sums is not None and _only_counts(situation.turns, config):
        return None
    return _decision("high_value", config,
                     f"涉及金额{situation.amount:,}元，超过{config.high_value_over:,}元的人工处理标准")


def _only_counts(turns: Iterable[Turn], config: EscalationConfig) -> bool:
    """Some message names a number that is no sum (`not_sums`), and with those blanked out no
    message names a sum over the threshold (as the NLU's amount entity or `parse_amount` reads it)."""
    assert config.not_sums is not None
    counted = False
    for turn in turns:
        seen = normalise(turn.text)
        blanked = config.not_sums.sub(lambda m: MASK * len(m.group()), seen)
        counted = counted or blanked != seen
        sums = (parse_amount(blanked), amount_value(find_entity("amount", blanked)))
        if any(value is not None and value > config.high_value_over for value in sums):
            return False
    return counted


def check_fallback(situation: Situation, config: EscalationConfig) -> Optional[Decision]:
    """The assistant misunderstood the customer `fallback_limit` times in a row."""
    if situation.consecutive_fallbacks < config.fallback_limit:
        return None
    last = f"：“{short_quote(situation.turns[-1].text)}”" if situation.turns else ""
    return _decision("fallback", config,
                     f"机器人已连续{situation.consecutive_fallbacks}次没听懂客户{last}")


#: The rule for each reason; `decide` runs them all.
RULES: Mapping[str, Rule] = {
    "safety": check_safety,
    "threat": check_threat,
    "identity": check_identity,
    "repeated": check_repeated,
    "pushed_around": check_pushed_around,
    "anger": check_anger,
    "high_value": check_high_value,
    "human_request": check_human_request,
    "fallback": check_fallback,
}


def decide(situation: Situation, config: Optional[EscalationConfig] = None) -> List[Decision]:
    """Every reason a person must take over, one decision per reason, highest priority first
    (ties in the order of `REASONS`); empty when the assistant may carry on."""
    config = config or load_escalation_config()
    decisions = [d for d in (RULES[reason](situation, config) for reason in REASONS) if d]
    return sorted(decisions, key=lambda d: PRIORITIES.index(d.priority))
