"""Level-2 rules of the 317, case by case on our own fixtures (no reference folder needed).

Each case edits fixtures/regels/{jw,wmo}317-geldig.xml and names the findings it must give:
(code, locatie), the locatie being the element the official XSLT names first. Every edited
message is checked against our XSD first, so each case is a real message. The fixture has one
OngewijzigdProduct, two TeWijzigenProducten and three NieuweProducten (1 and 3 the same product
in consecutive periods, 2 a category without code with a Budget); its Dagtekening is 2026-09-14.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass

import pytest
from click.testing import CliRunner
from lxml import etree

import berichten.validators.rules  # noqa: F401  (registers the rules)
from berichten.release import get_release
from berichten.cli import main
from tests.conftest import FIXTURES
from tests.rule_mutations_317 import Tree
from berichten.validators import SchemaSet
from berichten.validators.engine import REGISTRY

DAG = "/Bericht/Header/BerichtIdentificatie/Dagtekening"
V = "/Bericht/Client/Verzoek"
XSLT_CODES = {"CD041", "CD075", "CD076", "CD077", "CD078", "CD079", "CD096", "CS002", "CS003", "CS338",
              "TR101", "TR352", "TR353", "TR380", "TR410"}


def OW(n: int) -> str:
    return f"{V}/OngewijzigdeProducten/OngewijzigdProduct[{n}]"


def TW(n: int) -> str:
    return f"{V}/TeWijzigenProducten/TeWijzigenProduct[{n}]"


def NP(n: int) -> str:
    return f"{V}/NieuweProducten/NieuwProduct[{n}]"


Edit = Callable[[Tree], object]
KLASSE = {"OW": Tree.ongewijzigd, "TW": Tree.te_wijzigen, "NP": Tree.nieuw}


@dataclass(frozen=True)
class Case:
    name: str
    edit: Edit
    expected: tuple[tuple[str, str], ...]
    standaarden: tuple[str, ...] = ("ijw", "iwmo")


def el(t: Tree, klasse: str, n: int) -> etree._Element:
    return KLASSE[klasse](t)[n - 1]


def set_(klasse: str, n: int, path: str, text: str | None) -> Edit:
    """Set a child (``Omvang/Eenheid`` reaches one level deeper), creating it in XSD order."""
    def run(t: Tree) -> None:
        node = el(t, klasse, n)
        *parents, name = path.split("/")
        for p in parents:
            node = t.child(node, p)
        t.set(node, name, text)

    return run


def remove(klasse: str, n: int, path: str) -> Edit:
    def run(t: Tree) -> None:
        node = el(t, klasse, n)
        *parents, name = path.split("/")
        for p in parents:
            node = t.child(node, p)
        t.remove(node, name)

    return run


def copy_after(klasse: str, n: int, *edits: tuple[str, str | None]) -> Edit:
    """A copy of the n-th product right after it, with (child, text) changes (None removes)."""
    def run(t: Tree) -> None:
        original = el(t, klasse, n)
        copy = deepcopy(original)
        for name, text in edits:
            if text is None:
                t.remove(copy, name)
            else:
                t.set(copy, name, text)
        original.addnext(copy)

    return run


def drop(*lijsten: str) -> Edit:
    return lambda t: [t.remove(t.verzoek(), name) for name in lijsten]


def seq(*edits: Edit) -> Edit:
    def run(t: Tree) -> None:
        for e in edits:
            e(t)

    return run


CASES = [
    Case("geldig fixture", lambda t: None, ()),
    # Omvang, Budget, Product
    Case("CD041 nieuw product met Code zonder Omvang", remove("NP", 1, "Omvang"), (("CD041", f"{NP(1)}/Product/Code"),)),
    Case("CD075 te wijzigen Budget zonder Einddatum", remove("TW", 2, "Einddatum"), (("CD075", f"{TW(2)}/Budget"),)),
    Case("CD075 nieuw Budget zonder Einddatum", remove("NP", 2, "Einddatum"), (("CD075", f"{NP(2)}/Budget"),)),
    Case("CD076 per week zonder Einddatum", remove("TW", 1, "Einddatum"), (("CD076", f"{TW(1)}/Omvang/Frequentie"),)),
    Case("CD076 niet bij per maand", seq(remove("TW", 1, "Einddatum"), set_("TW", 1, "Omvang/Frequentie", "4")), ()),
    Case("CD077 en CD078 Budget naast Omvang", set_("TW", 1, "Budget", "500"),
         (("CD077", f"{TW(1)}/Omvang"), ("CD078", f"{TW(1)}/Omvang"))),
    Case("CD079 en CD096 nieuw product zonder Product en Budget", remove("NP", 1, "Product"),
         (("CD079", NP(1)), ("CD096", f"{NP(1)}/Einddatum"), ("TR410", NP(1)))),
    Case("CD079 niet met Budget", seq(remove("NP", 2, "Product")), (("TR410", NP(1)), ("TR410", NP(2)))),
    Case("CD096 Omvang zonder Code", remove("NP", 3, "Product/Code"), (("CD096", f"{NP(3)}/Einddatum"),)),
    Case("CD096 zonder Einddatum wijst de Omvang aan", seq(remove("NP", 3, "Product/Code"), remove("NP", 3, "Einddatum")),
         (("CD076", f"{NP(3)}/Omvang/Frequentie"), ("CD096", f"{NP(3)}/Omvang"))),
    Case("CD096 niet als de Einddatum in 2020 ligt (CS003 wel)",
         seq(remove("NP", 3, "Product/Code"), set_("NP", 3, "Einddatum", "2020-12-31")),
         (("CS003", f"{NP(3)}/GewensteIngangsdatum"),)),
    Case("CD096 niet bij een te wijzigen product", seq(remove("TW", 2, "Budget"), set_("TW", 2, "Omvang", None),
                                                       set_("TW", 2, "Omvang/Volume", "2"),
                                                       set_("TW", 2, "Omvang/Eenheid", "04"),
                                                       set_("TW", 2, "Omvang/Frequentie", "4")), ()),
    Case("CS338 Eenheid 14 per dag", seq(set_("TW", 1, "Omvang/Eenheid", "14"), set_("TW", 1, "Omvang/Frequentie", "1")),
         (("CS338", f"{TW(1)}/Einddatum"),)),
    Case("CS338 zonder Einddatum wijst de Eenheid aan",
         seq(set_("NP", 1, "Omvang/Frequentie", "1"), remove("NP", 1, "Einddatum")),
         (("CS338", f"{NP(1)}/Omvang/Eenheid"), ("TR410", NP(1)))),
    Case("CS338 niet bij een einde in 2020",
         seq(set_("TW", 1, "GewensteIngangsdatum", "2020-03-01"), set_("TW", 1, "Einddatum", "2020-12-31"),
             set_("TW", 1, "Omvang/Eenheid", "16"), set_("TW", 1, "Omvang/Frequentie", "1")), ()),
    # Periode
    Case("CS003 te wijzigen einde voor begin", set_("TW", 1, "Einddatum", "2026-09-30"),
         (("CS003", f"{TW(1)}/GewensteIngangsdatum"),)),
    Case("CS003 einde op de begindag mag", set_("TW", 1, "Einddatum", "2026-10-01"), ()),
    Case("TR380 nieuw product op de Dagtekening", set_("NP", 1, "GewensteIngangsdatum", "2026-09-14"), (("TR380", DAG),)),
    Case("TR380 nieuw product voor de Dagtekening", set_("NP", 2, "GewensteIngangsdatum", "2026-01-01"), (("TR380", DAG),)),
    Case("TR380 de dag erna mag", set_("NP", 1, "GewensteIngangsdatum", "2026-09-15"), ()),
    Case("TR380 niet bij een te wijzigen product", set_("TW", 1, "GewensteIngangsdatum", "2026-08-01"), ()),
    # Samenstelling
    Case("TR352 alleen nieuwe producten", drop("OngewijzigdeProducten", "TeWijzigenProducten"), (("TR352", V),)),
    Case("TR352 een ongewijzigd product is genoeg", drop("TeWijzigenProducten"), ()),
    Case("TR353 alleen ongewijzigde producten", drop("TeWijzigenProducten", "NieuweProducten"), (("TR353", V),)),
    Case("TR352 en TR353 leeg verzoek", drop("OngewijzigdeProducten", "TeWijzigenProducten", "NieuweProducten"),
         (("TR352", V), ("TR353", V))),
    # Dubbele regels
    Case("TR101 ongewijzigd product twee keer", copy_after("OW", 1), (("TR101", OW(1)),)),
    Case("TR101 ToewijzingNummer als getal", copy_after("OW", 1, ("ToewijzingNummer", "0400101")), (("TR101", OW(1)),)),
    Case("TR101 te wijzigen nummer twee keer", set_("TW", 2, "ToewijzingNummer", "400102"), (("TR101", TW(1)),)),
    Case("TR101 hetzelfde nummer ongewijzigd en te wijzigen mag hier", set_("TW", 1, "ToewijzingNummer", "400101"), ()),
    Case("TR101 en TR410 nieuw product twee keer", copy_after("NP", 3), (("TR101", NP(3)), ("TR410", NP(3)))),
    Case("TR101 andere GewensteIngangsdatum", copy_after("NP", 3, ("GewensteIngangsdatum", "2028-01-01"),
                                                                   ("Einddatum", "2028-06-30")), ()),
    # Overlap
    Case("TR410 periodes raken elkaar op één dag", set_("NP", 3, "GewensteIngangsdatum", "2027-06-30"), (("TR410", NP(1)),)),
    Case("TR410 zelfde categorie zonder code", copy_after("NP", 2, ("GewensteIngangsdatum", "2026-12-01")), (("TR410", NP(2)),)),
    Case("TR410 iWmo hulpmiddelen (categorie 11-14) mogen overlappen",
         seq(set_("NP", 2, "Product/Categorie", "12"), copy_after("NP", 2, ("GewensteIngangsdatum", "2026-12-01"))),
         (), ("iwmo",)),
    Case("TR410 omgekeerde periode binnen een andere",
         seq(set_("NP", 2, "Einddatum", "2026-10-15"),
             copy_after("NP", 2, ("GewensteIngangsdatum", "2026-10-01"), ("Einddatum", "2027-12-31"))),
         (("CS003", f"{NP(2)}/GewensteIngangsdatum"), ("TR410", NP(2)))),
    Case("TR410 omgekeerde periode buiten een andere",
         seq(set_("NP", 2, "Einddatum", "2026-10-15"),
             copy_after("NP", 2, ("GewensteIngangsdatum", "2026-10-20"), ("Einddatum", "2027-12-31"))),
         (("CS003", f"{NP(2)}/GewensteIngangsdatum"),)),
]


@pytest.fixture(scope="module")
def schemas() -> SchemaSet:
    return SchemaSet()


def _run(standaard: str, edit: Edit, schemas: SchemaSet) -> list[tuple[str, str | None]]:
    pre = "jw" if standaard == "ijw" else "wmo"
    t = Tree((FIXTURES / "regels" / f"{pre}317-geldig.xml").read_bytes())
    edit(t)
    root = etree.fromstring(t.bytes())
    message = get_release(standaard).message("317")
    assert not schemas.validate(root, message), "the edited message must be XSD-valid"
    return sorted((f.code, f.locatie) for f in REGISTRY.run(root, message))


@pytest.mark.parametrize("standaard", ["ijw", "iwmo"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_rule_case(case, standaard, schemas):
    if standaard not in case.standaarden:
        pytest.skip(f"{case.name}: only {', '.join(case.standaarden)}")
    assert _run(standaard, case.edit, schemas) == sorted(case.expected)


def test_every_finding_is_level2_with_retourcode_0001(schemas):
    findings_edit = seq(remove("NP", 1, "Omvang"), drop("OngewijzigdeProducten", "TeWijzigenProducten"))
    pre_root = Tree((FIXTURES / "regels" / "wmo317-geldig.xml").read_bytes())
    findings_edit(pre_root)
    findings = REGISTRY.run(etree.fromstring(pre_root.bytes()), get_release("iwmo").message("317"))
    assert {f.code for f in findings} == {"CD041", "TR352"}
    assert all(f.retourcode == "0001" and f.niveau == 2 and f.severity == "error" for f in findings)


@pytest.mark.parametrize("standaard", ["ijw", "iwmo"])
def test_rules_are_documented(standaard):
    for rule in REGISTRY.for_message(get_release(standaard).message("317")):
        if rule.niveau == 2:
            assert rule.melding and rule.uitleg and rule.elementen, rule.code
            assert "\n" not in rule.melding


@pytest.mark.parametrize("standaard", ["ijw", "iwmo"])
def test_cli_rules_lists_the_xslt_codes(standaard):
    result = CliRunner().invoke(main, ["rules", "--standaard", standaard, "--bericht", "317", "--niveau", "2",
                                       "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    assert {json.loads(line)["code"] for line in result.output.splitlines()} == XSLT_CODES


@pytest.mark.parametrize("code", ["CD096", "TR380"])
def test_explain_examples_fail_and_pass(code, schemas):
    """`berichten explain` shows a failing and a passing 317; they do what they claim."""
    rule = next(r for r in REGISTRY.by_code(code) if "317" in r.berichten)
    verdicts = {}
    for name in (rule.voorbeeld_fout, rule.voorbeeld_goed):
        root = etree.fromstring((FIXTURES / name).read_bytes())
        message = get_release("ijw").message("317")
        assert not schemas.validate(root, message)
        verdicts[name] = {f.code for f in REGISTRY.run(root, message)}
    assert verdicts == {rule.voorbeeld_fout: {code}, rule.voorbeeld_goed: set()}
    result = CliRunner().invoke(main, ["explain", code])
    assert result.exit_code == 0 and rule.voorbeeld_fout in result.output


def test_many_products_give_no_findings():
    """Thousands of products: the duplicate and overlap checks stay linear-ish (dicts and a sweep)."""
    t = Tree((FIXTURES / "regels" / "jw317-geldig.xml").read_bytes())
    model, ongewijzigd = el(t, "NP", 3), el(t, "OW", 1)
    for n in range(3000):
        copy = deepcopy(model)
        t.set(t.child(copy, "Product"), "Code", f"C{n:04d}")
        model.getparent().append(copy)
        nummer = deepcopy(ongewijzigd)
        t.set(nummer, "ToewijzingNummer", str(600000 + n))
        ongewijzigd.getparent().append(nummer)
    root = etree.fromstring(t.bytes())
    assert REGISTRY.run(root, get_release("ijw").message("317")) == []
