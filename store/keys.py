"""The pseudonym key of a store, kept in a file outside the database.

Which key a store uses, first match wins:

1. the key the caller passes (``pseudonym_key=``),
2. ``BERICHTEN_PSEUDONIEM_SLEUTEL`` (environment),
3. the key file: ``BERICHTEN_SLEUTELBESTAND``, else ``<sqlite file>.sleutel`` next to a SQLite store.

A new store gets a random key file (mode 0600) when it is created (``berichten db upgrade``, or the
first import / inbox run on a database without schema). Only ``berichten demo`` and
``berichten db upgrade --demo-sleutel`` write the public demo key, and that file says so
(``soort: demo``). PostgreSQL has no file of its own to sit next to: there the key file path must
be given (``BERICHTEN_SLEUTELBESTAND``), or the key itself. A missing key is never replaced by
a new one for an existing store: that would silently give every client a second pseudonym.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from berichten.store.errors import StoreError

KEY_ENV = "BERICHTEN_PSEUDONIEM_SLEUTEL"
KEY_FILE_ENV = "BERICHTEN_SLEUTELBESTAND"
SUFFIX = ".sleutel"
DEMO_KEY = "berichten-demo-sleutel-niet-voor-productie"
DEMO, OWN = "demo", "eigen"

_HEADER = (
    "# Pseudoniemsleutel van een berichten-database. Zonder dit bestand zijn de pseudoniemen in de\n"
    "# database niet meer aan nieuwe berichten te koppelen: maak er een back-up van, apart van de\n"
    "# database, en laat alleen de gebruiker van berichten het lezen (chmod 600).\n"
)
_process_key: bytes | None = None  # in-memory SQLite: lives as long as the process, like the store


class KeyMissing(StoreError, ValueError):
    """No key for this store; the message says what to do (the commands exit with 2)."""


@dataclass(frozen=True)
class KeyFile:
    path: Path
    key: bytes
    kind: str  # DEMO or OWN

    @property
    def demo(self) -> bool:
        return self.kind == DEMO


def key_file_path(url: str) -> Path | None:
    """Where the key file of the store at ``url`` is; None when there is no natural place (PostgreSQL)."""
    configured = os.environ.get(KEY_FILE_ENV)
    if configured:
        return Path(configured)
    database = sqlite_file(url)
    return Path(database + SUFFIX) if database else None


def sqlite_file(url: str) -> str | None:
    """The file of a SQLite URL; None for other databases and in-memory SQLite."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database or ""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return database


def read_key_file(path: Path) -> KeyFile:
    fields: dict[str, str] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise KeyMissing(f"sleutelbestand {path} is niet te lezen ({exc.strerror or exc})") from None
    for line in text.splitlines():
        name, sep, value = line.partition(":")
        if sep and not line.startswith("#"):
            fields[name.strip()] = value.strip()
    key = fields.get("sleutel", "")
    if not key:
        raise KeyMissing(f"sleutelbestand {path} bevat geen geldige regel 'sleutel: ...'")
    return KeyFile(path, key.encode("utf-8"), fields.get("soort", OWN))


def write_key_file(path: Path, demo: bool = False) -> KeyFile:
    """Create ``path`` (0600) with a new random key, or the demo key; an existing file is kept and read.

    Written to a temporary name and linked into place: a second process creating the same store at
    the same moment never reads a half file and never overwrites the first one's key.
    """
    kind = DEMO if demo else OWN
    key = DEMO_KEY if demo else secrets.token_hex(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(3)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(f"{_HEADER}soort: {kind}\nsleutel: {key}\n")
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            return read_key_file(path)
    finally:
        tmp.unlink(missing_ok=True)
    return KeyFile(path, key.encode("utf-8"), kind)


def missing_message(url: str, path: Path | None) -> str:
    if path is None:
        return (f"geen pseudoniemsleutel voor deze database: geef met {KEY_FILE_ENV} een pad voor het "
                f"sleutelbestand (of zet {KEY_ENV}); zonder sleutel wordt niets opgeslagen")
    return (f"geen pseudoniemsleutel: {path} bestaat niet. Een nieuwe database krijgt dit bestand bij "
            f"`berichten db upgrade`; hoort de database al bij een sleutel, zet dan het bestand terug uit "
            f"de back-up (of zet {KEY_ENV})")


def store_key(url: str, key: str | bytes | None = None) -> bytes:
    """The key for the store at ``url`` (see the module text); ``KeyMissing`` when there is none."""
    global _process_key
    if key is None:
        key = os.environ.get(KEY_ENV) or None
    if key:
        return key.encode("utf-8") if isinstance(key, str) else key
    path = key_file_path(url)
    if path is None:
        from sqlalchemy.engine import make_url

        if make_url(url).get_backend_name() == "sqlite":  # in memory: gone with the process anyway
            _process_key = _process_key or secrets.token_bytes(32)
            return _process_key
        raise KeyMissing(missing_message(url, None))
    if not path.exists():
        raise KeyMissing(missing_message(url, path))
    return read_key_file(path).key


def key_source_for_new_store(url: str) -> Path | None:
    """Before a new store is created: the key file to write, None when the key comes from elsewhere.

    Raises ``KeyMissing`` when there is no key and no place for a key file (PostgreSQL without
    ``BERICHTEN_SLEUTELBESTAND``): better refuse before creating anything.
    """
    if os.environ.get(KEY_ENV):
        return None
    path = key_file_path(url)
    if path is None:
        from sqlalchemy.engine import make_url

        if make_url(url).get_backend_name() == "sqlite":  # in memory: the process key of store_key
            return None
        raise KeyMissing(missing_message(url, None))
    return path
