"""Numbers in English and Chinese policy text, in one import: find, normalise, compare, extract amounts and
render Chinese figures in English.

The work is done in four modules, read in this order: ``numerals`` (numerals to values, Chinese ones by
cn2an), ``figures`` (every figure of a text with its unit and kind, and when two figures state the same
thing), ``amounts`` (money with its "up to"/"每家" qualifier and its sentence) and ``english`` (Chinese
figures written the English way). Sentences (``sentence_spans``) live in ``assistant.text.sentences``; they
are importable from here too, because the amounts and the provisions are read sentence by sentence.
"""

from assistant.text.amounts import Amount, extract_amounts
from assistant.text.english import (
    english_amount,
    english_rendering,
    misread_units,
    replace_text,
    with_english_figures,
    with_passage_units,
)
from assistant.text.figures import Figure, figure_supported, figures_match, find_figures, unsupported_figures
from assistant.text.sentences import sentence_spans, split_sentences

__all__ = [
    "Amount",
    "Figure",
    "english_amount",
    "english_rendering",
    "extract_amounts",
    "figure_supported",
    "figures_match",
    "find_figures",
    "misread_units",
    "replace_text",
    "sentence_spans",
    "split_sentences",
    "unsupported_figures",
    "with_english_figures",
    "with_passage_units",
]
