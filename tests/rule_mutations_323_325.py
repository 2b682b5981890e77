"""Seeded mutations of 323 and 325 messages for the differential rule test.

Each operator changes a valid declaratie (323) or declaratie-antwoord (325) so that one rule should
fire, or (target ``geldig``) keeps it valid in another form: other prefixes, a default namespace,
comments, many Prestaties, LF or CRLF. Operators edit the lxml tree in XSD element order
(tests/xmledit.py); the test drops the few results that are not XSD-valid. Deterministic per seed.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from copy import deepcopy
from datetime import date, timedelta

from lxml import etree

from tests.xmledit import PARSER, MessageTree, Mutation, local, seeded_mutations

PRESTATIE = ["ProductReferentie", "ToewijzingNummer", "ProductCategorie", "ProductCode", "ProductPeriode",
             "GeleverdVolume", "Eenheid", "ProductTarief", "IngediendBedrag", "RetourCodes"]
ORDER = {
    "Prestatie": PRESTATIE,
    "ProductReferentie": ["ReferentieNummer", "VorigReferentieNummer"],
    "ProductPeriode": ["Begindatum", "Einddatum"],
    "DeclaratiePeriode": ["Begindatum", "Einddatum"],
    "IngediendBedrag": ["Bedrag", "DebetCredit"],
    "TotaalIngediendBedrag": ["TotaalBedrag", "DebetCredit"],
    "TotaalToegekendBedrag": ["TotaalBedrag", "DebetCredit"],
}
BASIS_PARENTS = frozenset({"ProductReferentie", "ProductPeriode", "DeclaratiePeriode", "IngediendBedrag",
                           "TotaalIngediendBedrag", "TotaalToegekendBedrag"})


class Tree(MessageTree):
    order = ORDER
    basis_parents = BASIS_PARENTS

    def __init__(self, data: bytes, bericht: str) -> None:
        super().__init__(data)
        self.bericht = bericht

    @property
    def body(self) -> etree._Element:
        return self.find_all("Declaratie" if self.bericht == "323" else "DeclaratieAntwoord")[0]

    def clienten(self) -> list[etree._Element]:
        return [c for c in self.find_all(f"{local(self.body)}/Clienten/Client")]

    def prestaties(self) -> list[etree._Element]:
        return self.find_all(f"{local(self.body)}/Clienten/Client/Prestaties/Prestatie")

    def get(self, el: etree._Element, path: str) -> etree._Element | None:
        node: etree._Element | None = el
        for step in path.split("/"):
            node = self.child(node, step) if node is not None else None
        return node

    def text(self, el: etree._Element, path: str) -> str | None:
        node = self.get(el, path)
        return None if node is None else node.text

    def day(self, el: etree._Element, path: str) -> date:
        return date.fromisoformat(self.text(el, path).strip())

    def setp(self, el: etree._Element, path: str, text: str | None) -> etree._Element:
        """Set a descendant by a path of local names, creating missing steps in XSD order."""
        *parents, last = path.split("/")
        node = el
        for step in parents:
            node = self.child(node, step) if self.child(node, step) is not None else self.set(node, step, None)
        return self.set(node, last, text)

    def netto(self) -> int:
        total = 0
        for p in self.prestaties():
            bedrag = int(self.text(p, "IngediendBedrag/Bedrag"))
            total += bedrag if self.text(p, "IngediendBedrag/DebetCredit") == "D" else -bedrag
        return total

    def set_totaal(self, name: str, amount: int) -> None:
        t = self.child(self.body, name)
        self.set(t, "TotaalBedrag", str(abs(amount)))
        self.set(t, "DebetCredit", "D" if amount >= 0 else "C")

    def rebalance(self) -> None:
        """Make the totals agree with the Prestaties again (TR358 / TR342 stay silent)."""
        if self.bericht == "323":
            self.set_totaal("TotaalIngediendBedrag", self.netto())
        else:
            ingediend = self.signed("TotaalIngediendBedrag")
            self.set_totaal("TotaalToegekendBedrag", ingediend - self.netto())

    def signed(self, name: str) -> int:
        t = self.child(self.body, name)
        bedrag = int(self.text(t, "TotaalBedrag"))
        return -bedrag if self.text(t, "DebetCredit").strip() == "C" else bedrag


Op = Callable[[Tree, random.Random], bool]  # False: not applicable to this base


def d(x: date) -> str:
    return x.isoformat()


def pick(t: Tree, r: random.Random, cond: Callable[[etree._Element], bool] = lambda p: True) -> etree._Element | None:
    cands = [p for p in t.prestaties() if cond(p)]
    return r.choice(cands) if cands else None


def debet(t: Tree) -> Callable[[etree._Element], bool]:
    return lambda p: t.text(p, "IngediendBedrag/DebetCredit") == "D"


def fresh_ref(r: random.Random) -> str:
    return f"MUT-{r.randrange(10**6):06d}"


def last_day(x: date) -> date:
    nxt = date(x.year + (x.month == 12), x.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


# --- both messages ----------------------------------------------------------------------------------------


def op_cd060(t: Tree, r: random.Random) -> bool:
    p = pick(t, r)
    if t.get(p, "ProductReferentie/VorigReferentieNummer") is not None:
        t.remove(t.child(p, "ProductReferentie"), "VorigReferentieNummer")  # credit or debit without it
    else:
        t.setp(p, "ProductReferentie/VorigReferentieNummer", fresh_ref(r))
    if r.random() < 0.5:
        t.rebalance()
    return True


def op_cd060_credit(t: Tree, r: random.Random) -> bool:
    """Turn a line into credit (or debit) without touching its VorigReferentieNummer."""
    p = pick(t, r)
    dc = t.get(p, "IngediendBedrag/DebetCredit")
    dc.text = "D" if dc.text == "C" else "C"
    t.rebalance()
    return True


def op_tr101_client(t: Tree, r: random.Random) -> bool:
    cl = t.clienten()
    if len(cl) >= 2 and r.random() < 0.6:
        i, j = sorted(r.sample(range(len(cl)), 2))
        t.set(cl[j], "Bsn", t.text(cl[i], "Bsn"))
    else:
        c = r.choice(cl)
        copy = deepcopy(c)
        for p in copy.iter(etree.Element):
            if local(p) == "ReferentieNummer":
                p.text = fresh_ref(r)
        c.addnext(copy)
        t.rebalance()
    return True


def op_tr101_prestatie(t: Tree, r: random.Random) -> bool:
    """Copy a Prestatie within its Client with the same references (a duplicate line)."""
    p = pick(t, r)
    copy = deepcopy(p)
    if r.random() < 0.5:  # another period: only the references make it a duplicate
        begin = t.day(copy, "ProductPeriode/Begindatum") - timedelta(days=40)
        begin = begin.replace(day=1)
        t.setp(copy, "ProductPeriode/Begindatum", d(begin))
        t.setp(copy, "ProductPeriode/Einddatum", d(last_day(begin)))
    parent = p.getparent()
    parent.insert(r.randrange(len(parent) + 1), copy)
    if r.random() < 0.3:
        parent.append(deepcopy(copy))  # three of a kind: still one report
    t.rebalance()
    return True


def op_tr101_zelfde_ref_andere_client(t: Tree, r: random.Random) -> bool:
    """geldig for TR101: the same references under another Client are no duplicate."""
    cl = t.clienten()
    if len(cl) < 2:
        return False
    a, b = r.sample(cl, 2)
    src = r.choice([p for p in a.iter(etree.Element) if local(p) == "Prestatie"])
    dst = r.choice([p for p in b.iter(etree.Element) if local(p) == "Prestatie"])
    t.setp(dst, "ProductReferentie/ReferentieNummer", t.text(src, "ProductReferentie/ReferentieNummer"))
    return True


def op_tr134(t: Tree, r: random.Random) -> bool:
    p = pick(t, r)
    begin = t.dagtekening + timedelta(days=r.randrange(1, 20))
    t.setp(p, "ProductPeriode/Begindatum", d(begin))
    if r.random() < 0.5:
        t.setp(p, "ProductPeriode/Einddatum", d(begin + timedelta(days=r.randrange(0, 5))))
    return True


def op_tr137_omgekeerd(t: Tree, r: random.Random) -> bool:
    p = pick(t, r)
    begin = t.day(p, "ProductPeriode/Begindatum")
    t.setp(p, "ProductPeriode/Einddatum", d(begin - timedelta(days=r.randrange(1, 40))))
    return True


def op_tr137_na_dagtekening(t: Tree, r: random.Random) -> bool:
    p = pick(t, r)
    t.setp(p, "ProductPeriode/Einddatum", d(t.dagtekening + timedelta(days=r.randrange(1, 30))))
    return True


def op_cs325(t: Tree, r: random.Random) -> bool:
    if r.random() < 0.6:
        p = pick(t, r)
        t.setp(p, "IngediendBedrag/Bedrag", r.choice(["0", "00"]))
        t.setp(p, "IngediendBedrag/DebetCredit", "C")
        t.setp(p, "ProductReferentie/VorigReferentieNummer", fresh_ref(r))
        t.rebalance()
    else:
        name = r.choice(["TotaalIngediendBedrag"] + (["TotaalToegekendBedrag"] if t.bericht == "325" else []))
        tot = t.child(t.body, name)
        t.set(tot, "TotaalBedrag", "0")
        t.set(tot, "DebetCredit", "C")
    return True


def op_geldig_prefixen(t: Tree, r: random.Random) -> bool:
    """Same message with other namespace prefixes, or the message namespace as default namespace."""
    inverse = {ns: p for p, ns in t.root.nsmap.items()}
    old_m, old_b = inverse.get(t.mns), inverse.get(t.bns)
    if not old_m or not old_b:
        return False
    new_m, new_b = r.choice([("m", "b"), ("ns0", "ns1"), ("decl", "basis"), ("", "bs")])
    data = etree.tostring(t.root, encoding="UTF-8").decode()
    for old, new in ((old_m, new_m), (old_b, new_b)):
        data = re.sub(rf"(</?){old}:", lambda mo: mo[1] + (f"{new}:" if new else ""), data)
        data = data.replace(f"xmlns:{old}=", f"xmlns:{new}=" if new else "xmlns=")
    t.root = etree.fromstring(data.encode(), PARSER)
    return True


def op_geldig_commentaar(t: Tree, r: random.Random) -> bool:
    for el in r.sample([e for e in t.root.iter(etree.Element) if len(e)], 5):
        el.insert(r.randrange(len(el) + 1), etree.Comment(f" proef {r.randrange(1000)} "))
    return True


def op_geldig_veel(t: Tree, r: random.Random) -> bool:
    """Many Prestaties per Client with their own references; totals kept right."""
    for client in t.clienten():
        model = [p for p in client.iter(etree.Element) if local(p) == "Prestatie"][-1]
        parent = model.getparent()
        for n in range(r.randrange(15, 40)):
            copy = deepcopy(model)
            t.setp(copy, "ProductReferentie/ReferentieNummer", f"VEEL-{n:04d}-{r.randrange(10**4)}")
            t.remove(t.child(copy, "ProductReferentie"), "VorigReferentieNummer")
            t.setp(copy, "IngediendBedrag/DebetCredit", "D")
            t.set(copy, "ToewijzingNummer", str(800000 + n))
            parent.append(copy)
    t.rebalance()
    return True


def op_geldig_credit_paar(t: Tree, r: random.Random) -> bool:
    """A credit of an earlier declared line plus its corrected debit: allowed in one message."""
    p = pick(t, r, debet(t))
    if p is None:
        return False
    credit = deepcopy(p)
    old = fresh_ref(r)
    t.setp(credit, "ProductReferentie/ReferentieNummer", fresh_ref(r) + "C")
    t.setp(credit, "ProductReferentie/VorigReferentieNummer", old)
    t.setp(credit, "IngediendBedrag/DebetCredit", "C")
    p.addnext(credit)
    t.rebalance()
    return True


def op_afwijking_datum_spaties(t: Tree, r: random.Random) -> bool:
    """Surround a date with whitespace: XSD-valid, but the XSLT cuts or compares the text."""
    names = {"Dagtekening", "Begindatum", "Einddatum", "DeclaratieDagtekening"}
    el = r.choice([e for e in t.root.iter(etree.Element) if local(e) in names])
    el.text = r.choice([" ", "  ", "\t"]) + el.text.strip() + r.choice(["", " "])
    return True


def op_afwijking_bedrag(t: Tree, r: random.Random) -> bool:
    """An amount with a leading zero or a plus sign: the same xs:integer, another text."""
    el = r.choice([e for e in t.root.iter(etree.Element) if local(e) in ("Bedrag", "TotaalBedrag")])
    el.text = r.choice(["0", "+", "00", "+0"]) + el.text.strip()
    return True


def op_afwijking_bedrag_nul(t: Tree, r: random.Random) -> bool:
    """A credit amount written as +0: zero for the schema, not a number for the XSLT."""
    p = pick(t, r)
    t.setp(p, "IngediendBedrag/Bedrag", "+0")
    t.setp(p, "IngediendBedrag/DebetCredit", "C")
    t.setp(p, "ProductReferentie/VorigReferentieNummer", fresh_ref(r))
    return True


GENERIC: dict[str, Op] = {
    "CD060": op_cd060, "CD060-credit": op_cd060_credit, "TR101-client": op_tr101_client,
    "TR101-prestatie": op_tr101_prestatie, "TR134": op_tr134, "TR137-omgekeerd": op_tr137_omgekeerd,
    "TR137-na-dagtekening": op_tr137_na_dagtekening, "CS325": op_cs325,
    "geldig-prefixen": op_geldig_prefixen, "geldig-commentaar": op_geldig_commentaar, "geldig-veel": op_geldig_veel,
    "geldig-andere-client": op_tr101_zelfde_ref_andere_client,
    "afwijking-datum-spaties": op_afwijking_datum_spaties, "afwijking-bedrag": op_afwijking_bedrag,
    "afwijking-bedrag-nul": op_afwijking_bedrag_nul,
}


# --- 323 ----------------------------------------------------------------------------------------------------


def op_cd087(t: Tree, r: random.Random) -> bool:
    p = pick(t, r)
    if t.child(p, "ProductTarief") is not None:
        t.remove(p, "ProductTarief")
    else:
        t.set(p, "ProductTarief", str(r.randrange(100, 9000)))
    return True


def op_cd087_eenheid(t: Tree, r: random.Random) -> bool:
    p = pick(t, r)
    t.set(p, "Eenheid", "83" if t.text(p, "Eenheid") != "83" else r.choice(["04", "14", "16"]))
    return True


def op_cs100(t: Tree, r: random.Random) -> bool:
    begin = date(r.choice([2019, 2020]), r.randrange(1, 13), 1)
    if r.random() < 0.4:
        per = t.child(t.body, "DeclaratiePeriode")
        t.set(per, "Begindatum", d(begin))
        t.set(per, "Einddatum", d(last_day(begin)))
    else:
        p = pick(t, r)
        t.setp(p, "ProductPeriode/Begindatum", d(begin))
        t.setp(p, "ProductPeriode/Einddatum", d(last_day(begin)))
    return True


def op_geldig_cs100_grens(t: Tree, r: random.Random) -> bool:
    p = pick(t, r)
    t.setp(p, "ProductPeriode/Begindatum", "2021-01-01")
    t.setp(p, "ProductPeriode/Einddatum", d(date(2021, 1, r.randrange(1, 32))))
    return True


def op_cs337(t: Tree, r: random.Random) -> bool:
    p = pick(t, r)
    begin = t.day(p, "ProductPeriode/Begindatum")
    kind = r.choice(["maand", "jaar", "beide"])
    einde = {"maand": begin.replace(day=1) + timedelta(days=r.randrange(32, 58)),
             "jaar": date(begin.year + 1, begin.month, r.randrange(1, 28)),
             "beide": date(begin.year + 1, begin.month % 12 + 1, 1)}[kind]
    t.setp(p, "ProductPeriode/Einddatum", d(einde))
    return True


def op_cs339(t: Tree, r: random.Random) -> bool:
    p = pick(t, r, lambda p: t.text(p, "Eenheid") == "83")
    if p is None:
        p = pick(t, r)
        t.set(p, "Eenheid", "83")
        t.remove(p, "ProductTarief")
    volume = int(t.text(p, "GeleverdVolume"))
    t.set(p, "GeleverdVolume", str(volume + r.choice([-1, 1, 100])))
    return True


def op_cs340(t: Tree, r: random.Random) -> bool:
    per = t.child(t.body, "DeclaratiePeriode")
    begin = date.fromisoformat(t.text(per, "Begindatum").strip())
    kind = r.choice(["begin", "einde", "twee-maanden", "dag-31"])
    if kind == "begin":
        t.set(per, "Begindatum", d(begin.replace(day=r.randrange(2, 15))))
    elif kind == "einde":
        t.set(per, "Einddatum", d(last_day(begin) - timedelta(days=r.randrange(1, 10))))
    elif kind == "twee-maanden":
        t.set(per, "Einddatum", d(last_day(last_day(begin) + timedelta(days=1))))
    else:  # 31 January + one month runs into March in the XSLT's arithmetic
        t.set(per, "Begindatum", f"{begin.year}-01-31")
        t.set(per, "Einddatum", r.choice([f"{begin.year}-03-02", f"{begin.year}-02-28", f"{begin.year}-03-30"]))
    return True


def op_geldig_cs340_december(t: Tree, r: random.Random) -> bool:
    per = t.child(t.body, "DeclaratiePeriode")
    year = r.choice([2024, 2025])
    t.set(per, "Begindatum", f"{year}-12-01")
    t.set(per, "Einddatum", f"{year}-12-31")
    if r.random() < 0.5:
        t.set(per, "Begindatum", "2024-02-01")
        t.set(per, "Einddatum", "2024-02-29")  # leap year
    return True


def op_tr315(t: Tree, r: random.Random) -> bool:
    """Two credit lines naming the same earlier line."""
    items = t.prestaties()
    i, j = sorted(r.sample(range(len(items)), 2))
    vorig = t.text(items[i], "ProductReferentie/VorigReferentieNummer") or fresh_ref(r)
    for k in (i, j):
        t.setp(items[k], "ProductReferentie/VorigReferentieNummer", vorig)
        t.setp(items[k], "IngediendBedrag/DebetCredit", "C")
    if len(items) > 2 and r.random() < 0.3:
        k = next(x for x in range(len(items)) if x not in (i, j))
        t.setp(items[k], "ProductReferentie/VorigReferentieNummer", vorig)
        t.setp(items[k], "IngediendBedrag/DebetCredit", "C")
    t.rebalance()
    return True


def op_tr316(t: Tree, r: random.Random) -> bool:
    """A credit line that names a line of this same message (earlier, later, or itself)."""
    items = t.prestaties()
    i, j = r.sample(range(len(items)), 2)
    target = items[j] if r.random() < 0.8 else items[i]
    t.setp(items[i], "ProductReferentie/VorigReferentieNummer", t.text(target, "ProductReferentie/ReferentieNummer"))
    t.setp(items[i], "IngediendBedrag/DebetCredit", "C")
    t.rebalance()
    return True


def op_tr319(t: Tree, r: random.Random) -> bool:
    p = pick(t, r)
    einde = date.fromisoformat(t.text(t.child(t.body, "DeclaratiePeriode"), "Einddatum").strip())
    if r.random() < 0.5:
        t.setp(p, "ProductPeriode/Einddatum", d(einde + timedelta(days=r.randrange(1, 4))))
    else:
        begin = einde + timedelta(days=1)
        t.setp(p, "ProductPeriode/Begindatum", d(begin))
        t.setp(p, "ProductPeriode/Einddatum", d(begin + timedelta(days=r.randrange(0, 3))))
    return True


def op_tr335(t: Tree, r: random.Random) -> bool:
    p = pick(t, r)
    einde = t.day(p, "ProductPeriode/Einddatum")
    gap = r.choice([1, 0, 30, 400])  # 0: exactly five years, which is allowed
    dag = date(einde.year + 5, einde.month, min(einde.day, 28)) + timedelta(days=gap)
    t.set(t.body, "DeclaratieDagtekening", d(dag))
    return True


def op_tr335_schrikkel(t: Tree, r: random.Random) -> bool:
    """DeclaratieDagtekening on 29 February: five years earlier is the 28th."""
    p = pick(t, r)
    t.setp(p, "ProductPeriode/Begindatum", "2027-02-01")
    t.setp(p, "ProductPeriode/Einddatum", r.choice(["2027-02-27", "2027-02-28"]))
    t.set(t.body, "DeclaratieDagtekening", "2032-02-29")
    return True


def op_tr358(t: Tree, r: random.Random) -> bool:
    tot = t.child(t.body, "TotaalIngediendBedrag")
    if r.random() < 0.4:
        t.set(tot, "DebetCredit", "C" if t.text(tot, "DebetCredit") == "D" else "D")
    else:
        t.set(tot, "TotaalBedrag", str(abs(t.netto()) + r.choice([1, -1, 100, 5000])))
    return True


def op_tr358_negatief(t: Tree, r: random.Random) -> bool:
    """Mostly credit lines: the total becomes credit; sometimes it is left debet (TR358)."""
    for p in t.prestaties():
        t.setp(p, "IngediendBedrag/DebetCredit", "C")
        t.setp(p, "ProductReferentie/VorigReferentieNummer", fresh_ref(r))
    t.rebalance()
    if r.random() < 0.5:
        t.set(t.child(t.body, "TotaalIngediendBedrag"), "DebetCredit", "D")
    return True


def op_tr416(t: Tree, r: random.Random) -> bool:
    """A second debit line for the same period, product and allocation (own references)."""
    p = pick(t, r, debet(t))
    if p is None:
        return False
    copy = deepcopy(p)
    t.setp(copy, "ProductReferentie/ReferentieNummer", fresh_ref(r))
    t.remove(t.child(copy, "ProductReferentie"), "VorigReferentieNummer")
    if r.random() < 0.3:
        t.set(copy, "GeleverdVolume", "1")
    p.getparent().append(copy)
    if r.random() < 0.3:
        p.getparent().append(deepcopy(copy))
        t.setp(p.getparent()[-1], "ProductReferentie/ReferentieNummer", fresh_ref(r))
    t.rebalance()
    return True


def op_afwijking_nummer(t: Tree, r: random.Random) -> bool:
    """TR416 with one ToewijzingNummer written with a leading zero (the same xs:integer)."""
    p = pick(t, r, debet(t))
    if p is None:
        return False
    copy = deepcopy(p)
    t.setp(copy, "ProductReferentie/ReferentieNummer", fresh_ref(r))
    t.set(copy, "ToewijzingNummer", "0" + t.text(p, "ToewijzingNummer").strip())
    p.addnext(copy)
    t.rebalance()
    return True


def op_afwijking_referentie(t: Tree, r: random.Random) -> bool:
    """TR315/TR316 with a reference that has whitespace around it on the later line."""
    items = t.prestaties()
    i, j = sorted(r.sample(range(len(items)), 2))
    if r.random() < 0.5:
        vorig = fresh_ref(r)
        t.setp(items[i], "ProductReferentie/VorigReferentieNummer", vorig)
        t.setp(items[j], "ProductReferentie/VorigReferentieNummer", " " + vorig + " ")
    else:
        t.setp(items[j], "ProductReferentie/VorigReferentieNummer",
               "  " + t.text(items[i], "ProductReferentie/ReferentieNummer").strip())
    for k in (i, j):
        t.setp(items[k], "IngediendBedrag/DebetCredit", "C")
    t.rebalance()
    return True


# --- 325 ----------------------------------------------------------------------------------------------------


def op_tr342(t: Tree, r: random.Random) -> bool:
    name = r.choice(["TotaalToegekendBedrag", "TotaalIngediendBedrag"])
    tot = t.child(t.body, name)
    if r.random() < 0.3:
        t.set(tot, "DebetCredit", "C" if t.text(tot, "DebetCredit") == "D" else "D")
    else:
        t.set(tot, "TotaalBedrag", str(int(t.text(tot, "TotaalBedrag")) + r.choice([1, 100, 2500])))
    return True


def op_tr342_afgewezen(t: Tree, r: random.Random) -> bool:
    """The whole declaration rejected (another RetourCode): the granted total must be 0."""
    codes = t.child(t.body, "RetourCodes")
    codes[0].text = r.choice(["0001", "8001", "0200"])  # 8001 and 0200 do not reject
    if r.random() < 0.4:
        t.set(t.child(t.body, "TotaalToegekendBedrag"), "TotaalBedrag", "0")
        t.set(t.child(t.body, "TotaalToegekendBedrag"), "DebetCredit", "D")
    return True


def op_geldig_zonder_clienten(t: Tree, r: random.Random) -> bool:
    """Nothing rejected: no Clienten, and both totals equal."""
    t.body.remove(t.child(t.body, "Clienten"))
    ingediend = t.signed("TotaalIngediendBedrag")
    t.set_totaal("TotaalToegekendBedrag", ingediend)
    return True


OPERATORS: dict[str, dict[str, Op]] = {
    "323": {**GENERIC, "CD087": op_cd087, "CD087-eenheid": op_cd087_eenheid, "CS100": op_cs100,
            "geldig-cs100-grens": op_geldig_cs100_grens, "CS337": op_cs337, "CS339": op_cs339, "CS340": op_cs340,
            "geldig-cs340": op_geldig_cs340_december, "TR315": op_tr315, "TR316": op_tr316, "TR319": op_tr319,
            "TR335": op_tr335, "TR335-schrikkel": op_tr335_schrikkel, "TR358": op_tr358,
            "TR358-negatief": op_tr358_negatief, "TR416": op_tr416, "geldig-credit-paar": op_geldig_credit_paar,
            "afwijking-nummer": op_afwijking_nummer, "afwijking-referentie": op_afwijking_referentie},
    "325": {**GENERIC, "TR342": op_tr342, "TR342-afgewezen": op_tr342_afgewezen,
            "geldig-zonder-clienten": op_geldig_zonder_clienten},
}


def mutations(bases: dict[str, bytes], standaard: str, bericht: str, per_operator: int, seed: int = 323) -> Iterator[Mutation]:
    """``per_operator`` seeded mutations of every operator for every base, then stacked pairs."""
    return seeded_mutations(OPERATORS[bericht], bases, standaard, bericht, per_operator,
                            seed_prefix=f"{seed}/{standaard}/{bericht}", tree=lambda data: Tree(data, bericht),
                            stacked_per_operator=3)
