"""The anger score is additive and explainable; the empathy level follows it."""
import pytest

from bot.anger import AngerLevel, load_anger_model


@pytest.fixture(scope="module")
def model():
    return load_anger_model()


@pytest.mark.parametrize("text, intent, level", [
    ("我买的鞋子开胶了，想问问怎么处理", "complain_quality", AngerLevel.CALM),
    ("快递一周了还没到？？", "complain_delivery", AngerLevel.CALM),
    ("气死我了，快递一周了还没到！！", "complain_delivery", AngerLevel.UPSET),
    ("你们就是骗子！！！垃圾公司", "vent", AngerLevel.ANGRY),
    ("你們就是騙子！！！垃圾公司", "vent", AngerLevel.ANGRY),   # Traditional
    ("🤬🤬 受够了", None, AngerLevel.ANGRY),
    ("我真的很生气！！！！", "vent", AngerLevel.ANGRY),   # said in so many words
    ("东西坏了，我很生气", "complain_quality", AngerLevel.UPSET),
])
def test_levels(model, text, intent, level):
    assert model.score(text, intent).level == level


def test_reasons_explain_the_score(model):
    score = model.score("气死了！！", "vent")
    assert set(score.reasons) == {"intent:vent", "word:气死", "punctuation:!!"}
    assert score.score == 2 + 2 + 1
