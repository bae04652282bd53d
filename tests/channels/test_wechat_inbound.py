"""Every kind of WeChat message gets the treatment a customer expects, and retries are recognised."""
from __future__ import annotations

import pytest
from wechatpy import parse_message

from channels.wechat.envelope import Malformed
from channels.instructions import Ignore, KeepEvidence, Say, Turn
from channels.wechat.inbound import VOICE_NOT_RECOGNISED, WELCOME, Unfollow, delivery_key, instruction_for, parse
from bench.fake_wechat import message_xml

MENU = {"COMPLAINT": "/complain_general", "PROGRESS": "/ask_progress"}


def _instruction(msg_type: str, msg_id=1, **fields):
    return instruction_for(parse_message(message_xml("o-customer", msg_type, msg_id, **fields)), MENU)


def test_text_and_recognised_voice_are_turns():
    assert _instruction("text", Content="快递一周了还没到") == Turn("快递一周了还没到")
    assert _instruction("voice", MediaId="m1", Format="amr", Recognition="耳机坏了。") == Turn("耳机坏了。")


def test_unrecognised_voice_asks_the_customer_to_type():
    assert _instruction("voice", MediaId="m1", Format="amr") == Say(VOICE_NOT_RECOGNISED)
    assert _instruction("voice", MediaId="m1", Format="amr", Recognition=" ") == Say(VOICE_NOT_RECOGNISED)


@pytest.mark.parametrize("msg_type, fields, expected", [
    ("image", {"PicUrl": "http://mmbiz/1.jpg", "MediaId": "img-1"},
     KeepEvidence("image", "img-1", "http://mmbiz/1.jpg")),
    ("video", {"MediaId": "v-1", "ThumbMediaId": "t-1"},
     KeepEvidence("video", "v-1", details={"thumb_media_id": "t-1"})),
    ("shortvideo", {"MediaId": "v-2", "ThumbMediaId": "t-2"},
     KeepEvidence("video", "v-2", details={"thumb_media_id": "t-2"})),
    ("location", {"Location_X": "31.23", "Location_Y": "121.47", "Scale": "15", "Label": "上海市黄浦区"},
     KeepEvidence("location", details={"label": "上海市黄浦区", "latitude": "31.23", "longitude": "121.47",
                                       "scale": "15"})),
    ("link", {"Title": "订单详情", "Description": "DD20261120031", "Url": "https://shop/o/1"},
     KeepEvidence("link", url="https://shop/o/1", details={"title": "订单详情", "description": "DD20261120031"})),
])
def test_media_is_kept_as_evidence(msg_type, fields, expected):
    assert _instruction(msg_type, **fields) == expected


def test_follow_unfollow_and_menu_events():
    assert _instruction("event", None, Event="subscribe") == Say(WELCOME)
    assert _instruction("event", None, Event="subscribe", EventKey="qrscene_store42") == Say(WELCOME)
    assert _instruction("event", None, Event="unsubscribe") == Unfollow()
    assert _instruction("event", None, Event="CLICK", EventKey="COMPLAINT") == Turn("/complain_general")
    assert _instruction("event", None, Event="CLICK", EventKey="PROGRESS") == Turn("/ask_progress")
    assert isinstance(_instruction("event", None, Event="CLICK", EventKey="NEWS"), Ignore)
    assert isinstance(_instruction("event", None, Event="VIEW", EventKey="https://shop"), Ignore)
    assert isinstance(_instruction("miniprogrampage", Title="x"), Ignore)


def test_retries_are_recognised_by_msgid_or_sender_time_and_event():
    def key(msg_type, msg_id, create_time, **fields):
        return delivery_key(parse_message(message_xml("o-customer", msg_type, msg_id, create_time, **fields)))

    assert key("text", 42, 100, Content="a") == key("text", 42, 105, Content="a")
    assert key("text", 42, 100, Content="a") != key("text", 43, 100, Content="a")
    assert key("event", None, 100, Event="subscribe") == key("event", None, 100, Event="subscribe")
    assert key("event", None, 100, Event="subscribe") != key("event", None, 101, Event="subscribe")
    assert key("event", None, 100, Event="CLICK", EventKey="A") != key("event", None, 100, Event="unsubscribe")


def test_a_message_as_wechat_sends_it_parses_with_its_fields():
    message = parse(message_xml("o-customer", "text", 42, 1700000000, Content="快递一周了还没到"))
    assert (message.id, message.time, message.source, message.content) == (42, 1700000000, "o-customer",
                                                                           "快递一周了还没到")


@pytest.mark.parametrize("xml, field", [
    (message_xml("o-customer", "text", "12ab", Content="你好"), "MsgId"),
    (message_xml("o-customer", "text", 1, "yesterday", Content="你好"), "CreateTime"),
    (message_xml("o-customer", "text", 1, "9" * 30, Content="你好"), "CreateTime"),
    (message_xml("o-customer", "event", None, "1e9", Event="subscribe"), "CreateTime"),
    ("<xml><ToUserName>gh</ToUserName><FromUserName><a>o-customer</a></FromUserName><CreateTime>1"
     "</CreateTime><MsgType>text</MsgType><Content>你好</Content><MsgId>1</MsgId></xml>", "FromUserName"),
    ("<xml><ToUserName>gh</ToUserName><FromUserName>o-customer</FromUserName><CreateTime>1</CreateTime>"
     "<MsgType>text</MsgType><Content>你好</Content><MsgId>1</MsgId><MsgId>2</MsgId></xml>", "MsgId"),
    ("<xml><ToUserName>gh</ToUserName><FromUserName>o-customer</FromUserName><CreateTime>1</CreateTime>"
     "<MsgType><a>text</a></MsgType></xml>", "not a WeChat message"),
    (message_xml("", "text", 1, Content="你好"), "FromUserName"),
])
def test_a_field_wechat_never_sends_so_is_malformed_and_named(xml: str, field: str):
    with pytest.raises(Malformed, match=field):
        parse(xml)
