"""Where the database is and how clients are pseudonymised.

The database URL comes from the caller, else ``BERICHTEN_DB``, else ``sqlite:///berichten.db`` in
the current directory. The pseudonym key belongs to the store and is kept outside it: the caller's
key, else ``BERICHTEN_PSEUDONIEM_SLEUTEL``, else the store's key file (``store.keys``). There is no
built-in fallback: a store without a key refuses to pseudonymise (``KeyMissing``).

This module is imported when the command line starts: keep its imports light.
"""

from __future__ import annotations

import hashlib
import hmac
import os

DEFAULT_URL = "sqlite:///berichten.db"
DB_ENV = "BERICHTEN_DB"
KEY_ENV = "BERICHTEN_PSEUDONIEM_SLEUTEL"  # the same names as in store.keys, without importing it here
KEY_FILE_ENV = "BERICHTEN_SLEUTELBESTAND"


def database_url(url: str | None = None) -> str:
    return url or os.environ.get(DB_ENV) or DEFAULT_URL


def pseudonym_key(key: str | bytes | None = None, url: str | None = None) -> bytes:
    """The key for the store at ``url`` (default: ``database_url()``); see ``store.keys.store_key``."""
    from berichten.store.keys import store_key

    return store_key(database_url(url), key)


class Pseudonymiser:
    """HMAC-SHA256 of the Bsn: the same Bsn always gives the same pseudonym under one key.

    Give the store's ``url`` unless the key is given: each store has its own key.
    """

    def __init__(self, key: str | bytes | None = None, url: str | None = None) -> None:
        self._key = pseudonym_key(key, url)
        self._last: tuple[str, str] | None = None  # the importer asks twice per message (rules, rows)

    def __call__(self, bsn: str | None) -> str | None:
        if not bsn:
            return None
        if self._last is not None and self._last[0] == bsn:
            return self._last[1]
        value = hmac.new(self._key, bsn.strip().encode("ascii", "replace"), hashlib.sha256).hexdigest()
        self._last = (bsn, value)
        return value
