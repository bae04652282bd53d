"""A Redis lock store that several Rasa servers can share.

Rasa's `RedisLockStore` reads a conversation's ticket lock, changes it and writes it back in
separate commands. Two servers receiving messages of one conversation at the same moment then
overwrite each other's tickets: a message fails with `LockError` ("Could not acquire lock") and
is lost, or two messages are processed at once. (Rasa fixed this only in its commercial
edition's `ConcurrentRedisLockStore`, RasaHQ/rasa#11256.) Here every change of a lock is one
Lua script, which Redis runs atomically: one round trip, where a WATCH/MULTI transaction took
three or more, each blocking the server's event loop (a tenth of a turn in the scale-out setup).
The lock is stored as Rasa stores it (`TicketLock.dumps`), so Rasa's own reads still work.

endpoints.yml: `lock_store: {type: rasa_ext.lock_store.AtomicRedisLockStore, url: …, port: …,
db: …, password: …, key_prefix: …}` — the same settings as Rasa's `type: redis`.
"""
from __future__ import annotations

import time
from typing import Text

from rasa.core.lock import NO_TICKET_ISSUED
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

# Keeps the lock's unexpired tickets except ticket ARGV[3], then appends a new ticket expiring
# at ARGV[4] if that is given; stores the lock (deleted when no ticket is left) and returns the
# new ticket's number. KEYS[1]: the lock; ARGV: conversation id, now, ticket to remove, expiry.
# Tickets are kept as Rasa writes them: a JSON list of JSON-encoded {"number", "expires"}.
_CHANGE_LOCK = """
local now, removed, expires = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local kept, last = {}, %d
local stored = redis.call('GET', KEYS[1])
if stored then
  for _, encoded in ipairs(cjson.decode(stored).tickets or {}) do
    local ticket = cjson.decode(encoded)
    if ticket.expires >= now and ticket.number ~= removed then
      table.insert(kept, encoded)
      last = ticket.number
    end
  end
end
local number = nil
if expires then
  number = last + 1
  table.insert(kept, cjson.encode({number = number, expires = expires}))
end
if #kept == 0 then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], cjson.encode({conversation_id = ARGV[1], tickets = kept}))
end
return number
""" % NO_TICKET_ISSUED

_NONE = ""  # no ticket to remove, or no ticket to issue


class AtomicRedisLockStore(RedisLockStore):
    """`RedisLockStore` whose read-modify-write steps are atomic across processes."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        super().__init__(host=endpoint_config.url or "localhost", **endpoint_config.kwargs)
        self._change_lock = self.red.register_script(_CHANGE_LOCK)

    def _change(self, conversation_id: Text, remove: object = _NONE, expires: object = _NONE) -> object:
        return self._change_lock(keys=[self.key_prefix + conversation_id],
                                 args=[conversation_id, repr(time.time()), remove, expires])

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        try:
            return int(self._change(conversation_id, expires=repr(time.time() + lock_lifetime)))
        except Exception as exc:
            raise LockError(f"Error while acquiring lock. Error:\n{exc}") from exc

    def update_lock(self, conversation_id: Text) -> None:
        self._change(conversation_id)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        self._change(conversation_id, remove=ticket_number)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        # Removing the last ticket deletes the lock in the same script, so a ticket another
        # server issued in between is never deleted with it.
        self.finish_serving(conversation_id, ticket_number)
