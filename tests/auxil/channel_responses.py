"""What a channel says in its own domain.yml responses (not the dialogue's), checked whether or not
domain.yml has them yet: channels render them through Rasa's NLG and log the ones missing."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from bot.responses import load_responses


def said_or_requested(rasa_log: Path, response: str, reply: Optional[str], expected: str = "") -> None:
    """The customer got `response` (with `expected` in it); while domain.yml lacks it, the channel
    asked for it (the Rasa log says so) and said nothing."""
    try:
        load_responses().variants(response)
    except KeyError:
        assert not reply
        assert f"domain.yml has no response {response}" in rasa_log.read_text(errors="replace")
        return
    assert reply and expected in reply
