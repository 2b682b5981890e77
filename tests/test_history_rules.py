"""Level-3 rules: a table of scenarios (earlier messages, then one message) per rule, both standards.

Each scenario imports its earlier messages into an empty database (they must be accepted) and
then the last message; the level-3 codes on that last message must be exactly the expected ones.
Messages are the fixtures in fixtures/store/ with small edits (see ``store.testing.build``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from berichten.store.importer import StoredMessage
from berichten.store.testing import IMPORT_MODES, assert_level3, build, import_in_order
from berichten.validators.history import HISTORY_REGISTRY
from berichten.validators.pipeline import Validator

ANDERE_BSN = "111222333"  # passes the 11-proef, differs from the fixtures' client


@dataclass(frozen=True)
class Step:
    nummer: str
    producten: tuple[dict, ...] = ()
    header: dict = field(default_factory=dict)


def S(nummer: str, *producten: dict, **header: str) -> Step:
    return Step(nummer, producten, header)


START = S("305")
STOP = S("307")
TOEWIJZING = S("301")
VERSIE_2 = {"Toewijzingstijd": "10:00:00"}  # a later version of allocation 7001
VERWIJDERD = {"Toewijzingstijd": "11:00:00", "Einddatum": "2026-03-01", "RedenWijziging": "13"}
DELETE = {"StatusAanlevering": "3"}
TIJDELIJK = {"RedenBeeindiging": "20"}
VERZOEK = S("315")
HONOREERT = {"ReferentieAanbieder": "REF-0001"}
VOW = S("317")  # a request for change, reference VOW-0001, for the fixtures' client
HONOREERT_VOW = {"ReferentieAanbieder": "VOW-0001"}
AFGEWEZEN = S("319")  # the gemeente rejects REF-0001 (VerzoekAntwoord 1)
IN_ONDERZOEK = S("319", {"VerzoekAntwoord": "2", "RedenAfwijzingVerzoek": None})

# (id, earlier messages, last message, expected level-3 codes on the last message)
SCENARIOS = [
    # TR019: a start/stop refers to an allocation of this gemeente to this provider for this client
    ("tr019-start-met-toewijzing", [TOEWIJZING], START, set()),
    ("tr019-start-zonder-toewijzing", [], START, {"TR019"}),
    ("tr019-toewijzing-andere-aanbieder", [S("301", ontvanger="87650002")], START, {"TR019"}),
    ("tr019-toewijzing-andere-client", [S("301", bsn=ANDERE_BSN)], START, {"TR019"}),
    ("tr019-toewijzing-verwijderd", [TOEWIJZING, S("301", VERWIJDERD)], START, {"TR019"}),
    ("tr019-taakgericht-zonder-nummer", [], S("305", {"ToewijzingNummer": None}), set()),
    ("tr019-stop-zonder-toewijzing", [], STOP, {"TR019", "TR382"}),
    # TR056: Identificatie unique per sender and message type
    ("tr056-zelfde-identificatie", [S("301", identificatie="DUBBEL-1")], S("301", VERSIE_2, identificatie="DUBBEL-1"), {"TR056"}),
    ("tr056-andere-afzender", [S("301", identificatie="DUBBEL-1")], S("301", identificatie="DUBBEL-1", afzender="0606"), set()),
    # TR063: a delete needs an earlier delivery with the same key
    ("tr063-start-verwijderen-zonder-start", [TOEWIJZING], S("305", DELETE), {"TR063"}),
    ("tr063-start-verwijderen", [TOEWIJZING, START], S("305", DELETE), set()),
    ("tr063-start-twee-keer-verwijderen", [TOEWIJZING, START, S("305", DELETE)], S("305", DELETE), {"TR063"}),
    ("tr063-stop-verwijderen-zonder-stop", [TOEWIJZING, START], S("307", DELETE), {"TR063"}),
    ("tr063-stop-verwijderen", [TOEWIJZING, START, STOP], S("307", DELETE), set()),
    # TR071: a start with a stop cannot be deleted
    ("tr071-start-met-stop-verwijderen", [TOEWIJZING, START, STOP], S("305", DELETE), {"TR071"}),
    ("tr071-stop-eerst-verwijderd", [TOEWIJZING, START, STOP, S("307", DELETE)], S("305", DELETE), set()),
    # TR074: a new delivery's key was not received before
    ("tr074-start-dubbel", [TOEWIJZING, START], START, {"TR074"}),
    ("tr074-start-na-verwijderen", [TOEWIJZING, START, S("305", DELETE)], START, set()),
    ("tr074-stop-dubbel", [TOEWIJZING, START, STOP], STOP, {"TR074", "TR415"}),
    # TR326: no new start while a start for the allocation is running
    ("tr326-tweede-start", [TOEWIJZING, START], S("305", {"Begindatum": "2026-03-20"}), {"TR326"}),
    ("tr326-start-na-stop", [TOEWIJZING, START, STOP], S("305", {"Begindatum": "2026-06-20"}), set()),
    ("tr326-correctie-in-een-bericht", [TOEWIJZING, START], S("305", DELETE, {"Begindatum": "2026-03-06"}), set()),
    # TR382 (9069): a stop copies the key of a running start
    ("tr382-stop-past-bij-start", [TOEWIJZING, START], STOP, set()),
    ("tr382-stop-andere-begindatum", [TOEWIJZING, START], S("307", {"Begindatum": "2026-03-06"}), {"TR382"}),
    # TR413/TR414/TR415: stops after stops
    ("tr413-tweede-tijdelijke-stop", [TOEWIJZING, START, S("307", TIJDELIJK)], S("307", {**TIJDELIJK, "Einddatum": "2026-07-01"}), {"TR413"}),
    ("tr413-definitief-na-tijdelijk", [TOEWIJZING, START, S("307", TIJDELIJK)], S("307", {"Einddatum": "2026-07-01"}), set()),
    ("tr414-einddatum-eerder", [TOEWIJZING, START, S("307", TIJDELIJK)], S("307", {"Einddatum": "2026-05-01"}), {"TR414"}),
    ("tr415-stop-na-definitieve-stop", [TOEWIJZING, START, STOP], S("307", {"Einddatum": "2026-07-01"}), {"TR415"}),
    ("tr415-tijdelijk-na-definitief", [TOEWIJZING, START, STOP], S("307", {**TIJDELIJK, "Einddatum": "2026-07-01"}), {"TR415"}),
    # TR332: a ToewijzingNummer belongs to one client and provider per gemeente
    ("tr332-nummer-andere-client", [TOEWIJZING], S("301", VERSIE_2, bsn=ANDERE_BSN), {"TR332"}),
    ("tr332-nummer-andere-aanbieder", [TOEWIJZING], S("301", VERSIE_2, ontvanger="87650002"), {"TR332"}),
    ("tr332-nieuwe-versie", [TOEWIJZING], S("301", VERSIE_2), set()),
    ("tr332-andere-gemeente", [TOEWIJZING], S("301", afzender="0606"), set()),
    # TR379: ReferentieAanbieder only when honouring a request
    ("tr379-referentie-zonder-verzoek", [], S("301", HONOREERT), {"TR379"}),
    ("tr379-honoreert-verzoek", [VERZOEK], S("301", HONOREERT), set()),
    ("tr379-verzoek-andere-client", [S("315", bsn=ANDERE_BSN)], S("301", HONOREERT), {"TR379"}),
    # TR347: ReferentieAanbieder unique per provider
    ("tr347-referentie-dubbel", [VERZOEK], S("315", bsn=ANDERE_BSN), {"TR347"}),
    ("tr347-nieuwe-referentie", [VERZOEK], S("315", {"ReferentieAanbieder": "REF-0002"}, bsn=ANDERE_BSN), set()),
    # TR374: no new request while one is open for the client
    ("tr374-verzoek-open", [VERZOEK], S("315", {"ReferentieAanbieder": "REF-0002"}), {"TR374"}),
    ("tr374-verzoek-beantwoord", [VERZOEK, S("301", HONOREERT)], S("315", {"ReferentieAanbieder": "REF-0002"}), set()),
    # 317 and 319: requests for change count as requests; a rejection (319, VerzoekAntwoord 1) closes one
    ("tr374-verzoek-afgewezen", [VERZOEK, AFGEWEZEN], S("315", {"ReferentieAanbieder": "REF-0002"}), set()),
    ("tr374-verzoek-in-onderzoek", [VERZOEK, IN_ONDERZOEK], S("315", {"ReferentieAanbieder": "REF-0002"}), {"TR374"}),
    ("tr374-afwijzing-andere-referentie", [VERZOEK, S("319", {"ReferentieAanbieder": "REF-0009"})],
     S("315", {"ReferentieAanbieder": "REF-0002"}), {"TR374"}),
    ("tr374-vow-open", [VOW], S("315", {"ReferentieAanbieder": "REF-0002"}), {"TR374"}),
    ("tr374-vow-na-open-verzoek", [VERZOEK], VOW, {"TR374"}),
    ("tr374-vow-na-afgewezen-verzoek", [VERZOEK, AFGEWEZEN], VOW, set()),
    ("tr374-vow-beantwoord", [VOW, S("301", HONOREERT_VOW)], VERZOEK, set()),
    ("tr347-vow-referentie-van-verzoek", [VERZOEK, S("301", HONOREERT)], S("317", {"ReferentieAanbieder": "REF-0001"}), {"TR347"}),
    ("tr347-verzoek-referentie-van-vow", [VOW, S("301", HONOREERT_VOW)], S("315", {"ReferentieAanbieder": "VOW-0001"}), {"TR347"}),
    ("tr379-honoreert-vow", [VOW], S("301", HONOREERT_VOW), set()),
    ("tr056-antwoord-dubbel", [S("319", identificatie="DUBBEL-9")], S("319", {"ReferentieAanbieder": "REF-0002"}, identificatie="DUBBEL-9"), {"TR056"}),
]

_VALIDATOR: Validator | None = None


def validator() -> Validator:
    global _VALIDATOR
    if _VALIDATOR is None:
        _VALIDATOR = Validator()
    return _VALIDATOR


def _bytes(standaard: str, step: Step) -> bytes:
    return build(standaard, step.nummer, [dict(p) for p in step.producten] or None, **step.header)


def run(url: str, standaard: str, earlier: list[Step], last: Step, mode: str = "db") -> StoredMessage:
    """Import ``earlier`` then ``last`` (``store.testing.import_in_order`` explains the modes)."""
    return import_in_order(url, validator(), [_bytes(standaard, s) for s in earlier], _bytes(standaard, last), mode)


@pytest.mark.parametrize("mode", IMPORT_MODES)
@pytest.mark.parametrize("standaard", ["ijw", "iwmo"])
@pytest.mark.parametrize("earlier,last,expected", [s[1:] for s in SCENARIOS], ids=[s[0] for s in SCENARIOS])
def test_rule_scenario(store_url, standaard, earlier, last, expected, mode):
    assert_level3(run(store_url, standaard, earlier, last, mode), expected)


def test_every_level3_rule_has_a_failing_scenario():
    failing = set().union(*(s[3] for s in SCENARIOS))
    # The declaration rules (validators/history_declaraties.py) have their own table: tests/test_history_declaraties.py.
    assert {r.code for r in HISTORY_REGISTRY if r.check.__module__ != "berichten.validators.history_declaraties"} <= failing
    assert {"TR019", "TR056", "TR063", "TR071", "TR074", "TR326", "TR332", "TR347", "TR374", "TR379", "TR382",
            "TR413", "TR414", "TR415"} <= {r.code for r in HISTORY_REGISTRY}


@pytest.mark.parametrize(
    "code,retourcode",
    [("TR019", "9019"), ("TR056", "9056"), ("TR063", "9063"), ("TR071", "9071"), ("TR074", "9074"), ("TR326", "9326"),
     ("TR332", "9332"), ("TR347", "9347"), ("TR374", "9374"), ("TR379", "9379"), ("TR382", "9069"), ("TR413", "9413"),
     ("TR414", "9414"), ("TR415", "9415")],
)
def test_retourcodes(code, retourcode):
    (rule,) = HISTORY_REGISTRY.by_code(code)
    assert rule.retourcode == retourcode and rule.niveau == 3
    assert rule.standaarden == {"ijw", "iwmo"}


def test_retourcodes_agree_with_rules_csv(reference):
    import csv

    with open(reference.REFERENCE_DIR / "rules" / "rules.csv", encoding="utf-8") as fh:
        published = {(r["standaard"], r["code"]): r["retourcode"] for r in csv.DictReader(fh)}
    for rule in HISTORY_REGISTRY:
        for standaard in rule.standaarden:
            assert published.get((standaard, rule.code)) == rule.retourcode, (standaard, rule.code)


@pytest.mark.parametrize(
    "earlier,last,locatie",
    [
        ([], S("305", {}, {"ToewijzingNummer": "7002"}), "/Bericht/Client/StartProducten/StartProduct[1]"),
        ([S("301", identificatie="DUBBEL-2")], S("301", VERSIE_2, identificatie="DUBBEL-2"), "/Bericht/Header"),
        ([VERZOEK], S("315", {"ReferentieAanbieder": "REF-0009"}), "/Bericht/Client"),
    ],
)
def test_locatie_is_the_failing_class(store_url, earlier, last, locatie):
    bericht = run(store_url, "ijw", earlier, last)
    assert locatie in {f["locatie"] for f in bericht.findings if f["niveau"] == 3}
