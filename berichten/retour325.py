"""The 325 declaratie-antwoord, built from the lxml tree of a 323 declaratie and its findings.

The 325 is the one answer that is not a copy of its heen message (domain guide 2.6 and 3.10,
docs/declaraties.md). Its header is the gemeente's own message header (Afzender and Ontvanger are
those of the 323 swapped, its own BerichtIdentificatie and XsdVersie), extended with the 323's
BerichtIdentificatie as DeclaratieIdentificatie, the 323's XsdVersie as XsdVersieDeclaratie, the
XsltVersie when level 2 rejected, and always RetourCodes. What follows depends on the outcome:

- level 1 failed: no 325 at all (``build_declaratie_antwoord`` returns None);
- a level-2 error: the header only, RetourCode 0001 and XsltVersie;
- a level-3/4 error on the header (or on a location we cannot place): the header only, its codes;
- an error on the Declaratie class: header 0200, DeclaratieAntwoord with the codes and
  TotaalToegekendBedrag 0, no Clienten (the declaration counts as not received);
- errors below it: header 0200, DeclaratieAntwoord 0200 with TotaalToegekendBedrag = the approved
  Prestaties (debet minus credit), and under Clienten only the Clients with a rejected Prestatie
  (Client 0200) or with an error of their own (the Client's codes, 0233 on all its Prestaties);
  only rejected Prestaties are listed, as copies of the 323's with their codes;
- no errors: header 0200, DeclaratieAntwoord 8001, both totals the 323's TotaalIngediendBedrag.

A finding is placed by its ``locatie`` on the nearest class at or above it (Prestatie, Client,
Declaratie, else the header), so level-3 and level-4 findings of any rule work without knowing the
rule. Warnings, info and regional findings never change the answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from lxml import etree

from berichten.findings import Finding
from berichten.release import MessageType, get_release
from berichten.retour import GEEN_OPMERKING, TECHNISCH_AFGEKEURD, XSLT_VERSIE, serialize

Element = etree._Element

# The heen message answered by a declaratie-antwoord, and that answer.
ANTWOORD_OP: dict[str, str] = {"323": "325"}
VOLLEDIG_TOEGEWEZEN = "8001"  # the whole declaration is approved
NIET_BEOORDEELD = "0233"  # the class was not assessed (a Prestatie below a rejected Client)

# The 323 classes a finding can land on, innermost first.
_KLASSEN = ("Prestatie", "Client", "Declaratie")
_STEP = re.compile(r"^(?P<name>[A-Za-z_][\w.-]*)(?:\[(?P<pos>[1-9]\d*)\])?$")


@dataclass(frozen=True)
class Antwoord:
    """The verdict as the 325 expresses it."""

    header_codes: tuple[str, ...]
    xslt_versie: str | None = None
    antwoord_codes: tuple[str, ...] | None = None  # None: header only, no DeclaratieAntwoord
    toegekend: int | None = None  # signed eurocent; None: copy the 323's TotaalIngediendBedrag
    clienten: dict[Element, tuple[str, ...]] = field(default_factory=dict)  # listed 323 Clients -> codes
    prestaties: dict[Element, tuple[str, ...]] = field(default_factory=dict)  # listed Prestaties -> codes


def is_declaratie(message: MessageType) -> bool:
    return message.nummer in ANTWOORD_OP


def antwoord_message(heen: MessageType) -> MessageType:
    """The 325 of the same standard and release as the 323; KeyError for any other message."""
    nummer = ANTWOORD_OP.get(heen.nummer)
    if nummer is None:
        raise KeyError(f"bericht {heen.nummer} is geen declaratie")
    return get_release(heen.standaard, heen.release).message(nummer)


def _local(el: Element) -> str:
    return etree.QName(el).localname


class _Locaties:
    """Finds the element a ``locatie`` names, as ``berichten.retour.resolve_locatie`` does, but lists
    the children of each parent once: a declaration with thousands of Prestaties can come with a
    finding on each of them, and counting the siblings again for every one would be quadratic."""

    def __init__(self, root: Element):
        self.root = root
        self._by_name: dict[Element, dict[str, list[Element]]] = {}  # parent -> local name -> children

    def _same_named(self, parent: Element, name: str) -> list[Element]:
        by_name = self._by_name.get(parent)
        if by_name is None:
            by_name = self._by_name[parent] = {}
            for c in parent.iterchildren(etree.Element):
                by_name.setdefault(etree.QName(c).localname, []).append(c)
        return by_name.get(name, [])

    def __call__(self, locatie: str | None) -> Element | None:
        if not locatie or not locatie.startswith("/"):
            return None
        node = self.root
        for i, step in enumerate(locatie.strip("/").split("/")):
            m = _STEP.match(step)
            if m is None:
                return None
            pos = int(m["pos"] or 1)
            if i == 0:
                if _local(node) != m["name"] or pos != 1:
                    return None
                continue
            same = self._same_named(node, m["name"])
            if len(same) < pos:
                return None
            node = same[pos - 1]
        return node


def _klasse(el: Element | None, mns: str) -> Element | None:
    """The nearest Prestatie, Client or Declaratie at or above ``el``; None for the header or root."""
    while el is not None:
        qn = etree.QName(el)
        if qn.namespace == mns and qn.localname in _KLASSEN:
            return el
        el = el.getparent()
    return None


def _add(codes: dict[Element | None, list[str]], key: Element | None, code: str) -> None:
    bucket = codes.setdefault(key, [])
    if code not in bucket:
        bucket.append(code)


def _children(el: Element, name: str, mns: str) -> list[Element]:
    return list(el.iterchildren(f"{{{mns}}}{name}"))


def _prestaties(client: Element, mns: str) -> list[Element]:
    return [p for box in _children(client, "Prestaties", mns) for p in _children(box, "Prestatie", mns)]


def signed_bedrag(el: Element) -> int:
    """An amount with DebetCredit (IngediendBedrag, TotaalIngediendBedrag) as signed eurocent."""
    value = int(next(c.text for c in el if isinstance(c.tag, str) and _local(c) in ("Bedrag", "TotaalBedrag")))
    credit = any(isinstance(c.tag, str) and _local(c) == "DebetCredit" and c.text == "C" for c in el)
    return -value if credit else value


def beoordeel_declaratie(
    root: Element, message: MessageType, findings: Iterable[Finding], xslt_versie: str = XSLT_VERSIE
) -> Antwoord | None:
    """What the 325 must say about this 323; None when level 1 failed (no answer is sent)."""
    errors = [f for f in findings if f.is_error and f.niveau in (1, 2, 3, 4)]
    if any(f.niveau == 1 for f in errors):
        return None
    if any(f.niveau == 2 for f in errors):
        return Antwoord((TECHNISCH_AFGEKEURD,), xslt_versie=xslt_versie)
    if not errors:
        return Antwoord((GEEN_OPMERKING,), antwoord_codes=(VOLLEDIG_TOEGEWEZEN,))

    mns = message.namespace
    locaties = _Locaties(root)
    per_klasse: dict[Element | None, list[str]] = {}
    for f in errors:
        if not f.retourcode:
            raise ValueError(f"bevinding {f.code} (niveau {f.niveau}) heeft geen retourcode")
        _add(per_klasse, _klasse(locaties(f.locatie), mns), f.retourcode)
    if None in per_klasse:  # the header, the root, or a place we cannot find: the whole message
        return Antwoord(tuple(per_klasse[None]))
    declaratie = next(root.iterchildren(f"{{{mns}}}Declaratie"))
    if declaratie in per_klasse:
        return Antwoord((GEEN_OPMERKING,), antwoord_codes=tuple(per_klasse[declaratie]), toegekend=0)

    clienten: dict[Element, tuple[str, ...]] = {}
    prestaties: dict[Element, tuple[str, ...]] = {}
    toegekend = 0
    for box in _children(declaratie, "Clienten", mns):
        for client in _children(box, "Client", mns):
            eigen = per_klasse.get(client)
            for prestatie in _prestaties(client, mns):
                codes = (NIET_BEOORDEELD,) if eigen else tuple(per_klasse.get(prestatie, ()))
                if codes:
                    prestaties[prestatie] = codes
                else:
                    toegekend += signed_bedrag(prestatie.find(f"{{{mns}}}IngediendBedrag"))
            if eigen or any(p in prestaties for p in _prestaties(client, mns)):
                clienten[client] = tuple(eigen or (GEEN_OPMERKING,))
    return Antwoord((GEEN_OPMERKING,), antwoord_codes=(GEEN_OPMERKING,), toegekend=toegekend,
                    clienten=clienten, prestaties=prestaties)


def build_declaratie_antwoord(
    root: Element,
    message: MessageType,
    findings: Iterable[Finding],
    *,
    identificatie_retour: str,
    dagtekening_retour: date,
    xslt_versie: str = XSLT_VERSIE,
    xsd_versie_retour: tuple[str, str] | None = None,
) -> bytes | None:
    """The 325 as bytes, or None when the 323 failed level 1.

    The arguments mirror ``berichten.retour.build_retour``: ``identificatie_retour`` and
    ``dagtekening_retour`` become the 325's own BerichtIdentificatie, ``xsd_versie_retour``
    (BasisschemaXsdVersie, BerichtXsdVersie) its XsdVersie (default: the release registry's).
    ``root`` is the 323 as parsed; it is not changed.
    """
    if not 1 <= len(identificatie_retour) <= 12 or not identificatie_retour.strip():
        raise ValueError("de Identificatie van het 325-bericht moet 1 tot 12 tekens lang zijn en niet leeg")
    antwoord = beoordeel_declaratie(root, message, findings, xslt_versie)
    if antwoord is None:
        return None
    release = get_release(message.standaard, message.release)
    versies = xsd_versie_retour or (release.basisschema_xsd_versie, release.bericht_xsd_versie)
    tree = _Writer(root, message, antwoord_message(message), release.basis_prefix, release.basis_namespace)
    return serialize(tree.bericht(antwoord, identificatie_retour, dagtekening_retour, versies))


class _Writer:
    """Writes 325 elements: message-namespace names move to the 325's namespace, basisschema stays."""

    def __init__(self, root: Element, heen: MessageType, antwoord: MessageType, basis_prefix: str, bns: str):
        self.root, self.heen, self.antwoord = root, heen, antwoord
        self.basis_prefix, self.bns = basis_prefix, bns

    def r(self, name: str) -> str:
        return f"{{{self.antwoord.namespace}}}{name}"

    def b(self, name: str) -> str:
        return f"{{{self.bns}}}{name}"

    def heen_child(self, parent: Element, name: str) -> Element:
        return parent.find(f"{{{self.heen.namespace}}}{name}")

    def copy(self, el: Element, name: str | None = None) -> Element:
        """A copy of a 323 element (renamed to ``name`` when given); comments and PIs are left out."""
        qn = etree.QName(el)
        tag = self.r(name or qn.localname) if qn.namespace == self.heen.namespace else el.tag
        new = etree.Element(tag)
        children = [c for c in el if isinstance(c.tag, str)]
        for c in children:
            new.append(self.copy(c))
        if not children:
            new.text = el.text
        return new

    def retourcodes(self, parent: Element, codes: Iterable[str]) -> None:
        box = etree.SubElement(parent, self.r("RetourCodes"))
        for code in codes:
            etree.SubElement(box, self.r("RetourCode")).text = code

    def bedrag(self, parent: Element, name: str, signed: int) -> None:
        el = etree.SubElement(parent, self.r(name))
        etree.SubElement(el, self.b("TotaalBedrag")).text = str(abs(signed))
        etree.SubElement(el, self.b("DebetCredit")).text = "C" if signed < 0 else "D"  # zero is D (CS325)

    def bericht(self, antwoord: Antwoord, identificatie: str, dagtekening: date, versies: tuple[str, str]) -> Element:
        out = etree.Element(self.r("Bericht"), nsmap={self.antwoord.prefix: self.antwoord.namespace,
                                                      self.basis_prefix: self.bns})
        out.append(self.header(antwoord, identificatie, dagtekening, versies))
        if antwoord.antwoord_codes is not None:
            out.append(self.declaratie_antwoord(antwoord))
        return out

    def header(self, antwoord: Antwoord, identificatie: str, dagtekening: date, versies: tuple[str, str]) -> Element:
        heen = self.heen_child(self.root, "Header")
        header = etree.Element(self.r("Header"))
        etree.SubElement(header, self.r("BerichtCode")).text = self.antwoord.berichtcode
        for name in ("BerichtVersie", "BerichtSubversie"):
            header.append(self.copy(self.heen_child(heen, name)))
        # The gemeente sends the 325: the 323's Ontvanger is its Afzender and the other way round.
        header.append(self.copy(self.heen_child(heen, "Ontvanger"), "Afzender"))
        header.append(self.copy(self.heen_child(heen, "Afzender"), "Ontvanger"))
        eigen = etree.SubElement(header, self.r("BerichtIdentificatie"))
        etree.SubElement(eigen, self.b("Identificatie")).text = identificatie
        etree.SubElement(eigen, self.b("Dagtekening")).text = dagtekening.isoformat()
        xsd = etree.SubElement(header, self.r("XsdVersie"))
        etree.SubElement(xsd, self.b("BasisschemaXsdVersie")).text = versies[0]
        etree.SubElement(xsd, self.b("BerichtXsdVersie")).text = versies[1]
        header.append(self.copy(self.heen_child(heen, "BerichtIdentificatie"), "DeclaratieIdentificatie"))
        if antwoord.xslt_versie:
            etree.SubElement(header, self.r("XsltVersie")).text = antwoord.xslt_versie
        header.append(self.copy(self.heen_child(heen, "XsdVersie"), "XsdVersieDeclaratie"))
        self.retourcodes(header, antwoord.header_codes)
        return header

    def declaratie_antwoord(self, antwoord: Antwoord) -> Element:
        declaratie = self.heen_child(self.root, "Declaratie")
        out = etree.Element(self.r("DeclaratieAntwoord"))
        out.append(self.copy(self.heen_child(declaratie, "DeclaratieNummer")))
        ingediend = self.heen_child(declaratie, "TotaalIngediendBedrag")
        out.append(self.copy(ingediend))
        if antwoord.toegekend is None:
            out.append(self.copy(ingediend, "TotaalToegekendBedrag"))
        else:
            self.bedrag(out, "TotaalToegekendBedrag", antwoord.toegekend)
        if antwoord.clienten:
            box = etree.SubElement(out, self.r("Clienten"))
            for client, codes in antwoord.clienten.items():  # document order: dicts keep insertion order
                box.append(self.client(client, codes, antwoord.prestaties))
        self.retourcodes(out, antwoord.antwoord_codes or ())
        return out

    def client(self, client: Element, codes: tuple[str, ...], prestaties: dict[Element, tuple[str, ...]]) -> Element:
        out = etree.Element(self.r("Client"))
        out.append(self.copy(self.heen_child(client, "Bsn")))
        box = etree.SubElement(out, self.r("Prestaties"))
        for prestatie in _prestaties(client, self.heen.namespace):
            if prestatie in prestaties:
                new = self.copy(prestatie)
                self.retourcodes(new, prestaties[prestatie])
                box.append(new)
        self.retourcodes(out, codes)
        return out
