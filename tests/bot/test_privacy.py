"""Personal data and secrets never reach the logs in full."""
import io
import logging
import os
import subprocess
import sys

import pytest

from bot.privacy import install_log_masking, mask_personal_data

SECRET = "s3cr3t-7c1e5d-app"


def test_masks_phones_ids_and_emails_but_keeps_order_numbers():
    masked = mask_personal_data(
        "电话13812345678 +86 139-1234-5678 座机021-12345678 身份证110101199003071234 "
        "邮箱zhang.san@qq.com 订单DD20261101001")
    for secret in ("13812345678", "1234-5678", "12345678", "199003071234", "zhang.san"):
        assert secret not in masked
    assert "138****5678" in masked and "DD20261101001" in masked


@pytest.mark.parametrize("text, hidden, shown", [
    ("手机１３８１２３４５６７８", "１２３４", "138****5678"),
    ("手机138.1234.5678", "1234", "138****5678"),
    ("手机1381 234 5678", "1 234", "138****5678"),
    ("手机+86 1381 234 5678", "234", "+86 138****5678"),
    ("身份证 110101 19900307 1234", "19900307", "110101********1234"),
    ("身份证110101 1990 0307 123X", "0307", "110101********123X"),
    ("老身份证110101900307123", "900307", "110101******123"),
    ("身份证１１０１０１１９９００３０７１２３４", "１９９００３０７", "110101********1234"),
    ("邮箱zhang.san＠qq.com", "zhang.san", "邮箱***@qq.com"),
    ("座机(010)12345678", "1234", "010-****5678"),
    ("座机（０１０）１２３４５６７８", "１２３４", "010-****5678"),
    ("座机0755 1234 5678", "1234 ", "0755-****5678"),
    ("香港电话+852 9123 4567", "9123 4", "+852 91**4567"),
    ("香港 91234567", "91234567", "91**4567"),
    ("澳門 +853 6612-3456", "6612", "+853 66**3456"),
    ("台灣手機 0912-345-678", "345", "0912***678"),
    ("台灣 +886 912 345 678", "345", "+886 912***678"),
])
def test_masks_every_way_of_writing_them(text, hidden, shown):
    masked = mask_personal_data(text)
    assert hidden not in masked and shown in masked
    assert mask_personal_data(masked) == masked, "masking again changes nothing"


def test_keeps_what_is_not_personal():
    text = ("订单DD20261101001 金额199.00元 时间2026-11-28 10:30 编号TS-20261128-0001 "
            "confidence 0.0211234567 0.13812345678 0.123456789012345 timestamp 1764880608.1234567")
    assert mask_personal_data(text) == text


@pytest.fixture
def log_output() -> io.StringIO:
    """What a handler on the root logger writes, with masking installed."""
    install_log_masking()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


def test_every_logger_is_masked_once_installed(caplog):
    install_log_masking()
    with caplog.at_level(logging.INFO):
        logging.getLogger("some.library").info("user said %s", "我的手机是13812345678")
    assert "13812345678" not in caplog.text and "138****5678" in caplog.text


def test_a_line_that_cannot_be_masked_is_withheld_not_written_plain(log_output, monkeypatch):
    """At interpreter shutdown masking itself can fail (imports are gone): the line is withheld."""
    def broken(_: str) -> str:
        raise ImportError("sys.meta_path is None, Python is likely shutting down")

    monkeypatch.setattr("bot.privacy.mask_log_text", broken)
    logging.getLogger("asyncio").error("Unclosed client session of 13812345678")
    written = log_output.getvalue()
    assert "13812345678" not in written and "withheld" in written, written


def test_tracebacks_and_extra_fields_are_masked(log_output):
    try:
        raise ValueError("bad contact 13812345678 / zhang.san@qq.com")
    except ValueError:
        logging.getLogger("some.library").exception("could not save")
    logging.getLogger("sanic.access").info("", extra={"request": "GET /?phone=13912345678"})
    handler = logging.StreamHandler(log_output)
    handler.setFormatter(logging.Formatter("%(request)s"))
    logging.getLogger("sanic.access").addHandler(handler)
    try:
        logging.getLogger("sanic.access").info("", extra={"request": "GET /?phone=13912345678"})
    finally:
        logging.getLogger("sanic.access").removeHandler(handler)
    text = log_output.getvalue()
    assert "Traceback" in text and "ValueError" in text
    for secret in ("13812345678", "zhang.san", "13912345678"):
        assert secret not in text
    assert "138****5678" in text and "139****5678" in text


def test_secrets_are_redacted_from_lines_and_tracebacks(log_output, monkeypatch):
    monkeypatch.setenv("WECHAT_APP_SECRET", SECRET)
    log = logging.getLogger("channels.wechat.output")
    url = f"http://127.0.0.1:9/cgi-bin/token?grant_type=client_credential&appid=wx1&secret={SECRET}"
    try:
        raise ConnectionError(f"Max retries exceeded with url: {url}")
    except ConnectionError:
        log.exception("wechat: message to %s not delivered", "openid-1")
    log.info("POST https://api.telegram.org/bot123456789:AAE-x_yz0123/sendMessage")
    log.info("GET http://rasa:5005/status?token=tok-9f8e7d6c5b&include_events=ALL")
    log.info("headers {'Authorization': 'Bearer eyJhbGciOi.eyJ1c2Vy.c2lnbmF0dXJl'}")
    log.info("connecting to postgresql://complaints:pg-pass-123@db:5432/complaints")
    log.info("the app secret is %s", SECRET)
    text = log_output.getvalue()
    for secret in (SECRET, "AAE-x_yz0123", "tok-9f8e7d6c5b", "eyJhbGciOi", "pg-pass-123"):
        assert secret not in text
    assert "secret=***" in text and "bot***/sendMessage" in text and "include_events=ALL" in text


def test_uncaught_exceptions_are_masked_too():
    program = (
        "import os, threading\n"
        "from bot.privacy import install_log_masking\n"
        "install_log_masking()\n"
        "def fail(): raise RuntimeError('call 13812345678, secret=' + os.environ['WECHAT_APP_SECRET'])\n"
        "thread = threading.Thread(target=fail); thread.start(); thread.join()\n"
        "fail()\n")
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                            env={**os.environ, "WECHAT_APP_SECRET": SECRET})
    assert result.returncode == 1
    assert result.stderr.count("RuntimeError") == 2, result.stderr
    assert "13812345678" not in result.stderr and SECRET not in result.stderr
    assert "138****5678" in result.stderr
