"""Retrieval over every shared document at once (issue #24): does the product's retrieval put the evidence
passage in its top k as often as plain BM25 over whole documents finds the evidence document?

One documents folder holds the national policies (cn_ai_policy, all 382 unless ``--national N``), the 5 local
and 10 district policies and the sample article, ingested once by the product (default embeddings) and reused
while the file list is the same. The questions are the shared dev questions that have an answer and evidence
(real_dev, district_dev, dev). Four systems run over the same index in the same run:

- ``ours``: ``Answerer.retrieve`` on the analysed question, exactly as ``Answerer.stream`` calls it;
- ``routing``: the previous behaviour, a hard ``region_code`` filter per named place, merged; plain search else;
- ``hybrid``: plain ``HybridSearcher.search`` on the question;
- ``bm25-docs``: bm25s over whole documents (the project's tokenizer); a hit is the document holding the evidence.

Recall@k counts a question when ALL its evidence strings (district: one per document) are in the top k
passages (bm25-docs: documents); "any" counts one. Evidence is matched with whitespace removed on both sides.
Run: ``python -m bench.all_documents [--national N] [--out DIR]``.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import time
from pathlib import Path

from assistant.eval.splits import HALVES
from bench.common import POLICY_CORPUS, ROOT, SHARED, log, machine, read_jsonl

CACHE = ROOT / "bench" / ".cache" / "all_documents"
KS = (1, 3, 6, 10)
SETS = {
    "local": "real_dev_questions.jsonl",
    "district": "district_dev_questions.jsonl",
    "sample": "dev_questions.jsonl",
}
SYSTEMS = ("ours", "routing", "hybrid", "bm25-docs")
_SPACE = re.compile(r"\s+")


def squeeze(text: str) -> str:
    return _SPACE.sub("", text)


def corpus(national: int | None) -> dict[str, str]:
    """File name -> text of every shared document (the first ``national`` national ones)."""
    files = {f"{d['doc_id']}.txt": f"{d['title']}\n{d['text']}" for d in read_jsonl(POLICY_CORPUS)[:national]}
    paths = [*sorted((SHARED / "data" / "cn_local_ai_policy").glob("*.txt"))]
    paths += sorted((SHARED / "data" / "cn_district_policy").glob("*.txt"))
    paths.append(SHARED / "corpus" / "ai-plus-manufacturing-policy.txt")
    return files | {p.name: p.read_text(encoding="utf-8") for p in paths}


def questions(files: dict[str, str]) -> list[dict]:
    """The answerable questions with evidence, each with the halves of the fixed split it counts in (the
    sample set is not split)."""
    from assistant.eval.splits import SPLITS, documents_of, halves_of

    out = []
    for name, file in SETS.items():
        texts = {f: files[f] for half in SPLITS.get(name, {}).values() for f in half if f in files}
        for row in read_jsonl(SHARED / "eval" / file):
            if (row.get("answer_groups") or row.get("answers")) and row.get("evidence"):
                evidence = [squeeze(e) for e in row.get("evidence_by_doc") or [row["evidence"]]]
                halves = halves_of(documents_of(row, texts), SPLITS[name]) if name in SPLITS else []
                out.append({
                    "set": name, "id": f"{name}:{row['id']}", "question": row["question"], "evidence": evidence,
                    "halves": halves,
                })  # fmt: skip
    return out


def services_for(files: dict[str, str], national: int | None):
    """The product's services over the corpus folder; the index is rebuilt only when the file list changed."""
    from assistant import app
    from assistant.settings import Settings

    work = CACHE / f"national-{'all' if national is None else national}"
    manifest_path, documents = work / "manifest.json", work / "documents"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.is_file() else {}
    if manifest.get("files") != sorted(files):
        shutil.rmtree(work, ignore_errors=True)
        manifest = {"files": sorted(files)}
    documents.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():  # rewritten each run: the ingest re-reads only files whose content changed
        (documents / name).write_text(text, encoding="utf-8")
    services = app.build_services(Settings(documents_dir=documents, index_dir=work / "index"))
    started = time.perf_counter()
    services.ingest()
    seconds = time.perf_counter() - started
    if "ingest_s" not in manifest:
        manifest |= {"ingest_s": seconds, "chunks": services.store.count()}
        manifest_path.write_text(json.dumps(manifest))
    ingest = {"first_ingest_s": manifest["ingest_s"], "this_run_ingest_s": seconds, "chunks": manifest["chunks"]}
    return services, ingest


def systems(services, files: dict[str, str]) -> dict:
    """Name -> function(question) -> ranked passage texts (bm25-docs: ranked document names)."""
    import bm25s
    import numpy as np
    from langchain_core.language_models import FakeListChatModel

    from assistant.answer import Answerer
    from assistant.answer.question import analyse, clean_question, compares_documents, with_document_parties
    from assistant.places import subtree_codes
    from assistant.search.hybrid import NO_FILTER, dedupe
    from assistant.search.keyword import tokenize

    searcher, depth = services.searcher, max(KS)
    answerer = Answerer(searcher, FakeListChatModel(responses=["-"]), top_k=services.settings.top_k)

    def ours(text: str) -> list[str]:  # the steps of Answerer.stream up to its retrieval (no history)
        q = analyse(clean_question(text)[0], searcher.indexed_places())
        if compares_documents(q):
            q = with_document_parties(q, searcher.indexed_documents())
        return [hit.text for hit in answerer.retrieve(q, NO_FILTER)]

    def routing(text: str) -> list[str]:
        places = analyse(text, searcher.indexed_places()).places
        if not places:
            return hybrid(text)
        per_place = [searcher.search(text, depth, NO_FILTER.narrowed("region_code", subtree_codes(p))) for p in places]
        merged = [hits[rank] for rank in range(depth) for hits in per_place if rank < len(hits)]
        return [hit.text for hit in dedupe(list({hit.id: hit for hit in merged}.values()))][:depth]

    def hybrid(text: str) -> list[str]:
        return [hit.text for hit in searcher.search(text, depth)]

    names = list(files)
    retriever = bm25s.BM25()
    retriever.index([tokenize(files[name]) for name in names], show_progress=False)

    def bm25_docs(text: str) -> list[str]:
        scores = retriever.get_scores(tokenize(text))
        return [names[i] for i in np.argsort(-scores, kind="stable")[:depth] if scores[i] > 0]

    return {"ours": ours, "routing": routing, "hybrid": hybrid, "bm25-docs": bm25_docs}


def ranks(found: list[str], evidence: list[str], holders: list[set[str]] | None) -> list[int | None]:
    """Per evidence string, the position of the first passage holding it (or of a document holding it)."""
    out = []
    for i, needle in enumerate(evidence):
        hits = [n for n, item in enumerate(found) if (item in holders[i] if holders else needle in squeeze(item))]
        out.append(hits[0] if hits else None)
    return out


def recall(rows: list[dict], system: str, k: int, how=all) -> float:
    return sum(how(r is not None and r < k for r in row["ranks"][system]) for row in rows) / len(rows) if rows else 0.0


def run(national: int | None) -> dict:
    files = corpus(national)
    log(f"corpus: {len(files)} documents")
    services, ingest = services_for(files, national)
    log(f"ingest: {ingest}")
    squeezed = {name: squeeze(text) for name, text in files.items()}
    chunks = [squeeze(r.text) for r in services.store.records()]
    run_system, rows = systems(services, files), questions(files)
    for fn in run_system.values():
        fn("人工智能 warm-up")  # loads the models and the keyword index before any timing
    latency: dict[str, list[float]] = {s: [] for s in SYSTEMS}
    for n, row in enumerate(rows, 1):
        holders = [{name for name, text in squeezed.items() if e in text} for e in row["evidence"]]
        row |= {"evidence_docs": [sorted(h) for h in holders], "ranks": {}, "returned": {}}
        row["in_index"] = [any(e in c for c in chunks) for e in row["evidence"]]
        for system, fn in run_system.items():
            services.searcher.clear_query_cache()  # each system embeds the question itself
            started = time.perf_counter()
            found = fn(row["question"])
            latency[system].append((time.perf_counter() - started) * 1000)
            row["ranks"][system] = ranks(found, row["evidence"], holders if system == "bm25-docs" else None)
            row["returned"][system] = len(found)
        log(f"[{n}/{len(rows)}] {row['id']}: " + " ".join(f"{s}={row['ranks'][s]}" for s in SYSTEMS))
    groups = {name: [r for r in rows if r["set"] == name] for name in SETS}
    groups |= {half: [r for r in rows if half in r["halves"]] for half in HALVES} | {"overall": rows}
    table = {
        group: {"n": len(members)} | {
            system: {f"all@{k}": recall(members, system, k) for k in KS} | {f"any@{k}": recall(members, system, k, any) for k in KS}
            for system in SYSTEMS
        }
        for group, members in groups.items()
    }  # fmt: skip
    misses = {
        f"@{k}": [r["id"] for r in rows if recall([r], "bm25-docs", k) and not recall([r], "ours", k)] for k in KS
    }
    return {
        "national_documents": len(files) - 16, "documents": len(files), "ingest": ingest, "recall": table,
        "median_ms": {s: statistics.median(v) for s, v in latency.items()},
        "ours_misses_bm25_docs_finds": misses,
        "evidence_not_in_any_chunk": [r["id"] for r in rows if not all(r["in_index"])],
        "questions": rows,
    }  # fmt: skip


def markdown(result: dict, how: str = "all") -> str:
    groups = list(result["recall"])
    head = (
        "| system | "
        + " | ".join(f"{g} (n={result['recall'][g]['n']}) @1 | @3 | @6 | @10" for g in groups)
        + " | median ms |"
    )
    lines = [head, "|---" * (2 + 4 * len(groups)) + "|"]
    for system in SYSTEMS:
        cells = [f"{result['recall'][g][system][f'{how}@{k}']:.2f}" for g in groups for k in KS]
        lines.append(f"| {system} | " + " | ".join(cells) + f" | {result['median_ms'][system]:.0f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--national", type=int, default=None, help="keep the first N national documents (all 382)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results", help="folder (or .json file)")
    args = parser.parse_args()
    result = {"machine": machine()} | run(args.national)
    out = args.out if args.out.suffix == ".json" else args.out / "all_documents.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    ingest = result["ingest"]
    print(f"{result['documents']} documents ({result['national_documents']} national), {ingest['chunks']} chunks, "
          f"first ingest {ingest['first_ingest_s']:.0f} s\n")  # fmt: skip
    print("Recall, ALL evidence strings in the top k (bm25-docs: the evidence documents):\n")
    print(markdown(result) + "\n\nRecall, ANY evidence string in the top k:\n\n" + markdown(result, "any"))
    print(f"\nours misses, bm25-docs finds: {result['ours_misses_bm25_docs_finds']}")
    print(f"evidence in no chunk of the index: {result['evidence_not_in_any_chunk']}")


if __name__ == "__main__":
    main()
