"""Money answers from records: the selected provision's figures, rendered by code, are what the answer states.

The model may phrase: a draft that verifies and states exactly the selected provision's figures is kept. A
draft that states another figure, or fails, gives way to the provision ("省级：50万元 [2]。原文：“…” [2]。").
When several look-alike provisions stay equally plausible the answer is a small cited table of them that
says which words of the question they all match, never a silent pick.
"""

from __future__ import annotations

import re

from assistant.answer.ground import Scope
from assistant.answer.offers import Offer, Selection, offers
from assistant.answer.provisions import other_list_item, select, states_selected
from assistant.answer.question import Question
from assistant.answer.repair import quote
from assistant.answer.verify import QUOTED_SPAN, Verification, verify_answer
from assistant.text.numbers import figures_match, find_figures

_BOUND = re.compile(r"(.*?)(?:最高不超过|不超过|不高于|最高可达|最高可给予|最高可|最高|最多)\s*(.+)")


def money_answer(q: Question, scope: Scope, draft_check: Verification | None) -> tuple[str, Verification] | None:
    """The answer from the provisions the question selects, or None: not a money question, no provision
    selected clearly, or a verified draft that states exactly the selected provision's figures."""
    selection = selected(q, scope) if q.kind == "money" else None
    if selection is None:
        return None
    if len(selection.offers) == 1:
        drafted = find_figures(draft_check.text) if draft_check is not None else []
        if draft_check is not None and draft_check.verified and draft_check.cited and states_selected(selection, drafted):
            return None  # the model's own words, stating the provision's figures
        return single(q, selection.offers[0])
    return table(q, selection, scope)


def selected(q: Question, scope: Scope) -> Selection | None:
    """The provision(s) of the eligible passages the question's words select (``provisions.select``)."""
    passages = [f"{h.metadata.get('section', '')}\n{h.text}" for h in scope.hits]
    return select(q, offers(scope), passages)


def describe(offer: Offer) -> str:
    p = offer.provision
    return offer.label or p.recipient or p.item or p.span[:30]


def weakly_bound(q: Question, scope: Scope, check: Verification) -> bool:
    """A money answer whose figures come from provisions that hold too few of the question's words to be
    selected by them (``provisions.select`` finds none among those stating the figures): its sentence may
    share a word with the question, but the provision is about something else ("公租房租赁补贴每月标准" answered
    with the 共有产权房 50% of the same sentence)."""
    if q.kind != "money" or not check.cited:
        return False
    figures = [f for f in find_figures(check.text) if f.kind in ("amount", "percent")]
    stating = [o for o in offers(scope) if o.n in check.cited and any(figures_match(f, g) for f in figures for g in o.figures)]
    if not stating:
        return False
    passages = [f"{h.metadata.get('section', '')}\n{h.text}" for h in scope.hits]
    return select(q, stating, passages) is None


def unasked_item(q: Question, check: Verification) -> str:
    """Why the one provision's figure is an item of a list the question does not name, by the draft check's own
    reading of lists (``other_list_item``); "" when it names it. Selection weighs words, the check reads item
    labels: when they disagree, the figure is not bound to what was asked."""
    if len(check.stating) != 1:
        return ""
    own = QUOTED_SPAN.sub(" ", check.text)
    return other_list_item(q, check.stating[0][1], find_figures(own))


def single(q: Question, offer: Offer) -> tuple[str, Verification]:
    n, stated = offer.n, offer.stated
    label = f"{offer.label}：" if q.chinese and offer.label else f"{offer.label}: " if offer.label else ""
    if q.chinese:
        text = f"{label}{stated} [{n}]。原文：{quote(offer.provision.span, n)}"
    else:
        figures = " and ".join(_english_bound(part) for part in offer.parts)
        text = f"{label}{figures[0].upper()}{figures[1:]} [{n}]. The passage says: {quote(offer.provision.span, n)}"
    return text, Verification(text=text, cited=[n], stating=[(n, offer.sentence)])


def _english_bound(stated: str) -> str:
    """ "最高50万元" reads "up to 50万元" in an English answer (the figure's English form is added by rendering)."""
    bound = _BOUND.match(stated)
    if bound is None:  # "场景开发投入的 20%" → "20% of 场景开发投入"
        share = re.fullmatch(r"(.+?)的?\s*(\d[\d.]*\s*[%％])", stated)
        return f"{share.group(2)} of {share.group(1)}" if share else stated
    base = bound.group(1).strip(" 的按照给予")
    figure = re.search(r"\d.*", bound.group(2))  # "最高奖励50万元": the figure, not the grant word before it
    return f"up to {(figure.group() if figure else bound.group(2)).strip()}" + (f" of {base}" if base else "")


def table(q: Question, selection: Selection, scope: Scope) -> tuple[str, Verification]:
    matched = "、".join(selection.matched) if q.chinese else ", ".join(f"“{w}”" for w in selection.matched)
    if q.chinese:
        lead = f"文件中有几项相近的规定，问题中的“{matched}”与每一项同样相符，未指明是哪一项："
        header = "| 规定 | 金额 | 出处 |"
    else:
        lead = (
            "The documents hold several look-alike provisions, and the question's words "
            f"({matched}) match each of them equally; it does not say which one:"
        )
        header = "| Provision | Amount | Source |"
    rows = [f"| {describe(o)} | {o.stated} | [{o.n}] |" for o in selection.offers]
    grid = "\n".join([header, "| --- | --- | --- |", *rows])
    check = verify_answer(grid, [hit.text for hit in scope.hits])  # every row's figures in the passage it cites
    text = check.text = f"{lead}\n\n{grid}"
    check.stating = [(o.n, o.sentence) for o in selection.offers]
    return text, check
