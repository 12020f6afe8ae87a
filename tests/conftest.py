from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SAMPLE = ROOT / "documents" / "ai-plus-manufacturing-policy.txt"

os.environ.setdefault("OMP_NUM_THREADS", "2")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def shared_path(*parts: str) -> Path:
    """A file of ../shared; a test needing a missing one is skipped on a laptop and fails in CI (env ``CI``),
    where a green run must mean every test ran."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        message = f"shared data {path} is not present beside the project"
        if in_ci():
            pytest.fail(f"{message}: CI must check out ../shared", pytrace=False)
        pytest.skip(message)
    return path


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def embeddings():
    """The real embedding model: for tests of retrieval, grounding and answers."""
    from assistant.search.embeddings import make_embeddings

    return make_embeddings("e5", threads=2)


def fake_embedding_model(size: int = 64):
    """Deterministic vectors from a hash of the text, computed instantly: some vectors, no meaning."""
    from langchain_core.embeddings import DeterministicFakeEmbedding

    return DeterministicFakeEmbedding(size=size)


@pytest.fixture(scope="session")
def fake_embeddings():
    """For tests that need an index but measure neither which passage ranks first nor what an answer says
    (documents, uploads, previews, plumbing). A module switches its ``services``/``indexed`` to it with

        @pytest.fixture(scope="module")
        def embeddings(fake_embeddings):
            return fake_embeddings
    """
    return fake_embedding_model()


@pytest.fixture
def docs_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "documents"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / SAMPLE.name)
    return folder


@pytest.fixture
def settings(tmp_path: Path, docs_dir: Path):
    from assistant.settings import Settings

    return Settings(documents_dir=docs_dir, index_dir=tmp_path / "index")


@pytest.fixture
def services(settings, embeddings):
    """Real Chroma in tmp_path, the real embedding model; the LLM is set per test."""
    from assistant import app

    built = app.build_services(settings)
    built.__dict__["embeddings"] = embeddings  # share the loaded model across tests
    return built


@pytest.fixture
def indexed(services):
    report = services.ingest()
    assert report.failed == []
    return services


@pytest.fixture(scope="session")
def real_chat_model():
    """The real default model (Qwen2.5-Coder-1.5B Q4_K_M via llama.cpp), loaded once per session."""
    from assistant.llm.backends import make_chat_model
    from assistant.settings import Settings

    return make_chat_model(Settings())


@pytest.fixture(scope="session")
def dev_questions() -> list[dict]:
    return read_jsonl(shared_path("eval", "dev_questions.jsonl"))
