"""The web UI's plain functions, called directly: chat turns, sources panel, escaping, export, status."""

from __future__ import annotations

import re

import pytest
from langchain_core.language_models import FakeListChatModel

from assistant.answer import Answer, Answerer
from assistant.answer.verify import verify_answer
from assistant.search.hybrid import NO_FILTER, Hit
from assistant.search.store import IndexUnavailableError
from assistant.web.handlers import (
    EMPTY_SOURCES,
    Turn,
    answer_markdown,
    chat_messages,
    chat_turn,
    context_questions,
    escape_markdown_html,
    export_markdown,
    filter_choices,
    highlight_figures,
    link_citations,
    make_filter,
    render_documents,
    render_sources_panel,
    reply_markdown,
    status_text,
)

FUNDING_QUESTION = "What is the funding cap for new equipment with demonstrative value in Beijing's plan?"
FUNDING_SENTENCE = "the plan offers support of up to RMB 30 million"
MARKUP = "<img src=x onerror=alert(1)> <script>alert('xss')</script>"


def hit(text: str, **meta) -> Hit:
    return Hit(id=meta.pop("id", "c1"), text=text, metadata={"source": "plan.txt", "title": "Plan", **meta})


def answer_for(question: str, text: str, hits: list[Hit]) -> Answer:
    return Answer(question, question, text, False, hits, verify_answer(text, [h.text for h in hits]))


def answerer(services, *replies: str) -> Answerer:
    return Answerer(services.searcher, FakeListChatModel(responses=list(replies)), top_k=services.settings.top_k)


def run_turn(answerer_, question, turns=(), filters=NO_FILTER, waiting=lambda: 0):
    return list(chat_turn(answerer_, question, list(turns), filters, waiting))


def test_citations_link_to_their_turns_passages_only_when_they_exist():
    linked = link_citations("Up to RMB 30 million [1][2], see also [7].", 2, turn=3)
    assert "[\\[1\\]](#passage-3-1)" in linked and "[\\[2\\]](#passage-3-2)" in linked
    assert "[7]" in linked and "#passage-3-7" not in linked


def test_markup_in_model_or_document_text_is_shown_as_text():
    escaped = escape_markdown_html(f"{MARKUP} ![x](http://example.com/a.png)")
    assert "<" not in escaped and "&lt;img src=x onerror=alert(1)&gt;" in escaped
    assert "![" not in escaped, "no remote image is loaded from an answer"


def test_answer_figures_are_highlighted_in_the_escaped_passage():
    html = highlight_figures(f"For new equipment {FUNDING_SENTENCE}. {MARKUP}", "The cap is RMB 30 million [1].")
    assert "<mark>RMB 30 million</mark>" in html or "<mark>30 million</mark>" in html
    assert "<img" not in html and "<script" not in html and "&lt;script&gt;" in html


def test_sources_panel_shows_every_detail_escaped_newest_turn_open():
    first = hit(f"Passage one {MARKUP}", region="Beijing", issuer=f"Bureau {MARKUP}", date="2025-03-01",
                section="Funding", page=4, title=f"Plan {MARKUP}")  # fmt: skip
    answer = answer_for("Q?", "The cap is 30 million [1].", [first])
    panel = render_sources_panel(
        [Turn("Earlier question", hits=[hit("Older passage", id="c0")]), Turn("Q?", answer=answer)]
    )
    assert "<img" not in panel and "<script" not in panel
    for value in ("Beijing", "Bureau &lt;img", "2025-03-01", "Funding", "p. 4", "plan.txt", "Plan &lt;img"):
        assert value in panel
    assert panel.index("id='turn-2' open") < panel.index("id='turn-1'"), "newest first, and open"
    assert "id='turn-1' open" not in panel
    assert "id='passage-2-1'" in panel and "id='passage-1-1'" in panel
    assert "passage cited" in panel
    assert render_sources_panel([]) == EMPTY_SOURCES


def test_finished_answer_shows_linked_citations_and_its_badge():
    hits = [hit(f"For new equipment {FUNDING_SENTENCE}.")]
    verified = answer_markdown(answer_for("Q?", "Up to RMB 30 million [1].", hits), turn=2)
    assert "(#passage-2-1)" in verified and "badge-verified" in verified and "Verified" in verified
    unverified = answer_markdown(answer_for("Q?", "Up to RMB 50 million [1].", hits))
    assert "Not fully verified" in unverified
    refused = answer_markdown(Answer("Q?", "Q?", "The indexed documents don't say.", True, hits))
    assert "Not found in the documents" in refused


def test_bubble_says_what_is_happening_before_the_first_token():
    assert "Searching" in reply_markdown(Turn("Q?"), 1)
    assert "Reading" in reply_markdown(Turn("Q?", hits=[hit("x")]), 1)
    assert "Waiting for the model (2 ahead)" in reply_markdown(Turn("Q?", hits=[hit("x")], waiting=2), 1)
    assert "(#passage-1-1)" in reply_markdown(Turn("Q?", hits=[hit("x")], draft="Draft [1]"), 1)
    assert "no answer this time: the model file is missing" in reply_markdown(
        Turn("Q?", error="the model file is missing"), 1
    )


def test_chat_turn_streams_then_finishes_with_cited_verified_answer(indexed):
    reply = f"For new equipment with demonstrative value, {FUNDING_SENTENCE} [1]."
    steps = run_turn(answerer(indexed, reply, reply), FUNDING_QUESTION, waiting=lambda: 1)
    messages, panel, turns = steps[-1]
    assert [m["role"] for m in messages] == ["user", "assistant"]
    assert "Searching" in steps[0][0][-1]["content"] and steps[0][1].count("class='passage") == 0
    assert "Waiting for the model (1 ahead)" in steps[1][0][-1]["content"] and "id='passage-1-1'" in steps[1][1]
    assert len(steps) > 3, "tokens stream"
    answer = turns[-1].answer
    assert answer is not None and not answer.refused and answer.verified
    assert "30 million" in messages[-1]["content"] and re.search(r"\(#passage-1-\d\)", messages[-1]["content"])
    cited = answer.cited[0]
    assert f"id='passage-1-{cited}'" in panel and "<mark>" in panel
    assert FUNDING_SENTENCE in answer.passages[cited - 1].text


def test_follow_up_uses_the_earlier_question_and_numbers_its_own_turn(indexed):
    question = "Which action plan did Beijing issue?"
    reply = "The Beijing Municipal Bureau of Economy and Information Technology issued the Beijing Action Plan [1]."
    first = run_turn(answerer(indexed, reply, reply), question)[-1][2]
    assert context_questions(first) == [question]
    follow_up = "In March, Shenzhen released four action plans [1]."
    messages, panel, turns = run_turn(answerer(indexed, follow_up, follow_up), "And Shenzhen?", first)[-1]
    assert len(turns) == 2 and len(messages) == 4
    assert turns[1].answer.rewritten_question == "Which action plan did Shenzhen issue?"
    assert not turns[1].answer.refused, "the documents say what Shenzhen released: answered, not refused"
    assert "four action plans" in turns[1].answer.text and "#passage-2-" in messages[-1]["content"]
    assert panel.index("id='turn-2'") < panel.index("id='turn-1'")


def test_filters_narrow_retrieval(indexed):
    region_choices, document_choices = filter_choices([
        {"source": "a.txt", "title": "A", "region": "National", "chunks": 3},
        {"source": "b.txt", "title": "", "region": "", "chunks": 0},
    ])  # fmt: skip
    assert region_choices == [("All regions", ""), ("National", "National")]
    assert document_choices == [("All documents", ""), ("A (a.txt)", "a.txt")]
    assert make_filter("", "") == NO_FILTER
    assert make_filter("Beijing", "a.txt").equals == {"region_code": "110000", "source": "a.txt"}

    *_, (_, panel, turns) = run_turn(answerer(indexed, "x"), FUNDING_QUESTION, filters=make_filter("Atlantis", ""))
    assert turns[-1].answer.refused and turns[-1].answer.passages == []
    assert "No passages" in panel


def test_a_failing_search_becomes_a_sentence_in_the_chat():
    class BrokenSearcher:
        """Lists what is indexed like a working index, then fails on the search itself."""

        def __init__(self):
            self.searched: list[tuple] = []

        def indexed_places(self):
            return frozenset()

        def indexed_documents(self):
            return []

        def documents_named(self, *args):
            return []

        def search_balanced(self, *args):
            self.searched.append(args)
            raise IndexUnavailableError("Cannot open the index at /srv/index: disk I/O error")

        search = search_parties = search_about = dense = bm25 = search_balanced

    searcher = BrokenSearcher()
    broken = Answerer(searcher, FakeListChatModel(responses=["x"]))
    messages, _, turns = run_turn(broken, FUNDING_QUESTION)[-1]
    assert searcher.searched, "the question reached the search"
    assert turns[-1].error == "Cannot open the index at /srv/index: disk I/O error"
    assert "Sorry, no answer this time: Cannot open the index" in messages[-1]["content"]
    assert "Traceback" not in messages[-1]["content"]


def test_an_unavailable_model_is_said_beside_the_quoted_answer(indexed):
    class BrokenModel(FakeListChatModel):
        def _stream(self, *args, **kwargs):
            raise RuntimeError("connection refused")

    messages, _, turns = run_turn(Answerer(indexed.searcher, BrokenModel(responses=["x"])), FUNDING_QUESTION)[-1]
    assert turns[-1].answer.notices and "connection refused" in messages[-1]["content"]


def test_empty_question_changes_nothing():
    turns = [Turn("Q?", error="x")]
    assert run_turn(None, "   ", turns) == [(chat_messages(turns), render_sources_panel(turns), turns)]


def test_export_holds_question_answer_badge_and_passages():
    hits = [hit(f"For new equipment {FUNDING_SENTENCE}.", region="Beijing", section="Funding"), hit("Other.", id="c2")]
    exported = export_markdown(
        Turn(FUNDING_QUESTION, answer=answer_for(FUNDING_QUESTION, "Up to RMB 30 million [1].", hits))
    )
    assert exported.startswith(f"# {FUNDING_QUESTION}\n")
    assert "Up to RMB 30 million [1]." in exported and "Verified" in exported
    assert "**[1] Plan** (cited)" in exported and "**[2] Plan**  " in exported
    assert "plan.txt · Beijing — Funding" in exported and f"> For new equipment {FUNDING_SENTENCE}." in exported
    assert export_markdown(Turn("Q?", error="x")) == ""


@pytest.mark.parametrize(("waiting", "shown"), [(0, False), (3, True)])
def test_status_line_counts_and_queue(waiting, shown):
    text = status_text("Qwen <b>", 1, 8, "/srv/index", waiting)
    assert "1 document, 8 passages" in text and "/srv/index" in text and "Qwen &lt;b&gt;" in text
    assert ("waiting for the model (3 ahead)" in text) is shown


def test_documents_table_escapes_titles():
    table = render_documents(
        [{"title": MARKUP, "source": "x.txt", "region": "", "date": "", "chunks": 1, "status": "indexed"}]
    )
    assert "<img" not in table and "<script" not in table and "&lt;img src=x onerror=alert(1)&gt;" in table


def test_a_document_with_markup_is_shown_as_text_end_to_end(indexed):
    folder = indexed.settings.documents_dir
    (folder / "lanzhou.txt").write_text(
        f"Lanzhou sandbox notice {MARKUP}\n\nThe Lanzhou sandbox notice sets a pilot fund of RMB 2 million "
        f"for data labelling bases. {MARKUP}\n",
        encoding="utf-8",
    )
    indexed.ingest()
    reply = "The Lanzhou sandbox notice sets a pilot fund of RMB 2 million for data labelling bases [1]."
    messages, panel, _ = run_turn(
        answerer(indexed, reply, reply), "What pilot fund does the Lanzhou sandbox notice set?"
    )[-1]
    assert "Lanzhou" in panel and "&lt;img src=x onerror=alert(1)&gt;" in panel
    assert "<img" not in panel and "<script" not in panel
    assert all("<img" not in m["content"] and "<script" not in m["content"] for m in messages)


def test_login_pairs_come_from_the_setting_or_a_file(tmp_path):
    from assistant.access import parse_auth

    assert parse_auth("") is None
    assert parse_auth("ann:s3cret:x, bob:pw") == [("ann", "s3cret:x"), ("bob", "pw")]
    pairs = tmp_path / "users"
    pairs.write_text("ann:one\nbob:two\n", encoding="utf-8")
    assert parse_auth(str(pairs)) == [("ann", "one"), ("bob", "two")]
    for broken in ("ann", "ann:", ":pw"):
        with pytest.raises(ValueError, match="ASSISTANT_AUTH"):
            parse_auth(broken)
