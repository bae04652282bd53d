"""What each kind of WeChat message asks of the assistant: a table from message (or event) type to
an instruction the channel carries out.

| WeChat sends | the assistant |
|---|---|
| text | a turn with the text |
| voice | a turn with WeChat's speech recognition, else asks the customer to type |
| image, video, shortvideo, location, link | keeps it as evidence with the open complaint and says so |
| event subscribe (also by QR code) | welcomes |
| event unsubscribe | marks the customer unreachable, says nothing |
| event CLICK on a menu button | a turn with the text config/channels.yml maps the key to |
| anything else (VIEW, reported location, …) | nothing (answered `success`) |

`parse` reads the XML first, every field WeChat defines for the message type included, so a
message whose MsgId or CreateTime is not a number, or whose fields are nested or repeated, is
`Malformed` (400) before anything is done with it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, Mapping, Union

import xmltodict
from wechatpy import parse_message
from wechatpy.fields import DateTimeField, FloatField, IntegerField, StringField
from wechatpy.messages import BaseMessage

from channels.instructions import Ignore, KeepEvidence, Say, Turn
from channels.wechat.envelope import Malformed

VOICE_NOT_RECOGNISED = "utter_wechat_voice_not_recognised"
WELCOME = "utter_wechat_welcome"


@dataclass(frozen=True)
class Unfollow:
    """The customer unfollowed: they cannot be sent anything any more."""


Instruction = Union[Turn, Say, KeepEvidence, Unfollow, Ignore]
_Handler = Callable[[Any, Mapping[str, str]], Instruction]


def _voice(message: Any, _menu: Mapping[str, str]) -> Instruction:
    recognised = (message.recognition or "").strip()
    return Turn(recognised) if recognised else Say(VOICE_NOT_RECOGNISED)


def _click(message: Any, menu: Mapping[str, str]) -> Instruction:
    said = menu.get(message.key)
    return Turn(said) if said else Ignore(f"menu key {message.key!r} is not in config/channels.yml")


def _video(message: Any, _menu: Mapping[str, str]) -> Instruction:
    return KeepEvidence("video", message.media_id, details={"thumb_media_id": message.thumb_media_id})


MESSAGES: Dict[str, _Handler] = {
    "text": lambda message, _menu: Turn(message.content or ""),
    "voice": _voice,
    "image": lambda message, _menu: KeepEvidence("image", message.media_id, message.image),
    "video": _video,
    "shortvideo": _video,
    "location": lambda message, _menu: KeepEvidence("location", details={
        "label": message.label, "latitude": message.location_x, "longitude": message.location_y,
        "scale": message.scale}),
    "link": lambda message, _menu: KeepEvidence("link", url=message.url, details={
        "title": message.title, "description": message.description}),
}
EVENTS: Dict[str, _Handler] = {
    "subscribe": lambda _message, _menu: Say(WELCOME),
    "subscribe_scan": lambda _message, _menu: Say(WELCOME),
    "unsubscribe": lambda _message, _menu: Unfollow(),
    "click": _click,
}


#: wechatpy's fields with a single value: text or a number (others, such as ScanCodeInfo, nest).
_SCALAR_FIELDS = (StringField, IntegerField, DateTimeField, FloatField)


def parse(xml: str) -> BaseMessage:
    """The message in WeChat's XML `xml`; `Malformed` (saying which field) unless it is one WeChat
    could have sent: from someone, each text or number field a single text or number."""
    try:
        message = parse_message(xml)
    except Exception as exc:  # expat errors, no <xml> or <MsgType>, a nested <MsgType>
        raise Malformed(f"not a WeChat message ({exc.__class__.__name__}: {str(exc)[:80]})") from None
    if message is None:
        raise Malformed("an empty body")
    for name, wechat_field in type(message)._fields.items():
        if not isinstance(wechat_field, _SCALAR_FIELDS):
            continue
        raw = message._data.get(wechat_field.name)  # the XML's value, before wechatpy converts it
        if isinstance(raw, (dict, list)):
            raise Malformed(f"<{wechat_field.name}> holds elements or is repeated; WeChat sends one value")
        try:
            getattr(message, name)  # wechatpy converts on access: int(), a datetime, float()
        except (ValueError, OverflowError, OSError) as exc:
            raise Malformed(f"<{wechat_field.name}> {str(raw)[:20]!r} is not a number in range "
                            f"({exc.__class__.__name__})") from None
    if not message.source:
        raise Malformed("no FromUserName in the message")
    return message


def instruction_for(message: BaseMessage, menu: Mapping[str, str]) -> Instruction:
    """What to do with a parsed WeChat message (wechatpy's `parse_message`)."""
    if message.type == "event":
        handler = EVENTS.get(message.event)
        kind = f"event {message.event}"
    else:
        handler = MESSAGES.get(message.type)
        kind = f"message type {message.type}"
    return handler(message, menu) if handler else Ignore(f"{kind} is not handled")


def as_xml(message: BaseMessage) -> str:
    """`message` as WeChat's XML again (to keep it whole)."""
    return xmltodict.unparse({"xml": message._data}, full_document=False)


def delivery_key(message: BaseMessage) -> str:
    """What identifies a delivery across WeChat's retries: MsgId, or for events (which have
    none) the sender, time and event."""
    if message.id:
        return f"msg:{message.id}"
    return f"event:{message.source}:{message.time}:{getattr(message, 'event', message.type)}"
