"""Command line: `python -m assistant ingest|search|ask|serve|eval`.

With --json, stdout carries exactly one JSON document per input and nothing else.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assistant.settings import Settings


def _load_app():
    """The composition root, imported only when a command needs it (``--help`` stays instant)."""
    from assistant import app

    return app


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m assistant", description="Policy Q&A Assistant")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--documents", type=Path, help="documents folder (overrides ASSISTANT_DOCUMENTS_DIR)")
    common.add_argument("--index", type=Path, help="index folder (overrides ASSISTANT_INDEX_DIR)")
    common.add_argument("--json", action="store_true", help="print JSON only")
    sub = parser.add_subparsers(dest="command", required=True)

    ingest = sub.add_parser("ingest", parents=[common], help="index the documents folder")
    ingest.add_argument("--rebuild", action="store_true", help="drop the index and build it again")

    for name, help_text in (("search", "retrieve passages (no LLM)"), ("ask", "answer with cited passages")):
        command = sub.add_parser(name, parents=[common], help=help_text)
        command.add_argument("text", nargs="?", help="the query or question")
        command.add_argument("--from-file", type=Path, help="one query per line")
        command.add_argument("--where", action="append", help="filter: region=Beijing, source=a.pdf, date>=2025-01-01")
        if name == "search":
            command.add_argument("--k", type=int, default=None, help="number of passages")
            command.add_argument("--mode", choices=("hybrid", "dense", "bm25"), default="hybrid")

    serve = sub.add_parser("serve", parents=[common], help="serve the chat")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--no-ingest", action="store_true", help="serve without indexing first")
    serve.add_argument(
        "--insecure", action="store_true", help="serve a non-loopback address without a login or API keys"
    )

    funding = sub.add_parser("funding", parents=[common], help="list the funding provisions of the indexed documents")
    funding.add_argument("--where", action="append", help="region=Shanghai (or 上海), source=file.txt; repeatable")
    funding.add_argument("--min", type=float, default=None, help="smallest cap, in yuan (1000000 = 100万元)")
    funding.add_argument("--max", type=float, default=None, help="largest cap, in yuan")
    funding.add_argument("--keyword", help="only provisions mentioning this (算力, 模型券, …)")
    funding.add_argument("--csv", action="store_true", help="print CSV only")

    from assistant.eval.command import add_eval_parser

    add_eval_parser(sub, common)
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {}
    if getattr(args, "documents", None):
        overrides["documents_dir"] = args.documents
    if getattr(args, "index", None):
        overrides["index_dir"] = args.index
    if getattr(args, "host", None):
        overrides["host"] = args.host
    if getattr(args, "insecure", False):
        overrides["insecure"] = True
    if getattr(args, "port", None):
        overrides["port"] = args.port
    return Settings(**overrides)


def _inputs(args: argparse.Namespace) -> list[str]:
    if args.from_file:
        return [line.strip() for line in args.from_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.text is None:
        raise SystemExit("Give a query, or --from-file FILE.")
    return [args.text]


def _emit(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def cmd_ingest(services, args) -> int:
    from assistant.ingest.indexer import document_files

    bar = None
    if not args.json and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=len(document_files(services.settings.documents_dir)), unit="file", file=sys.stderr)

    def progress(source: str, chunks: int) -> None:
        if bar is not None:
            bar.set_postfix_str(f"{chunks} chunks" if chunks >= 0 else "unchanged")
            bar.update(1)

    def page_progress(source: str, page: int, pages: int) -> None:
        if bar is not None:
            bar.set_postfix_str(f"{source}: OCR page {page}/{pages}")

    report = services.ingest(rebuild=args.rebuild, progress=progress, page_progress=page_progress)
    if bar is not None:
        bar.close()
    if args.json:
        _emit(report.as_dict())
    else:
        print(
            f"added {report.added}, updated {report.updated}, removed {report.removed}, "
            f"unchanged {report.unchanged}; {report.chunks} chunks in the index"
        )
        for failure in report.failed:
            print(f"  skipped {failure['path']}: {failure['error']}")
        for partial in getattr(report, "partial", []):  # scanned pages left out (issue 17)
            print(f"  partly indexed {partial['path']}: {'; '.join(partial['notes'])}")
    return 0


def cmd_search(services, args) -> int:
    from assistant.service.filters import parse_where
    from assistant.service.queries import search_rows

    filters = parse_where(args.where)
    k = args.k or services.settings.top_k
    for query in _inputs(args):
        rows = search_rows(services.searcher, query, k, filters, args.mode)
        if args.json:
            _emit({"query": query, "hits": rows})
        else:
            print(f"# {query}")
            for row in rows:
                print(f"{row['rank']}. [{row['score']:.4f}] {row['source']} — {row['section'] or row['title']}")
                print("   " + row["text"][:300].replace("\n", " "))
    return 0


def cmd_ask(services, args) -> int:
    from assistant.answer.events import Final, Token
    from assistant.service.filters import parse_where
    from assistant.service.queries import ask_json

    filters = parse_where(args.where)
    for question in _inputs(args):
        if args.json:
            _emit(ask_json(services.answerer, question, filters))
            continue
        answer = None
        for event in services.answerer.stream(question, filters=filters):
            if isinstance(event, Token):
                print(event.text, end="", file=sys.stderr, flush=True)
            elif isinstance(event, Final):
                answer = event.answer
        print(file=sys.stderr)
        print(answer.text)
        print("verified" if answer.verified else "not fully verified", "(refused)" if answer.refused else "")
        for citation in answer.as_dict()["citations"]:
            print(f"[{citation['n']}] {citation['source']} — {citation['text'][:200]}")
    return 0


def _funding_filters(expressions: list[str] | None) -> tuple[list[str], list[str]]:
    """--where region=A,B / source=f.txt → (places, sources); anything else is a clear error."""
    places, sources = [], []
    for expression in expressions or []:
        key, sep, value = expression.partition("=")
        key, values = key.strip(), [v.strip() for v in value.split(",") if v.strip()]
        if not sep or not values or key not in ("region", "place", "source", "document"):
            raise ValueError(f"Cannot read filter {expression!r}: use region=Shanghai or source=file.txt.")
        (places if key in ("region", "place") else sources).extend(values)
    return places, sources


def cmd_funding(services, args) -> int:
    from assistant.funding.export import to_csv
    from assistant.funding.query import find_provisions, format_ratio, format_yuan

    places, sources = _funding_filters(args.where)
    records = find_provisions(
        services.funding.records(), places, args.min, args.max, keyword=args.keyword, sources=sources
    )
    if args.json:
        _emit({"records": [record.as_dict() for record in records]})
    elif args.csv:
        sys.stdout.write(to_csv(records))
    else:
        for record in records:
            cap = f"{record.cap_text} = {format_yuan(record.cap_yuan)} yuan" if record.cap_yuan is not None else ""
            figures = "; ".join(part for part in (cap, format_ratio(record.ratio), record.period) if part)
            print(f"{record.place or '-'} | {record.title or record.source} | {record.item} | {figures}")
        print(f"{len(records)} provisions", file=sys.stderr)
    return 0


def cmd_serve(services, args) -> int:
    from assistant.access import check_exposure

    check_exposure(services.settings)  # before indexing: a refused start costs nothing
    if not args.no_ingest:
        report = services.ingest()
        print(f"index: {report.chunks} chunks; {len(report.failed)} files skipped", file=sys.stderr)
    _load_app().serve(services)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from assistant.search.store import IndexUnavailableError

    if args.command == "eval":
        from assistant.eval.command import run_eval

        return run_eval(args)
    services = _load_app().build_services(_settings(args))
    commands = {"ingest": cmd_ingest, "search": cmd_search, "ask": cmd_ask, "serve": cmd_serve, "funding": cmd_funding}
    try:
        return commands[args.command](services, args)
    except (IndexUnavailableError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
