"""Who may use the server: one rule for the web UI and the HTTP API.

On a loopback address (the default) the page and the API are open to this machine's users. On any
other address the server starts only with a login for the page (``ASSISTANT_AUTH``) and keys for the
API (``ASSISTANT_API_KEYS``/``_FILE``), or with ``--insecure`` (``ASSISTANT_INSECURE=true``), which says
in words that the page is open to the network; the API stays off without keys either way.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path

LOOPBACK_HOSTS = ("localhost",)


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 and localhost; anything else (0.0.0.0, a LAN address, a name) reaches the network."""
    if host.strip().lower() in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def parse_auth(value: str) -> list[tuple[str, str]] | None:
    """'user:pass,user2:pass2' or a path to a file holding such pairs, one per line or comma-separated."""
    if not value:
        return None
    path = Path(value)
    text = path.read_text(encoding="utf-8") if path.is_file() else value
    pairs = [item.strip() for item in text.replace("\n", ",").split(",") if item.strip()]
    found = [tuple(pair.split(":", 1)) for pair in pairs if ":" in pair]
    if not found or any(not user or not password for user, password in found):
        raise ValueError("ASSISTANT_AUTH is set but does not hold user:password pairs; fix it or leave it empty.")
    return found


def load_keys(keys: str, keys_file: Path | None = None) -> frozenset[str]:
    """Comma-separated keys plus a file's keys (one per line or comma-separated; ``#`` starts a comment)."""
    found = [k.strip() for k in (keys or "").split(",")]
    if keys_file:
        try:
            text = Path(keys_file).read_text(encoding="utf-8")
        except OSError as exc:
            raise ValueError(f"ASSISTANT_API_KEYS_FILE {keys_file} cannot be read ({exc.strerror or exc}).") from exc
        for line in text.splitlines():
            found.extend(k.strip() for k in line.split("#", 1)[0].split(","))
    return frozenset(k for k in found if k)


class ExposedWithoutLoginError(ValueError):
    """The server would listen on the network with its page or its API unprotected."""


def check_exposure(settings) -> list[str]:
    """Raise unless this configuration may start; return the warnings to log when it may."""
    if is_loopback(settings.host):
        return []
    missing = []
    if not parse_auth(settings.auth):
        missing.append("a login for the web page (ASSISTANT_AUTH=user:password)")
    has_keys = bool(load_keys(settings.api_keys, settings.api_keys_file))
    if not has_keys:
        missing.append("API keys (ASSISTANT_API_KEYS or ASSISTANT_API_KEYS_FILE)")
    if not missing:
        return []
    if not settings.insecure:
        raise ExposedWithoutLoginError(
            f"Refusing to serve on {settings.host}: that address reaches the network and "
            f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set. Set them, serve on "
            "127.0.0.1, or start with --insecure (ASSISTANT_INSECURE=true) to open the page to the network "
            "without a login."
        )
    warnings = []
    if not parse_auth(settings.auth):
        warnings.append(f"--insecure: the web page on {settings.host} has no login; anyone who reaches the port "
                        "can upload, delete and re-index documents.")
    if not has_keys:
        warnings.append(f"The HTTP API is off on {settings.host}: no API key is set.")
    return warnings
