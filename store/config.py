"""Where the database is and how clients are pseudonymised.

The database URL comes from the caller, else ``BERICHTEN_DB``, else ``sqlite:///berichten.db`` in
the current directory. The pseudonym key comes from the caller, else ``BERICHTEN_PSEUDONIEM_SLEUTEL``;
without either a fixed demo key is used and a warning is logged, because pseudonyms made with a
public key can be reversed by anyone who tries all BSNs.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os

DEFAULT_URL = "sqlite:///berichten.db"
DB_ENV = "BERICHTEN_DB"
KEY_ENV = "BERICHTEN_PSEUDONIEM_SLEUTEL"
DEMO_KEY = "berichten-demo-sleutel-niet-voor-productie"

log = logging.getLogger(__name__)
_warned = False


def database_url(url: str | None = None) -> str:
    return url or os.environ.get(DB_ENV) or DEFAULT_URL


def pseudonym_key(key: str | bytes | None = None) -> bytes:
    global _warned
    if key is None:
        key = os.environ.get(KEY_ENV)
    if not key:
        if not _warned:
            log.warning("%s is niet gezet: de demo-sleutel wordt gebruikt; niet geschikt voor echte gegevens", KEY_ENV)
            _warned = True
        key = DEMO_KEY
    return key.encode("utf-8") if isinstance(key, str) else key


class Pseudonymiser:
    """HMAC-SHA256 of the Bsn: the same Bsn always gives the same pseudonym under one key."""

    def __init__(self, key: str | bytes | None = None) -> None:
        self._key = pseudonym_key(key)
        self._last: tuple[str, str] | None = None  # the importer asks twice per message (rules, rows)

    def __call__(self, bsn: str | None) -> str | None:
        if not bsn:
            return None
        if self._last is not None and self._last[0] == bsn:
            return self._last[1]
        value = hmac.new(self._key, bsn.strip().encode("ascii", "replace"), hashlib.sha256).hexdigest()
        self._last = (bsn, value)
        return value
