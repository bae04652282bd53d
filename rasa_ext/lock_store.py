"""A Redis lock store that several Rasa servers can share.

Rasa's `RedisLockStore` reads a conversation's ticket lock, changes it and writes it back in
separate commands. Two servers receiving messages of one conversation at the same moment then
overwrite each other's tickets: a message fails with `LockError` ("Could not acquire lock") and
is lost, or two messages are processed at once. (Rasa fixed this only in its commercial
edition's `ConcurrentRedisLockStore`, RasaHQ/rasa#11256.) Here every change of a lock is one
Redis transaction (WATCH/MULTI, retried when another server changed the lock meanwhile).

endpoints.yml: `lock_store: {type: rasa_ext.lock_store.AtomicRedisLockStore, url: …, port: …,
db: …, password: …, key_prefix: …}` — the same settings as Rasa's `type: redis`.
"""
from __future__ import annotations

import json
from typing import Callable, Text, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

T = TypeVar("T")


class AtomicRedisLockStore(RedisLockStore):
    """`RedisLockStore` whose read-modify-write steps are atomic across processes."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        super().__init__(host=endpoint_config.url or "localhost", **endpoint_config.kwargs)

    def _change(self, conversation_id: Text, change: Callable[[TicketLock], T]) -> T:
        """Apply `change` to the conversation's lock (a new one if there is none) and store the
        result in one transaction; a lock left without tickets is deleted."""
        key = self.key_prefix + conversation_id

        def transaction(pipe) -> T:
            serialised = pipe.get(key)
            lock = (TicketLock.from_dict(json.loads(serialised)) if serialised
                    else self.create_lock(conversation_id))
            result = change(lock)
            pipe.multi()
            if lock.tickets:
                pipe.set(key, lock.dumps())
            else:
                pipe.delete(key)
            return result

        return self.red.transaction(transaction, key, value_from_callable=True)

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        try:
            return self._change(conversation_id, lambda lock: lock.issue_ticket(lock_lifetime))
        except Exception as exc:
            raise LockError(f"Error while acquiring lock. Error:\n{exc}") from exc

    def update_lock(self, conversation_id: Text) -> None:
        self._change(conversation_id, TicketLock.remove_expired_tickets)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        self._change(conversation_id, lambda lock: lock.remove_ticket_for(ticket_number))

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        # Removing the last ticket deletes the lock in the same transaction, so a ticket another
        # server issued in between is never deleted with it.
        self.finish_serving(conversation_id, ticket_number)
