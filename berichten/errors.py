"""The exceptions of berichten: one root, a small family under it.

Findings are values (``berichten.findings``); exceptions are for calls that cannot return a
result at all: a message that cannot become a model (``ParseError``) or input that cannot become
a message (``GenerateError``). Both carry their details as data, never an lxml or pydantic
traceback.
"""

from __future__ import annotations

from collections.abc import Sequence

from berichten.findings import Finding


class BerichtenError(Exception):
    """Root of every exception raised by berichten on purpose."""


class ParseError(BerichtenError, ValueError):
    """The bytes are not a message we can turn into a model; ``findings`` (level 1) say why."""

    def __init__(self, melding: str, findings: Sequence[Finding] = ()) -> None:
        super().__init__(melding)
        self.melding = melding
        self.findings: list[Finding] = list(findings)


class GenerateError(BerichtenError, ValueError):
    """The input cannot become a message; ``problems`` holds one Dutch line per problem.

    Each line starts with the field, dot-separated as in the JSON input:
    ``client.toegewezen_producten.0.ingangsdatum: ongeldige datum '2026-02-30'``.
    """

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems: list[str] = list(problems)
        n = len(self.problems)
        kop = "1 fout in de invoer" if n == 1 else f"{n} fouten in de invoer"
        super().__init__(kop + ":\n" + "\n".join(f"- {p}" for p in self.problems))
