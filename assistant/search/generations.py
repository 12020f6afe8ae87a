"""Rebuilds beside the index, never in it (issue 22).

Why: Chroma 1.5.9's HNSW index only marks a deleted vector as deleted and keeps it in its graph. After a
rebuild in place (every chunk deleted, then added again) the graph is mostly such dead nodes, and some
live chunks can no longer be reached by ``query``, not even with their own vector as the query, although
``get`` and ``count`` still list them; a new process loading the same files reached them all again.
Measured on 163 chunks rebuilt in place 8 times: 1 to 72 chunks out of reach (the first test of
tests/test_rebuild.py), and as many when they came back under new ids. Deleting first also left every
search empty while the documents were embedded again.

How: an index is a series of *generations*. A rebuild fills a new collection ``<base>--<8 hex>`` while
searches read the active one; when it is complete, one write to the *pointer* (the metadata of the empty
collection ``<base>--active``: ``{"active": <name>}``) switches every store (store.py: they follow), and
the generation it replaced is dropped. An index without a pointer (any index before its first rebuild)
is the collection ``<base>``. One writer at a time is assumed (docs/deploy.md: ingest from one place):
a rebuild killed half-way leaves a collection that no pointer names, and the next ingest drops it first.
"""

from __future__ import annotations

import re
import uuid

from assistant.search.store import CONFIGURATION, POINTER, ChunkStore, _guarded, _is_gone, active_name


def is_generation(base: str, name: str) -> bool:
    return re.fullmatch(re.escape(base) + r"--[0-9a-f]{8}", name) is not None


@_guarded
def new_generation(store: ChunkStore) -> ChunkStore:
    """An empty collection beside the active one, for a rebuild to fill; ``switch`` makes it active."""
    name = f"{store.base}--{uuid.uuid4().hex[:8]}"
    return store.pinned(store.client.create_collection(name, embedding_function=None, configuration=CONFIGURATION))


@_guarded
def switch(store: ChunkStore, generation: ChunkStore) -> None:
    """Make a complete generation the one every store reads, in one write; then drop the one it replaces.

    The retired collection is first told where the index went (``{"active": <new>}``), so a replica still
    reading it moves at its next ``version()`` even if this process dies before the drop."""
    client, old = store.client, active_name(store.client, store.base)
    generation.bump_version()
    pointer = client.get_or_create_collection(store.base + POINTER, embedding_function=None)
    pointer.modify(metadata={"active": generation.name})  # the switch
    try:
        client.get_collection(old, embedding_function=None).modify(metadata={"active": generation.name})
    except Exception as exc:
        if not _is_gone(exc):
            raise
    store.follow(generation.name)
    discard(store, old)


def discard(store: ChunkStore, name: str) -> None:
    """Drop a collection of this index; one already gone is no error."""
    try:
        store.client.delete_collection(name)
    except Exception as exc:
        if not _is_gone(exc):
            raise


@_guarded
def remove_strays(store: ChunkStore) -> list[str]:
    """Drop what a rebuild killed half-way left: this index's collections that the pointer does not name
    (a half-built generation; the one a switch replaced if the process died before dropping it)."""
    if store.client is None:
        return []
    active = active_name(store.client, store.base)
    names = {c.name for c in store.client.list_collections()}
    if active not in names:  # a pointer to nothing: never guess what to drop
        return []
    store.follow(active)
    with_pointer = store.base + POINTER in names
    stray = sorted(
        n for n in names if n != active and (is_generation(store.base, n) or (n == store.base and with_pointer))
    )
    for name in stray:
        discard(store, name)
    return stray
