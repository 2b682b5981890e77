"""Level-2 rules of 305, 307 and 315, case by case on our own fixtures (no reference folder needed).

Each case edits a valid fixture (fixtures/regels/{jw,wmo}{305,307,315}-geldig.xml) and names the
findings it must give: (code, locatie), where the locatie is the element the official XSLT names
first. Every edited message is checked against our XSD first, so each case is a real message.
"""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass

import pytest
from lxml import etree

import berichten.validators.rules  # noqa: F401  (registers the rules)
from berichten.release import get_release
from tests.conftest import FIXTURES
from tests.rule_mutations_305_315 import Tree
from berichten.validators import SchemaSet
from berichten.validators.engine import REGISTRY

DAG = "/Bericht/Header/BerichtIdentificatie/Dagtekening"
BSN = "/Bericht/Client/Bsn"
GEBOORTE = "/Bericht/Client/Geboortedatum/Datum"


def S(n: int) -> str:
    return f"/Bericht/Client/StartProducten/StartProduct[{n}]"


def P(n: int) -> str:
    return f"/Bericht/Client/StopProducten/StopProduct[{n}]"


def A(n: int) -> str:
    return f"/Bericht/Client/AangevraagdeProducten/AangevraagdProduct[{n}]"


Edit = Callable[[Tree], object]


@dataclass(frozen=True)
class Case:
    name: str
    bericht: str
    edit: Edit
    expected: tuple[tuple[str, str], ...]
    standaarden: tuple[str, ...] = ("ijw", "iwmo")


def k(t: Tree, n: int) -> etree._Element:
    """The n-th (1-based) StartProduct, StopProduct or AangevraagdProduct."""
    return t.klassen()[n - 1]


def copy_after(t: Tree, n: int, **changes: str) -> etree._Element:
    el = deepcopy(k(t, n))
    for name, text in changes.items():
        t.set(el, name, text)
    k(t, n).addnext(el)
    return el


def child(t: Tree, n: int, path: str) -> etree._Element:
    node = k(t, n)
    for step in path.split("/"):
        node = t.child(node, step)
    return node


def seq(*edits: Edit) -> Edit:
    def run(t: Tree) -> None:
        for e in edits:
            e(t)

    return run


def geboorte(datum: str, gebruik: str | None) -> Edit:
    def run(t: Tree) -> None:
        t.set(t.geboortedatum(), "Datum", datum)
        if gebruik is None:
            t.remove(t.geboortedatum(), "DatumGebruik")
        else:
            t.set(t.geboortedatum(), "DatumGebruik", gebruik)

    return run


def set_(n: int, name: str, text: str) -> Edit:
    return lambda t: t.set(k(t, n), name, text)


def remove(n: int, name: str) -> Edit:
    return lambda t: t.remove(k(t, n), name)


def set_in(n: int, parent: str, name: str, text: str | None) -> Edit:
    return lambda t: t.set(child(t, n, parent), name, text)


def remove_in(n: int, parent: str, name: str) -> Edit:
    return lambda t: t.remove(child(t, n, parent), name)


def bsn(t: Tree) -> None:
    t.find_all("Client/Bsn")[0].text = "999990018"


GENERIC = [
    ("CS002 Bsn faalt 11-proef", bsn, (("CS002", BSN),)),
    ("CS139 DatumGebruik 1 met dag 15", geboorte("2001-03-15", "1"), (("CS139", GEBOORTE),)),
    ("CS139 DatumGebruik 2 met 1 maart", geboorte("2001-03-01", "2"), (("CS139", GEBOORTE),)),
    ("CS139 DatumGebruik 3 niet 1900", geboorte("1950-01-01", "3"), (("CS139", GEBOORTE),)),
    ("TR002 geboren 130 jaar terug", geboorte("1895-02-03", None), (("TR002", DAG),)),
    ("TR002 niet bij volledig onbekend", geboorte("1900-01-01", "3"), ()),
    ("TR134 geboren na Dagtekening", geboorte("2027-01-01", "2"), (("TR134", DAG),)),
]

CASES = [Case(f"{n} {name}", n, edit, exp) for n in ("305", "307", "315") for name, edit, exp in GENERIC] + [
    Case("305 geldig", "305", lambda t: None, ()),
    Case("305 CS058 status 2", "305", set_(1, "StatusAanlevering", "2"), (("CS058", f"{S(1)}/StatusAanlevering"),)),
    Case("305 CS058 status 9", "305", set_(3, "StatusAanlevering", "9"), (("CS058", f"{S(3)}/StatusAanlevering"),)),
    Case("305 status 3 mag", "305", set_(2, "StatusAanlevering", "3"), ()),
    Case("305 TR101 kopie met andere status", "305", lambda t: copy_after(t, 1, StatusAanlevering="3"), (("TR101", S(1)),)),
    Case("305 TR101 nummer met voorloopnul", "305", lambda t: copy_after(t, 2, ToewijzingNummer="0400102"), (("TR101", S(2)),)),
    Case("305 TR101 zonder ToewijzingNummer", "305", lambda t: copy_after(t, 3), (("TR101", S(3)),)),
    Case("305 TR101 drie keer is één melding", "305", lambda t: (copy_after(t, 1), copy_after(t, 1)), (("TR101", S(1)),)),
    Case("305 andere Begindatum is geen dubbele", "305", lambda t: copy_after(t, 1, Begindatum="2026-03-10"), ()),
    Case("305 TR134 Begindatum na Dagtekening", "305", set_(2, "Begindatum", "2026-04-21"), (("TR134", DAG),)),
    Case("305 Begindatum op Dagtekening mag", "305", set_(2, "Begindatum", "2026-04-20"), ()),
    Case("307 geldig", "307", lambda t: None, ()),
    Case("307 CS058 status 2", "307", set_(2, "StatusAanlevering", "2"), (("CS058", f"{P(2)}/StatusAanlevering"),)),
    Case("307 TR018 Einddatum voor Begindatum", "307", set_(1, "Einddatum", "2026-03-08"), (("TR018", f"{P(1)}/Begindatum"),)),
    Case("307 Einddatum gelijk aan Begindatum mag", "307", set_(1, "Einddatum", "2026-03-09"), ()),
    Case("307 TR134 Einddatum na Dagtekening", "307", set_(3, "Einddatum", "2026-07-07"), (("TR134", DAG),)),
    Case("307 TR134 kijkt niet naar Begindatum", "307",
         seq(set_(2, "Begindatum", "2026-07-10"), set_(2, "Einddatum", "2026-07-11")), (("TR134", DAG),)),
    Case("307 TR101 kopie", "307", lambda t: copy_after(t, 2, StatusAanlevering="3"), (("TR101", P(2)),)),
    Case("307 andere RedenBeeindiging is geen dubbele", "307", lambda t: copy_after(t, 2, RedenBeeindiging="38"), ()),
    Case("315 geldig", "315", lambda t: None, ()),
    Case("315 CD041 Code zonder Omvang", "315", remove(1, "Omvang"), (("CD041", f"{A(1)}/Product/Code"),)),
    Case("315 CD043 nummer zonder ingangsdatum", "315", remove(1, "BeschikkingIngangsdatum"),
         (("CD043", f"{A(1)}/BeschikkingNummer"),)),
    Case("315 CD043 ingangsdatum zonder nummer", "315", set_(2, "BeschikkingIngangsdatum", "2026-05-01"),
         (("CD043", f"{A(2)}/BeschikkingIngangsdatum"),)),
    Case("315 CD066 AGB-code en naam", "315", set_in(1, "Verwijzer", "Naam", "Dr. Proef"),
         (("CD066", f"{A(1)}/Verwijzer/Type"),)),
    Case("315 CD067 geen AGB-code en geen naam", "315", remove_in(3, "Verwijzer", "Naam"),
         (("CD067", f"{A(3)}/Verwijzer/Type"),)),
    Case("315 CD068 gemeente met AGB-code", "315", set_in(2, "Verwijzer", "ZorgverlenerCode", "87654321"),
         (("CD068", f"{A(2)}/Verwijzer/Type"),)),
    Case("315 CD075 Budget zonder einddatum", "315", remove(2, "ToewijzingEinddatum"), (("CD075", f"{A(2)}/Budget"),)),
    Case("315 CD076 per week zonder einddatum", "315", set_in(3, "Omvang", "Frequentie", "2"),
         (("CD076", f"{A(3)}/Omvang/Frequentie"),)),
    Case("315 CD077 en CD078 Budget en Omvang", "315", set_(1, "Budget", "1000"),
         (("CD077", f"{A(1)}/Omvang"), ("CD078", f"{A(1)}/Omvang"))),
    Case("315 CD079 zonder Product en Budget", "315", remove(1, "Product"),
         # without Product it also matches every other request: the open-ended third one overlaps
         (("CD079", A(1)), ("CD095", f"{A(1)}/ToewijzingEinddatum"), ("TR386", A(1)))),
    Case("315 CD095 Omvang zonder Code", "315", remove_in(3, "Product", "Code"), (("CD095", f"{A(3)}/Omvang"),)),
    Case("315 CD095 niet als einde uiterlijk 2020", "315",
         seq(remove_in(3, "Product", "Code"), set_(3, "ToewijzingIngangsdatum", "2020-01-01"),
             set_(3, "ToewijzingEinddatum", "2020-12-31")), ()),
    Case("315 CS343 dagdeel per dag", "315", set_in(3, "Omvang", "Frequentie", "1"), (("CS343", f"{A(3)}/Omvang/Eenheid"),)),
    Case("315 CS343 etmaal per dag met einddatum", "315",
         seq(set_in(1, "Omvang", "Eenheid", "14"), set_in(1, "Omvang", "Frequentie", "1")),
         (("CS343", f"{A(1)}/ToewijzingEinddatum"),)),
    Case("315 CS003 einde voor begin", "315", set_(1, "ToewijzingEinddatum", "2026-05-31"),
         (("CS003", f"{A(1)}/ToewijzingIngangsdatum"),)),
    Case("315 einde gelijk aan begin mag", "315", set_(1, "ToewijzingEinddatum", "2026-06-01"), ()),
    Case("315 TR101 en TR383 dubbele referentie", "315", set_(3, "ReferentieAanbieder", "VOT-2026-001"),
         (("TR101", A(1)), ("TR383", f"{A(1)}/ReferentieAanbieder"))),
    Case("315 drie keer dezelfde referentie", "315",
         seq(set_(2, "ReferentieAanbieder", "VOT-2026-001"), set_(3, "ReferentieAanbieder", "VOT-2026-001")),
         (("TR101", A(1)), ("TR383", f"{A(1)}/ReferentieAanbieder"), ("TR383", f"{A(1)}/ReferentieAanbieder"),
          ("TR383", f"{A(2)}/ReferentieAanbieder"))),
    Case("315 TR386 categorie zonder code overlapt", "315", set_(2, "ToewijzingIngangsdatum", "2026-11-30"),
         (("TR386", A(1)),)),
    Case("315 aansluitende periodes overlappen niet", "315", set_(2, "ToewijzingIngangsdatum", "2026-12-01"), ()),
    Case("315 TR386 zonder Product overlapt met alles", "315", remove(2, "Product"), (("TR386", A(2)),)),
    Case("315 TR386 twee keer hetzelfde product", "315",
         lambda t: copy_after(t, 3, ReferentieAanbieder="VOT-2026-004", ToewijzingIngangsdatum="2027-01-01"),
         (("TR386", A(3)),)),
    Case("315 TR386 iWmo hulpmiddelen mogen overlappen", "315",
         lambda t: (set_in(1, "Product", "Categorie", "12")(t),
                    copy_after(t, 1, ReferentieAanbieder="VOT-2026-004")), (), ("iwmo",)),
    Case("315 TR134 kijkt niet naar ToewijzingIngangsdatum", "315", set_(3, "ToewijzingIngangsdatum", "2027-01-01"), ()),
]


@pytest.fixture(scope="module")
def schemas() -> SchemaSet:
    return SchemaSet()


def _run(standaard: str, case: Case, schemas: SchemaSet) -> list[tuple[str, str | None]]:
    pre = "jw" if standaard == "ijw" else "wmo"
    t = Tree((FIXTURES / "regels" / f"{pre}{case.bericht}-geldig.xml").read_bytes(), case.bericht)
    case.edit(t)
    root = etree.fromstring(t.bytes())
    message = get_release(standaard).message(case.bericht)
    assert schemas.validate(root, message) == [], "the edited message must stay XSD-valid"
    return sorted((f.code, f.locatie) for f in REGISTRY.run(root, message))


@pytest.mark.parametrize(
    "case,standaard",
    [(c, s) for c in CASES for s in c.standaarden],
    ids=[f"{c.name} [{s}]" for c in CASES for s in c.standaarden],
)
def test_rule_case(case, standaard, schemas):
    assert _run(standaard, case, schemas) == sorted(case.expected)


def test_every_finding_has_retourcode_0001_and_niveau_2(schemas):
    t = Tree((FIXTURES / "regels" / "wmo315-geldig.xml").read_bytes(), "315")
    set_(3, "ReferentieAanbieder", "VOT-2026-001")(t)
    remove(1, "Omvang")(t)
    findings = REGISTRY.run(etree.fromstring(t.bytes()), get_release("iwmo").message("315"))
    assert findings and all(f.retourcode == "0001" and f.niveau == 2 and f.severity == "error" for f in findings)
    assert all(f.melding and "\n" not in f.melding for f in findings)


@pytest.mark.parametrize("bericht", ["305", "307", "315"])
def test_rules_are_documented(bericht):
    for standaard in ("ijw", "iwmo"):
        for rule in REGISTRY.for_message(get_release(standaard).message(bericht)):
            if rule.niveau != 2:
                continue
            assert rule.melding and rule.uitleg and rule.elementen, rule.code


@pytest.mark.parametrize("bericht", ["305", "307", "315"])
def test_many_products_give_no_findings(bericht):
    """Duplicate and overlap checks use dicts and a sweep: thousands of lines in well under a second."""
    t = Tree((FIXTURES / "regels" / f"jw{bericht}-geldig.xml").read_bytes(), bericht)
    model = k(t, 3)
    for n in range(3000):
        el = deepcopy(model)
        if bericht == "315":
            t.set(el, "ReferentieAanbieder", f"R{n}")
            # open-ended like the model: only the distinct Code keeps them apart
            t.set(t.child(el, "Product"), "Code", f"C{n}")
        else:
            t.set(el, "ToewijzingNummer", str(500000 + n))
        model.getparent().append(el)
    root = etree.fromstring(t.bytes())
    # Speed is measured in bench/rules.py; here only the verdict on a large message.
    assert REGISTRY.run(root, get_release("ijw").message(bericht)) == []
