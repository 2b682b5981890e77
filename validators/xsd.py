"""Level 1: the message against its XSD.

Schemas are compiled once per process and per folder (``SchemaSet`` caches them); by default the
folder is our own ``xsd/``, and ``--xsd-dir`` points at an official download instead.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

from lxml import etree

from berichten.findings import Finding
from berichten.release import MessageType
from berichten.privacy import mask_bsn
from berichten.resources import data_path
from berichten.xpath import element_path

_CLARK = re.compile(r"\{[^}]*\}(?P<local>[A-Za-z_][\w.-]*)")
_QUOTED_VALUE = re.compile(r"'([^']*)'(?= is not| voldoet| is geen)")

XSD_FOUT = "XSD001"
XSD_ONBRUIKBAAR = "XSD002"

# Our schemas are package data: berichten.xsd/<standaard>-<release>/ (berichten/resources.py).
DEFAULT_XSD_DIR = Path(os.environ.get("BERICHTEN_XSD_DIR") or data_path("berichten.xsd"))

_MAX_ERRORS = 50  # a broken message can produce thousands of errors; the first ones explain it


class SchemaNotFound(LookupError):
    pass


class SchemaSet:
    """Compiled schemas of one folder, one per message type, compiled on first use."""

    def __init__(self, root: str | os.PathLike[str] = DEFAULT_XSD_DIR) -> None:
        self.root = Path(root)
        if not self.root.is_dir():
            raise SchemaNotFound(f"XSD-map {self.root} bestaat niet")
        self._compiled: dict[str, etree.XMLSchema] = {}
        self._lock = threading.Lock()

    def schema_path(self, message: MessageType) -> Path:
        """Find the schema file; accepts ``DIR/<std>-<rel>/xsd/``, ``DIR/<std>-<rel>/`` or DIR itself."""
        folder = f"{message.standaard}-{message.release}"
        for candidate in (self.root / folder / "xsd", self.root / folder, self.root):
            path = candidate / message.schema_file
            if path.is_file():
                return path
        raise SchemaNotFound(f"geen {message.schema_file} gevonden onder {self.root}")

    def schema(self, message: MessageType) -> etree.XMLSchema:
        key = message.key
        compiled = self._compiled.get(key)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(key)
                if compiled is None:
                    path = self.schema_path(message)
                    parser = etree.XMLParser(resolve_entities=False, no_network=True)
                    compiled = etree.XMLSchema(etree.parse(str(path), parser))
                    self._compiled[key] = compiled
        return compiled

    def validate(self, root: etree._Element, message: MessageType) -> list[Finding]:
        """XSD findings for a parsed message; an empty list means schema-valid."""
        try:
            schema = self.schema(message)
        except (SchemaNotFound, etree.XMLSchemaParseError, OSError) as exc:
            return [Finding(XSD_ONBRUIKBAAR, 1, "error", f"Schema voor bericht {message.nummer} niet bruikbaar: {exc}")]
        try:
            if schema.validate(root):
                return []
        except etree.XMLSchemaValidateError:
            return [
                Finding(
                    XSD_FOUT,
                    1,
                    "error",
                    "Het bericht kan niet tegen het XSD worden gecontroleerd (onopgeloste entiteiten).",
                    locatie=element_path(root),
                )
            ]
        return [self._finding(root, entry) for entry in list(schema.error_log)[:_MAX_ERRORS]]

    def _finding(self, root: etree._Element, entry: etree._LogEntry) -> Finding:
        element = _element_at(root, entry.path)
        locatie = element_path(element) if element is not None else None
        text = _CLARK.sub(lambda m: m["local"], entry.message)
        if element is not None and etree.QName(element).localname == "Bsn":
            text = _QUOTED_VALUE.sub(lambda m: "'" + mask_bsn(m[1]) + "'", text)  # no BSN in any output
        return Finding(XSD_FOUT, 1, "error", f"Regel {entry.line}: {_dutch(text)}", locatie=locatie)


def _element_at(root: etree._Element, path: str | None) -> etree._Element | None:
    """libxml2 names the failing node with an XPath that uses the document's own prefixes."""
    if not path:
        return None
    nsmap = {p: ns for el in root.iter(etree.Element) for p, ns in el.nsmap.items() if p}
    try:
        found = root.getroottree().xpath(path, namespaces=nsmap)
    except etree.XPathError:
        return None
    return found[0] if found and isinstance(found[0], etree._Element) else None


_PHRASES = (
    ("This element is not expected. Expected is one of", "Dit element wordt hier niet verwacht; verwacht één van"),
    ("This element is not expected. Expected is", "Dit element wordt hier niet verwacht; verwacht"),
    ("This element is not expected.", "Dit element wordt hier niet verwacht."),
    ("Missing child element(s). Expected is one of", "Verplicht kindelement ontbreekt; verwacht één van"),
    ("Missing child element(s). Expected is", "Verplicht kindelement ontbreekt; verwacht"),
    ("is not a valid value of the atomic type", "is geen geldige waarde van het type"),
    ("is not a valid value of the local atomic type", "is geen geldige waarde van het lokale type"),
    ("is not accepted by the pattern", "voldoet niet aan het patroon"),
    ("is not an element of the set", "komt niet voor in de lijst"),
    ("has a length of", "heeft lengte"),
    ("this exceeds the allowed maximum length of", "meer dan de toegestane maximumlengte"),
    ("this underruns the allowed minimum length of", "minder dan de toegestane minimumlengte"),
    ("No matching global declaration available for the validation root.", "Geen passende declaratie voor het rootelement."),
    ("[facet 'pattern']", "[patroon]"),
    ("[facet 'enumeration']", "[codelijst]"),
    ("[facet 'maxLength']", "[maximale lengte]"),
    ("[facet 'minLength']", "[minimale lengte]"),
    ("[facet 'maxInclusive']", "[maximum]"),
    ("[facet 'minInclusive']", "[minimum]"),
    ("The value", "De waarde"),
)


def _dutch(message: str) -> str:
    """libxml2 speaks English; users read Dutch. Element names and values stay as they are."""
    for english, dutch in _PHRASES:
        message = message.replace(english, dutch)
    return message
