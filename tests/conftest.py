from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests import reference as _reference

# The store's fixtures (store_url, empty_store_url: SQLite and PostgreSQL) for every test module.
pytest_plugins = ("berichten.store.testing",)

# Every store the tests make (and every subprocess they start) uses this explicit test key, never
# a key file of its own; tests of the key files themselves remove it (tests/test_store_keys.py).
TEST_KEY = "test-sleutel-alleen-voor-tests"
os.environ["BERICHTEN_PSEUDONIEM_SLEUTEL"] = TEST_KEY

PROJECT = Path(__file__).resolve().parent.parent
FIXTURES = PROJECT / "fixtures"


@pytest.fixture(scope="session")
def reference():
    """The published reference material, or a skip with the reason when it is absent."""
    if not _reference.available():
        pytest.skip(f"reference material not found at {_reference.REFERENCE_DIR} (set BERICHTEN_REFERENCE)")
    return _reference
