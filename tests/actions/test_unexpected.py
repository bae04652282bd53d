"""A turn no rule expects (actions/unexpected.py): a "no" that names a problem, with no yes/no
question pending, is read again as the complaint the NLU heard in it; any other such turn gets the
default fallback."""
from actions.unexpected import ActionUnexpectedTurn
from bot.metadata import READING_IF_UNASKED_KEY
from tests.auxil.conversation import make_tracker, run_action


async def test_a_no_naming_a_problem_is_read_again_as_the_complaint():
    said = "不是吧 东西到现在都没收到"
    tracker = make_tracker([(said, "deny", {})])
    tracker.latest_message[READING_IF_UNASKED_KEY] = [{"name": "complain_delivery", "confidence": 0.8},
                                                      {"name": "complain_general", "confidence": 0.1}]
    events, replies = await run_action(ActionUnexpectedTurn(), tracker)
    assert replies == []
    assert [e["event"] for e in events] == ["rewind", "action", "user"]
    again = events[-1]
    assert again["text"] == said and again["parse_data"]["intent"]["name"] == "complain_delivery"
    assert READING_IF_UNASKED_KEY not in again["parse_data"]


async def test_any_other_unexpected_turn_gets_the_default_fallback():
    events, replies = await run_action(ActionUnexpectedTurn(), make_tracker([("嗯嗯", "affirm", {})]))
    assert [r["utter_action"] for r in replies] == ["utter_default"]
    assert events == [{"event": "rewind", "timestamp": None}]
