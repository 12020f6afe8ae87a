"""Gradio Blocks layout; every handler delegates to plain functions in ``handlers`` and ``library``."""

import logging
import tempfile
from pathlib import Path
from types import SimpleNamespace

from assistant.access import parse_auth
from assistant.caches import PerVersion
from assistant.service import library
from assistant.web.funding_tab import build_funding_tab, wire_funding_tab
from assistant.web.handlers import (
    EMPTY_SOURCES,
    chat_turn,
    escape_markdown_html,
    export_markdown,
    filter_choices,
    make_filter,
    preview_for_request,
    render_documents,
    status_text,
)
from assistant.web.upload_guard import GuardedEvents, private_names, uploaded_by_user

log = logging.getLogger(__name__)
_STATIC = Path(__file__).parent / "static"  # package data: the page's CSS and JavaScript

EXAMPLES = [
    "What is the funding cap for new equipment with demonstrative value in Beijing's plan?",
    "Compare the Beijing and Shenzhen AI plans.",
    "深圳三月发布了几项人工智能行动计划？",
]

CSS = (_STATIC / "chat.css").read_text(encoding="utf-8")

# Clicking [n] opens that turn's sources and brings passage n into view. Installed with demo.load(js=...):
# in Gradio 6 that channel runs reliably (launch(js=...) did not in some 6.x releases, gradio#13636).
CITATION_JS = (_STATIC / "citations.js").read_text(encoding="utf-8")  # one arrow function

LOGIN_NEEDED = "Sign in to change the documents."
CONFIRM_DELETE_JS = "(name) => (name && confirm('Delete ' + name + ' from the documents folder?')) ? name : ''"


class StatusLine:
    """The status text; the document count is recomputed only when the index changes."""

    def __init__(self, services):
        self.services = services
        self._documents = PerVersion(
            lambda: services.store.version(),
            lambda: len({r.metadata.get("source") for r in services.store.records(with_text=False)}),
        )

    def __call__(self) -> str:
        from assistant.llm.backends import model_label

        services, settings = self.services, self.services.settings
        try:
            documents, chunks = self._documents.get(), services.store.count()
        except Exception as exc:
            return f"Index unavailable: {library.plain_reason(exc)}"
        model = services.__dict__.get("chat_model")  # never load the model just to show a number
        waiting = getattr(model, "waiting", 0) if model is not None else 0
        where = settings.chroma_url or str(Path(settings.index_dir).resolve())
        return status_text(model_label(settings), documents, chunks, where, waiting)


def _chat_tab(gr) -> SimpleNamespace:
    c = SimpleNamespace()
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=320):
            with gr.Row():
                c.region = gr.Dropdown([("All regions", "")], value="", label="Region", elem_id="region")
                c.document = gr.Dropdown([("All documents", "")], value="", label="Document", elem_id="document")
            c.chatbot = gr.Chatbot(
                label="Chat",
                height=520,
                elem_id="chat",
                examples=[{"text": q} for q in EXAMPLES],
                placeholder="Ask about the policy documents, or pick an example.",
                feedback_options=None,
            )
            c.question = gr.Textbox(placeholder="Ask about the policy documents…", show_label=False, elem_id="question")
            with gr.Row():
                c.ask = gr.Button("Ask", variant="primary", elem_id="ask")
                c.new_chat = gr.Button("New chat", elem_id="new-chat")
            with gr.Accordion("Copy or export the last answer", open=False, elem_id="export"):
                c.export_box = gr.Code(
                    language="markdown",
                    interactive=False,
                    wrap_lines=True,
                    show_line_numbers=False,
                    buttons=["copy"],
                    label="Answer as Markdown",
                    elem_id="export-md",
                )
                c.download = gr.DownloadButton("Download .md", visible=False, elem_id="download")
        with gr.Column(scale=2, min_width=300):
            gr.Markdown("### Sources")
            c.preview = gr.HTML("", elem_id="preview")
            c.preview_request = gr.Textbox(elem_id="preview-request", show_label=False, container=False)
            c.sources = gr.HTML(EMPTY_SOURCES, elem_id="sources")
    return c


def _documents_tab(gr, max_mb: float) -> SimpleNamespace:
    c = SimpleNamespace()
    c.table = gr.HTML(elem_id="documents")
    c.upload = gr.File(
        label=f"Add documents (pdf, docx, txt, md, html; up to {max_mb:g} MB each)",
        file_count="multiple",
        file_types=library.ACCEPTED_TYPES,
        elem_id="upload",
    )
    with gr.Row():
        c.chosen = gr.Dropdown([], label="Document", elem_id="chosen-document", scale=3)
        c.delete = gr.Button("Delete", variant="stop", elem_id="delete", scale=1)
        c.reindex = gr.Button("Re-index", elem_id="reindex", scale=1)
        c.rebuild = gr.Checkbox(label="rebuild from scratch", value=False, scale=1)
    c.message = gr.Markdown(elem_id="library-message")
    return c


def build_ui(services):
    import gradio as gr

    with gr.Blocks(title="Policy Q&A Assistant") as demo:
        turns = gr.State([])
        gr.Markdown("## Policy Q&A Assistant\nAnswers from your policy documents; every claim cites its passage.")
        status = gr.Markdown(elem_id="status")
        with gr.Tabs():
            with gr.Tab("Chat", id="chat-tab"):
                chat = _chat_tab(gr)
            with gr.Tab("Documents", id="documents-tab"):
                docs = _documents_tab(gr, services.settings.max_file_mb)
            funding = build_funding_tab(gr)
        _wire_chat(gr, services, chat, turns)
        _wire_documents(gr, services, docs, chat, status, demo)
        wire_funding_tab(gr, services, funding, demo)
        demo.load(None, None, None, js=CITATION_JS)
    demo.queue(default_concurrency_limit=4, max_size=64)
    return demo


def _wire_chat(gr, services, c: SimpleNamespace, turns) -> None:
    def respond(message, current, region_value, document_value):
        filters = make_filter(region_value, document_value)
        waiting = lambda: getattr(services.chat_model, "waiting", 0)  # noqa: E731
        for messages, sources_html, updated in chat_turn(services.answerer, message, current, filters, waiting):
            yield messages, sources_html, updated, ""

    def exported(current):
        text = export_markdown(current[-1]) if current else ""
        if not text:
            return "", gr.DownloadButton(visible=False)
        path = Path(tempfile.mkdtemp(prefix="policy-answer-")) / f"answer-{len(current)}.md"
        path.write_text(text, encoding="utf-8")
        return text, gr.DownloadButton(value=str(path), visible=True)

    def reset():
        return [], EMPTY_SOURCES, [], "", "", gr.DownloadButton(visible=False)  # outputs: ask, then export

    def pick_example(data: gr.SelectData) -> str:
        return data.value["text"]

    ask_inputs = [c.question, turns, c.region, c.document]
    ask_outputs = [c.chatbot, c.sources, turns, c.question]
    export_outputs = [c.export_box, c.download]
    answering = []
    for trigger in (c.ask.click, c.question.submit):
        answering.append(trigger(respond, ask_inputs, ask_outputs, concurrency_limit=4, concurrency_id="chat"))
        answering[-1].then(exported, turns, export_outputs, show_progress="hidden")
    picked = c.chatbot.example_select(pick_example, None, c.question, show_progress="hidden")
    answering.append(picked.then(respond, ask_inputs, ask_outputs, concurrency_limit=4, concurrency_id="chat"))
    answering[-1].then(exported, turns, export_outputs, show_progress="hidden")
    c.new_chat.click(reset, None, [*ask_outputs, *export_outputs], cancels=answering)
    c.preview_request.change(  # a keyboard-less value change: JS sets it when [n] is clicked
        lambda request, current: preview_for_request(request, current, services.previewer),
        [c.preview_request, turns],
        c.preview,
        show_progress="hidden",
        concurrency_limit=2,
    )


def _wire_documents(gr, services, c: SimpleNamespace, chat: SimpleNamespace, status, demo) -> None:
    status_line = StatusLine(services)
    folder, max_mb = services.settings.documents_dir, services.settings.max_file_mb
    uploaded = uploaded_by_user(demo)
    login_required = bool(parse_auth(services.settings.auth))

    def may_change_library(request) -> bool:
        """Upload, delete and re-index need the login when one is set (Gradio's auth guards the page too)."""
        return not login_required or bool(getattr(request, "username", None))

    def upload_result(file) -> library.AddResult:
        path = Path(file)
        if not uploaded(str(file)):
            log.warning("refused a file input that was not uploaded by the browser: %s", file)
            return library.AddResult(path.name, "", f"{path.name}: only files uploaded from your browser can be added.")
        return library.add_document(folder, path, path.name, max_mb)

    def view():
        try:
            rows = library.document_rows(services, services.jobs.failures)
        except Exception as exc:
            log.exception("cannot list documents")
            problem = f"<div class='sources-empty'>Cannot read the index: {library.plain_reason(exc)}</div>"
            return problem, gr.skip(), gr.skip(), gr.skip(), status_line()
        regions, documents = filter_choices(rows)
        return (
            render_documents(rows),
            gr.Dropdown(choices=documents[1:]),
            gr.Dropdown(choices=regions),
            gr.Dropdown(choices=documents),
            status_line(),
        )

    def index_folder(progress, rebuild_all: bool = False) -> str:
        """One pass shared with the API's re-index requests (coalesced), its progress shown as it goes."""
        progress(0, desc="Reading the documents folder…")

        def tell(job) -> None:
            done, total, what = job.progress()
            progress(done / max(total, 1), desc=what)

        return services.jobs.run(rebuild_all, tell).message

    def on_upload(files, request: gr.Request, progress=gr.Progress()):  # noqa: B008 - Gradio injects these
        if not may_change_library(request):
            return LOGIN_NEEDED, None, *view()
        results = [upload_result(f) for f in files or []]
        lines = [r.message for r in results]
        if any(r.ok for r in results):
            lines.append(index_folder(progress))
        return escape_markdown_html("\n\n".join(lines)), None, *view()

    def on_delete(name, request: gr.Request, progress=gr.Progress()):  # noqa: B008
        if not may_change_library(request):
            return LOGIN_NEEDED, *view()
        if not name:
            return "Nothing deleted.", *view()
        message = library.delete_document(folder, name)
        if message.startswith("Deleted"):
            message += "\n\n" + index_folder(progress)
        return escape_markdown_html(message), *view()

    def on_reindex(rebuild_all, request: gr.Request, progress=gr.Progress()):  # noqa: B008
        if not may_change_library(request):
            return LOGIN_NEEDED, *view()
        return escape_markdown_html(index_folder(progress, rebuild_all)), *view()

    view_outputs = [c.table, c.chosen, chat.region, chat.document, status]
    # Not callable through Gradio's client API: these change the library (issue 22).
    one_at_a_time = {"concurrency_id": "library", "concurrency_limit": 1, "api_visibility": "private"}
    c.upload.upload(on_upload, c.upload, [c.message, c.upload, *view_outputs], **one_at_a_time)
    c.delete.click(on_delete, c.chosen, [c.message, *view_outputs], js=CONFIRM_DELETE_JS, **one_at_a_time)
    c.reindex.click(on_reindex, c.rebuild, [c.message, *view_outputs], **one_at_a_time)
    demo.load(view, None, view_outputs)
    gr.Timer(3).tick(status_line, None, status, show_progress="hidden")


def mount(demo, settings, app=None, **extra):
    """The UI at ``/`` of ``app`` (the HTTP API's FastAPI app, or a bare one): one process, one port."""
    import gradio as gr
    from fastapi import FastAPI

    served = gr.mount_gradio_app(
        app if app is not None else FastAPI(),
        demo,
        path="/",
        server_name=settings.host,
        server_port=settings.port,
        auth=parse_auth(settings.auth),
        show_error=False,
        max_file_size=int(settings.max_file_mb * 1_000_000),
        theme=gr.themes.Soft(),
        css=CSS,
        **extra,
    )
    served.add_middleware(GuardedEvents, allowed=uploaded_by_user(demo), private=private_names(demo))
    return served


def launch(demo, settings, app=None, **extra) -> None:
    """Serve the UI (and the API routes of ``app``) with uvicorn until the process is stopped."""
    import uvicorn

    served = mount(demo, settings, app, **extra)
    print(f"Serving the chat on http://{settings.host}:{settings.port} (API: /v1, docs: /docs)", flush=True)
    uvicorn.run(served, host=settings.host, port=settings.port, log_level="warning", timeout_graceful_shutdown=5)
