"""Stage 5, grounding: the contract every answer sentence must meet to be shown as verified.

A sentence (a claim) is verified only when
1. it cites a passage, and one sentence of that passage states it: every figure with the same value and
   unit, and the same subject (the claim agrees with that sentence: shared words within a language, the
   dense model's similarity across languages, at the calibrated threshold);
2. every passage it cites speaks for the place the question names (``places.passage_about``);
3. it names no place other than those its cited passages speak for;
4. it is about what was asked: for a question asking for a figure, every sentence stating one of the
   answer's figures, and for any other question the sentence stating the answer's first claim, is within a
   calibrated margin of the most relevant sentence of the passages that could answer (``answer_pool``).
A claim without a citation is first given the passage that meets 1–3 best, if one does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answer import subject
from assistant.answer.classes import asked_classes, names_another_class
from assistant.answer.evidence import Relevance, Sentence, content_words, sentences_of
from assistant.answer.question import STATED_FREQUENCY, Question, asks_frequency
from assistant.answer.subject import shares_subject
from assistant.answer.verify import Verification, citations_in, claims, drop_invalid_citations, strip_citations
from assistant.places import Place, places_named
from assistant.search.hybrid import Hit
from assistant.text.language import detect_language
from assistant.text.numbers import Figure, figures_match, find_figures, unsupported_figures, with_passage_units

MIN_SUPPORT = 0.5  # share of a claim's content words its sentence must contain, within one language
# The sentence stating an answer's figure may trail the question's most relevant figure sentence by this
# much: the p95 of the right sentence's lag behind the best one (bench/calibrate_grounding.py, docs/answers.md;
# XQuAD English questions over Chinese paragraphs, CMRC Chinese questions).
TOPIC_MARGIN = {"cross": 0.035, "zh": 0.08, "en": 0.10}
# The best sentence of an unrelated paragraph reaches this similarity to a question in 5% of cases
# (p95, XQuAD English questions over Chinese paragraphs, bench/calibrate_grounding.py).
FIGURE_CLAIM_SUPPORT = 0.67
RESTATED_SHARE = 0.75  # "What did the meeting say about open source?" is not restated by "The meeting said X"
ANSWER_KINDS = {"money": {"amount", "percent"}, "figure": {"amount", "percent", "count", "year", "date", "month"}}


@dataclass
class Scope:
    """What the grounding knows about the passages: which ones speak for the question's places."""

    hits: list[Hit]
    question: Question
    eligible: set[int]  # passage numbers that speak for every place the question names (all when none)
    speaks_for: dict[int, set[str]]  # passage number → codes of the places it speaks for
    cross_lingual_support: float
    drafted: tuple[Figure, ...] = ()  # the figures of the model's draft

    def sentences(self, numbers: Sequence[int] | None = None) -> list[Sentence]:
        return sentences_of(self.hits, numbers)


def ground(draft: str, scope: Scope, relevance: Relevance) -> Verification:
    """The draft with each claim checked (and uncited claims attributed where a passage clearly states them)."""
    texts = [hit.text for hit in scope.hits]
    text = drop_invalid_citations(draft, len(texts))
    result = Verification(text="")
    out, cursor = [], 0
    for index, claim in enumerate(claims(text)):
        position = text.find(claim, cursor)
        if position < 0:
            continue
        checked, problem, stating = check_claim(claim, scope, relevance, leading=index == 0)
        out.append(text[cursor:position] + checked)
        cursor = position + len(claim)
        cited = [n for n in citations_in(checked) if 1 <= n <= len(texts)]
        result.cited.extend(n for n in cited if n not in result.cited)
        bare = strip_citations(checked).strip()
        if not cited:
            result.uncited.append(bare)
        if problem:
            result.unverified.append(bare)
            result.problems.append(f"{bare} — {problem}")
        elif stating is not None:
            result.stating.append((stating.n, stating.text))
    result.text = "".join(out) + text[cursor:]
    kind = scope.question.kind
    if kind in ANSWER_KINDS and result.text.strip() and not _answer_figures(strip_citations(result.text), kind):
        # "What is the funding cap?" answered with a true sentence that states no cap does not answer it
        unanswered = strip_citations(result.text).strip()
        result.unverified.append(unanswered)
        result.problems.append(f"{unanswered} — states no {'amount' if kind == 'money' else 'figure'}, which was asked for")
    return result


def check_claim(
    claim: str, scope: Scope, relevance: Relevance, *, leading: bool = True
) -> tuple[str, str, Sentence | None]:
    """The claim (with a citation added when one passage clearly states it), what is wrong with it ("") and
    the sentence that states it. ``leading``: the answer's first claim, which must address the question."""
    cited = [n for n in citations_in(claim) if 1 <= n <= len(scope.hits)]
    if cited and detect_language(claim) == "en":  # "6 billion yuan" for 6 亿元: the figure is rewritten by code
        claim = with_passage_units(claim, "\n".join(scope.hits[n - 1].text for n in cited))
    bare = strip_citations(claim).strip()
    stating, problem = _stating_sentence(bare, cited, scope, relevance) if cited else (None, "no citation")
    if problem:
        attributed = _attribute(bare, scope, relevance)
        if attributed is not None:
            stating, problem = attributed, ""
            claim = _with_citation(bare, attributed.n)
    if problem:
        return claim, problem, stating
    problem = "" if _restates_question(bare, scope) else _outside_subject(bare, stating, scope)
    if not problem and _addresses_question(bare, scope.question.kind, leading) and not _restates_question(bare, scope):
        problem = _off_topic(stating, scope, relevance)
    return claim, problem, stating


def _outside_subject(bare: str, stating: Sentence | None, scope: Scope) -> str:
    """Lexical tests in Chinese, for English questions too (their words rendered, ``translate``): the sentence
    stating a claim shares a subject word with the question, and a figure of a 分别/依次 list is the item asked."""
    from assistant.answer.provisions import other_list_item  # provisions reads this module's Scope

    q = scope.question
    if stating is None:
        return ""
    among = [scope.hits[n - 1].text for n in sorted(scope.eligible)]
    same_language_fact = q.kind not in ANSWER_KINDS and detect_language(stating.text) == q.language
    if not same_language_fact and not shares_subject(q, stating.context, among):  # a 文号 line names no subject
        return "the sentence stating it is about something else: it shares no word with what was asked"
    if names_another_class(stating.text, asked_classes(subject.subject_terms(q))):
        return "the sentence stating it is about another class than the one asked"
    return other_list_item(q, stating.text, find_figures(bare)) if q.kind == "money" else ""


def _restates_question(bare: str, scope: Scope) -> bool:
    """A fact claim that carries nearly all of the question's words and adds what its sentence states
    ("深圳…行动计划的文号是深工信〔2025〕42号") answers the question, however short that sentence is."""
    if scope.question.kind != "fact":
        return False
    asked = content_words(scope.question.text)
    return bool(asked) and len(asked & content_words(bare)) >= RESTATED_SHARE * len(asked)


def _addresses_question(bare: str, kind: str, leading: bool) -> bool:
    """Claims held to rule 4: every answer figure of a figure question; the first claim of any other."""
    if kind in ANSWER_KINDS:
        return _answer_figures(bare, kind)
    return kind == "fact" and leading


def _stating_sentence(bare: str, cited: list[int], scope: Scope, relevance: Relevance) -> tuple[Sentence | None, str]:
    if scope.question.places and not all(n in scope.eligible for n in cited):
        return None, "cites a passage that is not about " + _names(scope.question.places)
    named = {p.code for p in places_named(bare) if p.level != "national"}
    allowed = set().union(*(scope.speaks_for.get(n, set()) for n in cited))
    if named - allowed:
        return None, "names a place its passage is not about"
    candidates = scope.sentences(cited)
    if find_figures(bare):
        stating = [s for s in candidates if not unsupported_figures(bare, [s.text])]
        if not stating:
            return None, "a figure is not stated in the cited passage" if unsupported_figures(
                bare, [scope.hits[n - 1].text for n in cited]
            ) else "its figures are not stated in one sentence"
        candidates = stating
    best, agreement = _best_agreement(bare, candidates, scope, relevance)
    return (best, "") if agreement else (best, "the cited sentence is about something else")


def _best_agreement(bare: str, candidates: list[Sentence], scope: Scope, relevance: Relevance):
    """The candidate sentence that states the claim best, and whether it states it clearly enough."""
    if not candidates:
        return None, False
    # What the claim asserts beyond restating the question: "深圳…行动计划的文号是深工信〔2025〕42号" asserts the number.
    words = content_words(bare) - content_words(scope.question.text)
    if not words:  # "最高 5000 万元 [2]": the figure alone; its sentence is the one most about the question
        scores = relevance.score(scope.question.about, [s.text for s in candidates])
        return candidates[scores.index(max(scores))], True
    texts = [s.with_previous or s.text for s in candidates]  # a claim may state the sentence with its lead-in
    dense = [max(a, b) for a, b in zip(relevance.dense(bare, [s.text for s in candidates]), relevance.dense(bare, texts))]
    # A claim whose figures its sentence states needs only to be closer to that sentence than unrelated text
    # ever is; a claim without figures must read as its translation (both calibrated, docs/answers.md).
    across = FIGURE_CLAIM_SUPPORT if find_figures(bare) else scope.cross_lingual_support
    scored = []
    for sentence, text, similarity in zip(candidates, texts, dense):
        if detect_language(sentence.text) == detect_language(bare):
            shared = len(words & content_words(text)) / max(1, len(words))
            ok = shared >= MIN_SUPPORT or similarity >= scope.cross_lingual_support + 0.1
        else:
            ok = similarity >= across
        scored.append((ok, similarity, sentence))
    ok, _, best = max(scored, key=lambda item: (item[0], item[1]))
    return best, ok


def _attribute(bare: str, scope: Scope, relevance: Relevance) -> Sentence | None:
    """An uncited or mis-cited claim goes to the eligible passage that states it, if one clearly does."""
    if not find_figures(bare) and not content_words(bare):
        return None
    for n in sorted(scope.eligible or range(1, len(scope.hits) + 1), key=lambda n: -scope.hits[n - 1].score):
        sentence, problem = _stating_sentence(bare, [n], scope, relevance)
        if not problem and sentence is not None:
            return sentence
    return None


def _off_topic(stating: Sentence | None, scope: Scope, relevance: Relevance) -> str:
    """The answer's figure comes from a sentence about something else than the question."""
    if stating is None:
        return "no sentence states it"
    if scope.question.kind == "money" and not stating.funds:
        return "the sentence stating this figure grants no money (a target, not a subsidy)"
    # Relevance is comparable only within one language pair (calibrated per direction): an English news
    # sentence outscores every Chinese one for an English question, whatever it says.
    language = detect_language(stating.text)
    pool = [s for s in answer_pool(scope) if detect_language(s.text) == language] or [stating]
    if stating not in pool:
        pool.append(stating)
    scores = relevance.of_sentences(scope.question.about, pool)
    mine = scores[pool.index(stating)]
    same = detect_language(stating.text) == scope.question.language
    margin = TOPIC_MARGIN[scope.question.language if same else "cross"]
    if not same and any(figures_match(a, b) for a in stating.figures for b in scope.drafted):
        margin *= 2  # across languages the ranking is weakest; the model chose this figure independently
    best = pool[scores.index(max(scores))]
    if mine < max(scores) - margin or (same and best != stating and _lacks_what_is_asked(stating, best, pool, scope)):
        return "the sentence stating it is about something else than the question"
    if same and scope.question.kind == "money" and _asked_without_amount(stating, scope):
        return "what was asked is mentioned without an amount; this figure is another provision's"
    return ""


WITHOUT_AMOUNT_SHARE = 0.6  # the share of the question's subject terms a sentence granting nothing must hold


def _asked_without_amount(stating: Sentence, scope: Scope) -> bool:
    """A sentence that grants nothing holds most of what a money question asks ("启动应急保障供应机制，加大平价
    蔬菜供应") and at least twice the share the sentence with the figure holds with its context (a neighbouring
    平价蔬菜摊位 subsidy): the documents mention what was asked without an amount."""
    terms = subject.topic_terms(scope.question)
    if len(terms) < 3:
        return False

    def share(text: str) -> float:
        return sum(subject.term_in(t, text) for t in terms) / len(terms)

    mine = share(f"{stating.context} {stating.text}")
    silent = [share(s.text) for s in scope.sentences(sorted(scope.eligible)) if not s.funds]
    best = max(silent, default=0.0)
    return best >= WITHOUT_AMOUNT_SHARE and best >= 2 * mine


def _lacks_what_is_asked(stating: Sentence, best: Sentence, pool: list[Sentence], scope: Scope) -> bool:
    """Within the margin, a sentence still misses the point when the question's rarest words (held by the
    fewest eligible sentences: "open source" in "what did the meeting say about open source?", not
    "meeting") are in the most relevant sentence and nowhere in this one or its context."""
    asked = content_words(scope.question.about)
    bags = [content_words(f"{s.context} {s.text}") for s in pool]
    held = {w: sum(w in bag for bag in bags) for w in asked}
    fewest = min((n for n in held.values() if n), default=0)
    rarest = {w for w, n in held.items() if n == fewest and n}
    return bool(rarest & bags[pool.index(best)]) and not rarest & bags[pool.index(stating)]


def answer_pool(scope: Scope) -> list[Sentence]:
    """The eligible sentences that could answer: for a money question those that grant money, for a figure
    question those that state a figure, for "how often" those that state a frequency (when any does), for any
    other question all."""
    sentences = scope.sentences(sorted(scope.eligible))
    if asks_frequency(scope.question):
        return [s for s in sentences if STATED_FREQUENCY.search(s.text)] or sentences
    if scope.question.kind == "money":
        return [s for s in sentences if s.funds]
    kinds = ANSWER_KINDS.get(scope.question.kind)
    return [s for s in sentences if s.has(kinds)] if kinds else sentences


def _answer_figures(bare: str, kind: str) -> bool:
    return any(f.kind in ANSWER_KINDS[kind] for f in find_figures(bare))


def _with_citation(bare: str, n: int) -> str:
    end = len(bare.rstrip("。！？!?.").rstrip())
    return f"{bare[:end]} [{n}]{bare[end:]}"


def _names(places: Sequence[Place]) -> str:
    return " and ".join(p.label for p in places)
