"""Facts the messages do not carry, read from CSV: GRJR aanmeldingen and Nijmegen acceptaties.

Columns (Dutch or English header names; case, spaces and hyphens do not matter; extra columns are
ignored so monitoring columns can stay in the same file):

aanmeldingen (GRJR, one row per case offered to a flex-aanbieder)
    casus / case                     case id (free text)                                  required
    bsn                              client BSN (9 digits, 11-proef)                      required
    opdracht / assignment            e.g. BC, C1, FOR, FORV, C2                           optional
    tafel / table                    zorgbemiddelingstafel                               optional
    aangeleverd_door / supplied_by   ZBT, RER or the AGB code of a systeem-/prestatieaanbieder
    akkoord_contractmanager / contract_manager_approval   date of the akkoord, empty when none
    flex_aanbieder / flex_provider   AGB code (8 digits)                                  required
    afgewezen_door / declined_by     AGB codes of onderaannemers that declined, separated by
                                     ';', '|' or spaces (quote the cell when the file uses ';')
    toewijzingnummer / allocation_number   optional: ties the row to one ToewijzingNummer

acceptaties (Nijmegen, one row per accepted referral)
    bsn, aanbieder / provider (AGB), product / product_code, acceptatiedatum / acceptance_date,
    buurtteam / team (jeugd-gezin | volwassenen), casus / case (groups the providers of one case)

Dates are JJJJ-MM-DD or DD-MM-JJJJ. The separator (';' or ',') is taken from the header line; the
file is UTF-8 with or without BOM. Problems are collected for the whole file and raised together
as ``FactsError``, each naming file, line and column. The BSN is replaced by a keyed pseudonym
while reading: facts never hold a BSN, and messages never print one.
"""

from __future__ import annotations

import csv
import io
import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from berichten.privacy import mask_bsn
from berichten.store.config import Pseudonymiser
from berichten.validators.regional.errors import FactsError
from berichten.validators.rules.common import elfproef

BUURTTEAMS = ("jeugd-gezin", "volwassenen")
_BUURTTEAM_ALIASES = {
    "jeugd-gezin": "jeugd-gezin", "jeugd_gezin": "jeugd-gezin", "jeugd en gezin": "jeugd-gezin",
    "jeugd & gezin": "jeugd-gezin", "j&g": "jeugd-gezin", "jg": "jeugd-gezin", "youth-family": "jeugd-gezin",
    "volwassenen": "volwassenen", "volw": "volwassenen", "adults": "volwassenen",
}
_AGB = re.compile(r"^\d{8}$")
_SPLIT = re.compile(r"[;|,\s]+")


@dataclass(frozen=True, slots=True)
class Aanmelding:
    casus: str
    client: str  # keyed pseudonym of the BSN
    opdracht: str
    tafel: str
    aangeleverd_door: str
    akkoord_contractmanager: date | None
    flex_aanbieder: str
    afgewezen_door: frozenset[str]
    toewijzingnummer: int | None
    bron: str  # "file:line", for messages


@dataclass(frozen=True, slots=True)
class Acceptatie:
    client: str
    aanbieder: str
    product: str
    acceptatiedatum: date
    buurtteam: str
    casus: str
    bron: str


@dataclass
class Facts:
    """What the regional rules know beyond the messages. ``None`` means: source not configured."""

    pseudonymise: Callable[[str | None], str | None]
    aanmeldingen: list[Aanmelding] | None = None
    acceptaties: list[Acceptatie] | None = None
    sources: list[str] = field(default_factory=list)

    def client(self, bsn: str | None) -> str | None:
        return self.pseudonymise(bsn)


def session_pseudonymiser() -> Pseudonymiser:
    """A pseudonymiser with a fresh random key: enough to match CSV rows to messages in one run."""
    return Pseudonymiser(secrets.token_bytes(32))


# ------------------------------------------------------------------------------ column layouts


class Column:
    """One CSV column (a plain class: a dataclass costs about a millisecond at every start)."""

    __slots__ = ("name", "aliases", "required")

    def __init__(self, name: str, aliases: tuple[str, ...], required: bool = True) -> None:
        self.name, self.aliases, self.required = name, aliases, required


AANMELDING_COLUMNS = (
    Column("casus", ("case", "case_id", "casusnummer")),
    Column("bsn", ("burgerservicenummer", "client_bsn")),
    Column("opdracht", ("assignment", "lot", "perceel"), required=False),
    Column("tafel", ("table", "zorgbemiddelingstafel"), required=False),
    Column("aangeleverd_door", ("supplied_by", "aangeleverd", "submitted_by")),
    Column("akkoord_contractmanager", ("contract_manager_approval", "akkoord", "approved_on", "approval_date")),
    Column("flex_aanbieder", ("flex_provider", "flexaanbieder")),
    Column("afgewezen_door", ("declined_by", "afgewezen")),
    Column("toewijzingnummer", ("toewijzing_nummer", "allocation_number"), required=False),
)

ACCEPTATIE_COLUMNS = (
    Column("bsn", ("burgerservicenummer", "client_bsn")),
    Column("aanbieder", ("provider", "agb", "aanbieder_agb")),
    Column("product", ("product_code", "productcode")),
    Column("acceptatiedatum", ("acceptance_date", "accepted_on", "datum_acceptatie")),
    Column("buurtteam", ("team", "neighbourhood_team")),
    Column("casus", ("case", "case_id", "casusnummer")),
)


def _norm(header: str) -> str:
    return re.sub(r"[\s\-]+", "_", header.strip().lower())


class _Rows:
    """A CSV file as rows of {column: text} with its line numbers, plus an error collector."""

    def __init__(self, data: bytes, source: str, columns: Sequence[Column]) -> None:
        self.source = source
        self.errors: list[str] = []
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise FactsError([f"{source}: het bestand is geen UTF-8 (byte {exc.start}); sla het op als CSV UTF-8"]) from None
        first = text.splitlines()[0] if text.strip() else ""
        if not first:
            raise FactsError([f"{source}: het bestand is leeg; de eerste regel moet de kolomnamen bevatten"])
        delimiter = ";" if first.count(";") >= first.count(",") and ";" in first else ","
        self.reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        header = next(self.reader)
        self.width = len(header)
        lookup = {}
        for column in columns:
            for alias in (column.name, *column.aliases):
                lookup[_norm(alias)] = column.name
        self.index: dict[str, int] = {}
        for i, name in enumerate(header):
            key = lookup.get(_norm(name))
            if key and key not in self.index:
                self.index[key] = i
        missing = [c.name for c in columns if c.required and c.name not in self.index]
        if missing:
            found = ", ".join(h.strip() for h in header) or "(geen)"
            raise FactsError([
                f"{source}: regel 1: kolom '{m}' ontbreekt (gevonden kolommen: {found}; scheidingsteken '{delimiter}')"
                for m in missing
            ])

    def __iter__(self) -> Iterable[tuple[int, dict[str, str]]]:
        for row in self.reader:
            line = self.reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > self.width:
                # Typically an unquoted "a;b" list in a ';'-separated file: the codes would shift columns.
                self.errors.append(
                    f"{self.source}: regel {line}: {len(row)} cellen, maar {self.width} kolommen in de kop; zet een "
                    f"lijst als afgewezen_door tussen aanhalingstekens (\"a;b\") of scheid de codes met '|'"
                )
                continue
            yield line, {name: (row[i].strip() if i < len(row) else "") for name, i in self.index.items()}

    def error(self, line: int, column: str, reason: str) -> None:
        self.errors.append(f"{self.source}: regel {line}, kolom {column}: {reason}")

    def required(self, line: int, row: dict[str, str], column: str) -> str:
        value = row.get(column, "")
        if not value:
            self.error(line, column, "mag niet leeg zijn")
        return value

    def date(self, line: int, row: dict[str, str], column: str, *, required: bool) -> date | None:
        value = row.get(column, "")
        if not value:
            if required:
                self.error(line, column, "mag niet leeg zijn (datum JJJJ-MM-DD)")
            return None
        parsed = parse_date(value)
        if parsed is None:
            self.error(line, column, f"'{value}' is geen geldige datum (gebruik JJJJ-MM-DD of DD-MM-JJJJ)")
        return parsed

    def bsn(self, line: int, row: dict[str, str], pseudonymise: Callable[[str | None], str | None]) -> str:
        value = row.get("bsn", "").replace(" ", "")
        if not value:
            self.error(line, "bsn", "mag niet leeg zijn")
            return ""
        if len(value) == 8 and value.isdigit():
            value = "0" + value  # spreadsheets drop the leading zero
        if not (len(value) == 9 and value.isdigit()):
            self.error(line, "bsn", f"een BSN heeft 9 cijfers ({mask_bsn(value)} heeft er {len(value)})")
            return ""
        if not elfproef(value):
            self.error(line, "bsn", f"het BSN {mask_bsn(value)} voldoet niet aan de 11-proef")
            return ""
        return pseudonymise(value) or ""

    def agb(self, line: int, row: dict[str, str], column: str) -> str:
        value = self.required(line, row, column)
        if value and not _AGB.match(value):
            self.error(line, column, f"'{value}' is geen AGB-code (8 cijfers)")
        return value


def parse_date(value: str) -> date | None:
    for fmt in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _read(path: str | Path) -> tuple[bytes, str]:
    try:
        return Path(path).read_bytes(), str(path)
    except OSError as exc:
        raise FactsError([f"{path}: niet te lezen ({exc.strerror or exc})"]) from None


def parse_aanmeldingen(data: bytes, source: str, pseudonymise: Callable[[str | None], str | None]) -> list[Aanmelding]:
    rows = _Rows(data, source, AANMELDING_COLUMNS)
    out: list[Aanmelding] = []
    for line, row in rows:
        n_errors = len(rows.errors)
        casus = rows.required(line, row, "casus")
        client = rows.bsn(line, row, pseudonymise)
        flex = rows.agb(line, row, "flex_aanbieder")
        akkoord = rows.date(line, row, "akkoord_contractmanager", required=False)
        afgewezen = frozenset(c for c in _SPLIT.split(row.get("afgewezen_door", "")) if c)
        for code in sorted(afgewezen):
            if not _AGB.match(code):
                rows.error(line, "afgewezen_door", f"'{code}' is geen AGB-code (8 cijfers); scheid codes met ';' of '|'")
        nummer: int | None = None
        if row.get("toewijzingnummer"):
            try:
                nummer = int(row["toewijzingnummer"])
            except ValueError:
                rows.error(line, "toewijzingnummer", f"'{row['toewijzingnummer']}' is geen getal")
        if len(rows.errors) == n_errors:
            out.append(Aanmelding(
                casus=casus, client=client, opdracht=row.get("opdracht", ""), tafel=row.get("tafel", ""),
                aangeleverd_door=row.get("aangeleverd_door", ""), akkoord_contractmanager=akkoord,
                flex_aanbieder=flex, afgewezen_door=afgewezen, toewijzingnummer=nummer, bron=f"{source}:{line}",
            ))
    if rows.errors:
        raise FactsError(rows.errors)
    return out


def parse_acceptaties(data: bytes, source: str, pseudonymise: Callable[[str | None], str | None]) -> list[Acceptatie]:
    rows = _Rows(data, source, ACCEPTATIE_COLUMNS)
    out: list[Acceptatie] = []
    for line, row in rows:
        n_errors = len(rows.errors)
        client = rows.bsn(line, row, pseudonymise)
        aanbieder = rows.agb(line, row, "aanbieder")
        product = rows.required(line, row, "product")
        datum = rows.date(line, row, "acceptatiedatum", required=True)
        raw_team = row.get("buurtteam", "")
        team = _BUURTTEAM_ALIASES.get(raw_team.lower())
        if team is None:
            rows.error(line, "buurtteam", f"onbekend Buurtteam '{raw_team}' (gebruik jeugd-gezin of volwassenen)")
        casus = rows.required(line, row, "casus")
        if len(rows.errors) == n_errors:
            out.append(Acceptatie(
                client=client, aanbieder=aanbieder, product=product, acceptatiedatum=datum,  # type: ignore[arg-type]
                buurtteam=team, casus=casus, bron=f"{source}:{line}",  # type: ignore[arg-type]
            ))
    if rows.errors:
        raise FactsError(rows.errors)
    return out


def load_csv_facts(
    aanmeldingen: str | Path | None = None,
    acceptaties: str | Path | None = None,
    pseudonymise: Callable[[str | None], str | None] | None = None,
) -> Facts:
    """Facts straight from CSV files (no database). Problems of both files are raised together."""
    facts = Facts(pseudonymise or session_pseudonymiser())
    errors: list[str] = []
    if aanmeldingen is not None:
        try:
            facts.aanmeldingen = parse_aanmeldingen(*_read(aanmeldingen), facts.pseudonymise)
            facts.sources.append(str(aanmeldingen))
        except FactsError as exc:
            errors += exc.fouten
    if acceptaties is not None:
        try:
            facts.acceptaties = parse_acceptaties(*_read(acceptaties), facts.pseudonymise)
            facts.sources.append(str(acceptaties))
        except FactsError as exc:
            errors += exc.fouten
    if errors:
        raise FactsError(errors)
    return facts
