"""The question's subject words, in Chinese for an English question (``translate``), and where they occur.

One notion of "what is asked" for every lexical test: the refusal by evidence (``guard.subject_coverage``),
the provision a money question selects (``provisions``), the topic check of grounding and the repair's
quote (a sentence sharing none of them is about something else).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import lru_cache

import jieba.posseg as pseg

from assistant.answer.classes import chinese_class_terms, english_class_terms, spelled_ranks
from assistant.answer.evidence import content_words, unwrapped
from assistant.answer.question import Question
from assistant.places import gazetteer
from assistant.search.keyword import tokenize
from assistant.text.language import detect_language
from assistant.text.numbers import find_figures
from assistant.text.translate import Term, terms_of

# The words Chinese policy titles are made of ("关于推动人工智能产业高质量发展的若干意见（征求意见稿）"): a question
# naming its document uses them, and they are in every passage of it, so they say nothing of the subject;
# likewise the words asking for the kind of answer (文号, 哪天, 上限).
_TITLE_TEXT = (
    "产业 发展 推动 推进 加快 促进 高质量 质量 高质 若干 意见 若干意见 扶持意见 征求 征求意见 征求意见稿 措施 若干措施 方案 "
    "实施方案 行动 "
    "行动计划 计划 办法 管理办法 通知 印发 关于 试行 暂行 规定 细则 实施细则 政策 本市 全市 全区 "
    # and the words that ask for a kind of answer rather than name a subject
    "文号 发文字号 字号 哪天 时候 什么时候 多久 开始 日期 时间 多大 上限 有效期 "
    # and the words that only shape the question: "两份…各是多少", "最多能补多少"
    "各是 各为 分别 两份 三份 四份 几份 最多能 最多可 能拿 多少钱 之间 以上 以下 一名 获得 可获得 按多大 多大比例 "
    # and what is left of a zone's name once its place is read ("大理经开区" names Dali)
    "经开区 开发区 高新区 新区 试验区 实验区 综合实验区 片区 哪一天 发出"
)
TITLE_WORDS = frozenset(_TITLE_TEXT.split())
# Words that qualify a figure: how much and how often, not what for. They choose among the provisions of one
# subject (a per-unit cap or a yearly one per company) but are no subject: "the annual cap on buying computing
# power" is not answered by another annual cap.
_QUALIFIER_TEXT = (
    "年度 每年 一年 一次性 累计 单个 每家 每个 一家 一个 "
    "annual annually yearly year years cumulative cumulatively once one-off one-time minimum"
)
QUALIFIERS = frozenset(_QUALIFIER_TEXT.split())
# Short forms questions use for what policy text writes out in full.
CHINESE_ALIASES = {
    "规上": ("规模以上",),
    "高企": ("高新技术企业",),
    "首台套": ("首台（套）", "首台(套)", "首台套"),
    "小升规": ("小升规", "达规纳统"),
    # everyday words for what policy text writes formally
    "两口子": ("夫妻",),
    "小两口": ("夫妻",),
    "买房": ("购房", "购买"),
    "楼市": ("房地产",),
    "房租": ("房租", "租金", "租赁"),
    "孩子": ("子女", "孩子"),
    "小孩": ("子女",),
    "老人": ("老年人", "老人"),
}


# Parts of speech that shape a sentence rather than name a subject: conjunctions (如果), pronouns (每个, 其他),
# adverbs (都, 最多), prepositions, particles, interjections; and a count of one thing (一套, 一对, 两人).
_SHAPING_FLAGS = ("c", "r", "d", "p", "u", "y", "e", "o")
_COUNT = re.compile(r"[一两二][套对名个位户家人间]")
_HOW_LARGE = re.compile(r"(?i)\bhow\s+(?:large|big|high|great)\b")


_WHEN_ASKED = re.compile(r"(?:哪|什么|哪个|多长)(?:一)?段?时间段?|多久")


def _without_place_mentions(text: str) -> str:
    for mention in reversed(gazetteer().mentions(text)):
        # "national" is a level of what is asked ("a national-level leading talent", 国家级), not a place to drop
        if mention.end > mention.start and not all(c.level == "national" for c in mention.candidates):
            text = text[: mention.start] + " " + text[mention.end :]
    return text


def _shaping_words(text: str) -> frozenset[str]:
    return frozenset(
        word for word, flag in pseg.lcut(text) if flag.startswith(_SHAPING_FLAGS) or flag == "m" and _COUNT.fullmatch(word)
    )


def subject_terms(q: Question) -> tuple[Term, ...]:
    """What the question asks about, without its places and boilerplate: Chinese words for a Chinese question;
    for an English one its content words and phrases with their Chinese renderings."""
    return _terms(q.about, q.chinese, tuple(sorted(p.code for p in q.places)), q.places)


@lru_cache(maxsize=256)
def _terms(text: str, chinese: bool, _codes: tuple[str, ...], places) -> tuple[Term, ...]:
    names = {n for p in places for n in (p.short, p.name, p.english.lower())}
    names |= {w for n in list(names) for w in tokenize(n)}
    text = _without_place_mentions(text)  # before words are cut: "荣昌区多子女" is not 荣昌/区多/子女
    if chinese:
        text = _WHEN_ASKED.sub(" ", text)  # "哪段时间", "多长时间": how the question asks, not what about
        for figure in reversed(find_figures(text)):  # a condition's figure is no subject ("500万到1000万元之间")
            text = text[: figure.start] + " " + text[figure.end :]
        shaping = _shaping_words(text)
        words = [w for w in content_words(text) if w not in names | TITLE_WORDS | shaping and w not in gazetteer().by_chinese]
        words = [w for w in words if not any(w != other and w in other for other in words)]  # 孵化器, not 孵化 or 化器
        classes = chinese_class_terms(text)
        words = [w for w in words if not any(t.english.startswith(w.upper()) for t in classes)]  # the ii of II类
        return tuple(Term(w, (w, *CHINESE_ALIASES.get(w, ()))) for w in sorted(words)) + tuple(classes)
    skip = frozenset(w for n in names for w in n.lower().split())
    text = _HOW_LARGE.sub(" ", text)  # "how large is the voucher": a question word, not a large thing
    text, classes = english_class_terms(text)
    return tuple(t for t in terms_of(text, skip) if t.chinese) + tuple(classes)


def topic_terms(q: Question) -> tuple[Term, ...]:
    """The subject terms that say what the question is about, without those that qualify a figure."""
    return tuple(t for t in subject_terms(q) if t.english.lower() not in QUALIFIERS)


def term_in(term: Term, text: str) -> bool:
    """The term, or one of its renderings, occurs in ``text`` (Chinese by substring, PDF line breaks aside;
    English by word)."""
    if detect_language(text) == "zh":
        flat = spelled_ranks(unwrapped(text))
        return any(c in flat for c in term.chinese)
    words = set(tokenize(text))  # inflections aside: "release" is in "released"
    return all(any(t == w or t.startswith(w[: max(4, len(w) - 3)]) for t in words) for w in tokenize(term.english))


def shared_terms(q: Question, text: str) -> list[Term]:
    return [t for t in subject_terms(q) if term_in(t, text)]


COMMON_SHARE = 0.75  # a word in this share of the passages (产业 in an AI-industry policy) tells no subject apart


def shares_subject(q: Question, text: str, among: Sequence[str] = ()) -> bool:
    """``text`` holds at least one of the question's subject words (True when the question has none). With
    ``among`` (the retrieved passages), words most of them hold do not count unless every word is such."""
    if q.chinese and detect_language(text) != "zh":
        return True  # no Chinese→English rendering here: across that way the dense checks judge alone
    terms = list(topic_terms(q))
    if len(among) >= 3:
        telling = [t for t in terms if sum(term_in(t, p) for p in among) < COMMON_SHARE * len(among)]
        terms = telling or terms
    return not terms or any(term_in(t, text) for t in terms)


def coverage(q: Question, texts: Sequence[str]) -> float:
    """IDF-weighted share of the question's subject terms that occur in ``texts`` (1.0 when there are none);
    a term no text has weighs most."""
    terms = topic_terms(q)
    if not terms or not texts:
        return 1.0
    held = [sum(term_in(t, text) for text in texts) for t in terms]
    weights = [math.log(1 + (len(texts) + 1) / (1 + n)) for n in held]
    # a Chinese name an English question writes out ("the one-off job-expansion subsidy (一次性扩岗补助)") is the
    # user's own word for the subject, exact where the renderings of the words around it are loose
    weights = [w * WRITTEN_WEIGHT if not q.chinese and written_in_chinese(t) else w for w, t in zip(weights, terms)]
    return sum(w for w, n in zip(weights, held) if n) / sum(weights)


WRITTEN_WEIGHT = 3.0
_WRITTEN_IN_CHINESE = re.compile(r"[\u4e00-\u9fff]{3,}")


def written_in_chinese(term: Term) -> bool:
    """A term an English question writes in Chinese ("(家电消费券)"): the thing's own name, not a rendering."""
    return bool(_WRITTEN_IN_CHINESE.fullmatch(term.english))
