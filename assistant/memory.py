"""Memory settings for this process: fewer malloc arenas, a small oneDNN kernel cache, and free pages handed back
after a bulk read.

glibc's malloc gives threads arenas of their own (up to eight per core). Torch's, Chroma's and the web server's
threads then each keep the memory they freed, and a process's resident size grows with how many threads ever
allocated, not with what it holds. oneDNN (torch's CPU kernels for e5) keeps a compiled kernel with its buffers
for each of the last 1,024 tensor shapes it ran; an ingest runs hundreds of batch shapes. Measured on a
382-document ingest (docs/ingestion.md, issue #26)."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from functools import cache

_M_ARENA_MAX = -8  # mallopt's parameter number in glibc's malloc.h
ARENAS = 2
KERNEL_CACHE = 8  # oneDNN kernels kept; 8 cost no ingest time against 1,024 and 70 MB less peak memory


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


def limit_kernel_cache(capacity: int = KERNEL_CACHE) -> None:
    """At most ``capacity`` oneDNN kernels cached, unless the environment says otherwise; before torch runs one."""
    os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", str(capacity))


def prepare_process() -> None:
    """Both limits, for an entry point to call before any library starts a thread or a kernel."""
    limit_arenas()
    limit_kernel_cache()


def release_free_memory() -> bool:
    """Hand the heap's free pages back to the system (after a bulk read whose buffers are gone)."""
    libc = _libc()
    return bool(libc is not None and libc.malloc_trim(0) in (0, 1))
