"""Personal data never reaches the logs in full."""
import logging

from bot.privacy import install_log_masking, mask_personal_data


def test_masks_phones_ids_and_emails_but_keeps_order_numbers():
    masked = mask_personal_data(
        "电话13812345678 +86 139-1234-5678 座机021-12345678 身份证110101199003071234 "
        "邮箱zhang.san@qq.com 订单DD20261101001")
    for secret in ("13812345678", "1234-5678", "12345678", "199003071234", "zhang.san"):
        assert secret not in masked
    assert "138****5678" in masked and "DD20261101001" in masked


def test_every_logger_is_masked_once_installed(caplog):
    install_log_masking()
    with caplog.at_level(logging.INFO):
        logging.getLogger("some.library").info("user said %s", "我的手机是13812345678")
    assert "13812345678" not in caplog.text and "138****5678" in caplog.text
