"""Processing one claimed file, in an order that a crash between any two steps cannot spoil.

1. validate (levels 1-2) and store with level 3 (one commit; the store is idempotent by sha256,
   so a redo finds the stored verdict instead of storing again);
2. reserve the final name: note its number in the claim's own name, then hard-link the complete
   JSON report into its folder (``os.link`` fails when the name exists; the report carries the
   claim token, so a redo recognises its own reservation at the noted number);
3. write the text report and the retour (temp file in the claim folder + rename: never half);
4. move the original out of the claim folder, last. Until then the claim is unfinished and a
   restart (or another worker adopting it) does the whole thing again, reusing what is done.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError, OperationalError

from berichten.findings import Finding
from berichten.inbox.claims import names_lock, parse_claim, with_slot
from berichten.inbox.layout import AFGEKEURD, REPORT_JSON, REPORT_TXT, RETOUR, VERWERKT, Layout, first_free, split_name, stem
from berichten.inbox.regional import Regional
from berichten.inbox.reports import Report, read_claim_token
from berichten.inbox.retour import build_retour, retour_nummer
from berichten.store.config import Pseudonymiser
from berichten.store.db import make_engine
from berichten.store.importer import Importer, ImportSummary
from berichten.store.models import Bericht
from berichten.validators.pipeline import ValidationResult, Validator

log = logging.getLogger(__name__)
LEVELS = ("1", "2", "3", "4")
_B = Bericht.__table__
_STORED = select(_B.c.niveau1, _B.c.niveau2, _B.c.niveau3, _B.c.niveau4, _B.c.findings, _B.c.source).where(
    _B.c.sha256 == bindparam("sha")
)
DB_ATTEMPTS = 5


@dataclass
class Outcome:
    original: str
    file: str
    folder: str
    sha256: str
    verdict: str
    duplicate: bool
    retour: str | None
    codes: list[str] = field(default_factory=list)
    duration_ms: float = 0.0


@dataclass
class _Stored:
    niveaus: dict[str, bool | None]
    findings: list[Finding]
    duplicate: bool


class Processor:
    """Holds what is expensive (validator, database connection) for all files of one worker."""

    def __init__(
        self,
        layout: Layout,
        url: str,
        worker_id: str,
        validator: Validator | None = None,
        regional: Regional | None = None,
        pseudonym_key: str | None = None,
    ) -> None:
        self.layout = layout
        self.worker_id = worker_id
        self.validator = validator or Validator()
        self.regional = regional
        self.pseudonym = Pseudonymiser(pseudonym_key, url=url)
        self.engine = make_engine(url)
        self.connection = self.engine.connect()
        self.importer = Importer(self.connection, self.validator, self.pseudonym)

    def close(self) -> None:
        self.connection.close()
        self.engine.dispose()

    def rollback(self) -> None:
        """After any failure: end the transaction and drop the importer's unwritten batch."""
        self.connection.rollback()
        self.importer = Importer(self.connection, self.validator, self.pseudonym)

    # -- step 1 ------------------------------------------------------------------------------------

    def _lookup(self, sha: str, token: str) -> _Stored | None:
        row = self.connection.execute(_STORED, {"sha": sha}).first()
        self.connection.rollback()  # a read only: do not keep a transaction (and its snapshot) open
        if row is None:
            return None
        niveaus = dict(zip(LEVELS, row[:4]))
        findings = [Finding.from_dict(d) for d in row.findings or []]
        # The source names the claim that stored it: our own token means a redo, not a duplicate.
        return _Stored(niveaus, findings, duplicate=token not in (row.source or ""))

    def store(self, result: ValidationResult, sha: str, token: str, original: str) -> _Stored:
        stored = self._lookup(sha, token)
        if stored is not None:
            return stored
        try:
            added = self.importer.add(result, f"inbox:{token}:{original}", ImportSummary(), sha256=sha, known=False)
            self.importer.flush()
            self.connection.commit()
            niveaus = dict(zip(LEVELS, (added.niveau1, added.niveau2, added.niveau3, added.niveau4)))
        except IntegrityError:
            # Another worker stored the same bytes (an exact duplicate) between our look-up and insert.
            self.rollback()
            niveaus = None
        if niveaus is None:
            stored = self._lookup(sha, token)
            if stored is None:
                raise RuntimeError("bericht niet opgeslagen en niet gevonden")
            return stored
        return _Stored(niveaus, list(result.findings), duplicate=False)

    # -- the whole file ------------------------------------------------------------------------------

    def process(self, claim: Path) -> Outcome:
        start = time.perf_counter()
        token, _, original = parse_claim(claim.name)
        data = claim.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        for attempt in range(DB_ATTEMPTS):
            result = self.validator.validate_bytes(data)  # fresh each time: storing adds level-3 findings to it
            try:
                stored = self.store(result, sha, token, original)
                break
            except OperationalError:
                # A busy database (another writer held the lock too long): try again a little later.
                self.rollback()
                if attempt == DB_ATTEMPTS - 1:
                    raise
                time.sleep(0.1 * (attempt + 1))
        del data
        rejected = any(v is False for v in stored.niveaus.values())
        findings = list(stored.findings)
        if self.regional is not None and not rejected:
            findings += self.regional.findings(original, result)
        folder_name = AFGEKEURD if rejected else VERWERKT
        folder = self.layout.root / folder_name
        nummer = retour_nummer(result) if stored.niveaus["1"] else None

        base, ext = split_name(original)
        bsns = _bsns(result)

        def report_for(name: str) -> Report:
            return Report(
                file=name + ext, original=original, folder=folder_name, sha256=sha, niveaus=stored.niveaus,
                findings=findings, duplicate=stored.duplicate,
                retour=f"{RETOUR}/{name}.{nummer}.xml" if nummer else None,
                worker=self.worker_id, claim=token, bsns=bsns,
            )

        claim, final, report = self._reserve(claim, folder, base, ext, report_for)
        self._write(claim.parent, f".{token}.txt.tmp", report.to_text(), folder / (final + REPORT_TXT))
        if nummer:
            retour = build_retour(result, stored.findings, date.today())
            if retour is not None:
                self._write(claim.parent, f".{token}.retour.tmp", retour, self.layout.root / report.retour)
        os.rename(claim, folder / (final + ext))  # last: from here on the file counts as done
        return Outcome(
            original=original, file=final + ext, folder=folder_name, sha256=sha, verdict=report.verdict,
            duplicate=stored.duplicate, retour=report.retour, codes=sorted({f.code for f in findings}),
            duration_ms=round((time.perf_counter() - start) * 1000, 1),
        )

    # -- steps 2 and 3 ------------------------------------------------------------------------------

    def _reserve(self, claim: Path, folder: Path, base: str, ext: str, report_for) -> tuple[Path, str, Report]:
        """Reserve a free final name (or find the one this claim reserved before a crash).

        Returns the claim's (possibly renamed) path, the final stem and its report.
        """
        token, noted, _ = parse_claim(claim.name)
        other = self.layout.afgekeurd if folder == self.layout.verwerkt else self.layout.verwerkt

        def free(n: int) -> bool:
            # One name space for both folders, so retour/<stem>.302.xml is unique too.
            return not _taken(folder, stem(base, n), ext) and not _taken(other, stem(base, n), ext)

        with names_lock(self.layout):
            # A redo: was the noted slot (or, with none noted, the plain name) reserved by this claim?
            looked = noted or 1
            try:
                if read_claim_token((folder / (stem(base, looked) + REPORT_JSON)).read_bytes()) == token:
                    return claim, stem(base, looked), report_for(stem(base, looked))
            except FileNotFoundError:
                pass
            while True:
                n = noted if noted is not None and free(noted) else first_free(free)
                if n != (noted or 1):
                    # Note the number in the claim's name before reserving it, so a redo finds its
                    # reservation without reading every same-named report. Number 1 needs no note.
                    new = with_slot(claim, n)
                    os.rename(claim, new)
                    claim, noted = new, n
                name = stem(base, n)
                report = report_for(name)
                tmp = claim.parent / f".{token}.json.tmp"
                tmp.write_bytes(report.to_json())
                try:
                    os.link(tmp, folder / (name + REPORT_JSON))  # atomic: fails when the name exists
                except FileExistsError:
                    continue  # taken by a worker of another host in the meantime: look again
                finally:
                    tmp.unlink(missing_ok=True)
                return claim, name, report

    @staticmethod
    def _write(workdir: Path, tmp_name: str, data: bytes, target: Path) -> None:
        tmp = workdir / tmp_name
        tmp.write_bytes(data)
        os.rename(tmp, target)


def _taken(folder: Path, stem: str, ext: str) -> bool:
    return any(os.path.lexists(folder / (stem + s)) for s in (REPORT_JSON, ext, ext.lower(), ext.upper()))


def _bsns(result: ValidationResult) -> list[str]:
    root = result.document.root
    if root is None:
        return []
    return sorted({el.text.strip() for el in root.iter("{*}Bsn") if el.text and el.text.strip()})
