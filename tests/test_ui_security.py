"""The web UI, served for real on loopback, is as locked down as the API (issue 22).

A server path sent as a file input through Gradio's own routes is refused before Gradio reads it,
the handlers that change the library are not in Gradio's client API, they need the login when one
is set, and a non-loopback start without a login and keys is refused.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from assistant.access import ExposedWithoutLoginError, check_exposure, is_loopback
from assistant.settings import Settings
from tests.conftest import fake_embedding_model
from tests.servers import free_port

SECRET = "api-key-do-not-leak 7f3a"


@contextmanager
def serving(tmp_path: Path, **overrides):
    import uvicorn

    from assistant import app
    from assistant.api import create_app
    from assistant.web.layout import build_ui, mount

    documents = tmp_path / "documents"
    documents.mkdir(exist_ok=True)
    (documents / "notice.txt").write_text("关于支持人工智能产业发展的若干措施。最高奖励500万元。", encoding="utf-8")
    settings = Settings(documents_dir=documents, index_dir=tmp_path / "index", host="127.0.0.1", port=free_port(),
                        **overrides)
    services = app.build_services(settings)
    services.__dict__["embeddings"] = fake_embedding_model()
    demo = build_ui(services)
    served = mount(demo, settings, create_app(services))
    server = uvicorn.Server(uvicorn.Config(served, host="127.0.0.1", port=settings.port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{settings.port}"
    deadline = time.monotonic() + 60
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.1)
    try:
        yield url, demo, documents
    finally:
        server.should_exit = True
        thread.join(15)


def fn_index(demo, name: str) -> int:
    return next(i for i, fn in demo.fns.items() if getattr(fn.fn, "__name__", "") == name)


def join(url: str, demo, name: str, data: list, client: httpx.Client | None = None) -> tuple[httpx.Response, str]:
    """What the browser sends to run an event: queue/join, then the result from the event stream."""
    client = client or httpx.Client(timeout=60)
    session = uuid.uuid4().hex[:10]
    body = {"data": data, "fn_index": fn_index(demo, name), "session_hash": session, "event_data": None}
    joined = client.post(f"{url}/gradio_api/queue/join", json=body)
    if joined.status_code != 200:
        return joined, ""
    text = ""
    with client.stream("GET", f"{url}/gradio_api/queue/data", params={"session_hash": session}) as events:
        for line in events.iter_lines():
            text += line + "\n"
            if '"process_completed"' in line:
                break
    return joined, text


@pytest.fixture
def secret_file(tmp_path) -> Path:
    path = tmp_path / "server-side" / "keys.txt"
    path.parent.mkdir()
    path.write_text(SECRET, encoding="utf-8")
    return path


def test_a_server_path_sent_as_an_upload_is_refused_and_nothing_is_indexed(tmp_path, secret_file):
    with serving(tmp_path) as (url, demo, documents):
        before = sorted(p.name for p in documents.iterdir())
        file_input = [[{"path": str(secret_file), "orig_name": "keys.txt", "meta": {"_type": "gradio.FileData"}}]]
        joined, _ = join(url, demo, "on_upload", file_input)
        assert joined.status_code == 403
        assert joined.json()["error"]["code"] == "not_an_upload"
        called = httpx.post(f"{url}/gradio_api/call/on_upload", json={"data": file_input}, timeout=30)
        assert called.status_code in (403, 404)
        assert sorted(p.name for p in documents.iterdir()) == before
        found = httpx.post(f"{url}/v1/search", json={"query": SECRET, "k": 4, "mode": "bm25"}, timeout=60).json()
        assert all(SECRET not in hit["text"] for hit in found["hits"])


def test_a_file_uploaded_through_the_browser_route_is_added(tmp_path):
    with serving(tmp_path) as (url, demo, documents):
        client = httpx.Client(timeout=60)
        content = "上海市促进人工智能产业发展若干政策。对符合条件的项目给予最高300万元支持。".encode()
        stored = client.post(f"{url}/gradio_api/upload", files=[("files", ("policy.txt", content, "text/plain"))])
        assert stored.status_code == 200
        path = stored.json()[0]
        file_input = [[{"path": path, "orig_name": "policy.txt", "meta": {"_type": "gradio.FileData"}}]]
        joined, events = join(url, demo, "on_upload", file_input, client)
        assert joined.status_code == 200, joined.text
        assert "added" in events
        assert (documents / "policy.txt").read_bytes() == content


def test_handlers_that_change_the_library_are_not_in_the_client_api(tmp_path):
    from gradio_client import Client

    with serving(tmp_path) as (url, demo, documents):
        info = httpx.get(f"{url}/gradio_api/info", timeout=30).json()
        listed = json.dumps(info)
        for name in ("on_upload", "on_delete", "on_reindex"):
            assert name not in listed
            assert httpx.post(f"{url}/gradio_api/call/{name}", json={"data": ["notice.txt"]}, timeout=30).status_code \
                in (403, 404)
        with pytest.raises(Exception):  # noqa: B017 - gradio_client raises its own types by version
            Client(url, verbose=False).predict("notice.txt", api_name="/on_delete")
        assert (documents / "notice.txt").exists()


def test_with_a_login_set_the_library_cannot_be_changed_without_it(tmp_path):
    with serving(tmp_path, auth="ann:s3cret-pass") as (url, demo, documents):
        joined, _ = join(url, demo, "on_delete", ["notice.txt"])
        assert joined.status_code == 401
        assert (documents / "notice.txt").exists()


def test_loopback_is_127_slash_8_and_localhost_only():
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.5.6.7", "::1", "[::1]", "localhost"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "192.168.1.5", "10.0.0.2", "example.org", "1270.0.0.1"))


def test_a_network_address_needs_a_login_and_keys_or_the_insecure_flag(tmp_path):
    open_settings = Settings(host="0.0.0.0", index_dir=tmp_path / "i")
    with pytest.raises(ExposedWithoutLoginError, match="ASSISTANT_AUTH.*API keys"):
        check_exposure(open_settings)
    with pytest.raises(ExposedWithoutLoginError, match="API keys"):
        check_exposure(open_settings.model_copy(update={"auth": "ann:pw"}))
    assert check_exposure(open_settings.model_copy(update={"auth": "ann:pw", "api_keys": "k1"})) == []
    warnings = check_exposure(open_settings.model_copy(update={"insecure": True}))
    assert any("no login" in w for w in warnings) and any("API is off" in w for w in warnings)
    assert check_exposure(Settings(host="127.0.0.1", index_dir=tmp_path / "i")) == []


def test_serve_on_a_network_address_without_a_login_refuses_to_start(tmp_path):
    command = [sys.executable, "-m", "assistant", "serve", "--host", "0.0.0.0", "--port", str(free_port()),
               "--documents", str(tmp_path), "--index", str(tmp_path / "index")]
    env = {"ASSISTANT_AUTH": "", "ASSISTANT_API_KEYS": "", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env, stdin=subprocess.DEVNULL)
    assert result.returncode == 2
    assert "Refusing to serve on 0.0.0.0" in result.stderr and "--insecure" in result.stderr
