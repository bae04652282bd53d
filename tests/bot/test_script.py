"""Script detection and conversion: Traditional customers get Traditional replies."""
from bot.script import Script, conversation_script, detect_script, to_simplified, to_traditional


def test_detects_each_script_and_stays_undecided_on_shared_characters():
    assert detect_script("我買的鞋子穿了兩天就開膠了") == Script.TRADITIONAL
    assert detect_script("我买的鞋子穿了两天就开胶了") == Script.SIMPLIFIED
    assert detect_script("好的 👍 123") is None


def test_conversation_script_is_the_newest_decisive_message():
    assert conversation_script(["好的", "訂單號是多少？", "我买的鞋"]) == Script.TRADITIONAL
    assert conversation_script(["ok", "好"]) == Script.SIMPLIFIED


def test_earlier_messages_script_decides_when_no_message_in_view_shows_one():
    assert conversation_script(["好的", "13812345678"], earlier="traditional") == Script.TRADITIONAL
    assert conversation_script(["我买的鞋"], earlier="traditional") == Script.SIMPLIFIED
    assert conversation_script(["好的"], earlier=None) == Script.SIMPLIFIED
    assert conversation_script(["好的"], earlier="klingon") == Script.SIMPLIFIED


def test_round_trip():
    assert to_simplified("退貨退款") == "退货退款"
    assert to_traditional("退货退款") == "退貨退款"


def test_simplified_text_is_left_exactly_as_written():
    # Some OpenCC tables (tw2s) rewrite Simplified characters: 什么 -> 什幺, 抬 -> 擡.
    text = "什么玩意，你们怎么回事，抬头看看，干净，后来"
    assert to_simplified(text) == text
