"""Look-alikes of a safety report found on unlabelled real lines (issue 14, safety precision;
docs/devset.md "False safety handoffs"), in sentences we wrote, one per kind: a worry about a cut,
a burn-out or smoke; not allergic, or asking whether it will be; a charger only somewhat warm;
words that "hurt"; exploding with impatience; a harm said not to come; the area unsafe at night;
an insect beside the food; a mould smell that is unpleasant; old burn marks on the furnishings;
spoiled food thrown away uneaten; someone else's stay in hospital as the reason for the trip; what a
product is said to be free of (无甲醛); and the NLU's report_safety alone, short and unsure. Each kind
next to real cases it must keep."""
from __future__ import annotations

import pytest

from tests.auxil.escalation import first_message_reasons as reasons

NOT_SAFETY = [
    # a worry: nothing happened
    "剪刀给老人用，担心会划到手",
    "我怕这个插排用久了会烧坏",
    "我怕这个开关一碰就会冒烟",
    # not allergic / asking whether it will be
    "敏感肌用了两周，不过敏，挺温和的",
    "这个面霜孕妇用了会过敏吗",
    # a charger only somewhat warm
    "充电器有点烫，用着感觉不太安全",
    "电源适配器比较热，不知道正不正常",
    # figures of speech: words that hurt, a customer about to explode
    "客服那句话真是太伤人了",
    "都三天了还不发，我真的要炸了",
    # a harm said not to come
    "只要不伤害宝宝的皮肤就没事",
    # the area at night, not a hazard of ours
    "周边很偏僻，晚上打车回来有点危险",
    # an insect beside the food, a mould smell, old burn marks
    "早餐的水果盘旁边爬着一只蟑螂",
    "衣柜一打开全是霉味，熏得人难受",
    "沙发上好几个烟头烫的洞，很旧了",
    # spoiled food seen and thrown away, not eaten
    "冰箱里送的酸奶都过期了，没敢喝直接扔了",
    # the hospital as the reason for the trip
    "家里老人住院，来这边陪护住了十天",
    # what a product is said to be free of, asked before buying (2026-12-07)
    "这款纸巾无香精无荧光剂吧",
    "宝宝用的 不含甲醛和酒精对吗",
]


@pytest.mark.parametrize("text", NOT_SAFETY)
def test_a_look_alike_of_harm_is_not_safety(config, text):
    assert "safety" not in reasons(text, config)
    # the lexicon sets it aside, so the NLU's report_safety does not count either
    assert "safety" not in reasons(text, config, "report_safety", 0.95)


@pytest.mark.parametrize("text", [
    "刚尝了一口，有点酸",
    "快点处理，等得人都急死了",
])
def test_the_nlu_alone_needs_to_be_sure(config, text):
    assert "safety" not in reasons(text, config, "report_safety", 0.65)
    assert "safety" in reasons(text, config, "report_safety", 0.9)


@pytest.mark.parametrize("text", [
    # the same kinds, when the harm happened
    "剪刀的刃口把老人的手划破了，流了不少血",
    "插排用了一个月就烧坏了，还冒了烟",
    "酸奶过期了，孩子喝了半瓶就开始拉肚子",
    "用了这个面霜脸上起了一片红疹",
    "充电器烫得拿不住，插头都发黑了",
    "插座就在淋浴喷头旁边，很危险",
    "汤里漂着一只蟑螂，我已经喝了几口",
    "电源适配器很烫，充着电还有焦味",
    "充电器有点热，后来直接烧了",                # warm at first, then it burned
    "空调里吹出来的霉味呛得我一直咳嗽",
    "孩子在浴室滑倒了，送医院缝了三针",
    "半夜有人用房卡刷开了我的房门",
    "说是无甲醛的，结果一股刺鼻的甲醛味，孩子住进去就咳嗽",  # free of it, said; then harm
    "新买的取暖器用了两晚就烧出个黑洞",                       # a burn hole, any colour (2026-12-07)
])
def test_real_safety_reports_still_go_to_a_person(config, text):
    assert "safety" in reasons(text, config)
