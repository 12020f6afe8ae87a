"""The command-line contract: `python -m assistant ingest|search|ask`, JSON shapes on stdout."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from .conftest import ROOT


def run_cli(*args: str, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "OMP_NUM_THREADS": "2", **(env_extra or {})}
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args], cwd=ROOT, capture_output=True, text=True, env=env, timeout=600
    )


def json_lines(result: subprocess.CompletedProcess) -> list[dict]:
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.fixture
def paths(tmp_path, docs_dir):
    return ["--documents", str(docs_dir), "--index", str(tmp_path / "index")]


def test_ingest_json_shape_and_second_run_is_a_no_op(paths):
    (first,) = json_lines(run_cli("ingest", "--json", *paths))
    assert {"added", "updated", "removed", "unchanged", "chunks", "failed"} <= set(first)  # keys may be added
    assert first["added"] == 1 and first["chunks"] >= 5 and first["failed"] == []
    (second,) = json_lines(run_cli("ingest", "--json", *paths))
    assert (second["added"], second["updated"], second["removed"], second["unchanged"]) == (0, 0, 0, 1)
    assert second["chunks"] == first["chunks"]


def test_search_json_returns_ranked_hits_with_the_evidence(paths, tmp_path):
    json_lines(run_cli("ingest", "--json", *paths))
    (result,) = json_lines(run_cli("search", "funding cap for demonstration projects", "--k", "3", "--json", *paths))
    assert result["query"] == "funding cap for demonstration projects"
    assert [hit["rank"] for hit in result["hits"]] == [1, 2, 3]
    for hit in result["hits"]:
        assert {"rank", "score", "source", "title", "section", "text"} <= set(hit)
        assert hit["source"] == "ai-plus-manufacturing-policy.txt"
    assert any("up to RMB 30 million" in hit["text"] for hit in result["hits"])

    queries = tmp_path / "queries.txt"
    queries.write_text("Shenzhen action plans\n\nJin Zhuanglong\n", encoding="utf-8")
    results = json_lines(run_cli("search", "--from-file", str(queries), "--json", *paths))
    assert [r["query"] for r in results] == ["Shenzhen action plans", "Jin Zhuanglong"]


def test_bad_filter_is_a_clear_error(paths):
    result = run_cli("search", "x", "--where", "nonsense", "--json", *paths)
    assert result.returncode == 2
    assert "Cannot read filter" in result.stderr
    assert result.stdout == ""


@pytest.mark.llm
def test_ask_json_answers_four_action_plans_with_a_citation(paths):
    json_lines(run_cli("ingest", "--json", *paths))
    (answer,) = json_lines(run_cli("ask", "--json", "How many action plans did Shenzhen release in March?", *paths))
    assert {"question", "answer", "refused", "citations", "verified", "unverified", "rewritten_question"} <= set(answer)
    assert not answer["refused"]
    assert "four" in answer["answer"].lower() or "4" in answer["answer"]
    assert any("Shenzhen released four action plans" in c["text"] for c in answer["citations"])
