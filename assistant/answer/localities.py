"""Towns and subdistricts (镇, 乡, 街道) below the county that a provision names as its item: "在邓埠街道、龙岗街道购买…
给予300元/平方米，在中童镇购买…给予230元/平方米" is three provisions told apart only by where the home is. The gazetteer
stops at the county, so these are read from the text: a name of two or three characters before the unit word."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.answer.offers import Offer

_UNIT = r"(?:街道|镇|乡)"
_UNIT_WORD = re.compile(_UNIT)
_CJK_NAME = re.compile(r"[\u4e00-\u9fff]+")
AT_A_LOCALITY = re.compile(rf"[在于](?=[\u4e00-\u9fff]{{2,3}}?{_UNIT})")  # "在中童镇购买": where an item's own words begin
_NOT_A_NAME = re.compile(r"^(?:.?城|.?乡|.?村|所在|乡镇|城镇|村镇)$|[在于的、及对各全本我县区市省]")


def localities(text: str) -> set[str]:
    """The towns and subdistricts ``text`` names, as their names ("中童", "邓埠")."""
    names = set()
    for unit in _UNIT_WORD.finditer(text):
        for size in (2, 3):  # "在中童镇": the name is the two characters before the unit word, or three
            candidate = text[max(0, unit.start() - size) : unit.start()]
            if len(candidate) == size and _CJK_NAME.fullmatch(candidate) and not _NOT_A_NAME.search(candidate):
                names.add(candidate)
                break
    return names


def of_the_asked_locality(question: str, found: list[Offer]) -> list[Offer]:
    """When the question names a town or subdistrict that some provisions name, those naming only other ones are
    not the answer."""
    asked = localities(question)
    naming = {id(o): localities(o.own) for o in found}
    if not asked or not any(naming[id(o)] & asked for o in found):
        return found
    return [o for o in found if not naming[id(o)] or naming[id(o)] & asked]
