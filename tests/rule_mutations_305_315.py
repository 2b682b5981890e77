"""Seeded mutations of 305, 307 and 315 messages for the differential rule test.

Each operator changes a valid message so that one rule should fire, or (target ``geldig``) keeps
it valid in another form: other prefixes, a default namespace, comments, LF or CRLF line endings,
many products, exemptions of a rule. Operators work on the lxml tree in XSD element order, so most
mutations stay XSD-valid; the test drops the few that do not. Deterministic for a given seed.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from copy import deepcopy
from datetime import date, timedelta

from lxml import etree

from tests.xmledit import PARSER, MessageTree, Mutation, local, seeded_mutations

ORDER = {
    "StartProduct": ["ToewijzingNummer", "Product", "ToewijzingIngangsdatum", "Begindatum", "StatusAanlevering"],
    "StopProduct": ["ToewijzingNummer", "Product", "ToewijzingIngangsdatum", "Begindatum", "RedenBeeindiging",
                    "Einddatum", "StatusAanlevering"],
    "AangevraagdProduct": ["ReferentieAanbieder", "BeschikkingNummer", "Product", "BeschikkingIngangsdatum",
                           "ToewijzingIngangsdatum", "ToewijzingEinddatum", "Omvang", "Budget", "Verwijzer",
                           "Raamcontract", "Commentaar"],
    "Geboortedatum": ["Datum", "DatumGebruik"],
    "Product": ["Categorie", "Code"],
    "Omvang": ["Volume", "Eenheid", "Frequentie"],
    "Verwijzer": ["Type", "Naam", "ZorgverlenerCode"],
}
BASIS_PARENTS = frozenset({"Geboortedatum", "Product", "Omvang", "Verwijzer"})  # composite types: basisschema children
KLASSE = {"305": "StartProduct", "307": "StopProduct", "315": "AangevraagdProduct"}
CATEGORIE = {"ijw": ("45", "43", "54"), "iwmo": ("02", "07", "03")}


class Tree(MessageTree):
    """A 305, 307 or 315 with the element orders of the classes the operators edit."""

    order = ORDER
    basis_parents = BASIS_PARENTS

    def __init__(self, data: bytes, bericht: str) -> None:
        super().__init__(data)
        self.bericht = bericht

    def klassen(self) -> list[etree._Element]:
        k = KLASSE[self.bericht]
        return self.find_all(f"Client/{'AangevraagdeProducten' if k == 'AangevraagdProduct' else k + 'en'}/{k}")

    def geboortedatum(self) -> etree._Element:
        return self.find_all("Client/Geboortedatum")[0]


Op = Callable[[Tree, random.Random], bool]  # False: not applicable to this base


def d(x: date) -> str:
    return x.isoformat()


def pick(t: Tree, r: random.Random) -> etree._Element:
    return r.choice(t.klassen())


def text_of(t: Tree, el: etree._Element, name: str) -> str | None:
    c = t.child(el, name)
    return None if c is None else c.text


# --- generic (all three messages) ------------------------------------------------------------------


def op_cs002(t: Tree, r: random.Random) -> bool:
    bsn = t.find_all("Client/Bsn")[0]
    digits = list(bsn.text.strip())
    i = r.randrange(9)
    digits[i] = str((int(digits[i]) + r.randrange(1, 10)) % 10)  # one changed digit always breaks the 11-proef
    bsn.text = "".join(digits)
    return True


def op_cs139(t: Tree, r: random.Random) -> bool:
    g = t.geboortedatum()
    soort = r.choice("123")
    y = r.randrange(1950, 2015)
    wrong = {"1": date(y, r.randrange(1, 13), r.randrange(2, 28)), "2": date(y, r.randrange(2, 13), 1),
             "3": date(y, 1, 1)}[soort]
    t.set(g, "Datum", d(wrong))
    t.set(g, "DatumGebruik", soort)
    return True


def op_tr002(t: Tree, r: random.Random) -> bool:
    dag = t.dagtekening
    t.set(t.geboortedatum(), "Datum", d(date(dag.year - r.choice([121, 125, 150]), r.randrange(1, 13), 1)))
    t.remove(t.geboortedatum(), "DatumGebruik")
    return True


def op_tr134_geboorte(t: Tree, r: random.Random) -> bool:
    t.set(t.geboortedatum(), "Datum", d(t.dagtekening + timedelta(days=r.randrange(1, 400))))
    t.remove(t.geboortedatum(), "DatumGebruik")
    return True


# --- 305 / 307 -----------------------------------------------------------------------------------------


def op_cs058(t: Tree, r: random.Random) -> bool:
    t.set(pick(t, r), "StatusAanlevering", r.choice("29"))
    return True


def op_tr101_dubbel(t: Tree, r: random.Random) -> bool:
    """Copy a start/stop line; the copy may delete (3) instead of deliver (1): still the same key."""
    el = pick(t, r)
    copy = deepcopy(el)
    t.set(copy, "StatusAanlevering", r.choice("13"))
    parent = el.getparent()
    parent.insert(r.randrange(len(parent) + 1), copy)
    if r.random() < 0.3:
        parent.append(deepcopy(copy))  # a group of three is still one report
    return True


def op_tr101_nummer_voorloopnul(t: Tree, r: random.Random) -> bool:
    """Copy a line and write its ToewijzingNummer with a leading zero: the same xs:integer."""
    cands = [k for k in t.klassen() if t.child(k, "ToewijzingNummer") is not None]
    if not cands:
        return False
    el = r.choice(cands)
    copy = deepcopy(el)
    t.set(copy, "ToewijzingNummer", "0" + t.child(el, "ToewijzingNummer").text.strip())
    el.addnext(copy)
    return True


def op_tr134_begindatum(t: Tree, r: random.Random) -> bool:
    el = pick(t, r)
    t.set(el, "Begindatum", d(t.dagtekening + timedelta(days=r.randrange(1, 60))))
    if t.bericht == "307":  # keep the stop after its start, so only TR134 fires
        t.set(el, "Einddatum", d(t.dagtekening + timedelta(days=r.randrange(60, 90))))
    return True


def op_tr134_einddatum(t: Tree, r: random.Random) -> bool:
    t.set(pick(t, r), "Einddatum", d(t.dagtekening + timedelta(days=r.randrange(1, 90))))
    return True


def op_tr018(t: Tree, r: random.Random) -> bool:
    el = pick(t, r)
    begin = date.fromisoformat(text_of(t, el, "Begindatum").strip())
    t.set(el, "Einddatum", d(begin - timedelta(days=r.randrange(1, 30))))
    return True


# --- 315 ------------------------------------------------------------------------------------------------


def aanvraag(t: Tree, r: random.Random, cond: Callable[[etree._Element], bool]) -> etree._Element | None:
    cands = [a for a in t.klassen() if cond(a)]
    return r.choice(cands) if cands else None


def has(t: Tree, path: str) -> Callable[[etree._Element], bool]:
    def test(a: etree._Element) -> bool:
        node: etree._Element | None = a
        for step in path.split("/"):
            node = t.child(node, step) if node is not None else None
        return node is not None

    return test


def set_omvang(t: Tree, a: etree._Element, volume: str, eenheid: str, freq: str) -> None:
    om = t.set(a, "Omvang", None)
    for c in list(om):
        om.remove(c)
    for name, v in (("Volume", volume), ("Eenheid", eenheid), ("Frequentie", freq)):
        t.set(om, name, v)


def op_cd041(t: Tree, r: random.Random) -> bool:
    a = aanvraag(t, r, has(t, "Product/Code"))
    if a is None:
        return False
    t.remove(a, "Omvang")
    if r.random() < 0.5:
        t.set(a, "Budget", str(r.randrange(1000, 90000)))  # generic request with a Code: CD041 only
        t.set(a, "ToewijzingEinddatum", text_of(t, a, "ToewijzingEinddatum") or "2027-01-31")
    return True


def op_cd043(t: Tree, r: random.Random) -> bool:
    a = pick(t, r)
    if t.child(a, "BeschikkingNummer") is not None and r.random() < 0.5:
        t.remove(a, r.choice(["BeschikkingNummer", "BeschikkingIngangsdatum"]))
    else:
        t.remove(a, "BeschikkingIngangsdatum")
        t.set(a, "BeschikkingNummer", str(r.randrange(1, 999999)))
    return True


def verwijzer(t: Tree, a: etree._Element, type_: str, naam: str | None, agb: str | None) -> None:
    v = t.child(a, "Verwijzer")
    for c in list(v):
        v.remove(c)
    t.set(v, "Type", type_)
    if naam is not None:
        t.set(v, "Naam", naam)
    if agb is not None:
        t.set(v, "ZorgverlenerCode", agb)


def op_cd066(t: Tree, r: random.Random) -> bool:
    verwijzer(t, pick(t, r), r.choice(["02", "03", "04", "05"]), "Dokter Proef", f"{r.randrange(10**7, 10**8)}")
    return True


def op_cd067(t: Tree, r: random.Random) -> bool:
    verwijzer(t, pick(t, r), r.choice(["02", "03", "04", "05"]), None, None)
    return True


def op_cd068(t: Tree, r: random.Random) -> bool:
    naam = "Proefverwijzer" if r.random() < 0.5 else None
    verwijzer(t, pick(t, r), r.choice(["01", "06", "08"]), naam, f"{r.randrange(10**7, 10**8)}")
    return True


def op_cd075(t: Tree, r: random.Random) -> bool:
    a = aanvraag(t, r, has(t, "Budget"))
    if a is None:
        a = aanvraag(t, r, lambda x: True)
        t.remove(a, "Omvang")
        t.set(a, "Budget", "125000")
    t.remove(a, "ToewijzingEinddatum")
    return True


def op_cd076(t: Tree, r: random.Random) -> bool:
    a = aanvraag(t, r, has(t, "Omvang"))
    if a is None:
        return False
    t.set(t.child(a, "Omvang"), "Frequentie", "2")
    t.set(t.child(a, "Omvang"), "Eenheid", r.choice(["01", "04", "14", "16"]))
    t.remove(a, "ToewijzingEinddatum")
    return True


def op_cd077_cd078(t: Tree, r: random.Random) -> bool:
    a = pick(t, r)
    if t.child(a, "Omvang") is None:
        set_omvang(t, a, "5", "04", "4")
    t.set(a, "Budget", str(r.randrange(100, 99999)))
    t.set(a, "ToewijzingEinddatum", text_of(t, a, "ToewijzingEinddatum") or "2027-12-31")
    return True


def op_cd079(t: Tree, r: random.Random) -> bool:
    a = pick(t, r)
    t.remove(a, "Product")
    t.remove(a, "Budget")
    if r.random() < 0.5:
        t.remove(a, "Omvang")  # without Omvang CD095 stays silent
    return True


def op_cd095(t: Tree, r: random.Random) -> bool:
    a = aanvraag(t, r, has(t, "Product"))
    if a is None:
        return False
    t.remove(t.child(a, "Product"), "Code")
    t.remove(a, "Budget")
    if t.child(a, "Omvang") is None:
        set_omvang(t, a, "2", "04", "4")
    if r.random() < 0.5:
        t.remove(a, "ToewijzingEinddatum")
    else:
        t.set(a, "ToewijzingEinddatum", "2027-03-31")
    return True


def op_cs003(t: Tree, r: random.Random) -> bool:
    a = pick(t, r)
    begin = date.fromisoformat(text_of(t, a, "ToewijzingIngangsdatum").strip())
    t.set(a, "ToewijzingEinddatum", d(begin - timedelta(days=r.randrange(1, 200))))
    return True


def op_cs343(t: Tree, r: random.Random) -> bool:
    a = pick(t, r)
    t.remove(a, "Budget")
    set_omvang(t, a, str(r.randrange(1, 20)), r.choice(["14", "16", "83", "84"]), "1")
    if r.random() < 0.5:
        t.remove(a, "ToewijzingEinddatum")
    else:
        t.set(a, "ToewijzingEinddatum", "2027-06-30")
    return True


def op_tr101_tr383(t: Tree, r: random.Random) -> bool:
    items = t.klassen()
    if len(items) < 2:
        return False
    i, j = sorted(r.sample(range(len(items)), 2))
    t.set(items[j], "ReferentieAanbieder", text_of(t, items[i], "ReferentieAanbieder"))
    if len(items) > 2 and r.random() < 0.3:  # three times the same reference
        k = next(x for x in range(len(items)) if x not in (i, j))
        t.set(items[k], "ReferentieAanbieder", text_of(t, items[i], "ReferentieAanbieder"))
    return True


def op_tr386_kopie(t: Tree, r: random.Random) -> bool:
    """A second request for the same product with its own reference and an overlapping period."""
    a = pick(t, r)
    copy = deepcopy(a)
    t.set(copy, "ReferentieAanbieder", f"KOPIE-{r.randrange(10**6)}")
    begin = date.fromisoformat(text_of(t, a, "ToewijzingIngangsdatum").strip())
    t.set(copy, "ToewijzingIngangsdatum", d(begin + timedelta(days=r.randrange(0, 20))))
    eind = text_of(t, a, "ToewijzingEinddatum")
    if eind is not None and date.fromisoformat(eind.strip()) < begin + timedelta(days=20):
        t.set(copy, "ToewijzingEinddatum", d(begin + timedelta(days=40)))
    if r.random() < 0.4 and t.child(copy, "Product") is not None:
        t.remove(t.child(copy, "Product"), "Code")  # same category without code still counts
        t.remove(copy, "Omvang")
        t.set(copy, "Budget", "10000")
        t.set(copy, "ToewijzingEinddatum", text_of(t, copy, "ToewijzingEinddatum") or "2028-01-31")
    a.addnext(copy)
    return True


def op_tr386_zonder_product(t: Tree, r: random.Random) -> bool:
    """A generic request (no Product, a Budget) overlaps every other request."""
    a = pick(t, r)
    t.remove(a, "Product")
    t.remove(a, "Omvang")
    t.set(a, "Budget", "50000")
    t.set(a, "ToewijzingIngangsdatum", "2026-06-15")
    t.set(a, "ToewijzingEinddatum", "2027-06-15")
    return True


# --- valid variants and known deviations ---------------------------------------------------------------


def op_geldig_prefixen(t: Tree, r: random.Random) -> bool:
    """Same message with other namespace prefixes, or the message namespace as default namespace."""
    inverse = {ns: p for p, ns in t.root.nsmap.items()}
    old_m, old_b = inverse.get(t.mns), inverse.get(t.bns)
    if not old_m or not old_b:
        return False
    new_m, new_b = r.choice([("m", "b"), ("ns0", "ns1"), ("bericht", "basis"), ("", "bs")])
    data = etree.tostring(t.root, encoding="UTF-8").decode()
    for old, new in ((old_m, new_m), (old_b, new_b)):
        data = re.sub(rf"(</?){old}:", lambda mo: mo[1] + (f"{new}:" if new else ""), data)
        data = data.replace(f"xmlns:{old}=", f"xmlns:{new}=" if new else "xmlns=")
    t.root = etree.fromstring(data.encode(), PARSER)
    return True


def op_geldig_commentaar(t: Tree, r: random.Random) -> bool:
    for el in r.sample(list(t.root.iter(etree.Element)), 4):
        if el is not t.root and len(el):
            el.insert(r.randrange(len(el) + 1), etree.Comment(f" proef {r.randrange(1000)} "))
    return True


def op_geldig_veel(t: Tree, r: random.Random) -> bool:
    """Many products with distinct keys (and, in a 315, distinct references and products)."""
    items = t.klassen()
    model, parent = items[-1], items[-1].getparent()
    for n in range(r.randrange(20, 60)):
        copy = deepcopy(model)
        if t.bericht == "315":
            t.set(copy, "ReferentieAanbieder", f"VEEL-{n:04d}")
            start = date(2030, 1, 1) + timedelta(days=40 * n)
            t.set(copy, "ToewijzingIngangsdatum", d(start))
            t.set(copy, "ToewijzingEinddatum", d(start + timedelta(days=30)))
            t.remove(copy, "Budget")
            if t.child(copy, "Omvang") is None:
                set_omvang(t, copy, "1", "04", "2")
            if t.child(copy, "Product") is None:
                t.set(copy, "Product", None)
                t.set(t.child(copy, "Product"), "Categorie", CATEGORIE[standaard_of(t)][2])
        else:
            t.set(copy, "ToewijzingNummer", str(700000 + n))
            t.set(copy, "StatusAanlevering", "1")
        parent.append(copy)
    return True


def op_geldig_verwijderen(t: Tree, r: random.Random) -> bool:
    t.set(pick(t, r), "StatusAanlevering", "3")
    return True


def op_geldig_datumgebruik(t: Tree, r: random.Random) -> bool:
    soort = r.choice("123")
    datum = {"1": "1980-05-01", "2": "1975-01-01", "3": "1900-01-01"}[soort]
    t.set(t.geboortedatum(), "Datum", datum)
    t.set(t.geboortedatum(), "DatumGebruik", soort)
    return True


def op_geldig_voor_2021(t: Tree, r: random.Random) -> bool:
    """A request that ended before 2021 may have Omvang without Code and Eenheid 16 per day."""
    a = aanvraag(t, r, has(t, "Product"))
    if a is None:
        return False
    t.remove(t.child(a, "Product"), "Code")
    t.remove(a, "Budget")
    t.remove(a, "BeschikkingNummer")
    t.remove(a, "BeschikkingIngangsdatum")
    t.set(a, "ToewijzingIngangsdatum", "2020-03-01")
    t.set(a, "ToewijzingEinddatum", d(date(2020, 12, r.randrange(1, 32))))
    set_omvang(t, a, "2", r.choice(["14", "16"]), "1")
    return True


def op_geldig_hulpmiddel_overlap(t: Tree, r: random.Random) -> bool:
    """iWmo: two overlapping requests in category 11-14 are allowed (in iJw the code is XSD-invalid)."""
    a = pick(t, r)
    cat = r.choice(["11", "12", "13", "14"])
    for el in (a, deepcopy(a)):
        if t.child(el, "Product") is None:
            t.set(el, "Product", None)
        t.set(t.child(el, "Product"), "Categorie", cat)
        if el is not a:
            t.set(el, "ReferentieAanbieder", "HULPMIDDEL-2")
            a.addnext(el)
    return True


def op_afwijking_datum_spaties(t: Tree, r: random.Random) -> bool:
    """Surround a date with spaces: XSD-valid (xs:date collapses), but the XSLT cuts the text."""
    names = {"Dagtekening", "Datum", "Begindatum", "Einddatum", "ToewijzingIngangsdatum", "ToewijzingEinddatum"}
    cands = [el for el in t.root.iter(etree.Element) if local(el) in names]
    el = r.choice(cands)
    el.text = r.choice(["  ", " ", "\t"]) + el.text.strip() + r.choice(["", " "])
    if r.random() < 0.5 and t.bericht != "315":  # and a duplicate line that differs only in that padding
        k = pick(t, r)
        copy = deepcopy(k)
        t.set(copy, "Begindatum", " " + text_of(t, k, "Begindatum").strip())
        k.addnext(copy)
    return True


def op_afwijking_referentie_spaties(t: Tree, r: random.Random) -> bool:
    """The same ReferentieAanbieder with surrounding spaces on the later request."""
    items = t.klassen()
    if len(items) < 2:
        return False
    i, j = sorted(r.sample(range(len(items)), 2))
    t.set(items[j], "ReferentieAanbieder", "  " + text_of(t, items[i], "ReferentieAanbieder").strip() + " ")
    return True


def standaard_of(t: Tree) -> str:
    return "ijw" if "/ijw/" in t.mns else "iwmo"


GENERIC: dict[str, Op] = {
    "CS002": op_cs002, "CS139": op_cs139, "TR002": op_tr002, "TR134": op_tr134_geboorte,
    "geldig-prefixen": op_geldig_prefixen, "geldig-commentaar": op_geldig_commentaar,
    "geldig-veel": op_geldig_veel, "geldig-datumgebruik": op_geldig_datumgebruik,
    "afwijking-datum-spaties": op_afwijking_datum_spaties,
}
OPERATORS: dict[str, dict[str, Op]] = {
    "305": {**GENERIC, "CS058": op_cs058, "TR101": op_tr101_dubbel, "TR134-begindatum": op_tr134_begindatum,
            "geldig-verwijderen": op_geldig_verwijderen, "afwijking-nummer": op_tr101_nummer_voorloopnul},
    "307": {**GENERIC, "CS058": op_cs058, "TR101": op_tr101_dubbel, "TR134-einddatum": op_tr134_einddatum,
            "TR018": op_tr018, "geldig-verwijderen": op_geldig_verwijderen,
            "afwijking-nummer": op_tr101_nummer_voorloopnul},
    "315": {**GENERIC, "CD041": op_cd041, "CD043": op_cd043, "CD066": op_cd066, "CD067": op_cd067,
            "CD068": op_cd068, "CD075": op_cd075, "CD076": op_cd076, "CD077": op_cd077_cd078,
            "CD079": op_cd079, "CD095": op_cd095, "CS003": op_cs003, "CS343": op_cs343,
            "TR101": op_tr101_tr383, "TR386": op_tr386_kopie, "TR386-zonder-product": op_tr386_zonder_product,
            "geldig-voor-2021": op_geldig_voor_2021, "geldig-hulpmiddel": op_geldig_hulpmiddel_overlap,
            "afwijking-referentie": op_afwijking_referentie_spaties},
}


def mutations(bases: dict[str, bytes], standaard: str, bericht: str, per_operator: int, seed: int = 315) -> Iterator[Mutation]:
    """``per_operator`` seeded mutations of every operator for every base, then a few stacked pairs."""
    return seeded_mutations(OPERATORS[bericht], bases, standaard, bericht, per_operator,
                            seed_prefix=f"{seed}/{standaard}/{bericht}", tree=lambda data: Tree(data, bericht))
