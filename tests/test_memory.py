"""The allocator settings every `python -m assistant` process starts with (assistant/memory.py): on the Debian
machines this runs on (glibc) both calls must take effect, or the measured memory figures do not hold."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from assistant.memory import release_free_memory


def test_a_process_started_by_the_cli_limits_its_malloc_arenas_and_can_return_free_pages():
    check = "import assistant.memory as m; print(m.limit_arenas(), m.release_free_memory())"
    out = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", "True"], out
    assert release_free_memory()


def test_the_cli_entry_point_applies_the_limit_before_anything_else():
    source = Path(sys.modules["assistant.memory"].__file__).with_name("__main__.py").read_text(encoding="utf-8")
    assert source.index("limit_arenas()") < source.index("from assistant.cli import main")
