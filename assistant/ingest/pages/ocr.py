"""Text recognition of one page image, cached on disk by content hash so no page is recognised twice."""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path

from assistant.files import write_atomically

# Part of every cache key: results of another engine or render scale are never reused.
ENGINE_TAG = "rapidocr-1.4.4-ppocrv4-s2-turns"
_MIN_CONFIDENCE = 0.5  # RapidOCR's own text_score: lines below it are dropped as noise
# A page is read again, turned by 90°, 180° and then 270°, only when its upright reading looks wrong: most
# text boxes taller than wide (scanned sideways), or a low mean confidence (upside down reads as noise, or
# the detector finds nothing). The first turn that reads well stands, else the upright-looking reading with
# most text. Upright pages cost nothing more.
_SIDEWAYS_SHARE = 0.5
_RETRY_BELOW_CONFIDENCE = 0.85


@dataclass(frozen=True)
class OcrLine:
    text: str
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 as fractions of the page width and height
    confidence: float


@dataclass
class OcrPage:
    lines: list[OcrLine] = field(default_factory=list)
    blank: bool = False  # nothing on the page to read (not the same as unreadable)
    turn: int = 0  # degrees counter-clockwise the image was turned to read it; boxes are on the turned image

    @property
    def confidence(self) -> float:
        """Mean line confidence weighted by line length; 0 for a page without lines."""
        total = sum(len(line.text) for line in self.lines)
        return self.weight / total if total else 0.0

    @property
    def weight(self) -> float:
        """Characters read, weighted by confidence: which of several readings of a page read most."""
        return sum(line.confidence * len(line.text) for line in self.lines)

    def upright(self, image):
        """``image`` turned the way this page was read, so the boxes fall on their lines."""
        return image.rotate(self.turn, expand=True) if self.turn else image

    def to_json(self) -> dict:
        return {"blank": self.blank, "turn": self.turn, "lines": [asdict(line) for line in self.lines]}

    @classmethod
    def from_json(cls, data: dict) -> OcrPage:
        lines = [OcrLine(d["text"], tuple(d["box"]), float(d["confidence"])) for d in data.get("lines", [])]
        return cls(lines, bool(data.get("blank")), int(data.get("turn", 0)))


class OcrEngine:
    """RapidOCR (PP-OCRv4 Chinese/English, ONNX), loaded on first use and shared by threads one at a time."""

    def __init__(self, threads: int = 2):
        self.threads = threads
        self._engine = None
        self._lock = threading.Lock()

    def recognise(self, image) -> OcrPage:
        """Lines of a PIL image, in reading order, with boxes relative to the image size; a page scanned
        sideways or upside down is read turned (``OcrPage.turn``)."""
        if _is_blank(image.convert("L")):
            return OcrPage(blank=True)
        page, tall_share = self._read(image)
        if _reads_well(page, tall_share):
            return page
        readings = [(page, tall_share)]
        for turn in (90, 180, 270):
            readings.append(self._turned(image, turn))
            if _reads_well(*readings[-1]):
                return readings[-1][0]
        # A reading of mostly tall boxes is of a sideways page: RapidOCR turns each line and reads it well,
        # but the lines come in the wrong order, so it never stands while an upright reading exists.
        upright = [reading for reading, tall in readings if tall <= _SIDEWAYS_SHARE]
        return max(upright or [page], key=lambda reading: reading.weight)

    def _turned(self, image, turn: int) -> tuple[OcrPage, float]:
        page, tall_share = self._read(image.rotate(turn, expand=True))
        return OcrPage(page.lines, turn=turn), tall_share

    def _read(self, image) -> tuple[OcrPage, float]:
        """One reading as the image stands, and the share of detected boxes taller than wide."""
        import numpy as np

        with self._lock:
            result, _ = self._load()(np.asarray(image.convert("RGB")))
        width, height = image.size
        lines, tall = [], 0
        for points, text, score in result or []:
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            tall += max(ys) - min(ys) > max(xs) - min(xs)
            box = (min(xs) / width, min(ys) / height, max(xs) / width, max(ys) / height)
            if text.strip() and float(score) >= _MIN_CONFIDENCE:
                lines.append(OcrLine(text.strip(), tuple(round(v, 5) for v in box), round(float(score), 4)))
        return OcrPage(lines), tall / len(result) if result else 0.0

    def _load(self):
        if self._engine is None:
            try:
                from rapidocr_onnxruntime import RapidOCR
            except ImportError as exc:  # pragma: no cover - depends on the install
                raise RuntimeError("pip install rapidocr-onnxruntime==1.4.4 (OCR of scanned pages)") from exc
            # The per-line 180° classifier flips some upright lines and then reads garbage: upright pages only.
            self._engine = RapidOCR(intra_op_num_threads=self.threads, inter_op_num_threads=1, use_cls=False)
        return self._engine


def _reads_well(page: OcrPage, tall_share: float) -> bool:
    return tall_share <= _SIDEWAYS_SHARE and page.confidence >= _RETRY_BELOW_CONFIDENCE


def _is_blank(grey) -> bool:
    """A page with (almost) no ink: scanner noise or an empty sheet is not worth recognising."""
    histogram = grey.histogram()
    dark = sum(histogram[:160])
    return dark < 0.0005 * grey.size[0] * grey.size[1]


class PageCache:
    """OCR results on disk, one small JSON file per page, keyed by the file's sha256 and the page number."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def path(self, file_hash: str, page: int) -> Path:
        key = hashlib.sha1(f"{ENGINE_TAG}\0{file_hash}\0{page}".encode()).hexdigest()
        return self.folder / key[:2] / f"{key}.json"

    def get(self, file_hash: str, page: int) -> OcrPage | None:
        try:
            return OcrPage.from_json(json.loads(self.path(file_hash, page).read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            return None  # missing or damaged: recognise again

    def put(self, file_hash: str, page: int, result: OcrPage) -> None:
        """Written to a temporary file and renamed, so a killed run never leaves half a result."""
        write_atomically(self.path(file_hash, page), json.dumps(result.to_json(), ensure_ascii=False))
