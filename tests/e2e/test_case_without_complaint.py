"""A person asked for first thing, and details told when escalating a filed complaint, with the
real Rasa server (REST channel), action server and agent console: "转人工" before any problem
queues a case without a complaint (no complaint ID told, none counted), which an agent works to
the end and which gets the complaint the assistant records after the hand-back; the time, wish
and words of an escalating message join the filed complaint, what the customer confirmed kept."""
from __future__ import annotations

from tests.auxil.agents import new_customer
from tests.auxil.stack import Stack
from tests.e2e.test_one_case import FILING, _case, _complaints


def _total(agent) -> int:
    figures = agent.get("reports?since=1d").json()["figures"]
    return next(f["value"] for f in figures if f["key"] == "total")


def test_asking_for_a_person_first_opens_a_case_without_a_complaint_that_an_agent_works(stack: Stack):
    sender = new_customer()
    boss = stack.agent("周主管", role="supervisor")
    before = _total(boss)
    replies = stack.say(sender, "转人工")
    said = "".join(r.get("text", "") for r in replies)
    assert stack.responses(sender)[0] == "utter_handoff_human_request_first"
    assert stack.responses(sender)[1].endswith("_no_complaint")
    assert "编号" not in said and "TS-" not in said, "no complaint ID for a complaint nobody told"
    assert _complaints(stack, sender) == [] and "complaint_id" not in {
        k for k, v in stack.tracker(sender)["slots"].items() if v}
    case = _case(stack, sender)
    assert case.complaint is None and case.reason == "human_request"

    # The queue and the case page say so, warmly; the transcript is there to read.
    [listed] = [view for view in boss.get("queue").json()["cases"] if view["id"] == case.id]
    assert (listed["complaint_id"], listed["title"]) == (None, "尚未登记投诉")
    page = boss.get(f"cases/{case.id}").json()
    assert page["complaint"] is None and "还没说遇到了什么问题" in page["no_complaint"]
    assert page["can"]["claim"] is True

    agent, colleague = stack.agent("陈静"), stack.agent("刘洋")
    assert agent.post(f"cases/{case.id}/claim").status_code == 200
    moved = boss.post(f"cases/{case.id}/reassign", {"agent_id": _id(boss, case.id, "刘洋")})
    assert moved.status_code == 200 and moved.json()["case"]["agent_name"] == "刘洋"
    assert colleague.post(f"cases/{case.id}/reply", {"text": "您好，我是刘洋，请问遇到什么问题了？"}).status_code == 200
    assert stack.say(sender, "我想问问运费能不能退") == []
    resolved = colleague.post(f"cases/{case.id}/resolve", {"remedy": "refund", "resolution": "运费已原路退回"})
    assert resolved.status_code == 200 and resolved.json()["warning"] is None
    notice = next(e["text"] for e in reversed(stack.bot_events(sender)) if "运费已原路退回" in e.get("text", ""))
    assert "投诉" not in notice and "您的问题已经处理好了" in notice
    history = colleague.get(f"cases/{case.id}").json()["history"]
    assert [(e["agent_name"], e["action_label"]) for e in history] == [
        ("陈静", "接手"), ("周主管", "转派"), ("刘洋", "回复客户"), ("刘洋", "标记为已解决")]
    assert "运费已原路退回" in history[-1]["text"]
    assert _complaints(stack, sender) == [] and _total(boss) == before, "reports count no complaint"


def _id(supervisor, case_id: int, name: str) -> int:
    colleagues = supervisor.get(f"cases/{case_id}").json()["colleagues"]
    return next(c["id"] for c in colleagues if c["name"] == name)


def test_the_complaint_told_after_the_hand_back_joins_the_case(stack: Stack):
    sender = new_customer()
    stack.say(sender, "我要找人工客服")
    case = _case(stack, sender)
    agent = stack.agent("孙丽")
    assert agent.post(f"cases/{case.id}/claim").status_code == 200
    agent.post(f"cases/{case.id}/reply", {"text": "您好，您跟机器人说一下情况，它会帮您登记好。"})
    assert agent.post(f"cases/{case.id}/release").json()["case"]["status"] == "released"
    for message in FILING:
        stack.say(sender, message)
    assert "utter_complaint_recorded" in stack.responses(sender)
    [complaint] = _complaints(stack, sender)
    page = agent.get(f"cases/{case.id}").json()
    assert page["complaint"]["id"] == complaint.public_id and "开胶" in page["complaint"]["description"]
    assert page["case"]["title"] == complaint.public_id
    assert page["history"][-1]["action_label"] == "登记了投诉"


def test_the_time_wish_and_words_of_an_escalating_message_join_the_filed_complaint(stack: Stack):
    sender = new_customer()
    stack.say(sender, "我买的保温杯用了一周就不保温了，订单号DD20261120777，我要找人工客服")
    case = _case(stack, sender)
    [filed] = _complaints(stack, sender)
    assert filed.incident_time_text is None and filed.desired_remedy is None
    agent = stack.agent("吴刚")
    assert agent.post(f"cases/{case.id}/claim").status_code == 200
    assert agent.post(f"cases/{case.id}/release").status_code == 200

    escalation = "我要去12315投诉你们，东西是上周三到的，我要退款"
    assert stack.responses_to(sender, escalation)[0] == "utter_handoff_threat"
    [complaint] = _complaints(stack, sender)
    assert complaint.public_id == filed.public_id, "no second complaint"
    shown = agent.get(f"cases/{_case(stack, sender).id}").json()["complaint"]
    assert shown["incident"].startswith("上周三") and shown["remedy"] == "refund"
    assert shown["order_number"] == "DD20261120777"
    assert shown["description"] == f"{filed.description}；{escalation}"
