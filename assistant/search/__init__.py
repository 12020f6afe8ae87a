"""Search: the index and the ways to query it.

``store`` is the Chroma collection (with ``generations``: rebuilds beside the live index), ``embeddings``
(and ``e5_torch``) turn text into vectors, ``keyword`` is the BM25 index kept in step with the store, and
``hybrid`` fuses dense and keyword rankings into the ``Hit`` list the answer pipeline reads, with filters,
place ranking and per-party quotas, and ``naming`` finds the one document a question singles out.
"""
