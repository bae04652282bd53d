"""Keeping personal data and secrets out of logs: phone numbers, ID card numbers and e-mail
addresses partly hidden, tokens, passwords and keys removed, tracebacks included.

Patterns are matched on a folded copy of the text (full-width digits and signs as ASCII, one
character for one, so positions agree), so "１３８１２３４５６７８" and "zhang＠qq.com" are
found as well; the text around a match is left as it was.
"""
from __future__ import annotations

import logging
import os
import re
import sys
import threading
import traceback
from types import TracebackType
from functools import lru_cache
from typing import Any, Callable, Optional

_FOLD = str.maketrans({**{chr(0xFF10 + n): str(n) for n in range(10)},
                       "＠": "@", "（": "(", "）": ")", "．": ".", "－": "-", "＋": "+", "Ｘ": "X",
                       "ｘ": "x", "\u3000": " "})
_SEP = r"[ \t.\-]"  # one character between digit groups: 138 1234 5678, 138.1234.5678, 138-1234-5678
# Numbers right after a "." are the decimals of a number (confidences, timestamps), never masked.
_ID_CARD = re.compile(  # 18 digits (the last may be X), grouped 6-8-4 or 6-4-4-4, or 15 digits 6-6-3
    r"(?<![\d.])(?P<head>\d{6})[ \t-]?"
    r"(?:\d{4}[ \t-]?\d{4}[ \t-]?(?P<tail>\d{3}[\dXx])|\d{6}[ \t-]?(?P<old>\d{3}))(?![\dXx])")
_MOBILE = re.compile(
    rf"(?<![\d.])(?P<head>(?:(?:\+|00)?86{_SEP}?)?1[3-9]\d)(?:{_SEP}?\d){{4}}(?P<tail>(?:{_SEP}?\d){{4}})(?!\d)")
# Hong Kong and Macau (8 digits from 5 to 9, +852/+853 or not) and Taiwan mobiles (09xx, +886 9xx):
# the form takes them as phones (bot/answers.py), so logs hide them too.
_HK_MACAU = re.compile(
    rf"(?<![\d.])(?P<head>(?:(?:\+|00)?85[23]{_SEP}?)?[5-9]\d)(?:{_SEP}?\d){{2}}(?P<tail>(?:{_SEP}?\d){{4}})(?!\d)")
_TAIWAN = re.compile(
    rf"(?<![\d.])(?P<head>(?:(?:\+|00)886{_SEP}?9|09)\d{{2}})(?:{_SEP}?\d){{3}}(?P<tail>(?:{_SEP}?\d){{3}})(?!\d)")
_LANDLINE = re.compile(r"(?<![\d.])\(?(?P<area>0\d{2,3})\)?[ \t-]?\d{3,4}[ \t-]?(?P<tail>\d{4})(?!\d)")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@(?P<domain>[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _id_card(match: re.Match[str]) -> str:
    return f"{match['head']}********{match['tail']}" if match["tail"] else f"{match['head']}******{match['old']}"


_PERSONAL: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (_ID_CARD, _id_card),
    (_MOBILE, lambda m: f"{m['head']}****{_digits(m['tail'])}"),
    (_TAIWAN, lambda m: f"{m['head']}***{_digits(m['tail'])}"),
    (_HK_MACAU, lambda m: f"{m['head']}**{_digits(m['tail'])}"),
    (_LANDLINE, lambda m: f"{m['area']}-****{m['tail']}"),
    (_EMAIL, lambda m: f"***@{m['domain']}"),
)


def _substitute(pattern: re.Pattern[str], replace: Callable[[re.Match[str]], str], text: str) -> str:
    """`text` with each match of `pattern` in its folded copy replaced by `replace(match)`."""
    pieces, end = [], 0
    for match in pattern.finditer(text.translate(_FOLD)):
        pieces += [text[end:match.start()], replace(match)]
        end = match.end()
    return "".join(pieces) + text[end:] if pieces else text


def mask_personal_data(text: str) -> str:
    """`text` with phone numbers, ID card numbers and e-mail addresses partly hidden
    (138****5678, 110101********1234, ***@qq.com); masked text stays as it is."""
    for pattern, replace in _PERSONAL:
        text = _substitute(pattern, replace, text)
    return text


SECRET_VARIABLES = ("WECHAT_APP_SECRET", "WECHAT_TOKEN", "WECHAT_ENCODING_AES_KEY", "TELEGRAM_BOT_TOKEN",
                    "TELEGRAM_WEBHOOK_SECRET", "RASA_TOKEN", "AGENT_PASSWORD", "POSTGRES_PASSWORD",
                    "REDIS_PASSWORD")
"""Environment variables whose values never appear in a log line."""
_SHORTEST_SECRET = 6  # a shorter value would hide ordinary words and numbers, and guards little
_SECRET_PATTERNS = (
    # secret=…, access_token=…, --auth-token=…, password=… in URLs, command lines and messages
    (re.compile(r"(?i)([\w-]*(?:secret|token|password|passwd|api[-_]?key)=)[^&\s'\"<>,;]+"), r"\1***"),
    # 'secret': '…' in a repr or JSON
    (re.compile(r"(?i)([\"'][\w-]*(?:secret|token|password|passwd)[\"']\s*:\s*[\"'])[^\"']+"), r"\1***"),
    (re.compile(r"\bbot\d+:[\w-]+"), "bot***"),  # Telegram Bot API URLs carry the bot's token
    (re.compile(r"(?i)\b(bearer\s+)[\w.~+/-]+=*"), r"\1***"),
    (re.compile(r"(://[^/\s:@]+:)[^@\s/]+@"), r"\1***@"),  # user:password@host
)


@lru_cache(maxsize=8)
def _known_secrets(values: tuple[str, ...]) -> Optional[re.Pattern[str]]:
    usable = sorted({value for value in values if len(value) >= _SHORTEST_SECRET}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, usable))) if usable else None


def redact_secrets(text: str) -> str:
    """`text` without the values of `SECRET_VARIABLES` and without tokens, passwords and keys
    in the forms URLs, command lines and headers carry them."""
    known = _known_secrets(tuple(os.environ.get(name) or "" for name in SECRET_VARIABLES))
    if known is not None:
        text = known.sub("***", text)
    for pattern, replacement in _SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def mask_log_text(text: str) -> str:
    """`text` fit for a log: secrets removed, personal data masked."""
    return mask_personal_data(redact_secrets(text))


_installed = False


def install_log_masking() -> None:
    """Mask every log line this process writes, whichever logger and formatter write it, with
    its traceback, stack and extra fields; and the tracebacks of uncaught exceptions."""
    global _installed
    if _installed:
        return
    _installed = True
    format_record = logging.Formatter.format

    def masked_format(self: logging.Formatter, record: logging.LogRecord) -> str:
        line = format_record(self, record)
        try:
            return mask_log_text(line)
        except Exception:  # e.g. while the interpreter shuts down; the line is never written unmasked
            return f"{record.levelname} {record.name}: (a log line withheld: it could not be masked)"

    # Every handler formats through logging.Formatter (its subclasses call it): one place sees
    # the finished line, extras and traceback included.
    logging.Formatter.format = masked_format  # type: ignore[method-assign]

    def uncaught(kind: type[BaseException], value: Optional[BaseException],
                 tb: Optional[TracebackType]) -> None:
        sys.stderr.write(mask_log_text("".join(traceback.format_exception(kind, value, tb))))

    def uncaught_in_thread(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:  # as threading's own hook: a thread may exit that way
            return
        name = args.thread.name if args.thread else threading.get_ident()
        sys.stderr.write(f"Exception in thread {name}:\n")
        uncaught(args.exc_type, args.exc_value, args.exc_traceback)

    sys.excepthook = uncaught
    threading.excepthook = uncaught_in_thread


def mask_value(value: Any) -> Any:
    """`value` (JSON: dicts, lists, strings, numbers) with every string masked."""
    if isinstance(value, str):
        return mask_personal_data(value)
    if isinstance(value, list):
        return [mask_value(item) for item in value]
    if isinstance(value, dict):
        return {key: mask_value(item) for key, item in value.items()}
    return value
