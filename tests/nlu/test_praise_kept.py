"""Praise answered as a complaint (issue 14; docs/devset.md, "Praise answered as a complaint"): a
customer who praises — in numbered pros, by denying a defect ("一点也不廉价"), or mostly praise with
one small regret and a verdict — is thanked, not offered empathy and the complaint form; a complaint
followed by praise of some other part is still the complaint, in its category. The complaint
layer's praise rule (`keep_praise`, config.yml's words) and the trained model on first messages.
Every sentence written by the team; none is a training example."""
from __future__ import annotations

from typing import Any, Dict

import pytest

from rasa_ext.complaint_layer import ComplaintLayer, keep_praise, praises
from tests.nlu.test_real_registers import heard_category, parse_with_model
from tests.nlu.test_taken_up import LAYER  # config.yml's complaint layer

#: Praise by the configured words: several praise words, a denied defect, no defect named.
PRAISE = [
    "1. 地段方便，步行到景点十分钟 2. 自助早餐很丰富 3. 前台小哥很热情",   # numbered pros
    "①送货快 ②书是正版 ③包装完好",
    "笔记本外壳一点也不廉价，摸着很有质感，推荐",                          # a denied defect
    "客房在高层，一点都不吵，床很舒服",
    "民宿不大，但打扫得很干净，老板很热情，下次还住",                      # opens with praise
]
#: Not praise by the rule: a defect named, a complaint before the turn, one praise word only.
NOT_PRAISE = [
    "平板屏幕有坏点，不过客服态度挺好",                    # the complaint comes first
    "酒店热水时有时无，不过服务员很热情",
    "房间很干净，就是隔音太差",                            # a defect named
    "笔记本外壳很廉价，不过屏幕清晰，颜色漂亮",            # a defect not denied
    "前台很热情",                                          # one praise word: the NLU decides
]


@pytest.mark.parametrize("text", PRAISE)
def test_the_configured_words_hear_praise(text: str) -> None:
    assert praises(text, LAYER)


@pytest.mark.parametrize("text", NOT_PRAISE)
def test_a_complaint_beside_praise_is_not_praise(text: str) -> None:
    assert not praises(text, LAYER)


def test_an_unsure_complaint_intent_on_praise_becomes_thanks() -> None:
    ranking = [{"name": "complain_quality", "confidence": 0.7}, {"name": "thank", "confidence": 0.2},
               {"name": "greet", "confidence": 0.1}]
    kept = keep_praise(ranking, PRAISE[0], LAYER)
    assert kept[0] == {"name": "thank", "confidence": pytest.approx(0.9)}
    assert [r["name"] for r in kept[1:]] == ["greet"]


def test_a_sure_complaint_or_a_serious_intent_is_never_overruled() -> None:
    sure = [{"name": "complain_quality", "confidence": 0.95}, {"name": "thank", "confidence": 0.05}]
    threat = [{"name": "threaten", "confidence": 0.6}, {"name": "thank", "confidence": 0.4}]
    assert keep_praise(sure, PRAISE[0], LAYER) == sure
    assert keep_praise(threat, PRAISE[0], LAYER) == threat


@pytest.mark.parametrize("raw", [
    {"intents": ["complain_general"], "general": "complain_general", "praise": ["好"],
     "praise_intent": "complain_general"},
    {"intents": ["complain_general"], "general": "complain_general", "praise_at_least": 0},
    {"intents": ["complain_general"], "general": "complain_general", "praise_below": 1.5},
])
def test_a_mistake_in_the_praise_rule_is_named(raw: dict) -> None:
    with pytest.raises(ValueError, match="complaint_layer"):
        ComplaintLayer.from_config(raw)


#: First messages the trained model thanks (none a training example).
THANKED = PRAISE + [
    "风扇声音并不大，打游戏也不烫手，挺满意",              # denied defects and a verdict
    "洗手间小了点，不过整体很满意，值得推荐",              # a small regret with a verdict
    "书的纸张薄了一点，内容很好，推荐给家长",
    "前台很热情，下次还会来",
]
#: Complaints followed by praise of another part: taken up, in the complaint's category.
COMPLAINT_THEN_PRAISE = {
    "平板屏幕有坏点，不过客服态度挺好": "quality",
    "酒店热水时有时无，不过服务员很热情": "quality",
    "耳机用了三天左边就没声音了，不过包装挺精美的": "quality",
    "快递拖了一个星期才到，不过东西质量还行": "delivery",
    "退款申请一直不给处理，虽然客服说话挺客气": "refund_return",
}


@pytest.fixture(scope="module")
def parsed() -> Dict[str, Dict[str, Any]]:
    return parse_with_model(THANKED + list(COMPLAINT_THEN_PRAISE))


@pytest.mark.outside_unit  # loads the trained model
@pytest.mark.parametrize("text", THANKED)
def test_praise_is_thanked_not_taken_up(parsed, text):
    assert parsed[text]["intent"]["name"] == "thank", parsed[text]["intent"]


@pytest.mark.outside_unit
@pytest.mark.parametrize("text, category", COMPLAINT_THEN_PRAISE.items())
def test_a_complaint_then_praise_is_the_complaint(parsed, text, category):
    assert heard_category(parsed[text]) == category, (parsed[text]["intent"], parsed[text]["entities"])
