"""The installed environment is exactly what the lock says, and the project is an installed package."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT = "policy-assistant"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if match := PIN.match(line):
            pins[canonical(match[1])] = match[2]
    return pins


def installed() -> dict[str, str]:
    """Every distribution in this interpreter's environment, the project itself aside."""
    found = {canonical(d.metadata["Name"]): d.version for d in metadata.distributions()}
    found.pop(PROJECT, None)
    return found


def drift(lock: dict[str, str], env: dict[str, str]) -> list[str]:
    problems = [f"{name}: locked {version}, installed {env.get(name, 'nothing')}" for name, version in lock.items()
                if env.get(name) != version]
    problems += [f"{name} {version}: installed, not in the lock" for name, version in env.items() if name not in lock]
    return sorted(problems)


def test_the_installed_environment_is_exactly_the_dev_lock():
    assert sys.prefix != sys.base_prefix, "the tests run in the project's venv (make test)"
    assert drift(locked(ROOT / "requirements-dev.lock"), installed()) == []


def test_the_drift_check_sees_a_moved_a_missing_and_an_extra_package():
    lock = {"openai": "3.57.0", "httpx2": "2.12.0", "jieba": "0.42.1"}
    env = {"openai": "3.57.0", "httpx2": "2.17.0", "left-over": "1.0"}
    assert drift(lock, env) == [
        "httpx2: locked 2.12.0, installed 2.17.0",
        "jieba: locked 0.42.1, installed nothing",
        "left-over 1.0: installed, not in the lock",
    ]


def test_the_runtime_lock_is_the_dev_lock_without_the_test_tools():
    runtime, dev = locked(ROOT / "requirements.txt"), locked(ROOT / "requirements-dev.lock")
    assert {name: dev.get(name) for name in runtime} == runtime, "one version of each package in both locks"
    for tool in ("pytest", "playwright", "hypothesis", "ruff", "matplotlib", "fpdf2"):
        assert tool in dev and tool not in runtime


def test_every_lock_line_carries_a_hash():
    for lock in ("requirements.txt", "requirements-dev.lock", "requirements-uv.lock"):
        blocks = re.split(r"\n(?=[A-Za-z0-9])", (ROOT / lock).read_text(encoding="utf-8").strip())
        assert blocks and all("--hash=sha256:" in block for block in blocks if PIN.match(block)), lock


def test_the_project_is_installed_and_its_command_runs():
    assert metadata.version(PROJECT)
    script = Path(sys.executable).parent / PROJECT
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "ingest" in result.stdout


def test_no_code_edits_sys_path():
    edits = re.compile(r"sys\.path\s*(\.insert|\.append|\[:\]\s*=|=)")
    files = [*ROOT.joinpath("assistant").rglob("*.py"), *ROOT.joinpath("bench").rglob("*.py"),
             *ROOT.joinpath("tests").rglob("*.py")]
    offenders = [str(f.relative_to(ROOT)) for f in files if f.name != "test_lock.py" and edits.search(f.read_text())]
    assert offenders == []
