"""Pydantic v2 models of the iJw 3.2 and iWmo 3.2 messages 301-325 (all fourteen).

One class per message and standard (``Jw301``, ``Wmo301``, ...), all subclasses of ``Bericht``.
Fields are snake_case with the XSD element name as alias; their order is the XSD sequence.
"""

from __future__ import annotations

from berichten.models.base import BasisType, Element, XmlField, XmlModel, xml_fields, xml_name
from berichten.models import ijw, iwmo
from berichten.models.ijw import (
    Jw301, Jw302, Jw305, Jw306, Jw307, Jw308, Jw315, Jw316, Jw317, Jw318, Jw319, Jw320, Jw323, Jw325,
)
from berichten.models.iwmo import (
    Wmo301, Wmo302, Wmo305, Wmo306, Wmo307, Wmo308, Wmo315, Wmo316, Wmo317, Wmo318, Wmo319, Wmo320, Wmo323, Wmo325,
)
from berichten.models.shared import Bericht
from berichten.release import DEFAULT_RELEASE

MESSAGE_CLASSES: dict[tuple[str, str, str], type[Bericht]] = {
    (cls.standaard, cls.release, cls.nummer): cls
    for cls in (*ijw.MESSAGES, *iwmo.MESSAGES)
}


def message_class(standaard: str, nummer: str, release: str = DEFAULT_RELEASE) -> type[Bericht]:
    """The model class of a message; KeyError (with a Dutch message) when we have none."""
    try:
        return MESSAGE_CLASSES[(standaard, release, nummer)]
    except KeyError:
        raise KeyError(f"geen model voor {standaard} {release} bericht {nummer}") from None


__all__ = [
    "BasisType",
    "Bericht",
    "Element",
    "MESSAGE_CLASSES",
    "XmlField",
    "XmlModel",
    "message_class",
    "xml_fields",
    "xml_name",
    "Jw301", "Jw302", "Jw305", "Jw306", "Jw307", "Jw308", "Jw315", "Jw316",
    "Jw317", "Jw318", "Jw319", "Jw320", "Jw323", "Jw325",
    "Wmo301", "Wmo302", "Wmo305", "Wmo306", "Wmo307", "Wmo308", "Wmo315", "Wmo316",
    "Wmo317", "Wmo318", "Wmo319", "Wmo320", "Wmo323", "Wmo325",
]
