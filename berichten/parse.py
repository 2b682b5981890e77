"""Message bytes -> model, in one pass over the tree ``read_document`` made.

``parse`` expects schema-shaped input (callers validate first); it still never lets an lxml or
pydantic exception through: anything it cannot map becomes a ``ParseError`` with level-1
findings that name the element (``/Bericht/Client/ToegewezenProducten/ToegewezenProduct[2]/...``).

Leading zeros in integers (``<ToewijzingNummer>0300201</ToewijzingNummer>``) are valid XSD and
read as the number; ``to_xml`` writes ``300201``. A round trip therefore keeps the model, not
the bytes. Whitespace around integers, dates and times is ignored as the XSD does (collapse);
strings and codes are taken exactly as written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lxml import etree

from berichten.errors import ParseError
from berichten.findings import Finding
from berichten.release import MessageType, get_release
from berichten.xmlinput import XML_DOCTYPE, Document, InputPolicy, read_document
from berichten.xpath import element_path

if TYPE_CHECKING:
    from berichten.models.base import XmlField, XmlModel
    from berichten.models.meldingen import Probleem
    from berichten.models.shared import Bericht

# The models (pydantic) load on first use, so that ``import berichten`` stays cheap.

# Our codes for messages that are well-formed iStandaarden XML but cannot become a model.
PARSE_INHOUD = "PRS001"  # an element is missing, unexpected or holds a value the model rejects
PARSE_BERICHTCODE = "PRS002"  # BerichtCode does not agree with the root namespace

_STRIPPED = ("int", "date", "time")  # XSD collapses whitespace for these; strings keep it


def parse(data: bytes, policy: InputPolicy = InputPolicy()) -> Bericht:
    """Read any of the fourteen messages 301-325 of iJw or iWmo 3.2 into its model.

    Raises ``ParseError`` when the bytes are not XML, carry a DOCTYPE, are not a supported
    message, or do not fit the model. File-level remarks that do not affect the content (BOM,
    LF line endings, encoding declaration) are the validator's business and do not stop parsing.
    """
    return parse_document(read_document(data, policy))


def parse_document(doc: Document) -> Bericht:
    """Build the model from a document already read by ``read_document`` (no second parse)."""
    from pydantic import ValidationError

    from berichten.models import message_class
    from berichten.models.meldingen import problemen

    has_doctype = any(f.code == XML_DOCTYPE for f in doc.findings)
    if doc.root is None or doc.message is None or doc.has_entities or has_doctype:
        findings = [f for f in doc.findings if f.is_error]
        melding = findings[0].melding if findings else "Het bericht kan niet worden gelezen."
        raise ParseError(melding, findings)
    mt = doc.message
    try:
        cls = message_class(mt.standaard, mt.nummer, mt.release)
    except KeyError:
        raise ParseError(*_one(PARSE_INHOUD, f"Bericht {mt.nummer} van {mt.standaard} {mt.release} heeft geen model.", doc.root)) from None
    root = doc.root
    if etree.QName(root).localname != "Bericht":
        raise ParseError(*_one(PARSE_INHOUD, f"Het rootelement heet {etree.QName(root).localname}, niet Bericht.", root))
    _check_berichtcode(root, mt)
    mapper = _Mapper(mt)
    data = mapper.model_dict(root, cls)
    findings = list(mapper.problems)
    try:
        bericht = cls.model_validate(data)
    except ValidationError as exc:
        findings += [_finding(p, root, mt) for p in problemen(cls, exc)]
    if findings:
        more = f" (en nog {len(findings) - 1} andere)" if len(findings) > 1 else ""
        raise ParseError(findings[0].melding + more, findings)
    return bericht


def _one(code: str, melding: str, element: etree._Element) -> tuple[str, list[Finding]]:
    return melding, [Finding(code, 1, "error", melding, locatie=element_path(element))]


def _check_berichtcode(root: etree._Element, mt: MessageType) -> None:
    found = root.findtext(f"{{{mt.namespace}}}Header/{{{mt.namespace}}}BerichtCode")
    if found is not None and found.strip() != mt.berichtcode:
        header = root.find(f"{{{mt.namespace}}}Header/{{{mt.namespace}}}BerichtCode")
        raise ParseError(
            *_one(
                PARSE_BERICHTCODE,
                f"BerichtCode {found.strip()} past niet bij de namespace van {mt.standaard} {mt.nummer}"
                f" (verwacht {mt.berichtcode}).",
                header if header is not None else root,
            )
        )


class _Mapper:
    """Tree -> plain dict keyed by XSD names, driven by the model's field list."""

    def __init__(self, mt: MessageType) -> None:
        rel = get_release(mt.standaard, mt.release)
        self.namespaces = (mt.namespace, rel.basis_namespace)
        self.problems: list[Finding] = []

    def model_dict(self, el: etree._Element, cls: type[XmlModel]) -> dict[str, Any]:
        from berichten.models.base import xml_fields

        ns = self.namespaces[1] if cls.children_in_basis else self.namespaces[0]
        children: dict[str, list[etree._Element]] = {}
        for child in el:
            if not isinstance(child.tag, str):
                continue  # comments and processing instructions carry no data
            children.setdefault(child.tag, []).append(child)
        out: dict[str, Any] = {}
        for f in xml_fields(cls):
            found = children.pop(f"{{{ns}}}{f.tag}", [])
            if not found:
                continue  # a missing mandatory element is reported by validation, with its path
            if f.many and f.item is None:
                out[f.tag] = [self.value(c, f) for c in found]
                continue
            if len(found) > 1:
                self._problem(found[1], f"Element {f.tag} komt meer dan eens voor.")
            if f.many:
                out[f.tag] = self.items(found[0], f, ns)
            else:
                out[f.tag] = self.value(found[0], f)
        for extra in children.values():
            self._problem(extra[0], f"Onverwacht element {etree.QName(extra[0]).localname}.")
        return out

    def items(self, wrapper: etree._Element, f: XmlField, ns: str) -> list[Any]:
        tag = f"{{{ns}}}{f.item}"
        result = []
        for child in wrapper:
            if not isinstance(child.tag, str):
                continue
            if child.tag != tag:
                self._problem(child, f"Onverwacht element {etree.QName(child).localname} in {f.tag}.")
                continue
            result.append(self.value(child, f))
        return result

    def value(self, el: etree._Element, f: XmlField) -> Any:
        if f.model is not None:
            return self.model_dict(el, f.model)
        if any(isinstance(c.tag, str) for c in el):
            self._problem(el, f"Element {f.tag} hoort alleen tekst te bevatten.")
        # A comment inside a value splits its text; the value is the text around it.
        text = (el.text or "") + "".join(c.tail or "" for c in el)
        return text.strip() if f.leaf in _STRIPPED else text

    def _problem(self, el: etree._Element, melding: str) -> None:
        self.problems.append(Finding(PARSE_INHOUD, 1, "error", melding, locatie=element_path(el)))


def _finding(p: Probleem, root: etree._Element, mt: MessageType) -> Finding:
    """A validation problem as a finding located on the element (or where it should have been)."""
    rel = get_release(mt.standaard, mt.release)
    el: etree._Element | None = root
    parent_path = element_path(root)
    missing: str | None = None
    current_ns_basis = False
    pending: XmlField | None = None
    for stap in p.stappen:
        if el is None:
            break
        ns = rel.basis_namespace if current_ns_basis else mt.namespace
        if stap.index is not None and pending is not None:
            items = [c for c in el if isinstance(c.tag, str)]
            el = items[stap.index] if stap.index < len(items) else None
            current_ns_basis = bool(pending.model and pending.model.children_in_basis)
            pending = None
            continue
        if stap.field is None:
            break
        f = stap.field
        child = el.find(f"{{{ns}}}{f.tag}")
        if child is None:
            parent_path, missing, el = element_path(el), f.tag, None
            break
        el = child
        if f.many:
            pending = f
        else:
            current_ns_basis = bool(f.model and f.model.children_in_basis)
    if el is not None:
        locatie = element_path(el)
    else:
        locatie = f"{parent_path}/{missing}" if missing else parent_path
    name = locatie.rsplit("/", 1)[-1]
    melding = f"{name}: {p.tekst}" if p.stappen else p.tekst
    return Finding(PARSE_INHOUD, 1, "error", melding, locatie=locatie)
