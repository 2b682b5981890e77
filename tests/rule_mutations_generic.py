"""Seeded mutations aimed at the generic rules (matched by element name), for any message.

The generic templates of the official XSLT fire wherever their element exists, retours included:
CS002 on every Bsn, CS139 and TR002 on every Geboortedatum, and the address and name rules (CD005,
CD007, CD025, CS050, CS089) in the 302. Each operator edits one such element so that one rule should
fire, or (target ``geldig``) keeps the message valid in a border case. An operator that finds no
element to edit is skipped. New children are put where the message's XSD wants them: the order
comes from the universal instance of ``tests.xslt_coverage``. Deterministic for a given seed.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from lxml import etree

from berichten.release import MessageType
from tests.xmledit import PARSER, local
from tests.xslt_coverage import universal_instance


@dataclass(frozen=True)
class Mutation:
    name: str  # operator and seed, e.g. "302/CS089-spatie#2"
    target: str  # the rule code aimed at, or "geldig"
    standaard: str
    bericht: str
    base: str
    data: bytes


@lru_cache(maxsize=None)
def _order(message: MessageType) -> dict[tuple[str, ...], list[str]]:
    """Local-name path of a parent -> the Clark names of its possible children, in XSD order."""
    root = universal_instance(message).root
    out: dict[tuple[str, ...], list[str]] = {}
    for el in root.iter():
        key = tuple(local(a) for a in reversed(list(el.iterancestors()))) + (local(el),)
        out[key] = [c.tag for c in el]
    return out


class Editor:
    """A message tree with XSD-ordered insertion of children by local name."""

    def __init__(self, data: bytes, message: MessageType) -> None:
        self.root = etree.fromstring(data, PARSER)
        self.message = message

    def all(self, name: str) -> list[etree._Element]:
        return [el for el in self.root.iter() if local(el) == name]

    def child(self, parent: etree._Element, name: str) -> etree._Element | None:
        return next((c for c in parent if local(c) == name), None)

    def set(self, parent: etree._Element, name: str, text: str | None) -> etree._Element:
        """Set a child's text, creating the child in XSD order when it is missing."""
        el = self.child(parent, name)
        if el is None:
            key = tuple(local(a) for a in reversed(list(parent.iterancestors()))) + (local(parent),)
            order = _order(self.message)[key]
            tag = next(t for t in order if etree.QName(t).localname == name)
            before = {etree.QName(t).localname for t in order[: order.index(tag)]}
            index = 0
            for i, c in enumerate(parent):
                if local(c) in before:
                    index = i + 1
            el = etree.Element(tag)
            parent.insert(index, el)
        el.text = text
        return el

    def remove(self, parent: etree._Element, name: str) -> bool:
        el = self.child(parent, name)
        if el is None:
            return False
        parent.remove(el)
        return True

    @property
    def dagtekening(self) -> date:
        return date.fromisoformat(self.all("Dagtekening")[0].text.strip())

    prefixes: dict[str, str] | None = None  # rename prefixes on output (the XSLT matches namespaces)

    def bytes(self) -> bytes:
        data = etree.tostring(self.root, xml_declaration=True, encoding="UTF-8")
        for old, new in (self.prefixes or {}).items():
            for a, b in ((f"<{old}:", f"<{new}:"), (f"</{old}:", f"</{new}:"), (f"xmlns:{old}=", f"xmlns:{new}=")):
                data = data.replace(a.encode(), b.encode())
        return data


Op = Callable[[Editor, random.Random], bool]  # False: nothing to edit in this base


def _weighted(digits: str) -> int:
    return sum(int(d) * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2, -1)))


def _valid_bsn(r: random.Random) -> str:
    while True:
        first = f"{r.randrange(10_000_000, 100_000_000):08d}"
        for last in range(10):
            if _weighted(first + str(last)) % 11 == 0:
                return first + str(last)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# --- operators -------------------------------------------------------------------------------------


def bsn_elfproef(t: Editor, r: random.Random) -> bool:
    """One digit off: the 11-proef fails (a change of one digit always changes the sum mod 11)."""
    bsns = t.all("Bsn")
    if not bsns:
        return False
    el = r.choice(bsns)
    digits = list(el.text.strip())
    i = r.randrange(9)
    digits[i] = str((int(digits[i]) + r.randrange(1, 10)) % 10)
    el.text = "".join(digits)
    return True


def bsn_ander_geldig(t: Editor, r: random.Random) -> bool:
    bsns = t.all("Bsn")
    for el in bsns:
        el.text = _valid_bsn(r)
    return bool(bsns)


def _geboortedatum(t: Editor, r: random.Random) -> etree._Element | None:
    found = t.all("Geboortedatum")
    return r.choice(found) if found else None


def _set_birth(t: Editor, r: random.Random, datum: date | str, gebruik: str | None) -> etree._Element | None:
    """Give one Geboortedatum this Datum and DatumGebruik (None: without); None when there is none."""
    g = _geboortedatum(t, r)
    if g is None:
        return None
    t.set(g, "Datum", datum if isinstance(datum, str) else datum.isoformat())
    if gebruik is None:
        t.remove(g, "DatumGebruik")
    else:
        t.set(g, "DatumGebruik", gebruik)
    return g


def _birth(t: Editor, r: random.Random, datum: date | str, gebruik: str | None) -> bool:
    return _set_birth(t, r, datum, gebruik) is not None


def gebruik_1_dag(t: Editor, r: random.Random) -> bool:
    return _birth(t, r, date(2012, r.randrange(1, 13), r.randrange(2, 29)), "1")


def gebruik_1_goed(t: Editor, r: random.Random) -> bool:
    return _birth(t, r, date(2012, r.randrange(1, 13), 1), "1")


def gebruik_2_maand(t: Editor, r: random.Random) -> bool:
    return _birth(t, r, date(2011, r.randrange(2, 13), 1), "2")


def gebruik_2_goed(t: Editor, r: random.Random) -> bool:
    return _birth(t, r, date(2011, 1, 1), "2")


def gebruik_3_datum(t: Editor, r: random.Random) -> bool:
    return _birth(t, r, date(r.randrange(1950, 2015), 1, 1), "3")


def gebruik_3_goed(t: Editor, r: random.Random) -> bool:
    return _birth(t, r, "1900-01-01", "3")  # fully unknown: also exempt from TR002


def te_oud(t: Editor, r: random.Random) -> bool:
    return _birth(t, r, _years_before(t.dagtekening, 120 + r.randrange(1, 30)), None)


def te_oud_een_dag(t: Editor, r: random.Random) -> bool:
    return _birth(t, r, _years_before(t.dagtekening, 120) - timedelta(days=1), None)


def precies_120(t: Editor, r: random.Random) -> bool:
    return _birth(t, r, _years_before(t.dagtekening, 120), None)


def onbekend_zonder_gebruik(t: Editor, r: random.Random) -> bool:
    return _birth(t, r, "1900-01-01", None)  # without DatumGebruik 3 the date counts: TR002


def _adres(t: Editor, r: random.Random) -> etree._Element | None:
    found = t.all("Adres")
    return r.choice(found) if found else None


def zonder_landcode(t: Editor, r: random.Random) -> bool:
    a = _adres(t, r)
    return a is not None and t.child(a, "Postcode") is not None and t.remove(a, "LandCode")


def zonder_postcode(t: Editor, r: random.Random) -> bool:
    a = _adres(t, r)
    if a is None:
        return False
    t.set(a, "LandCode", r.choice(["NL", "BE"]))
    return t.remove(a, "Postcode")


def nl_zonder_huisnummer(t: Editor, r: random.Random) -> bool:
    a = _adres(t, r)
    if a is None:
        return False
    t.set(a, "LandCode", "NL")
    return t.remove(a, "Huis")


def postcode_vorm(t: Editor, r: random.Random) -> bool:
    a = _adres(t, r)
    if a is None:
        return False
    t.set(a, "LandCode", "NL")
    t.set(a, "Postcode", r.choice(["0123AB", "1234A", "12345", "AB1234", "1234 AB", "12345A", "1234ABC"]))
    return True


def postcode_goed(t: Editor, r: random.Random) -> bool:
    a = _adres(t, r)
    if a is None:
        return False
    t.set(a, "LandCode", "NL")
    t.set(a, "Postcode", f"{r.randrange(1000, 10000)}{r.choice(['AB', 'zz', 'Kp'])}")
    return True


def buitenland(t: Editor, r: random.Random) -> bool:
    a = _adres(t, r)
    if a is None:
        return False
    t.set(a, "LandCode", r.choice(["BE", "DE"]))
    t.set(a, "Postcode", r.choice(["1000", "52062", "0123AB"]))  # any form outside NL
    return True


def _communicatie(t: Editor, r: random.Random) -> etree._Element | None:
    found = t.all("Communicatie")
    return r.choice(found) if found else None


def tolk_zonder_taal(t: Editor, r: random.Random) -> bool:
    c = _communicatie(t, r)
    if c is None:
        return False
    t.set(c, "Vorm", "1")
    t.remove(c, "Taal")
    return True


def taal_zonder_tolk(t: Editor, r: random.Random) -> bool:
    c = _communicatie(t, r)
    if c is None:
        return False
    t.set(c, "Vorm", r.choice(["2", "3", "4"]))
    t.set(c, "Taal", "Pools")
    return True


def geen_tolk_geen_taal(t: Editor, r: random.Random) -> bool:
    c = _communicatie(t, r)
    if c is None:
        return False
    t.set(c, "Vorm", r.choice(["2", "3"]))
    t.remove(c, "Taal")
    return True


def _naam(t: Editor, r: random.Random) -> etree._Element | None:
    found = [n for n in t.all("Naam") if t.child(n, "NaamGebruik") is not None]
    return r.choice(found) if found else None


def _partnernaam(t: Editor, naam: etree._Element, present: bool) -> None:
    if not present:
        t.remove(naam, "Partnernaam")
    elif t.child(naam, "Partnernaam") is None:
        t.set(t.set(naam, "Partnernaam", None), "Achternaam", "Dijkman")


def naamgebruik(partner: bool, codes: tuple[str, ...]) -> Op:
    def op(t: Editor, r: random.Random) -> bool:
        n = _naam(t, r)
        if n is None:
            return False
        _partnernaam(t, n, partner)
        t.set(n, "NaamGebruik", r.choice(codes))
        return True

    return op


def spaties_dagtekening_oud(t: Editor, r: random.Random) -> bool:
    """Dagtekening with a leading space (XSD-valid) and a birth date over 120 years back."""
    if not _birth(t, r, _years_before(t.dagtekening, 125), None):
        return False
    dag = t.all("Dagtekening")[0]
    dag.text = " " + dag.text.strip()
    return True


def spaties_datum_gebruik(t: Editor, r: random.Random) -> bool:
    """Geboortedatum/Datum with trailing whitespace and DatumGebruik 1, the day correctly 01."""
    g = _set_birth(t, r, date(2013, r.randrange(1, 13), 1), "1")
    if g is None:
        return False
    t.child(g, "Datum").text += r.choice([" ", "\t", "  "])
    return True


def andere_prefixen(t: Editor, r: random.Random) -> bool:
    """Same message, other prefixes: what counts is the namespace."""
    t.prefixes = {p: f"{p[0]}{r.randrange(10)}x" for p in t.root.nsmap if p}
    return bool(t.prefixes)


def dubbel(t: Editor, r: random.Random) -> bool:
    """Two operators at once: several findings in one message."""
    ops = [op for _, target, op in OPERATORS if target not in ("meer", "afwijking")]
    return sum(bool(op(t, r)) for op in r.sample(ops, 2)) > 0


OPERATORS: list[tuple[str, str, Op]] = [
    ("CS002-cijfer", "CS002", bsn_elfproef),
    ("bsn-geldig", "geldig", bsn_ander_geldig),
    ("CS139-gebruik-1", "CS139", gebruik_1_dag),
    ("gebruik-1-goed", "geldig", gebruik_1_goed),
    ("CS139-gebruik-2", "CS139", gebruik_2_maand),
    ("gebruik-2-goed", "geldig", gebruik_2_goed),
    ("CS139-gebruik-3", "CS139", gebruik_3_datum),
    ("gebruik-3-goed", "geldig", gebruik_3_goed),
    ("TR002-te-oud", "TR002", te_oud),
    ("TR002-een-dag", "TR002", te_oud_een_dag),
    ("precies-120", "geldig", precies_120),
    ("TR002-1900", "TR002", onbekend_zonder_gebruik),
    ("CD005-landcode", "CD005", zonder_landcode),
    ("CD005-postcode", "CD005", zonder_postcode),
    ("CD025-huisnummer", "CD025", nl_zonder_huisnummer),
    ("CS089-vorm", "CS089", postcode_vorm),
    ("postcode-goed", "geldig", postcode_goed),
    ("buitenland", "geldig", buitenland),
    ("CD007-tolk", "CD007", tolk_zonder_taal),
    ("CD007-taal", "CD007", taal_zonder_tolk),
    ("geen-tolk", "geldig", geen_tolk_geen_taal),
    ("CS050-partner", "CS050", naamgebruik(True, ("5", "6"))),
    ("CS050-zonder", "CS050", naamgebruik(False, ("2", "3", "4", "5"))),
    ("naamgebruik-6", "CS050", naamgebruik(False, ("6",))),  # iJw: allowed; iWmo: CS050
    ("naamgebruik-goed", "geldig", naamgebruik(True, ("1", "2", "3", "4"))),
    ("andere-prefixen", "geldig", andere_prefixen),
    ("spaties-dagtekening", "afwijking", spaties_dagtekening_oud),  # docs/afwijkingen.md part 1, 1
    ("spaties-datum", "afwijking", spaties_datum_gebruik),
    ("dubbel", "meer", dubbel),
]


def mutations(bases: dict[str, bytes], message: MessageType, per_operator: int, seed: int = 319) -> Iterator[Mutation]:
    """``per_operator`` mutations per operator and base, where the operator finds something to edit."""
    for base, data in bases.items():
        for name, target, op in OPERATORS:
            for i in range(per_operator):
                r = random.Random(f"{seed}/{message.key}/{base}/{name}/{i}")
                t = Editor(data, message)
                if op(t, r):
                    yield Mutation(f"{message.nummer}/{name}#{i}", target, message.standaard, message.nummer, base, t.bytes())
