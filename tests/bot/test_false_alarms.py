"""False alarms seen on unlabelled real reviews (docs/devset.md), in sentences we wrote: stories
that mention a manager, a call, a price or a rescue are not a reason to hand off, while the real
cases next to them still are."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from typing import Optional

import pytest

from bot.escalation import EscalationConfig, Situation, Turn, decide
from bot.extraction import parse_amount
from tests.auxil.escalation import first_message_reasons as reasons

NOW = datetime(2026, 12, 6, 5, 0, tzinfo=timezone.utc)


# --- the NLU alone, barely sure ------------------------------------------------------------------

# Each line holds a word its reason's intent needs alone (`intent_needs`): 报 (网速 no longer), 红.
@pytest.mark.parametrize("intent, reason, text", [
    ("threaten", "threat", "报上说网速够家里用了"), ("report_safety", "safety", "红色的路由器，网速够家里用了"),
    ("say_repeat", "repeated", "网速还是够家里用了"), ("request_human", "human_request", "客服说网速够家里用了"),
])
def test_an_intent_just_over_the_fallback_does_not_hand_off_alone(config, intent, reason, text):
    """The NLU's 0.50-0.54 on a neutral line ("网速够家里用了") is not enough for a must reason;
    0.55 and over still is, and a pattern needs no intent at all."""
    # safety asks 0.7 since 2026-12-07 (report_safety at 0.55-0.65 on shop-chat turns)
    assert config.intent_confidence[reason] == (0.7 if reason == "safety" else 0.55)
    assert reasons(text, config, intent, 0.53) == set()
    assert reasons(text, config, intent, config.intent_confidence[reason]) == {reason}


def test_the_other_reasons_keep_the_general_threshold(config):
    assert config.intent_confidence["anger"] == config.min_intent_confidence


# --- a price is not a sum at stake when the message compares prices or was not paid ---------------

@pytest.mark.parametrize("text", [
    "7299元下的单，隔天就降价到6899，太坑了",
    "笔记本5880买的，比隔壁店贵了三百多",
    "花了6500，结果没赶上双十一的特价，买贵了",
    "5600入手，看到促销才卖5200，心塞",
    # a price the customer did not pay: a model not bought, a bracket, what it cost before
    "系统不好用，当时我没要8000元那一款，现在后悔了",
    "本来只想买10000元以下的本子，这台键盘有点松",
    "以前6800多元，现在4500多就能买到，做工也一般",
])
def test_a_sum_named_in_a_price_comparison_is_not_high_value(config, text):
    assert parse_amount(text) > Decimal("5000")
    assert "high_value" not in reasons(text, config, "complain_price_billing", 0.9)


@pytest.mark.parametrize("text", [
    "花了7800买的相机，开机就报错",
    "一万三的沙发，到货发现扶手是裂的",
    "比较贵的一台电视，8200元，用了一周就黑屏",
])
def test_a_price_of_what_went_wrong_is_still_high_value(config, text):
    assert "high_value" in reasons(text, config, "complain_quality", 0.9)


def test_a_comparison_in_one_message_does_not_hide_the_sum_said_plainly_in_another(config):
    turns = (Turn("6300块的洗衣机降价了", "complain_price_billing"),
             Turn("而且6300块的洗衣机第二天就漏水", "complain_quality"))
    decisions = decide(Situation(turns=turns, amount=Decimal("6300"), now=NOW), config)
    assert "high_value" in {d.reason for d in decisions}


# --- stories that only look like a repeat, a request for a manager, a threat, a rescue ------------

@pytest.mark.parametrize("text", [
    "保安要是给前台打个电话问一下，就知道还有空房，何必让我们在门口等",
    "这本菜谱没有具体指出火候怎么掌握，新手照着做很难成功",
    "找了维修师傅上门，检查了半天却发现是路由器的问题，跟电视无关",
    "酒店回复 2025年3月2日：感谢您的入住，您提出补偿未果一事我们已经了解",
])
def test_a_call_that_was_never_made_or_was_not_brushed_off_is_not_a_repeat(config, text):
    assert "repeated" not in reasons(text, config)


@pytest.mark.parametrize("text", [
    "打了三次电话给客服，还是没人来修",
    "跟前台说了房间有烟味，她却说我闻错了",
])
def test_a_real_brush_off_is_still_a_repeat(config, text):
    assert "repeated" in reasons(text, config)


@pytest.mark.parametrize("text", [
    "毛巾上全是污渍，我们找了店长，店长说洗衣房不归她管",
    "房间漏水，我去找值班经理交涉，居然说老房子都这样",
    # asked for, and what came of it told in the same sentence, or asked for at the desk (2026-12-06)
    "我请前台经理过来，她解释说系统就是这样收费",
    "我要找值班经理问个明白，结果等了半小时才见到人",
    "房卡又失灵，到前台要求主管来解释，换了好几个人来",
    "当时我就要求见经理，前台说经理不在",
])
def test_a_manager_met_in_the_story_is_not_a_request_now(config, text):
    assert "human_request" not in reasons(text, config)


@pytest.mark.parametrize("text", [
    "我要找你们经理说清楚",
    "给我找你们店长，他说了算吗？",
    "叫你们负责人出来",
    "叫你们值班经理过来，我在前台等着",
    "我要找你们经理，他说了算",
    "我要找经理，等了一上午了还没人理我",
])
def test_asking_for_a_manager_now_still_is(config, text):
    assert "human_request" in reasons(text, config)


def test_telling_the_readers_of_a_review_is_not_a_threat(config):
    assert "threat" not in reasons("写这条点评就是想让大家知道，这家店的外卖别点", config)
    assert "threat" in reasons("我会发到小红书上让大家都知道", config)


@pytest.mark.parametrize("text", [
    "新买的笔记本开机就蓝屏  驱动也装不上   急需急救",
    "系统崩了，数据全没了，求急救",
])
def test_first_aid_for_a_computer_is_not_a_safety_case(config, text):
    assert "safety" not in reasons(text, config)


def test_first_aid_for_a_person_still_is(config):
    assert "safety" in reasons("孩子吃了你们的果冻噎住了，叫了救护车去急救", config)


def test_looking_for_another_hotel_is_not_contacting_ours(config):
    assert "repeated" not in reasons("房间太吵，我们只好半夜出去再找酒店，折腾到两点也没找到", config)
    assert "repeated" in reasons("找了酒店前台三次，都说没办法", config)


def test_a_side_effect_that_did_not_come_is_not_a_safety_case(config):
    assert "safety" not in reasons("照书里说的调理了一个月，也没有出现以前吃药时那种副作用", config)
    assert "safety" in reasons("吃了你们的保健品有副作用，一直心慌", config)


@pytest.mark.parametrize("text", [
    "房费多收了，而且也不提前打个电话通知一声",
    "平台的客服打电话问了我好几次满不满意，挺烦的",
    "快递员给我打过一次电话我没接到，第二天就直接退回了",
])
def test_the_business_calling_or_not_calling_is_not_a_repeat(config, text):
    assert "repeated" not in reasons(text, config)


def test_a_promised_call_that_never_came_is_still_a_repeat(config):
    assert "repeated" in reasons("上周说好给我打电话，到现在也没人联系", config)


# --- the NLU's intent alone on a heading, a book's story, a choice weighed (2026-12-06) -----------

def test_a_request_for_a_person_names_a_person_the_bot_or_a_transfer(config):
    """request_human alone on a review's heading ("我的看法：") is not a request; one that names
    someone (负责的同事) still is, with no pattern of the lexicon."""
    assert reasons("我的看法：", config, "request_human", 0.7) == set()
    assert reasons("麻烦让负责的同事联系我", config) == set()
    assert reasons("麻烦让负责的同事联系我", config, "request_human", 0.7) == {"human_request"}


@pytest.mark.parametrize("text, intent", [
    ("这本小说我前后读了三遍，每次看完都有新的感受", "say_repeat"),
    ("看完《山那边的灯》，哭得稀里哗啦，主人公最后还是回了家", "report_safety"),
    ("作者把一个小镇写得活灵活现，读者跟着他走了一遍老街", "threaten"),
])
def test_no_intent_alone_hands_off_a_review_of_a_books_content(config, text, intent):
    assert reasons(text, config, intent, 0.9) == set()


def test_a_book_that_did_not_arrive_or_that_hurt_still_goes_to_a_person(config):
    assert reasons("这本书下单快一个月了还没到", config, "say_repeat", 0.8) == {"repeated"}
    assert "safety" in reasons("这本书的书页边缘太锋利，孩子的手被划破了", config, "complain_quality", 0.9)


@pytest.mark.parametrize("text", [
    "送货前也没有接到电话，东西直接放在门口了",
    "去之前反复比较之后才选了这家",
    "酒店对这件事很重视，做了及时处理",
])
def test_no_call_a_prompt_fix_or_a_choice_weighed_is_not_a_repeat(config, text):
    assert reasons(text, config, "say_repeat", 0.9) == set()


def test_calls_that_got_nowhere_are_still_a_repeat(config):
    assert "repeated" in reasons("打了三次电话也没接到回电，问题还是没解决", config)


# --- a number that is no sum, a price the NLU did not understand -----------------------------------

def high_value(text: str, config: EscalationConfig, amount: str, intent: Optional[str] = None,
               confidence: float = 1.0) -> bool:
    """Whether one message hands off for high_value, with the sum the NLU's amount entity heard."""
    situation = Situation(turns=(Turn(text, intent, confidence),), amount=Decimal(amount), now=NOW)
    return "high_value" in {d.reason for d in decide(situation, config)}


@pytest.mark.parametrize("text, amount", [
    ("摄像头130万的，拍人脸还挺清楚", "1300000"),
    ("像素不高，插值能到500万", "5000000"),
    ("300万像素的摄像头，晚上全是噪点", "3000000"),
])
def test_a_cameras_pixel_count_is_not_a_sum(config, text, amount):
    assert not high_value(text, config, amount, "complain_quality", 0.9)


def test_a_sum_said_next_to_a_pixel_count_still_is(config):
    assert high_value("摄像头130万，8999元买的，屏幕三天就花了", config, "1300000", "complain_quality", 0.9)


def test_a_price_the_nlu_did_not_understand_is_not_yet_at_stake(config):
    assert not high_value("6799元入手的", config, "6799", "nlu_fallback", 0.5)
    assert high_value("6799元入手的，开机就黑屏", config, "6799", "complain_quality", 0.9)


# --- leftover forms (docs/devset.md, "Leftover forms") --------------------------------------------

@pytest.mark.parametrize("text", [
    "你们再不发货我就去京东给差评",
    "在携程上给你们差评是肯定的",
])
def test_a_bad_review_threatened_on_the_platform_is_not_a_threat_even_when_the_nlu_says_so(config, text):
    """A plain bad review where the customer bought or booked is the platform's feedback, not
    media or a regulator: the lexicon sets it aside, and the NLU's threaten with it."""
    assert "threat" not in reasons(text, config, "threaten", 0.9)


def test_a_bad_review_with_exposure_is_still_a_threat(config):
    assert "threat" in reasons("差评我已经给了，下一步发微博曝光你们", config, "threaten", 0.9)
    assert "threat" in reasons("差评之外，我还要去12315投诉", config)


@pytest.mark.parametrize("text", ["在吗", "在吗？？", "亲 在吗", "在吗 人呢 怎么没人回", "有人吗？等了半天没人理"])
def test_a_greeting_or_waiting_in_this_chat_is_not_a_repeat(config, text):
    assert "repeated" not in reasons(text, config, "say_repeat", 0.8)


@pytest.mark.parametrize("text", [
    "路由器换了以后一次都没掉线过",
    "热水器师傅修完到现在都好好的，辛苦你们了",
])
def test_a_fix_that_holds_or_thanks_closing_the_message_is_not_a_repeat(config, text):
    assert "repeated" not in reasons(text, config, "say_repeat", 0.6)


@pytest.mark.parametrize("text", [
    "在吗 我的维修申请又给退回来了，这都几回了",
    "在吗？上次说三天内给答复的事呢",
])
def test_a_greeting_does_not_hide_a_repeat_the_nlu_hears(config, text):
    """在吗 opening a message no longer sets the NLU's say_repeat aside (it did for any message
    with 在吗 in it)."""
    assert "repeated" in reasons(text, config, "say_repeat", 0.8)


@pytest.mark.parametrize("text, amount", [
    ("花了6000积分换的音箱，用一周就没声了", None),
    ("扣了8000积分也没给我兑换成功", None),
    ("在东京花了7000日元买的充电宝，充不进电", None),
    ("花了一万步才走到酒店，门口连个指示牌都没有", None),
    ("花了6999买的笔记本，屏幕有坏点", Decimal("6999")),
    ("花了两万五，装修的墙皮就掉了", Decimal("25000")),
])
def test_points_foreign_money_and_steps_after_a_money_verb_are_not_yuan(text, amount):
    assert parse_amount(text) == amount
