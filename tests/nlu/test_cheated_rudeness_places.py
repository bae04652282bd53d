"""Leftover misses, fourth reading (issue 14; docs/devset.md): being cheated is a complaint, in the
category of what the cheat was about (a bare "你骗我" was out of scope, "说是正品 骗人的吧" the
fallback); rudeness told by quoting what the staff said is service_attitude; a hospital's name or a
gas station said alone (an address in a chat) is no safety report, while short real ones still go
to a person. Each message judged alone, as the first of a conversation. Every sentence written by
the team; none is a training example."""
from __future__ import annotations

from typing import Any, Dict, Tuple

import pytest

from tests.nlu.test_real_registers import COMPLAINT_INTENTS, judge, parse_with_model

pytestmark = pytest.mark.outside_unit  # loads the trained model

#: Cheated, and the category when the message says what the cheat was about.
CHEATED = {
    "你这是在骗我吧": None,
    "亲 你骗人": None,
    "说是加绒的 骗人 薄得透光": "quality",
    "骗子 标价29 付款时变成39": "price_billing",
    "说好当天发货 骗人的 现在还没发": "delivery",
    "说退款马上到账 骗我的吧 一周了都没见钱": "refund_return",
}
#: What the staff said, quoted.
QUOTED = [
    "问客服怎么用 回了句说明书上有 自己看",
    "售后的原话是 关我们什么事",
    "找店长说理 他就一句 嫌贵别来",
    "问了两遍 客服说我事真多",
    "前台说有本事你去投诉啊",              # the staff dare the customer: no threat (docs/devset.md)
]
#: Places said alone: no handoff.
PLACES = ["第二人民医院", "燃气站对面那栋", "市中心医院南门", "我在医院做护工 白天不方便接电话"]
#: Short real safety reports beside them: still handed off.
SAFETY = ["吃了你们的蛋糕全家进医院了", "煤气灶漏气了", "充电器冒烟了"]


@pytest.fixture(scope="module")
def parsed() -> Dict[str, Dict[str, Any]]:
    return parse_with_model([*CHEATED, *QUOTED, *PLACES, *SAFETY])


@pytest.fixture(scope="module")
def judged(parsed) -> Dict[str, Tuple[str, set]]:
    return judge(parsed)


def _category(parse: Dict[str, Any]) -> str:
    heard = [e["value"] for e in parse["entities"] if e["entity"] == "complaint_category"]
    return heard[-1] if heard else parse["intent"]["name"].removeprefix("complain_")


@pytest.mark.parametrize("text", CHEATED)
def test_being_cheated_is_taken_up_in_what_it_was_about(parsed, text):
    assert parsed[text]["intent"]["name"] in COMPLAINT_INTENTS | {"vent"}, parsed[text]["intent"]
    if CHEATED[text]:
        assert _category(parsed[text]) == CHEATED[text], parsed[text]["intent"]


@pytest.mark.parametrize("text", QUOTED)
def test_rudeness_told_by_what_the_staff_said_is_about_attitude(parsed, text):
    assert _category(parsed[text]) == "service_attitude", parsed[text]["intent"]


@pytest.mark.parametrize("text", PLACES)
def test_a_place_said_alone_is_no_safety_report(judged, text):
    assert "safety" not in judged[text][1], judged[text]


@pytest.mark.parametrize("text", SAFETY)
def test_short_real_safety_reports_still_go_to_a_person(judged, text):
    assert "safety" in judged[text][1], judged[text]
