"""Keeping personal data out of logs: phone numbers, ID card numbers and e-mail addresses."""
from __future__ import annotations

import logging
import re

_MOBILE = re.compile(r"(?<!\d)((?:\+?86[\s-]?)?1[3-9]\d)[\s-]?\d{4}[\s-]?(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})[\s-]?\d{3,4}(\d{4})(?!\d)")
_ID_CARD = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?![\dXx])")
_EMAIL = re.compile(r"[\w.+-]+@([\w-]+\.[\w.-]+)")


def mask_personal_data(text: str) -> str:
    """`text` with phone numbers, ID card numbers and e-mail addresses partly hidden."""
    text = _ID_CARD.sub(r"\1********\2", text)
    text = _MOBILE.sub(r"\1****\2", text)
    text = _LANDLINE.sub(r"\1-****\2", text)
    return _EMAIL.sub(r"***@\1", text)


_installed = False


def install_log_masking() -> None:
    """Mask personal data in every log record this process creates, whichever logger emits it."""
    global _installed
    if _installed:
        return
    _installed = True
    make_record = logging.getLogRecordFactory()

    def masked_record(*args, **kwargs) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed log call: leave it to logging's own error handling
            return record
        record.msg, record.args = mask_personal_data(message), None
        return record

    logging.setLogRecordFactory(masked_record)
