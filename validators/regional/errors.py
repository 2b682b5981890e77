"""Errors of the regional layer: bad configuration or bad fact files, one Dutch line per problem."""

from __future__ import annotations

from collections.abc import Sequence

from berichten.errors import BerichtenError


class RegionalInputError(BerichtenError, ValueError):
    """Input the regional check cannot use; ``fouten`` holds one Dutch line per problem,
    each naming the file and, where known, the line/row and the field/column."""

    def __init__(self, fouten: Sequence[str]) -> None:
        self.fouten: list[str] = list(fouten)
        super().__init__("\n".join(self.fouten))


class ConfigError(RegionalInputError):
    """The regional TOML configuration is unreadable or invalid."""


class FactsError(RegionalInputError):
    """An aanmeldingen or acceptaties file is unreadable or has bad rows."""
