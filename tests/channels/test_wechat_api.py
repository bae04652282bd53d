"""The customer-service message API: one shared access_token, fetched again before it expires,
and refusals that mean "cannot reach the customer now" never retried."""
from __future__ import annotations

import asyncio

import pytest

from channels.keyvalue import KeyValue, MemoryKeyValue, RedisKeyValue
from channels.wechat.api import CustomerServiceApi, Unreachable
from bench.fake_wechat import FakeWeChatApi, OfficialAccount, fake_wechat_api

ACCOUNT = OfficialAccount()


def _api(fake: FakeWeChatApi, tokens: KeyValue) -> CustomerServiceApi:
    return CustomerServiceApi(ACCOUNT.app_id, ACCOUNT.app_secret, fake.url, tokens)


async def test_messages_arrive_and_the_token_is_fetched_once(wechat_api: FakeWeChatApi, keyvalue: KeyValue):
    api = _api(wechat_api, keyvalue)
    await asyncio.gather(*(api.send_text("o-customer", f"第{n}条") for n in range(5)))
    assert sorted(wechat_api.delivered("o-customer")) == sorted(f"第{n}条" for n in range(5))
    assert wechat_api.token_fetches == 1


async def test_instances_share_one_token_through_redis(wechat_api: FakeWeChatApi,
                                                       redis_keyvalue: RedisKeyValue, redis_url: str):
    await _api(wechat_api, redis_keyvalue).send_text("o-customer", "一")
    await _api(wechat_api, RedisKeyValue(redis_url, redis_keyvalue.prefix)).send_text("o-customer", "二")
    assert wechat_api.delivered("o-customer") == ["一", "二"]
    assert wechat_api.token_fetches == 1


async def test_the_token_is_fetched_again_before_it_expires():
    with fake_wechat_api(expires_in=2) as fake:  # kept for 1 s: half its life, at most 300 s early
        api = _api(fake, MemoryKeyValue())
        await api.send_text("o-customer", "一")
        await asyncio.sleep(1.2)
        await api.send_text("o-customer", "二")
        assert fake.token_fetches == 2 and fake.delivered("o-customer") == ["一", "二"]


async def test_a_revoked_token_is_replaced_once(wechat_api: FakeWeChatApi):
    api = _api(wechat_api, MemoryKeyValue())
    await api.send_text("o-customer", "一")
    wechat_api.revoke_tokens()
    await api.send_text("o-customer", "二")
    assert wechat_api.delivered("o-customer") == ["一", "二"] and wechat_api.token_fetches == 2


@pytest.mark.parametrize("errcode", [45015, 45047, 43004])
async def test_an_unreachable_customer_is_tried_once(wechat_api: FakeWeChatApi, errcode: int):
    wechat_api.refuse["o-away"] = errcode
    with pytest.raises(Unreachable) as raised:
        await _api(wechat_api, MemoryKeyValue()).send_text("o-away", "您好")
    assert raised.value.errcode == errcode
    assert wechat_api.tried("o-away") == 1
