"""Structural look-alikes of a safety report, a threat or a request for a person (issue 14,
handoff precision; docs/devset.md "Third pass"), in sentences we wrote: what was NOT found, what
was only feared or heard of, what happened somewhere else or to someone else, what happens inside a
story, an intensifier, a past problem now gone, a recourse thought of and not taken, advice the
staff gave; and the NLU's intent alone on a long message it is not sure of. Each kind next to the
real cases it must keep."""
from __future__ import annotations

import pytest

from tests.auxil.escalation import first_message_reasons as reasons


# --- safety -------------------------------------------------------------------------------------

NOT_SAFETY = [
    # not found: the food word comes first, the 没 sits between it and the foreign object
    "米饭里倒是没有吃出什么虫子，就是有点硬",
    "这回的汤里没再发现头发，有进步",
    # feared, not happened
    "担心吃了会拉肚子，酒店的早餐一口没敢动",
    "怕吃坏肚子，晚饭都是出去吃的",
    # heard of, somewhere else
    "听说有人在那家店吃出过苍蝇，我们就没敢点",
    "新闻里说别的城市有酒店起火，这家的逃生通道倒是很宽",
    # inside a story
    "女儿很喜欢这个绘本，小兔子不小心烫伤了手，正好教她注意安全",
    "一群探险者在山洞里吃了有毒的蘑菇，那一章写得惊心动魄",
    # an intensifier
    "隔音差到爆炸，隔壁打呼都听得见",
    # a past problem now gone
    "上次住的时候孩子有点过敏，这次换了荞麦枕，一点问题都没有",
    # a hospital's name alone or a ward in a delivery address (2026-12-06, fourth reading)
    "第一人民医院",
    "寄到市三院住院部五楼护士站",
]


@pytest.mark.parametrize("text", NOT_SAFETY)
def test_not_found_feared_elsewhere_in_a_story_or_an_intensifier_is_not_safety(config, text):
    assert "safety" not in reasons(text, config)
    # the NLU's report_safety does not count for such a message either
    assert "safety" not in reasons(text, config, "report_safety", 0.95)


def test_someone_hurt_at_another_hotel_sets_the_nlu_aside(config):
    assert reasons("同事在别的酒店被旋转门夹过，所以我特别留意了一下，这里的门还好", config,
                   "report_safety", 0.9) == set()


@pytest.mark.parametrize("text", [
    "汤里吃出一根头发，还有一只小虫子",
    "没想到插座会冒烟，吓坏了",
    "孩子在浴室滑倒，下巴磕破了",
    "吃了酒店的自助餐，半夜上吐下泻去了医院",
    "绘本的纸边太锋利，孩子翻书时手被划破了",
    "插座冒火花，差点着火",
    "很担心会爆炸，充电宝已经鼓包了",
])
def test_real_safety_reports_still_go_to_a_person(config, text):
    assert "safety" in reasons(text, config)


# --- threat -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "剧情里律师和警察斗智斗勇，结局很意外",
    "同事说要去消协投诉，我劝他算了，后来酒店也道歉了",
    "本来想打12315，后来商家主动退了款，就算了",
    "差点就要报警了，还好最后在沙发缝里找到了手机",
])
def test_a_story_someone_elses_recourse_or_one_not_taken_is_not_a_threat(config, text):
    assert "threat" not in reasons(text, config)
    assert "threat" not in reasons(text, config, "threaten", 0.9)


@pytest.mark.parametrize("text", [
    "这本书是盗版，我要去12315举报",
    "要是再不处理，我就去消协投诉",
    "朋友说要帮我去消协投诉",
    "不给退款我就去12315投诉",
    "本来不想闹大，现在我只能找律师了",
])
def test_real_threats_still_go_to_a_person(config, text):
    assert "threat" in reasons(text, config)


# --- a request for a person ---------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "前台说有事可以随时找值班经理，挺贴心的",          # the staff's advice
    "值班经理过来解释了一通，问题还在",                # the manager in the story
    "跟店长商量了之后，同意给我们换一间",
    "喊主管来也没用，主管也只会说抱歉",
    "当时真想把他们老板叫来问问",                      # a wish
    "请酒店领导看看这条点评，好好改进",                # a review addressing the management
    "人工客服太难打了，排了二十分钟",                  # the human channel complained of
])
def test_advice_a_manager_in_the_story_a_wish_or_a_review_is_not_a_request_for_a_person(config, text):
    assert "human_request" not in reasons(text, config)
    assert "human_request" not in reasons(text, config, "request_human", 0.9)


@pytest.mark.parametrize("text", ["我要找你们值班经理", "叫你们经理出来跟我说", "给我转人工客服",
                                  "让你们店长来跟我谈"])
def test_a_request_for_a_manager_still_goes_to_a_person(config, text):
    assert "human_request" in reasons(text, config)


# --- the NLU alone on a long message ------------------------------------------------------------

LONG = ("一进大堂就觉得装修很有年代感，前台办理入住花了不少时间，房间朝向不错，窗外能看到一条小河，"
        "晚上有点吵，早餐品种一般，总体来说这个价位还算过得去吧。")
SHORT = "早餐品种还是一般"  # "还": the NLU's say_repeat alone needs a word of again or still


@pytest.mark.parametrize("intent, reason, hint", [
    # the NLU's report_safety alone needs a word of harm (rules.safety.intent_needs)
    ("say_repeat", "repeated", ""), ("report_safety", "safety", "，孩子吓坏了"),
    # the NLU's threaten alone needs a word of a recourse (rules.threat.intent_needs)
    ("threaten", "threat", "，你们看着办"),
])
def test_an_intent_alone_on_a_long_message_needs_to_be_sure(config, intent, reason, hint):
    long, short = LONG + hint, SHORT + hint
    assert len(long) > config.long_message[0]
    assert reasons(long, config, intent, 0.75) == set()
    assert reasons(long, config, intent, 0.85) == {reason}
    # a short message keeps the usual threshold
    assert reasons(short, config, intent, max(0.6, config.intent_confidence[reason])) == {reason}


# --- a repeat solved in the end -----------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "找售后说不给修，只好态度强硬一点，不过还好，第二天派人上门换了个新的，问题就解决了",
    "打电话给客服说发错了颜色，客服始终说仓库没错，后来仓库查了一下，问题也就解决了",
    "向前台反映热水不热，服务员一口咬定是我不会用，结果师傅来了一看，问题就解决了",
])
def test_a_request_brushed_off_then_solved_without_a_delay_is_not_a_repeat(config, text):
    assert "repeated" not in reasons(text, config)
    assert "repeated" not in reasons(text, config, "say_repeat", 0.9)


@pytest.mark.parametrize("text", [
    "找了前台三次，最后才修好了",
    "打了五个电话给客服才解决，问题是解决了，但真累",
    "跟客服反映过，说已经修好了，结果又坏了，问题还是没解决",
])
def test_solved_only_after_chasing_or_broken_again_is_still_a_repeat(config, text):
    assert "repeated" in reasons(text, config)
