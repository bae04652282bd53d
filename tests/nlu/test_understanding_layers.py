"""Understanding in layers: is it a complaint at all (rasa_ext.intent_classifier's complaint
layer), then which kind (rasa_ext.category_classifier). Hand-made sparse features, no model."""
from __future__ import annotations

from pathlib import Path
from typing import Dict, List

import numpy as np
import pytest

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_ext.category_classifier import CategoryClassifier
from rasa_ext.complaint_layer import (ComplaintLayer, answer_plain_questions, has_content, is_plain_question,
                                        names_a_problem, take_up_complaints, take_up_named_problems)
from tests.nlu.sparse import intent_classifier as _classifier
from tests.nlu.sparse import message as _message

LAYER = ComplaintLayer.from_config({
    "intents": ["complain_general", "complain_quality", "complain_delivery", "vent"],
    "serious": ["threaten", "report_safety"],
    "general": "complain_general", "below": 0.5, "at_least": 0.4,
    "questions": ["ask_policy_return_window"],
})


def _ranking(**confidences: float) -> List[Dict[str, object]]:
    return sorted(({"name": n, "confidence": c} for n, c in confidences.items()),
                  key=lambda r: -r["confidence"])


def test_a_complaint_spread_over_its_kinds_is_taken_up_as_a_general_complaint() -> None:
    ranking = _ranking(complain_quality=0.2, complain_delivery=0.18, vent=0.12, greet=0.3, thank=0.2)
    decided = take_up_complaints(ranking, LAYER)
    assert decided[0] == {"name": "complain_general", "confidence": pytest.approx(0.5)}
    assert {r["name"] for r in decided[1:]} == {"complain_quality", "complain_delivery", "vent", "greet", "thank"}


def test_a_complaint_kind_holding_most_of_the_mass_keeps_its_name() -> None:
    ranking = _ranking(complain_delivery=0.35, complain_quality=0.15, greet=0.4, thank=0.1)
    assert take_up_complaints(ranking, LAYER)[0] == {"name": "complain_delivery",
                                                     "confidence": pytest.approx(0.5)}


def test_a_complaint_taken_up_is_at_least_as_sure_as_the_fallback_asks() -> None:
    """A mass of 0.45 returned as such would be under the FallbackClassifier's threshold (`below`),
    and the complaint taken up here would still be answered "I didn't understand"."""
    ranking = _ranking(complain_quality=0.3, complain_delivery=0.15, greet=0.35, thank=0.2)
    assert take_up_complaints(ranking, LAYER)[0] == {"name": "complain_quality",
                                                     "confidence": pytest.approx(LAYER.below)}


def test_a_serious_intent_never_gains_confidence_here() -> None:
    ranking = _ranking(threaten=0.3, complain_quality=0.15, greet=0.35, thank=0.2)
    decided = take_up_complaints(ranking, LAYER)
    assert decided[0]["name"] == "complain_general"
    assert {"name": "threaten", "confidence": 0.3} in decided


def test_a_complaint_that_asks_a_policy_question_is_the_complaint_not_a_tie() -> None:
    ranking = _ranking(complain_quality=0.5, ask_policy_return_window=0.48, greet=0.02)
    decided = take_up_complaints(ranking, LAYER)
    assert decided[0] == {"name": "complain_quality", "confidence": pytest.approx(0.98)}
    assert decided[1:] == ranking[1:]


@pytest.mark.parametrize("ranking", [
    _ranking(ask_policy_return_window=0.5, complain_quality=0.48, greet=0.02),  # a question first
    _ranking(greet=0.45, complain_quality=0.2, thank=0.35),           # not enough complaint
    _ranking(complain_quality=0.55, greet=0.45),                      # already sure
    _ranking(thank=0.6, complain_quality=0.3, vent=0.1),              # sure it is not one
])
def test_other_rankings_are_left_as_they_are(ranking: List[Dict[str, object]]) -> None:
    assert take_up_complaints(ranking, LAYER) == ranking


ASKING_LAYER = ComplaintLayer.from_config({
    "intents": ["complain_general", "complain_quality", "complain_refund_return"],
    "general": "complain_general", "below": 0.5, "at_least": 0.4,
    "questions": ["ask_policy_warranty", "ask_policy_return_window"], "question_with_complaint": 0.25,
    "question_complaints": ["complain_general", "complain_quality"],
})


def test_a_defect_with_a_question_after_it_is_the_complaint_when_the_complaint_holds_enough() -> None:
    """"杯子裂了，保修吗": the question first, the defect's complaint close behind; answering only
    the policy would drop the complaint."""
    ranking = _ranking(ask_policy_warranty=0.58, complain_quality=0.4, thank=0.02)
    decided = take_up_complaints(ranking, ASKING_LAYER)
    assert decided[0] == {"name": "complain_quality", "confidence": pytest.approx(0.98)}
    assert [r["name"] for r in decided[1:]] == ["ask_policy_warranty", "thank"]


@pytest.mark.parametrize("ranking", [
    _ranking(ask_policy_warranty=0.95, complain_quality=0.04, thank=0.01),   # a question alone
    _ranking(ask_policy_return_window=0.7, complain_quality=0.2, greet=0.1),  # under 0.25
    # "退款审核中，要多久": the refund complaint is what a refund question sounds like
    _ranking(ask_policy_return_window=0.6, complain_refund_return=0.38, greet=0.02),
])
def test_a_plain_policy_question_stays_a_question(ranking: List[Dict[str, object]]) -> None:
    assert take_up_complaints(ranking, ASKING_LAYER) == ranking


@pytest.mark.parametrize("raw", [
    {"intents": ["complain_general"], "general": "complain_general", "question_with_complaint": 0},
    {"intents": ["complain_general"], "general": "complain_general", "question_complaints": ["vent"]},
    {"intents": ["complain_quality"], "general": "complain_general"},
    {"intents": ["complain_general"], "general": "complain_general", "below": 1.5},
    {"intents": ["complain_general"], "general": "complain_general", "at_last": 0.4},
])
def test_a_mistake_in_the_layer_is_named(raw: dict) -> None:
    with pytest.raises(ValueError, match="complaint_layer"):
        ComplaintLayer.from_config(raw)


def test_a_message_with_no_known_features_is_not_taken_up(tmp_path: Path) -> None:
    """The intents' prior is mostly complaints (most examples are); it is no evidence."""
    classifier = _classifier(tmp_path, complaint_layer={
        "intents": ["complain_general", "complain_quality", "vent"], "general": "complain_general",
        "below": 0.99, "at_least": 0.4})
    classifier.train(TrainingData([_message([1 + i % 2, 1, 0, 0, 0, 0], "complain_quality") for i in range(6)]
                                  + [_message([0, 0, 1, 1, 0, i % 2], "vent") for i in range(6)]
                                  + [_message([0, 0, 0, 0, 1, 1 + i % 2], "greet") for i in range(3)]))
    unknown, spread = _message([0, 0, 0, 0, 0, 0]), _message([1, 1, 1, 1, 0, 0])
    classifier.process([unknown, spread])
    assert unknown.get("intent")["name"] != "complain_general"
    assert spread.get("intent")["name"] in ("complain_general", "complain_quality", "vent")
    assert spread.get("intent")["confidence"] > 0.9


#: A small lexicon of our own for the "named problem" rule (config.yml has the real one).
NAMED = ComplaintLayer.from_config({
    "intents": ["complain_general", "complain_quality", "complain_delivery", "vent"],
    "serious": ["threaten"], "general": "complain_general", "below": 0.5, "at_least": 0.4,
    "reconsider": ["thank", "greet"],
    "contrast": ["但是", "就是", "可惜", "不过"],
    "negations": ["不", "没", "没什么", "如果"],
    "defects": ["太差", "难吃", "麻烦", "脏", "毛病", "有问题", "少了", "坏了"],
    "verdicts": ["推荐", "满意", "下次还", "换好了"],
})


@pytest.mark.parametrize("text", [
    "前台小哥很热情，就是房间隔音太差",            # praise, then "but" and a defect
    "房间挺大的，可惜早餐难吃，咖啡也是凉的",
    "新电脑装驱动太麻烦了，折腾了一晚上",           # a defect said plainly, no "but"
    "推荐过朋友来住，但是这次地毯很脏",             # a verdict before the turn does not save it
    "早餐太差，但是房间和服务都很好",              # a complaint, then praise of another part
])
def test_a_message_that_names_a_problem_is_heard(text: str) -> None:
    assert names_a_problem(text, NAMED)


@pytest.mark.parametrize("text", [
    "整体不错，就是早餐品种少了点，推荐",          # a small regret with a verdict after it: praise
    "房间一点也不脏，床也舒服",                    # negated
    "用了半年没什么毛病，很满意",
    "如果有问题再联系你们",                        # not a problem, a condition
    "房间干净，服务周到",                          # no defect at all
    "之前坏了的耳机已经换好了，谢谢",                # solved: thanks, not a complaint
])
def test_praise_and_small_regrets_name_no_problem(text: str) -> None:
    assert not names_a_problem(text, NAMED)


def test_praise_that_names_a_problem_is_taken_up_as_the_complaint_it_leans_to() -> None:
    ranking = _ranking(thank=0.7, complain_quality=0.2, complain_delivery=0.05, greet=0.05)
    decided = take_up_named_problems(ranking, "酒店位置好，就是早餐难吃", NAMED)
    assert decided[0] == {"name": "complain_quality", "confidence": pytest.approx(0.95)}
    assert "thank" not in {r["name"] for r in decided}, "the misreading leaves the ranking"
    assert decided[0]["confidence"] - decided[1]["confidence"] > 0.05, "no tie for the fallback"

    spread = _ranking(thank=0.6, complain_quality=0.1, complain_delivery=0.1, vent=0.1, greet=0.1)
    assert take_up_named_problems(spread, "东西不错，就是太麻烦", NAMED)[0]["name"] == "complain_general"


def test_a_complaint_just_ahead_of_praise_that_names_a_problem_is_the_complaint_not_a_tie() -> None:
    ranking = _ranking(complain_quality=0.52, thank=0.46, greet=0.02)
    decided = take_up_named_problems(ranking, "开头挺好看，后面写得太差，很失望", NAMED)
    assert decided == [{"name": "complain_quality", "confidence": pytest.approx(0.98)},
                       {"name": "greet", "confidence": 0.02}]


def test_an_unsure_message_that_names_a_problem_is_a_complaint_not_the_fallback() -> None:
    ranking = _ranking(affirm=0.35, complain_quality=0.3, deny=0.35)
    assert take_up_named_problems(ranking, "装机比较麻烦，还得找人", NAMED)[0]["name"] == "complain_quality"


@pytest.mark.parametrize("ranking, text", [
    (_ranking(thank=0.9, complain_quality=0.1), "整体不错，就是早餐少了点，推荐"),   # praise by the rubric
    (_ranking(deny=0.9, complain_quality=0.1), "不对，地址写错了，太麻烦了"),          # not reconsidered: a form's "no"
    (_ranking(complain_delivery=0.9, deny=0.1), "快递太慢了，就是难吃"),               # already a complaint
    (_ranking(complain_quality=0.52, thank=0.48), "房间干净，服务周到"),              # a tie with no defect
    (_ranking(thank=0.9, complain_quality=0.1), "谢谢，问题解决了"),                    # no defect
])
def test_other_messages_keep_their_intent(ranking: List[Dict[str, object]], text: str) -> None:
    assert take_up_named_problems(ranking, text, NAMED) == ranking


@pytest.mark.parametrize("raw", [
    {"intents": ["complain_general"], "general": "complain_general", "defects": ["脏"]},  # no reconsider
    {"intents": ["complain_general"], "general": "complain_general", "reconsider": ["thank"],
     "defects": ["脏", ""]},
])
def test_a_named_problem_lexicon_that_could_not_work_is_named(raw: dict) -> None:
    with pytest.raises(ValueError, match="complaint_layer"):
        ComplaintLayer.from_config(raw)


#: A small lexicon of our own for the plain-question rule (config.yml has the real one).
ASKING = ComplaintLayer.from_config({
    "intents": ["complain_general", "complain_quality", "complain_delivery", "request_remedy"],
    "serious": ["say_repeat"], "general": "complain_general", "below": 0.5, "at_least": 0.4,
    "reconsider": ["thank"], "negations": ["不", "没"], "defects": ["碎了", "坏了", "没收到", "少发"],
    "question_intent": "out_of_scope", "question_max_chars": 20,
    "asks": ["什么时候", "能不能", "帮我", "有没有", "是不是"], "question_ends": ["吗", "呢", "吧"],
    "problem_asks": ["怎么还", "为什么", "不是", "天了", "说好"], "not_problem_asks": ["是不是"],
    "not_negations": ["是不是"],
})


@pytest.mark.parametrize("text", [
    "亲什么时候能发货呀",                  # when it ships
    "能不能发中通",                        # a courier asked for
    "再便宜五块吧",                        # haggling, a question ending
    "帮我把地址改成公司的",                # a service asked for
    "是不是今年的新货呢",                  # "是不是" holds no "不是"
    "不会碎吧",                            # a worry before buying: the defect is negated
    "能不能明天9:30之前送到",              # a time's colon cuts no clause
    "能不能再便宜0.5元",                   # nor a decimal point
    "有没有iPhone 15的壳",                 # a space beside a model name is spacing, not a pause
])
def test_a_short_question_that_names_no_problem_is_a_plain_question(text: str) -> None:
    assert is_plain_question(text, ASKING)


@pytest.mark.parametrize("text", [
    "付款三天了还没发货吗",                # days waited: a problem put as a question
    "为什么还不给我发",
    "不是说好包邮吗",                      # a promise reminded
    "饼干全碎了能不能退",                  # a defect with the question
    "我这单是不是少发了一袋呢",            # a defect inside "是不是"
    "那我先拍两袋了",                      # asks nothing: no ask word, no question ending
    "杯子把手掉了，能不能换一个呢",        # a clause reports before the question asks
    "在吗 什么时候发货",                   # two clauses: left to the NLU
    "我想问一下这个订单的发货时间到底是什么时候呢",  # longer than a desk's short question here
])
def test_a_problem_put_as_a_question_or_a_long_turn_is_not_a_plain_question(text: str) -> None:
    assert not is_plain_question(text, ASKING)


def test_a_plain_question_read_as_a_complaint_is_answered_as_the_question() -> None:
    ranking = _ranking(complain_delivery=0.8, out_of_scope=0.15, complain_general=0.05)
    decided = answer_plain_questions(ranking, "今天能发货吗", ASKING)
    assert decided[0] == {"name": "out_of_scope", "confidence": pytest.approx(0.95)}
    assert "complain_delivery" not in {r["name"] for r in decided}, "no tie for the fallback"


@pytest.mark.parametrize("ranking, text", [
    (_ranking(complain_delivery=0.8, out_of_scope=0.2), "怎么还没发货吗"),     # a problem as a question
    (_ranking(say_repeat=0.8, out_of_scope=0.2), "什么时候发货呢"),            # serious: the rules judge it
    (_ranking(thank=0.8, complain_general=0.2), "好的谢谢呢"),                  # not read as a complaint
])
def test_other_questions_keep_their_intent(ranking: List[Dict[str, object]], text: str) -> None:
    assert answer_plain_questions(ranking, text, ASKING) == ranking


@pytest.mark.parametrize("raw", [
    {"intents": ["complain_general"], "general": "complain_general", "question_intent": "out_of_scope"},
    {"intents": ["complain_general"], "general": "complain_general", "question_intent": "complain_general",
     "asks": ["吗"]},
])
def test_a_plain_question_rule_that_could_not_work_is_named(raw: dict) -> None:
    with pytest.raises(ValueError, match="question_intent"):
        ComplaintLayer.from_config(raw)


@pytest.mark.parametrize("text, expected", [
    ("&&&&", False), ("。。。？？", False), ("  ", False), ("+-*/%$", False),
    ("喵", True), ("ok", True), ("12345", True), ("订单DD123", True), ("👍", True), ("😡😡", True),
])
def test_content_is_a_letter_a_digit_or_a_pictograph(text: str, expected: bool) -> None:
    assert has_content(text) is expected


def test_a_message_with_no_content_gets_the_prior_not_a_confident_intent(tmp_path: Path) -> None:
    """Symbols alone, or only the features every training example has (char_wb's padding in the
    real pipeline: an unseen "喵喵喵喵" came out as `affirm` at 0.92, which could confirm a
    read-back), say nothing: the intents' prior, far below the fallback threshold."""
    classifier = _classifier(tmp_path)
    background = 5  # every training example has it
    classifier.train(TrainingData([_message([1 + i % 2, 1, 0, 0, 0, 1], "affirm") for i in range(6)]
                                  + [_message([0, 0, 1, 1 + i % 2, 0, 1], "vent") for i in range(6)]))
    assert list(classifier.clf.background_) == [background]
    padding_only, symbols = _message([0, 0, 0, 0, 0, 1]), _message([1, 1, 0, 0, 0, 1])
    known = _message([1, 1, 0, 0, 0, 1])
    symbols.data["text"] = "&&&&"
    classifier.process([padding_only, symbols, known])
    for unknown in (padding_only, symbols):
        assert unknown.get("intent")["confidence"] == pytest.approx(0.5), unknown.get("intent")
    assert known.get("intent")["name"] == "affirm" and known.get("intent")["confidence"] > 0.9


def _category_classifier(tmp_path: Path, **config: object) -> CategoryClassifier:
    return CategoryClassifier.create(
        {**CategoryClassifier.get_default_config(), "apply_to": ["complain_general", "threaten"], **config},
        LocalModelStorage(tmp_path), Resource("category_classifier"),
        ExecutionContext(GraphSchema({}), "test", node_name="category_classifier"))


def _category_data() -> TrainingData:
    examples = []
    for i in range(6):
        examples.append(_message([1 + i % 3, 1, 0, 0, 0, 0], "complain_quality"))
        examples.append(_message([0, 0, 1 + i % 2, 1, 0, 0], "complain_delivery"))
        examples.append(_message([0, 0, 0, 0, 1, 1 + i % 2], "greet"))  # no category: not learnt
        examples.append(_message([0, 0, 0, 0, 1 + i % 2, 1], "complain_general"))  # says no category
    return TrainingData(examples)


def _with_intent(counts: List[int], intent: str) -> object:
    message = _message(counts)
    message.set("intent", {"name": intent, "confidence": 0.8})
    return message


def test_the_category_of_a_threat_or_general_complaint_is_named_and_kept_after_loading(tmp_path: Path) -> None:
    classifier = _category_classifier(tmp_path)
    classifier.train(_category_data())
    assert set(classifier.clf.classes_) == {"quality", "delivery", ""}
    threat, general = _with_intent([2, 1, 0, 0, 0, 0], "threaten"), _with_intent([0, 0, 2, 1, 0, 0], "complain_general")
    unsaid = _with_intent([0, 0, 0, 0, 2, 1], "complain_general")  # "我要投诉": nothing of what went wrong
    classifier.process([threat, general, unsaid])
    assert [(e["entity"], e["value"]) for e in threat.get("entities")] == [("complaint_category", "quality")]
    assert [(e["entity"], e["value"]) for e in general.get("entities")] == [("complaint_category", "delivery")]
    assert not unsaid.get("entities")

    loaded = CategoryClassifier.load(
        {**CategoryClassifier.get_default_config(), "apply_to": ["threaten"]}, LocalModelStorage(tmp_path),
        Resource("category_classifier"), ExecutionContext(GraphSchema({}), "test", node_name="category_classifier"))
    again = _with_intent([2, 1, 0, 0, 0, 0], "threaten")
    loaded.process([again])
    assert again.get("entities")[0]["value"] == "quality"


def test_no_category_for_other_intents_unsure_messages_or_unknown_features(tmp_path: Path) -> None:
    classifier = _category_classifier(tmp_path, threshold=0.95)
    classifier.train(_category_data())
    greeting = _with_intent([2, 1, 0, 0, 0, 0], "greet")            # not a complaint
    named = _with_intent([2, 1, 0, 0, 0, 0], "complain_delivery")    # its intent says the kind
    unsure = _with_intent([1, 1, 1, 1, 0, 0], "complain_general")    # half one, half the other
    unknown = _with_intent([0, 0, 0, 0, 0, 0], "complain_general")
    classifier.process([greeting, named, unsure, unknown])
    assert all(not m.get("entities") for m in (greeting, named, unsure, unknown))


def test_the_category_layer_decides_for_a_complaint_intent_that_names_another_kind(tmp_path: Path) -> None:
    """A hotel's extra charge told with the front desk in it: the intent said one kind, the
    category layer is sure of another; the intent follows the layer (and so the slot)."""
    classifier = _category_classifier(tmp_path, decide_for=["complain_quality", "complain_delivery"])
    classifier.train(_category_data())
    misread = _with_intent([2, 1, 0, 0, 0, 0], "complain_delivery")
    agreed = _with_intent([0, 0, 2, 1, 0, 0], "complain_delivery")
    unsure = _with_intent([1, 1, 1, 1, 0, 0], "complain_delivery")
    classifier.process([misread, agreed, unsure])
    assert misread.get("intent") == {"name": "complain_quality", "confidence": 0.8}
    assert agreed.get("intent")["name"] == "complain_delivery"
    assert all(not _entities(m, "complaint_category") for m in (misread, agreed, unsure)), "the intent says it"

    sure_only = _category_classifier(tmp_path, decide_for=["complain_delivery"], threshold=0.95)
    sure_only.train(_category_data())
    sure_only.process([unsure])
    assert unsure.get("intent")["name"] == "complain_delivery"


def _entities(message: object, entity: str) -> List[object]:
    return [e["value"] for e in message.get("entities") or [] if e["entity"] == entity]


def test_the_layer_says_whether_it_agrees_with_the_kind_a_complaint_intent_names(tmp_path: Path) -> None:
    """The first reply names the kind of trouble only when the layer agrees (category_certainty):
    a wrong kind named ("收货本该省心" to a dirty room) is worse than the general wording."""
    classifier = _category_classifier(tmp_path, decide_for=["complain_quality", "complain_delivery"],
                                      threshold=0.99, certain_at=0.6, short_message=10)
    classifier.train(_category_data())
    agreed = _with_text([0, 0, 2, 1, 0, 0], "complain_delivery", "快递等了七天还没有送到，也没有人管")
    doubted = _with_text([1, 1, 1, 1, 0, 0], "complain_delivery", "等了一个星期，拿到手东西又是坏的")
    short = _with_text([1, 1, 1, 1, 0, 0], "complain_delivery", "还没送到")  # read whole by the intent
    general = _with_text([0, 0, 2, 1, 0, 0], "complain_general", "我要投诉，快递等了七天")
    classifier.process([agreed, doubted, short, general])
    assert [_entities(m, "category_certainty") for m in (agreed, doubted, short)] == [["sure"], ["unsure"], ["sure"]]
    assert doubted.get("intent")["name"] == "complain_delivery", "the intent's kind is kept, only not worded"
    assert not _entities(general, "category_certainty"), "a general complaint names no kind to doubt"


@pytest.mark.parametrize("config", [{"threshold": 0}, {"threshold": 1.5}, {"certain_at": -0.1}, {"certain_at": 2}])
def test_a_wrong_threshold_is_rejected(config: dict) -> None:
    with pytest.raises(ValueError, match=next(iter(config))):
        CategoryClassifier.validate_config(config)


CUES = {"quality": ["热水", "坏了", "很脏"], "delivery": ["快递"]}


def _with_text(counts: List[int], intent: str, text: str) -> object:
    message = _with_intent(counts, intent)
    message.set("text", text)
    return message


def test_cue_words_tip_a_close_call_towards_the_category_the_message_dwells_on(tmp_path: Path) -> None:
    """A room's defect told through the people who were called: the features are split between
    two kinds, the defect words decide; without cue words nothing changes."""
    classifier = _category_classifier(tmp_path, decide_for=["complain_delivery"], cues=CUES, threshold=0.3)
    classifier.train(_category_data())
    told_through_people = _with_text([1, 1, 1, 1, 0, 0], "complain_delivery", "热水没了，水龙头也坏了，叫人来看")
    no_cue = _with_text([1, 1, 1, 1, 0, 0], "complain_delivery", "叫人来看，说等一下")
    general = _with_text([1, 1, 1, 1, 0, 0], "complain_general", "地毯很脏，热水也不热")
    classifier.process([told_through_people, no_cue, general])
    assert told_through_people.get("intent")["name"] == "complain_quality"
    assert no_cue.get("intent")["name"] == "complain_delivery"
    assert [e["value"] for e in general.get("entities")] == ["quality"]


def test_cue_words_count_once_each_and_up_to_the_cap(tmp_path: Path) -> None:
    classifier = _category_classifier(tmp_path, cues={"quality": ["脏", "臭"]}, cue_weight=1.0, cue_cap=1)
    classifier.train(_category_data())
    plain = classifier._with_cues(np.array([[0.2, 0.4, 0.4]]), ["好"])
    once = classifier._with_cues(np.array([[0.2, 0.4, 0.4]]), ["脏脏脏"])
    capped = classifier._with_cues(np.array([[0.2, 0.4, 0.4]]), ["又脏又臭"])
    assert plain.tolist() == [[0.2, 0.4, 0.4]]
    assert once == pytest.approx(capped)
    quality = list(classifier.clf.classes_).index("quality")
    assert once[0, quality] > 0.4


def test_a_weak_cue_word_counts_a_share_of_a_cue_word_and_within_the_cap(tmp_path: Path) -> None:
    """Words that only name the subject (the room) tip less than words that name a defect."""
    classifier = _category_classifier(tmp_path, cues={"quality": ["脏"]}, weak_cues={"quality": ["房间", "床", "灯"]},
                                      weak_cue_share=0.5, cue_weight=1.0, cue_cap=2)
    classifier.train(_category_data())
    quality = list(classifier.clf.classes_).index("quality")

    def tipped(text: str) -> float:
        return float(classifier._with_cues(np.array([[0.2, 0.4, 0.4]]), [text])[0, quality])

    assert 0.4 < tipped("房间") < tipped("房间和床") == pytest.approx(tipped("脏"))
    assert tipped("房间、床和灯都脏") == pytest.approx(tipped("房间和床都脏"))  # at most two words' worth
    assert tipped("房间和床都脏") > tipped("房间很脏")


def test_a_short_message_keeps_the_category_its_complaint_intent_names(tmp_path: Path) -> None:
    """The category layer decides for a complaint intent in a longer message; a short one (at most
    `short_message` characters) is read whole by the intent classifier, and keeps its kind."""
    classifier = _category_classifier(tmp_path, decide_for=["complain_delivery"], short_message=10)
    classifier.train(_category_data())
    short = _with_text([2, 1, 0, 0, 0, 0], "complain_delivery", "时间太久了，快一点")
    longer = _with_text([2, 1, 0, 0, 0, 0], "complain_delivery", "时间太久了，能不能快一点，我已经等了很多天")
    classifier.process([short, longer])
    assert short.get("intent")["name"] == "complain_delivery"
    assert longer.get("intent")["name"] == "complain_quality"


@pytest.mark.parametrize("config", [{"cues": {"weather": ["下雨"]}}, {"cues": {"quality": ["", "脏"]}},
                                    {"cues": {"quality": "脏"}}, {"cue_cap": 0}, {"cue_weight": -1},
                                    {"weak_cues": {"weather": ["雨"]}}, {"weak_cue_share": 1.5},
                                    {"short_message": -1}])
def test_a_cue_lexicon_that_could_not_work_is_named(config: dict) -> None:
    with pytest.raises(ValueError, match="cue|short_message"):
        CategoryClassifier.validate_config(config)
