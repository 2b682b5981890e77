"""Level-3 rules on declarations (323, 325): a table of scenarios per rule, both standards and backends.

As in tests/test_history_rules.py, each scenario imports its earlier messages into an empty store
(they must be accepted) and then the last one, whose level-3 codes must be exactly the expected ones.
The 301/305/307 come from ``store.testing.build``; the 323 from fixtures/store/{standaard}/323.xml
with its Prestaties replaced (``declaratie``), the 325 from the project's own retour builder
(``validators.retour.retour_voor``) on such a 323, optionally edited afterwards.
"""

from __future__ import annotations

import copy
import itertools
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import select

from berichten.findings import Finding
from berichten.store.db import make_engine
from berichten.store.importer import StoredMessage
from berichten.store.models import STATUS_REJECTED, STATUS_STORED, Bericht
from berichten.store.testing import FIXTURES, IMPORT_MODES, assert_level3, build, import_in_order
from berichten.validators.history import HISTORY_REGISTRY
from berichten.validators.pipeline import Validator
from berichten.validators.retour import retour_voor

PROJECT = Path(__file__).resolve().parent.parent
ANDERE_BSN = "111222333"
_counter = itertools.count(1)
# Product codes per standard for the scenarios: the fixtures' own, another in the same category, another category.
PRODUCT = {
    "ijw": {"code": "45A04", "code2": "45A05", "categorie2": "41", "code3": "41A01"},
    "iwmo": {"code": "02A03", "code2": "02A05", "categorie2": "03", "code3": "03A01"},
}


@lru_cache(maxsize=1)
def validator() -> Validator:
    return Validator()


@dataclass(frozen=True)
class Msg:
    """A message of a scenario; ``make(standaard)`` gives the same bytes every time."""

    label: str
    make: Callable[[str], bytes]

    def __repr__(self) -> str:
        return self.label


def T(*producten: dict, **header: str) -> Msg:
    """A 301 (fixture: allocation 7001, 45A04 / 02A03, 2026-03-01..2026-12-31, 3 hours a week)."""
    ident = f"T301-{next(_counter):06d}"
    return Msg("301", lambda st: build(st, "301", _formatted(st, producten), identificatie=ident, **header))


def S(nummer: str, *producten: dict) -> Msg:
    ident = f"T{nummer}-{next(_counter):06d}"
    return Msg(nummer, lambda st: build(st, nummer, _formatted(st, producten), identificatie=ident))


def _formatted(standaard: str, producten: tuple[dict, ...]) -> list[dict] | None:
    """The edits with the standard's product codes filled in (``{code2}``, see PRODUCT)."""
    return [{k: v if v is None else v.format(**PRODUCT[standaard]) for k, v in p.items()} for p in producten] or None


def _child(parent: etree._Element, name: str) -> etree._Element:
    return parent.find("{*}" + name)


def _set(parent: etree._Element, path: str, value: str) -> None:
    el = parent.find("/".join("{*}" + p for p in path.split("/")))
    if el is None and path == "ProductReferentie/VorigReferentieNummer":
        ref = parent.find("{*}ProductReferentie/{*}ReferentieNummer")
        el = etree.SubElement(ref.getparent(), f"{{{etree.QName(ref).namespace}}}VorigReferentieNummer")
    if el is None:
        raise KeyError(path)
    el.text = value


def declaratie(standaard: str, prestaties: list[dict], ident: str, nummer: str) -> bytes:
    """The fixture 323 with these Prestaties (keys: local-name paths below Prestatie, plus ``bsn``);
    IngediendBedrag is GeleverdVolume x ProductTarief unless given, the total is their signed sum."""
    tree = copy.deepcopy(etree.parse(str(FIXTURES / standaard / "323.xml")))
    root = tree.getroot()
    _set(_child(root, "Header"), "BerichtIdentificatie/Identificatie", ident)
    d = _child(root, "Declaratie")
    _set(d, "DeclaratieNummer", nummer)
    clienten = _child(d, "Clienten")
    client_template = _child(clienten, "Client")
    template = client_template.find("{*}Prestaties/{*}Prestatie")
    clienten.remove(client_template)
    clients: dict[str, etree._Element] = {}
    total = 0
    for edits in prestaties:
        edits = dict(edits)
        bsn = edits.pop("bsn", "123456782")
        if bsn not in clients:
            client = copy.deepcopy(client_template)
            _set(client, "Bsn", bsn)
            wrapper = _child(client, "Prestaties")
            for old in list(wrapper):
                wrapper.remove(old)
            clienten.append(client)
            clients[bsn] = client
        p = copy.deepcopy(template)
        for path, value in edits.items():
            _set(p, path, value.format(**PRODUCT[standaard]))
        if "IngediendBedrag/Bedrag" not in edits:
            _set(p, "IngediendBedrag/Bedrag", str(int(p.findtext("{*}GeleverdVolume")) * int(p.findtext("{*}ProductTarief"))))
        bedrag = int(p.findtext("{*}IngediendBedrag/{*}Bedrag"))
        total += bedrag if p.findtext("{*}IngediendBedrag/{*}DebetCredit") == "D" else -bedrag
        _child(clients[bsn], "Prestaties").append(p)
    _set(d, "TotaalIngediendBedrag/TotaalBedrag", str(abs(total)))
    _set(d, "TotaalIngediendBedrag/DebetCredit", "D" if total >= 0 else "C")
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")


def D(*prestaties: dict, nummer: str | None = None) -> Msg:
    """A 323 from 87650001 to 0599 over March 2026; each Prestatie gets its own ReferentieNummer
    unless one is given."""
    n = next(_counter)
    ident, nummer = f"T323-{n:06d}", nummer or f"DN{n:06d}"
    lines = [{"ProductReferentie/ReferentieNummer": f"RN{n:05d}-{i}", **p} for i, p in enumerate(prestaties or ({},), 1)]
    return Msg("323", lambda st: declaratie(st, lines, ident, nummer))


def A(decl: Msg, afgewezen: tuple[int, ...] = (), edits: tuple[tuple[str, str], ...] = ()) -> Msg:
    """The 325 on ``decl``: the Prestaties at these 1-based positions rejected (as TR338 would, 9338),
    the rest approved; ``edits`` replace text in the 325 afterwards (to make it wrong)."""
    ident = f"DA{next(_counter):06d}"

    def make(standaard: str) -> bytes:
        result = validator().validate_bytes(decl.make(standaard))
        findings = [
            Finding("TR338", 3, "error", "test", "9338", f"/Bericht/Declaratie/Clienten/Client/Prestaties/Prestatie[{i}]")
            for i in afgewezen
        ]
        data = retour_voor(result, extra_findings=findings, identificatie_retour=ident, dagtekening_retour=date(2026, 4, 9))
        for old, new in edits:
            assert old.encode() in data, old
            data = data.replace(old.encode(), new.encode())
        return data

    return Msg("325", make)


def run(url: str, standaard: str, earlier: list[Msg], last: Msg, mode: str) -> StoredMessage:
    """Import ``earlier`` then ``last`` (``store.testing.import_in_order`` explains the modes)."""
    return import_in_order(url, validator(), [m.make(standaard) for m in earlier], last.make(standaard), mode)


# Allocations and their deliveries.
TOEWIJZING = T()
TWEE_TOEWIJZINGEN = T({}, {"ToewijzingNummer": "7002", "Product/Code": "{code2}"})
VERWIJDERD = {"Toewijzingstijd": "11:00:00", "Einddatum": "2026-03-01", "RedenWijziging": "13"}
LATER_IN_MAART = T({"Ingangsdatum": "2026-03-10"})
EIND_IN_MAART = T({"Einddatum": "2026-03-20"})
VANAF_FEB = T({"Ingangsdatum": "2026-02-01"})
TOTAAL_20 = T({"Ingangsdatum": "2026-02-01", "Omvang/Volume": "20", "Omvang/Frequentie": "6"})
BUDGET = T({"Ingangsdatum": "2026-02-01", "Product/Code": None, "Omvang": None, "Budget": "20000"})
START_12 = S("305", {"Begindatum": "2026-03-12"})
STOP_18 = S("307", {"Begindatum": "2026-03-05", "Einddatum": "2026-03-18"})

# Prestaties (March 2026, allocation 7001, 12 hours unless edited).
OP_7002 = {"ToewijzingNummer": "7002", "ProductCode": "{code2}"}
# Part of March: 6 hours (3 started weeks of 3 hours allow 9).
PERIODE_12 = {"ProductPeriode/Begindatum": "2026-03-12", "GeleverdVolume": "6"}
PERIODE_10 = {"ProductPeriode/Begindatum": "2026-03-10", "GeleverdVolume": "6"}
TOT_20 = {"ProductPeriode/Einddatum": "2026-03-20", "GeleverdVolume": "6"}
TOT_18 = {"ProductPeriode/Einddatum": "2026-03-18", "GeleverdVolume": "6"}
FEB = {"ProductPeriode/Begindatum": "2026-02-01", "ProductPeriode/Einddatum": "2026-02-28"}
DEBET = D({"ProductReferentie/ReferentieNummer": "DEB-1"})
DEBET_7002 = D({"ProductReferentie/ReferentieNummer": "DEB-2", **OP_7002})


def credit(vorig: str = "DEB-1", **edits: str) -> dict:
    return {"IngediendBedrag/DebetCredit": "C", "ProductReferentie/VorigReferentieNummer": vorig,
            **{k.replace("__", "/"): v for k, v in edits.items()}}


CREDIT = D(credit())

# (id, earlier messages, last message, expected level-3 codes on the last message)
SCENARIOS = [
    # TR338 / TR304: the Prestatie is declared on an allocation of this gemeente to this provider for the client
    ("tr338-op-toewijzing", [TOEWIJZING], D(), set()),
    ("tr304-client-bekend", [TOEWIJZING], D(OP_7002), {"TR338"}),
    ("tr304-tweede-client-bekend", [TOEWIJZING, T({"ToewijzingNummer": "7003"}, bsn=ANDERE_BSN)],
     D({}, {"bsn": ANDERE_BSN, "ToewijzingNummer": "7003"}), set()),
    ("tr338-geen-toewijzing", [], D(), {"TR338", "TR304"}),
    ("tr338-ander-nummer", [TOEWIJZING], D(OP_7002), {"TR338"}),
    ("tr338-toewijzing-andere-client", [T(bsn=ANDERE_BSN)], D(), {"TR338", "TR304"}),
    ("tr338-toewijzing-andere-aanbieder", [T(ontvanger="87650002")], D(), {"TR338", "TR304"}),
    ("tr338-toewijzing-andere-gemeente", [T(afzender="0606")], D(), {"TR338", "TR304"}),
    # TR384: not on a deleted allocation (the other allocation rules are skipped then)
    ("tr384-verwijderd", [TOEWIJZING, T(VERWIJDERD)], D(), {"TR384"}),
    ("tr384-nieuwe-versie", [TOEWIJZING, T({"Toewijzingstijd": "10:00:00"})], D(), set()),
    # TR339 / TR340: same category and code as the allocation
    ("tr340-andere-code", [TOEWIJZING], D({"ProductCode": "{code2}"}), {"TR340"}),
    ("tr339-andere-categorie", [TOEWIJZING], D({"ProductCategorie": "{categorie2}", "ProductCode": "{code3}"}), {"TR339", "TR340"}),
    ("tr339-tr340-toewijzing-zonder-code", [T({"Product/Code": None, "Omvang": None})], D({"ProductCode": "{code2}"}), set()),
    # TR307 / TR308: the ProductPeriode lies within the allocation
    ("tr307-voor-ingangsdatum", [LATER_IN_MAART], D(), {"TR307"}),
    ("tr307-vanaf-ingangsdatum", [LATER_IN_MAART], D(PERIODE_10), set()),
    ("tr308-na-einddatum", [EIND_IN_MAART], D({"GeleverdVolume": "6"}), {"TR308"}),
    ("tr308-tot-einddatum", [EIND_IN_MAART], D(TOT_20), set()),
    # TR387 / TR388: a calendar month, or up to the allocation's (or the start's / stop's) date in it
    ("tr387-niet-de-eerste", [TOEWIJZING], D(PERIODE_12), {"TR387"}),
    ("tr387-na-ingangsdatum", [LATER_IN_MAART], D(PERIODE_12), {"TR387"}),
    ("tr387-begindatum-van-start", [TOEWIJZING, START_12], D(PERIODE_12), set()),
    ("tr388-niet-de-laatste", [TOEWIJZING], D(TOT_18), {"TR388"}),
    ("tr388-einddatum-van-stop", [TOEWIJZING, S("305"), STOP_18], D(TOT_18), set()),
    # TR341: the allocation's unit, or minutes on hours
    ("tr341-andere-eenheid", [TOEWIJZING], D({"Eenheid": "14", "GeleverdVolume": "2"}), {"TR341"}),
    ("tr341-minuten-op-uren", [TOEWIJZING], D({"Eenheid": "01", "GeleverdVolume": "720", "ProductTarief": "21"}), set()),
    # TR321: one Prestatie within the allocated volume over its period (3 hours a week: 5 started weeks in March)
    ("tr321-te-veel", [TOEWIJZING], D({"GeleverdVolume": "16"}), {"TR321"}),
    ("tr321-precies", [TOEWIJZING], D({"GeleverdVolume": "15"}), set()),
    ("tr321-te-veel-minuten", [TOEWIJZING], D({"Eenheid": "01", "GeleverdVolume": "901", "ProductTarief": "21"}), {"TR321"}),
    # TR322: all Prestaties on the allocation within its total volume (rejected and credited ones do not count)
    ("tr322-totaal-overschreden", [TOTAAL_20, D({"GeleverdVolume": "12", **FEB})], D({"GeleverdVolume": "9"}), {"TR322"}),
    ("tr322-binnen-totaal", [TOTAAL_20, D({"GeleverdVolume": "12", **FEB})], D({"GeleverdVolume": "8"}), set()),
    ("tr322-na-credit", [TOTAAL_20, DEBET, CREDIT], D({"GeleverdVolume": "12"}), set()),
    ("tr322-na-afwijzing", [TOTAAL_20, DEBET, A(DEBET, afgewezen=(1,))], D({"GeleverdVolume": "12"}), set()),
    # TR369: the amounts declared on an allocation with a Budget stay within it (8 and 9 hours at 12.50)
    ("tr369-budget-overschreden", [BUDGET, D({"GeleverdVolume": "8", **FEB})], D({"GeleverdVolume": "9"}), {"TR369"}),
    ("tr369-binnen-budget", [BUDGET, D({"GeleverdVolume": "8", **FEB})], D({"GeleverdVolume": "8"}), set()),
    # TR333 / TR314: DeclaratieNummer and ReferentieNummer once per provider
    ("tr333-nummer-dubbel", [TWEE_TOEWIJZINGEN, D(nummer="DNDUBBEL")], D(OP_7002, nummer="DNDUBBEL"), {"TR333"}),
    ("tr333-nieuw-nummer", [TWEE_TOEWIJZINGEN, D(nummer="DNEERST")], D(OP_7002, nummer="DNTWEEDE"), set()),
    ("tr314-nieuwe-referentie", [TWEE_TOEWIJZINGEN, DEBET], D({**OP_7002, "ProductReferentie/ReferentieNummer": "DEB-3"}), set()),
    ("tr314-referentie-dubbel", [TWEE_TOEWIJZINGEN, DEBET], D({**OP_7002, "ProductReferentie/ReferentieNummer": "DEB-1"}), {"TR314"}),
    # TR323: a credit names an earlier, not rejected debet with the same key
    ("tr323-credit-van-debet", [TOEWIJZING, DEBET], CREDIT, set()),
    ("tr323-credit-zonder-debet", [TOEWIJZING], CREDIT, {"TR323"}),
    ("tr323-debet-afgewezen", [TOEWIJZING, DEBET, A(DEBET, afgewezen=(1,))], CREDIT, {"TR323"}),
    ("tr323-debet-goedgekeurd", [TOEWIJZING, DEBET, A(DEBET)], CREDIT, set()),
    ("tr323-andere-periode", [TOEWIJZING, DEBET], D(credit(**{"ProductPeriode__Einddatum": "2026-03-20"})), {"TR323", "TR388"}),
    # TR390: a debet is credited once
    ("tr390-tweede-credit", [TOEWIJZING, DEBET, CREDIT], D(credit()), {"TR390"}),
    ("tr390-na-afgewezen-credit", [TOEWIJZING, DEBET, CREDIT, A(CREDIT, afgewezen=(1,))], D(credit()), set()),
    # TR389: no new debet for the same period, product and allocation while the earlier one stands
    ("tr389-tweede-debet", [TOEWIJZING, DEBET], D(), {"TR389"}),
    ("tr389-na-credit", [TOEWIJZING, DEBET, CREDIT], D(), set()),
    ("tr389-credit-en-debet-samen", [TOEWIJZING, DEBET], D(credit(), {}), set()),
    ("tr389-na-afwijzing", [TOEWIJZING, DEBET, A(DEBET, afgewezen=(1,))], D(), set()),
    ("tr389-andere-periode", [VANAF_FEB, D(FEB)], D(), set()),
    # TR385 on the 301: an allocation with declared, uncredited Prestaties is not deleted
    ("tr385-verwijderen-na-declaratie", [TOEWIJZING, DEBET], T(VERWIJDERD), {"TR385"}),
    ("tr385-verwijderen-na-credit", [TOEWIJZING, DEBET, CREDIT], T(VERWIJDERD), set()),
    ("tr385-verwijderen-na-afwijzing", [TOEWIJZING, DEBET, A(DEBET, afgewezen=(1,))], T(VERWIJDERD), set()),
    ("tr385-verwijderen-zonder-declaratie", [TOEWIJZING], T(VERWIJDERD), set()),
    # TR366 / TR367 on the 325: every returned Prestatie is one of the answered 323, with its values
    ("tr366-antwoord-klopt", [TOEWIJZING, DEBET], A(DEBET, afgewezen=(1,)), set()),
    ("tr366-onbekende-referentie", [TOEWIJZING, DEBET], A(DEBET, afgewezen=(1,), edits=(("DEB-1", "DEB-9"),)), {"TR366"}),
    ("tr366-declaratie-onbekend-niet-getoetst", [TOEWIJZING], A(DEBET, afgewezen=(1,)), set()),
    ("tr366-prestatie-van-andere-declaratie", [TWEE_TOEWIJZINGEN, DEBET, DEBET_7002],
     A(DEBET_7002, afgewezen=(1,), edits=(("DEB-2", "DEB-1"),)), {"TR366"}),
    ("tr367-waarden-gelijk", [TOEWIJZING, DEBET], A(DEBET, afgewezen=(1,)), set()),
    ("tr367-ander-volume", [TOEWIJZING, DEBET], A(DEBET, afgewezen=(1,), edits=(("GeleverdVolume>12<", "GeleverdVolume>11<"),)), {"TR367"}),
]


@pytest.mark.parametrize("mode", IMPORT_MODES)
@pytest.mark.parametrize("standaard", ["ijw", "iwmo"])
@pytest.mark.parametrize("earlier,last,expected", [s[1:] for s in SCENARIOS], ids=[s[0] for s in SCENARIOS])
def test_rule_scenario(store_url, standaard, earlier, last, expected, mode):
    assert_level3(run(store_url, standaard, earlier, last, mode), expected)


DECLARATIE_REGELS = {"TR304", "TR307", "TR308", "TR314", "TR321", "TR322", "TR323", "TR333", "TR338", "TR339", "TR340",
                     "TR341", "TR366", "TR367", "TR369", "TR384", "TR385", "TR387", "TR388", "TR389", "TR390"}


def test_every_declaration_rule_fails_and_passes_a_scenario():
    registered = {r.code for r in HISTORY_REGISTRY if r.check.__module__ == "berichten.validators.history_declaraties"}
    assert registered == DECLARATIE_REGELS
    failing = set().union(*(s[3] for s in SCENARIOS))
    assert registered <= failing
    for code in registered:  # and for each rule a scenario on the same kind of case where it stays silent
        assert any(code.lower() in s[0] and not s[3] for s in SCENARIOS), code


@pytest.mark.parametrize(
    "code,retourcode,berichten",
    [("TR304", "8187", {"323"}), ("TR307", "9307", {"323"}), ("TR308", "9308", {"323"}), ("TR314", "8021", {"323"}),
     ("TR321", "9321", {"323"}), ("TR322", "9322", {"323"}), ("TR323", "8017", {"323"}), ("TR333", "9333", {"323"}),
     ("TR338", "9338", {"323"}), ("TR339", "9339", {"323"}), ("TR340", "9340", {"323"}), ("TR341", "9341", {"323"}),
     ("TR366", "9366", {"325"}), ("TR367", "9367", {"325"}), ("TR369", "9369", {"323"}), ("TR384", "9384", {"323"}), ("TR385", "9385", {"301"}),
     ("TR387", "9387", {"323"}), ("TR388", "9388", {"323"}), ("TR389", "9389", {"323"}), ("TR390", "9390", {"323"})],
)
def test_retourcodes(code, retourcode, berichten):
    (rule,) = HISTORY_REGISTRY.by_code(code)
    assert (rule.retourcode, rule.niveau, rule.berichten, rule.standaarden) == (retourcode, 3, berichten, {"ijw", "iwmo"})
    assert rule.uitleg  # the docstring: what `berichten explain` prints


@pytest.mark.parametrize(
    "earlier,last,locaties",
    [
        ([TOEWIJZING], D({}, {"ToewijzingNummer": "7009", "ProductReferentie/ReferentieNummer": "TWEE"}),
         {("TR338", "/Bericht/Declaratie/Clienten/Client/Prestaties/Prestatie[2]")}),
        ([TOEWIJZING], D({}, {"bsn": ANDERE_BSN}),
         {("TR338", "/Bericht/Declaratie/Clienten/Client[2]/Prestaties/Prestatie"), ("TR304", "/Bericht/Declaratie/Clienten/Client[2]")}),
        ([TWEE_TOEWIJZINGEN, D(nummer="DNDUBBEL")], D(OP_7002, nummer="DNDUBBEL"), {("TR333", "/Bericht/Declaratie")}),
    ],
)
def test_locatie_is_the_failing_class(store_url, earlier, last, locaties):
    bericht = run(store_url, "ijw", earlier, last, "db")
    assert {(f["code"], f["locatie"]) for f in bericht.findings if f["niveau"] == 3} == locaties


# --- the command line, as real processes ----------------------------------------------------------

BERICHTEN = Path(sys.executable).parent / "berichten"


def cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "BERICHTEN_PSEUDONIEM_SLEUTEL": "test-sleutel-cli"}
    return subprocess.run([str(BERICHTEN), *args], capture_output=True, timeout=120, env=env, cwd=PROJECT)


@pytest.fixture
def store_met_toewijzing(store_url, tmp_path) -> str:
    """A store (both backends) with the fixture 301 imported through ``berichten import``."""
    toewijzing = tmp_path / "301.xml"
    toewijzing.write_bytes(T().make("ijw").replace(b"\n", b"\r\n"))
    done = cli("import", "--db", store_url, str(toewijzing))
    assert done.returncode == 0, done.stderr
    return store_url


def _write(tmp_path: Path, name: str, msg: Msg) -> Path:
    path = tmp_path / name
    path.write_bytes(msg.make("ijw").replace(b"\n", b"\r\n"))
    return path


def test_acceptance_a_declaration_on_a_product_never_allocated(store_met_toewijzing, tmp_path):
    """Issue 12: with a 301 stored, a 323 on an unknown ToewijzingNummer is rejected at level 3 with
    TR338 / 9338 by `validate --db` and by `import`; the 323 on the allocated product passes."""
    url = store_met_toewijzing
    fout = _write(tmp_path, "nooit-toegewezen.xml", D({"ToewijzingNummer": "7999"}))
    goed = _write(tmp_path, "toegewezen.xml", D())

    checked = cli("validate", "--db", url, "--format", "jsonl", str(fout))
    assert checked.returncode == 1, checked.stderr
    (line,) = [json.loads(x) for x in checked.stdout.decode().splitlines()]
    assert 3 in line["niveaus"]
    assert {(f["code"], f["niveau"], f["retourcode"]) for f in line["findings"] if f["severity"] == "error"} == {("TR338", 3, "9338")}

    passed = cli("validate", "--db", url, "--format", "jsonl", str(goed))
    assert passed.returncode == 0, passed.stdout
    assert 3 in json.loads(passed.stdout)["niveaus"] and json.loads(passed.stdout)["findings"] == []

    imported = cli("import", "--db", url, str(fout), str(goed))
    assert imported.returncode == 1 and "1 opgeslagen, 1 afgekeurd" in imported.stdout.decode(), imported.stdout
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            rows = {r.source.rsplit("/", 1)[-1]: r for r in conn.execute(select(Bericht.__table__).where(Bericht.nummer == "323"))}
    finally:
        engine.dispose()
    assert rows["nooit-toegewezen.xml"].status == STATUS_REJECTED and rows["nooit-toegewezen.xml"].niveau3 is False
    assert "TR338" in {f["code"] for f in rows["nooit-toegewezen.xml"].findings}
    assert rows["toegewezen.xml"].status == STATUS_STORED and rows["toegewezen.xml"].niveau3 is True


def test_the_325_carries_the_rules_own_retourcode(store_met_toewijzing, tmp_path):
    """`retour --db`: the rejected Prestatie gets 9338 in the 325, which is XSD-valid, UTF-8 without
    BOM and CRLF (the Validator reports no finding on it)."""
    fout = _write(tmp_path, "nooit-toegewezen.xml", D({}, {"ToewijzingNummer": "7999"}))
    made = cli("retour", "--db", store_met_toewijzing, str(fout), "-o", str(tmp_path / "uit"), "--dagtekening", "2026-04-09")
    assert made.returncode == 1 and "TR338" in made.stderr.decode(), made.stderr
    data = (tmp_path / "uit" / "nooit-toegewezen.325.xml").read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    checked = validator().validate_bytes(data)
    assert checked.xsd_valid and checked.findings == [] and checked.message.nummer == "325"
    root = etree.fromstring(data)
    codes = {
        p.findtext("{*}ProductReferentie/{*}ReferentieNummer"): [c.text for c in p.iterfind("{*}RetourCodes/{*}RetourCode")]
        for p in root.iter("{*}Prestatie")
    }
    assert list(codes.values()) == [["9338"]]  # only the rejected line is listed, with the rule's code


def test_rules_lists_the_declaration_rules():
    listed = cli("rules", "--bericht", "323", "--niveau", "3", "--format", "jsonl")
    assert listed.returncode == 0, listed.stderr
    codes = {json.loads(x)["code"] for x in listed.stdout.decode().splitlines()}
    assert DECLARATIE_REGELS - {"TR366", "TR367", "TR385"} | {"TR056"} == codes


@pytest.mark.parametrize("code", sorted(DECLARATIE_REGELS))
def test_explain(code):
    from click.testing import CliRunner

    from berichten.cli import main

    (rule,) = HISTORY_REGISTRY.by_code(code)
    explained = CliRunner().invoke(main, ["explain", code])
    out = explained.output
    assert explained.exit_code == 0 and f"{code} — {rule.melding}" in out and "controleniveau: 3" in out, out
    # the docstring is the explanation (wrapped at 100 columns)
    assert f"retourcode: {rule.retourcode}" in out and " ".join(rule.uitleg.split()[:6]) in " ".join(out.split())
