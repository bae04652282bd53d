"""Escalation rules on the families of expressions real reviews use (docs/devset.md): a word of a
threat, a hazard or a repeat is often something else in context — a book about the media, a
laptop's scratched paint, a story read to a child three times. Examples written by the team, in
the register of the dev set's families, never copied from it; the pattern layer alone
(intent=None: the NLU missed it or said something else)."""
from __future__ import annotations

import pytest

from tests.auxil.escalation import first_message_reasons as reasons


# --- threat: a body or the media as the customer's recourse, not as a topic --------------------

THREATS = {
    "turns to the media": [
        "实在没办法了，只能去找电视台帮忙",
        "我已经联系了晚报的记者，明天就来",
        "我同学就在日报社，这事我会跟他说",
        "這件事我會請媒體來評評理",                                   # Traditional
    ],
    "goes to a regulator": [
        "发票的事我已经打到旅游局了",
        "房价和挂牌不符，我会去物价局反映",
        "这台笔记本我要送到质检所去鉴定",
        "我会向当地有关部门反映你们的做法",
        "合约期内乱改套餐，我已经在省通信管理局网站上申诉了",    # telecom's regulator
        "你們亂扣月租費，我要去通傳會檢舉",                          # Taiwan's (NCC)
    ],
    "goes to the police about this": [
        "行李箱在大堂被人拿走了，我已经叫了警察",
        "房间里的现金没了，派出所的民警已经来做了笔录",
        "房间的电脑被偷了，我已经报警了",
        "你们再不给说法我就报警",
        "寄存的行李少了一件，前台说不归他们管，我只好打了110",
    ],
    "goes to court by its official name": [
        "押金再拖着不退，我只能走司法途径了",
        "合同写得清清楚楚，你们不认的话咱们就走司法程序",
    ],
    "exposes us online, 大众点评 included": [
        "这家店的事我已经发到论坛上了",
        "我在大众点评上把你们怎么对我的都写出来了",
    ],
    "puts it online or tells the public on a platform (docs/devset.md, leftover forms)": [
        "你们不给个说法，我就把聊天截图放上网",
        "这种黑心店我一定挂上网让人看看",
        "等我有空去小红书上说说你们这家的做法",
        "明天我就在抖音上讲讲你们怎么糊弄顾客的",
        "退款的事不解决，我去微博上吐槽你们",
    ],
    "goes to customs about goods": [
        "你们卖的水货我要向海关举报",
        "这批进口奶粉来路不明，我会去海关反映",
        "假冒的进口表，我已经投诉到海关了",
        "卖假货这事我已经跟海关说了",
    ],
}

NOT_THREATS = {
    "a bad review where the customer bought or booked (decided 2026-12-06, docs/devset.md)": [
        "再这样拖着不发货，我就去淘宝给差评",
        "房间这么脏，退房后我在携程上给了个一星差评",
        "不给换我就去美团打差评",
        "你们要是不管，我只能在大众点评给你们家差评了",
        "不处理的话差评是肯定要给的，我去评价区写差评",
    ],
    "a parcel held at customs, the internet as a place": [
        "海淘的包裹在海关卡了半个月",
        "海关说这个包裹要补税才能放行",
        "物流显示已经到了海关，之后就再没更新",
        "上网速度太慢，视频都打不开",
        "在小红书上看到推荐才买的，结果质量一般",
    ],
    "the media as a topic": [
        "这本书被媒体炒得太热了，看完觉得一般",
        "酒店离省电视台很近，出门就是公交站",
        "多媒体按键用起来挺顺手的",
        "听了电台的推荐才买的这套书",
        "老板总说要回报社会，书里全是空话",
    ],
    "a body as a topic": [
        "门口挂着旅游局评的四星牌子，实际很一般",
        "前台说税务部门还没给他们发票，所以开不了",
        "书里检察院的情节写得很假",
        "民事诉讼法的教材，排版还算清楚",
        "房价是物价局核定的，酒店说不能改",
    ],
    "the police in the story": [
        "来的路上被交警拦下来查了半天，耽误了入住",
        "半夜有人打电话自称公安局的，要我的身份证号",
        "入住时前台说接到公安局的通知要登记所有人的证件",
    ],
    "the police against someone else, or called by others": [
        "半夜有人一直敲门推销，我说再不走我就报警，他们才走",
        "那些推销的人赖着不走，被我喊了句报警才离开",
        "隔壁吵到凌晨，后来不知道哪位客人打了110",
        "我们丢了钱包，酒店第一时间报了警，还帮忙调了监控",
    ],
    "a lawyer in a story": [
        "小说讲的是一个律师的故事",
        "这本书的作者是个律师，写得很专业",
    ],
    "a court or a police station on the map, an errand, a job": [
        "酒店就在市法院旁边，很好找",
        "没带身份证，前台让我去派出所开证明",
        "我是律师，经常出差，这家酒店算是住过最差的",
        "楼下有人吵架，警察来了才散",
    ],
    "read or listed online": [
        "我在网上查了很多帖子，还是装不上驱动",
        "和挂在网上卖的图片不一样，颜色偏暗",
        "发现网络一直连不上，只能用手机热点",
        "让大家没事多读读这种书，挺有意思",
        "收到的是精装版，跟你们挂在网上那个简装版不一样",
        "建议出版社把配套的录音放到网上，方便读者下载",
    ],
    "the business's reply under a review, passed to its own departments": [
        "感谢您的宝贵意见，您反映的问题我们已转交相关部门处理",
        "酒店已经召集相关部门开会整改，欢迎再次光临",
        "住店期间如有任何问题，请与酒店相关部门联系",
    ],
    "the review itself, written on the booking platform": [
        "补充点评：早餐的品种比上次少了",
        "本人发的点评句句属实，酒店却要求删掉",
        "在点评里写出来，希望后面订房的人注意",
    ],
    "the law or a camera as a subject": [
        "这本书把民事诉讼理论讲得很透，适合法学学生",
        "摄像头的曝光不太准，室内拍出来发白",
    ],
    "the police called by the staff, or against a rowdy stranger": [
        "车在停车场被划了，保安说已经报警了",
        "半夜有醉汉在走廊大喊大叫，吵得人想打110",
    ],
}


# --- safety: harm to a body, not to an object, a feeling or a character ------------------------

SAFETY = {
    "fumes that choke": [
        "一进房间油漆味大得让人窒息，开窗也没用",
        "烟味太重了，熏得我头晕",
    ],
    "a wound on a body": [
        "行李箱的铁片把手指划了，伤口一直在流血",
        "包装里的钉子扎到孩子，脚底的伤口肿了",
    ],
    "sparks that fly": [
        "插上电源插座就冒火花，吓得我赶紧拔了",
    ],
    "an infection": [
        "用了酒店的毛巾，眼睛感染了，看了两天医生",
    ],
    "a product that can hurt": [
        "这个玻璃杯边缘很锋利，容易伤人",
        "水杯的边缘有个缺口，把嘴唇割破了",
    ],
    "something in the food, spoiled food, ill after eating": [
        "炒饭里吃出一只蟑螂，恶心到吐",
        "奶茶喝到一半发现杯底有只虫子",
        "买的面包长了绿毛，孩子已经吃了一口",
        "牛奶是过期的，喝完一家人都拉肚子",
        "汉堡里的肉是生的，吃完肚子疼了一晚上",
        "便當裡面有頭髮，還有一股酸臭味",                          # Traditional
        "飯菜是餿的，吃了一口就吐了",                              # Traditional
    ],
    "batteries and chargers": [
        "充电宝充着充着鼓起来了，还有股焦味",
        "充电器插上没多久就烫得不敢碰",
        "手機充電時突然爆了，差點燒到床單",                        # Traditional
    ],
    "a book that hurt someone, not its story": [
        "收到的书里夹着一片刀片，把手划破了",
        "给孩子买的绘本，边角太锋利，把孩子的手划破了",
    ],
    "a child, an allergy": [
        "孩子玩具上的小零件掉了，差点被他吞下去",
        "吃了你们的海鲜，全身起红疹，过敏了",
    ],
}

NOT_SAFETY = {
    "scratched goods": [
        "钢琴烤漆太娇气，容易刮伤",
        "笔记本外壳用了一周就磕伤了好几处",
    ],
    "things that carry power": [
        "房间里带电脑，出差很方便",
        "电池带电大概能用五个小时",
        "睡得正香被电话吵醒了",
        "在京东买东西第一次碰到麻烦",
    ],
    "feelings and stories": [
        "书写得很有感染力，一口气读完",
        "孩子被故事里的小熊感染了，天天学它说话",
        "情节乱七八糟，越看越头晕",
        "大堂灯光太暗，看得人头晕",
        "结局令人窒息，合上书半天回不过神",
        "看到最后哭得眼睛红肿",
        "这种话真的很伤人",
        "作者写的是心里的伤口，不是身体的",
        "男人来自火星那本也是这个作者写的",
        "读书时总能碰撞出思想的火花",
        "音质很好，适合发烧友",
    ],
    "a meal that is only disappointing": [
        "外卖味道一般，有点凉了",
        "包装破了但东西没事",
        "早餐的牛奶快过期了，不过还能喝",
    ],
    "the hospital as a place, an illness not put down to us": [
        "酒店离市人民医院很近，去医院看病方便",
        "我们是来这边医院看病的，住这里方便",
        "作者住院期间写了这本书，很感人",
        "书里写了很多人在战争中受伤流血",
        "这本书写的是一个女孩在战争中受伤后住院的故事，很感人",
        "读完这本书，才知道原来烧伤的病人要受这么多苦",
        "小说里那场火灾写得惊心动魄",
        "孩子晚上有点发烧，当然也不一定是空调吹的",
        "酒店位置偏僻，晚上一个人走很危险的感觉",
    ],
    "what might happen": [
        "房间没有窗户，万一碰上火灾都不知道往哪跑",
        "床太软了，睡上去像掉进坑里一样",
        "桌子太小，差点摔碎了杯子",
    ],
}


# --- repeated: raised with the business and brushed off, not any mention of the past -----------

REPEATS = {
    "raised and brushed off": [
        "跟前台抱怨房间有烟味，前台居然说每间都一样",
        "打到客房部要求换床单，一直没人接",
        "向客服反映了好几回，每次都说在处理，只会推托",
        "找大堂经理交涉，吵了一架才勉强给换了房",
        "問前台能不能換房，老是回答要等一下",                      # Traditional
        "给总台打电话说热水不热，根本无人理会",
        "催了服务员好几次，早餐还是没送来",
        "跟前台说了空调不制冷，结果没人管",
        "告诉服务员马桶堵了，等了一个小时才来人",
        "提出换房，前台态度很强硬，说满房了换不了",
        "要求退差价，客服说没办法，系统就是这样",
        "通知前台隔壁太吵，前台说管不了",
        "和卖家沟通了，卖家一口咬定是我摔坏的",
        "打电话到前台说没热水。前台说晚上十点以后就是没有热水。",
        "跟服務生反映過浴室漏水，他們說會處理，結果隔天還是一樣",   # Traditional
    ],
    "no answer, no fix, only a rule": [
        "向大堂经理说明情况后，他只说了一句这是规定",
        "打了客房服务的电话，说十分钟送到，一个小时后还没见到东西",
        "发邮件给客服，三天过去了一封回信都没有",
        "叫了维修工，来了两次都没修好",
        "在网上申请了退货，卖家一直不处理，拖了十几天",
        "我当时就打电话投诉了，到现在一个答复都没有",
    ],
    "told it is like that everywhere, blamed, fobbed off": [
        "告诉前台房间有烟味，他们说别的房间也都这样",
        "多收了一晚的房费，我当场指出来，收银员说系统就是这么算的",
        "床单上有污渍，让服务员换一床，拿来的那床也不干净",
        "我要求开发票，前台推三推四，说财务下班了",
        "空调漏水，叫了工程部的人来，他们拿块毛巾垫着就走了",
        "預訂的無煙房變成了吸煙房，問前台，回答說無煙房沒有了，愛住不住",   # Traditional
    ],
    "promised and not done": [
        "让服务员来修电视，答应马上来，到退房都没见人影",
        "前台答应给换一间安静的，最后也没换成",
        "宽带断了报修两回了，师傅到现在还没上门",
    ],
    "refused with an excuse, or told it is the customer's fault": [
        "让前台开张发票，前台以各种理由拒不开",
        "找店员要求换货，店员硬说是我自己弄坏的",
        "问了总台，总台竟说噪音不归他们管",
        "打电话去问，接线员没说两句就挂我电话",
    ],
    "no reaction, one sentence, the same answer": [
        "跟服务员说了枕头有股霉味，对方毫无反应",
        "和物业反应了好几天，没有任何回应",
        "打电话问物流，客服就一句话：等着吧",
        "问了几次，客服始终一个答复：正在排查",
        "把发霉的面包拿给店员看，店员也没说什么",
        "給售後去信兩次，一直無人回覆",                            # Traditional
        "向物业反映楼上漏水也无结果",
        "和前台反应了床单有污渍，前台的人面无表情",
        "打电话问服务台，他们说你再等两个小时",
    ],
    "raised, and it is still not fixed": [
        "已经跟客服说了，问题依然存在",
        "找了物业好几回，到现在都还是这样",
        "叫了维修师傅，来了也解决不了",
        "让工程部来看，工程部的人也无法处理",
        "联系售后退货，迟迟不给办理",
        "换了四次房卡，还是刷不开门",
        "快递员先说明天送，后来又说周五一定到，人影都没有",
    ],
    "only after raising it again and again": [
        "跟店家交涉了好几次才给退",
        "反复打电话，才给送来一床被子",
    ],
    "a request or claim refused more than once": [
        "我的退货申请被驳回了两次，理由一次一个样",
        "保险理赔被拒了三回，材料都交齐了",
        "售后申请已经被打回好几次",
        "换货申请一直被拒，客服也不给解释",
    ],
    "asked a second time, and still nothing": [
        "在吗？我第二次来问发票的事了，还是没人开",
    ],
    "the same failure again": [
        "第二次买又是这样，屏幕又有坏点",
        "这已经是第二次收到破损的了",
        "上次买的也是漏液，这次又漏",
    ],
}

NOT_REPEATS = {
    "the customer refusing, a refusal once, a second stay": [
        "店员推销会员卡，我拒绝了两次她才走",
        "退款申请被驳回了，说超过了七天",
        "第二次来住这家，还是那么干净",
    ],
    "reading and re-reading": [
        "女儿缠着我讲了三遍还不过瘾",
        "这本书我已经看第二遍了，还是觉得好",
        "给儿子念了五遍他才肯睡",
    ],
    "reflects, heard of": [
        "小说真实地反映了当时的社会",
        "这本书反映了主人公的执着，身边的人始终不理解他",
        "买之前就听朋友说过这个牌子",
    ],
    "calls for directions, the hotel calling": [
        "酒店太难找了，打了好几个电话才找到门口",
        "半夜有人打了好几个电话上来推销",
    ],
    "a request granted, a quick fix": [
        "跟前台说了一下，马上就给换了房间，很满意",
        "打电话给前台要了两瓶水，很快就送来了",
        "提出延迟退房，前台爽快地答应了",
        "反映的问题酒店很快就处理好了",
        "之前买过一次，质量不错，这次也很满意",
        "服务员说马上送来，五分钟就送到了，很满意",
        "发邮件给客服，第二天就回复了，处理得很好",
        "维修师傅来了一次就修好了",
    ],
    "a story told to a child several times": [
        "睡前一口气给女儿讲了四遍",
        "这本绘本每天晚上都要讲好几遍，孩子百听不厌",
        "故事前前后后讲了三四遍，儿子还要听",
    ],
    "raised and put right": [
        "联系售后换了键盘，第二天就寄到了",
        "打电话给客服，客服很耐心地帮我解决了问题",
        "跟前台要求加床，前台马上安排人送来了",
    ],
    "a second visit, a new problem": [
        "这是我第二次入住，这次房间更旧了",
        "再也不会来住第二次了",
        "结账的时候问题又来了，押金刷了两遍",
        "播放器每次都得从头开始放，很不方便",
    ],
}


# --- human_request: a person asked for now, not a manager in the story of the stay --------------

HUMAN_REQUESTS = {
    "a person or a manager, now": [
        "叫你们经理来跟我说",
        "把你们的负责人叫出来",
        "我要找你们领导谈",
        "给我转人工",
    ],
}

NOT_HUMAN_REQUESTS = {
    "a manager who was called or came at the hotel": [
        "后来把值班经理叫来，账才算清楚",
        "前台叫来一个主管，口气比前台还冲",
        "我们找来经理，经理一直在赔笑",
        "当时真想找他们老板，想想还是算了",
        "退房的时候大堂经理正好过来问我们住得怎样",
        "我要求见经理的时候，前台说经理下班了",
    ],
    "what the staff told the customer to do, a rule of thumb": [
        "前台让我自己去跟经理说",
        "我让服务员去请示一下，她半天没回来",
        "有什么事就找经理，这是他们的口头禅",
    ],
    "a bargain, a point of view, someone sent to fix a thing": [
        "跟老板砍了半天价才便宜五十",
        "估计找店长还能再便宜一点",
        "对于小老板来说这台本子足够用了",
        "门锁打不开，打电话叫人来开等了二十分钟",
    ],
}


# --- pushed_around: passed between parties, not a book that contradicts itself ----------------

PUSHED_AROUND = {
    "passed between parties, told the story again": [
        "客服让我找厂家，厂家又让我找客服",
        "酒店和平台互相推卸责任",
        "每次打电话都要我从头讲一遍",
        "孩子的玩具坏了，客服又让我从头讲一遍",
    ],
}

NOT_PUSHED_AROUND = {
    "a book that contradicts itself": [
        "书里的观点前后矛盾，看得人一头雾水",
        "作者在后几章的说法自相矛盾",
        "这样前后矛盾的指导只会让家长更糊涂",
    ],
    "a child who wants the story again": [
        "孩子听完还缠着我再讲一遍",
        "睡觉前又让我重新读了一次小熊的故事",
    ],
    "going round a building, friends helping": [
        "电梯要换乘，在楼里转来转去才找到房间",
        "系统太难装，换了好几个人帮忙都没装好",
    ],
}


#: (reason, whether the message gives it, the families of messages)
TABLE = [
    ("threat", True, THREATS), ("threat", False, NOT_THREATS),
    ("safety", True, SAFETY), ("safety", False, NOT_SAFETY),
    ("repeated", True, REPEATS), ("repeated", False, NOT_REPEATS),
    ("human_request", True, HUMAN_REQUESTS), ("human_request", False, NOT_HUMAN_REQUESTS),
    ("pushed_around", True, PUSHED_AROUND), ("pushed_around", False, NOT_PUSHED_AROUND),
]


@pytest.mark.parametrize("reason, expected, text", [
    pytest.param(reason, expected, text, id=f"{reason}-{expected}-{family}-{text}")
    for reason, expected, families in TABLE for family, texts in families.items() for text in texts])
def test_the_family_decides_not_the_word(config, reason, expected, text):
    assert (reason in reasons(text, config)) is expected
