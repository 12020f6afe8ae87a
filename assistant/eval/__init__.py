"""Evaluation: `python -m assistant eval retrieval|answers` (``command``), the shared question and corpus
helpers (``data``), retrieval recall beside a LangChain tutorial baseline (``retrieval``) and whole answers
scored for correctness and trust (``answers``)."""
