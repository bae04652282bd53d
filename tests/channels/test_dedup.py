"""WeChat's retries never make a second turn: the first delivery is processed, a retry gets its
answer (the same passive reply, or `success`), across server instances; but a retry of a message
whose server died mid-turn is processed once the dead server's claim has lapsed."""
from __future__ import annotations

import asyncio

from channels.dedup import Answered, Deliveries
from channels.keyvalue import KeyValue, RedisKeyValue


def _deliveries(store: KeyValue, lease_s: float = 30) -> Deliveries:
    return Deliveries(store, remember_s=60, lease_s=lease_s, poll_s=0.02)


async def _deadline(seconds: float) -> float:
    return asyncio.get_running_loop().time() + seconds


async def test_only_the_first_delivery_is_processed(keyvalue: KeyValue):
    deliveries = _deliveries(keyvalue)
    assert await deliveries.claim("msg:1") is True
    assert await deliveries.claim("msg:1") is False
    assert await deliveries.claim("msg:2") is True


async def test_a_retry_during_processing_waits_for_the_passive_reply(keyvalue: KeyValue):
    deliveries = _deliveries(keyvalue)
    await deliveries.claim("msg:1")
    retry = asyncio.ensure_future(deliveries.claim_or_wait("msg:1", await _deadline(3)))
    await asyncio.sleep(0.1)
    assert not retry.done(), "the retry waits while the first delivery is being answered"
    await deliveries.replied("msg:1", "好的，已经帮您记下了。")
    assert await asyncio.wait_for(retry, 1) == Answered("好的，已经帮您记下了。")
    assert await deliveries.claim_or_wait("msg:1", await _deadline(0)) == Answered("好的，已经帮您记下了。"), \
        "a later retry gets the same reply"


async def test_a_retry_answers_success_when_the_answer_is_pushed_or_late(keyvalue: KeyValue):
    deliveries = _deliveries(keyvalue)
    await deliveries.claim("msg:pushed")
    await deliveries.pushed("msg:pushed")
    assert await deliveries.claim_or_wait("msg:pushed", await _deadline(3)) == Answered(None)

    await deliveries.claim("msg:slow")
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await deliveries.claim_or_wait("msg:slow", await _deadline(0.3)) == Answered(None)
    assert 0.2 <= loop.time() - started < 1.0, "waits until its own deadline, no longer"


async def test_instances_sharing_redis_process_a_message_once(redis_keyvalue: RedisKeyValue,
                                                               redis_url: str):
    first = _deliveries(redis_keyvalue)
    second = _deliveries(RedisKeyValue(redis_url, redis_keyvalue.prefix))  # another server
    assert await first.claim("msg:7") is True
    assert await second.claim("msg:7") is False
    await first.replied("msg:7", "收到")
    assert await second.claim_or_wait("msg:7", await _deadline(1)) == Answered("收到")


async def test_a_claim_held_while_processing_outlives_its_lease(redis_keyvalue: RedisKeyValue,
                                                                 redis_url: str):
    first = _deliveries(redis_keyvalue, lease_s=0.3)
    second = _deliveries(RedisKeyValue(redis_url, redis_keyvalue.prefix), lease_s=0.3)
    assert await first.claim("msg:8")
    async with first.held("msg:8"):
        await asyncio.sleep(1.0)  # a slow turn: three leases long
        assert await second.claim("msg:8") is False, "its server is alive: the claim was renewed"
        await first.pushed("msg:8")
    await asyncio.sleep(0.5)
    assert await second.claim_or_wait("msg:8", await _deadline(1)) == Answered(None), \
        "the answer's record is kept for the remember time, not the lease"


async def test_a_retry_processes_a_message_whose_server_died(redis_keyvalue: RedisKeyValue,
                                                              redis_url: str):
    dead = _deliveries(redis_keyvalue, lease_s=0.3)
    alive = _deliveries(RedisKeyValue(redis_url, redis_keyvalue.prefix), lease_s=0.3)
    assert await dead.claim("msg:9")  # ...and its server is killed: nobody renews the claim
    assert await alive.claim_or_wait("msg:9", await _deadline(3)) is None, \
        "a retry waiting for the answer takes the message over once the claim lapses"
    assert await dead.claim("msg:10")
    await asyncio.sleep(0.4)
    assert await alive.claim_or_wait("msg:10", await _deadline(0)) is None, \
        "a retry after the claim lapsed is processed"


async def test_without_redis_messages_are_still_processed():
    deliveries = _deliveries(RedisKeyValue("redis://127.0.0.1:1/0", "test"))
    assert await deliveries.claim("msg:1") is True, "a lost message is worse than a rare duplicate"
    await deliveries.replied("msg:1", "收到")  # logged, not raised



async def test_the_log_names_the_channel_whose_store_is_down(caplog):
    deliveries = Deliveries(RedisKeyValue("redis://127.0.0.1:1/0", "test"), remember_s=60, lease_s=30,
                            channel="tg")
    assert await deliveries.claim("update:42") is True
    assert "tg: retry check of update:42" in caplog.text and "wechat" not in caplog.text
