"""Files customers send, for tests: a real (small) JPEG photo of a cracked screen-ish pattern, a
PNG, and the start of an Ogg voice message."""
from __future__ import annotations

import io

from PIL import Image, ImageDraw


def photo(size: tuple = (320, 240), colour: str = "#3a6ea5", fmt: str = "JPEG") -> bytes:
    """A picture a browser can show: a coloured field with a crack across it."""
    image = Image.new("RGB", size, colour)
    ImageDraw.Draw(image).line([(0, 0), (size[0] // 2, size[1] // 3), (size[0], size[1])], fill="white", width=4)
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


PHOTO = photo()
PNG = photo((200, 150), "#a53a3a", "PNG")
VOICE = b"OggS\x00\x02" + bytes(22) + b"\x01\x13OpusHead\x01\x01" + bytes(200)
