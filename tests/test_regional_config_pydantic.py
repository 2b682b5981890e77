"""The regional config reader against the pydantic models it replaced: same values, same errors, same order.

``validators/regional/reader.py`` took over from pydantic to keep ``berichten check`` quick to
start. The old models are kept here, word for word, as the oracle: every shipped example is
mutated key by key (each value replaced by values of every TOML type, keys removed, unknown keys
added, and random combinations of those) and both must build equal records or report the same
(location, reason) list in the same order. The line numbers are found by the same ``find_line``.
"""

from __future__ import annotations

import math
import random
import re
import tomllib
from datetime import date, datetime, time
from fractions import Fraction
from typing import Any, Literal

import pytest

pydantic = pytest.importorskip("pydantic")
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator  # noqa: E402

from berichten.validators.regional import config as ours  # noqa: E402
from berichten.validators.regional.reader import Problems, Record  # noqa: E402
from tests.test_regional_support import FIXTURES  # noqa: E402

Role = Literal["systeemaanbieder", "prestatieaanbieder", "onderaannemer", "flex-aanbieder"]
Contract = Literal["gecontracteerd", "pgb", "maatwerkovereenkomst"]
BuurtteamType = Literal["jeugd-gezin", "volwassenen"]
_AGB = re.compile(r"^\d{8}$")
_GEMEENTE = re.compile(r"^\d{4}$")
_PRODUCT = re.compile(r"^[0-9A-Za-z]{1,5}$")


# ------------------------------------------------------------------ the pydantic models (oracle)

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



# ------------------------------------------------------------------------------------ comparing


def oracle(data: dict[str, Any]) -> tuple[str, Any]:
    try:
        cfg = RegionConfig.model_validate({**data, "source": "x.toml"})
    except ValidationError as exc:
        return "errors", [(_strip(tuple(e["loc"])), _pydantic_reason(e)) for e in exc.errors()]
    return "config", dump(cfg)


def reader(data: dict[str, Any]) -> tuple[str, Any]:
    problems = Problems()
    cfg = ours.RegionConfig.read({**data, "source": "x.toml"}, (), problems)
    if problems:
        return "errors", list(problems)
    return "config", dump(cfg)


def _strip(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(p for p in loc if not (isinstance(p, str) and p.startswith("function-")))


def dump(value: Any) -> Any:
    """A record as (class name, {field: value}), the same for a pydantic model and ours."""
    if isinstance(value, BaseModel):
        return type(value).__name__, {name: dump(getattr(value, name)) for name in type(value).model_fields}
    if isinstance(value, Record):
        return type(value).__name__, {f.name: dump(getattr(value, f.name)) for f in value.FIELDS}
    if isinstance(value, tuple):
        return tuple(dump(v) for v in value)
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    return type(value).__name__, value


VALUES: list[Any] = [
    "", "x", "grjr", "gecontracteerd", "onderaannemer", "jeugd-gezin", "ijw", "12345678", "1234", "0268", "45A04",
    "5", " 5 ", "+5", "05", "1_000", "5.0", "5.", "5.5", "-3", "0", "1e3",
    "yes", "no", "true", "TRUE", "off", "1", " true ",
    "2026-01-01", "2026-02-30", "2026-1-01", "0000-01-01", "2026-01-01T00:00", "2026-01-01 00:00:00Z",
    "2026-01-01T00:00:00+01:00", "2026-01-01T10:00", "2026-01-01T00:00:00.5", "2026-01-01T25:00", "2026-01-01T00",
    "2026-01-01T00:00:60", "2026-01-01T00:00:00+0100", "2026-01-01T00:00:00+01", "2026-01-01_00:00",
    "2026-01-01 00:00 ", "2026-01-01T00:00:00.0000000001", "2026-01-01t00:00:00-00:00", "2026-01-01T00:00:00+24:00",
    "9999-12-31", "2026-13-01",
    "86400", "86400.5", "-86400.5", "-86400", "20260101", "1700006400000", ".5", "1.", "0.0", "00", "1_0",
    "1" * 30, "1 januari",
    0, 1, 2, -1, 5, 200, 300, 86400, 1700006400000, 2 ** 70,
    0.0, 1.0, 2.0, 5.5, 300.0, 86400.0, 1e20, 1e30, math.inf, -math.inf, math.nan,
    True, False,
    date(2026, 1, 1), date(2025, 12, 31), datetime(2026, 1, 1), datetime(2026, 1, 1, 10, 0), time(10, 0),
    [], ["x"], ["45A04"], ["0268"], [1], [{}], [{"rol": "systeemaanbieder"}], {}, {"a": 1},
]


def paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key and array index below the top (the top itself is the whole file)."""
    found = [path] if path else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += paths(item, (*path, i))
    return found


def replaced(data: Any, path: tuple[Any, ...], new: Any) -> Any:
    """A copy of ``data`` with the value at ``path`` replaced; ``DELETE`` removes it."""
    if not path:
        return new
    copy = dict(data) if isinstance(data, dict) else list(data)
    head, rest = path[0], path[1:]
    if new is DELETE and not rest:
        del copy[head]
    else:
        copy[head] = replaced(copy[head], rest, new)
    return copy


DELETE = object()


def mutations(data: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for path in paths(data):
        out += [replaced(data, path, v) for v in (*VALUES, DELETE)]
        parent = path[:-1]
        container = data
        for part in parent:
            container = container[part]
        if isinstance(container, dict):
            out.append(replaced(data, parent, {**container, "tikfout": 1}) if parent else {**data, "tikfout": 1})
    return out


def examples() -> dict[str, dict[str, Any]]:
    return {name: tomllib.loads((FIXTURES / f"{name}.toml").read_text(encoding="utf-8")) for name in ("grjr", "nijmegen")}


@pytest.mark.parametrize("name", ["grjr", "nijmegen"])
def test_the_examples_build_the_same_records(name: str) -> None:
    data = examples()[name]
    kind, value = reader(data)
    assert kind == "config"
    assert (kind, value) == oracle(data)


@pytest.mark.parametrize("name", ["grjr", "nijmegen"])
def test_every_single_change_gives_the_same_result(name: str) -> None:
    differ = []
    for data in mutations(examples()[name]):
        if reader(data) != oracle(data):
            differ.append((data, reader(data), oracle(data)))
    assert not differ, differ[:3]


@pytest.mark.parametrize("name", ["grjr", "nijmegen"])
def test_combined_changes_report_the_same_errors_in_the_same_order(name: str) -> None:
    data = examples()[name]
    where = paths(data)
    rng = random.Random(15)
    differ = []
    for _ in range(1500):
        changed = data
        for path in rng.sample(where, 3):
            try:
                changed = replaced(changed, path, rng.choice([*VALUES, DELETE]))
            except (KeyError, IndexError, TypeError):  # an earlier change removed or replaced the parent
                continue
        if reader(changed) != oracle(changed):
            differ.append((changed, reader(changed), oracle(changed)))
    assert not differ, differ[:3]


def test_a_role_of_an_onderaannemer_keeps_its_checks_on_dates_and_van() -> None:
    base = {"regio": {"code": "grjr", "naam": "G", "gemeenten": ["0599"]},
            "aanbieder": [{"agb": "12345678", "naam": "A", "rol": [{"rol": "onderaannemer", "van": "87654321",
                                                                    "vanaf": date(2026, 1, 1), "tot": date(2025, 1, 1)}]}]}
    assert reader(base) == oracle(base)
    assert "ligt voor 'vanaf'" in reader(base)[1][0][1]


def test_the_records_are_frozen_and_compare_by_value() -> None:
    a = ours.parse_config((FIXTURES / "grjr.toml").read_text(encoding="utf-8"), "grjr.toml")
    b = ours.parse_config((FIXTURES / "grjr.toml").read_text(encoding="utf-8"), "grjr.toml")
    assert a == b and a.aanbieders[0] == b.aanbieders[0] and hash(a.aanbieders[0]) == hash(b.aanbieders[0])
    with pytest.raises(AttributeError):
        a.regio.code = "nijmegen"  # type: ignore[misc]
    assert "grjr" in repr(a.regio)


def test_the_config_no_longer_needs_pydantic() -> None:
    import ast
    from pathlib import Path

    for module in ("config.py", "reader.py"):
        tree = ast.parse((Path(ours.__file__).parent / module).read_text(encoding="utf-8"))
        names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not {n for n in names if n.split(".")[0] in ("pydantic", "pydantic_core")}, module
