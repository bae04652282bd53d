"""A complaint's statuses and how a conversation's pieces become a complaint's fields (the
categories and remedies are data: data/labels.yml)."""
from __future__ import annotations

import re
from enum import Enum
from typing import Any, Optional, Tuple

from bot.extraction import find_entity, normalise_phone


class Status(str, Enum):
    """Where a complaint is in its life."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"


#: An open complaint is still being worked on: new evidence joins it, progress shows its
#: deadlines, and a new complaint on the same matter is a repeat. The one definition.
OPEN_STATUSES = (Status.OPEN.value, Status.IN_PROGRESS.value)
#: A finished complaint: resolved or closed.
FINISHED_STATUSES = tuple(status.value for status in Status if status.value not in OPEN_STATUSES)


def is_open(status: str) -> bool:
    """Whether a complaint in `status` (a `Status` value) is still being worked on."""
    return status in OPEN_STATUSES


#: A customer who gives no phone number is answered in the conversation itself.
CONTACT_HERE = "here"


def merge_description(previous: Optional[str], new: str) -> str:
    """The story so far plus what the customer just added, without repeating a message."""
    new = new.strip()
    if not previous:
        return new
    if new in previous:
        return previous
    return f"{previous}；{new}"


def split_order_reference(text: Optional[str]) -> Tuple[Optional[str], Optional[str]]:
    """(order number, product) from what the customer said about the purchase."""
    if not text:
        return None, None
    order_number = find_entity("order_number", text)
    if order_number:
        return order_number.upper(), None
    return None, text.strip()


def normalise_complaint_id(text: str) -> str:
    """`ts20261122-1` style input as the canonical `TS-20261122-0001`; other text stripped and upper-cased."""
    match = re.fullmatch(r"\s*[Tt][Ss]\s*-?\s*(\d{8})\s*-?\s*(\d{1,4})\s*", text or "")
    if not match:
        return (text or "").strip().upper()
    return f"TS-{match.group(1)}-{int(match.group(2)):04d}"


def clean_answer(value: Any) -> Optional[str]:
    """A form answer stripped of surrounding space; None when nothing is left."""
    text = str(value).strip() if value is not None else ""
    return text or None


def says_something(text: Optional[str]) -> bool:
    """False for empty text and for punctuation or emoji alone ("？？", "😡")."""
    return any(char.isalnum() for char in text or "")


def incident_time_answer(value: Any) -> Optional[str]:
    """The customer's words for when; None for nothing, or for an order number or phone given
    instead (not a time: its own slot takes it, and the question is asked again)."""
    text = clean_answer(value)
    if text and not find_entity("date", text) and (
            find_entity("order_number", text) or find_entity("phone", text)):
        return None
    return text if says_something(text) else None


#: An answer with this many digits but no phone number in it is a mistyped number.
MISTYPED_PHONE_DIGITS = 7


def contact_answer(value: Any) -> Optional[str]:
    """A normalised phone number; `CONTACT_HERE` when the customer gives none; None for a
    mistyped number (too many or too few digits)."""
    text = clean_answer(value) or ""
    phone = find_entity("phone", text)
    if phone:
        return normalise_phone(phone)
    return None if sum(char.isdigit() for char in text) >= MISTYPED_PHONE_DIGITS else CONTACT_HERE
