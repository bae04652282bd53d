"""The trained model and the escalation rules on look-alikes of a threat or a request for a person
in the review register (issue 14, handoff precision; docs/devset.md): telling friends not to come,
the staff daring the customer to complain, a manager called or met at the hotel stay with the
assistant, while a real threat or request still goes to a person. Examples written by the team,
none of them a training example (data/nlu/not_escalations.yml holds different ones); each message
judged alone, as the first of a conversation."""
from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from typing import Dict, Set, Tuple

import pytest
from rasa.core.agent import Agent

from bot.escalation import Situation, Turn, decide
from tests.auxil.stack import trained_model

NOT_A_THREAT_OR_A_REQUEST = [
    "回去我就让朋友们都别来这家店",
    "我肯定跟亲戚说，以后别在这里订房",
    "经理甩下一句你爱去哪告就去哪告",
    "客房主管说你想投诉随便投诉",
    "后来我们把前台经理叫来了，她说话还是冷冰冰的",
    "当时我们想找值班经理，前台说他不在",
    "大堂经理刚好路过，顺手帮我们叫了车",
    "那天店长亲自过来帮我们换的灯泡",
]
THREATS_AND_REQUESTS = {"我要投诉，叫你们经理过来": "human_request", "我会去消协投诉你们": "threat",
                        "不解决我就发微博曝光": "threat"}

#: When the messages are judged; the trained model is loaded once for the module.
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
pytestmark = pytest.mark.outside_unit


@pytest.fixture(scope="module")
def judged() -> Dict[str, Tuple[str, Set[str]]]:
    """Every message above: (intent, escalation reasons)."""
    agent = Agent.load(str(trained_model()))

    async def parse_all() -> Dict[str, dict]:
        return {text: await agent.parse_message(text)
                for text in NOT_A_THREAT_OR_A_REQUEST + list(THREATS_AND_REQUESTS)}

    out = {}
    for text, parse in asyncio.run(parse_all()).items():
        intent = parse["intent"]
        turn = Turn(text, intent["name"], float(intent["confidence"]))
        out[text] = (intent["name"], {d.reason for d in decide(Situation(turns=(turn,), now=NOW))})
    return out


@pytest.mark.parametrize("text", NOT_A_THREAT_OR_A_REQUEST)
def test_friends_told_staff_daring_and_managers_in_the_story_stay_with_the_assistant(judged, text):
    assert not judged[text][1] & {"threat", "human_request"}, judged[text]


@pytest.mark.parametrize("text, reason", THREATS_AND_REQUESTS.items())
def test_a_real_threat_or_request_still_goes_to_a_person(judged, text, reason):
    assert reason in judged[text][1], judged[text]
