"""Pydantic validation errors in Dutch, naming the field.

Used by ``generate`` (locations as in the JSON input: ``client.toegewezen_producten.0.ingangsdatum``)
and by ``parse`` (which maps the same walk onto the XML tree). No input value of a Bsn field is ever
shown in full.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from berichten.models.base import XmlField, XmlModel, field_by_key
from berichten.privacy import mask_bsn

_MAX_WAARDE = 40


@dataclass(frozen=True)
class Stap:
    """One step of an error location: a field of a model, or an index into a list field."""

    field: XmlField | None = None  # None for an index or a key we do not know
    index: int | None = None
    key: str | None = None  # the key as given when it is not a field (unknown fields)


@dataclass(frozen=True)
class Probleem:
    stappen: tuple[Stap, ...]
    tekst: str  # Dutch, without the location

    @property
    def pad(self) -> str:
        """Dot-separated location in the JSON shape: ``client.toegewezen_producten.0.ingangsdatum``."""
        parts = []
        for s in self.stappen:
            if s.field is not None:
                parts.append(s.field.name)
            elif s.index is not None:
                parts.append(str(s.index))
            else:
                parts.append(str(s.key))
        return ".".join(parts) or "bericht"

    def regel(self) -> str:
        return f"{self.pad}: {self.tekst}"


def problemen(cls: type[XmlModel], exc: ValidationError) -> list[Probleem]:
    """Translate every error of ``exc`` (raised while validating ``cls``)."""
    result = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        veld = (err.get("ctx") or {}).get("veld")
        if veld:  # a check on a whole object that blames one of its fields
            loc += (veld,)
        stappen, field = _walk(cls, loc)
        result.append(Probleem(stappen, dutch(err, field)))
    return result


def _walk(cls: type[XmlModel], loc: Sequence[int | str]) -> tuple[tuple[Stap, ...], XmlField | None]:
    stappen: list[Stap] = []
    current: type[XmlModel] | None = cls
    pending_list: XmlField | None = None
    last: XmlField | None = None
    for seg in loc:
        if isinstance(seg, int) and pending_list is not None:
            stappen.append(Stap(index=seg))
            current, pending_list = pending_list.model, None
            continue
        found = field_by_key(current, seg) if current is not None and isinstance(seg, str) else None
        if found is None:
            stappen.append(Stap(key=str(seg)))
            current, pending_list, last = None, None, None
            continue
        stappen.append(Stap(field=found))
        last = found
        if found.many:
            current, pending_list = None, found
        else:
            current = found.model
    return tuple(stappen), last


def _waarde(value: Any, field: XmlField | None) -> str:
    text = value if isinstance(value, str) else repr(value)
    if field is not None and field.name == "bsn":
        return mask_bsn(str(value))
    if len(text) > _MAX_WAARDE:
        text = text[: _MAX_WAARDE - 3] + "..."
    return text


def dutch(err: ErrorDetails, field: XmlField | None) -> str:
    """One pydantic error as a short Dutch sentence (without the location)."""
    kind = err["type"]
    ctx: dict[str, Any] = dict(err.get("ctx") or {})
    raw = err.get("input")
    v = _waarde(raw, field)
    vorm = f", verwacht {field.vorm}" if field is not None and field.vorm else ""

    if kind == "missing":
        return "verplicht, maar ontbreekt"
    if kind == "extra_forbidden":
        return "onbekend veld"
    if kind.startswith("date_"):
        return f"ongeldige datum '{v}' (verwacht JJJJ-MM-DD)" if kind == "date_type" else f"ongeldige datum '{v}'"
    if kind.startswith("time_") and kind != "time_zone":
        return f"ongeldige tijd '{v}' (verwacht UU:MM:SS)"
    if kind in ("int_parsing", "int_type", "int_from_float", "int_parsing_size"):
        return f"geen geheel getal: '{v}'"
    if kind == "greater_than_equal":
        return f"te klein: {v} (minimaal {ctx.get('ge')})"
    if kind == "less_than_equal":
        return f"te groot: {v} (maximaal {ctx.get('le')})"
    if kind == "string_type":
        return f"tekst verwacht (tussen aanhalingstekens), niet {v}{vorm}"
    if kind == "string_too_short":
        return "mag niet leeg zijn" if ctx.get("min_length") == 1 else f"te kort: '{v}'{vorm}"
    if kind == "string_too_long":
        return f"te lang: {len(str(raw))} tekens, maximaal {ctx.get('max_length')}"
    if kind == "string_pattern_mismatch":
        return f"ongeldige waarde '{v}'{vorm}"
    if kind == "enum" and not isinstance(raw, str):
        return f"code als tekst verwacht, tussen aanhalingstekens: \"{v}\""
    if kind == "enum":
        enum = field.enum if field is not None else None
        codes = ", ".join(m.value for m in enum) if enum is not None else ctx.get("expected", "")
        lijst = f" ({enum.__doc__.split()[0].rstrip(':.')})" if enum is not None and enum.__doc__ else ""
        return f"ongeldige code '{v}'{lijst}; toegestaan: {codes}"
    if kind in ("code_list", "time_zone", "header_mismatch"):
        return str(err["msg"])
    if kind == "too_short":
        return f"minstens {ctx.get('min_length')} nodig"
    if kind == "list_type":
        return "lijst verwacht"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "object verwacht"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    return f"ongeldige waarde '{v}' ({kind})"
