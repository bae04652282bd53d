"""The trained model on messages in the customers' own registers (issue 14): a complaint written as
a rant, a fragment or a question is taken up as a complaint; food and bodily harm go to a person
like fire and shock, their look-alikes do not; a progress question, thanks or "it's solved" is
not a repeat, while a real repeat still is. Each message judged alone, as the first of a
conversation, by the NLU and the escalation rules together."""
from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from typing import Dict, Set, Tuple

import pytest
from rasa.core.agent import Agent

from bot.escalation import Situation, Turn, decide
from tests.auxil.stack import trained_model

pytestmark = pytest.mark.outside_unit  # loads the trained model

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)

TAKEN_UP_AS_COMPLAINTS = [
    "在吗？？我的快递到底什么时候到，五天了物流一动不动",
    "@中国移动 尾号5521这个月又多扣了三十，谁给我开的业务？？？",
    "宽带天天掉线，晚上根本没法用",
    "鞋子穿了两天就开胶了 可以退换吗",
    "客服爱搭不理的，问三句回一句",
    "外賣等咗成個鐘都未到",
]
SAFETY = [
    "外卖盒饭里吃出一截钢丝，嘴都扎破了",
    "孩子吃了你们的蛋糕以后一直吐，刚从医院回来",
    "充电宝放床头鼓包冒烟了",
    "玩具边缘太利，女儿的手指割出血了",
    "小区的井盖没了，晚上差点有人掉进去",
]
NOT_SAFETY = ["这个麻辣烫辣得我想吐", "手机打游戏有点烫手", "等得我心态都爆炸了"]
NOT_A_REPEAT = {
    "我上周反映的那个现在怎么样了": "ask_progress",
    "之前那个问题好了，谢谢你们": "thank",
    "已经解决了 谢谢": "thank",
}
REAL_REPEATS = ["这个问题我已经反映三次了，每次都说会处理，然后就没下文了",
                "上周投诉过一次了，到现在都没人联系我"]


@pytest.fixture(scope="module")
def judged() -> Dict[str, Tuple[str, Set[str]]]:
    """Every message above: (intent, escalation reasons)."""
    agent = Agent.load(str(trained_model()))
    texts = (TAKEN_UP_AS_COMPLAINTS + SAFETY + NOT_SAFETY + list(NOT_A_REPEAT) + REAL_REPEATS)

    async def parse_all() -> Dict[str, Tuple[str, Set[str]]]:
        out = {}
        for text in texts:
            intent = (await agent.parse_message(text))["intent"]
            turn = Turn(text, intent["name"], float(intent["confidence"]))
            out[text] = (intent["name"], {d.reason for d in decide(Situation(turns=(turn,), now=NOW))})
        return out

    return asyncio.run(parse_all())


@pytest.mark.parametrize("text", TAKEN_UP_AS_COMPLAINTS)
def test_a_complaint_in_a_real_register_is_taken_up(judged, text):
    assert judged[text][0].startswith("complain_"), judged[text]


@pytest.mark.parametrize("text", SAFETY)
def test_food_and_bodily_harm_go_to_a_person(judged, text):
    assert "safety" in judged[text][1], judged[text]


@pytest.mark.parametrize("text", NOT_SAFETY)
def test_safety_look_alikes_stay_with_the_assistant(judged, text):
    assert "safety" not in judged[text][1], judged[text]


@pytest.mark.parametrize("text, intent", NOT_A_REPEAT.items())
def test_progress_thanks_and_solved_are_not_a_repeat(judged, text, intent):
    assert judged[text] == (intent, set())


@pytest.mark.parametrize("text", REAL_REPEATS)
def test_a_real_repeat_goes_to_a_person(judged, text):
    assert "repeated" in judged[text][1], judged[text]
