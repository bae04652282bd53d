"""What each Telegram update asks of the assistant: a table from what the update carries to the
instructions the channel carries out (`Turn`, `Say`, `KeepEvidence`, `Ignore` as for WeChat).

| Telegram sends (private chat) | the assistant |
|---|---|
| text | a turn with the text |
| a command in config/channels.yml (`/start`, `/complaint`, `/status`) | a turn with what it maps to |
| another command (`/help`) | a turn with its word, for the NLU |
| a shared contact | a turn with its phone number |
| photo, video, video note, voice, audio, document, sticker, location | keeps it as evidence with the open complaint and says so; a caption is a turn too |
| an edited text, within `edit_window_seconds` of the original | a turn with the corrected text (the assistant takes corrections) |
| an edited text, later | asks the customer to send the correction as a new message |
| an inline-button press | `Press`: answered, then a turn with the button's payload |
| the customer blocked the bot (`my_chat_member` → kicked) | `Blocked`: marked unreachable |
| anything in a group, supergroup or channel | a message: points to a private chat; nothing else |

`parse` and `instructions_for` read everything the channel uses before anything is done, so a body
Telegram could not have sent (not JSON, nested too deep, a date out of range, a field of the wrong
type) is `Malformed` (400) whatever part of it is wrong: python-telegram-bot checks no types.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Mapping, Sequence

from telegram import Bot, CallbackQuery, Chat, ChatMember, Message, Update

from channels.instructions import Ignore, KeepEvidence, Say, Turn
from channels.telegram.settings import TelegramSettings

PRIVATE_ONLY = "utter_tg_private_chat_only"
EDIT_TOO_LATE = "utter_tg_edit_too_late"


@dataclass(frozen=True)
class Press:
    """The customer pressed an inline button."""

    query: CallbackQuery


@dataclass(frozen=True)
class Blocked:
    """The customer blocked the bot: nothing can be sent to them."""


Instruction = Turn | Say | KeepEvidence | Ignore | Press | Blocked
_Evidence = Callable[[Message], KeepEvidence]


class Malformed(ValueError):
    """The body is not an update Telegram could have sent (HTTP 400)."""


def _file(kind: str, attribute: str) -> _Evidence:
    """Evidence of `kind` from the file in `message.<attribute>`."""
    def keep(message: Message) -> KeepEvidence:
        file = getattr(message, attribute)
        details = {"file_unique_id": file.file_unique_id, "caption": message.caption,
                   **{name: getattr(file, name, None) for name in ("file_name", "mime_type", "emoji")}}
        return KeepEvidence(kind, file.file_id, details={k: v for k, v in details.items() if v is not None})
    return keep


def _photo(message: Message) -> KeepEvidence:
    largest = message.photo[-1]  # Telegram lists the sizes smallest first
    details = {"file_unique_id": largest.file_unique_id, "width": largest.width, "height": largest.height,
               "caption": message.caption}
    return KeepEvidence("image", largest.file_id, details={k: v for k, v in details.items() if v is not None})


def _location(message: Message) -> KeepEvidence:
    spot = message.location
    return KeepEvidence("location", details={"latitude": spot.latitude, "longitude": spot.longitude})


#: Message attribute → how it is kept as evidence, first match wins.
EVIDENCE: Dict[str, _Evidence] = {
    "photo": _photo,
    "video": _file("video", "video"),
    "video_note": _file("video", "video_note"),
    "voice": _file("voice", "voice"),
    "audio": _file("audio", "audio"),
    "sticker": _file("sticker", "sticker"),
    "document": _file("document", "document"),
    "location": _location,
}


#: What each instruction hands on as text: Telegram sends these as strings, or leaves them out.
_TEXTS: Dict[type, Callable[[Any], Sequence[Any]]] = {
    Turn: lambda turn: [turn.text],
    KeepEvidence: lambda evidence: [evidence.media_id],
    Press: lambda press: [press.query.id, press.query.data],
}


def parse(body: str, bot: Bot) -> Update:
    """The update in `body`; `Malformed`, saying why, unless Telegram could have sent it."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:  # RecursionError: nested too deep for Python
        raise Malformed(f"not JSON ({exc.__class__.__name__}: {str(exc)[:80]})") from None
    if not isinstance(data, dict) or type(data.get("update_id")) is not int:
        raise Malformed("no update_id, or not a number")
    try:
        update = Update.de_json(data, bot)
        chat = update.effective_chat
    except Exception as exc:  # a wrong type, a date out of range, nesting too deep: any part of it
        raise Malformed(f"not a Telegram update ({exc.__class__.__name__}: {str(exc)[:80]})") from None
    if chat is not None and type(chat.id) is not int:
        raise Malformed("the chat id is not a number")
    return update


def instructions_for(update: Update, settings: TelegramSettings) -> List[Instruction]:
    """What to do with `update`, in order; `Malformed` when a field it reads is not of the type
    Telegram sends (a text that is a number, …)."""
    try:
        instructions = _instructions(update, settings)
    except (AttributeError, TypeError, ValueError, IndexError) as exc:
        raise Malformed(f"a field of the wrong type ({exc.__class__.__name__}: {str(exc)[:80]})") from None
    for instruction in instructions:
        if any(value is not None and not isinstance(value, str)
               for value in _TEXTS.get(type(instruction), lambda _: ())(instruction)):
            raise Malformed(f"a text or id that is not a string, for {type(instruction).__name__}")
    return instructions


def _instructions(update: Update, settings: TelegramSettings) -> List[Instruction]:
    if update.callback_query is not None:
        return [Press(update.callback_query)]
    if update.my_chat_member is not None:
        status = update.my_chat_member.new_chat_member.status
        return [Blocked()] if status == ChatMember.BANNED else [Ignore(f"bot's membership now {status}")]
    message = update.message or update.edited_message
    if message is None:
        return [Ignore(f"update without a message ({', '.join(_present(update))})")]
    if message.chat.type != Chat.PRIVATE:
        return [Say(PRIVATE_ONLY)] if update.message else [Ignore("an edit in a group")]
    if update.edited_message is not None:
        return [_edited(message, settings.edit_window_seconds)]
    return _message(message, settings.commands)


def _message(message: Message, commands: Mapping[str, str]) -> List[Instruction]:
    if message.text is not None:
        return [_text(message.text, commands)]
    if message.contact is not None:
        return [Turn(message.contact.phone_number)]
    keep = next((keep for attribute, keep in EVIDENCE.items() if getattr(message, attribute)), None)
    if keep is None:
        return [Ignore("a message with neither text nor evidence")]
    return [keep(message), *([Turn(message.caption)] if message.caption else [])]


def _text(text: str, commands: Mapping[str, str]) -> Instruction:
    """A command (`/status`, `/status@SomeBot`, `/start payload`) by the table, another command by
    its word, or the text."""
    if not text.startswith("/"):
        return Turn(text)
    words = text[1:].split(maxsplit=1)
    command = words[0].split("@", 1)[0] if words else ""
    return Turn(commands.get(command) or command) if command else Ignore("an empty command")


def _edited(message: Message, window_s: float) -> Instruction:
    if message.text is None:
        return Ignore("an edited caption or media")
    edited_after = (message.edit_date - message.date).total_seconds() if message.edit_date else 0.0
    return Turn(message.text) if edited_after <= window_s else Say(EDIT_TOO_LATE)


def _present(update: Update) -> Sequence[str]:
    return [name for name, value in update.to_dict().items() if name != "update_id" and value] or ["empty"]
