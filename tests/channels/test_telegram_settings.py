"""The channel is configured from credentials.yml (secrets from the environment) and
config/channels.yml, and the webhook is set once from the command line."""
from __future__ import annotations

import pytest
import yaml

from cli.commands import main
from channels.telegram.settings import ALLOWED_UPDATES, TelegramSettings
from tests.auxil.fake_telegram import SECRET, TOKEN, credentials_with_telegram, fake_bot_api, telegram_env

CREDENTIALS = {"token": TOKEN, "secret_token": SECRET}


def test_the_documented_entry_reads_every_secret_from_the_environment():
    entry = yaml.safe_load(credentials_with_telegram())["channels.telegram.TelegramInput"]
    assert entry == {"token": "${TELEGRAM_BOT_TOKEN}", "secret_token": "${TELEGRAM_WEBHOOK_SECRET}"}


def test_defaults_need_only_the_secrets():
    settings = TelegramSettings.load(CREDENTIALS, environ={})
    assert settings.bot_urls == ("https://api.telegram.org/bot", "https://api.telegram.org/file/bot")
    assert settings.redis_url is None and settings.connection_pool_size > 1
    assert settings.commands == {"start": "/greet", "complaint": "/complain_general", "status": "/ask_progress"}


def test_missing_or_unusable_secrets_say_what_to_set():
    with pytest.raises(ValueError, match=r"secret_token \(\$\{TELEGRAM_WEBHOOK_SECRET\}\)"):
        TelegramSettings.load({**CREDENTIALS, "secret_token": ""}, environ={})
    with pytest.raises(ValueError, match="letters, digits, _ or -"):
        TelegramSettings.load({**CREDENTIALS, "secret_token": "with spaces!"}, environ={})


def test_set_webhook_gives_telegram_the_url_secret_and_update_types(monkeypatch, capsys):
    with fake_bot_api() as api:
        for name, value in telegram_env(api.url).items():
            monkeypatch.setenv(name, value)
        assert main(["telegram", "set-webhook", "--url", "https://bot.example.com/webhooks/tg/webhook"]) == 0
        [call] = api.calls_of("setWebhook")
    assert call.params["url"] == "https://bot.example.com/webhooks/tg/webhook"
    assert call.params["secret_token"] == SECRET and call.params["allowed_updates"] == list(ALLOWED_UPDATES)
    assert "@complaints_test_bot" in capsys.readouterr().out


def test_set_webhook_refuses_plain_http_and_missing_secrets(monkeypatch, capsys):
    monkeypatch.delenv("TELEGRAM_WEBHOOK_SECRET", raising=False)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    assert main(["telegram", "set-webhook", "--url", "http://bot.example.com/webhooks/tg/webhook"]) == 2
    assert "HTTPS only" in capsys.readouterr().err
    assert main(["telegram", "set-webhook", "--url", "https://bot.example.com/webhooks/tg/webhook"]) == 2
    assert "TELEGRAM_WEBHOOK_SECRET" in capsys.readouterr().err
