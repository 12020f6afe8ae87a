"""The C allocator's settings for this process: fewer arenas, and free pages handed back after a bulk read.

glibc's malloc gives threads arenas of their own (up to eight per core). Torch's, Chroma's and the web server's
threads then each keep the memory they freed, and a process's resident size grows with how many threads ever
allocated, not with what it holds. Measured on a 382-document ingest (docs/benchmarks.md, issue #26)."""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache

_M_ARENA_MAX = -8  # mallopt's parameter number in glibc's malloc.h
ARENAS = 2


@cache
def _libc():
    path = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(path) if path else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None


def limit_arenas(count: int = ARENAS) -> bool:
    """At most ``count`` malloc arenas for threads started from now on; False where the C library is not glibc."""
    libc = _libc()
    return bool(libc is not None and libc.mallopt(_M_ARENA_MAX, count) == 1)


def release_free_memory() -> bool:
    """Hand the heap's free pages back to the system (after a bulk read whose buffers are gone)."""
    libc = _libc()
    return bool(libc is not None and libc.malloc_trim(0) in (0, 1))
