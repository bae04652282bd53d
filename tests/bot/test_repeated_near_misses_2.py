"""False repeats of real reviews and desk turns, second pass (2026-12-07, branch repfp,
docs/devset.md): a contact with the business whose outcome is no brush-off. A surprise word after a
contact that is about something else (a price, an old map), the staff not found, a yes/no question
answered, a request granted at once, calls to ask something with the answer praised, the courier's
own demand, a lost thing found after a call, advice about an earlier purchase, a not-yet asked about,
going back to the hotel. Each of these sentences was handed off on main's configuration; the true
repeats below must stay handed off. Sentences written by the team, never copied."""
from __future__ import annotations

import pytest

from tests.auxil.escalation import first_message_reasons as reasons


#: Not repeats (each handed off for repeated on main's configuration).
NOT_REPEATS = {
    "a surprise after a contact, about something else": "找服务员帮忙订了份外卖，竟然收了我八十块跑腿费",
    "the staff not found": "楼层里找不到服务员，台灯坏了也没人管",
    "a yes/no question answered": "问前台是否可以寄存行李，前台说都是可以的，也不收钱",
    "a request granted at once": "跟前台提出延迟退房，提出后就同意了，也不收钱",
    "calls to ask something, the answer praised": "给售后打了三个电话问怎么装系统，客服都很耐心",
    "the courier's own demand": "快递员要求送上楼要另加五块，不给就不送",
    "a lost thing found after a call": "耳机忘在酒店，联系前台后他们找到了，可惜也不能寄过来",
    "advice about an earlier purchase": "之前给你说过杯子容易碎，所以包装一定要注意哦",
    "a not-yet asked about": "地址还没改，有影响吗",
    "going back to the hotel": "出了地铁找路回酒店，绕了半天也没看到招牌",
}

#: True repeats that stay handed off.
REPEATS = [
    "打电话给前台说楼上吵，居然说没听见",
    "向客服反映漏发，竟然让我自己去找快递",
    "跟前台说了三次，后来才同意换房",
    "经过交涉后才同意退款",
    "打了五个电话问进度，客服都说在处理，到现在也没退",
    "找前台要了两次毛巾都没送来",
    "已经跟你们说过地址错了，订单还是没改",
    "报修以后服务员来看了一眼就走了，到退房也没人修",
]


@pytest.mark.parametrize("text", [pytest.param(t, id=kind) for kind, t in NOT_REPEATS.items()])
def test_near_misses_are_not_repeats(config, text):
    assert "repeated" not in reasons(text, config)


@pytest.mark.parametrize("text", REPEATS)
def test_true_repeats_stay(config, text):
    assert "repeated" in reasons(text, config)


@pytest.mark.parametrize("text", [
    "跟前台说了房间漏水，却只来一句明天再说",
    "投诉了两次空调不制冷，却一直没人上来看",
])
def test_a_curt_line_or_a_thing_never_done_after_the_surprise_word_is_a_repeat(config, text):
    assert "repeated" in reasons(text, config)
