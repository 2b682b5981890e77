"""Seeded mutations of 301 messages (and a few retours) for the differential rule test.

Each operator changes a valid message so that one rule should fire (or, for the ``geldig-*``
operators, so that the message stays valid in a new form: other prefixes, a default namespace,
comments, LF line endings, many products, reordered namespace declarations). Operators work on the
lxml tree and keep the XSD element order, so most mutations stay XSD-valid; the test drops the
few that do not. Everything is deterministic for a given seed.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from copy import deepcopy
from dataclasses import dataclass
from datetime import date, timedelta

from lxml import etree

from tests.xmledit import PARSER, MessageTree, local

# XSD element order of the classes the operators insert into.
ORDER = {
    "ToegewezenProduct": ["ToewijzingNummer", "ReferentieAanbieder", "Product", "Toewijzingsdatum", "Toewijzingstijd",
                          "Ingangsdatum", "Einddatum", "RedenWijziging", "Omvang", "Budget", "Commentaar",
                          "RetourCodes"],
    "Contact": ["Soort", "Adres", "Organisatie", "Telefoon", "Emailadres", "Periode", "RetourCodes"],
    "Adres": ["Huis", "Postcode", "Straatnaam", "Plaatsnaam", "LandCode"],
    "Geboortedatum": ["Datum", "DatumGebruik"],
    "Naam": ["Geslachtsnaam", "Partnernaam", "Voornamen", "Voorletters", "NaamGebruik"],
    "Periode": ["Begindatum", "Einddatum"],
    "Communicatie": ["Vorm", "Taal"],
    "Product": ["Categorie", "Code"],
}
BASIS_CHILDREN = frozenset({"Adres", "Geboortedatum", "Naam", "Periode", "Communicatie", "Product", "Omvang", "Huis",
                  "Partnernaam", "Geslachtsnaam", "Telefoon01"})


@dataclass(frozen=True)
class Mutation:
    name: str  # operator and seed, e.g. "CS002-bsn#3"
    target: str  # the rule code aimed at, or "geldig" for a variant that should stay valid
    standaard: str
    base: str  # which base message was mutated
    data: bytes


class Tree(MessageTree):
    """A 301 (or retour) with the element orders of the classes the operators edit."""

    order = ORDER
    basis_parents = BASIS_CHILDREN

    def products(self) -> list[etree._Element]:
        return self.find_all("Client/ToegewezenProducten/ToegewezenProduct")

    def contacts(self) -> list[etree._Element]:
        return self.find_all("Client/Contactgegevens/Contact") + self.find_all("Client/Relaties/Relatie/Contact")

    def adressen(self) -> list[etree._Element]:
        return [a for c in self.contacts() for a in c if local(a) == "Adres"]

    def namen(self) -> list[etree._Element]:
        return self.find_all("Client/Naam") + self.find_all("Client/Relaties/Relatie/Naam")

    def geboortedatums(self) -> list[etree._Element]:
        return self.find_all("Client/Geboortedatum") + self.find_all("Client/Relaties/Relatie/Geboortedatum")



Op = Callable[[Tree, random.Random], bool]  # False: not applicable to this base


def d(x: date) -> str:
    return x.isoformat()


# --- operators per rule -----------------------------------------------------------------------------


def op_cs002(t: Tree, r: random.Random) -> bool:
    bsn = t.find_all("Client/Bsn")[0]
    digits = list(bsn.text.strip())
    i = r.randrange(9)
    digits[i] = str((int(digits[i]) + r.randrange(1, 10)) % 10)
    bsn.text = "".join(digits)
    return True


def op_tr002(t: Tree, r: random.Random) -> bool:
    g = r.choice(t.geboortedatums())
    years = r.choice([121, 130, 200])
    dag = t.dagtekening
    t.set(g, "Datum", d(date(dag.year - years, dag.month, 1) - timedelta(days=r.randrange(0, 300))))
    t.remove(g, "DatumGebruik")
    return True


def op_tr002_grens(t: Tree, r: random.Random) -> bool:
    """Exactly 120 years, or fully unknown (1900-01-01 with DatumGebruik 3): no TR002."""
    g = r.choice(t.geboortedatums())
    dag = t.dagtekening
    if r.random() < 0.5 and not (dag.month == 2 and dag.day == 29):
        t.set(g, "Datum", d(dag.replace(year=dag.year - 120)))
        t.remove(g, "DatumGebruik")
    else:
        t.set(g, "Datum", "1900-01-01")
        t.set(g, "DatumGebruik", "3")
    return True


def op_cs139(t: Tree, r: random.Random) -> bool:
    g = r.choice(t.geboortedatums())
    soort = r.choice(["1", "2", "3"])
    wrong = {"1": "2001-05-17", "2": "2001-05-01", "3": "2001-01-01"}[soort]
    t.set(g, "Datum", wrong)
    t.set(g, "DatumGebruik", soort)
    return True


def op_tr134(t: Tree, r: random.Random) -> bool:
    later = d(t.dagtekening + timedelta(days=r.randrange(1, 40)))
    choice = r.randrange(3)
    if choice == 0:
        p = r.choice(t.products())
        t.set(p, "Toewijzingsdatum", later)
    else:
        g = r.choice(t.geboortedatums())
        t.set(g, "Datum", later)
        t.remove(g, "DatumGebruik")
    return True


def op_cd005(t: Tree, r: random.Random) -> bool:
    adressen = [a for a in t.adressen() if t.child(a, "Postcode") is not None and t.child(a, "LandCode") is not None]
    if not adressen:
        return False
    a = r.choice(adressen)
    t.remove(a, "LandCode" if r.random() < 0.6 else "Postcode")
    return True


def op_cd025(t: Tree, r: random.Random) -> bool:
    adressen = [a for a in t.adressen() if t.child(a, "Huis") is not None]
    if not adressen:
        return False
    a = r.choice(adressen)
    t.remove(a, "Huis")
    t.set(a, "LandCode", "NL")
    if t.child(a, "Postcode") is None:
        t.set(a, "Postcode", "1234AB")
    return True


def op_cs089(t: Tree, r: random.Random) -> bool:
    adressen = t.adressen()
    if not adressen:
        return False
    a = r.choice(adressen)
    t.set(a, "Postcode", r.choice(["0123AB", "1234 AB", "12345A", "ABCD12", "1234ABC", " 1234AB", "1234ab", "9999zz"]))
    t.set(a, "LandCode", "NL")
    if t.child(a, "Huis") is None:
        h = t.set(a, "Huis", None)
        etree.SubElement(h, t.b("Huisnummer")).text = "1"
    return True


def op_cd007(t: Tree, r: random.Random) -> bool:
    client = t.find_all("Client")[0]
    comm = t.child(client, "Communicatie")
    if comm is None:
        comm = etree.Element(t.m("Communicatie"))
        t.child(client, "Naam").addnext(comm)
    if r.random() < 0.5:
        t.set(comm, "Vorm", "1")
        t.remove(comm, "Taal")
    else:
        t.set(comm, "Vorm", r.choice(["2", "3"]))
        t.set(comm, "Taal", "Frans")
    return True


def op_cs050(t: Tree, r: random.Random) -> bool:
    naam = r.choice(t.namen())
    if r.random() < 0.5:
        t.remove(naam, "Partnernaam")
        t.set(naam, "NaamGebruik", r.choice(["2", "3", "4", "5", "6"]))
    else:
        if t.child(naam, "Partnernaam") is None:
            pn = t.set(naam, "Partnernaam", None)
            etree.SubElement(pn, t.b("Achternaam")).text = "Smid"
        t.set(naam, "NaamGebruik", r.choice(["5", "6"]))
    return True


def op_naam6(t: Tree, r: random.Random) -> bool:
    """NaamGebruik 6 without Partnernaam: CS318 on the client (iJw), CS050 in iWmo."""
    naam = r.choice(t.namen())
    t.remove(naam, "Partnernaam")
    t.set(naam, "NaamGebruik", "6")
    return True


def op_cd009(t: Tree, r: random.Random) -> bool:
    c = r.choice(t.contacts())
    soort = t.child(c, "Soort")
    if t.child(c, "Periode") is None:
        p = t.set(c, "Periode", None)
        etree.SubElement(p, t.b("Begindatum")).text = "2025-01-01"
    if soort.text == "04":
        soort.text = r.choice(["01", "02", "03"])
    return True


def op_cd034(t: Tree, r: random.Random) -> bool:
    c = r.choice(t.contacts())
    t.child(c, "Soort").text = r.choice(["01", "03"])
    t.remove(c, "Periode")
    a = t.child(c, "Adres")
    if a is not None:
        if r.random() < 0.5:
            c.remove(a)
        else:
            t.remove(a, "Postcode")
    return True


def op_tr006(t: Tree, r: random.Random) -> bool:
    c = r.choice(t.contacts())
    t.remove(c, "Telefoon")
    a = t.child(c, "Adres")
    if a is None or r.random() < 0.3:
        t.remove(c, "Adres")
    else:
        t.remove(a, r.choice(["Huis", "Postcode"]))
    return True


def op_tr061(t: Tree, r: random.Random) -> bool:
    cs = t.find_all("Client/Contactgegevens/Contact")
    for c in cs:
        t.child(c, "Soort").text = "04"
    return True


def op_cs003(t: Tree, r: random.Random) -> bool:
    if r.random() < 0.6 or not t.contacts():
        p = r.choice(t.products())
        ingang = date.fromisoformat(t.child(p, "Ingangsdatum").text.strip())
        t.set(p, "Einddatum", d(ingang - timedelta(days=r.randrange(1, 60))))
        t.remove(p, "RedenWijziging")
    else:
        c = r.choice(t.contacts())
        t.child(c, "Soort").text = "04"
        per = t.child(c, "Periode")
        if per is None:
            per = t.set(c, "Periode", None)
        t.set(per, "Begindatum", "2025-06-01")
        t.set(per, "Einddatum", "2025-05-31")
    return True


def op_cd041(t: Tree, r: random.Random) -> bool:
    ps = [p for p in t.products() if t.child(p, "Product") is not None]
    if not ps:
        return False
    p = r.choice(ps)
    t.set(t.child(p, "Product"), "Code", "XY123")
    t.remove(p, "Omvang")
    return True


def op_cd075(t: Tree, r: random.Random) -> bool:
    p = r.choice(t.products())
    t.remove(p, "Omvang")
    t.set(p, "Budget", str(r.randrange(100, 900000)))
    t.remove(p, "Einddatum")
    t.remove(p, "RedenWijziging")
    return True


def op_cd076(t: Tree, r: random.Random) -> bool:
    p = r.choice(t.products())
    t.remove(p, "Budget")
    om = t.child(p, "Omvang")
    if om is None:
        om = t.set(p, "Omvang", None)
        etree.SubElement(om, t.b("Volume")).text = "2"
        etree.SubElement(om, t.b("Eenheid")).text = "04"
        etree.SubElement(om, t.b("Frequentie")).text = "2"
    t.child(om, "Frequentie").text = "2"
    t.remove(p, "Einddatum")
    t.remove(p, "RedenWijziging")
    return True


def op_cd077(t: Tree, r: random.Random) -> bool:
    p = r.choice(t.products())
    if t.child(p, "Omvang") is None:
        om = t.set(p, "Omvang", None)
        etree.SubElement(om, t.b("Volume")).text = "5"
        etree.SubElement(om, t.b("Eenheid")).text = "04"
        etree.SubElement(om, t.b("Frequentie")).text = "4"
    t.set(p, "Budget", str(r.randrange(1, 50000)))
    return True


def op_cd079(t: Tree, r: random.Random) -> bool:
    p = r.choice(t.products())
    t.remove(p, "Product")
    t.remove(p, "Budget")
    return True


def op_cd080(t: Tree, r: random.Random) -> bool:
    ps = [p for p in t.products() if t.child(p, "Product") is not None]
    if not ps:
        return False
    p = r.choice(ps)
    t.remove(t.child(p, "Product"), "Code")
    t.remove(p, "Budget")
    if t.child(p, "Omvang") is None:
        om = t.set(p, "Omvang", None)
        etree.SubElement(om, t.b("Volume")).text = "1"
        etree.SubElement(om, t.b("Eenheid")).text = "82"
        etree.SubElement(om, t.b("Frequentie")).text = "4"
    if r.random() < 0.3:  # an allocation that ended in 2020: exempt
        t.set(p, "Toewijzingsdatum", "2020-01-02")
        t.set(p, "Ingangsdatum", "2020-01-06")
        t.set(p, "Einddatum", r.choice(["2020-06-30", "2020-12-31", "2021-01-01"]))
        t.remove(p, "RedenWijziging")
    return True


def op_cs338(t: Tree, r: random.Random) -> bool:
    p = r.choice(t.products())
    t.remove(p, "Budget")
    om = t.child(p, "Omvang")
    if om is None:
        om = t.set(p, "Omvang", None)
        etree.SubElement(om, t.b("Volume")).text = "2"
        etree.SubElement(om, t.b("Eenheid")).text = "14"
        etree.SubElement(om, t.b("Frequentie")).text = "1"
    t.child(om, "Eenheid").text = r.choice(["14", "16", "83", "84"])
    t.child(om, "Frequentie").text = "1"
    if t.child(p, "Product") is not None and t.child(t.child(p, "Product"), "Code") is None:
        t.set(t.child(p, "Product"), "Code", "AB1")
    if r.random() < 0.3:
        t.set(p, "Toewijzingsdatum", "2019-12-02")
        t.set(p, "Ingangsdatum", "2020-01-01")
        t.set(p, "Einddatum", r.choice(["2020-12-31", "2021-03-31"]))
        t.remove(p, "RedenWijziging")
    return True


def op_cs335(t: Tree, r: random.Random) -> bool:
    p = r.choice(t.products())
    ingang = t.child(p, "Ingangsdatum").text.strip()
    start = date.fromisoformat(ingang)
    t.set(p, "Einddatum", r.choice([d(start + timedelta(days=r.randrange(1, 90))), ingang]))
    t.set(p, "RedenWijziging", "13")
    return True


def op_cs336(t: Tree, r: random.Random) -> bool:
    p = r.choice(t.products())
    t.set(p, "RedenWijziging", "01")
    return True


def op_reden(t: Tree, r: random.Random) -> bool:
    """An allowed RedenWijziging (no finding expected)."""
    p = r.choice(t.products())
    t.set(p, "RedenWijziging", r.choice(["02", "04", "05", "09", "12", "14"]))
    return True


def _clone_product(t: Tree, r: random.Random, nummer: str | None = None) -> etree._Element:
    ps = t.products()
    src = r.choice(ps)
    new = deepcopy(src)
    t.set(new, "ToewijzingNummer", nummer or str(900000 + r.randrange(99999)))
    t.remove(new, "ReferentieAanbieder")
    ps[-1].addnext(new)
    return new


def op_tr101(t: Tree, r: random.Random) -> bool:
    kind = r.randrange(3)
    if kind == 0:
        ps = t.products()
        if len(ps) > 1 and r.random() < 0.5:
            t.child(ps[-1], "ToewijzingNummer").text = t.child(ps[0], "ToewijzingNummer").text
        else:
            new = _clone_product(t, r)
            t.child(new, "ToewijzingNummer").text = t.child(ps[0], "ToewijzingNummer").text
            # another period so that TR302 stays quiet
            t.set(new, "Ingangsdatum", "2030-01-01")
            t.set(new, "Einddatum", "2030-06-30")
            t.remove(new, "RedenWijziging")
        return True
    if kind == 1:
        cs = t.find_all("Client/Contactgegevens/Contact")
        new = deepcopy(cs[0])
        cs[-1].addnext(new)
        return True
    rels = t.find_all("Client/Relaties/Relatie")
    if not rels:
        return False
    new = deepcopy(rels[0])
    rels[-1].addnext(new)
    return True


def op_tr302(t: Tree, r: random.Random) -> bool:
    new = _clone_product(t, r)
    kind = r.randrange(4)
    if kind == 1:  # no Product at all: overlaps with every product (needs a Budget)
        t.remove(new, "Product")
        t.remove(new, "Omvang")
        t.set(new, "Budget", "1000")
        t.set(new, "Einddatum", "2026-12-31")
    elif kind == 2:  # another code in the same category: no overlap in the rule's sense
        prod = t.child(new, "Product")
        if prod is not None and t.child(prod, "Code") is not None:
            t.child(prod, "Code").text = "ZZ9"
    elif kind == 3:  # the same product in a later, separate period
        t.set(new, "Ingangsdatum", "2031-01-01")
        t.set(new, "Einddatum", "2031-12-31")
        t.remove(new, "RedenWijziging")
    return True


def op_tr302_verwijderd(t: Tree, r: random.Random) -> bool:
    """A deleted copy (13, Einddatum = Ingangsdatum) does not count as overlap."""
    new = _clone_product(t, r)
    ingang = t.child(new, "Ingangsdatum").text
    t.set(new, "Einddatum", ingang)
    t.set(new, "RedenWijziging", "13")  # 01 would also be excluded, but CS336 forbids it
    return True


def op_tr302_vervallen(t: Tree, r: random.Random) -> bool:
    """A withdrawn copy (01, Einddatum = Ingangsdatum): no TR302, but CS336 for the 01."""
    new = _clone_product(t, r)
    t.set(new, "Einddatum", t.child(new, "Ingangsdatum").text)
    t.set(new, "RedenWijziging", "01")
    return True


def op_hulpmiddel(t: Tree, r: random.Random) -> bool:
    """iWmo: two overlapping allocations of a hulpmiddel (category 11-14) may coexist."""
    new = _clone_product(t, r)
    prod = t.child(new, "Product")
    if prod is None:
        return False
    cat = "12" if "iwmo" in t.mns else "45"
    t.child(prod, "Categorie").text = cat
    first = t.products()[0]
    fprod = t.child(first, "Product")
    if fprod is None:
        return False
    t.child(fprod, "Categorie").text = cat
    if t.child(prod, "Code") is not None and t.child(fprod, "Code") is not None:
        t.child(prod, "Code").text = t.child(fprod, "Code").text
    return True


# --- deviations (the XSLT compares text; see docs/afwijkingen.md) -----------------------------------


def op_datum_spaties(t: Tree, r: random.Random) -> bool:
    """Surround a date with spaces: XSD-valid (xs:date collapses whitespace)."""
    candidates = (t.find_all("Header/BerichtIdentificatie/Dagtekening")
                  + [c for p in t.products() for c in p if local(c) in ("Einddatum", "Ingangsdatum", "Toewijzingsdatum")]
                  + [g[0] for g in t.geboortedatums()])
    el = r.choice(candidates)
    el.text = r.choice([" ", "  ", "\t"]) + el.text.strip() + r.choice(["", " "])
    return True


def op_nummer_voorloopnul(t: Tree, r: random.Random) -> bool:
    """The same ToewijzingNummer written with a leading zero: a duplicate as a number."""
    ps = t.products()
    new = _clone_product(t, r)
    t.child(new, "ToewijzingNummer").text = "0" + t.child(ps[0], "ToewijzingNummer").text.strip()
    t.set(new, "Ingangsdatum", "2030-01-01")
    t.set(new, "Einddatum", "2030-06-30")
    t.remove(new, "RedenWijziging")
    return True


def op_13_zonder_einddatum(t: Tree, r: random.Random) -> bool:
    p = r.choice(t.products())
    t.remove(p, "Einddatum")
    t.remove(p, "Budget")
    om = t.child(p, "Omvang")
    if om is not None and t.child(om, "Frequentie").text == "2":
        t.child(om, "Frequentie").text = "4"
    t.set(p, "RedenWijziging", "13")
    return True


def op_periode_zonder_begin(t: Tree, r: random.Random) -> bool:
    c = r.choice(t.contacts())
    t.child(c, "Soort").text = "04"
    per = t.child(c, "Periode")
    if per is None:
        per = t.set(c, "Periode", None)
    t.remove(per, "Begindatum")
    t.set(per, "Einddatum", "2026-12-31")
    return True


# --- valid variants (form only) --------------------------------------------------------------------


def op_veel_producten(t: Tree, r: random.Random) -> bool:
    n = r.randrange(20, 60)
    ps = t.products()
    src = ps[0]
    for i in range(n):
        new = deepcopy(src)
        t.set(new, "ToewijzingNummer", str(5000000 + i))
        t.remove(new, "ReferentieAanbieder")
        prod = t.child(new, "Product")
        if prod is not None:
            t.set(prod, "Code", f"Q{i:04d}")
        t.remove(new, "Budget")
        if t.child(new, "Omvang") is None:
            om = t.set(new, "Omvang", None)
            etree.SubElement(om, t.b("Volume")).text = "1"
            etree.SubElement(om, t.b("Eenheid")).text = "04"
            etree.SubElement(om, t.b("Frequentie")).text = "4"
        t.products()[-1].addnext(new)
    return True


def op_commentaar(t: Tree, r: random.Random) -> bool:
    """Comments between elements (never inside a value: that would split its text)."""
    elements = [e for e in t.root.iter() if isinstance(e.tag, str) and e is not t.root]
    for el in r.sample(elements, min(12, len(elements))):
        el.addprevious(etree.Comment(f" opmerking {r.randrange(1000)} "))
    return True


def op_niets(t: Tree, r: random.Random) -> bool:
    return True


# Text-level variants applied after serialisation.
def _prefixes(data: bytes, r: random.Random) -> bytes:
    text = data.decode()
    root = etree.fromstring(data, PARSER)
    for prefix in [p for p in root.nsmap if p]:
        new = r.choice(["a", "ns1", "x", "bs", "q9"]) + prefix[-2:]
        text = re.sub(rf"(</?){prefix}:", rf"\g<1>{new}:", text)
        text = text.replace(f"xmlns:{prefix}=", f"xmlns:{new}=")
    return text.encode()


def _default_ns(data: bytes, r: random.Random) -> bytes:
    text = data.decode()
    root = etree.fromstring(data, PARSER)
    prefix = root.prefix
    if not prefix:
        return data
    text = re.sub(rf"(</?){prefix}:", r"\1", text)
    return text.replace(f"xmlns:{prefix}=", "xmlns=").encode()


def _swap_ns(data: bytes, r: random.Random) -> bytes:
    text = data.decode()
    m = re.search(r"<[^?!][^>]*>", text)
    tag = m.group(0)
    decls = re.findall(r'\s+xmlns(?::\w+)?="[^"]*"', tag)
    bare = tag
    for x in decls:
        bare = bare.replace(x, "", 1)
    new_tag = bare[:-1].rstrip() + "".join(reversed(decls)) + ">"
    return (text[: m.start()] + new_tag + text[m.end():]).encode()


def _line_endings(data: bytes, r: random.Random) -> bytes:
    lf = data.replace(b"\r\n", b"\n")
    return lf if r.random() < 0.5 else lf.replace(b"\n", b"\r\n")


TEXT_VARIANTS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    "prefixen": _prefixes,
    "default-namespace": _default_ns,
    "namespace-volgorde": _swap_ns,
    "regeleinden": _line_endings,
}

# (operator, rule aimed at, standards it applies to)
OPERATORS: list[tuple[str, Op, str, tuple[str, ...]]] = [
    ("CS002-bsn", op_cs002, "CS002", ("ijw", "iwmo")),
    ("TR002-oud", op_tr002, "TR002", ("ijw", "iwmo")),
    ("TR002-grens", op_tr002_grens, "geldig", ("ijw", "iwmo")),
    ("CS139-datumgebruik", op_cs139, "CS139", ("ijw", "iwmo")),
    ("TR134-na-dagtekening", op_tr134, "TR134", ("ijw", "iwmo")),
    ("CD005-landcode", op_cd005, "CD005", ("ijw", "iwmo")),
    ("CD025-huis", op_cd025, "CD025", ("ijw", "iwmo")),
    ("CS089-postcode", op_cs089, "CS089", ("ijw", "iwmo")),
    ("CD007-taal", op_cd007, "CD007", ("ijw", "iwmo")),
    ("CS050-naamgebruik", op_cs050, "CS050", ("ijw", "iwmo")),
    ("CS318-naamgebruik6", op_naam6, "CS318", ("ijw", "iwmo")),
    ("CD009-periode", op_cd009, "CD009", ("ijw", "iwmo")),
    ("CD034-postcode", op_cd034, "CD034", ("ijw", "iwmo")),
    ("TR006-bereikbaar", op_tr006, "TR006", ("ijw", "iwmo")),
    ("TR061-soort", op_tr061, "TR061", ("ijw", "iwmo")),
    ("CS003-einde", op_cs003, "CS003", ("ijw", "iwmo")),
    ("CD041-omvang", op_cd041, "CD041", ("ijw", "iwmo")),
    ("CD075-budget", op_cd075, "CD075", ("ijw", "iwmo")),
    ("CD076-week", op_cd076, "CD076", ("ijw", "iwmo")),
    ("CD077-beide", op_cd077, "CD077", ("ijw", "iwmo")),
    ("CD079-product", op_cd079, "CD079", ("ijw", "iwmo")),
    ("CD080-aspecifiek", op_cd080, "CD080", ("ijw", "iwmo")),
    ("CS338-frequentie", op_cs338, "CS338", ("ijw", "iwmo")),
    ("CS335-verwijderd", op_cs335, "CS335", ("ijw", "iwmo")),
    ("CS336-vervallen", op_cs336, "CS336", ("ijw", "iwmo")),
    ("reden-toegestaan", op_reden, "geldig", ("ijw", "iwmo")),
    ("TR101-dubbel", op_tr101, "TR101", ("ijw", "iwmo")),
    ("TR302-overlap", op_tr302, "TR302", ("ijw", "iwmo")),
    ("TR302-verwijderd", op_tr302_verwijderd, "geldig", ("ijw", "iwmo")),
    ("TR302-vervallen", op_tr302_vervallen, "CS336", ("ijw", "iwmo")),
    ("TR302-hulpmiddel", op_hulpmiddel, "TR302", ("ijw", "iwmo")),
    ("afwijking-datum-spaties", op_datum_spaties, "afwijking", ("ijw", "iwmo")),
    ("afwijking-nummer-voorloopnul", op_nummer_voorloopnul, "afwijking", ("ijw", "iwmo")),
    ("afwijking-13-zonder-einddatum", op_13_zonder_einddatum, "afwijking", ("ijw", "iwmo")),
    ("afwijking-periode-zonder-begin", op_periode_zonder_begin, "afwijking", ("ijw", "iwmo")),
    ("geldig-veel-producten", op_veel_producten, "geldig", ("ijw", "iwmo")),
    ("geldig-commentaar", op_commentaar, "geldig", ("ijw", "iwmo")),
    ("geldig-ongewijzigd", op_niets, "geldig", ("ijw", "iwmo")),
]
OPERATOR_BY_NAME = {name: (op, target) for name, op, target, _ in OPERATORS}

# Generic operators for retours: a 302 carries the whole Client, 306/308/316 only Bsn, birth date, name.
PERSON_OPERATORS = ["CS002-bsn", "TR002-oud", "CS139-datumgebruik"]
RETOUR_OPERATORS = ["CS002-bsn", "TR002-oud", "CS139-datumgebruik", "CD005-landcode", "CD025-huis",
                    "CS089-postcode", "CD007-taal", "CS050-naamgebruik", "CS318-naamgebruik6"]


def mutate(base: bytes, names: list[str], seed: int) -> tuple[bytes, list[str]] | None:
    """Apply the named operators, then 0-2 text variants; None when an operator does not apply.

    Returns the bytes and the names of the text variants used.
    """
    r = random.Random(seed)
    t = Tree(base)
    for name in names:
        op, _ = OPERATOR_BY_NAME[name]
        if not op(t, r):
            return None
    data = t.bytes()
    variants = r.sample(sorted(TEXT_VARIANTS), r.randrange(0, 3))
    for variant in variants:
        data = TEXT_VARIANTS[variant](data, r)
    return data, variants


def _mutation(names: list[str], seed: int, target: str, standaard: str, base: str, data: bytes) -> Mutation | None:
    out = mutate(data, names, seed)
    if out is None:
        return None
    mutated, variants = out
    return Mutation("+".join(names + variants) + f"#{seed}", target, standaard, base, mutated)


def mutations_301(bases: dict[str, bytes], standaard: str, rounds: int = 4, combos: int = 80,
                  seed: int = 301) -> Iterator[Mutation]:
    """Every operator ``rounds`` times per base, plus ``combos`` random combinations of 2-3."""
    r = random.Random(f"{seed}-{standaard}")
    single = [name for name, _, _, stds in OPERATORS if standaard in stds]
    for base, data in bases.items():
        for name in single:
            for _ in range(rounds):
                m = _mutation([name], r.randrange(1 << 30), OPERATOR_BY_NAME[name][1], standaard, base, data)
                if m is not None:
                    yield m
    rule_ops = [n for n in single if not n.startswith(("geldig", "afwijking"))]
    for _ in range(combos):
        base = r.choice(sorted(bases))
        names = r.sample(rule_ops, r.randrange(2, 4))
        m = _mutation(names, r.randrange(1 << 30), "combination", standaard, base, bases[base])
        if m is not None:
            yield m


def mutations_retour(bases: dict[str, bytes], standaard: str, rounds: int = 3, seed: int = 302) -> Iterator[Mutation]:
    """Generic operators on retour messages that carry a Client (base names start with the number)."""
    r = random.Random(f"{seed}-{standaard}")
    for base, data in bases.items():
        for name in RETOUR_OPERATORS if base.startswith("302") else PERSON_OPERATORS:
            for _ in range(rounds):
                m = _mutation([name], r.randrange(1 << 30), OPERATOR_BY_NAME[name][1], standaard, base, data)
                if m is not None:
                    yield m


def to_other_standard(data: bytes, target: str) -> bytes:
    """Rewrite a message of one standard into the other (namespaces, BerichtCode, categories).

    Used to get retours with a Client in both standards, since most published ones are header-only.
    """
    text = data.decode()
    if target == "ijw":
        text = text.replace("/iwmo/3_2/wmo", "/ijw/3_2/jw").replace("/iwmo/3_2/basisschema", "/ijw/3_2/basisschema")
        text = re.sub(r"(</?|xmlns:)wmo(\d{3})", r"\1jw\2", text)
        text = re.sub(r"(</?|xmlns:)iwmo\b", r"\1ijw", text)
        codes, categorie = {"415": "437", "414": "436", "445": "447"}, "45"
    else:
        text = text.replace("/ijw/3_2/jw", "/iwmo/3_2/wmo").replace("/ijw/3_2/basisschema", "/iwmo/3_2/basisschema")
        text = re.sub(r"(</?|xmlns:)jw(\d{3})", r"\1wmo\2", text)
        text = re.sub(r"(</?|xmlns:)ijw\b", r"\1iwmo", text)
        text = re.sub(r"\s*<\w+:GezagsdragerBekend>[^<]*</\w+:GezagsdragerBekend>", "", text)  # iJw only
        codes, categorie = {"437": "415", "436": "414", "447": "445"}, "02"
    text = re.sub(r"(BerichtCode>)(\d{3})(<)", lambda m: m.group(1) + codes.get(m.group(2), m.group(2)) + m.group(3), text)
    return re.sub(r"(Categorie>)\d\d(<)", rf"\g<1>{categorie}\2", text).encode()
