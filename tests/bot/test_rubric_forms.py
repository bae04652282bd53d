"""Forms the dev set's rubric names (docs/devset.md, "Reasons to go to a person"), told in sentences
we wrote to probe the escalation rules (issue 14; docs/devset.md "The rubric's own forms, probed"):
a brush-off said to "us", a part of the remedy offered, a promise long overdue, an instruction given
before and ignored; the police called ("报了警") and a regulator's number asked for; a lock that a
push opens; food found gone off after eating it. Each kind next to the look-alikes it must leave:
a request refused once, a call to book, a question about spoilage before buying, a courier asked
to phone. The complaint intent is given, so the words decide, whatever the NLU reads."""
from __future__ import annotations

import pytest

from tests.auxil.escalation import first_message_reasons as reasons


# --- repeated: raised before, and brushed off or still not done ------------------------------

@pytest.mark.parametrize("text", [
    "找服务员换床单，她说没有多余的了，让我们将就一下。",
    "跟他们交涉了半天，最后只肯退一半。",
    "服务员说已经报修了，可我们住了三天热水一直没好。",
    "上周就申请了换货，商家一直拖着不处理。",
    "退货都寄回去一个礼拜了，钱还没退，问客服就说等等。",
    "说好的三天内退款，现在都过去十天了。",
    "说好三天内发货，现在已经第五天了",
    "我昨天就跟你们说了地址写错了，今天还是发到旧地址去了。",
    "之前就告诉过你们不要放驿站，又放驿站了",
    "我早就跟客服说了要发顺丰，结果还是发了圆通",
    # the second probe, in a review's voice
    "空调不制冷，给前台打电话，来了个师傅看了一眼说没问题，走了以后还是热得要命。",
    "入住时说了要无烟房，结果给的房间烟味很重，要求换房，前台说没有无烟房了。",
    "洗澡没有热水，前台说这个时间段热水就是不够，让我们晚上再洗。",
    "窗外施工太吵，找前台换房，前台说所有房间都一样。",
    "笔记本的屏幕有坏点，找商家换，商家说三个以内不算质量问题。",
    "键盘有个键失灵，联系售后，让我自己寄到北京去修，运费自理。",
    "书的封面破了，要求换一本，卖家说库存没有了，只能退款。",
    "预订的是大床房，到了却说只有标间，前台说是网站的错，跟他们没关系。",
    "送餐送错了，打电话说了，对方说重新做要等一个小时。",
    "床单上有污渍，让服务员换，服务员说刚换过的，不可能脏。",
    "退房时发现多收了一晚的钱，前台坚持说系统显示就是这样。",
    "浴室漏水，给客房中心打了电话，接电话的人说明天再说。",
    "房间暖气不热，前台送来一个小电暖器就算完事了。",
    "电脑买回来就死机，打售后电话，让我重装系统试试，装了还是死机。",
])
def test_a_contact_brushed_off_is_a_repeat(config, text):
    assert "repeated" in reasons(text, config, "complain_general", 0.9)


@pytest.mark.parametrize("text", [
    "申请退款被拒绝了。",                        # refused once: the rubric's "退款申请被驳回了"
    "给酒店打电话订房，接电话的小姐很不耐烦。",  # a call to book, no problem raised
    "已经告诉你们了，还是发顺丰吧",              # the instruction repeated, nothing went wrong
    "答应三天内给答复，今天才第二天，不急",      # a promise not yet due
    "以后买东西对商家要多留个心眼，降价也不提醒。",  # 对…要: a resolve, not a request to the shop
    "跟服务员要了一床被子，送来的却是旧的。",       # an item asked for: tune labels no repeat
    "空调有点响，跟前台提了一句，马上给换了房间，服务很好。",
    "房间的遥控器没电了，找前台要电池，五分钟就送来了。",
    "电脑用了两年了，第一次出问题，送去修了三天就好了。",
])
def test_no_earlier_complaint_brushed_off_is_no_repeat(config, text):
    assert "repeated" not in reasons(text, config, "complain_general", 0.9)


@pytest.mark.parametrize("text", ["申请退款被拒绝了两次", "又申请退款被拒绝了"])
def test_refused_again_is_still_a_repeat(config, text):
    assert "repeated" in reasons(text, config, "complain_refund_return", 0.9)


# --- threat: the police called, a regulator's number asked for --------------------------------

@pytest.mark.parametrize("text", ["东西在房间里被偷了，当场就报了警。", "你们的上级主管部门电话是多少？"])
def test_the_police_called_and_a_regulator_asked_for_are_threats(config, text):
    assert "threat" in reasons(text, config, "complain_other", 0.9)


@pytest.mark.parametrize("text", ["我朋友是律师，会帮我起诉你们", "前台说如果丢了东西可以报警，结果我真丢了，报了警"])
def test_a_lawyer_friend_who_will_sue_and_the_police_called_after_advice_are_threats(config, text):
    assert "threat" in reasons(text, config, "complain_other", 0.9)


@pytest.mark.parametrize("text", ["酒店当场帮我们报了警，处理得还算及时。", "隔壁房间吵架，后来有客人报了警。",
                                  "同行的朋友是律师，他说这种情况见得多了。",
                                  "前台说如果丢了东西可以报警，他们会配合调监控。"])
def test_the_police_called_by_others_is_no_threat(config, text):
    assert "threat" not in reasons(text, config, "complain_other", 0.9)


# --- safety: a lock that does not hold, food found gone off after eating, a scald or a prick told
# with 了 or by the skin, bare copper ------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "房间门锁是坏的，从外面一推就开了",
    "房卡刷别人的房间也能开，太吓人了。",
    "吃完才发现发霉了",
    "吃着有哈喇味",
    "吃了两颗才发现是坏的",
    "打开是坏的，我儿子已经吃了两颗",
    "发现长毛了，已经吃了半包",
    "核桃里面全是虫，还吃了一个",
    "花生有虫",
    "房间的门锁是坏的，只能从里面用椅子顶着睡。",
    "前台把我们房间的卡也给了别人，半夜有个陌生男人刷卡进来了。",
    "淋浴的水忽冷忽热，一下子烫得我跳起来，皮都红了。",
    "书的包装里面夹着一根针，拆的时候扎了手。",
    "床头的灯线外皮破了，铜丝都露出来了。",
])
def test_an_unsafe_lock_and_spoiled_food_eaten_are_safety(config, text):
    assert "safety" in reasons(text, config, "complain_quality", 0.9)


@pytest.mark.parametrize("text", [
    "卫生间的门一推就开",                 # a door inside the room
    "我的房卡打不开房门",                 # a card that fails: quality
    "吃了一顿饭，回房间闻到一股霉味",       # the room's smell, not the food
    "吃了饭才发现手机坏了",
    "吃了一个亏才知道手机是坏的",
    "屏幕坏了，我都吃了一个月的土",
    "核桃有没有长毛的",                   # asked before buying (the rubric's "不会过期吧")
    "坚果是新鲜的吗，不会变质吧",
    "光驱读碟时声音很大，像要爆炸一样。", # a noise likened to an explosion
    "发票上要写食品安全吗",               # a word on the invoice
    "楼下有家医院，半夜救护车的声音有点吵。",  # an ambulance heard, no one hurt
    "服务员开门进来打扫",                 # the staff, not a stranger
    "水太烫了，烫得不敢洗",               # hot, no skin hurt
])
def test_look_alikes_of_unsafe_locks_and_spoiled_food_are_not_safety(config, text):
    assert "safety" not in reasons(text, config, "complain_quality", 0.9)


def test_heat_likened_to_an_explosion_is_still_safety(config):
    assert "safety" in reasons("充电器烫得像要爆炸一样", config, "complain_quality", 0.9)


# --- what a book or a film is about: the topic, not harm to the reader nor a threat (2026-12-07) --

@pytest.mark.parametrize("text, reason", [
    ("这本育儿书讲宝宝过敏怎么办，内容一般", "safety"),
    ("光盘里的电影讲的是一场火灾，画质还可以", "safety"),
    ("讲法律常识的书，教你怎么去消协投诉，挺有用", "threat"),
    ("這本育兒書講寶寶過敏怎麼辦，內容一般", "safety"),
])
def test_a_book_or_a_film_about_harm_or_complaints_is_its_topic(config, text, reason):
    assert reason not in reasons(text, config, "complain_quality", 0.9)


@pytest.mark.parametrize("text, reason", [
    ("书的油墨味太重，宝宝看了过敏起疹子", "safety"),
    ("DVD放进电脑后电脑冒烟了，吓死我了", "safety"),
    ("收到的书被水泡过，客服不管，我要去消协投诉", "threat"),
])
def test_harm_from_the_copy_or_a_complaint_about_it_still_counts(config, text, reason):
    assert reason in reasons(text, config, "complain_quality", 0.9)


# --- human_request: told to go to the manager, the courier asked to phone ----------------------

@pytest.mark.parametrize("text", [
    "前台让我们自己去找经理。",
    "让快递员送之前给我打个电话",
    "麻烦提醒快递小哥打电话给收件人",
    "麻烦叫他们给收货人打个电话",
])
def test_instructions_to_others_are_no_request_for_a_person(config, text):
    assert "human_request" not in reasons(text, config, "request_human", 0.9)


@pytest.mark.parametrize("text", ["请你们经理给我打个电话", "让你们经理给我打个电话"])
def test_the_manager_asked_to_phone_is_still_a_request(config, text):
    assert "human_request" in reasons(text, config, "request_human", 0.9)


# --- Traditional input: the lexicons read it as Simplified ---------------------------------------

@pytest.mark.parametrize("text, reason", [
    ("吃完才發現發霉了", "safety"),
    ("東西在房間裡被偷了，當場就報了警。", "threat"),
    ("我昨天就跟你們說了地址寫錯了，今天還是發到舊地址去了。", "repeated"),
])
def test_the_new_forms_in_traditional_characters(config, text, reason):
    assert reason in reasons(text, config, "complain_general", 0.9)


def test_a_refusal_once_in_traditional_characters_is_no_repeat(config):
    assert "repeated" not in reasons("申請退款被拒絕了。", config, "complain_refund_return", 0.9)
