"""Regional configuration: one TOML file per region, validated with pydantic.

The file describes what the messages do not say: which gemeenten form the region, which
aanbieders have which roles and contracts, the GRJR opdrachten with their tafels and products,
and the Nijmegen products with their standard hours and the Buurtteam types. The documented
examples are ``fixtures/regio/grjr.toml`` and ``fixtures/regio/nijmegen.toml``.

Every error is one Dutch line naming the file, the line of the key (best effort) and the field:
``grjr.toml: regel 14: aanbieder[2].agb: moet 8 cijfers zijn, niet '1234'``.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from berichten.validators.regional.errors import ConfigError

Role = Literal["systeemaanbieder", "prestatieaanbieder", "onderaannemer", "flex-aanbieder"]
Contract = Literal["gecontracteerd", "pgb", "maatwerkovereenkomst"]
BuurtteamType = Literal["jeugd-gezin", "volwassenen"]
REGIONS = ("grjr", "nijmegen")

_AGB = re.compile(r"^\d{8}$")
_GEMEENTE = re.compile(r"^\d{4}$")
_PRODUCT = re.compile(r"^[0-9A-Za-z]{1,5}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _agb(value: str) -> str:
    if not _AGB.match(value):
        raise ValueError(f"een AGB-code heeft 8 cijfers, niet '{value}'")
    return value


class RoleEntry(_Strict):
    """One role of an aanbieder, optionally limited in time and to some opdrachten."""

    rol: Role
    van: str | None = None  # onderaannemer: AGB code of its systeemaanbieder
    vanaf: date | None = None
    tot: date | None = None  # last day the role holds (inclusive)
    opdrachten: tuple[str, ...] = ()

    @field_validator("van")
    @classmethod
    def _check_van(cls, value: str | None) -> str | None:
        return None if value is None else _agb(value)

    @model_validator(mode="after")
    def _consistent(self) -> RoleEntry:
        if self.rol == "onderaannemer" and not self.van:
            raise ValueError("een onderaannemer heeft 'van' nodig: de AGB-code van zijn systeemaanbieder")
        if self.rol != "onderaannemer" and self.van:
            raise ValueError("'van' hoort alleen bij de rol onderaannemer")
        if self.vanaf and self.tot and self.tot < self.vanaf:
            raise ValueError(f"'tot' ({self.tot}) ligt voor 'vanaf' ({self.vanaf})")
        return self

    def holds_on(self, day: date | None) -> bool:
        if day is None:
            return True
        return (self.vanaf is None or self.vanaf <= day) and (self.tot is None or day <= self.tot)


class Aanbieder(_Strict):
    agb: str
    naam: str
    contract: Contract = "gecontracteerd"
    rollen: tuple[RoleEntry, ...] = Field(default=(), alias="rol")

    @field_validator("agb")
    @classmethod
    def _check_agb(cls, value: str) -> str:
        return _agb(value)

    def has_role(self, rol: Role, day: date | None = None) -> bool:
        return any(r.rol == rol and r.holds_on(day) for r in self.rollen)


class Opdracht(_Strict):
    """A GRJR contract lot with the tafel that discusses its cases and its product codes."""

    code: str
    naam: str
    tafel: str
    frequentie: str = ""
    opmerking: str = ""
    producten: tuple[str, ...] = ()

    @field_validator("producten")
    @classmethod
    def _codes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for code in value:
            if not _PRODUCT.match(code):
                raise ValueError(f"productcode '{code}' heeft 1 tot 5 letters of cijfers")
        return value


class Product(_Strict):
    """A Nijmegen product in scope of the covenant with its standard hours."""

    code: str
    naam: str
    standaard: Literal["ijw", "iwmo"]
    uren_per_jaar: int = Field(gt=0)
    uren_per_anderhalf_jaar: int = Field(gt=0)

    @model_validator(mode="after")
    def _pro_rata(self) -> Product:
        # The covenant's two columns are one rate; a mismatch is a typo in the file.
        if Fraction(self.uren_per_anderhalf_jaar) != Fraction(self.uren_per_jaar) * Fraction(3, 2):
            raise ValueError(
                f"uren_per_anderhalf_jaar ({self.uren_per_anderhalf_jaar}) moet 1,5 x uren_per_jaar "
                f"({self.uren_per_jaar}) zijn"
            )
        return self


class Buurtteam(_Strict):
    code: BuurtteamType
    naam: str
    stapelen: bool  # J&G adds regulier and specialistisch; Volwassenen shares one cap
    plafond_uren_per_jaar: int | None = Field(default=None, gt=0)
    standaard_termijn_maanden: int | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _cap(self) -> Buurtteam:
        if not self.stapelen and self.plafond_uren_per_jaar is None:
            raise ValueError("een Buurtteam dat niet stapelt heeft 'plafond_uren_per_jaar' nodig")
        return self


class Plafond(_Strict):
    """A budgetplafond: a yearly ceiling for one aanbieder (optionally one product), in euros or hours."""

    aanbieder: str
    product: str | None = None
    bedrag_per_jaar: int | None = Field(default=None, gt=0)  # whole euros per calendar year
    uren_per_jaar: int | None = Field(default=None, gt=0)

    @field_validator("aanbieder")
    @classmethod
    def _check_agb(cls, value: str) -> str:
        return _agb(value)

    @field_validator("product")
    @classmethod
    def _check_product(cls, value: str | None) -> str | None:
        if value is not None and not _PRODUCT.match(value):
            raise ValueError(f"productcode '{value}' heeft 1 tot 5 letters of cijfers")
        return value

    @model_validator(mode="after")
    def _one_measure(self) -> Plafond:
        if (self.bedrag_per_jaar is None) == (self.uren_per_jaar is None):
            raise ValueError("geef precies één van 'bedrag_per_jaar' (euro) of 'uren_per_jaar'")
        return self


class Regio(_Strict):
    code: Literal["grjr", "nijmegen"]
    naam: str
    gemeenten: tuple[str, ...] = Field(min_length=1)

    @field_validator("gemeenten")
    @classmethod
    def _gemeenten(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for code in value:
            if not _GEMEENTE.match(code):
                raise ValueError(f"een gemeentecode heeft 4 cijfers, niet '{code}'")
        return value


class RegionConfig(_Strict):
    regio: Regio
    aanbieders: tuple[Aanbieder, ...] = Field(default=(), alias="aanbieder")
    opdrachten: tuple[Opdracht, ...] = Field(default=(), alias="opdracht")
    producten: tuple[Product, ...] = Field(default=(), alias="product")
    buurtteams: tuple[Buurtteam, ...] = Field(default=(), alias="buurtteam")
    plafonden: tuple[Plafond, ...] = Field(default=(), alias="plafond")  # read by report.plafond
    lijsten: dict[str, Any] | None = None  # level-4 list files; read by validators.level4.config
    source: str = Field(default="", exclude=True)

    @property
    def code(self) -> str:
        return self.regio.code

    def aanbieder(self, agb: str | None) -> Aanbieder | None:
        return self._by_agb.get(agb or "")

    @property
    def _by_agb(self) -> dict[str, Aanbieder]:
        return {a.agb: a for a in self.aanbieders}

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
    """Checks across sections; each problem with its location as a pydantic-style loc."""
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
    try:
        cfg = RegionConfig.model_validate({**data, "source": source})
    except ValidationError as exc:
        raise ConfigError([_line(source, text, tuple(e["loc"]), _pydantic_reason(e)) for e in exc.errors()]) from None
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


_PYDANTIC_NL = {
    "missing": "ontbreekt",
    "extra_forbidden": "onbekende sleutel (tikfout?)",
    "literal_error": "ongeldige waarde",
    "date_from_datetime_parsing": "geen geldige datum (JJJJ-MM-DD)",
    "date_parsing": "geen geldige datum (JJJJ-MM-DD)",
    "date_type": "geen geldige datum (JJJJ-MM-DD, zonder aanhalingstekens)",
    "string_type": "moet tekst zijn (tussen aanhalingstekens)",
    "int_type": "moet een geheel getal zijn",
    "int_parsing": "moet een geheel getal zijn",
    "bool_type": "moet true of false zijn",
    "greater_than": "moet groter dan 0 zijn",
    "too_short": "mag niet leeg zijn",
    "tuple_type": "moet een lijst zijn, bijv. [\"a\", \"b\"]",
}


def _pydantic_reason(error: dict[str, Any]) -> str:
    kind = error["type"]
    if kind == "value_error":
        return str(error["ctx"]["error"]) if "ctx" in error else error["msg"]
    if kind == "literal_error":
        return f"ongeldige waarde {error.get('input')!r}; toegestaan: {error['ctx']['expected'].replace(' or ', ' of ')}"
    return _PYDANTIC_NL.get(kind, error["msg"])


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
    """Best-effort 1-based line of the key a pydantic location points at.

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
