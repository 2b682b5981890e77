"""berichten: parse, generate and validate iJw 3.2 and iWmo 3.2 messages.

    from berichten import parse, to_xml, generate

    bericht = parse(data)            # bytes -> Jw301, Wmo305, ... (a Bericht)
    data = to_xml(bericht)           # model -> UTF-8 bytes with CR/LF, the samples' prefixes
    data = generate(json_text)       # JSON description -> message bytes (docs/generate.md)

Importing this package is cheap: the models (pydantic) load on first use of a name that needs
them.
"""

from __future__ import annotations

import importlib
import os

# One import root. In a source checkout the design card's folders (validators/, store/, inbox/,
# report/, web/, xsd/, fixtures/ and cli.py) sit beside this package; the wheel puts them inside
# it (setup.py). Searching the checkout root as part of this package makes ``berichten.validators``
# and the package data resolve the same way in both (docs/decisions.md, "One import root").
_CHECKOUT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if os.path.isfile(os.path.join(_CHECKOUT, "cli.py")) and os.path.isdir(os.path.join(_CHECKOUT, "validators")):
    __path__.append(_CHECKOUT)
from typing import TYPE_CHECKING, Any

from berichten.errors import BerichtenError, GenerateError, ParseError
from berichten.findings import Finding

# These modules keep pydantic out of their top-level imports. Importing the functions here (and
# not lazily) also makes sure ``berichten.parse`` is the function, not the submodule of that name.
from berichten.generate import generate, json_schema
from berichten.parse import parse
from berichten.serialize import to_xml

if TYPE_CHECKING:
    from berichten.models import (
        Bericht,
        Jw301,
        Jw302,
        Jw305,
        Jw306,
        Jw307,
        Jw308,
        Jw315,
        Jw316,
        Jw317,
        Jw318,
        Jw319,
        Jw320,
        Jw323,
        Jw325,
        Wmo301,
        Wmo302,
        Wmo305,
        Wmo306,
        Wmo307,
        Wmo308,
        Wmo315,
        Wmo316,
        Wmo317,
        Wmo318,
        Wmo319,
        Wmo320,
        Wmo323,
        Wmo325,
        message_class,
    )

_MESSAGES = ("Jw301", "Jw302", "Jw305", "Jw306", "Jw307", "Jw308", "Jw315", "Jw316",
             "Jw317", "Jw318", "Jw319", "Jw320", "Jw323", "Jw325",
             "Wmo301", "Wmo302", "Wmo305", "Wmo306", "Wmo307", "Wmo308", "Wmo315", "Wmo316",
             "Wmo317", "Wmo318", "Wmo319", "Wmo320", "Wmo323", "Wmo325")

# name -> module that defines it; loaded on first access (PEP 562).
_LAZY: dict[str, str] = {
    "Bericht": "berichten.models",
    "message_class": "berichten.models",
    **{name: "berichten.models" for name in _MESSAGES},
}

__all__ = [
    "Bericht",
    "BerichtenError",
    "Finding",
    "GenerateError",
    "ParseError",
    "generate",
    "json_schema",
    "message_class",
    "parse",
    "to_xml",
    *_MESSAGES,
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'berichten' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
