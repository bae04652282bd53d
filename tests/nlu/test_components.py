"""The custom NLU components in rasa_ext, without training a model."""
from __future__ import annotations

from pathlib import Path
from typing import List

import pytest

from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_ext.script_normalizer import ScriptNormalizer, simplify_same_length
from rasa_ext.tokenizer import ChineseTokenizer

DICTIONARY = Path(__file__).resolve().parents[2] / "data" / "jieba"


@pytest.mark.parametrize(
    "text,expected",
    [
        ("我的訂單為什麼還沒到？？", "我的订单为什么还没到？？"),
        ("客服態度太差了😡", "客服态度太差了😡"),
        ("上週三買的鞋子開膠了", "上周三买的鞋子开胶了"),
        ("怎么样 什么 这么 抬头", "怎么样 什么 这么 抬头"),
        ("订单 DD20261101001 hello", "订单 DD20261101001 hello"),
        ("", ""),
    ],
)
def test_simplify_same_length(text: str, expected: str) -> None:
    assert simplify_same_length(text) == expected
    assert len(simplify_same_length(text)) == len(text)


def _normalizer() -> ScriptNormalizer:
    return ScriptNormalizer.create({}, None, None, None)  # type: ignore[arg-type]


def test_process_converts_text_and_keeps_offsets() -> None:
    message = Message(data={"text": "我要退錢"})
    _normalizer().process([message])
    assert message.get("text") == "我要退钱"


def test_process_leaves_messages_without_text_alone() -> None:
    message = Message(data={"action_name": "utter_greet"})
    _normalizer().process([message])
    assert message.get("text") is None


def test_process_training_data_updates_annotated_entity_values() -> None:
    example = Message(
        data={
            "text": "上週三買的 要退錢",
            "intent": "give_details",
            "entities": [
                {"start": 0, "end": 3, "value": "上週三", "entity": "date"},
                {"start": 7, "end": 9, "value": "refund", "entity": "remedy"},
            ],
        }
    )
    data = TrainingData([example], entity_synonyms={"退錢": "refund"})
    _normalizer().process_training_data(data)
    assert example.get("text") == "上周三买的 要退钱"
    assert [e["value"] for e in example.get("entities")] == ["上周三", "refund"]
    assert data.entity_synonyms["退钱"] == "refund"


@pytest.fixture
def tokenizer(tmp_path: Path) -> ChineseTokenizer:
    config = {**ChineseTokenizer.get_default_config(), "dictionary_path": str(DICTIONARY)}
    storage = LocalModelStorage(tmp_path)
    return ChineseTokenizer.create(config, storage, Resource("tokenizer"), None)  # type: ignore[arg-type]


def _tokens(tokenizer: ChineseTokenizer, text: str) -> List[str]:
    return [t.text for t in tokenizer.tokenize(Message(data={"text": text}), "text")]


def test_tokenizer_drops_whitespace_tokens(tokenizer: ChineseTokenizer) -> None:
    tokens = _tokens(tokenizer, "我的订单 DD20261101001  还没到 hello world")
    assert all(t.strip() for t in tokens)
    assert "DD20261101001" in tokens and "hello" in tokens


def test_tokenizer_keeps_user_dictionary_words_whole(tokenizer: ChineseTokenizer) -> None:
    assert "转人工" in _tokens(tokenizer, "我要转人工")
    assert "开胶" in _tokens(tokenizer, "鞋子开胶了")
    assert "12315" in _tokens(tokenizer, "我要打12315投诉")
    assert "市场监管局" in _tokens(tokenizer, "我去市场监管局举报")


def test_simplified_training_examples_pass_unchanged() -> None:
    """Text already in Simplified (GB2312) must come out as it went in: a t2s table that
    also rewrites Simplified characters (抬 -> 擡, 么 -> 幺) would corrupt every message."""
    import glob

    import yaml

    changed = []
    for path in glob.glob(str(DICTIONARY.parent / "nlu" / "*.yml")):
        for item in yaml.safe_load(Path(path).read_text(encoding="utf-8"))["nlu"]:
            for line in (item.get("examples") or "").splitlines() if "intent" in item else []:
                text = line.strip()[2:]
                try:
                    text.encode("gb2312")
                except UnicodeEncodeError:
                    continue
                if simplify_same_length(text) != text:
                    changed.append(f"{text} -> {simplify_same_length(text)}")
    assert not changed, "\n".join(changed)
