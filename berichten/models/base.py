"""The base classes of every message model and the XML facts the parser and serializer read.

Element order is data: the order of a model's fields is the XSD sequence, and the serializer and
parser walk ``xml_fields(cls)`` in that order. Field names are snake_case; the XSD element name is
the alias, derived by ``xml_name`` (``toewijzing_nummer`` -> ``ToewijzingNummer``).

Namespaces follow the schemas (elementFormDefault qualified): children of a type declared in a
message schema (Header, Client, Contact, ToegewezenProduct, ...) are in the message namespace;
children of a basisschema composite type (CDT_Adres, CDT_Product, ...) are in the basisschema
namespace. ``Element`` and ``BasisType`` say which one a model is.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass
from enum import Enum
from functools import cache
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict
from pydantic.fields import FieldInfo



def xml_name(field_name: str) -> str:
    """``toewijzing_nummer`` -> ``ToewijzingNummer``; ``telefoon01`` -> ``Telefoon01``."""
    return "".join(part[:1].upper() + part[1:] for part in field_name.split("_"))


class XmlModel(BaseModel):
    """A complex type of the schema. Construct with snake_case names or XSD names."""

    model_config = ConfigDict(
        alias_generator=xml_name,
        populate_by_name=True,
        extra="forbid",
        field_title_generator=lambda name, _info: xml_name(name),  # JSON schema titles = XSD names
    )

    # True when the children of this type live in the basisschema namespace.
    children_in_basis: ClassVar[bool] = False


class Element(XmlModel):
    """A type declared in a message schema: its children are in the message namespace."""


class BasisType(XmlModel):
    """A composite type (CDT_*) of the basisschema: its children are in the basisschema namespace."""

    children_in_basis: ClassVar[bool] = True


@dataclass(frozen=True)
class Wrapped:
    """Metadata for a list written as a wrapper with repeated items: ``<Relaties><Relatie/>...``."""

    item: str


LeafKind = Literal["str", "int", "date", "time", "enum"]


@dataclass(frozen=True)
class XmlField:
    """What the parser and serializer need to know about one field."""

    name: str  # Python attribute
    tag: str  # XSD element name (local)
    item: str | None  # element name of the items when the field is a wrapped list
    model: type[XmlModel] | None  # nested complex type, None for a simple value
    leaf: LeafKind | None  # kind of simple value, None for a complex type
    enum: type[Enum] | None
    many: bool
    required: bool
    vorm: str | None  # Dutch description of the expected form, when the type has one


def _unwrap(annotation: Any) -> tuple[Any, list[Any], bool]:
    """Strip Optional and Annotated layers; return the bare type, collected metadata, optional."""
    metadata: list[Any] = []
    optional = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is Annotated:
            args = typing.get_args(annotation)
            annotation, metadata = args[0], metadata + list(args[1:])
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                raise TypeError(f"unions are not supported in message models: {annotation!r}")
            optional = True
            annotation = args[0]
        else:
            return annotation, metadata, optional


def _leaf_kind(tp: Any) -> LeafKind:
    if isinstance(tp, type):
        if issubclass(tp, Enum):
            return "enum"
        if issubclass(tp, bool):
            raise TypeError("bool is not an XSD type used here")
        if issubclass(tp, int):
            return "int"
        if issubclass(tp, dt.datetime):
            raise TypeError("datetime is not an XSD type used here")
        if issubclass(tp, dt.date):
            return "date"
        if issubclass(tp, dt.time):
            return "time"
        if issubclass(tp, str):
            return "str"
    raise TypeError(f"unsupported leaf type {tp!r}")


def _describe(name: str, info: FieldInfo) -> XmlField:
    from berichten.models.types import Vorm

    tp, metadata, optional = _unwrap(info.annotation)
    metadata += list(info.metadata)
    many = typing.get_origin(tp) is list
    if many:
        tp, inner, _ = _unwrap(typing.get_args(tp)[0])
        metadata += inner
    wrapped = next((m for m in metadata if isinstance(m, Wrapped)), None)
    vorm = next((m.omschrijving for m in metadata if isinstance(m, Vorm)), None)
    is_model = isinstance(tp, type) and issubclass(tp, XmlModel)
    return XmlField(
        name=name,
        tag=info.alias or xml_name(name),
        item=wrapped.item if wrapped else None,
        model=tp if is_model else None,
        leaf=None if is_model else _leaf_kind(tp),
        enum=tp if isinstance(tp, type) and issubclass(tp, Enum) else None,
        many=many,
        required=info.is_required() and not optional,
        vorm=vorm,
    )


@cache
def xml_fields(cls: type[XmlModel]) -> tuple[XmlField, ...]:
    """The fields of a model in XSD order, with what the XML mapping needs."""
    return tuple(_describe(name, info) for name, info in cls.model_fields.items())


def field_by_key(cls: type[XmlModel], key: str) -> XmlField | None:
    """Find a field by Python name or XSD name (pydantic error locations use either)."""
    for f in xml_fields(cls):
        if key in (f.name, f.tag):
            return f
    return None
