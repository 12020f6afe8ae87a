"""The two in-memory caches the assistant uses, thread-safe: ``LRU`` keeps the most recent values (query
and sentence vectors), ``PerVersion`` keeps one value derived from the index and recomputes it only when
the index's version changes (documents listed, places indexed, funding records, the status line)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LRU(Generic[K, V]):
    """At most ``size`` values; reading one makes it the most recent, adding one drops the least recent."""

    def __init__(self, size: int):
        self.size = size
        self._values: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            if key not in self._values:
                return None
            self._values.move_to_end(key)
            return self._values[key]

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self.size:
                self._values.popitem(last=False)

    def get_or_compute(self, key: K, compute: Callable[[], V]) -> V:
        """The cached value, or ``compute()`` (run outside the lock, so a slow one blocks no other key)."""
        value = self.get(key)
        if value is None:
            value = compute()
            self.put(key, value)
        return value

    def __contains__(self, key: K) -> bool:
        with self._lock:
            return key in self._values

    def __len__(self) -> int:
        return len(self._values)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


class PerVersion(Generic[V]):
    """``compute()``'s value, recomputed only when ``version()`` returns something new.

    ``version`` is read on every call (``ChunkStore.version`` is cheap and follows changes made by other
    processes); ``compute`` runs under a lock, so concurrent readers of a new version compute it once."""

    def __init__(self, version: Callable[[], object], compute: Callable[[], V]):
        self._version, self._compute = version, compute
        self._lock = threading.Lock()
        self._cached: tuple[object, V] | None = None

    def get(self) -> V:
        version = self._version()
        with self._lock:
            if self._cached is None or self._cached[0] != version:
                self._cached = (version, self._compute())
            return self._cached[1]
