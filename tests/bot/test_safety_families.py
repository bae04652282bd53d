"""Safety as families, not phrases (issue 14; docs/devset.md): harm to a body (a symptom or a
wound and what caused it), hazards (electric, fire, heat, sharp, falling, exposed equipment) and
contaminated food (a foreign object, an insect, hair or spoilage and a food word), in the
registers real customers use: takeaway reviews, e-commerce chats, electronics, Weibo posts @-ing
a brand, Traditional Chinese from Taiwan and Hong Kong. Each near-miss of the rubric stays with
the assistant. The pattern layer alone (the NLU missed it or said something else); examples
written by the team, never copied from the dev set."""
from __future__ import annotations

import pytest

from tests.auxil.escalation import first_message_reasons as reasons


HAZARDS = {
    "a foreign object or an insect in food": [
        "点的麻辣烫里吃出一团钢丝球的丝",
        "外卖打开一看，里面有一根长头发",
        "炒米粉里有好几颗小沙子，嚼起来咯吱响",
        "拿铁喝到一半喝出一只蚂蚁",
        "@某某外卖 你们商家的炸鸡里有根铁丝，我儿子差点吞下去",
        "吃到一半才发现菜底下压着半只蟑螂",
        "罗宋汤上面浮着一只死飞蛾",
        "便當裡吃到一隻蟑螂，超噁心",                              # Taiwan
        "個飯盒入面有條頭髮",                                      # Hong Kong
    ],
    "spoiled, expired or raw food": [
        "沙拉吃了两口才发现生菜都烂了，一股酸臭味",
        "超市买的吐司已经过了保质期",
        "亲，收到的牛排闻着发酸，应该是坏了",
        "直播间买的卤味是坏的，一打开就有味",
        "炸鸡块里面还是生的，带着血丝",
        "你们店怎么还卖过期食品",
        "飲料過期了還在賣，我兒子喝了肚子痛",                      # Traditional
    ],
    "ill after eating": [
        "中午点的你们家外卖，下午就开始闹肚子",
        "吃完烤串回去跑了一晚上厕所",
        "孩子喝了这款奶粉以后一直拉稀",
        "吃完你们的凉面得了急性肠胃炎",
        "昨晚那份水煮鱼吃完，全家吐了一夜",
        "食咗你哋嘅燒鵝之後屙咗成晚",                              # Cantonese
    ],
    "a phone, battery or charger that overheats or bursts": [
        "手机一边充电一边烫得要命，后壳都鼓起来了",
        "新买的充电宝用了两次就鼓起来了",
        "手机刷着视频突然砰的一声炸了",
        "充電線接頭燒融了，差點起火",                              # Traditional
        "平板充电时过热，屋里一股焦糊味",
        "笔记本电池鼓包突出来了，触控板都顶起来了",
        "充电器插在插座上直接烧黑了",
        "手機充電時燙到不敢碰",                                    # Traditional
    ],
    "a sharp product that cut or can cut a child": [
        "给孩子买的玩具车边缘太锋利，把女儿的手指割了个口子",
        "儿童餐椅有块铁皮翘起来，孩子腿上刮出一道血痕",
        "这套拼插积木边角很锋利，小朋友玩的时候容易划手",
        "保温杯盖子有一圈毛刺，喝水把嘴唇划破了",
    ],
    "exposed or falling equipment in public": [
        "小区里的配电箱门一直开着，里面的线都露在外面",
        "地铁站的扶梯少了一块踏板，下面的齿轮都露出来了",
        "商场的吊灯掉下来了，就砸在我们旁边",
        "公园的健身器材扶手松了，一抓就晃",
        "工地旁边的人行道没有围挡，晚上根本看不见",
        "路边一根电线垂到地上，一直没人管",
    ],
    "burns and scalds": [
        "被服务员端上来的开水烫了一下，手背红了一片",
        "热汤洒到孩子胳膊上，烫得起了泡",
    ],
    "falls": [
        "酒店门口的台阶结冰了，我妈跌了一跤",
        "楼梯灯坏了，我一脚踩空",
    ],
    "a cold from the room that needed medicine": [
        "房间暖气不热，冻感冒了，还得自己去药店买药",
    ],
    "fumes, shocks, bites": [
        "楼道里一股刺鼻的油漆味，闻了以后喉咙疼",
        "新装修的房间甲醛味重，孩子一直咳嗽",
        "淋浴的花洒摸上去有电",
        "燃氣灶關了還是一股瓦斯味",                                # Taiwan
        "床单不干净，睡了一晚浑身痒，起了好多小红点",
        "新沙发的胶味太冲，一家人都头疼",
    ],
    "Taiwan and Hong Kong words for harm": [
        "插座走火，整面牆都黑了",                                  # Taiwan: an electrical fire
        "呢個暖爐整親我個仔",                                      # Hong Kong: hurt my son
        "我阿爺喺你哋門口跌親",                                    # Hong Kong: fell and got hurt
        "食到肚痛，成晚瞓唔到",                                    # Hong Kong
        "電熱毯燒咗個洞",
        "我阿媽食完即刻要送院",
    ],
    "a child's product": [
        "宝宝用了你们的纸尿裤屁股红肿",
    ],
    "a laptop hot enough to burn, not only warm": [
        "玩了一会游戏，掌托烫伤了我的手腕",
    ],
    "a hotel room that cannot be locked or that others walk into": [
        "洗完澡才发现房门根本锁不上，一晚上没敢睡",
        "卫生间的门不能反锁，外面谁都能推开",
        "隔壁客人的房卡居然能打开我的房门",
        "夜里一个陌生男人刷卡闯进我们房间",
        "酒店后门晚上也不上锁，什么人都能上楼",
        "这种人身安全都得不到保障的酒店谁敢住",
    ],
    "sockets, wiring and heaters that are a hazard": [
        "床头的插座整个掉在外面，里面的线都看得到",
        "浴室插座就在花洒正下方，感觉很不安全",
        "电热水器漏水，插头还泡在水里，太危险了",
        "开水壶烧干了还不断电，一屋子都是塑料味",
        "电源适配器烫的厉害，手都不敢放上去",
        "这个适配器发热量惊人，放床上怕出事",
    ],
    "slippery floors, windows and things falling from above": [
        "淋浴间地砖特滑，一点防滑措施都没有",
        "洗完澡地上很滑，孩子进去差点滑倒",
        "窗台很矮，小孩一不小心就会翻出去",
        "楼上扔下一个啤酒瓶，差点砸中我儿子",
        "热水忽然变成开水一样烫，差点烫伤",
    ],
    "shut in a lift, spots on the skin, fumes, a spoiled drink, a cut from paper": [
        "电梯坏在半路，我们被关在电梯里半个小时",
        "電梯停電，我們一家被困在電梯裡",                          # Traditional
        "住了两晚，孩子背上长出好多红疙瘩",
        "回家好几天了，腿上的小红点还是没消",
        "房间甲醛含量严重超标，住一晚喉咙就疼",
        "刚装修完就开门营业，那气味想毒死人吗",
        "酒店推荐的米酒端上来是馊的",
        "绘本的纸边太锋利，儿子翻页时被纸弄破了手",
    ],
    "diarrhoea counted, smoke or a smell in the throat or the head": [
        "在自助餐厅吃了顿午饭，下午拉了四次肚子",
        "楼下厨房的油烟飘上来，老人咳个不停",
        "地毯胶水的味道特别冲，睡了一晚嗓子疼",
        "一直咳嗽，后来才发现房间的烟味太重",
        "屋里的气味让我头晕",
    ],
    "knocks, cuts and scalds told body first": [
        "半夜摸黑去卫生间，额头撞到了门框",
        "小腿在浴缸边上碰伤了",
        "脚被床底下的图钉扎了",
        "淋浴的水一下子变烫，把女儿烫哭了",
    ],
    "bites from the bed, lumps all over, glass in pieces": [
        "睡到半夜被床上的什么东西咬了好几口",
        "住了两天，孩子满身都是红包",
        "浴室的玻璃门突然爆裂，碎片溅了一地",
        "打碎的杯子没人收拾，地上满地都是碎玻璃",
    ],
    "someone else's card, a thief in the room, a rubber band in food": [
        "隔壁的人拿着房卡把我们的门打开了",
        "有个男的用他的门卡刷开了我的房门",
        "凌晨有小偷溜进了我们房间",
        "炒饭里有一截橡皮筋",
    ],
    "sour milk, small lumps, tears from fumes, a mirror or a fan about to fall, a puff of smoke": [
        "豆浆是酸的，喝完胃就不舒服",
        "退房回家后浑身起小疙瘩",
        "走廊的油漆味呛得我眼泪直流",
        "卫生间墙上的镜子整块掉下来了",
        "吊扇转起来晃得厉害，感觉随时会掉下来",
        "电脑充着电突然冒了一股烟",
    ],
    "fire exits blocked, loose sockets, the door opened in the night": [
        "消防通道里堆满了杂物，根本走不过去",
        "床头的插座安装不稳，一拔插头就跟着出来",
        "凌晨两点有人刷卡打开了我的房门",
    ],
}

NEAR_MISSES = {
    "a cockroach, hair or a mosquito in the room": [
        "房间里有蟑螂，晚上不敢关灯",
        "卫生间的地漏旁边有好多头发",
        "房間有隻蚊子，整晚嗡嗡叫",
    ],
    "flies over the buffet": [
        "自助餐的区域苍蝇乱飞",
        "早餐台上总有苍蝇停在面包上，看着就没胃口",
    ],
    "a mouldy smell": [
        "房间一股霉味，开窗也散不掉",
    ],
    "a laptop warm under the palms": [
        "笔记本用久了掌托有点烫",
        "玩游戏时键盘左边发烫，散热一般",
    ],
    "a fever not put down to us, the hospital as a place": [
        "孩子晚上有点发烧，不一定是空调吹的",
        "酒店离市第一医院很近",
    ],
    "danger to a parcel, a swipe, a dropped phone": [
        "京东的包装太简单了，这样很危险",
        "手指划一下屏幕就解锁了",
        "用手划开屏幕就能看到通知",
        "手机摔在地上，屏幕碎了",
        "我摔了一下手机，屏幕就花了",
    ],
    "a takeaway that is only badly packed": [
        "外卖的汤洒了半袋子",
        "外卖没给纸巾和筷子",
        "外卖盒是塑料的，不环保",
        "外卖袋子上有头发丝那样细的划痕",
    ],
    "annoyance, not a body": [
        "这本书的内容看得我头疼",
        "菜很难吃，服务员态度让人头疼",
        "吸尘器的声音让人头疼",
        "床太硬了，只好咬牙睡了一晚",
        "卫生间在外面，晚上跑厕所很不方便",
    ],
    "a figure of speech in Traditional, a burn that is only wear": [
        "這個遊戲讓人走火入魔",
        "地毯上烟头烧了好几个洞，看着就旧",
    ],
    "power that is only power": [
        "冰箱插上有电但是不制冷",
        "电动车还有电，就是骑不快",
        "桌子腿有点松动",
    ],
    "sharp words, not sharp edges": [
        "这本书语言锋利，适合给孩子看",
        "产后刀口还疼，宝宝也一直哭",
    ],
    "hygiene, wear and tempers, not harm": [
        "饭店门口有只老鼠窜过去",
        "床单上有血印，明显没换",
        "衣服线头露出来好多",
        "她摔了电话就走了",
    ],
    "figures of speech": [
        "前台那副嘴脸看了真让人想呕吐",
        "小户型的房间真的小到窒息",
        "我现在对这家的客服都过敏了",
        "新买的笔记本一上网就中毒，只好重装",
        "剧情乱七八糟，看得人头晕",
        "这个价位性价比简直爆炸",
    ],
    "a cold with no doctor or medicine, nearly a cold": [
        "空调一直吹冷风，差点把我冻感冒",
        "暖气不热，早上起来冻得有点发烧",
    ],
    "a fire that did not happen, first aid for a computer": [
        "只要能保证入住期间不会发生火灾，别的都无所谓",
        "新电脑开机就蓝屏，系统需要急救",
    ],
    "an adapter said not to be hot, locks and doors that are only awkward": [
        "电源适配器倒不是网上说的那么烫，还行",
        "房门有点紧，每次都要用力才能关上",
        "门卡老是刷不开，跑了两趟前台",
    ],
    "a fever or a cold with no doctor or medicine, whoever is blamed": [
        "那天我正好发烧，前台的小姑娘给我倒了杯热水",
        "空调坏了，结果第二天我就感冒了",
        "孩子住了一晚就发烧了",
    ],
    "anger, disgust and confusion; a used towel or cup; staff with the key": [
        "前台的态度气得我吐血",
        "那服务态度真让人恶心",
        "门口的路绕来绕去，找得我头都晕了",
        "毛巾上有一块血渍，不知道谁用过",
        "茶杯里还有上一位客人的茶垢",
        "服务员没敲门就拿房卡开门进来打扫",
    ],
    "a story's doctor, a writer called rotten, bruised fruit": [
        "讲了三个故事，有一个是小熊去看医生",
        "收到的橙子有好几个碰伤了",
        "眼镜框戴了一个月就断了",
        "一个骨子里都馊了的人写的东西",
    ],
    "safety praised, or the safety of a screen or a parcel": [
        "楼道要刷卡才能进，安全很有保障",
        "屏幕没有锁扣，合上盖子感觉不安全",
        "酒店承诺保证每位客人的人身安全",
    ],
}


@pytest.mark.parametrize("family, text", [
    pytest.param(family, text, id=f"{family}-{text}")
    for family, texts in HAZARDS.items() for text in texts])
def test_each_family_of_harm_goes_to_a_person(config, family, text):
    assert "safety" in reasons(text, config)


@pytest.mark.parametrize("family, text", [
    pytest.param(family, text, id=f"{family}-{text}")
    for family, texts in NEAR_MISSES.items() for text in texts])
def test_the_rubrics_near_misses_stay_with_the_assistant(config, family, text):
    assert "safety" not in reasons(text, config)


@pytest.mark.parametrize("text", [
    "房间里有蟑螂，晚上不敢关灯",
    "房间一股霉味，开窗也散不掉",
    "笔记本用久了掌托有点烫",
    "新电池装上去后面突出来一截",
])
def test_a_near_miss_overrules_the_nlus_safety_intent(config, text):
    """The NLU may say report_safety on a look-alike; the lexicon's near-miss sets it aside."""
    assert "safety" not in reasons(text, config, intent="report_safety")


def test_bites_from_the_bed_still_count_beside_an_insect_in_the_room(config):
    assert "safety" in reasons("床上有虫子，一晚上被咬了一身包", config)
