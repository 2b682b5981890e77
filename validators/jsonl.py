"""The JSON lines of ``berichten validate --format jsonl`` and ``berichten rules --format jsonl``.

One function per line type, shared by the CLI and the web API (``web.app``), so both answer
byte for byte the same: the line is a public contract (README, "A short tour").
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # validate must not pay for importing the catalogue (tests/test_startup.py)
    from berichten.validators.catalog import CodeInfo
    from berichten.validators.pipeline import ValidationResult


def validation_line(file: str, result: ValidationResult) -> str:
    """One line of ``validate --format jsonl``, without the newline."""
    return json.dumps(result.to_dict(file), ensure_ascii=False)


def rule_record(info: CodeInfo) -> dict[str, Any]:
    """One object of ``rules --format jsonl``."""
    return {
        "code": info.code, "niveau": info.niveau, "retourcode": info.retourcode,
        "berichten": list(info.berichten), "standaarden": list(info.standaarden), "melding": info.melding,
    }
