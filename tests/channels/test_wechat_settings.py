"""The channel is configured from credentials.yml (secrets from the environment) and
config/channels.yml, and says what to fix when something is missing."""
from __future__ import annotations

import pytest
import yaml

from channels.wechat.settings import WeChatSettings
from bench.fake_wechat import OfficialAccount, credentials_with_wechat

ACCOUNT = OfficialAccount()
CREDENTIALS = {"token": ACCOUNT.token, "app_id": ACCOUNT.app_id, "app_secret": ACCOUNT.app_secret,
               "encoding_aes_key": ACCOUNT.encoding_aes_key}


def test_the_documented_entry_reads_every_secret_from_the_environment():
    entry = yaml.safe_load(credentials_with_wechat())["channels.wechat.WeChatInput"]
    assert entry == {"token": "${WECHAT_TOKEN}", "app_id": "${WECHAT_APP_ID}",
                     "app_secret": "${WECHAT_APP_SECRET}", "encoding_aes_key": "${WECHAT_ENCODING_AES_KEY}"}


def test_defaults_need_only_the_secrets():
    settings = WeChatSettings.load(CREDENTIALS, environ={})
    assert settings.api_base_url == "https://api.weixin.qq.com" and settings.redis_url is None
    assert settings.passive_reply_seconds < 5 and settings.max_message_bytes <= 2048
    assert settings.menu == {"COMPLAINT": "/complain_general", "PROGRESS": "/ask_progress"}


def test_the_api_host_and_redis_come_from_the_environment():
    settings = WeChatSettings.load(CREDENTIALS, environ={"WECHAT_API_BASE_URL": "http://127.0.0.1:9/",
                                                         "REDIS_URL": "redis://cache:6379/1"})
    assert (settings.api_base_url, settings.redis_url) == ("http://127.0.0.1:9", "redis://cache:6379/1")


def test_missing_secrets_name_their_variables():
    with pytest.raises(ValueError, match=r"app_secret \(\$\{WECHAT_APP_SECRET\}\)"):
        WeChatSettings.load({**CREDENTIALS, "app_secret": ""}, environ={})


def test_a_wrong_aes_key_is_refused_at_start():
    with pytest.raises(ValueError, match="43-character EncodingAESKey"):
        WeChatSettings.load({**CREDENTIALS, "encoding_aes_key": "too-short"}, environ={})
    assert WeChatSettings.load({**CREDENTIALS, "encoding_aes_key": ""}, environ={}).encoding_aes_key is None
