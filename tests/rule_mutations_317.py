"""Seeded mutations of 317 messages (verzoek om wijziging) for the differential rule test.

Each operator changes a valid 317 so that one rule should fire, or (target ``geldig``) keeps it
valid in another form: other prefixes, a default namespace, comments, LF or CRLF, many products,
the exemptions and boundaries of a rule. The operators edit the tree in XSD element order
(tests/xmledit.py), so most mutations stay XSD-valid; the test drops the few that do not. The
format-only operators and the serialisation are those of the 305/315 generator. Deterministic.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from copy import deepcopy
from datetime import date, timedelta

from lxml import etree

from tests.rule_mutations_305_315 import (
    d,
    op_cs002,
    op_geldig_commentaar,
    op_geldig_prefixen,
    set_omvang,
    text_of,
)
from tests.xmledit import MessageTree, Mutation, local, seeded_mutations

ORDER = {
    "Verzoek": ["ReferentieAanbieder", "RedenVerzoek", "OngewijzigdeProducten", "TeWijzigenProducten",
                "NieuweProducten"],
    "OngewijzigdeProducten": ["OngewijzigdProduct"],
    "TeWijzigenProducten": ["TeWijzigenProduct"],
    "NieuweProducten": ["NieuwProduct"],
    "OngewijzigdProduct": ["ToewijzingNummer"],
    "TeWijzigenProduct": ["ToewijzingNummer", "GewensteIngangsdatum", "Einddatum", "Omvang", "Budget"],
    "NieuwProduct": ["Product", "GewensteIngangsdatum", "Einddatum", "Omvang", "Budget"],
    "Product": ["Categorie", "Code"],
    "Omvang": ["Volume", "Eenheid", "Frequentie"],
}
BASIS_PARENTS = frozenset({"Product", "Omvang"})
CATEGORIE = {"ijw": (("45", "45A04"), ("43", "43A01"), ("54", "54001")), "iwmo": (("02", "02A03"), ("07", "07A01"), ("03", None))}


class Tree(MessageTree):
    order = ORDER
    basis_parents = BASIS_PARENTS
    bericht = "317"

    def verzoek(self) -> etree._Element:
        return self.find_all("Client/Verzoek")[0]

    def ongewijzigd(self) -> list[etree._Element]:
        return self.find_all("Client/Verzoek/OngewijzigdeProducten/OngewijzigdProduct")

    def te_wijzigen(self) -> list[etree._Element]:
        return self.find_all("Client/Verzoek/TeWijzigenProducten/TeWijzigenProduct")

    def nieuw(self) -> list[etree._Element]:
        return self.find_all("Client/Verzoek/NieuweProducten/NieuwProduct")

    @property
    def standaard(self) -> str:
        return "ijw" if "/ijw/" in self.mns else "iwmo"


Op = Callable[[Tree, random.Random], bool]  # False: not applicable to this base


def start_of(t: Tree, el: etree._Element) -> date:
    return date.fromisoformat(text_of(t, el, "GewensteIngangsdatum").strip())


def add_te_wijzigen(t: Tree, r: random.Random) -> etree._Element:
    """A new TeWijzigenProduct (a base without one gets its TeWijzigenProducten)."""
    lijst = t.child(t.verzoek(), "TeWijzigenProducten")
    if lijst is None:
        lijst = t.set(t.verzoek(), "TeWijzigenProducten", None)
    el = etree.SubElement(lijst, t.m("TeWijzigenProduct"))
    t.set(el, "ToewijzingNummer", str(r.randrange(500000, 599999)))
    t.set(el, "GewensteIngangsdatum", d(t.dagtekening + timedelta(days=r.randrange(0, 30))))
    t.set(el, "Einddatum", d(t.dagtekening + timedelta(days=r.randrange(60, 300))))
    set_omvang(t, el, "4", "04", "2")
    return el


def te_wijzigen(t: Tree, r: random.Random) -> etree._Element:
    items = t.te_wijzigen()
    return r.choice(items) if items else add_te_wijzigen(t, r)


def nieuw(t: Tree, r: random.Random, cond: Callable[[etree._Element], bool] = lambda el: True) -> etree._Element | None:
    cands = [el for el in t.nieuw() if cond(el)]
    return r.choice(cands) if cands else None


def product(t: Tree, r: random.Random) -> etree._Element:
    """A TeWijzigenProduct or a NieuwProduct: most size rules hold for both."""
    return te_wijzigen(t, r) if r.random() < 0.5 or not t.nieuw() else nieuw(t, r)


def has_code(t: Tree) -> Callable[[etree._Element], bool]:
    return lambda el: t.child(el, "Product") is not None and t.child(t.child(el, "Product"), "Code") is not None


# --- one rule each --------------------------------------------------------------------------------


def op_cd041(t: Tree, r: random.Random) -> bool:
    el = nieuw(t, r, has_code(t))
    if el is None:
        return False
    t.remove(el, "Omvang")
    if r.random() < 0.5:  # a Budget with a Code: CD041 only
        t.set(el, "Budget", str(r.randrange(1000, 90000)))
        t.set(el, "Einddatum", text_of(t, el, "Einddatum") or d(start_of(t, el) + timedelta(days=200)))
    return True


def op_cd075(t: Tree, r: random.Random) -> bool:
    el = product(t, r)
    if t.child(el, "Budget") is None:
        t.remove(el, "Omvang")
        t.set(el, "Budget", str(r.randrange(100, 300000)))
    t.remove(el, "Einddatum")
    return True


def op_cd076(t: Tree, r: random.Random) -> bool:
    el = product(t, r)
    t.remove(el, "Budget")
    if t.child(el, "Omvang") is None:
        set_omvang(t, el, "3", "04", "2")
    t.set(t.child(el, "Omvang"), "Frequentie", "2")
    t.set(t.child(el, "Omvang"), "Eenheid", r.choice(["01", "04", "14", "16"]))
    t.remove(el, "Einddatum")
    return True


def op_cd077_cd078(t: Tree, r: random.Random) -> bool:
    el = product(t, r)
    if t.child(el, "Omvang") is None:
        set_omvang(t, el, "5", "04", "4")
    t.set(el, "Budget", str(r.randrange(100, 99999)))
    t.set(el, "Einddatum", text_of(t, el, "Einddatum") or d(start_of(t, el) + timedelta(days=90)))
    return True


def op_cd079(t: Tree, r: random.Random) -> bool:
    el = nieuw(t, r)
    if el is None:
        return False
    t.remove(el, "Product")
    t.remove(el, "Budget")
    if r.random() < 0.5:
        t.remove(el, "Omvang")  # without Omvang CD096 stays silent
    return True


def op_cd096(t: Tree, r: random.Random) -> bool:
    el = nieuw(t, r, lambda x: t.child(x, "Product") is not None)
    if el is None:
        return False
    t.remove(t.child(el, "Product"), "Code")
    t.remove(el, "Budget")
    if t.child(el, "Omvang") is None:
        set_omvang(t, el, "2", "04", "4")
    if r.random() < 0.5:
        t.remove(el, "Einddatum")
    else:
        t.set(el, "Einddatum", d(start_of(t, el) + timedelta(days=r.randrange(0, 400))))
    return True


def op_cs003(t: Tree, r: random.Random) -> bool:
    el = product(t, r)
    t.set(el, "Einddatum", d(start_of(t, el) - timedelta(days=r.randrange(1, 200))))
    return True


def op_cs338(t: Tree, r: random.Random) -> bool:
    el = product(t, r)
    t.remove(el, "Budget")
    set_omvang(t, el, str(r.randrange(1, 20)), r.choice(["14", "16", "83", "84"]), r.choice(["1", "1", "3", "5"]))
    if r.random() < 0.5:
        t.remove(el, "Einddatum")
    else:
        t.set(el, "Einddatum", d(start_of(t, el) + timedelta(days=r.randrange(10, 300))))
    return True


def op_tr101_ongewijzigd(t: Tree, r: random.Random) -> bool:
    items = t.ongewijzigd()
    if not items:
        return False
    el = r.choice(items)
    el.addnext(deepcopy(el))
    if r.random() < 0.3:
        el.getparent().append(deepcopy(el))  # a group of three is still one report
    return True


def op_tr101_te_wijzigen(t: Tree, r: random.Random) -> bool:
    """Two TeWijzigenProducten with one ToewijzingNummer (the rest may differ)."""
    el = te_wijzigen(t, r)
    copy = deepcopy(el)
    if r.random() < 0.5:
        t.set(copy, "GewensteIngangsdatum", d(start_of(t, el) + timedelta(days=r.randrange(1, 20))))
        t.remove(copy, "Einddatum")
        t.remove(copy, "Budget")
        set_omvang(t, copy, "1", "04", "4")
    el.getparent().insert(r.randrange(len(el.getparent()) + 1), copy)
    return True


def op_tr101_nieuw(t: Tree, r: random.Random) -> bool:
    """The same new product (Categorie, Code, GewensteIngangsdatum) twice; also an overlap (TR410)."""
    el = nieuw(t, r)
    if el is None:
        return False
    copy = deepcopy(el)
    if r.random() < 0.4:  # other size, same key
        t.remove(copy, "Budget")
        t.set(copy, "Einddatum", d(start_of(t, el) + timedelta(days=30)))
        set_omvang(t, copy, "9", "04", "4")
    el.addnext(copy)
    return True


def op_tr352(t: Tree, r: random.Random) -> bool:
    v = t.verzoek()
    if t.child(v, "NieuweProducten") is None:
        return False
    t.remove(v, "OngewijzigdeProducten")
    t.remove(v, "TeWijzigenProducten")
    return True


def op_tr353(t: Tree, r: random.Random) -> bool:
    v = t.verzoek()
    if t.child(v, "OngewijzigdeProducten") is None or r.random() < 0.2:  # sometimes nothing at all (TR352 too)
        t.remove(v, "OngewijzigdeProducten")
    t.remove(v, "TeWijzigenProducten")
    t.remove(v, "NieuweProducten")
    return True


def op_tr380(t: Tree, r: random.Random) -> bool:
    """A new product that starts on or before the Dagtekening."""
    el = nieuw(t, r)
    if el is None:
        return False
    start = t.dagtekening - timedelta(days=r.choice([0, 0, 1, 10, 200]))
    t.set(el, "GewensteIngangsdatum", d(start))
    if t.child(el, "Einddatum") is not None:
        t.set(el, "Einddatum", d(start + timedelta(days=r.randrange(0, 300))))
    return True


def op_tr410_kopie(t: Tree, r: random.Random) -> bool:
    """A second request for the same new product, starting later but inside the first one's period."""
    el = nieuw(t, r)
    if el is None:
        return False
    copy = deepcopy(el)
    begin = start_of(t, el)
    t.set(copy, "GewensteIngangsdatum", d(begin + timedelta(days=r.randrange(1, 20))))
    eind = text_of(t, el, "Einddatum")
    if eind is not None and date.fromisoformat(eind.strip()) < begin + timedelta(days=20):
        t.set(el, "Einddatum", d(begin + timedelta(days=40)))
    t.remove(copy, "Einddatum")
    t.remove(copy, "Budget")
    set_omvang(t, copy, "2", "04", "4")
    if r.random() < 0.4 and t.child(copy, "Product") is not None:
        t.remove(t.child(copy, "Product"), "Code")  # same category without code still counts
        t.remove(copy, "Omvang")
        t.set(copy, "Budget", "10000")
        t.set(copy, "Einddatum", d(begin + timedelta(days=400)))
    el.getparent().insert(r.randrange(len(el.getparent()) + 1), copy)
    return True


def op_tr410_zonder_product(t: Tree, r: random.Random) -> bool:
    """A generic new product (no Product, a Budget) overlaps every other new product."""
    el = nieuw(t, r)
    if el is None:
        return False
    copy = deepcopy(el)
    t.remove(copy, "Product")
    t.remove(copy, "Omvang")
    t.set(copy, "Budget", "50000")
    start = t.dagtekening + timedelta(days=r.randrange(1, 100))
    t.set(copy, "GewensteIngangsdatum", d(start))
    t.set(copy, "Einddatum", d(start + timedelta(days=r.randrange(300, 800))))
    el.addprevious(copy)
    return True


# --- valid variants, boundaries and known deviations ----------------------------------------------


def op_geldig_veel(t: Tree, r: random.Random) -> bool:
    """Many products with distinct keys: numbers, products and periods that do not overlap."""
    cats = CATEGORIE[t.standaard]
    for lijst, klasse in (("OngewijzigdeProducten", "OngewijzigdProduct"), ("TeWijzigenProducten", "TeWijzigenProduct")):
        parent = t.child(t.verzoek(), lijst)
        if parent is None:
            parent = t.set(t.verzoek(), lijst, None)
        for n in range(r.randrange(5, 20)):
            el = etree.SubElement(parent, t.m(klasse))
            t.set(el, "ToewijzingNummer", str(800000 + 100 * len(lijst) + n))
            if klasse == "TeWijzigenProduct":
                t.set(el, "GewensteIngangsdatum", d(t.dagtekening + timedelta(days=n)))
                t.set(el, "Einddatum", d(t.dagtekening + timedelta(days=n + 90)))
                t.set(el, "Budget", str(1000 * (n + 1)))
    parent = t.child(t.verzoek(), "NieuweProducten")
    if parent is None:
        parent = t.set(t.verzoek(), "NieuweProducten", None)
    for n in range(r.randrange(10, 40)):
        el = etree.SubElement(parent, t.m("NieuwProduct"))
        cat, code = cats[n % len(cats)]
        t.set(el, "Product", None)
        t.set(t.child(el, "Product"), "Categorie", cat)
        start = date(2031, 1, 1) + timedelta(days=40 * n)
        t.set(el, "GewensteIngangsdatum", d(start))
        t.set(el, "Einddatum", d(start + timedelta(days=30)))
        if code is not None:
            t.set(t.child(el, "Product"), "Code", code)
            set_omvang(t, el, "1", "04", "2")
        else:
            t.set(el, "Budget", "5000")
    return True


def op_geldig_grenzen(t: Tree, r: random.Random) -> bool:
    """Boundaries that pass: start one day after the Dagtekening, end on the start day, touching periods."""
    el = nieuw(t, r)
    if el is None:
        return False
    start = t.dagtekening + timedelta(days=1)
    t.set(el, "GewensteIngangsdatum", d(start))
    t.set(el, "Einddatum", d(start if r.random() < 0.5 else start + timedelta(days=9)))
    copy = deepcopy(el)  # the same product again, starting the day after the first one ends
    t.set(copy, "GewensteIngangsdatum", d(date.fromisoformat(text_of(t, el, "Einddatum")) + timedelta(days=1)))
    t.remove(copy, "Einddatum")
    t.remove(copy, "Budget")
    if t.child(copy, "Product") is not None and t.child(t.child(copy, "Product"), "Code") is not None:
        set_omvang(t, copy, "1", "04", "4")
    elif t.child(copy, "Product") is not None:
        t.remove(copy, "Omvang")
        t.set(copy, "Budget", "800")
        t.set(copy, "Einddatum", d(date.fromisoformat(text_of(t, copy, "GewensteIngangsdatum")) + timedelta(days=30)))
    el.addnext(copy)
    return True


def op_geldig_voor_2021(t: Tree, r: random.Random) -> bool:
    """A TeWijzigenProduct ending before 2021 may have Eenheid 14/16 per day (CS338 exempt);
    a NieuwProduct ending then may have Omvang without Code (CD096 exempt, but CS003/TR380 fire)."""
    if r.random() < 0.6 or not t.nieuw():
        el = te_wijzigen(t, r)
        t.set(el, "GewensteIngangsdatum", "2020-03-01")
        t.set(el, "Einddatum", d(date(2020, 12, r.randrange(1, 32))))
        t.remove(el, "Budget")
        set_omvang(t, el, "2", r.choice(["14", "16"]), "1")
        return True
    el = nieuw(t, r, lambda x: t.child(x, "Product") is not None)
    if el is None:
        return False
    t.remove(t.child(el, "Product"), "Code")
    t.remove(el, "Budget")
    t.set(el, "Einddatum", d(date(2020, 12, r.randrange(1, 32))))
    set_omvang(t, el, "2", "04", "4")
    return True


def op_geldig_hulpmiddel_overlap(t: Tree, r: random.Random) -> bool:
    """iWmo: overlapping new products in category 11-14 are allowed (in iJw the code is XSD-invalid)."""
    el = nieuw(t, r)
    if el is None:
        return False
    cat = r.choice(["11", "12", "13", "14"])
    copy = deepcopy(el)
    for x in (el, copy):
        if t.child(x, "Product") is None:
            t.set(x, "Product", None)
        t.set(t.child(x, "Product"), "Categorie", cat)
        t.remove(t.child(x, "Product"), "Code")
        t.remove(x, "Omvang")
        t.set(x, "Budget", "2500")
        t.set(x, "Einddatum", d(start_of(t, el) + timedelta(days=100)))
    t.set(copy, "GewensteIngangsdatum", d(start_of(t, el) + timedelta(days=5)))
    el.addnext(copy)
    return True


def op_afwijking_datum_spaties(t: Tree, r: random.Random) -> bool:
    """Surround a date with whitespace: XSD-valid (xs:date collapses), the XSLT cuts or compares the text."""
    names = {"Dagtekening", "GewensteIngangsdatum", "Einddatum"}
    el = r.choice([e for e in t.root.iter(etree.Element) if local(e) in names])
    el.text = r.choice(["  ", " ", "\t"]) + el.text.strip() + r.choice(["", " "])
    if r.random() < 0.5 and t.nieuw():  # and a duplicate new product that differs only in that padding
        k = nieuw(t, r)
        copy = deepcopy(k)
        t.set(copy, "GewensteIngangsdatum", " " + text_of(t, k, "GewensteIngangsdatum").strip())
        k.addnext(copy)
    return True


def op_afwijking_nummer(t: Tree, r: random.Random) -> bool:
    """Copy an unchanged or to-be-changed product with a leading zero in its ToewijzingNummer."""
    items = t.ongewijzigd() + t.te_wijzigen()
    if not items:
        return False
    el = r.choice(items)
    copy = deepcopy(el)
    t.set(copy, "ToewijzingNummer", "0" + text_of(t, el, "ToewijzingNummer").strip())
    el.addnext(copy)
    return True


OPERATORS: dict[str, Op] = {
    "CS002": op_cs002, "CD041": op_cd041, "CD075": op_cd075, "CD076": op_cd076, "CD077": op_cd077_cd078,
    "CD079": op_cd079, "CD096": op_cd096, "CS003": op_cs003, "CS338": op_cs338,
    "TR101-ongewijzigd": op_tr101_ongewijzigd, "TR101-tewijzigen": op_tr101_te_wijzigen,
    "TR101-nieuw": op_tr101_nieuw, "TR352": op_tr352, "TR353": op_tr353, "TR380": op_tr380,
    "TR410": op_tr410_kopie, "TR410-zonder-product": op_tr410_zonder_product,
    "geldig-prefixen": op_geldig_prefixen, "geldig-commentaar": op_geldig_commentaar,
    "geldig-veel": op_geldig_veel, "geldig-grenzen": op_geldig_grenzen, "geldig-voor-2021": op_geldig_voor_2021,
    "geldig-hulpmiddel": op_geldig_hulpmiddel_overlap,
    "afwijking-datum-spaties": op_afwijking_datum_spaties, "afwijking-nummer": op_afwijking_nummer,
}


def mutations(bases: dict[str, bytes], standaard: str, per_operator: int, seed: int = 317) -> Iterator[Mutation]:
    """``per_operator`` seeded mutations of every operator for every base, then stacked pairs."""
    return seeded_mutations(OPERATORS, bases, standaard, "317", per_operator,
                            seed_prefix=f"{seed}/{standaard}", tree=Tree)
