"""What one ``berichten serve`` process is configured with (built by ``web.commands``)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from berichten.xmlinput import DEFAULT_MAX_BYTES

TOKEN_ENV = "BERICHTEN_SERVE_TOKEN"
# A multipart request may carry several files; each must stay below max_bytes on its own.
MAX_FILES = 20


@dataclass(frozen=True)
class ServeSettings:
    host: str = "127.0.0.1"
    port: int = 8080
    db_url: str | None = None
    configs: tuple[str, ...] = ()  # regional TOML files (GRJR, Nijmegen)
    max_bytes: int = DEFAULT_MAX_BYTES
    token: str | None = None  # required on every request when set (and always when not on loopback)
    lijsten: str | None = None

    @property
    def max_body(self) -> int:
        """The largest request body read: MAX_FILES files at the limit plus multipart overhead."""
        return self.max_bytes * MAX_FILES + 64 * 1024


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
