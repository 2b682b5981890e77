"""The external lists of level 4 as values: gemeentecodes, productcodes, contracts, AGB codes.

``Lists`` bundles whichever lists are configured; a list that is None is "niet gecontroleerd".
``Lists.shipped()`` is the default every door uses: the gemeentecodes and productcodes shipped in
``validators/level4/data/``; contracts and AGB codes exist only when a user configures them
(``[lijsten]`` in a TOML file, see ``validators.level4.config``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from berichten.resources import data_path
from berichten.validators.level4.files import ListFile, Row, in_period, read_list, required_cell, row_period

DATA = data_path("berichten.validators.level4", "data")
SHIPPED_GEMEENTEN = DATA / "gemeentecodes.csv"
SHIPPED_PRODUCTEN = {"ijw": DATA / "productcodes-ijw.csv", "iwmo": DATA / "productcodes-iwmo.csv"}

_GEMEENTE = re.compile(r"\d{4}")
_AGB = re.compile(r"\d{8}")
_CATEGORIE = re.compile(r"\d{2}")
_PRODUCTCODE = re.compile(r"[0-9A-Za-z]{1,5}\*?|\*")
_EENHEID = re.compile(r"\d{2}")
_EURO = re.compile(r"(\d{1,9})(?:\.(\d{1,2}))?")
_PERIOD = ("geldig_vanaf", "geldig_tot")


@dataclass(frozen=True)
class Period:
    vanaf: date | None
    tot: date | None

    def holds_on(self, day: date) -> bool:
        return in_period(day, self.vanaf, self.tot)


@dataclass(frozen=True)
class GemeenteLijst:
    file: ListFile
    codes: dict[str, tuple[Period, ...]]
    # Codes with a row valid on every day (most of the CBS list): one set lookup per message.
    _always: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        always = frozenset(c for c, periods in self.codes.items() if any(p.vanaf is p.tot is None for p in periods))
        object.__setattr__(self, "_always", always)

    def valid_on(self, code: str, days: list[date]) -> bool:
        """Known and valid on at least one of the days (TR378 allows the list of an earlier date)."""
        if days and code in self._always:
            return True
        return any(p.holds_on(d) for p in self.codes.get(code, ()) for d in days)


@dataclass(frozen=True)
class ProductLijst:
    """Productcodes per categorie; a code ending in ``*`` is a prefix (``45*``), ``*`` any code."""

    file: ListFile
    entries: tuple[tuple[str, str, Period], ...]  # (categorie, code or prefix, period)

    # Per categorie, built once: the codes and prefixes valid on every day (upper case: a set and
    # one str.startswith), and the rows with a period, checked one by one.
    _index: dict[str, tuple[frozenset[str], tuple[str, ...], tuple[tuple[str, Period], ...]]] = field(
        init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        rows: dict[str, tuple[set[str], list[str], list[tuple[str, Period]]]] = {}
        for categorie, pattern, period in self.entries:
            exact, prefixes, dated = rows.setdefault(categorie, (set(), [], []))
            if period.vanaf is not None or period.tot is not None:
                dated.append((pattern, period))
            elif pattern.endswith("*"):
                prefixes.append(pattern[:-1].upper())
            else:
                exact.add(pattern.upper())
        index = {c: (frozenset(e), tuple(p), tuple(d)) for c, (e, p, d) in rows.items()}
        object.__setattr__(self, "_index", index)

    @property
    def empty(self) -> bool:
        return not self.entries

    def known(self, categorie: str, code: str, day: date) -> bool:
        entry = self._index.get(categorie)
        if entry is None:
            return False
        exact, prefixes, dated = entry
        upper = code.upper()
        if upper in exact or upper.startswith(prefixes):
            return True
        return any(_code_matches(pattern, code) and p.holds_on(day) for pattern, p in dated)


@dataclass(frozen=True)
class Contract:
    agb: str
    gemeente: str  # "" means every gemeente
    categorie: str
    code: str  # "" or "*": every code of the categorie
    period: Period
    tarief: int | None = None  # eurocent per tariefeenheid (TR418); None: no tariff agreed in the list
    tariefeenheid: str = ""  # Eenheid code (WJ756) the tariff is per; "" means the declared Eenheid

    @property
    def specificity(self) -> int:
        """Exact code before prefix before "every code" (the most specific row gives the tariff)."""
        if self.code and not self.code.endswith("*"):
            return 100
        return len(self.code.rstrip("*"))


@dataclass(frozen=True)
class ContractLijst:
    file: ListFile
    contracts: tuple[Contract, ...]

    def covers(self, gemeente: str, agb: str, categorie: str, code: str | None, day: date) -> bool:
        return any(self._matching(gemeente, agb, categorie, code, day))

    def _matching(self, gemeente: str, agb: str, categorie: str, code: str | None, day: date) -> Iterator[Contract]:
        for c in self.contracts:
            if (c.agb == agb and c.gemeente in ("", gemeente) and c.categorie == categorie
                    and (not code or _code_matches(c.code or "*", code)) and c.period.holds_on(day)):
                yield c

    has_tariffs: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "has_tariffs", any(c.tarief is not None for c in self.contracts))

    def tarief(self, gemeente: str, agb: str, categorie: str, code: str, day: date) -> Contract | None:
        """The contract row that sets the tariff for this product on this day: the most specific
        matching row with a tariff (a row for the gemeente before a row for every gemeente)."""
        rows = [c for c in self._matching(gemeente, agb, categorie, code, day) if c.tarief is not None]
        return max(rows, key=lambda c: (c.specificity, c.gemeente != ""), default=None)


@dataclass(frozen=True)
class AgbLijst:
    file: ListFile
    codes: dict[str, tuple[Period, ...]]

    def valid_on(self, agb: str, day: date) -> bool:
        return any(p.holds_on(day) for p in self.codes.get(agb, ()))


def _code_matches(pattern: str, code: str) -> bool:
    if pattern.endswith("*"):
        return code.upper().startswith(pattern[:-1].upper())
    return code.upper() == pattern.upper()


# ------------------------------------------------------------------------------------ loading


def load_gemeenten(path: str | Path) -> GemeenteLijst:
    lf = read_list(path, ("gemeentecode", *_PERIOD))
    codes: dict[str, list[Period]] = {}
    for row in lf.rows:
        code = required_cell(lf, row, "gemeentecode", _GEMEENTE, "gemeentecode van 4 cijfers")
        codes.setdefault(code, []).append(Period(*row_period(lf, row)))
    return GemeenteLijst(lf, {k: tuple(v) for k, v in codes.items()})


def load_producten(path: str | Path) -> ProductLijst:
    lf = read_list(path, ("productcategorie", "productcode", *_PERIOD))
    entries = []
    for row in lf.rows:
        categorie = required_cell(lf, row, "productcategorie", _CATEGORIE, "productcategorie van 2 cijfers")
        code = required_cell(lf, row, "productcode", _PRODUCTCODE, "productcode (tot 5 tekens, eventueel eindigend op *)")
        entries.append((categorie, code, Period(*row_period(lf, row))))
    return ProductLijst(lf, tuple(entries))


def load_contracten(path: str | Path) -> ContractLijst:
    lf = read_list(path, ("agb", "gemeentecode", "productcategorie", "productcode", *_PERIOD))
    contracts = []
    for row in lf.rows:
        agb = required_cell(lf, row, "agb", _AGB, "AGB-code van 8 cijfers")
        gemeente = row.get("gemeentecode")
        if gemeente:
            required_cell(lf, row, "gemeentecode", _GEMEENTE, "gemeentecode van 4 cijfers")
        categorie = required_cell(lf, row, "productcategorie", _CATEGORIE, "productcategorie van 2 cijfers")
        code = row.get("productcode")
        if code:
            required_cell(lf, row, "productcode", _PRODUCTCODE, "productcode (tot 5 tekens, eventueel eindigend op *)")
        tarief = _eurocent(lf, row, "tarief") if row.get("tarief") else None
        eenheid = row.get("tariefeenheid")
        if eenheid:
            required_cell(lf, row, "tariefeenheid", _EENHEID, "Eenheid van 2 cijfers (WJ756, bijv. 04 voor uur)")
        contracts.append(Contract(agb, gemeente, categorie, code, Period(*row_period(lf, row)), tarief, eenheid))
    return ContractLijst(lf, tuple(contracts))


def _eurocent(lf: ListFile, row: Row, column: str) -> int:
    """A tariff in euros as the contract states it (``125``, ``125,00``, ``1.25``), in eurocent."""
    text = row.get(column).replace(",", ".")
    match = _EURO.fullmatch(text)
    if match is None:
        raise lf.error(row, f"kolom {column}: {row.get(column)!r} is geen bedrag in euro's (bijv. 125,00)")
    euros, cents = match.group(1), (match.group(2) or "").ljust(2, "0")
    return int(euros) * 100 + int(cents)


def load_agb(path: str | Path) -> AgbLijst:
    lf = read_list(path, ("agb", *_PERIOD))
    codes: dict[str, list[Period]] = {}
    for row in lf.rows:
        agb = required_cell(lf, row, "agb", _AGB, "AGB-code van 8 cijfers")
        codes.setdefault(agb, []).append(Period(*row_period(lf, row)))
    return AgbLijst(lf, {k: tuple(v) for k, v in codes.items()})


# ------------------------------------------------------------------------------------ the bundle


@dataclass(frozen=True)
class Lists:
    """The lists level 4 checks against; None: that list is not configured ("niet gecontroleerd").

    ``enabled=False`` switches level 4 off entirely (``Lists.off()``); TR135 needs no list and runs
    whenever level 4 is on.
    """

    gemeenten: GemeenteLijst | None = None
    producten: dict[str, ProductLijst] = field(default_factory=dict)  # per standaard
    contracten: ContractLijst | None = None
    agb: AgbLijst | None = None
    enabled: bool = True
    max_leeftijd: int | None = None  # days; older lists get a warning in `berichten lijsten`

    @classmethod
    def shipped(cls) -> Lists:
        return _shipped()

    @classmethod
    def off(cls) -> Lists:
        return cls(enabled=False)

    # niet_gecontroleerd per (standaard, nummer): the lists do not change, every message asks
    _niet: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def niet_gecontroleerd(self, standaard: str, nummer: str) -> list[str]:
        """The checks of level 4 that did not run on this message for lack of a list (Dutch names)."""
        found = self._niet.get((standaard, nummer))
        if found is None:
            found = self._niet[(standaard, nummer)] = tuple(self._missing(standaard, nummer))
        return list(found)

    def _missing(self, standaard: str, nummer: str) -> list[str]:
        if not self.enabled:
            return []
        missing = []
        if self.gemeenten is None:
            missing.append("gemeentecodes (TR378)")
        producten = self.producten.get(standaard)
        if nummer in PRODUCT_BERICHTEN and (producten is None or producten.empty):
            missing.append(f"productcodes {standaard} (TR381)")
        if nummer in CONTRACT_BERICHTEN and self.contracten is None:
            missing.append("contracten")
        elif nummer in TARIEF_BERICHTEN and not self.contracten.has_tariffs:
            missing.append("tarieven (TR418)")
        if nummer in AGB_BERICHTEN and self.agb is None:
            missing.append("AGB-codes")
        return missing

    def files(self) -> list[tuple[str, ListFile | None]]:
        """Every list by its Dutch name, for `berichten lijsten`."""
        return [
            ("gemeentecodes", self.gemeenten.file if self.gemeenten else None),
            *((f"productcodes {s}", self.producten[s].file if s in self.producten else None) for s in ("ijw", "iwmo")),
            ("contracten", self.contracten.file if self.contracten else None),
            ("AGB-codes", self.agb.file if self.agb else None),
        ]


# Which messages each check concerns (rules.csv: TR381 on 301-323 heen messages with a product).
PRODUCT_BERICHTEN = ("301", "305", "307", "315", "317", "323")
CONTRACT_BERICHTEN = ("301", "305", "307", "315", "317", "323")
AGB_BERICHTEN = ("323",)
TARIEF_BERICHTEN = ("323",)  # TR418: the declared ProductTarief against the contracted one


@lru_cache(maxsize=1)
def _shipped() -> Lists:
    return Lists(
        gemeenten=load_gemeenten(SHIPPED_GEMEENTEN),
        producten={s: load_producten(p) for s, p in SHIPPED_PRODUCTEN.items()},
    )
