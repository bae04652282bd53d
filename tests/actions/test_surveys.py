"""Hearing the satisfaction check and the follow-up: scores in the customer's words, once per
complaint, and a low score or an unsolved problem reopening the complaint for a supervisor."""
from datetime import timedelta

from actions.surveys import (
    ActionAskFollowUp, ActionAskSatisfaction, ActionRecordFollowUp, ActionRecordSatisfaction,
)
from bot.app.complaints import CollectedComplaint, record_complaint
from bot.script import Script, detect_script
from tests.auxil.conversation import make_tracker, run_action


def _sent_survey(svc, sender="frank", kind="satisfaction"):
    complaint = record_complaint(svc.store, svc.policies, CollectedComplaint(
        channel="rest", sender_id=sender, category="delivery", description="快递丢了"),
        svc.now() - timedelta(hours=1), svc.tz).complaint
    svc.store.set_status(complaint.public_id, "resolved", svc.now())
    svc.surveys.schedule_after_closure(complaint.public_id, svc.now(), follow_up=True)
    svc.surveys.mark_sent(complaint.public_id, kind, svc.now())
    return complaint.public_id


async def test_the_check_names_the_complaint_and_offers_five_buttons(fresh_services):
    tracker = make_tracker([("", "EXTERNAL_satisfaction_survey", {"complaint_id": "TS-20261127-0001"})])
    _, [question] = await run_action(ActionAskSatisfaction(), tracker)
    assert "TS-20261127-0001" in question["text"]
    assert [b["payload"] for b in question["buttons"]][0] == '/rate_satisfaction{"score": "5"}'


async def test_a_high_score_is_thanked_and_kept_once(fresh_services):
    complaint_id = _sent_survey(fresh_services)
    tracker = make_tracker([("/rate_satisfaction", "rate_satisfaction", {"score": "5"})], sender_id="frank")
    _, [thanks] = await run_action(ActionRecordSatisfaction(), tracker)
    assert thanks["utter_action"] == "utter_survey_thanks_high"
    assert fresh_services.surveys.get(complaint_id, "satisfaction").score == 5
    _, [again] = await run_action(ActionRecordSatisfaction(), tracker)
    assert again["utter_action"] == "utter_survey_already_answered"
    assert fresh_services.surveys.get(complaint_id, "satisfaction").score == 5


async def test_a_low_score_in_words_reopens_the_complaint_with_the_comment(fresh_services):
    complaint_id = _sent_survey(fresh_services)
    tracker = make_tracker([("很不满意，退款拖了十天", "deny", {})], sender_id="frank")
    _, [reply] = await run_action(ActionRecordSatisfaction(), tracker)
    assert reply["utter_action"] == "utter_survey_low" and complaint_id in reply["text"]
    survey = fresh_services.surveys.get(complaint_id, "satisfaction")
    assert survey.score == 1 and survey.comment == "很不满意，退款拖了十天"
    [case] = fresh_services.queue.queue()
    assert case.reason == "low_satisfaction" and "退款拖了十天" in case.explanation
    assert fresh_services.store.get(complaint_id).status == "open"


async def test_an_unclear_answer_is_asked_again_in_the_customers_script(fresh_services):
    _sent_survey(fresh_services)
    tracker = make_tracker([("好的呀", "affirm", {})], sender_id="frank")
    _, [reply] = await run_action(ActionRecordSatisfaction(), tracker)
    assert reply["utter_action"] == "utter_survey_score_unclear"
    tracker = make_tracker([("這個嘛", "nlu_fallback", {})], sender_id="frank")
    _, [reply] = await run_action(ActionRecordSatisfaction(), tracker)
    assert reply["utter_action"] == "utter_survey_score_unclear"
    assert detect_script(reply["text"]) == Script.TRADITIONAL


async def test_a_follow_up_no_reopens_and_a_yes_is_glad(fresh_services):
    complaint_id = _sent_survey(fresh_services, sender="gina", kind="follow_up")
    _, [question] = await run_action(ActionAskFollowUp(), make_tracker(
        [("", "EXTERNAL_follow_up", {"complaint_id": complaint_id})], sender_id="gina"))
    assert complaint_id in question["text"] and len(question["buttons"]) == 2
    _, [reply] = await run_action(ActionRecordFollowUp(), make_tracker(
        [("还没有，又坏了", "deny", {})], sender_id="gina"))
    assert reply["utter_action"] == "utter_follow_up_reopened"
    assert fresh_services.surveys.get(complaint_id, "follow_up").solved is False
    assert fresh_services.queue.queue()[0].reason == "not_solved"
