"""The Redis lock store shared by Rasa servers: processes taking one conversation's lock at the
same moment get it one at a time, and none of them fails; a dead server's ticket expires."""
from __future__ import annotations

import subprocess
import sys
import time
import uuid
from typing import Any, Dict

import redis
from rasa.core.lock_store import RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from rasa_ext.lock_store import AtomicRedisLockStore
from tests.auxil.stack import ROOT, server_env

PROCESSES, TASKS = 3, 10

# One server: TASKS messages of the conversation at once, each noting in Redis when it holds
# the lock; it starts when all processes are ready.
SERVER = """
import asyncio, sys, time, redis
from rasa.utils.endpoints import EndpointConfig
from rasa_ext.lock_store import AtomicRedisLockStore

host, port, db, password, prefix, processes, tasks = sys.argv[1:]
store = AtomicRedisLockStore(EndpointConfig(url=host, port=port, db=db, password=password or None,
                                            key_prefix=prefix))
log = redis.Redis(host=host, port=int(port), db=int(db), password=password or None)
log.incr(prefix + "ready")
while int(log.get(prefix + "ready")) < int(processes):
    time.sleep(0.01)

async def message():
    async with store.lock("conversation", wait_time_in_seconds=0.01):
        log.rpush(prefix + "held", "in")
        await asyncio.sleep(0.005)
        log.rpush(prefix + "held", "out")

async def main():
    await asyncio.gather(*(message() for _ in range(int(tasks))))

asyncio.run(main())
"""


def test_concurrent_processes_hold_a_conversation_lock_one_at_a_time(redis_settings: Dict[str, Any]):
    prefix = f"locktest{uuid.uuid4().hex[:8]}"
    args = [str(redis_settings.get("host", "127.0.0.1")), str(redis_settings.get("port", 6379)),
            str(redis_settings.get("db", 0)), redis_settings.get("password") or "", prefix,
            str(PROCESSES), str(TASKS)]
    servers = [subprocess.Popen([sys.executable, "-c", SERVER, *args], cwd=ROOT, env=server_env({}),
                                stderr=subprocess.PIPE, text=True) for _ in range(PROCESSES)]
    errors = [server.communicate(timeout=120)[1] for server in servers]
    log = redis.Redis(**redis_settings)
    try:
        held = [item.decode() for item in log.lrange(prefix + "held", 0, -1)]
        assert all(server.returncode == 0 for server in servers), "\n".join(errors)[-3000:]
        assert held == ["in", "out"] * PROCESSES * TASKS, "each message held the lock alone"
    finally:
        log.delete(prefix + "held", prefix + "ready")
        log.close()


def test_an_expired_ticket_stops_blocking_and_the_lock_reads_as_rasas(redis_settings: Dict[str, Any]):
    """A server that died holding a conversation's lock blocks it only until the ticket
    expires; the stored lock is Rasa's format (its own `get_lock` reads it); the last ticket
    served removes the lock."""
    store = AtomicRedisLockStore(EndpointConfig(
        url=str(redis_settings.get("host", "127.0.0.1")), port=redis_settings.get("port", 6379),
        db=redis_settings.get("db", 0), password=redis_settings.get("password"),
        key_prefix=f"locktest{uuid.uuid4().hex[:8]}"))
    crashed = store.issue_ticket("conversation", lock_lifetime=0.2)
    waiting = store.issue_ticket("conversation", lock_lifetime=30)
    lock = RedisLockStore.get_lock(store, "conversation")
    assert [ticket.number for ticket in lock.tickets] == [crashed, waiting] == [0, 1]
    assert lock.is_locked(waiting)
    time.sleep(0.3)
    store.update_lock("conversation")
    assert not store.get_lock("conversation").is_locked(waiting)
    store.cleanup("conversation", waiting)
    assert store.get_lock("conversation") is None
    assert store.issue_ticket("conversation") == 0, "numbering starts again once the lock is gone"
    store.cleanup("conversation", 0)
