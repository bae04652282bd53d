"""Entity patterns of data/nlu/entities.yml, and the entity annotations of the NLU data.

Fast: reads the YAML files and applies the patterns the way Rasa's RegexEntityExtractor does
(`re.finditer`, case-insensitive, no word boundaries, on Simplified text); no training.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Dict, Iterator, List, Set, Tuple

import pytest
import yaml

from bot.script import to_simplified

NLU_DIR = Path(__file__).resolve().parents[2] / "data" / "nlu"
CANONICAL_REMEDIES = {"refund", "exchange", "repair", "compensation", "apology", "explanation"}
REGEX_ENTITIES = ["order_number", "phone", "amount", "date", "complaint_id"]


def _items(key: str, files: str = "*.yml") -> Dict[str, List[str]]:
    """`{name: [examples]}` for the `key` items (regex, lookup, synonym) of NLU files."""
    found: Dict[str, List[str]] = {}
    for path in sorted(NLU_DIR.glob(files)):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []:
            if key in item:
                found.setdefault(item[key], []).extend(_lines(item["examples"]))
    return found


def _lines(examples: str) -> List[str]:
    return [line.strip()[2:].strip() for line in examples.splitlines() if line.strip().startswith("- ")]


REGEXES = _items("regex")
LOOKUPS = _items("lookup")
SYNONYMS = _items("synonym")  # all files: other entities (e.g. `field`) have synonyms too
REMEDY_SYNONYMS = _items("synonym", "entities.yml")


def _pattern(entity: str) -> str:
    patterns = REGEXES[entity]
    assert len(patterns) == 1, f"{entity}: one pattern per entity, or matches may overlap"
    return patterns[0]


def matches(entity: str, text: str) -> List[str]:
    """What the extractor would find for `entity` in `text`."""
    return [m.group() for m in re.finditer(_pattern(entity), to_simplified(text), re.IGNORECASE)]


def lookup_pattern(name: str) -> str:
    """The regex Rasa builds from a lookup table when `use_word_boundaries` is false."""
    return "(" + "|".join(re.escape(e) for e in LOOKUPS[name]) + ")"


def test_all_entities_are_defined() -> None:
    assert sorted(REGEXES) == sorted(REGEX_ENTITIES)
    assert "remedy" in LOOKUPS
    for name in REGEXES:
        re.compile(_pattern(name))


@pytest.mark.parametrize(
    "entity,text,expected",
    [
        ("order_number", "订单号DD20261101001", ["DD20261101001"]),
        ("order_number", "我的单号是 JD123456789012 麻烦查下", ["JD123456789012"]),
        ("order_number", "订单4387123412341234还没发货", ["4387123412341234"]),
        ("order_number", "運單號SF1234567890", ["SF1234567890"]),
        ("order_number", "dd20261101001", ["dd20261101001"]),
        ("order_number", "单号:202611010012345，电话13812345678", ["202611010012345"]),
        ("phone", "我电话13812345678", ["13812345678"]),
        ("phone", "手机 138-1234-5678 随时打", ["138-1234-5678"]),
        ("phone", "+86 139 1234 5678", ["+86 139 1234 5678"]),
        ("phone", "+8613912345678", ["+8613912345678"]),
        ("phone", "座机021-12345678", ["021-12345678"]),
        ("phone", "打(0755)88889999找我", ["(0755)88889999"]),
        ("phone", "聯絡電話0912-345-678或15912345678", ["0912-345-678", "15912345678"]),
        ("phone", "+886 912 345 678", ["+886 912 345 678"]),
        ("phone", "香港電話+852 9123 4567", ["+852 9123 4567"]),
        ("amount", "花了299元", ["299元"]),
        ("amount", "299块钱买的", ["299块钱"]),
        ("amount", "¥299", ["¥299"]),
        ("amount", "一共￥1,299.00", ["￥1,299.00"]),
        ("amount", "实付1,299.00元", ["1,299.00元"]),
        ("amount", "两百块的鞋", ["两百块"]),
        ("amount", "修一下要三千多块钱", ["三千多块钱"]),
        ("amount", "多收了五十元", ["五十元"]),
        ("amount", "车价18万 定金5000元", ["18万", "5000元"]),
        ("amount", "3万多块买的", ["3万多块"]),
        ("amount", "一块钱都没退", ["一块钱"]),
        ("amount", "多扣了我20块", ["20块"]),
        ("amount", "兩百塊", ["两百块"]),
        ("amount", "花了1.2万，还是坏了", ["1.2万"]),
        ("amount", "3万的沙发 坐塌了", ["3万"]),
        ("amount", "1.5万买的电视", ["1.5万"]),
        ("date", "上周三买的", ["上周三"]),
        ("date", "这周一下的单", ["这周一"]),
        ("date", "上个星期五到的", ["上个星期五"]),
        ("date", "上禮拜天", ["上礼拜天"]),
        ("date", "3月5号下单 3月5日发货", ["3月5号", "3月5日"]),
        ("date", "2026年3月5日", ["2026年3月5日"]),
        ("date", "2026-03-05签收", ["2026-03-05"]),
        ("date", "11号买的", ["11号"]),
        ("date", "上个月买的，前几天坏了", ["上个月", "前几天"]),
        ("date", "两天前 3天前 半个月前", ["两天前", "3天前", "半个月前"]),
        ("date", "今天早上收到 昨晚就坏了", ["今天早上", "昨晚"]),
        ("date", "昨天下午 前天 大前天", ["昨天下午", "前天", "大前天"]),
        ("date", "十一月十一号", ["十一月十一号"]),
        ("date", "一个星期前", ["一个星期前"]),
        ("date", "上周末买的 说下周一回复", ["上周末", "下周一"]),
        ("complaint_id", "投诉单号TS-20261122-0001", ["TS-20261122-0001"]),
        ("complaint_id", "ts202611220001进度", ["ts202611220001"]),
    ],
)
def test_pattern_finds(entity: str, text: str, expected: List[str]) -> None:
    assert matches(entity, text) == [to_simplified(e) for e in expected]


@pytest.mark.parametrize(
    "entity,text",
    [
        ("order_number", "我手机13812345678"),
        ("order_number", "+8613812345678"),
        ("order_number", "8613812345678"),
        ("order_number", "投诉号TS-20261122-0001"),
        ("order_number", "TS202611220001"),
        ("order_number", "型号RTX4090"),
        ("order_number", "12315"),
        ("order_number", "订单号12345"),
        ("order_number", "0912345678"),
        ("phone", "我要打12315"),
        ("phone", "订单4387123412341234"),
        ("phone", "DD13812345678"),
        ("phone", "1381234567"),
        ("phone", "138123456789"),
        ("phone", "12345678901"),
        ("phone", "400-820-8820"),
        ("phone", "12345678"),
        ("phone", "订单20261122"),
        ("amount", "穿了两天"),
        ("amount", "我们一块去店里"),
        ("amount", "开了3万公里"),
        # Counts in 万 (pixels, people, copies sold, a book's figures) are not sums of money.
        ("amount", "自带一个30万像素的摄像头"),
        ("amount", "200万的摄像头拍得挺清楚"),
        ("amount", "书里说那场地震有20万人遇难"),
        ("amount", "这本书号称卖了300万册"),
        ("amount", "跑分软件算到100万位只要半分钟"),
        ("amount", "老板花了800万宣传这本书"),
        ("amount", "订单号DD20261101001"),
        ("amount", "买了299"),
        ("date", "穿了两天就开胶"),
        ("date", "用了一个月"),
        ("date", "3个月了"),
        ("date", "5号线地铁站旁边的店"),
        ("date", "3号楼"),
        ("date", "订单DD20261101001"),
        ("date", "7天无理由退货"),
        ("date", "周末退款会到账吗"),
        ("complaint_id", "TS-2026112-0001"),
        ("complaint_id", "TS-20261122-00012"),
        ("complaint_id", "ATS-20261122-0001"),
    ],
)
def test_pattern_rejects(entity: str, text: str) -> None:
    assert matches(entity, text) == []


def test_remedy_synonyms_are_canonical_remedies() -> None:
    assert set(REMEDY_SYNONYMS) == CANONICAL_REMEDIES


def test_every_lookup_item_maps_to_a_canonical_remedy() -> None:
    """Across all files: a synonym elsewhere must not send a remedy word to another value."""
    variants: Dict[str, Set[str]] = {}
    for canonical, values in SYNONYMS.items():
        for value in values:
            variants.setdefault(value.lower(), set()).add(canonical)
    for item in LOOKUPS["remedy"]:
        for form in {item, to_simplified(item)}:
            targets = variants.get(form.lower(), set())
            assert len(targets) == 1 and targets <= CANONICAL_REMEDIES, (item, targets)


def test_every_remedy_synonym_is_found_by_the_lookup() -> None:
    for values in REMEDY_SYNONYMS.values():
        for value in values:
            found = re.findall(lookup_pattern("remedy"), to_simplified(value))
            assert found == [to_simplified(value)], value


@pytest.mark.parametrize(
    "text,expected",
    [
        ("我要退全款", ["退全款"]),
        ("你们必须给我一个交代", ["交代"]),
        ("給我換個尺碼", ["换个尺码"]),
        ("把钱退给我", ["把钱退给我"]),
        ("給我退錢", ["退钱"]),
        ("要么换货要么赔钱", ["换货", "赔钱"]),
        ("至少给个说法吧", ["给个说法"]),
        ("给我道个歉", ["道个歉"]),
    ],
)
def test_remedy_lookup(text: str, expected: List[str]) -> None:
    assert re.findall(lookup_pattern("remedy"), to_simplified(text)) == expected


# ---- the annotations in the training data agree with the patterns ----

ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\](?:\((?P<name>[^)]+)\)|(?P<json>\{[^}]+\}))")
Span = Tuple[int, int, str]


def _examples() -> Iterator[Tuple[str, str]]:
    for path in sorted(NLU_DIR.glob("*.yml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []:
            if "intent" in item:
                for example in _lines(item["examples"]):
                    yield item["intent"], example


def parse_annotations(example: str) -> Tuple[str, List[Tuple[int, int, str, str]]]:
    """Plain text and (start, end, entity, value) of an annotated training example."""
    text, spans, last = "", [], 0
    for m in ANNOTATION.finditer(example):
        text += example[last : m.start()]
        if m.group("name"):
            entity, value = m.group("name"), m.group("text")
        else:
            data = json.loads(m.group("json"))
            entity, value = data["entity"], data.get("value", m.group("text"))
        spans.append((len(text), len(text) + len(m.group("text")), entity, value))
        text += m.group("text")
        last = m.end()
    return text + example[last:], spans


def test_parse_annotations() -> None:
    text, spans = parse_annotations('订单[DD1](order_number)要[退款]{"entity": "remedy", "value": "refund"}')
    assert text == "订单DD1要退款"
    assert spans == [(2, 5, "order_number", "DD1"), (6, 8, "remedy", "refund")]


def test_annotations_match_the_patterns_exactly() -> None:
    """Every regex entity annotated where (and only where) the pattern finds it."""
    problems = []
    for intent, example in _examples():
        text, spans = parse_annotations(example)
        simplified = to_simplified(text)
        assert len(simplified) == len(text)
        annotated: Set[Span] = {(s, e, n) for s, e, n, _ in spans if n in REGEX_ENTITIES}
        found: Set[Span] = {
            (m.start(), m.end(), name)
            for name in REGEX_ENTITIES
            for m in re.finditer(_pattern(name), simplified, re.IGNORECASE)
        }
        if annotated != found:
            problems.append(f"{intent}: {example}  annotated={sorted(annotated)} found={sorted(found)}")
    assert not problems, "\n".join(problems)


def test_remedy_annotations_are_lookup_matches_with_canonical_values() -> None:
    problems = []
    for intent, example in _examples():
        text, spans = parse_annotations(example)
        simplified = to_simplified(text)
        found = {(m.start(), m.end()) for m in re.finditer(lookup_pattern("remedy"), simplified)}
        for start, end, entity, value in spans:
            if entity == "remedy" and ((start, end) not in found or value not in CANONICAL_REMEDIES):
                problems.append(f"{intent}: {example}")
    assert not problems, "\n".join(problems)


def test_every_entity_has_annotated_examples() -> None:
    """RegexEntityExtractor only uses the patterns of entities annotated in the data."""
    names = {n for _, ex in _examples() for _, _, n, _ in parse_annotations(ex)[1]}
    assert set(REGEX_ENTITIES) | {"remedy"} <= names


def test_feature_lookups_are_not_entities() -> None:
    """The cue_* lookups of features.yml only feed the classifier: were one annotated as an
    entity, RegexEntityExtractor would start extracting it."""
    cues = _items("lookup", "features.yml")
    assert cues and all(name.startswith("cue_") for name in cues)
    annotated = {n for _, ex in _examples() for _, _, n, _ in parse_annotations(ex)[1]}
    assert not set(cues) & annotated
    for name, items in cues.items():
        assert all(to_simplified(i) == i for i in items), f"{name}: write cues in Simplified"
