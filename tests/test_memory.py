"""The memory settings every `python -m assistant` process starts with (assistant/memory.py): on the Debian
machines this runs on (glibc) each must take effect, or the measured memory figures do not hold."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.memory import release_free_memory

ROOT = Path(__file__).resolve().parents[1]
_CACHE = "ONEDNN_PRIMITIVE_CACHE_CAPACITY"


def _run(code: str, env: dict[str, str]) -> list[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout.split()


def test_a_process_started_by_the_cli_limits_its_malloc_arenas_and_can_return_free_pages():
    check = "import assistant.memory as m; print(m.limit_arenas(), m.release_free_memory())"
    assert _run(check, dict(os.environ)) == ["True", "True"]
    assert release_free_memory()


@pytest.mark.parametrize(("given", "expected"), [(None, "8"), ("64", "64")])
def test_the_onednn_kernel_cache_is_small_unless_the_environment_chose_a_size(given, expected):
    env = {key: value for key, value in os.environ.items() if key != _CACHE}
    if given is not None:
        env[_CACHE] = given
    check = f"import os, assistant.memory as m; m.prepare_process(); print(os.environ['{_CACHE}'])"
    assert _run(check, env) == [expected]


@pytest.mark.parametrize("entry", ["assistant/__main__.py", "app.py"])
def test_every_entry_point_prepares_the_process_before_anything_else(entry):
    source = (ROOT / entry).read_text(encoding="utf-8")
    assert source.index("prepare_process()") < source.index("from assistant.cli import main")
