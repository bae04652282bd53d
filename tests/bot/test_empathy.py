"""The cue rules of data/empathy.yml: the situation a customer describes, and whether someone is
already hurt. Examples written by the team, not taken from the dev set."""
from pathlib import Path

import pytest
import yaml

from bot.datafiles import ConfigError
from bot.empathy import load_empathy_rules

RULES = load_empathy_rules()
DOMAIN = yaml.safe_load((Path(__file__).resolve().parents[2] / "domain.yml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("text, situation", [
    ("外卖送到的时候汤全洒了，袋子里都是油", "spilled_food"),
    ("点的麻辣烫送来一半汤都漏出来了", "spilled_food"),
    ("奶茶撒了一半，杯子外面黏糊糊的", "spilled_food"),
    ("面包打开就发霉了", "unclean_food"),
    ("菜里吃出一根头发", "unclean_food"),
    ("寄来的红枣不新鲜了", "spoiled_food"),
    ("快递盒子被压扁了，里面的杯子碎了", "damaged_parcel"),
    ("拆开一看屏幕就是裂的", "damaged_parcel"),
    ("我买的是白色的，你们发错成黑色了", "wrong_item"),
    ("退款申请了十天了还没到账", "refund_stuck"),
    ("物流显示已签收，可是我根本没有收到", "lost_parcel"),
    ("快递一个星期了还没到", "late_delivery"),
    ("物流三天都没更新了", "late_delivery"),
    ("你们店员态度特别差，还翻白眼", "rude_staff"),
    ("客服直接挂我电话", "rude_staff"),
    ("同一笔订单扣了两次钱", "wrong_charge"),
    ("结账的价格和标价不一样，多算了我二十块", "wrong_charge"),
    ("蓝牙耳机才用三天左耳就没声音了", "defect"),
    ("跑鞋穿了两次就开胶了", "defect"),
    ("我買的外套拉鍊壞了", "defect"),  # Traditional
])
def test_the_situation_is_read_from_what_happened(text, situation):
    found = RULES.situation_of(text)
    assert found is not None and found.name == situation, text


@pytest.mark.parametrize("text", [
    "浴室的花洒一直不出水",              # a shower head, no food
    "这个作者写得真洒脱",
    "会员卡过期了，积分也清零了",        # expired, but no food
    "房间枕头上有好几根头发",
    "看完这本书心里酸了好久",
    "包装完好，没有压坏",                # denied
    "麻烦包装结实一点，别压碎了",        # a warning
    "要是路上摔坏了怎么办",              # imagined
    "办入住时在前台等了半天",            # a wait, not a delivery
    "楼下的店长人太坏了",
    "买十包还不送赠品吗",
    "搬了一天家，累坏了",                # a feeling, not a product
    "这款有优惠没有",                    # a question
    "每样东西都有价签，很清楚",
    "这次不要再发错了哦",
    "前台说我的信用卡不能用",
    "这本书教人怎么增加收纳空间",
    "房间的衣柜门破损了也没人修",        # a room's wear, no parcel
    "电视机没有信号",                    # a television, no network
    "房间里没网线，要自己带",
    "听说这款手机信号差，是真的吗",      # hearsay
    "看评价说你家包装容易压碎",
    "要是 wifi 连不上 该怎么办",          # a space beside a Latin word is spacing: still imagined
])
def test_a_cue_that_tells_something_else_names_no_situation(text):
    """A wrong situation is worse than none: "饭菜洒了" to a broken shower head shows nobody read it."""
    assert RULES.situation_of(text) is None, text


@pytest.mark.parametrize("text, situation", [
    ("包装没破，可是里面的杯子碎了", "damaged_parcel"),   # the denied cue does not hide the next
    ("盒子还没拆，从外面就摸到好多碎的", "damaged_parcel"),
    ("没关系，少发的那件什么时候补", "wrong_item"),       # 没关系 denies nothing
    ("骑手不小心把汤洒了", "spilled_food"),               # 不小心 happened
    ("快递还没到，万一明天也到不了我就退款", "late_delivery"),  # the condition comes after
    ("这批核桃本来就不新鲜", "spoiled_food"),
    ("外卖盒子漏了一袋子油", "spilled_food"),
    ("退房晚了一会儿，前台另外加收了一百块", "wrong_charge"),
    ("快递送来的时候外箱就破损了", "worn_parcel"),
    ("家里宽带断了三天了", "service_outage"),
    ("手机在家里一点信号都没有", "service_outage"),
    ("WiFi老是连不上，路由器也重启过了", "service_outage"),
    ("话费明明交了，怎么还是停机了", "service_outage"),
    ("担心的事还是发生了：汤里吃出一只苍蝇", "unclean_food"),  # the worry ends at the colon
    ("如果早知道就不订了 房间的宽带一直断线", "service_outage"),  # a space between phrases is a pause
])
def test_a_situation_told_beside_a_look_alike(text, situation):
    found = RULES.situation_of(text)
    assert found is not None and found.name == situation, text


def test_the_more_specific_situation_wins_when_two_fit():
    """Spilled soup from a late delivery is about the soup (the order in empathy.yml)."""
    assert RULES.situation_of("外卖迟到了一个小时，汤还洒了").name == "spilled_food"


def test_no_situation_for_a_message_without_cues():
    assert RULES.situation_of("我要投诉") is None
    assert RULES.empathy_response("我要投诉", "calm") == "utter_empathy_calm"


def test_the_response_depends_on_situation_and_anger():
    assert RULES.empathy_response("汤洒了一袋子", "calm") == "utter_empathy_spilled_food"
    assert RULES.empathy_response("汤洒了一袋子", "upset") == "utter_empathy_spilled_food_upset"
    # No angry wording for a situation: the strongest general apology.
    assert RULES.empathy_response("汤洒了一袋子", "angry") == "utter_empathy_angry"


@pytest.mark.parametrize("text", [
    "吃了你们家的外卖，全家食物中毒，现在都在医院",
    "孩子喝了以后已经吐了两次",
    "拆包装的时候孩子被划伤了手",
    "充电器冒火花，我的手被烫伤了",
    "吃完上吐下泻，昨晚去看了医生",
    "老人吃完过敏了，起了一身疹子",
    "孩子被划伤了，现在怎么办",     # asking what to do once hurt
    "水壶没有自动断电，烫到手了",
    "吃完晚饭拉了一夜肚子",
    "睡了一晚起来身上全是红疹",
    "屋里的油漆味熏得人头疼",
    "孩子把玩具里的纽扣电池吞下去了，怎么办",   # swallowed: a doctor now
    "宝宝误食了干燥剂",
    "鱼刺卡在喉咙里了，你们的鱼片怎么还有刺",
])
def test_someone_already_hurt(text):
    assert RULES.someone_hurt(text), text
    assert RULES.safety_response(text) == "utter_handoff_safety_hurt"


@pytest.mark.parametrize("text", [
    "电热水壶底座一插电就冒烟，吓死人了",
    "插座一直漏电，还好没人受伤",
    "玩具的边特别锋利，差点划伤孩子",
    "这个零食里有碎玻璃，万一孩子吃了受伤怎么办",
    "吹风机用着用着冒火星",
    "茶刀这么锋利，会不会扎到手",
    "充电器用一会儿就烫手，太吓人了",       # too hot to touch: a risk, nobody burnt yet
    "零件这么小，孩子差点吞下去",
    "万一孩子误食了怎么办",
])
def test_a_risk_with_nobody_hurt_yet(text):
    assert not RULES.someone_hurt(text), text
    assert RULES.safety_response(text) == "utter_handoff_safety"


@pytest.mark.parametrize("text", [
    "商场门口有一截电线裸露着，小孩子跑来跑去",
    "酒店房门锁不上，晚上都不敢睡",
    "卫生间地面太滑了，老人差点摔倒",
    "小区门口的井盖没了，晚上很危险",
    "吃完早饭回到房间。发现有陌生人开过我的房门",   # a meal in another sentence
])
def test_a_hazard_in_a_place(text):
    assert RULES.safety_response(text) == "utter_handoff_safety_place", text


@pytest.mark.parametrize("text", [
    "充电器插在插座上冒烟了",             # something bought, in a socket
    "早餐吃出了虫子。电梯也很慢",         # a lift that is slow is no hazard
])
def test_a_risk_from_something_bought_is_not_a_place(text):
    assert RULES.safety_response(text) == "utter_handoff_safety", text


def test_every_response_named_exists_in_the_domain():
    named = {RULES.hurt_response, RULES.risk_response, RULES.place_response}
    named |= {response for s in RULES.situations for response in s.responses.values()}
    assert named <= set(DOMAIN["responses"])


def test_a_broken_cue_names_the_entry(tmp_path):
    broken = tmp_path / "empathy.yml"
    broken.write_text("situations:\n  spilled_food:\n    cues: ['洒(']\n    calm: utter_x\n"
                      "safety: {hurt: [伤], negation: [没], window: 3, hypothetical: [万一], hurt_response: utter_a,"
                      " risk_response: utter_b}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"situations\.spilled_food\.cues"):
        load_empathy_rules(broken)


def test_the_handoff_response_fits_a_safety_story_and_names_other_reasons():
    assert RULES.handoff_response("safety", "全家吃完都进了医院") == "utter_handoff_safety_hurt"
    assert RULES.handoff_response("safety", "插头冒烟了") == "utter_handoff_safety"
    assert RULES.handoff_response("threat", "孩子被划伤了，我要去12315") == "utter_handoff_threat"
