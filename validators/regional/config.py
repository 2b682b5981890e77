"""Regional configuration: one TOML file per region, read into frozen records (``reader.py``).

The file describes what the messages do not say: which gemeenten form the region, which
aanbieders have which roles and contracts, the GRJR opdrachten with their tafels and products,
and the Nijmegen products with their standard hours and the Buurtteam types. The documented
examples are ``fixtures/regio/grjr.toml`` and ``fixtures/regio/nijmegen.toml``.

Every error is one Dutch line naming the file, the line of the key (best effort) and the field:
``grjr.toml: regel 14: aanbieder[2].agb: moet 8 cijfers zijn, niet '1234'``.

These records were pydantic models; ``reader.py`` now reads the same TOML into the same values
with the same errors, without pydantic's import and model building at every ``berichten check``.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

from berichten.validators.regional.errors import ConfigError
from berichten.validators.regional.reader import (
    Field, Problems, Record, a_date, boolean, literal, mapping, positive, records, text, tuple_of,
)

Role = Literal["systeemaanbieder", "prestatieaanbieder", "onderaannemer", "flex-aanbieder"]
Contract = Literal["gecontracteerd", "pgb", "maatwerkovereenkomst"]
BuurtteamType = Literal["jeugd-gezin", "volwassenen"]
REGIONS = ("grjr", "nijmegen")

_AGB = re.compile(r"^\d{8}$")
_GEMEENTE = re.compile(r"^\d{4}$")
_PRODUCT = re.compile(r"^[0-9A-Za-z]{1,5}$")


def _agb(value: str | None) -> str | None:
    if value is not None and not _AGB.match(value):
        raise ValueError(f"een AGB-code heeft 8 cijfers, niet '{value}'")
    return value


def _product_code(value: str | None) -> str | None:
    if value is not None and not _PRODUCT.match(value):
        raise ValueError(f"productcode '{value}' heeft 1 tot 5 letters of cijfers")
    return value


def _product_codes(value: tuple[str, ...]) -> tuple[str, ...]:
    for code in value:
        _product_code(code)
    return value


def _gemeenten(value: tuple[str, ...]) -> tuple[str, ...]:
    for code in value:
        if not _GEMEENTE.match(code):
            raise ValueError(f"een gemeentecode heeft 4 cijfers, niet '{code}'")
    return value


class RoleEntry(Record):
    """One role of an aanbieder, optionally limited in time and to some opdrachten."""

    __slots__ = ("rol", "van", "vanaf", "tot", "opdrachten")
    rol: Role
    van: str | None  # onderaannemer: AGB code of its systeemaanbieder
    vanaf: date | None
    tot: date | None  # last day the role holds (inclusive)
    opdrachten: tuple[str, ...]
    FIELDS = (
        Field("rol", literal("systeemaanbieder", "prestatieaanbieder", "onderaannemer", "flex-aanbieder")),
        Field("van", text, None, check=_agb),
        Field("vanaf", a_date, None),
        Field("tot", a_date, None),
        Field("opdrachten", tuple_of(text), ()),
    )

    def validate(self) -> None:
        if self.rol == "onderaannemer" and not self.van:
            raise ValueError("een onderaannemer heeft 'van' nodig: de AGB-code van zijn systeemaanbieder")
        if self.rol != "onderaannemer" and self.van:
            raise ValueError("'van' hoort alleen bij de rol onderaannemer")
        if self.vanaf and self.tot and self.tot < self.vanaf:
            raise ValueError(f"'tot' ({self.tot}) ligt voor 'vanaf' ({self.vanaf})")

    def holds_on(self, day: date | None) -> bool:
        if day is None:
            return True
        return (self.vanaf is None or self.vanaf <= day) and (self.tot is None or day <= self.tot)


class Aanbieder(Record):
    __slots__ = ("agb", "naam", "contract", "rollen")
    agb: str
    naam: str
    contract: Contract
    rollen: tuple[RoleEntry, ...]
    FIELDS = (
        Field("agb", text, check=_agb),
        Field("naam", text),
        Field("contract", literal("gecontracteerd", "pgb", "maatwerkovereenkomst"), "gecontracteerd"),
        Field("rollen", records(RoleEntry), (), key="rol"),
    )

    def has_role(self, rol: Role, day: date | None = None) -> bool:
        return any(r.rol == rol and r.holds_on(day) for r in self.rollen)


class Opdracht(Record):
    """A GRJR contract lot with the tafel that discusses its cases and its product codes."""

    __slots__ = ("code", "naam", "tafel", "frequentie", "opmerking", "producten")
    code: str
    naam: str
    tafel: str
    frequentie: str
    opmerking: str
    producten: tuple[str, ...]
    FIELDS = (
        Field("code", text),
        Field("naam", text),
        Field("tafel", text),
        Field("frequentie", text, ""),
        Field("opmerking", text, ""),
        Field("producten", tuple_of(text), (), check=_product_codes),
    )


class Product(Record):
    """A Nijmegen product in scope of the covenant with its standard hours."""

    __slots__ = ("code", "naam", "standaard", "uren_per_jaar", "uren_per_anderhalf_jaar")
    code: str
    naam: str
    standaard: Literal["ijw", "iwmo"]
    uren_per_jaar: int
    uren_per_anderhalf_jaar: int
    FIELDS = (
        Field("code", text),
        Field("naam", text),
        Field("standaard", literal("ijw", "iwmo")),
        Field("uren_per_jaar", positive),
        Field("uren_per_anderhalf_jaar", positive),
    )

    def validate(self) -> None:
        # The covenant's two columns are one rate; a mismatch is a typo in the file.
        if Fraction(self.uren_per_anderhalf_jaar) != Fraction(self.uren_per_jaar) * Fraction(3, 2):
            raise ValueError(
                f"uren_per_anderhalf_jaar ({self.uren_per_anderhalf_jaar}) moet 1,5 x uren_per_jaar "
                f"({self.uren_per_jaar}) zijn"
            )


class Buurtteam(Record):
    __slots__ = ("code", "naam", "stapelen", "plafond_uren_per_jaar", "standaard_termijn_maanden")
    code: BuurtteamType
    naam: str
    stapelen: bool  # J&G adds regulier and specialistisch; Volwassenen shares one cap
    plafond_uren_per_jaar: int | None
    standaard_termijn_maanden: int | None
    FIELDS = (
        Field("code", literal("jeugd-gezin", "volwassenen")),
        Field("naam", text),
        Field("stapelen", boolean),
        Field("plafond_uren_per_jaar", positive, None),
        Field("standaard_termijn_maanden", positive, None),
    )

    def validate(self) -> None:
        if not self.stapelen and self.plafond_uren_per_jaar is None:
            raise ValueError("een Buurtteam dat niet stapelt heeft 'plafond_uren_per_jaar' nodig")


class Plafond(Record):
    """A budgetplafond: a yearly ceiling for one aanbieder (optionally one product), in euros or hours."""

    __slots__ = ("aanbieder", "product", "bedrag_per_jaar", "uren_per_jaar")
    aanbieder: str
    product: str | None
    bedrag_per_jaar: int | None  # whole euros per calendar year
    uren_per_jaar: int | None
    FIELDS = (
        Field("aanbieder", text, check=_agb),
        Field("product", text, None, check=_product_code),
        Field("bedrag_per_jaar", positive, None),
        Field("uren_per_jaar", positive, None),
    )

    def validate(self) -> None:
        if (self.bedrag_per_jaar is None) == (self.uren_per_jaar is None):
            raise ValueError("geef precies één van 'bedrag_per_jaar' (euro) of 'uren_per_jaar'")


class Regio(Record):
    __slots__ = ("code", "naam", "gemeenten")
    code: Literal["grjr", "nijmegen"]
    naam: str
    gemeenten: tuple[str, ...]
    FIELDS = (
        Field("code", literal("grjr", "nijmegen")),
        Field("naam", text),
        Field("gemeenten", tuple_of(text, min_length=1), check=_gemeenten),
    )


class RegionConfig(Record):
    __slots__ = ("regio", "aanbieders", "opdrachten", "producten", "buurtteams", "plafonden", "lijsten", "source",
                 "_by_agb")
    regio: Regio
    aanbieders: tuple[Aanbieder, ...]
    opdrachten: tuple[Opdracht, ...]
    producten: tuple[Product, ...]
    buurtteams: tuple[Buurtteam, ...]
    plafonden: tuple[Plafond, ...]  # read by report.plafond
    lijsten: dict[str, Any] | None  # level-4 list files; read by validators.level4.config
    source: str  # the file it was read from
    FIELDS = (
        Field("regio", Regio.read),
        Field("aanbieders", records(Aanbieder), (), key="aanbieder"),
        Field("opdrachten", records(Opdracht), (), key="opdracht"),
        Field("producten", records(Product), (), key="product"),
        Field("buurtteams", records(Buurtteam), (), key="buurtteam"),
        Field("plafonden", records(Plafond), (), key="plafond"),
        Field("lijsten", mapping, None),
        Field("source", text, ""),
    )

    def __init__(self, **values: Any) -> None:
        super().__init__(**values)
        object.__setattr__(self, "_by_agb", {a.agb: a for a in self.aanbieders})

    @property
    def code(self) -> str:
        return self.regio.code

    def aanbieder(self, agb: str | None) -> Aanbieder | None:
        return self._by_agb.get(agb or "")

    def opdracht_for_product(self, code: str | None) -> Opdracht | None:
        for opdracht in self.opdrachten:
            if code in opdracht.producten:
                return opdracht
        return None

    def opdracht(self, code_or_name: str | None) -> Opdracht | None:
        wanted = (code_or_name or "").strip().lower()
        return next((o for o in self.opdrachten if wanted in (o.code.lower(), o.naam.lower())), None)

    def product(self, code: str | None) -> Product | None:
        return next((p for p in self.producten if p.code == code), None)

    def buurtteam(self, code: str) -> Buurtteam | None:
        return next((b for b in self.buurtteams if b.code == code), None)


def _cross_checks(cfg: RegionConfig) -> list[tuple[tuple[Any, ...], str]]:
    """Checks across sections; each problem with its location (keys and array indexes)."""
    problems: list[tuple[tuple[Any, ...], str]] = []
    seen: dict[str, int] = {}
    for i, a in enumerate(cfg.aanbieders):
        if a.agb in seen:
            problems.append((("aanbieder", i, "agb"), f"AGB-code {a.agb} staat ook al bij aanbieder[{seen[a.agb]}]"))
        seen.setdefault(a.agb, i)
    for i, a in enumerate(cfg.aanbieders):
        for j, r in enumerate(a.rollen):
            if r.van is None:
                continue
            hoofd = cfg.aanbieder(r.van)
            if hoofd is None or not (hoofd.has_role("systeemaanbieder") or hoofd.has_role("prestatieaanbieder")):
                problems.append((("aanbieder", i, "rol", j, "van"),
                                 f"'{r.van}' staat niet als systeem- of prestatieaanbieder in het register"))
            for opdracht in r.opdrachten:
                if cfg.opdrachten and cfg.opdracht(opdracht) is None:
                    problems.append((("aanbieder", i, "rol", j, "opdrachten"), f"onbekende opdracht '{opdracht}'"))
    owner: dict[str, str] = {}
    for i, o in enumerate(cfg.opdrachten):
        for code in o.producten:
            if code in owner:
                problems.append((("opdracht", i, "producten"),
                                 f"product {code} hoort al bij opdracht '{owner[code]}'; een product hoort bij één opdracht"))
            owner.setdefault(code, o.code)
    for field, items in (("product", cfg.producten), ("buurtteam", cfg.buurtteams), ("opdracht", cfg.opdrachten)):
        codes = [x.code for x in items]
        for i, code in enumerate(codes):
            if code in codes[:i]:
                problems.append(((field, i, "code"), f"code '{code}' komt dubbel voor"))
    ceilings: dict[tuple[str, str | None], int] = {}
    for i, pl in enumerate(cfg.plafonden):
        if cfg.aanbieder(pl.aanbieder) is None:
            problems.append((("plafond", i, "aanbieder"), f"aanbieder {pl.aanbieder} staat niet in het register ([[aanbieder]])"))
        if (pl.aanbieder, pl.product) in ceilings:
            problems.append((("plafond", i), f"er staat al een plafond voor aanbieder {pl.aanbieder}"
                             + (f" en product {pl.product}" if pl.product else "") + f" (plafond[{ceilings[(pl.aanbieder, pl.product)]}])"))
        ceilings.setdefault((pl.aanbieder, pl.product), i)
    if cfg.regio.code == "grjr" and not cfg.opdrachten:
        problems.append((("opdracht",), "de GRJR-configuratie heeft minstens één [[opdracht]] nodig"))
    if cfg.regio.code == "nijmegen":
        if not cfg.producten:
            problems.append((("product",), "de Nijmeegse configuratie heeft de producten met standaarduren nodig ([[product]])"))
        for needed in ("jeugd-gezin", "volwassenen"):
            if cfg.buurtteam(needed) is None:
                problems.append((("buurtteam",), f"Buurtteam '{needed}' ontbreekt ([[buurtteam]] met code = \"{needed}\")"))
    return problems


# ----------------------------------------------------------------------------------- loading


def load_config(path: str | Path) -> RegionConfig:
    """Read and validate a regional TOML file; raises ``ConfigError`` with every problem."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise ConfigError([f"{path}: niet te lezen ({exc.strerror or exc})"]) from None
    except UnicodeDecodeError:
        raise ConfigError([f"{path}: het bestand is geen UTF-8"]) from None
    return parse_config(text, str(path))


def parse_config(text: str, source: str = "<config>") -> RegionConfig:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"{source}: ongeldige TOML: {_toml_reason(str(exc))}"]) from None
    problems = Problems()
    cfg = RegionConfig.read({**data, "source": source}, (), problems)
    if problems:
        raise ConfigError([_line(source, text, loc, reason) for loc, reason in problems])
    problems = _cross_checks(cfg)
    if problems:
        raise ConfigError([_line(source, text, loc, reason) for loc, reason in problems])
    return cfg


def _toml_reason(message: str) -> str:
    # tomllib: "Expected '=' after a key in a key/value pair (at line 3, column 5)"
    m = re.search(r"\(at line (\d+), column (\d+)\)", message)
    if m:
        return f"regel {m.group(1)}, kolom {m.group(2)}: {message[: m.start()].strip()}"
    return message


def _field_name(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part not in ("function-after", "function-before"):
            out += ("." if out else "") + str(part)
    return out


def _line(source: str, text: str, loc: tuple[Any, ...], reason: str) -> str:
    loc = tuple(p for p in loc if not (isinstance(p, str) and p.startswith("function-")))
    line = find_line(text, loc)
    where = f"regel {line}: " if line else ""
    name = _field_name(loc)
    return f"{source}: {where}{name}: {reason}" if name else f"{source}: {where}{reason}"


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?")


def find_line(text: str, loc: tuple[Any, ...]) -> int | None:
    """Best-effort 1-based line of the key a location (keys and array indexes) points at.

    Follows ``[[array]]`` headers by their occurrence index inside the enclosing section and
    then looks for ``key =`` inside the section; falls back to the section header line.
    """
    lines = text.splitlines()
    headers = [(i, m.group(1), m.group(2).replace(" ", "")) for i, line in enumerate(lines) if (m := _HEADER.match(line))]
    lo, hi = 0, len(lines)  # current section: lines[lo:hi]
    path: list[str] = []
    found: int | None = None
    i = 0
    while i < len(loc):
        part = loc[i]
        if not isinstance(part, str):
            i += 1
            continue
        dotted = ".".join([*path, part])
        nxt = loc[i + 1] if i + 1 < len(loc) else None
        in_range = [(n, kind, name) for n, kind, name in headers if lo <= n < hi and name == dotted]
        if in_range:
            index = nxt if isinstance(nxt, int) else 0
            if index >= len(in_range):
                return found
            start = in_range[index][0]
            end = next((n for n, _, name in headers if n > start and not name.startswith(dotted + ".")), len(lines))
            lo, hi, found, path = start, min(end, hi), start + 1, [*path, part]
            i += 2 if isinstance(nxt, int) else 1
            continue
        key = re.compile(rf"^\s*{re.escape(part)}\s*=")
        own_end = next((n for n, _, _ in headers if lo < n < hi), hi)  # keys of this section come first
        for n in range(lo, own_end):
            if key.match(lines[n]):
                return n + 1
        return found
    return found
