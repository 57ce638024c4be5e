"""A cache that keeps working when Redis does not answer.

The default cache holds what pages can recompute (dashboards' history) and what must hold during
an outage too (login rate limits, locks). `FailoverCache` sends every call to Redis; when Redis
fails (refused, timed out), it sends the calls to the database cache table for a short while,
then tries Redis again. Pages stay up and the login rate limits keep counting.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# Redis is left alone for this long after a failure, so that each request does not wait for it.
RETRY_AFTER_SECONDS = 10.0
_FAILURES = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)


class FailoverCache(BaseCache):
    """OPTIONS: PRIMARY (a Redis cache alias) and FALLBACK (a database cache alias)."""

    def __init__(self, location: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        self._primary_alias: str = options.pop("PRIMARY")
        self._fallback_alias: str = options.pop("FALLBACK")
        super().__init__({**params, "OPTIONS": options})
        self._primary_down_until = 0.0

    @property
    def primary_down(self) -> bool:
        return time.monotonic() < self._primary_down_until

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        if not self.primary_down:
            try:
                return getattr(caches[self._primary_alias], method)(*args, **kwargs)
            except _FAILURES as error:
                self._primary_down_until = time.monotonic() + RETRY_AFTER_SECONDS
                logger.warning("cache: Redis unavailable, using the database cache: %s", error)
        return getattr(caches[self._fallback_alias], method)(*args, **kwargs)

    def add(self, key: Any, value: Any, timeout: Any = None, version: Any = None) -> bool:
        return bool(self._call("add", key, value, timeout, version=version))

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._call("get", key, default, version=version)

    def set(self, key: Any, value: Any, timeout: Any = None, version: Any = None) -> None:
        self._call("set", key, value, timeout, version=version)

    def touch(self, key: Any, timeout: Any = None, version: Any = None) -> bool:
        return bool(self._call("touch", key, timeout, version=version))

    def delete(self, key: Any, version: Any = None) -> bool:
        return bool(self._call("delete", key, version=version))

    def get_many(self, keys: Any, version: Any = None) -> dict[Any, Any]:
        return dict(self._call("get_many", keys, version=version))

    def has_key(self, key: Any, version: Any = None) -> bool:
        return bool(self._call("has_key", key, version=version))

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        return int(self._call("incr", key, delta, version=version))

    def set_many(self, data: Any, timeout: Any = None, version: Any = None) -> list[Any]:
        return list(self._call("set_many", data, timeout, version=version) or [])

    def delete_many(self, keys: Any, version: Any = None) -> None:
        self._call("delete_many", keys, version=version)

    def clear(self) -> None:
        """Both: what was written to the fallback during an outage must not outlive a clear."""
        for alias in (self._primary_alias, self._fallback_alias):
            clear: Callable[[], None] = caches[alias].clear
            try:
                clear()
            except _FAILURES:
                logger.warning("cache: could not clear %s", alias)
