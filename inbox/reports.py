"""The findings report beside every processed file: ``<stem>.bevindingen.json`` and a Dutch ``.txt``.

The JSON holds the project's finding contract (``Finding.to_dict``) for every finding plus what
identifies the file (name, sha256, verdict). Both are per-message views; BSNs are still masked
in them, because reports get mailed around more easily than messages.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from berichten.findings import Finding
from berichten.privacy import mask_bsn

# A run of exactly nine digits not glued to letters or digits (a sha256 is hex, so its digit runs
# are glued to letters or are part of a longer run).
_NINE_DIGITS = re.compile(r"(?<![0-9A-Za-z])\d{9}(?![0-9A-Za-z])")

ACCEPTED, REJECTED = "accepted", "rejected"

_SEVERITY = {"error": "FOUT", "warning": "WAARSCHUWING", "info": "INFO"}
_LEVEL = {True: "goed", False: "fout", None: "niet beoordeeld"}


def mask_text(text: str | None, bsns: Iterable[str] = ()) -> str | None:
    """Mask the given BSN values and any other nine-digit number in ``text``."""
    if text is None:
        return None
    for value in bsns:
        if value:
            text = text.replace(value, mask_bsn(value))
    return _NINE_DIGITS.sub(lambda m: mask_bsn(m.group()), text)


def masked_finding(finding: Finding, bsns: Iterable[str] = ()) -> dict[str, Any]:
    data = finding.to_dict()
    data["melding"] = mask_text(data["melding"], bsns)
    data["locatie"] = mask_text(data["locatie"], bsns)
    return data


@dataclass
class Report:
    file: str  # final name in verwerkt/ or afgekeurd/
    original: str  # name as dropped
    folder: str
    sha256: str
    niveaus: dict[str, bool | None]
    findings: list[Finding]
    duplicate: bool
    retour: str | None  # path relative to the inbox, e.g. retour/x.302.xml
    worker: str
    claim: str  # the claim token: tells a restart which reports are its own
    bsns: list[str] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        return REJECTED if any(v is False for v in self.niveaus.values()) else ACCEPTED

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "origineel": self.original,
            "map": self.folder,
            "sha256": self.sha256,
            "verdict": self.verdict,
            "niveaus": self.niveaus,
            "duplicaat": self.duplicate,
            "retour": self.retour,
            "worker": self.worker,
            "claim": self.claim,
            "findings": [masked_finding(f, self.bsns) for f in self.findings],
        }

    def to_json(self) -> bytes:
        return (json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    def _geen_retour(self) -> str:
        if self.niveaus.get("1") is False:
            return "het bestand voldoet niet aan niveau 1"
        # Level 1 passed: a retour message itself, or rejected without a retourcode (level 4, BER-L4-AGB).
        return "dit bericht krijgt geen retourbericht"

    def to_text(self) -> bytes:
        failed = [k for k, v in self.niveaus.items() if v is False]
        oordeel = "goedgekeurd" if not failed else f"afgekeurd (niveau {failed[0]})"
        lines = [
            f"Bestand:  {self.file}" + (f" (aangeleverd als {self.original})" if self.original != self.file else ""),
            f"SHA-256:  {self.sha256}",
            f"Oordeel:  {oordeel}",
            "Niveaus:  " + ", ".join(f"{k} {_LEVEL[v]}" for k, v in self.niveaus.items()),
            f"Retour:   {self.retour}" if self.retour else f"Retour:   geen ({self._geen_retour()})",
        ]
        if self.duplicate:
            lines.append("Let op:   dit bestand is eerder ontvangen (zelfde inhoud); het oordeel is dat van de eerste keer.")
        lines.append("")
        if not self.findings:
            lines.append("Geen bevindingen.")
        else:
            lines.append(f"Bevindingen ({len(self.findings)}):")
            for f in self.findings:
                d = masked_finding(f, self.bsns)
                code = f"{d['code']} [retourcode {d['retourcode']}]" if d["retourcode"] else d["code"]
                where = f" {d['locatie']}" if d["locatie"] else ""
                lines.append(f"- {_SEVERITY.get(d['severity'], d['severity'])} niveau {d['niveau']} {code}{where}: {d['melding']}")
        return ("\n".join(lines) + "\n").encode("utf-8")


def read_claim_token(data: bytes) -> str | None:
    """The claim token of an existing JSON report (None when unreadable: then it is not ours)."""
    try:
        return json.loads(data).get("claim")
    except (ValueError, AttributeError):
        return None
