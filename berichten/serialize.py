"""Model -> message bytes, written the way the standard asks for files.

UTF-8 without BOM, an XML declaration, CR/LF line endings, one element per line indented with
tabs, elements in XSD order (the field order of the models), the message namespace with the
prefix the published samples use (``jw301:``, ``wmo301:``) and the basisschema as ``ijw:`` /
``iwmo:``. Dates are ISO (``2026-04-01``), times ``HH:MM:SS``; integers are written without
leading zeros.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import TYPE_CHECKING, Any

from lxml import etree

from berichten.release import get_release

if TYPE_CHECKING:
    from berichten.models.base import XmlModel
    from berichten.models.shared import Bericht

# The models (pydantic) load on first use, so that ``import berichten`` stays cheap.

_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\r\n'


def to_xml(bericht: Bericht) -> bytes:
    """Serialize a message model; the result is schema-valid when the model is."""
    mt = bericht.message_type()
    rel = get_release(mt.standaard, mt.release)
    namespaces = (mt.namespace, rel.basis_namespace)
    root = etree.Element(f"{{{mt.namespace}}}Bericht", nsmap={rel.basis_prefix: rel.basis_namespace, mt.prefix: mt.namespace})
    _fill(root, bericht, namespaces)
    etree.indent(root, space="\t")
    body = etree.tostring(root, encoding="UTF-8", xml_declaration=False)
    # Text may contain line breaks (Commentaar); a parser reads CR/LF back as LF, so this
    # normalisation keeps the content while giving every line the required ending.
    return _DECLARATION + body.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n") + b"\r\n"


def _fill(parent: etree._Element, model: XmlModel, namespaces: tuple[str, str]) -> None:
    from berichten.models.base import xml_fields

    ns = namespaces[1] if model.children_in_basis else namespaces[0]
    for f in xml_fields(type(model)):
        value = getattr(model, f.name)
        if value is None:
            continue
        if f.many:
            if f.item is not None:
                holder = etree.SubElement(parent, f"{{{ns}}}{f.tag}")
                tag = f"{{{ns}}}{f.item}"
            else:
                holder, tag = parent, f"{{{ns}}}{f.tag}"
            for item in value:
                _element(holder, tag, item, namespaces)
        else:
            _element(parent, f"{{{ns}}}{f.tag}", value, namespaces)


def _element(parent: etree._Element, tag: str, value: Any, namespaces: tuple[str, str]) -> None:
    el = etree.SubElement(parent, tag)
    if hasattr(value, "children_in_basis"):  # an XmlModel
        _fill(el, value, namespaces)
    else:
        el.text = text_value(value)


def text_value(value: Any) -> str:
    """The lexical form of a simple value in a message."""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat() if value.microsecond else value.strftime("%H:%M:%S")
    if isinstance(value, bool):  # never in these schemas; refuse rather than write True/False
        raise TypeError("bool is not a message value")
    return str(value)
