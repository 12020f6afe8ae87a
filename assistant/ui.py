"""Gradio Blocks layout; every handler delegates to a plain function in ``handlers``."""

from __future__ import annotations

from pathlib import Path

from .handlers import chat_turn, render_sources

EXAMPLES = [
    "What is the funding cap for new equipment with demonstrative value in Beijing's plan?",
    "Compare the Beijing and Shenzhen AI plans.",
    "深圳三月发布了几项人工智能行动计划？",
]

CSS = """
#sources { max-height: 70vh; overflow-y: auto; }
.passage { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 8px 10px; margin-bottom: 8px; }
.passage:target, .passage.cited { border-color: var(--color-accent); box-shadow: 0 0 0 1px var(--color-accent); }
.passage-n { font-weight: 700; color: var(--color-accent); }
.passage-meta, .passage-section { font-size: 0.85em; opacity: 0.8; }
.passage-text { white-space: pre-wrap; margin-top: 4px; }
.passage mark { background: #fde68a; color: inherit; }
"""


def status_line(services) -> str:
    from .llm import model_label

    s = services.settings
    where = s.chroma_url or str(Path(s.index_dir).resolve())
    return f"Model: {model_label(s)} · {services.store.count()} chunks · index: {where}"


def build_ui(services):
    import gradio as gr

    with gr.Blocks(title="Policy Q&A Assistant") as demo:
        gr.Markdown("## Policy Q&A Assistant\nAnswers from your policy documents, with every claim cited.")
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=320):
                chatbot = gr.Chatbot(label="Chat", height=520, elem_id="chat")
                question = gr.Textbox(
                    placeholder="Ask about the policy documents…", show_label=False, elem_id="question"
                )
                with gr.Row():
                    send = gr.Button("Ask", variant="primary", elem_id="ask")
                    new_chat = gr.Button("New chat", elem_id="new-chat")
                gr.Examples(EXAMPLES, inputs=question)
            with gr.Column(scale=2, min_width=300):
                gr.Markdown("### Sources")
                sources = gr.HTML(render_sources([]), elem_id="sources")
        status = gr.Markdown(status_line(services), elem_id="status")

        def respond(message, history):
            for messages, sources_html, _ in chat_turn(services.answerer, message, history or []):
                yield messages, sources_html, ""

        def reset():
            return [], render_sources([]), ""

        for trigger in (send.click, question.submit):
            trigger(respond, [question, chatbot], [chatbot, sources, question], concurrency_limit=4)
        new_chat.click(reset, None, [chatbot, sources, question])
        demo.load(lambda: status_line(services), None, status)
    demo.queue(default_concurrency_limit=4, max_size=64)
    return demo


def parse_auth(value: str) -> list[tuple[str, str]] | None:
    """'user:pass,user2:pass2' or a path to a file holding such pairs, one per line or comma-separated."""
    if not value:
        return None
    path = Path(value)
    text = path.read_text(encoding="utf-8") if path.is_file() else value
    pairs = [item.strip() for item in text.replace("\n", ",").split(",") if item.strip()]
    return [tuple(pair.split(":", 1)) for pair in pairs if ":" in pair] or None


def launch(demo, settings) -> None:
    import gradio as gr

    demo.launch(
        server_name=settings.host,
        server_port=settings.port,
        auth=parse_auth(settings.auth),
        show_error=False,
        theme=gr.themes.Soft(),
        css=CSS,
    )
