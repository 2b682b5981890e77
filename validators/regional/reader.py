"""Typed reading of parsed TOML into frozen records, with the conversions and errors of the old pydantic models.

The regional configuration used to be validated by pydantic; importing it and building the models
cost about 90 ms at every ``berichten check`` (docs/speed.md, "Start-up"). This module does the
same work for the few types the configuration has, in pydantic's lenient ("lax") mode: a number
may be written as ``"5"`` or ``5.0``, a boolean as ``"yes"`` or ``1``, a date as ``"2026-01-01"``
(or a Unix time, as pydantic allows). Errors are collected per field in the same order pydantic
reports them (fields in declaration order, then unknown keys) with the same Dutch reasons, or
pydantic's English message where the old code showed that. A record's own check (pydantic's
"model validator") runs only when all its fields are valid.
``tests/test_regional_config_pydantic.py`` compares this reader with the pydantic models.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any, ClassVar

Loc = tuple[str | int, ...]


class _Bad:
    """The result of a conversion that failed (its problem is already recorded)."""

    __slots__ = ()


BAD: Any = _Bad()
REQUIRED: Any = object()  # a field without a default


class Problems(list[tuple[Loc, str]]):
    """Every problem found, as (location, Dutch reason), in the order found."""

    def add(self, loc: Loc, reason: str) -> Any:
        self.append((loc, reason))
        return BAD


Conversion = Callable[[Any, Loc, Problems], Any]

# The reasons the pydantic version showed, by error kind (Dutch, or pydantic's own message where
# the old table had none): kept word for word, error texts are part of the interface.
MISSING = "ontbreekt"
EXTRA = "onbekende sleutel (tikfout?)"
NOT_A_DATE = "geen geldige datum (JJJJ-MM-DD)"
DATE_TYPE = "geen geldige datum (JJJJ-MM-DD, zonder aanhalingstekens)"
DATE_INEXACT = "Datetimes provided to dates should have zero time - e.g. be exact dates"
STRING_TYPE = "moet tekst zijn (tussen aanhalingstekens)"
INT_TYPE = "moet een geheel getal zijn"
INT_FROM_FLOAT = "Input should be a valid integer, got a number with a fractional part"
INT_SIZE = "Unable to parse input string as an integer, exceeded maximum size"
FINITE = "Input should be a finite number"
BOOL_TYPE = "moet true of false zijn"
BOOL_PARSING = "Input should be a valid boolean, unable to interpret input"
GREATER_THAN_0 = "moet groter dan 0 zijn"
TOO_SHORT = "mag niet leeg zijn"
TUPLE_TYPE = "moet een lijst zijn, bijv. [\"a\", \"b\"]"
DICT_TYPE = "Input should be a valid dictionary"

_I64 = 2**63
# Patterns for numbers and dates written as text, which a normal file never has: kept as strings,
# compiled (and cached by ``re``) on first use instead of at every start.
_INT_TEXT = r"\s*([+-]?[0-9]+(?:_[0-9]+)*)(?:\.0+)?\s*"
_TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE = frozenset({"0", "off", "f", "false", "n", "no"})
_DATE_TEXT = r"([0-9]{4})-([0-9]{2})-([0-9]{2})"
_DATETIME_TEXT = (
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt _]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]+))?)?"
    r"(?:[Zz]|[+-]([0-9]{2}):?([0-9]{2}))?"
)
_NUMBER_TEXT = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)"
_EPOCH = date(1970, 1, 1)
_MIN_TS, _MAX_TS = -62135596800, 253402300799  # 0001-01-01 and 9999-12-31T23:59:59 as Unix times
_MS_ABOVE = 2e10  # pydantic reads larger Unix times as milliseconds


def text(value: Any, loc: Loc, problems: Problems) -> Any:
    return value if isinstance(value, str) else problems.add(loc, STRING_TYPE)


def integer(value: Any, loc: Loc, problems: Problems) -> Any:
    if isinstance(value, int):  # bool too: True is 1
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return problems.add(loc, FINITE)
        if not value.is_integer():
            return problems.add(loc, INT_FROM_FLOAT)
        if abs(value) >= _I64:
            return problems.add(loc, INT_SIZE)
        return int(value)
    if isinstance(value, str):
        m = re.fullmatch(_INT_TEXT, value)
        return int(m.group(1)) if m else problems.add(loc, INT_TYPE)
    return problems.add(loc, INT_TYPE)


def positive(value: Any, loc: Loc, problems: Problems) -> Any:
    """An integer greater than 0 (pydantic's ``Field(gt=0)``)."""
    n = integer(value, loc, problems)
    if n is BAD:
        return BAD
    return n if n > 0 else problems.add(loc, GREATER_THAN_0)


def boolean(value: Any, loc: Loc, problems: Problems) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        if not (math.isfinite(value) and value.is_integer() and abs(value) < _I64):
            return problems.add(loc, BOOL_TYPE)
        value = int(value)
    if isinstance(value, int):
        if not -_I64 <= value < _I64:
            return problems.add(loc, BOOL_TYPE)
        return bool(value) if value in (0, 1) else problems.add(loc, BOOL_PARSING)
    if isinstance(value, str):
        lowered = value.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        return problems.add(loc, BOOL_PARSING)
    return problems.add(loc, BOOL_TYPE)


def a_date(value: Any, loc: Loc, problems: Problems) -> Any:
    if isinstance(value, datetime):
        if value.hour or value.minute or value.second or value.microsecond:
            return problems.add(loc, DATE_INEXACT)
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        return problems.add(loc, DATE_TYPE)
    if isinstance(value, (int, float)):
        return _from_unix(value, loc, problems)
    if isinstance(value, str):
        return _date_from_text(value, loc, problems)
    return problems.add(loc, DATE_TYPE)


def _from_unix(seconds: float, loc: Loc, problems: Problems) -> Any:
    if isinstance(seconds, float) and not math.isfinite(seconds):
        return problems.add(loc, NOT_A_DATE)
    if abs(seconds) > _MS_ABOVE:
        seconds = seconds / 1000
    if not _MIN_TS <= seconds <= _MAX_TS:
        return problems.add(loc, NOT_A_DATE)
    if seconds % 86400:
        return problems.add(loc, DATE_INEXACT)
    return _EPOCH + timedelta(days=int(seconds // 86400))


def _date_from_text(value: str, loc: Loc, problems: Problems) -> Any:
    m = re.fullmatch(_DATE_TEXT, value)
    if m:
        return _ymd(m, loc, problems)
    if re.fullmatch(_NUMBER_TEXT, value):
        number = float(value) if "." in value else int(value)
        return _from_unix(number, loc, problems)
    m = re.fullmatch(_DATETIME_TEXT, value)
    if not m:
        return problems.add(loc, NOT_A_DATE)
    hour, minute, second = int(m.group(4)), int(m.group(5)), int(m.group(6) or 0)
    if hour > 23 or minute > 59 or second > 59:
        return problems.add(loc, NOT_A_DATE)
    if m.group(8) is not None and (int(m.group(8)) > 23 or int(m.group(9)) > 59):
        return problems.add(loc, NOT_A_DATE)
    day = _ymd(m, loc, problems)
    if day is BAD:
        return BAD
    if hour or minute or second or int((m.group(7) or "0")[:6]):
        return problems.add(loc, DATE_INEXACT)
    return day


def _ymd(m: re.Match[str], loc: Loc, problems: Problems) -> Any:
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return problems.add(loc, NOT_A_DATE)


def literal(*allowed: str) -> Conversion:
    """One of ``allowed`` (pydantic's ``Literal``); the error lists them."""
    shown = ", ".join(repr(a) for a in allowed[:-1]) + " of " + repr(allowed[-1]) if len(allowed) > 1 else repr(allowed[0])

    def convert(value: Any, loc: Loc, problems: Problems) -> Any:
        if isinstance(value, str) and value in allowed:
            return value
        return problems.add(loc, f"ongeldige waarde {value!r}; toegestaan: {shown}")

    return convert


def tuple_of(item: Conversion, min_length: int = 0) -> Conversion:
    """A TOML array as a tuple, every item converted; ``min_length`` 1 means not empty."""

    def convert(value: Any, loc: Loc, problems: Problems) -> Any:
        if not isinstance(value, (list, tuple)):
            return problems.add(loc, TUPLE_TYPE)
        items = [item(v, (*loc, i), problems) for i, v in enumerate(value)]
        valid = sum(v is not BAD for v in items)
        if valid < min_length:  # pydantic counts the items that passed, after their own errors
            problems.add(loc, TOO_SHORT)
        return BAD if valid < len(items) or valid < min_length else tuple(items)

    return convert


def mapping(value: Any, loc: Loc, problems: Problems) -> Any:
    """A TOML table kept as it is (``dict[str, Any]``)."""
    return value if isinstance(value, dict) else problems.add(loc, DICT_TYPE)


class Field:
    """One key of a record: attribute name, TOML key, conversion, default, and an extra check."""

    __slots__ = ("name", "key", "convert", "default", "check")

    def __init__(self, name: str, convert: Conversion, default: Any = REQUIRED, *, key: str | None = None,
                 check: Callable[[Any], Any] | None = None) -> None:
        self.name, self.key, self.convert, self.default, self.check = name, key or name, convert, default, check


class Record:
    """A frozen record read from one TOML table; subclasses list their ``FIELDS`` and slots."""

    __slots__ = ()
    FIELDS: ClassVar[tuple[Field, ...]] = ()

    def __init__(self, **values: Any) -> None:
        for f in self.FIELDS:
            object.__setattr__(self, f.name, values[f.name] if f.name in values else f.default)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen")

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, f.name) for f in self.FIELDS)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other._values() == self._values()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        return f"{type(self).__name__}(" + ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in self.FIELDS) + ")"

    def validate(self) -> None:
        """Checks across the fields of one record; raise ``ValueError`` with the Dutch reason."""

    @classmethod
    def read(cls, data: Any, loc: Loc, problems: Problems) -> Any:
        """The record from one TOML table, or ``BAD`` with every problem added to ``problems``."""
        if not isinstance(data, dict):
            return problems.add(loc, f"Input should be a valid dictionary or instance of {cls.__name__}")
        values: dict[str, Any] = {}
        ok = True
        for f in cls.FIELDS:
            if f.key not in data:
                if f.default is REQUIRED:
                    problems.add((*loc, f.key), MISSING)
                    ok = False
                else:
                    values[f.name] = f.default
                continue
            value = f.convert(data[f.key], (*loc, f.key), problems)
            if value is not BAD and f.check is not None:
                try:
                    value = f.check(value)
                except ValueError as exc:
                    value = problems.add((*loc, f.key), str(exc))
            if value is BAD:
                ok = False
            else:
                values[f.name] = value
        known = {f.key for f in cls.FIELDS}
        for key in data:
            if key not in known:
                problems.add((*loc, key), EXTRA)
                ok = False
        if not ok:
            return BAD
        record = cls(**values)
        try:
            record.validate()
        except ValueError as exc:
            return problems.add(loc, str(exc))
        return record


def records(cls: type[Record], min_length: int = 0) -> Conversion:
    """An array of tables, each read as ``cls``."""
    return tuple_of(cls.read, min_length)
