"""`python -m assistant eval retrieval|answers|dev`: measurements, side by side with a tutorial baseline."""

from __future__ import annotations

import argparse


def _corpus_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--corpus", type=str, help="corpus JSONL (doc_id, text); omit to use the documents folder")
    parser.add_argument("--questions", type=str, required=True, help="questions JSONL")
    parser.add_argument("--limit", type=int, default=0, help="evaluate the first N questions only")
    parser.add_argument("--sample", type=int, default=0, help="evaluate N questions drawn at random (seed 0)")
    parser.add_argument("--cross-lingual", action="store_true", help="gold = extra.xling_gold_doc_ids (XQuAD)")
    parser.add_argument("--corpus-lang", type=str, default="", help="index only documents in this language")


def add_eval_parser(sub, common: argparse.ArgumentParser) -> None:
    evaluate = sub.add_parser("eval", help="measure retrieval or answers against a baseline")
    kinds = evaluate.add_subparsers(dest="what", required=True)
    retrieval = kinds.add_parser("retrieval", parents=[common], help="recall@k and MRR")
    _corpus_options(retrieval)
    retrieval.add_argument("--k", type=str, default="1,5,10", help="cut-offs, e.g. 1,5,10")
    retrieval.add_argument("--systems", type=str, default="dense,bm25,hybrid,baseline")
    answers = kinds.add_parser("answers", parents=[common], help="accuracy, refusals, citation precision")
    _corpus_options(answers)
    answers.add_argument(
        "--systems",
        type=str,
        default="ours,chain",
        help="ours, chain (stuff chain on our passages), tutorial (LangChain tutorial with its own retrieval)",
    )
    answers.add_argument("--before", type=str, help="also score another pipeline's saved `ask --json` output")
    dev = kinds.add_parser("dev", help="the shared dev sets by tuning/check half, beside the tutorial, official scorer")
    dev.add_argument("--sets", type=str, default="local,district,sample", help="local, district, sample")
    dev.add_argument("--systems", type=str, default="ours,tutorial", help="ours, tutorial")
    dev.add_argument("--limit", type=int, default=0, help="answer the first N questions of each set only")
    dev.add_argument("--out", type=str, help="folder for the answers and per-half files (default: a temp folder)")
    dev.add_argument("--shared", type=str, help="the shared data folder (default: ../shared beside the project)")
    dev.add_argument("--rescore", action="store_true", help="score the answers already in --out, answer nothing")
    dev.add_argument("--json", action="store_true", help="print JSON only")


def run_eval(args: argparse.Namespace) -> int:
    if args.what == "retrieval":
        from assistant.eval.retrieval import main as run
    elif args.what == "dev":
        from assistant.eval.dev import main as run
    else:
        from assistant.eval.answers import main as run
    return run(args)
