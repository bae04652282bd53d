"""The category heard in long, narrative complaints (issue 14): the main problem, the one the
message dwells on (docs/devset.md), even when words of another category come in passing — the
staff who were called about a broken room, the price of a room that is dirty, an exchange that is
under way for a faulty product, the front desk that charged the extra fee, the money paid for a
delivery that came late. Each message judged alone, as the first of a conversation; none of these
is a training example (data/nlu/categories_registers.yml has its own)."""
from __future__ import annotations

import asyncio
from typing import Any, Dict

import pytest
from rasa.core.agent import Agent

from tests.auxil.stack import trained_model
from tests.nlu.test_real_registers import heard_category

pytestmark = pytest.mark.outside_unit  # loads the trained model

CATEGORY_HEARD = {
    # quality told with its follow-up: the staff came, could not fix it
    "淋浴间的门合不上，水溅得满地都是，找了客房部两次，来的人看了看说配件没货，住了三天都是这样":
        "quality",
    "台灯和床头灯都不亮，打电话叫人来修，电工说整层线路有问题，让我们摸黑凑合一晚": "quality",
    # "the staff were fine, but the room ..."
    "服务员都挺客气，就是房间太潮了，被子摸上去湿湿的，墙角还有一片霉斑": "quality",
    # the food got worse
    "这次的早餐比上回差远了，水果只有西瓜，热菜凉了也没人换，面包硬邦邦的": "quality",
    # the price as the frame of a defect
    "六百多一晚的房间，电视没信号，窗户关不严，半夜冷风直往里钻": "quality",
    # a defect whose exchange or repair is under way
    "刚买的电饭煲煮出来的饭底下全糊了，已经联系店家在办换货，东西质量真差": "quality",
    # money charged at the front desk
    "前台办入住的时候说押金要交一千，退房时只退了八百，说扣了什么清洁费，也拿不出单子": "price_billing",
    "酒店经理非说我们用了房间里的收费零食，要加一百块，我们一包都没拆": "price_billing",
    # how people treated the customer, with money in the story
    "房费倒是便宜，可是服务员整天板着脸，叫她帮忙拿个衣架都嫌麻烦": "service_attitude",
    # a delivery paid extra for that came late
    "为了周末能用特意加钱选了次日达，结果快递拖到下周二才到，加急费白交了": "delivery",
    # the room's price beside its defects
    "房价四百多，房间又旧又小，地毯很脏，卫生间里一股霉味": "quality",
    # the money, told through the cashier
    "收银员把预授权的押金当成消费刷了，多扣了我八百，打了两次电话也没人回复": "price_billing",
    # how the staff behaved, with the room mentioned in passing
    "房间还算干净，可前台的人态度冷漠，问个路都爱理不理，还翻白眼": "service_attitude",
    # a short story of a defect told through the staff who were asked, in the defect's own words
    # (the wider cue lists of 2026-12-06: yellowed paper, blurred print, heating that is not warm)
    "书拿到手纸张发黄，印得模模糊糊，好几页字都看不清，我问了客服，客服说就是这个版本": "quality",
    "半夜被冻醒，暖气一点都不热，打给前台，前台说锅炉明天才修，让我多盖一床被子": "quality",
}
#: A short story of a defect told through the staff with one defect word against the story's
#: first-person characters (我, 说, 问) is still heard as service_attitude at times: a loose
#: keyboard the seller said to keep using, no water in the shower and the waiter's excuse
#: (docs/devset.md, "What limits the category").

#: Short complaints (config.yml, short_message) keep the category their complaint intent names:
#: one about how long the remedy takes, with nothing else named, is `other`, never a product's
#: quality (it flipped between the two with unrelated training data); one that names the
#: remedy or the parcel keeps that kind.
SHORT_HEARD = {
    "时间太久了，能不能快一点": "other",
    "处理周期也太长了": "other",
    "等一个礼拜太长了吧": "other",
    "退款要等半个月也太久了": "refund_return",
    "修个电脑要一个月，太久了": "refund_return",
    "快递走了一个星期还没到，太慢了": "delivery",
}
@pytest.fixture(scope="module")
def parsed() -> Dict[str, Dict[str, Any]]:
    """Every message above: what the NLU made of it."""
    agent = Agent.load(str(trained_model()))

    async def parse_all() -> Dict[str, Dict[str, Any]]:
        return {text: await agent.parse_message(text) for text in {**CATEGORY_HEARD, **SHORT_HEARD}}

    return asyncio.run(parse_all())


@pytest.mark.parametrize("text, category", CATEGORY_HEARD.items())
def test_a_narrative_complaint_is_heard_in_the_category_it_dwells_on(parsed, text, category):
    assert heard_category(parsed[text]) == category, (parsed[text]["intent"], parsed[text]["entities"])


@pytest.mark.parametrize("text, category", SHORT_HEARD.items())
def test_a_short_complaint_keeps_the_category_it_names(parsed, text, category):
    assert heard_category(parsed[text]) == category, (parsed[text]["intent"], parsed[text]["entities"])
