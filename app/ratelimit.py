"""Rate limits in Redis in one round trip per limited request.

Flask-Limiter counts a hit (INCRBY, EXPIRE on the first) and then, for the ``X-RateLimit-*``
headers, reads the count (GET) and the window's end (TTL): three round trips. This storage,
used for the ``redis://`` (``rediss://``, ``redis+unix://``) URIs from the moment this module
is imported (app/extensions.py), returns the count and the TTL from the one script that counts
the hit, and answers the header's GET and TTL that follow in the same request from them.
Anything else (a ``test`` before a hit, another request) still asks Redis.
"""

import threading
import time

from limits.storage import RedisStorage

INCR_EXPIRE_TTL = """
local current = redis.call("incrby", KEYS[1], tonumber(ARGV[2]))
if current == tonumber(ARGV[2]) then
    redis.call("expire", KEYS[1], ARGV[1])
end
return {current, redis.call("ttl", KEYS[1])}
"""


class OneTripRedisStorage(RedisStorage):
    STORAGE_SCHEME = ["redis", "rediss", "redis+unix"]

    def initialize_storage(self, uri: str) -> None:
        super().initialize_storage(uri)
        self.lua_incr_expire_ttl = self.get_connection().register_script(INCR_EXPIRE_TTL)
        self._hits = threading.local()

    def _fresh(self) -> dict:
        if not hasattr(self._hits, "counts"):
            self._hits.counts = {}
        return self._hits.counts

    def forget(self) -> None:
        """Drop what the hits said (called when each request ends)."""
        self._fresh().clear()

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        current, ttl = self.lua_incr_expire_ttl([self.prefixed_key(key)], [expiry, amount])
        self._fresh()[key] = (int(current), max(int(ttl), 0) + time.time())
        return int(current)

    def get(self, key: str) -> int:
        known = self._fresh().get(key)
        return known[0] if known is not None else super().get(key)

    def get_expiry(self, key: str) -> float:
        known = self._fresh().pop(key, None)
        return known[1] if known is not None else super().get_expiry(key)
