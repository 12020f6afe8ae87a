"""Fuzz the loaders: mutated real files and random bytes through load_document, chunking and metadata.

Hypothesis draws the inputs: a seed file of every format (PDF plain, uncompressed and encrypted; DOCX
as a zip and as mutated XML re-zipped with valid checksums; HTML; Markdown; text in UTF-8, GBK, Big5,
UTF-16), mutated by byte flips, cuts, deletions, insertions of random or PDF/HTML/XML tokens, repeats and
splices, and saved under its own or another suffix; or plain random bytes. The run is bounded in time.

A crash is any exception other than ``LoadError``, or a loaded document the rest of ingest cannot use
(text that is not valid UTF-8, page or heading offsets outside the text, a chunk whose offsets do not
slice to its text, metadata that is not strings). Prints one JSON summary on stdout.

    .venv/bin/python -m bench.fuzz_loaders --seconds 300 [--save-crashes DIR]
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import io
import json
import logging
import sys
import tempfile
import time
import traceback
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from assistant.ingest.chunking import chunk_document
from assistant.ingest.loaders import SUPPORTED_SUFFIXES, LoadError, load_document
from assistant.ingest.metadata import extract_metadata

ROOT = Path(__file__).resolve().parents[1]

MAX_BYTES = 2_000_000
TOKENS = [
    b"obj", b"endobj", b"stream\n", b"endstream", b"xref", b"trailer", b"/Length 999999999", b"/Length -1",
    b"<<" * 300, b">>", b"[" * 3000, b"(" * 500, b"\\", b"/ToUnicode", b"beginbfchar <41> <D800> endbfchar",
    b"BT /F1 12 Tf (", b") Tj ET", b"/Encrypt", b"%%EOF", b"<div>" * 2000, b"</div>", b"<h1>", b"<table><tr><td>",
    b"<script>", b"&#xD800;", b"&#0;", b"<!--", b"<w:p>", b"<w:t>", b"</w:t></w:r></w:p>", b"<w:tbl>",
    b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00", b"\r\n" * 50, "〔2025〕".encode(), "二〇二五年".encode(),
    "一、".encode("gbk"), "（一）".encode("big5"), b"# " * 100, b"```", b"\xed\xa0\x80",
]  # fmt: skip


def _pdf(compress: bool) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_compression(compress)
    pdf.set_title("Two Page Plan")
    pdf.set_font("Helvetica", size=12)
    for line in ("Page one sets the goals for 2025.", "Support of up to RMB 30 million per project."):
        pdf.add_page()
        pdf.cell(text=line)
    return bytes(pdf.output())


def _encrypted_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=io.BytesIO(_pdf(False)))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _docx() -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.title = "Wuxi plan"
    document.add_heading("一、总体要求", level=1)
    document.add_paragraph("对示范项目给予最高3000万元支持。")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(1, 1).text = "城市", "北京"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _rezip(docx_bytes: bytes, xml: bytes) -> bytes:
    """The .docx with its word/document.xml replaced, checksums valid: mutations reach the XML parser."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, xml if item.filename == "word/document.xml" else source.read(item))
    return out.getvalue()


HTML = """<html><head><title>深圳市行动计划</title><style>p{}</style></head><body><nav class="menu">首页</nav>
<main><article><header><h1>深圳市人工智能行动计划</h1><p>2025-03-05</p></header><h2>一、总体要求</h2>
<p>给予最高<b>3000万元</b>支持。</p><table><tr><th>城市</th><td>深圳</td></tr></table><ul><li>one</li></ul>
<div><div><div><p>Nested text.</p></div></div></div><script>var x = "<p>no</p>";</script></article></main></body></html>"""
MARKDOWN = (
    "# Beijing Plan\n\n## Article 1 Funding\n\nUp to RMB 30 million.\n\n```\n# not a heading\n```\n### 三、保障\n正文"
)
TEXT_ZH = "北京市关于加快推动人工智能产业发展的实施意见\n发文机关：北京市人民政府\n发文字号：京政发〔2025〕5号\n成文日期：2025年3月5日\n一、总体要求\n到2027年，规模达到3000亿元。\n"
TEXT_TW = "臺北市推動人工智慧產業發展行動計畫\n一、總體目標\n到2027年，培育企業與人才。\n"


def seed_files() -> dict[str, tuple[str, bytes]]:
    """name -> (natural suffix, bytes)."""
    docx_bytes = _docx()
    return {
        "pdf": (".pdf", _pdf(True)),
        "pdf-uncompressed": (".pdf", _pdf(False)),
        "pdf-encrypted-blank": (".pdf", _encrypted_pdf()),
        "docx": (".docx", docx_bytes),
        "docx-xml": (".docx", zipfile.ZipFile(io.BytesIO(docx_bytes)).read("word/document.xml")),
        "html": (".html", HTML.encode("utf-8")),
        "html-gbk": (".html", HTML.encode("gbk")),
        "md": (".md", MARKDOWN.encode("utf-8")),
        "txt-utf8": (".txt", TEXT_ZH.encode("utf-8")),
        "txt-gbk": (".txt", TEXT_ZH.encode("gbk")),
        "txt-big5": (".txt", TEXT_TW.encode("big5")),
        "txt-utf16": (".txt", TEXT_ZH.encode("utf-16")),
        "txt-utf16-nobom": (".txt", ("Plain English policy text. " * 8).encode("utf-16-le")),
    }


def mutation(seed_names: list[str]):
    at = st.floats(0, 1)
    return st.one_of(
        st.tuples(st.just("flip"), at, st.integers(0, 255)),
        st.tuples(st.just("cut"), at),
        st.tuples(st.just("delete"), at, st.integers(1, 512)),
        st.tuples(st.just("insert"), at, st.one_of(st.binary(max_size=64), st.sampled_from(TOKENS))),
        st.tuples(st.just("repeat"), at, st.integers(1, 256), st.integers(2, 200)),
        st.tuples(st.just("splice"), at, st.sampled_from(seed_names), at, st.integers(1, 2048)),
    )


def mutate(data: bytes, operations, seeds) -> bytes:
    for op, where, *rest in operations:
        i = int(where * len(data))
        if op == "flip" and data:
            i = min(i, len(data) - 1)
            data = data[:i] + bytes([rest[0]]) + data[i + 1 :]
        elif op == "cut":
            data = data[:i]
        elif op == "delete":
            data = data[:i] + data[i + rest[0] :]
        elif op == "insert":
            data = data[:i] + rest[0] + data[i:]
        elif op == "repeat":
            data = data[:i] + data[i : i + rest[0]] * rest[1] + data[i:]
        elif op == "splice":
            other = seeds[rest[0]][1]
            j = int(rest[1] * len(other))
            data = data[:i] + other[j : j + rest[2]] + data[i:]
    return data[: 4 * MAX_BYTES]


def fuzz_case(seeds: dict):
    names = sorted(seeds)
    mutated = st.tuples(st.sampled_from(names), st.lists(mutation(names), max_size=8))
    random_bytes = st.tuples(st.just("random"), st.binary(max_size=8192))
    return st.tuples(st.one_of(mutated, random_bytes), st.sampled_from(SUPPORTED_SUFFIXES), st.floats(0, 1))


def build_input(case, seeds: dict) -> tuple[str, str, bytes]:
    (name, payload), other_suffix, coin = case
    if name == "random":
        return name, other_suffix, payload
    natural, data = seeds[name]
    data = mutate(data, payload, seeds)
    if name == "docx-xml":
        data = _rezip(seeds["docx"][1], data)
    return name, natural if coin < 0.8 else other_suffix, data  # one in five is saved under another type


def check_usable(doc) -> None:
    """Everything ingest does with a loaded document, minus the embedding."""
    doc.text.encode("utf-8")
    assert doc.text.strip(), "empty text accepted"
    if doc.pages is not None:
        assert doc.pages[0] == 0 and doc.pages == sorted(doc.pages) and doc.pages[-1] <= len(doc.text), doc.pages
    for offset, level, label in doc.headings:
        assert 0 <= offset <= len(doc.text) and 1 <= level <= 6, (offset, level)
        label.encode("utf-8")
    for chunk in chunk_document(doc.text, headings=doc.headings, pages=doc.pages, max_tokens=200, overlap_tokens=30):
        assert doc.text[chunk.start : chunk.end] == chunk.text
    meta = extract_metadata(doc.text, title=doc.title, filename="input")
    assert all(isinstance(value, str) for value in meta.values())
    json.dumps(meta, ensure_ascii=False).encode("utf-8")


class Fuzzer:
    def __init__(self, seeds: dict, workdir: Path, save_crashes: Path | None):
        self.seeds, self.workdir, self.save_crashes = seeds, workdir, save_crashes
        self.tried = 0
        self.outcomes: collections.Counter = collections.Counter()
        self.by_seed: collections.Counter = collections.Counter()
        self.crashes: list[dict] = []
        self.caught: list[dict] = []  # parser exceptions that load_document's safety net turned into LoadError
        self.slowest = (0.0, "", b"")

    def run_one(self, case) -> None:
        name, suffix, data = build_input(case, self.seeds)
        path = self.workdir / f"input{suffix}"
        path.write_bytes(data)
        self.tried += 1
        self.by_seed[name] += 1
        started = time.perf_counter()
        try:
            check_usable(load_document(path, max_bytes=MAX_BYTES))
            self.outcomes["loaded"] += 1
        except LoadError as exc:
            self.outcomes[f"LoadError: {str(exc)[:60]}"] += 1
            if exc.__cause__ is not None and str(exc).startswith("the file could not be read"):
                self.record_crash(name, suffix, data, exc.__cause__, self.caught)
        except Exception as exc:  # the point of the exercise: anything else is a crash
            self.record_crash(name, suffix, data, exc)
        elapsed = time.perf_counter() - started
        if elapsed > self.slowest[0]:
            self.slowest = (elapsed, f"{name}{suffix} ({len(data):,} bytes)", data)

    def record_crash(self, name: str, suffix: str, data: bytes, exc: BaseException, into: list | None = None) -> None:
        digest = hashlib.sha1(data).hexdigest()[:12]
        where = traceback.extract_tb(exc.__traceback__)[-1]
        (self.crashes if into is None else into).append(
            {"seed": name, "suffix": suffix, "sha1": digest, "error": f"{type(exc).__name__}: {str(exc)[:200]}",
             "at": f"{Path(where.filename).name}:{where.lineno}"}
        )  # fmt: skip
        if self.save_crashes and into is None:
            self.save_crashes.mkdir(parents=True, exist_ok=True)
            (self.save_crashes / f"crash-{digest}{suffix}").write_bytes(data)


def run(seconds: float, batch: int, save_crashes: Path | None) -> dict:
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # damaged input is the point; its complaints are noise
    seeds = seed_files()
    with tempfile.TemporaryDirectory(prefix="fuzz-loaders-") as work:
        fuzzer = Fuzzer(seeds, Path(work), save_crashes)

        @settings(
            max_examples=batch,
            deadline=None,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(fuzz_case(seeds))
        def one_batch(case) -> None:
            fuzzer.run_one(case)

        started = time.perf_counter()
        while time.perf_counter() - started < seconds:
            one_batch()
        elapsed = time.perf_counter() - started
    if save_crashes and fuzzer.slowest[2]:
        save_crashes.mkdir(parents=True, exist_ok=True)
        (save_crashes / f"slowest{Path(fuzzer.slowest[1].split()[0]).suffix}").write_bytes(fuzzer.slowest[2])
    return {
        "seconds": round(elapsed, 1),
        "inputs_tried": fuzzer.tried,
        "inputs_per_second": round(fuzzer.tried / elapsed, 1),
        "crashes": len(fuzzer.crashes),
        "crash_examples": fuzzer.crashes[:20],
        "caught_by_safety_net": len(fuzzer.caught),
        "caught_examples": list({c["at"] + c["error"][:40]: c for c in fuzzer.caught}.values())[:10],
        "loaded": fuzzer.outcomes["loaded"],
        "refused_with_load_error": sum(v for k, v in fuzzer.outcomes.items() if k != "loaded"),
        "top_load_errors": dict(collections.Counter({k: v for k, v in fuzzer.outcomes.items() if k != "loaded"}).most_common(12)),
        "inputs_by_seed": dict(sorted(fuzzer.by_seed.items())),
        "slowest_input_seconds": round(fuzzer.slowest[0], 3),
        "slowest_input": fuzzer.slowest[1],
    }  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120.0, help="time budget (default 120)")
    parser.add_argument("--batch", type=int, default=200, help="hypothesis examples per batch")
    parser.add_argument("--save-crashes", type=Path, help="folder to write crashing inputs to")
    args = parser.parse_args()
    summary = run(args.seconds, args.batch, args.save_crashes)
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    return 1 if summary["crashes"] else 0


if __name__ == "__main__":
    sys.exit(main())
