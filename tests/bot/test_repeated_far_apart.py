"""Repeats told far apart (2026-12-06, fourth reading, docs/devset.md "Leftover misses, fourth
reading"): the contact in one sentence and, more than 30 characters on, in the next sentence or the
one after, what still has not happened ("…到现在也没人来修", "…直到退房都没送来"), or the same
failure in the room the customer was moved to ("换了一间……同样是灯不亮"). Beside them, the look-alikes
that keep such a long message no repeat: a request granted, a fix that held, a still-not with no
contact before it. Sentences written by the team, never copied."""
from __future__ import annotations

import pytest

from tests.auxil.escalation import first_message_reasons as reasons

#: The words alone (the NLU missed it).
FAR_APART = [
    "入住当晚就跟前台反映了卫生间的下水道返味，服务员拿着登记本记了一下房号。第二天我们出去逛了一整天，晚上回来一进门还是那股味道，到现在也没人来处理过",
    "上周在平台投诉了快递员把包裹扔在楼下的事情，客服说会在两个工作日以内给我答复。今天都已经周五了，直到现在都没有任何人联系我",
    "我们一进房间就打电话给总台说空调的遥控器没电了，对方很客气地说好的马上安排。我们洗漱完又看了一部电影，直到退房那天都没有送来",
    "订的是大床房，一开门发现窗户正对着隔壁楼的墙，跟前台要求换房。换到楼上一层后窗外照样是一堵墙，房间里的台灯同样不亮",
]

#: Look-alikes: long, with a contact or a still-not, and no repeat.
NOT_REPEATS = [
    # a request granted, far apart
    "入住时跟前台说想要一间安静点的房间，前台的小姑娘查了好一会儿电脑。最后给我们安排在走廊尽头，晚上一点声音都没有，睡得很好",
    # a still-not with no contact before it
    "这本书买回来放在床头很久了，封面设计得很有味道，纸张摸起来也很舒服。到现在也没看完，主要是最近工作太忙了",
    # a change of room that worked
    "一开始给的房间靠电梯有点吵，跟前台说了以后换到了另一侧的房间。新房间同样宽敞，而且安静多了，推荐",
    # a question raised and answered, then praise
    "打电话问酒店有没有接机服务，对方说有，还要了我的航班号。到了机场司机已经举着牌子在等，一路上聊得很开心",
]


@pytest.mark.parametrize("text", FAR_APART)
def test_a_contact_and_what_never_came_far_apart_is_a_repeat(config, text):
    assert "repeated" in reasons(text, config)


@pytest.mark.parametrize("text", NOT_REPEATS)
def test_long_look_alikes_are_not_repeats(config, text):
    assert "repeated" not in reasons(text, config)
