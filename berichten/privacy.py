"""Privacy helpers: a BSN never appears in full outside an explicit per-message view."""

from __future__ import annotations


def mask_bsn(value: str | None) -> str:
    """Show only the last two characters: ``999900006`` -> ``*******06``."""
    if not value:
        return ""
    value = value.strip()
    return "*" * max(len(value) - 2, 0) + value[-2:]
