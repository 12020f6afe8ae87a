"""Funding records derived from the indexed chunks, so they change exactly when the chunks change.

Each document's text is stitched back from its chunks by their absolute offsets (overlapping chunks
agree; the gaps between chunks are the whitespace between lines, filled with newlines). Provisions are
extracted from that text; a provision is kept only when its span lies in indexed text, so every record
quotes its source verbatim. The result is cached per ``store.version()``: re-ingesting a changed
document replaces its records, deleting the document removes them.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.caches import PerVersion
from assistant.funding.extract import Provision, extract_provisions
from assistant.text.unwrap import tidy

_NUMBERING_ONLY = re.compile(r"^[\s\d一二三四五六七八九十百第条章节编（）()、.．>]*$")
_LONGEST_GAP = 1  # chunks of one paragraph are separated by one newline; longer gaps are paragraph breaks


@dataclass(frozen=True)
class FundingRecord:
    """One funding provision of one indexed document, with where it stands and its verbatim span."""

    id: str
    source: str
    title: str
    place: str
    place_code: str
    issuer: str
    doc_number: str
    date: str
    section: str
    item: str
    recipient: str
    support: str
    cap_text: str
    cap_yuan: float | None
    cap_min_yuan: float | None
    ratio_text: str
    ratio: float | None
    period: str
    qualifiers: tuple[str, ...]
    kind: str
    span: str
    start: int
    end: int
    page: int = 0
    chunk_ids: tuple[str, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, Any]:
        row = asdict(self)
        row["qualifiers"], row["chunk_ids"] = list(self.qualifiers), list(self.chunk_ids)
        return row


@dataclass(frozen=True)
class StitchedDocument:
    """A document's text rebuilt from its chunks; ``covered`` marks the characters an indexed chunk holds."""

    source: str
    text: str
    covered: bytearray
    chunks: tuple[tuple[int, int, str, dict], ...]  # (start, end, chunk id, metadata), by start

    def in_index(self, start: int, end: int) -> bool:
        """True when ``text[start:end]`` is indexed text, apart from single line breaks between chunks."""
        gap = 0
        for position in range(start, end):
            gap = 0 if self.covered[position] else gap + 1
            if gap > _LONGEST_GAP:
                return False
        return bool(self.covered[start]) and bool(self.covered[end - 1])

    def chunks_over(self, start: int, end: int) -> list[tuple[int, int, str, dict]]:
        return [c for c in self.chunks if c[0] < end and c[1] > start]

    def passage(self, record: FundingRecord) -> tuple[str, int, int]:
        """The indexed text around a record (the chunks its span touches) and the span's offsets in it."""
        touched = self.chunks_over(record.start, record.end) or [(record.start, record.end, "", {})]
        begin, finish = min(c[0] for c in touched), max(c[1] for c in touched)
        return self.text[begin:finish], record.start - begin, record.end - begin


def _complete_version(chunks: list) -> list:
    """The chunks of one file version: a complete one when there is (ingest writes new before deleting old)."""
    versions: dict[str, list] = {}
    for chunk in chunks:
        versions.setdefault(str(chunk.metadata.get("file_hash", "")), []).append(chunk)
    complete = [v for v in versions.values() if len(v) == int(v[0].metadata.get("n_chunks") or len(v))]
    return max(complete or list(versions.values()), key=lambda v: (len(v), v[0].metadata.get("file_hash", "")))


def stitch(chunks: list) -> StitchedDocument:
    """One document's chunks (``StoredChunk``-like: id, text, metadata with start/end) as one text."""
    chunks = sorted(_complete_version(chunks), key=lambda c: int(c.metadata.get("start") or 0))
    length = max(int(c.metadata.get("start") or 0) + len(c.text) for c in chunks)
    characters, covered = ["\n"] * length, bytearray(length)
    placed = []
    for chunk in chunks:
        start = int(chunk.metadata.get("start") or 0)
        end = start + len(chunk.text)
        characters[start:end] = chunk.text
        covered[start:end] = b"\x01" * len(chunk.text)
        placed.append((start, end, chunk.id, chunk.metadata))
    return StitchedDocument(str(chunks[0].metadata.get("source", "")), "".join(characters), covered, tuple(placed))


def _section(provision: Provision, metadata: dict) -> str:
    section = str(metadata.get("section") or "")
    last = section.split(" > ")[-1] if section else ""
    if provision.heading and (not last or _NUMBERING_ONLY.match(last)):
        return provision.heading
    return section or provision.heading


def document_records(document: StitchedDocument) -> list[FundingRecord]:
    """The funding records of one stitched document; provisions outside indexed text are dropped."""
    records = []
    for provision in extract_provisions(document.text):
        if provision.end <= provision.start or not document.in_index(provision.start, provision.end):
            continue
        touched = document.chunks_over(provision.start, provision.end)
        meta = touched[0][3]
        file_hash = str(meta.get("file_hash", ""))
        key = f"{document.source}\0{file_hash}\0{provision.start}\0{provision.end}\0{provision.cap_yuan}\0{provision.item}"
        records.append(
            FundingRecord(
                id=hashlib.sha1(key.encode("utf-8")).hexdigest()[:16],
                source=document.source,
                title=str(meta.get("title") or ""),
                place=str(meta.get("region") or ""),
                place_code=str(meta.get("region_code") or ""),
                issuer=str(meta.get("issuer") or ""),
                doc_number=str(meta.get("doc_number") or ""),
                date=str(meta.get("date") or ""),
                section=tidy(_section(provision, meta)),
                item=provision.item,
                recipient=provision.recipient,
                support=provision.support,
                cap_text=provision.cap_text,
                cap_yuan=provision.cap_yuan,
                cap_min_yuan=provision.cap_min_yuan,
                ratio_text=provision.ratio_text,
                ratio=provision.ratio,
                period=provision.period,
                qualifiers=provision.qualifiers,
                kind=provision.kind,
                span=provision.span,
                start=provision.start,
                end=provision.end,
                page=int(meta.get("page") or 0),
                chunk_ids=tuple(c[2] for c in touched),
            )
        )
    return records


class FundingIndex:
    """All funding records of a ``ChunkStore``, recomputed only when ``store.version()`` changes."""

    def __init__(self, store):
        self._store = store
        self._read = PerVersion(store.version, self._stitch)

    def _stitch(self) -> tuple[list[FundingRecord], dict[str, StitchedDocument]]:
        by_source: dict[str, list] = {}
        for chunk in self._store.records():
            by_source.setdefault(str(chunk.metadata.get("source", "")), []).append(chunk)
        documents = {source: stitch(chunks) for source, chunks in sorted(by_source.items())}
        return [r for d in documents.values() for r in document_records(d)], documents

    def records(self) -> list[FundingRecord]:
        return list(self._read.get()[0])

    def document(self, source: str) -> StitchedDocument | None:
        return self._read.get()[1].get(source)
