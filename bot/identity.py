"""Who a customer is: every channel's senders live in a namespace of their own.

Rasa keys a conversation by its sender id alone, so the sender id names the channel as well as
the person on it: `tg:<chat id>`, `wechat:<openid>`, `web:<random id issued by the server>`,
`rest:<sender>`. A message on one channel then can never read or change the conversation of
another channel's customer. Channels turn the platform's id into a sender id on the way in
(`sender_id`) and back on the way out (`platform_id`); the store keeps the sender id with the
channel.
"""
from __future__ import annotations

from typing import Dict, Optional

#: Namespace of each channel's sender ids, by Rasa channel name.
NAMESPACES: Dict[str, str] = {"tg": "tg", "wechat": "wechat", "webchat": "web", "rest": "rest"}


def sender_id(channel: str, platform_id: str) -> str:
    """The sender id of the customer `platform_id` of `channel` (e.g. `tg:123`)."""
    return f"{NAMESPACES[channel]}:{platform_id}"


def platform_id(channel: str, sender: str) -> Optional[str]:
    """The platform's own id in `sender` (`123` for `tg:123`), or None when `sender` is not a
    sender id of `channel`."""
    prefix = f"{NAMESPACES[channel]}:"
    return sender[len(prefix):] if sender.startswith(prefix) and len(sender) > len(prefix) else None


def is_sender_id(sender: str) -> bool:
    """Whether `sender` is already in some channel's namespace."""
    namespace, colon, rest = sender.partition(":")
    return bool(colon and rest) and namespace in NAMESPACES.values()
