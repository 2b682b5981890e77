"""Errors of the store layer. Library code raises these; the CLI turns them into messages."""

from __future__ import annotations

from berichten.errors import BerichtenError


class StoreError(BerichtenError):
    """Something about the database or a stored message prevents the operation."""


class MessageNotFound(StoreError, LookupError):
    pass


class AmbiguousMessage(StoreError, LookupError):
    """More than one stored message matches; the caller must say which one (by id)."""

    def __init__(self, message: str, ids: list[int]) -> None:
        super().__init__(message)
        self.ids = ids
