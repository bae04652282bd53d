"""The assistant with its WeChat and Telegram channels enabled, as an operator enables them,
talking to the fake platforms (bench/fake_wechat.py, tests/auxil/fake_telegram.py)."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Dict, Iterator, Mapping, Optional

from bench.fake_wechat import FakeWeChatApi, OfficialAccount
from tests.auxil.fake_telegram import FakeBotApi, telegram_env
from tests.auxil.stack import Stack, running_stack, trained_model
from tests.auxil.survey_jobs import credentials_with

CHAT_CHANNELS = ("channels.telegram.TelegramInput", "channels.wechat.WeChatInput")


def platform_env(bot_api: FakeBotApi, wechat_api: FakeWeChatApi, account: OfficialAccount) -> Dict[str, str]:
    """The environment both channels read: secrets, and the fake platforms' addresses."""
    return {**telegram_env(bot_api.url), **account.env(), "WECHAT_API_BASE_URL": wechat_api.url}


@contextmanager
def running_stack_on_platforms(workdir: Path, bot_api: FakeBotApi, wechat_api: FakeWeChatApi,
                               account: OfficialAccount, extra_env: Optional[Mapping[str, str]] = None,
                               **kwargs: Any) -> Iterator[Stack]:
    """`running_stack` with both chat channels in its credentials.yml (other arguments as there)."""
    workdir.mkdir(parents=True, exist_ok=True)
    credentials = workdir / "credentials.yml"
    credentials.write_text(credentials_with(*CHAT_CHANNELS), encoding="utf-8")
    env = {**platform_env(bot_api, wechat_api, account), **(extra_env or {})}
    with running_stack(workdir, trained_model(), credentials=credentials, extra_env=env, **kwargs) as stack:
        yield stack
