"""What the escalation rules see of a conversation's events."""
from datetime import datetime, timedelta, timezone

from bot.escalation import decide
from bot.situation import (
    heard_details, prior_complaint_values, said_since_recorded, situation_from_events, story_so_far,
)

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)


def user(text, intent, confidence=0.9, **entities):
    return {"event": "user", "text": text,
            "parse_data": {"intent": {"name": intent, "confidence": confidence},
                           "entities": [{"entity": name, "value": value} for name, value in entities.items()]}}


def test_only_messages_after_an_agent_handed_back_count():
    events = [user("我要去12315投诉你们", "threaten"), {"event": "pause"},
              user("好的谢谢你", "thank"), {"event": "resume"}, user("你好", "greet")]
    situation = situation_from_events(events, {}, NOW)
    assert [t.text for t in situation.turns] == ["你好"]
    assert decide(situation) == []
    assert [d.reason for d in decide(situation_from_events(events[:1], {}, NOW))] == ["threat"]


def test_misunderstandings_in_a_row_and_the_amount_slot_are_read():
    events = [user("在吗", "greet"), user("？", "nlu_fallback", 0.2), user("。。", "nlu_fallback", 0.1)]
    situation = situation_from_events(events, {"amount": "两万块"}, NOW)
    assert situation.consecutive_fallbacks == 2 and str(situation.amount) == "20000"
    assert [d.reason for d in decide(situation)] == ["high_value"]


def test_a_sum_said_in_words_the_entity_regex_misses_is_read_from_the_message():
    events = [user("我这台电脑两万八买的，才用三天就黑屏了", "complain_quality")]
    situation = situation_from_events(events, {}, NOW)
    assert str(situation.amount) == "28000"
    assert [d.reason for d in decide(situation)] == ["high_value"]
    assert situation_from_events([user("我都说了一万遍了", "vent")], {}, NOW).amount is None


def test_earlier_complaints_in_the_slot_make_a_repeat_on_the_same_order():
    class Earlier:
        public_id, status, order_number, category = "TS-20261120-0003", "open", "DD1234567890", "delivery"
        created_at = NOW - timedelta(days=2)

    slots = {"order_number": "dd1234567890", "prior_complaints": prior_complaint_values([Earlier])}
    situation = situation_from_events([user("订单号DD1234567890", "give_details")], slots, NOW)
    [decision] = decide(situation)
    assert decision.reason == "repeated" and "TS-20261120-0003" in decision.explanation


def test_an_unclear_answer_to_the_forms_question_is_not_a_misunderstanding():
    events = [user("？", "nlu_fallback", 0.2), {"event": "active_loop", "name": "complaint_form"},
              user("上周三吧", "nlu_fallback", 0.3), user("嗯嗯", "nlu_fallback", 0.3),
              {"event": "active_loop", "name": None}, user("？？", "nlu_fallback", 0.1)]
    assert situation_from_events(events, {}, NOW).consecutive_fallbacks == 1


def test_system_triggered_intents_are_not_the_customers_words():
    events = [user("我要去12315投诉你们", "threaten"), user("", "EXTERNAL_handed_back", 1.0)]
    assert [t.intent for t in situation_from_events(events, {}, NOW).turns] == ["threaten"]


def test_details_said_in_a_threat_count_for_the_rules_and_are_heard():
    """The form takes no answer from a threat, but the order and the sum it names still count:
    a repeat on an order we already have a complaint about, a large sum."""
    class Earlier:
        public_id, status, order_number, category = "TS-20261120-0003", "open", "DD1234567890", "delivery"
        created_at = NOW - timedelta(days=2)

    events = [user("你好", "greet"), {"event": "resume"},
              user("订单DD1234567890两万块的货丢了，不赔我就去12315", "threaten",
                   order_number="DD1234567890", amount="两万块", complaint_category="delivery")]
    assert heard_details(events) == {"order_number": "DD1234567890", "amount": "两万块",
                                     "complaint_category": "delivery"}
    situation = situation_from_events(events, {"prior_complaints": prior_complaint_values([Earlier])}, NOW)
    assert (situation.order_number, str(situation.amount), situation.category) == ("DD1234567890", "20000", None)
    assert {"threat", "repeated", "high_value"} <= {d.reason for d in decide(situation)}
    assert heard_details(events[:1] + [{"event": "restart"}]) == {}
    recorded = {"event": "slot", "name": "complaint_id", "value": "TS-20261127-0001"}
    assert heard_details(events + [recorded, user("还有一件事", "complain_general")]) == {}


def test_what_the_customer_said_since_the_complaint_was_recorded():
    recorded = {"event": "slot", "name": "complaint_id", "value": "TS-20261127-0001"}
    events = [user("杯子碎了", "complain_quality"), recorded, user("/affirm", "affirm"),
              user("订单号是DD20261120777", "inform"), user("", "EXTERNAL_handed_back"),
              user("再不处理我就去12315", "threaten")]
    assert said_since_recorded(events) == ["订单号是DD20261120777", "再不处理我就去12315"]
    assert said_since_recorded(events + [{"event": "resume"}]) == []


def _said(text, intent, **spans):
    entities = [{"entity": name, "value": text[start:end], "start": start, "end": end}
                for name, (start, end) in spans.items()]
    return {"event": "user", "text": text,
            "parse_data": {"intent": {"name": intent, "confidence": 0.9}, "entities": entities}}


def test_the_story_is_the_problem_without_greetings_buttons_and_bare_answers():
    events = [_said("你好", "greet"), _said("我买的跑鞋才穿两天就开胶了", "complain_quality"),
              _said("上周三", "give_details"), _said("订单号DD20261101456", "give_details", order_number=(3, 16)),
              _said('/request_remedy{"remedy": "refund"}', "request_remedy"),
              _said("13812345678", "give_details", phone=(0, 11)), _said("对的", "affirm"),
              _said("而且鞋底也裂开了，订单DD20261101456", "give_details", order_number=(11, 24)),
              _said("我要找人工客服", "request_human")]
    assert story_so_far(events) == "我买的跑鞋才穿两天就开胶了；而且鞋底也裂开了，订单DD20261101456"
    assert story_so_far(events[:1] + events[-1:]) == "（客户要求人工处理，尚未描述问题）"
    one_go = _said("我的跑鞋才穿两天就开胶了，找了三次都没人管，给我转人工", "request_human")
    assert story_so_far([events[0], one_go]) == one_go["text"]
    whole = _said("充电宝鼓包冒烟了", "report_safety", complaint_category=(0, 8))  # the classifier's span
    assert story_so_far([whole]) == whole["text"]


def test_a_message_read_again_counts_once_and_one_taken_back_alone_stays():
    """A "no" naming a problem read again as the complaint (actions/unexpected.py: the message taken
    back, then the same words with the complaint intent) is one message of the customer's; a
    message Rasa's default fallback took back and nobody read again is still what they said."""
    said = "不是吧 东西到现在都没收到"
    read_again = [user(said, "deny"), {"event": "rewind"}, {"event": "action", "name": "action_listen"},
                  user(said, "complain_delivery")]
    situation = situation_from_events(read_again, {}, NOW)
    assert [(t.text, t.intent) for t in situation.turns] == [(said, "complain_delivery")]
    assert story_so_far(read_again) == said
    taken_back = [user("嗯嗯", "affirm"), {"event": "rewind"}, user("我的快递丢了", "complain_delivery")]
    assert [t.text for t in situation_from_events(taken_back, {}, NOW).turns] == ["嗯嗯", "我的快递丢了"]
