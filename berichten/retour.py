"""Retour messages (302, 306, 308, 316, 318, 320) built from the lxml tree of the heen message and its findings.

How a retour is built (domain guide 1.5 and 4.2):

- level 1 failed (an error finding of niveau 1): no retour at all (``build_retour`` returns None);
- a level-2 error: the header only, with RetourCode 0001 and the XsltVersie used;
- level-3/4 errors: each finding is placed on the message class its ``locatie`` points into.
  Findings on the header give a header-only retour with their codes. Findings in the body (the
  Client; the Antwoord of a 319) give the header (0200 unless it has its own codes) plus the whole
  body, where every class carries its own RetourCodes: the codes of its findings, or 0200;
- no errors: the header only, without RetourCodes and without Client.

The header is copied from the heen message unchanged (Afzender and Ontvanger included) except for
the BerichtCode, and extended with IdentificatieRetour, DagtekeningRetour, XsltVersie,
XsdVersieRetour and RetourCodes. Output: UTF-8 without BOM, CR/LF, the samples' prefixes.
Warnings, info and regional findings never change a retour.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from lxml import etree

from berichten.findings import Finding
from berichten.release import RETOUR_VAN, MessageType, get_release

GEEN_OPMERKING = "0200"
TECHNISCH_AFGEKEURD = "0001"
XSLT_VERSIE = "2.10.5"  # the version the official rule XSLTs report (IV033)

# Per retour message, the classes that carry RetourCodes as their last child (the retour XSDs).
RETOUR_KLASSEN: dict[str, frozenset[str]] = {
    "302": frozenset({"Client", "Relatie", "Contact", "ToegewezenProduct"}),
    "306": frozenset({"Client", "StartProduct"}),
    "308": frozenset({"Client", "StopProduct"}),
    "316": frozenset({"Client", "AangevraagdProduct"}),
    "318": frozenset({"Client", "Verzoek", "OngewijzigdProduct", "TeWijzigenProduct", "NieuwProduct"}),
    "320": frozenset({"Antwoord", "Woonplaatsbeginsel"}),  # the 319's XSLT rules: TR377, TR409 (iJw)
}

_STEP = re.compile(r"^(?P<name>[A-Za-z_][\w.-]*)(?:\[(?P<pos>[1-9]\d*)\])?$")
_IDENTIFICATIE = re.compile(r".*\S.*")

Element = etree._Element


@dataclass(frozen=True)
class Beoordeling:
    """The verdict as the retour expresses it."""

    header_codes: tuple[str, ...]  # empty: fully approved
    class_codes: dict[Element, tuple[str, ...]] | None  # heen class -> its codes; None: no body in the retour
    xslt_versie: str | None  # filled only when the XSLT level (2) rejected the message


def retour_message(heen: MessageType) -> MessageType:
    """The retour type of a heen message (301 -> 302, ...). KeyError for messages we cannot answer."""
    nummer = RETOUR_VAN.get(heen.nummer)
    if nummer is None or nummer not in RETOUR_KLASSEN:
        raise KeyError(f"bericht {heen.nummer} krijgt geen retourbericht dat berichten kan opbouwen")
    return get_release(heen.standaard, heen.release).message(nummer)


def resolve_locatie(root: Element, locatie: str | None) -> Element | None:
    """The element a finding's ``locatie`` names (``/Bericht/Client/StartProduct[2]/...``), or None."""
    if not locatie or not locatie.startswith("/"):
        return None
    steps = locatie.strip("/").split("/")
    node = root
    for i, step in enumerate(steps):
        m = _STEP.match(step)
        if m is None:
            return None
        pos = int(m["pos"] or 1)
        if i == 0:
            if etree.QName(node).localname != m["name"] or pos != 1:
                return None
            continue
        same = [c for c in node if isinstance(c.tag, str) and etree.QName(c).localname == m["name"]]
        if len(same) < pos:
            return None
        node = same[pos - 1]
    return node


def _body(root: Element, mns: str) -> Element | None:
    """The message's body after the Header: the Client, or the Antwoord of a 319."""
    return next((c for c in root if isinstance(c.tag, str) and c.tag != f"{{{mns}}}Header"), None)


def _klasse_van(el: Element | None, klassen: frozenset[str], mns: str) -> Element | None:
    """The nearest message class at or above ``el``; None when it lies outside the body."""
    while el is not None:
        qn = etree.QName(el)
        if qn.namespace == mns and qn.localname in klassen:
            return el
        el = el.getparent()
    return None


def _add(codes: dict, key: object, code: str) -> None:
    bucket = codes.setdefault(key, [])
    if code not in bucket:
        bucket.append(code)


def beoordeel(
    root: Element, message: MessageType, findings: Iterable[Finding], xslt_versie: str = XSLT_VERSIE
) -> Beoordeling | None:
    """What the retour must say about this heen message; None when level 1 failed (no retour)."""
    errors = [f for f in findings if f.is_error and f.niveau in (1, 2, 3, 4)]
    if any(f.niveau == 1 for f in errors):
        return None
    if any(f.niveau == 2 for f in errors):
        return Beoordeling((TECHNISCH_AFGEKEURD,), None, xslt_versie)
    if not errors:
        return Beoordeling((), None, None)

    klassen = RETOUR_KLASSEN[retour_message(message).nummer]
    header: dict[object, list[str]] = {}
    per_klasse: dict[object, list[str]] = {}
    for f in errors:
        if not f.retourcode:
            raise ValueError(f"bevinding {f.code} (niveau {f.niveau}) heeft geen retourcode")
        klasse = _klasse_van(resolve_locatie(root, f.locatie), klassen, message.namespace)
        if klasse is None:  # the header, the root, or a location we cannot place: the whole message
            _add(header, None, f.retourcode)
        else:
            _add(per_klasse, klasse, f.retourcode)
    header_codes = tuple(header.get(None, ()))
    if not per_klasse:
        return Beoordeling(header_codes, None, None)
    body = _body(root, message.namespace)
    all_classes = [el for el in body.iter(etree.Element) if _klasse_van(el, klassen, message.namespace) is el]
    class_codes = {el: tuple(per_klasse.get(el, (GEEN_OPMERKING,))) for el in all_classes}
    return Beoordeling(header_codes or (GEEN_OPMERKING,), class_codes, None)


def build_retour(
    root: Element,
    message: MessageType,
    findings: Iterable[Finding],
    *,
    identificatie_retour: str,
    dagtekening_retour: date,
    xslt_versie: str = XSLT_VERSIE,
    xsd_versie_retour: tuple[str, str] | None = None,
) -> bytes | None:
    """The retour message as bytes, or None when the heen message failed level 1.

    ``root`` is the heen message as parsed (it is not changed). ``xsd_versie_retour`` is
    (BasisschemaXsdVersie, BerichtXsdVersie); by default the versions of the release registry.
    """
    if not 1 <= len(identificatie_retour) <= 12 or not _IDENTIFICATIE.fullmatch(identificatie_retour):
        raise ValueError("IdentificatieRetour moet 1 tot 12 tekens lang zijn en niet leeg")
    beoordeling = beoordeel(root, message, findings, xslt_versie)
    if beoordeling is None:
        return None
    retour = retour_message(message)
    release = get_release(message.standaard, message.release)
    versies = xsd_versie_retour or (release.basisschema_xsd_versie, release.bericht_xsd_versie)
    return serialize(_retour_tree(root, message, retour, beoordeling, identificatie_retour,
                                  dagtekening_retour, versies, release.basis_prefix, release.basis_namespace))


def _retour_tree(
    root: Element,
    heen: MessageType,
    retour: MessageType,
    beoordeling: Beoordeling,
    identificatie: str,
    dagtekening: date,
    versies: tuple[str, str],
    basis_prefix: str,
    bns: str,
) -> Element:
    rns = retour.namespace

    def r(name: str) -> str:
        return f"{{{rns}}}{name}"

    def b(name: str) -> str:
        return f"{{{bns}}}{name}"

    def retourcodes(parent: Element, codes: Iterable[str]) -> None:
        box = etree.SubElement(parent, r("RetourCodes"))
        for code in codes:
            etree.SubElement(box, r("RetourCode")).text = code

    def copy(el: Element) -> Element:
        qn = etree.QName(el)
        new = etree.Element(r(qn.localname) if qn.namespace == heen.namespace else el.tag)
        children = [c for c in el if isinstance(c.tag, str)]  # comments and PIs are not copied
        if children:
            for c in children:
                new.append(copy(c))
        else:
            new.text = el.text
        if beoordeling.class_codes is not None and el in beoordeling.class_codes:
            retourcodes(new, beoordeling.class_codes[el])
        return new

    out = etree.Element(r("Bericht"), nsmap={retour.prefix: rns, basis_prefix: bns})
    header = etree.SubElement(out, r("Header"))
    for child in root.find(f"{{{heen.namespace}}}Header"):
        if not isinstance(child.tag, str):
            continue
        new = copy(child)
        if etree.QName(child).localname == "BerichtCode":
            new.text = retour.berichtcode
        header.append(new)
    etree.SubElement(header, r("IdentificatieRetour")).text = identificatie
    etree.SubElement(header, r("DagtekeningRetour")).text = dagtekening.isoformat()
    if beoordeling.xslt_versie:
        etree.SubElement(header, r("XsltVersie")).text = beoordeling.xslt_versie
    xsd = etree.SubElement(header, r("XsdVersieRetour"))
    etree.SubElement(xsd, b("BasisschemaXsdVersie")).text = versies[0]
    etree.SubElement(xsd, b("BerichtXsdVersie")).text = versies[1]
    if beoordeling.header_codes:
        retourcodes(header, beoordeling.header_codes)
    if beoordeling.class_codes is not None:
        out.append(copy(_body(root, heen.namespace)))
    return out


def serialize(root: Element) -> bytes:
    """UTF-8 without BOM, one element per line indented with tabs, CR/LF line endings (OP192)."""
    etree.indent(root, space="\t")
    body = etree.tostring(root, encoding="UTF-8", xml_declaration=False)
    # lxml escapes a carriage return inside text as &#13;, so every raw LF here is a line end.
    return (b'<?xml version="1.0" encoding="UTF-8"?>\n' + body + b"\n").replace(b"\n", b"\r\n")
