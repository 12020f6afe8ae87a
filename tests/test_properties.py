"""Property-based tests (hypothesis) of the number normaliser and the chunker.

tests/test_numbers.py already covers money in yuan, months, years and dates, and tests/test_chunking.py
covers text coverage on policy-like pieces; this file adds counts, percentages, foreign currencies, laws
that hold for any text, and the chunker on arbitrary unicode.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import os
import subprocess
import sys
from decimal import Decimal

import cn2an
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from assistant.ingest.chunking import chunk_document, estimate_tokens
from assistant.text.numbers import figure_supported, figures_match, find_figures, unsupported_figures

from .conftest import ROOT, read_jsonl, shared_path

# --- renderings of one figure ---------------------------------------------------------------------

_SMALL = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
          "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]  # fmt: skip
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _below_thousand(n: int, british: bool) -> str:
    words = []
    if n >= 100:
        words.append(f"{_SMALL[n // 100]} hundred" + (" and" if british and n % 100 else ""))
        n %= 100
    if n >= 20:
        words.append(_TENS[n // 10] + (f"-{_SMALL[n % 10]}" if n % 10 else ""))
    elif n:
        words.append(_SMALL[n])
    return " ".join(words)


def english_words(n: int, british: bool = False) -> str:
    """1234567 -> "one million two hundred (and) thirty-four thousand five hundred (and) sixty-seven"."""
    parts = []
    for scale, word in ((10**9, " billion"), (10**6, " million"), (10**3, " thousand"), (1, "")):
        if n >= scale:
            parts.append(_below_thousand(n // scale, british) + word)
            n %= scale
    return " ".join(parts)


def _decimal(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _chinese_decimal(value: Decimal) -> str:
    whole, _, fraction = _decimal(value).partition(".")
    return cn2an.an2cn(int(whole)) + (
        "点" + "".join("零一二三四五六七八九"[int(d)] for d in fraction) if fraction else ""
    )


COUNTS = {
    "digits": lambda n: f"{n} firms",
    "commas": lambda n: f"{n:,} firms",
    "english": lambda n: f"{english_words(n)} firms",
    "british": lambda n: f"{english_words(n, british=True)} firms",
    "chinese": lambda n: f"{cn2an.an2cn(n)}家企业",
    "digits_cn": lambda n: f"共{n}家企业",
    "wan": lambda n: f"{_decimal(Decimal(n) / 10**4)}万家企业" if n >= 10**4 else None,
    "million": lambda n: f"{_decimal(Decimal(n) / 10**6)} million firms" if n >= 10**6 and n % 10**4 == 0 else None,
}
PERCENTS = {
    "sign": lambda d: f"{d}%",
    "fullwidth": lambda d: f"{d}％",
    "percent": lambda d: f"growth of {d} percent",
    "per_cent": lambda d: f"{d} per cent",
    "pct": lambda d: f"{d} pct",
    "chinese": lambda d: f"增长百分之{_chinese_decimal(Decimal(d))}",
    "chinese_digits": lambda d: f"百分之{d}",
}


def _millions(n: int) -> str | None:
    return _decimal(Decimal(n) / 10**6) if n % 10**4 == 0 else None


def _wan(n: int) -> str:
    return _decimal(Decimal(n) / 10**4)


CURRENCIES = {
    "USD": [
        lambda n: f"${n:,}",
        lambda n: f"USD {n:,}",
        lambda n: f"{n:,} US dollars",
        lambda n: _millions(n) and f"US${_millions(n)} million",
        lambda n: _millions(n) and f"{_millions(n)} million US dollars",
        lambda n: f"{_wan(n)}万美元",
    ],
    "HKD": [
        lambda n: f"HK${n:,}",
        lambda n: _millions(n) and f"{_millions(n)} million Hong Kong dollars",
        lambda n: f"{_wan(n)}万港元",
    ],
    "EUR": [
        lambda n: f"€{n:,}",
        lambda n: _millions(n) and f"{_millions(n)} million euros",
        lambda n: f"{_wan(n)}万欧元",
    ],
    "CNY": [lambda n: f"RMB {n:,}", lambda n: f"{_wan(n)}万元", lambda n: f"人民币{n}元"],
}

counts = st.one_of(
    st.integers(2, 10**7), st.builds(lambda m, e: m * 10**e, st.integers(2, 999), st.integers(0, 6))
)  # "one" alone is an idiom ("one of the measures"), not a figure
percents = st.builds(lambda whole, tenth: Decimal(whole) + Decimal(tenth) / 10, st.integers(1, 300), st.integers(0, 9))
amounts = st.one_of(st.integers(1, 10**11), st.builds(lambda m, e: m * 10**e, st.integers(1, 9999), st.integers(0, 7)))


def draw_rendering(data, forms, value) -> str:
    rendering = data.draw(st.sampled_from(sorted(forms)) if isinstance(forms, dict) else st.sampled_from(forms))
    text = (forms[rendering] if isinstance(forms, dict) else rendering)(value)
    assume(text)  # a few forms exist only for round values
    return text


@settings(max_examples=400, deadline=None)
@given(n=counts, data=st.data())
def test_any_two_renderings_of_one_count_support_each_other(n, data):
    first, second = draw_rendering(data, COUNTS, n), draw_rendering(data, COUNTS, n)
    (figure,) = find_figures(first)
    assert figure.value == n and figure.kind in ("count", "year")  # 1900..2100 reads as a year; they match
    assert unsupported_figures(first, [second]) == []


@settings(max_examples=400, deadline=None)
@given(n=counts, data=st.data())
def test_renderings_of_different_counts_never_match(n, data):
    other = data.draw(st.one_of(st.sampled_from([n + 1, n - 1, n * 10, n // 10, n + 1000]), counts))
    assume(other >= 2 and other != n)
    claim, evidence = draw_rendering(data, COUNTS, n), draw_rendering(data, COUNTS, other)
    assert [f.value for f in unsupported_figures(claim, [evidence])] == [n]


@settings(max_examples=300, deadline=None)
@given(value=percents, data=st.data())
def test_any_two_renderings_of_one_percentage_support_each_other(value, data):
    text = _decimal(value)
    first, second = draw_rendering(data, PERCENTS, text), draw_rendering(data, PERCENTS, text)
    assert [(f.value, f.kind) for f in find_figures(first)] == [(float(value), "percent")]
    assert unsupported_figures(first, [second]) == []
    assert unsupported_figures(first, [f"{text} firms"]), "a percentage is never supported by a count"


@settings(max_examples=300, deadline=None)
@given(value=percents, other=percents, data=st.data())
def test_renderings_of_different_percentages_never_match(value, other, data):
    assume(value != other)
    claim = draw_rendering(data, PERCENTS, _decimal(value))
    evidence = draw_rendering(data, PERCENTS, _decimal(other))
    assert [f.kind for f in unsupported_figures(claim, [evidence])] == ["percent"]


@settings(max_examples=400, deadline=None)
@given(
    n=amounts, currency=st.sampled_from(sorted(CURRENCIES)), other=st.sampled_from(sorted(CURRENCIES)), data=st.data()
)
def test_an_amount_matches_itself_in_its_own_currency_only(n, currency, other, data):
    claim, evidence = draw_rendering(data, CURRENCIES[currency], n), draw_rendering(data, CURRENCIES[other], n)
    assert [(f.value, f.kind, f.currency) for f in find_figures(claim)] == [(n, "amount", currency)]
    missing = unsupported_figures(claim, [evidence])
    assert missing == [] if currency == other else [f.value for f in missing] == [n]


@pytest.mark.parametrize("text", ["百分之零点五", "零点五亿元"])
def test_chinese_decimals_below_one(text):
    assert [f.value for f in find_figures(text)] == [0.5 if "百分" in text else 50_000_000]


# Known gaps, kept as strict xfails so they turn red (and get their marker removed) once fixed.


@pytest.mark.xfail(strict=True, reason="numbers: 'and' is only joined after 'hundred', not after thousand/million")
def test_british_and_after_thousand():
    assert [f.value for f in find_figures("two thousand and five firms")] == [2005]


# --- laws that hold for any text -------------------------------------------------------------------

_FIGURE_PIECES = st.sampled_from(
    ["RMB 30 million", "3000万元", "三千万元", "20%", "百分之二十", "2025年3月5日", "March 2025", "in May", "16项",
     "sixteen", "1,000", "¥5", "第十条", "（一）", "10-20万元", "US$3 million", "百分之", "点五", "亿", "万"]
)  # fmt: skip
any_text = st.lists(st.one_of(st.text(max_size=12), _FIGURE_PIECES), max_size=25).map("".join)


@settings(max_examples=500, deadline=None)
@given(text=any_text)
def test_figures_are_spans_of_the_text_in_order(text):
    figures = find_figures(text)
    for figure in figures:
        assert text[figure.start : figure.end] == figure.text and figure.text
    assert all(a.end <= b.start for a, b in zip(figures, figures[1:]))


@settings(max_examples=500, deadline=None)
@given(text=any_text, other=any_text)
def test_matching_is_reflexive_and_symmetric_and_a_text_supports_itself(text, other):
    mine, theirs = find_figures(text), find_figures(other)
    assert all(figures_match(f, f) and figure_supported(f, f) for f in mine)
    assert all(figures_match(a, b) == figures_match(b, a) for a in mine for b in theirs)
    assert unsupported_figures(text, [text]) == []
    assert unsupported_figures(text, [other, text]) == []


# --- the chunker on arbitrary unicode --------------------------------------------------------------

_POLICY_PIECES = list("一二三四五六七八九十百千万亿元。，；：！？、（）() \n\n\t.,;!?%$#-第章条") + [
    "RMB 30 million", "3000万元", "Article 5", "# Heading\n", "一、总体要求\n", "（一）", "the", "funding", "cap",
]  # fmt: skip
unicode_text = st.text(
    st.one_of(st.characters(exclude_categories=["Cs"]), st.sampled_from(_POLICY_PIECES[:32])), max_size=2500
)  # lone surrogates never reach the chunker: the loaders replace them (see test_hardening)


def chunk_with(data, text: str):
    budget = data.draw(st.integers(10, 300), label="max_tokens")
    overlap = data.draw(st.integers(0, budget // 2), label="overlap_tokens")
    return budget, chunk_document(text, max_tokens=budget, overlap_tokens=overlap), overlap


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=unicode_text, data=st.data())
def test_chunk_offsets_slice_to_the_chunk_text_for_any_unicode(text, data):
    _, chunks, _ = chunk_with(data, text)
    for chunk in chunks:
        assert text[chunk.start : chunk.end] == chunk.text and chunk.text.strip()
        assert chunk.content_hash == hashlib.sha1(chunk.text.encode("utf-8")).hexdigest()
        assert chunk.language in ("zh", "en")
    starts, ends = [c.start for c in chunks], [c.end for c in chunks]
    assert starts == sorted(set(starts)) and ends == sorted(ends)
    cursor = 0  # no non-space character is lost
    for chunk in chunks:
        assert not text[cursor : chunk.start].strip() or chunk.start <= cursor
        cursor = max(cursor, chunk.end)
    assert not text[cursor:].strip()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=unicode_text, data=st.data())
def test_chunking_is_deterministic_and_pages_follow_the_offsets(text, data):
    budget, chunks, overlap = chunk_with(data, text)
    cuts = data.draw(st.lists(st.integers(1, max(1, len(text))), max_size=5, unique=True), label="page starts")
    pages = [0, *sorted(cuts)]
    paged = chunk_document(text, pages=pages, max_tokens=budget, overlap_tokens=overlap)
    assert [(c.start, c.end, c.text) for c in paged] == [(c.start, c.end, c.text) for c in chunks]
    assert [c.page for c in paged] == [bisect.bisect_right(pages, c.start) for c in paged]
    assert chunk_document(text, max_tokens=budget, overlap_tokens=overlap) == chunks


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=unicode_text, data=st.data())
def test_headings_from_the_file_format_never_break_offsets(text, data):
    """docx/HTML headings arrive as (offset, level, label); even offsets that are not line starts are safe."""
    offsets = data.draw(st.lists(st.integers(0, len(text)), max_size=6), label="heading offsets")
    headings = [(offset, data.draw(st.integers(1, 6)), data.draw(st.text(max_size=30))) for offset in offsets]
    for chunk in chunk_document(text, headings=headings, max_tokens=60, overlap_tokens=10):
        assert text[chunk.start : chunk.end] == chunk.text


_WORDS = st.sampled_from(
    ["the", "plan", "funding", "of", "a", "up", "to", "RMB", "30", "million", "enterprises", "Beijing", "2025",
     "人工智能", "支持", "给予", "最高", "3000万元", "。", "，", ".", ",", ";", "\n", "\n\n", "一、总体要求\n", "（一）"]
)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(words=st.lists(_WORDS, max_size=600), budget=st.integers(8, 250), separator=st.sampled_from([" ", ""]))
@example(words=["x" * 5000], budget=8, separator=" ")  # one unsplittable word is one estimated token
def test_chunks_stay_within_the_token_budget(words, budget, separator):
    text = separator.join(words)
    for chunk in chunk_document(text, max_tokens=budget, overlap_tokens=budget // 5):
        assert estimate_tokens(chunk.text) <= budget, chunk.text


@pytest.mark.xfail(strict=True, reason="chunking._safe_cut sums per-character estimates; one-letter words add 0.3")
def test_budget_with_one_letter_words():
    text = "a b c d e f g h i j k l m n o p q r s t u v w x y z " * 3
    assert max(estimate_tokens(c.text) for c in chunk_document(text, max_tokens=10, overlap_tokens=0)) <= 10


@pytest.mark.xfail(strict=True, reason="chunking.estimate_tokens counts 0 for Cyrillic, Hangul, kana: never split")
@pytest.mark.parametrize(
    "sentence", ["Правительство утвердило план развития. ", "인공지능 산업 발전 계획을 발표했다. "]
)
def test_other_scripts_are_split_too(sentence):
    chunks = chunk_document(sentence * 300, max_tokens=200)
    assert max(len(c.text) for c in chunks) <= 2000


_CHUNK_SCRIPT = """
import hashlib, json, sys
from assistant.ingest.chunking import chunk_document
texts = json.load(sys.stdin)
out = [[(c.start, c.end, c.section, c.content_hash) for c in chunk_document(t, max_tokens=120)] for t in texts]
print(hashlib.sha256(json.dumps(out).encode()).hexdigest())
"""


def test_chunk_boundaries_are_identical_across_processes():
    """Chunk ids are derived from chunk order, so a re-run in a new process (new hash seed) must cut the same."""
    docs = read_jsonl(shared_path("data", "cn_ai_policy", "corpus.jsonl"))[:40]
    texts = [d["text"] for d in docs] + [(ROOT / "documents" / "ai-plus-manufacturing-policy.txt").read_text()]
    digests = set()
    for seed in ("1", "2", "31337"):
        result = subprocess.run(
            [sys.executable, "-c", _CHUNK_SCRIPT],
            input=json.dumps(texts),
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        digests.add(result.stdout.strip())
    assert len(digests) == 1
