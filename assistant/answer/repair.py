"""Stage 6, repair without invention: when the draft fails the grounding contract, the answer is the
sentence of an eligible passage that states a figure about the question's subject, quoted with its
citation; when no sentence does, an honest refusal naming what the documents do not state."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answer.evidence import Relevance, Sentence, content_words
from assistant.answer.ground import Scope, answer_pool
from assistant.answer.question import Question
from assistant.answer.subject import shares_subject, topic_terms
from assistant.answer.verify import strip_citations
from assistant.places import Place
from assistant.text.language import detect_language
from assistant.text.numbers import extract_amounts, figures_match, find_figures
from assistant.text.unwrap import tidy, unwrap

# A quoted sentence must be at least this relevant to the question (dense similarity plus the lexical
# share); below it the passages are about something else and the answer is a refusal. Calibrated with
# bench/calibrate_grounding.py (docs/answers.md): about the p5 of the right sentence's relevance, above the
# p95 of the best sentence of an unrelated paragraph (Chinese 0.806 vs 0.757, English 0.746 vs 0.708; across
# languages 0.651 vs 0.669, where the topic check and the place rules carry more of the weight).
MIN_QUOTE_RELEVANCE = {"zh": 0.78, "en": 0.73, "cross": 0.65}


# The right sentence's median relevance per direction (bench/calibrate_grounding.py): sentences of different
# languages are ranked by how far they stand above what a right answer in their direction typically scores.
TYPICAL_RELEVANCE = {"zh": 0.961, "en": 0.922, "cross": 0.725}


def typical_relevance(question_language: str, sentence_text: str) -> float:
    same = detect_language(sentence_text) == question_language
    return TYPICAL_RELEVANCE[question_language] if same else TYPICAL_RELEVANCE["cross"]


def quote_floor(question_language: str, sentence_text: str) -> float:
    same = detect_language(sentence_text) == question_language
    return MIN_QUOTE_RELEVANCE[question_language] if same else MIN_QUOTE_RELEVANCE["cross"]


# The model's draft, even when it failed the contract, points at the sentence it paraphrases: the ranking
# adds its relevance to the question's, and a sentence stating the draft's figure gets a small bonus. The
# floor applies to the relevance to the question alone, and the quote is grounded again like any answer.
DRAFT_WEIGHT = 1.0
DRAFT_FIGURE_BONUS = 0.03
# The best-ranked sentences tried in turn: a same-language sentence of a national report can outrank the
# place's own Chinese sentence and still share no subject word with the question.
QUOTE_CANDIDATES = 3
# The labels of a government web page's header, kept in a crawled text: a sentence holding two is page chrome.
_PAGE_LABELS = re.compile(
    r"索引号|主题分类|发布机构|发文机关|发文字号|公开属性|公开渠道|公开方式|发布时间|发布日期|成文日期|点击数|浏览次数|访问量"
)


def quote(sentence: str, n: int) -> str:
    """A verbatim sentence and its citation; closing punctuation goes after the citation, so the verifier
    reads the quote and its citation as one claim."""
    body = tidy(sentence)
    end = re.search(r"[。！？!?.；;]+$", body)
    return f"“{body[: end.start()]}” [{n}]{end.group()}" if end else f"“{body}” [{n}]"


def best_quote(scope: Scope, relevance: Relevance, draft: str = "") -> tuple[Sentence, float] | None:
    """The eligible sentence that best answers the question, if any is relevant enough."""
    question = scope.question
    pool = answer_pool(scope)
    if not pool:
        return None
    scores = relevance.of_sentences(question.about, pool)
    hints = relevance.of_sentences(draft, pool) if strip_citations(draft).strip() else [0.0] * len(pool)
    drafted = find_figures(draft)
    ranked = sorted(
        (
            (
                score
                - typical_relevance(question.language, s.text)
                + DRAFT_WEIGHT * hint
                + (DRAFT_FIGURE_BONUS if _states_any(s, drafted) else 0.0),
                score,
                s,
            )
            for score, hint, s in zip(scores, hints, pool)
        ),
        key=lambda item: -item[0],
    )
    # "What is the funding cap in Beijing?" names no subject: any cap of the place's own passages answers it.
    open_money = question.kind == "money" and bool(question.places) and not topic_terms(question)
    texts = [hit.text for hit in scope.hits]
    for _, score, sentence in ranked[:QUOTE_CANDIDATES]:
        if _answers(question, sentence, score, open_money, texts):
            return sentence, score
    return None


def _answers(question: Question, sentence: Sentence, score: float, open_money: bool, texts: list[str]) -> bool:
    """Relevant enough, and about what was asked: a quote that shares no subject word with the question (in
    Chinese, after translation) is no answer, nor is a web page's header (its title among 发布机构, 发布时间…)."""
    if score < quote_floor(question.language, sentence.text) and not open_money:
        return False
    if len(_PAGE_LABELS.findall(sentence.text)) >= 2:
        return False
    same = detect_language(sentence.text) == question.language
    if same and question.chinese and not (content_words(question.about) & content_words(sentence.context)):
        return False
    return shares_subject(question, sentence.context, texts)


def extractive_answer(scope: Scope, relevance: Relevance, draft: str = "") -> str | None:
    """The passages' own words: for a figure question the figure (with its qualifier) and its sentence."""
    found = best_quote(scope, relevance, draft)
    if found is None:
        return None
    sentence, _ = found
    lead = _figure_lead(sentence, scope.question.kind, find_figures(draft))
    quoted = quote(_quoted_text(sentence, scope.question.about, relevance), sentence.n)
    if not lead:
        return quoted
    if scope.question.chinese:
        return f"{lead} [{sentence.n}]。原文：{quoted}"
    return f"{lead} [{sentence.n}]. The passage says: {quoted}"


def quote_only(answer: str) -> str:
    """The repair's quote without the figure stated before it ("最高 500 万元 [1]。原文：“…” [1]。" → "“…” [1]。")."""
    for lead in ("原文：", "The passage says: "):
        if lead in answer:
            return answer.split(lead, 1)[1].strip()
    return answer


def _quoted_text(sentence: Sentence, question: str, relevance: Relevance) -> str:
    """The sentence, or the sentence with the one before it when that one names what was asked and states no
    money figure of its own (a quote's figures must stand in one sentence: the check rejects the join)."""
    if not sentence.with_previous:
        return sentence.text
    before = sentence.with_previous[: max(0, len(sentence.with_previous) - len(sentence.text))]
    if any(f.kind in ("amount", "percent") for f in find_figures(before)):
        return sentence.text
    own, joined = relevance.score(question, [sentence.text, sentence.with_previous])
    return sentence.with_previous if joined > own else sentence.text


def _figure_lead(sentence: Sentence, kind: str, drafted: Sequence) -> str:
    """ "最高 5000 万元": the amount the sentence states (the drafted one when it is there), with its qualifier."""
    if kind != "money":
        return ""
    amounts = extract_amounts(sentence.text)
    if not amounts:
        return ""
    chosen = next((a for a in amounts if any(figures_match(a.figure, d) for d in drafted)), None)
    chosen = chosen or next((a for a in amounts if a.qualifier), amounts[0])
    figure = unwrap(chosen.figure.text)
    if chosen.qualifier and chosen.qualifier in sentence.text[chosen.figure.end :][:8]:
        return f"{figure}{chosen.qualifier}"  # "8000亿元以上": the qualifier follows the figure
    return f"{chosen.qualifier} {figure}".strip() if chosen.qualifier else figure


def _states_any(sentence: Sentence, figures: Sequence) -> bool:
    return any(figures_match(a, b) for a in sentence.figures for b in figures)


def refusal_text(question_text: str, chinese: bool, places: Sequence[Place] = (), missing: Sequence[Place] = ()) -> str:
    """What the documents do not state, in the question's language, naming the places concerned."""
    if missing:
        names = "、".join(p.short for p in missing) if chinese else " or ".join(p.label for p in missing)
        if chinese:
            return f"已索引的文件中没有关于{names}的文件，无法回答。以下是最接近的段落，供参考。"
        return f"The indexed documents don't say: none of them is about {names}. The closest passages are shown for reference."
    if places:
        names = "、".join(p.short for p in places) if chinese else " and ".join(p.label for p in places)
        if chinese:
            return f"已索引的{names}文件中没有提到这一点。以下是最接近的段落，供参考。"
        return f"The indexed {names} documents don't say. The closest passages are shown for reference."
    if chinese:
        return "已索引的文件中没有提到这一点。以下是最接近的段落，供参考。"
    return "The indexed documents don't say. The closest passages are shown for reference."
