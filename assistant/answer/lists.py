"""How a sentence lists items with a figure each: "对认定为国家级、省级、市级企业技术中心的，分别给予100万元、50万元、
20万元奖励" (分别/依次, items by 、 or 以及/和), "全国总决赛一、二、三等奖…分别给予…" (ranks written once) and runs like
"一等奖50万元、二等奖30万元": each figure's label and the phrase it stands for, so a question naming one item
gets that item's figure (``provisions``)."""

from __future__ import annotations

import re

from assistant.answer.classes import chinese_class_terms
from assistant.text.numbers import find_figures

_DISTRIBUTE = re.compile(r"分别|依次|各")
_ITEM_LEAD = re.compile(r"^.*(?:认定为|评为|获评|获得|获批|获|入选|列入|纳入|被|为|对|向|的)")
_LABEL_TRIM = re.compile(r"^[\s、，,：:（(]*(?:并|且|其中|对|按|给予|予以|奖励|补贴|最高|不超过|分别|依次)*|(?:给予|予以|奖励|最高|不超过)+[\s]*$")


def list_labels(sentence: str, positions: list[int]) -> list[tuple[str, str] | None]:
    """For each provision figure (its offset in ``sentence``), its list item: (label, its whole phrase), e.g.
    ("省级", "认定为省级企业技术中心的") for the second figure of "对认定为国家级、省级、市级企业技术中心的，分别给予
    100万元、50万元、20万元奖励"; else ("一等奖", "") for runs like "一等奖50万元、二等奖30万元"; None when neither."""
    labels: list[tuple[str, str] | None] = [None] * len(positions)
    if len(positions) < 2:
        return labels
    if bracketed := _bracketed_labels(sentence, positions):
        return bracketed
    # the last one before the figures: "对主导、参与各类标准…，其中…每项分别给予" distributes at 分别, not 各
    distributed = ([None] + list(_DISTRIBUTE.finditer(sentence, 0, positions[0])))[-1]
    if distributed:
        items = _distributed_items(sentence[: distributed.start()], len(positions))
        if items:
            return list(items)
    for i, position in enumerate(positions):  # "一等奖50万元、二等奖30万元、三等奖10万元"
        begin = positions[i - 1] if i else 0
        figures = find_figures(sentence[begin:position])
        if i and figures:
            begin += figures[-1].end
        piece = re.split(r"[，,；;。]", sentence[begin:position])[-1]
        label = _LABEL_TRIM.sub("", piece).strip(" 、，,的")
        if not (1 <= len(label) <= 12 and re.fullmatch(r"[\w\u4e00-\u9fff]+", label)):
            # a table flattened to text: "A类/按房价总额的20%,最高不超过40万元B类/按房价总额的15%…"
            classes = chinese_class_terms(piece)
            label = classes[-1].english if classes else ""
        labels[i] = (label, "") if label else None
    if _alike(labels):
        return labels
    # a sum then its parts: "分三年共给予60万元奖励，第一年给予30万元，第二年给予20万元，第三年给予10万元"
    return [None, *labels[1:]] if len(labels) > 2 and _alike(labels[1:]) else [None] * len(positions)


def _alike(labels: list[tuple[str, str] | None]) -> bool:
    """Labels of one run: all there, distinct, ending alike (一等奖/二等奖, A类/B类, 第一年/第二年)."""
    names = [label[0] for label in labels if label]
    return len(names) == len(labels) == len(set(names)) and len({name[-1] for name in names}) == 1


_AFTER_FIGURE = re.compile(r"\s*[（(]([\u4e00-\u9fffA-Za-z]{1,12})[）)]")


def _bracketed_labels(sentence: str, positions: list[int]) -> list[tuple[str, str]] | None:
    """ "每人每年3万元(博士)、1.44万元(硕士)、0.72万元(本科)": each figure's item in the brackets after it."""
    labels = []
    for position in positions:
        figure = next(iter(find_figures(sentence[position:])), None)
        after = _AFTER_FIGURE.match(sentence, position + figure.end) if figure else None
        if after is None:
            return None
        labels.append((after.group(1), ""))
    return labels if len({label for label, _ in labels}) == len(labels) else None


def _distributed_items(before: str, count: int) -> list[tuple[str, str]] | None:
    """ "对认定为国家级、省级、市级企业技术中心的，" and 3 figures → the three labels and phrases."""
    clause = re.split(r"[；;。]", before.rstrip(" ，,"))[-1]
    pieces = [piece for piece in re.split(r"[，,]", clause) if piece.strip()]
    # the items are in the nearest piece that splits into as many as there are figures: by 、, else by 以及/和/与
    # ("对主导制定国际标准以及主导制定国家标准的，每项分别给予最高100万元、50万元")
    parts = next((found for piece in reversed(pieces[-3:]) if (found := _items(piece, count))), None)
    parts = parts or (clause.split("、") if len(clause.split("、")) == count else None)
    if parts is None or count < 2:
        return None
    ranked = _ranked_items(parts)
    if ranked:
        return ranked
    first, middle, last = parts[0], parts[1:-1], parts[-1]
    lead = _ITEM_LEAD.match(first)
    tail = first[-max(map(len, middle or [last[:2]])) :]
    label_first = first[lead.end() :] if lead and lead.end() < len(first) else tail
    if len(label_first) > 12 or len(label_first) > 2 * max(map(len, [*middle, last])):
        # "对新引进的…全日制应届博士、硕士、本科生", "对主导制订智能制造国际、国家和行业标准": the item is as long as the others
        label_first = tail
    if _figure_label(last) and (figures := find_figures(first)):
        # "不少于300人、600人的": the items are the figures, as many as the others hold ("10万元以上至50万元以下")
        held = max(len(find_figures(part)) for part in [*middle, last])
        label_first = first[figures[-min(held, len(figures))].start :]
    prefix = first[: len(first) - len(label_first)]
    end_char = label_first[-1:]
    cut = last.find(end_char) + 1 if end_char and end_char in last else len(last)
    if cut == len(last) and middle and len(last) > (others := max(map(len, [label_first, *middle]))):
        cut = others  # "国际、国家和行业标准": the last item is as long as the others, 标准 is every item's
    if cut == len(last) and _LEVEL.fullmatch(label_first) and (level := _LEVEL.match(last)):
        cut = level.end()  # "获批国家、省青年就业见习示范基地": levels, the base is every item's
    label_last, suffix = last[:cut], last[cut:]
    labels = [label_first, *middle, label_last]
    longest = 24 if all(find_figures(label) for label in labels) else 12  # tiers: "100万元以上至300万元以下"
    if not all(0 < len(label) <= longest for label in labels) or len(set(labels)) < len(labels):
        return None
    lead_word = re.sub(r"^[\s（(]*(?:对|向)", "", prefix)
    if all(_LEVEL.fullmatch(label) for label in labels):  # "国家、省…基地": the levels 国家级, 省级 asked as such
        labels = [label if label.endswith("级") or label in ("国际", "世界") else f"{label}级" for label in labels]
    return [(label, f"{lead_word}{label}{suffix}".strip(" ，,")) for label in labels]


_LEVEL = re.compile(r"国家级?|国际|世界|省部级|省级?|自治区级?|市级?|区级?|县级?")


def _figure_label(part: str) -> str:
    """The figure an item opens with and its unit ("600人" of "600人的大型团队"), or ""."""
    figures = find_figures(part)
    return part[: figures[0].end] if figures and figures[0].start == 0 else ""


_ORDINAL = r"[一二三四五六七八九十]|[A-Za-z]|\d{1,2}"
_RANK_WORD = r"等奖|等次|等|类|级|档|星级|星|批次|批"


def _ranked_items(parts: list[str]) -> list[tuple[str, str]] | None:
    """ "全国总决赛一、二、三等奖的企事业单位" (or "A、B、C类企业"): ranks written once with their word at the end
    → 一等奖, 二等奖, 三等奖, each with the whole phrase."""
    last = re.fullmatch(rf"({_ORDINAL})({_RANK_WORD})(.*)", parts[-1])
    first = re.fullmatch(rf"(.*?)({_ORDINAL})", parts[0])
    if not (last and first and all(re.fullmatch(_ORDINAL, part) for part in parts[1:-1])):
        return None
    lead = re.sub(r"^[\s（(]*(?:对|向)", "", first.group(1))
    ranks = [first.group(2), *parts[1:-1], last.group(1)]
    return [(f"{rank}{last.group(2)}", f"{lead}{rank}{last.group(2)}{last.group(3)}") for rank in ranks]


def _items(piece: str, count: int) -> list[str] | None:
    """The items of ``piece``, split by 、, else by 以及/及/和/与, else by both ("国际、国家和行业标准"). The recipients
    after the last 的 are no items ("…行业标准的企业、机构"): the words before it are tried first."""
    before, _, recipients = piece.rpartition("的")
    for text in ([before] if before and len(recipients) <= 8 else []) + [piece]:
        for separator in ("、", "以及|及|和|与|或者|或", "、|以及|及|和|与"):
            parts = re.split(separator, text)
            if len(parts) == count and all(part.strip() for part in parts):
                return parts
    return None
