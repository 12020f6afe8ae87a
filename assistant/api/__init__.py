"""The HTTP API (``/v1``): OpenAI-compatible chat with citations, search, documents and re-indexing.

It owns the routes, their request and reply shapes, API keys and request limits; the answering,
searching and document work is done by the same services and ``library`` functions the web UI uses.
``create_app(services)`` returns the FastAPI app onto which ``ui.launch`` mounts the Gradio UI.
"""

from assistant.api.app import create_app

__all__ = ["create_app"]
