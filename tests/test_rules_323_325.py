"""Level-2 rules of 323 and 325, case by case on our own fixtures (no reference folder needed).

Each case edits a valid fixture (fixtures/regels/{jw,wmo}{323,325}-geldig.xml) and names the
findings it must give: (code, locatie), the locatie being the element the official XSLT names first.
Every edited message is checked against our XSD first, so each case is a real message.

The 323 fixture: Client[1] has Prestatie[1] (debet, uren), Prestatie[2] (credit of an earlier line,
January) and Prestatie[3] (Eenheid 83); Client[2] has one Prestatie. Total 60000 debet.
The 325 fixture rejects that one Prestatie of Client[2]: 60000 ingediend, 28000 toegekend.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass

import pytest
from lxml import etree

import berichten.validators.rules  # noqa: F401  (registers the rules)
from berichten.release import get_release
from tests.conftest import FIXTURES
from tests.rule_mutations_323_325 import Tree
from berichten.validators import SchemaSet
from berichten.validators.engine import REGISTRY

DAG = "/Bericht/Header/BerichtIdentificatie/Dagtekening"
DECL = "/Bericht/Declaratie"
PER_BEGIN, PER_EINDE = f"{DECL}/DeclaratiePeriode/Begindatum", f"{DECL}/DeclaratiePeriode/Einddatum"
TOTAAL = f"{DECL}/TotaalIngediendBedrag/TotaalBedrag"
ANTW = "/Bericht/DeclaratieAntwoord"


def P(client: int, n: int | None = None) -> str:
    c = f"{DECL}/Clienten/Client[{client}]/Prestaties/Prestatie"
    return c if n is None else f"{c}[{n}]"


P4 = P(2)  # the only Prestatie of Client[2]
A1 = f"{ANTW}/Clienten/Client/Prestaties/Prestatie"

Edit = Callable[[Tree], object]


@dataclass(frozen=True)
class Case:
    name: str
    bericht: str
    edit: Edit
    expected: tuple[tuple[str, str], ...]


def prestatie(t: Tree, n: int) -> etree._Element:
    """The n-th (1-based) Prestatie of the message."""
    return t.prestaties()[n - 1]


def set_(n: int, path: str, text: str) -> Edit:
    return lambda t: t.setp(prestatie(t, n), path, text)


def drop(n: int, path: str) -> Edit:
    def run(t: Tree) -> None:
        *parents, last = path.split("/")
        parent = t.get(prestatie(t, n), "/".join(parents)) if parents else prestatie(t, n)
        t.remove(parent, last)

    return run


def body(path: str, text: str) -> Edit:
    return lambda t: t.setp(t.body, path, text)


def copy(n: int, **changes: str) -> Edit:
    def run(t: Tree) -> None:
        el = deepcopy(prestatie(t, n))
        for path, text in changes.items():
            t.setp(el, path.replace("__", "/"), text)
        prestatie(t, n).addnext(el)

    return run


def header_retourcode(code: str) -> Edit:
    return lambda t: setattr(t.child(t.body, "RetourCodes")[0], "text", code)


def seq(*edits: Edit) -> Edit:
    def run(t: Tree) -> None:
        for e in edits:
            e(t)

    return run


def nothing(t: Tree) -> None:
    pass


VORIG, REF, DC, BEDRAG = ("ProductReferentie/VorigReferentieNummer", "ProductReferentie/ReferentieNummer",
                          "IngediendBedrag/DebetCredit", "IngediendBedrag/Bedrag")
BEGIN, EINDE = "ProductPeriode/Begindatum", "ProductPeriode/Einddatum"

CASES = [
    Case("geldig 323", "323", nothing, ()),
    Case("credit zonder VorigReferentieNummer", "323", drop(2, VORIG), (("CD060", f"{P(1, 2)}/{DC}"),)),
    Case("debet met VorigReferentieNummer", "323", set_(1, VORIG, "OUD-1"), (("CD060", f"{P(1, 1)}/{VORIG}"),)),
    Case("uren zonder ProductTarief", "323", drop(1, "ProductTarief"), (("CD087", f"{P(1, 1)}/Eenheid"),)),
    Case("euro's met ProductTarief", "323", set_(3, "ProductTarief", "100"), (("CD087", f"{P(1, 3)}/Eenheid"),)),
    Case("ProductPeriode in 2020 (en meer dan 5 jaar oud)", "323",
         seq(set_(2, BEGIN, "2020-12-01"), set_(2, EINDE, "2020-12-31")),
         (("CS100", f"{P(1, 2)}/{BEGIN}"), ("TR335", f"{DECL}/DeclaratieDagtekening"))),
    Case("ProductPeriode over twee maanden", "323", set_(2, EINDE, "2026-02-10"), (("CS337", f"{P(1, 2)}/{BEGIN}"),)),
    Case("ProductPeriode over de jaargrens: jaar en maand apart", "323", set_(2, BEGIN, "2025-12-01"),
         (("CS337", f"{P(1, 2)}/{BEGIN}"), ("CS337", f"{P(1, 2)}/{BEGIN}"))),
    Case("euro's: bedrag ongelijk aan volume", "323", set_(3, "GeleverdVolume", "14999"),
         (("CS339", f"{P(1, 3)}/GeleverdVolume"),)),
    Case("DeclaratiePeriode begint op de 2e", "323", body("DeclaratiePeriode/Begindatum", "2026-02-02"),
         (("CS340", PER_BEGIN), ("CS340", PER_BEGIN))),
    Case("DeclaratiePeriode eindigt een dag te vroeg", "323", body("DeclaratiePeriode/Einddatum", "2026-02-27"),
         (("CS340", PER_BEGIN), ("TR319", PER_EINDE), ("TR319", PER_EINDE))),
    Case("DeclaratiePeriode in een schrikkeljaar", "323",
         seq(body("DeclaratiePeriode/Begindatum", "2024-02-01"), body("DeclaratiePeriode/Einddatum", "2024-02-29"),
             *(set_(n, p, v) for n in (1, 3, 4) for p, v in ((BEGIN, "2024-02-01"), (EINDE, "2024-02-29"))),
             set_(2, BEGIN, "2024-01-01"), set_(2, EINDE, "2024-01-31")), ()),
    Case("twee Clients met hetzelfde Bsn", "323", lambda t: t.set(t.clienten()[1], "Bsn", "999990019"),
         (("TR101", f"{DECL}/Clienten/Client[1]"),)),
    Case("dubbele Prestatie", "323", copy(1),
         (("TR101", P(1, 1)), ("TR416", P(1, 1)), ("TR358", TOTAAL))),
    Case("zelfde referentie bij een andere Client is geen dubbele regel", "323", set_(4, REF, "DECL-0201"), ()),
    Case("Begindatum na de Dagtekening", "323", seq(set_(4, BEGIN, "2026-03-10"), set_(4, EINDE, "2026-03-10")),
         (("TR134", DAG), ("TR137", DAG), ("TR319", PER_EINDE), ("TR319", PER_EINDE))),
    Case("Einddatum vóór Begindatum", "323", set_(4, EINDE, "2026-01-31"),
         (("CS337", f"{P4}/{BEGIN}"), ("TR137", f"{P4}/{BEGIN}"))),
    Case("twee credits op dezelfde eerdere regel", "323", seq(set_(3, VORIG, "DECL-0109"), set_(3, DC, "C")),
         (("TR315", f"{P(1, 2)}/{VORIG}"), ("TR358", TOTAAL))),
    Case("credit van een debetregel uit hetzelfde bericht", "323", set_(2, VORIG, "DECL-0201"),
         (("TR316", f"{P(1, 1)}/{REF}"),)),
    Case("regel die zichzelf crediteert", "323", set_(2, VORIG, "DECL-0202"), (("TR316", f"{P(1, 2)}/{REF}"),)),
    Case("precies vijf jaar oud mag", "323", body("DeclaratieDagtekening", "2031-01-31"), ()),
    Case("een dag meer dan vijf jaar oud", "323", body("DeclaratieDagtekening", "2031-02-01"),
         (("TR335", f"{DECL}/DeclaratieDagtekening"),)),
    Case("totaal een cent te hoog", "323", body("TotaalIngediendBedrag/TotaalBedrag", "60001"), (("TR358", TOTAAL),)),
    Case("totaal met voorloopnul is hetzelfde getal", "323", body("TotaalIngediendBedrag/TotaalBedrag", "060000"), ()),
    Case("totaal als credit", "323", body("TotaalIngediendBedrag/DebetCredit", "C"), (("TR358", TOTAAL),)),
    Case("tweede debetregel voor dezelfde prestatie", "323", copy(1, ProductReferentie__ReferentieNummer="NIEUW-1"),
         (("TR416", P(1, 1)), ("TR358", TOTAAL))),
    Case("credit van nul", "323", set_(2, BEDRAG, "0"), (("CS325", f"{P(1, 2)}/{BEDRAG}"), ("TR358", TOTAAL))),
    Case("geldig 325", "325", nothing, ()),
    Case("alles toegekend ondanks een afgewezen regel", "325", body("TotaalToegekendBedrag/TotaalBedrag", "60000"),
         (("TR342", f"{ANTW}/TotaalIngediendBedrag"),)),
    Case("hele declaratie afgewezen, toch een toegekend bedrag", "325", header_retourcode("0001"),
         (("TR342", f"{ANTW}/TotaalToegekendBedrag"),)),
    Case("hele declaratie afgewezen, toegekend 0", "325",
         seq(header_retourcode("0001"), body("TotaalToegekendBedrag/TotaalBedrag", "0")), ()),
    Case("325: credit zonder VorigReferentieNummer", "325", set_(1, DC, "C"),
         (("CD060", f"{A1}/{DC}"), ("TR342", f"{ANTW}/TotaalIngediendBedrag"))),
    Case("325: toegekend nul als credit", "325",
         seq(header_retourcode("0001"), body("TotaalToegekendBedrag/TotaalBedrag", "0"),
             body("TotaalToegekendBedrag/DebetCredit", "C")),
         (("CS325", f"{ANTW}/TotaalToegekendBedrag/TotaalBedrag"),)),
    Case("325: Einddatum na de Dagtekening", "325", set_(1, EINDE, "2026-03-20"), (("TR137", DAG),)),
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
    [(c, s) for c in CASES for s in ("ijw", "iwmo")],
    ids=[f"{c.name} [{s}]" for c in CASES for s in ("ijw", "iwmo")],
)
def test_rule_case(case, standaard, schemas):
    assert _run(standaard, case, schemas) == sorted(case.expected)


@pytest.mark.parametrize("bericht", ["323", "325"])
def test_rules_are_documented(bericht):
    for standaard in ("ijw", "iwmo"):
        for rule in REGISTRY.for_message(get_release(standaard).message(bericht)):
            if rule.niveau == 2:
                assert rule.melding and rule.uitleg and rule.elementen, rule.code
                assert rule.retourcode == "0001", rule.code


@pytest.mark.parametrize("bericht,name", [("323", "CD060"), ("323", "CS337"), ("323", "CS340"), ("323", "TR358"),
                                          ("325", "TR342")])
def test_explain_examples_fail_and_pass(bericht, name):
    """The fout example gives the code, the goed example gives no finding at all."""
    for kind, wanted in (("fout", True), ("goed", False)):
        root = etree.parse(str(FIXTURES / "regels" / f"jw{bericht}-{name}-{kind}.xml")).getroot()
        codes = {f.code for f in REGISTRY.run(root, get_release("ijw").message(bericht))}
        assert (name in codes) is wanted, (name, kind, codes)
        if not wanted:
            assert codes == set()


def test_many_prestaties_stay_linear():
    """TR101, TR315, TR316 and TR416 use dicts: 5000 Prestaties in one Client in well under a second."""
    t = Tree((FIXTURES / "regels" / "jw323-geldig.xml").read_bytes(), "323")
    model = prestatie(t, 4)
    for n in range(5000):
        el = deepcopy(model)
        t.setp(el, REF, f"R{n}")
        t.set(el, "ToewijzingNummer", str(500000 + n))
        model.getparent().append(el)
    t.rebalance()
    root = etree.fromstring(t.bytes())
    start = time.perf_counter()
    findings = REGISTRY.run(root, get_release("ijw").message("323"))
    elapsed = time.perf_counter() - start
    assert findings == []
    assert elapsed < 5.0, elapsed  # linear: about 0.2 s here; pairwise comparing would take far longer
