"""The complaint taxonomy and how a conversation's pieces become a complaint's fields."""
from __future__ import annotations

import re
from typing import Optional, Tuple

from bot.extraction import find_entity
from bot.models import Remedy

REMEDIES = tuple(remedy.value for remedy in Remedy)

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
