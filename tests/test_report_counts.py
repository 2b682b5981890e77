"""Report figures on small known stores, against counts made by hand (SQLite and PostgreSQL).

Every message is real XML (berichten.generate) imported through store.importer; the aanmeldingen
and acceptaties go through store.regio_tables. The hand counts are in the comments.
"""

from __future__ import annotations

from datetime import date

import pytest

from berichten.report.build import build_report
from berichten.report.model import Report
from berichten.report.testing import MessageSet, bsn, migrated_database
from berichten.store.importer import import_paths
from berichten.store.regio_tables import create_tables, import_csv
from berichten.validators.regional.config import parse_config

KEY = "report-test-sleutel"
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]

GRJR = parse_config('''
[regio]
code = "grjr"
naam = "GRJR test"
gemeenten = ["0599", "0489"]

[[opdracht]]
code = "BC"
naam = "B/C (minus C1)"
tafel = "B/C-tafel"
producten = ["45A04"]

[[opdracht]]
code = "C1"
naam = "C1 gezinshuizen"
tafel = "Gezinshuizenoverleg"
producten = ["43A01"]

[[aanbieder]]
agb = "87654321"
naam = "Systeem"
  [[aanbieder.rol]]
  rol = "systeemaanbieder"

[[aanbieder]]
agb = "12345678"
naam = "Flex Een"
  [[aanbieder.rol]]
  rol = "flex-aanbieder"

[[aanbieder]]
agb = "11112222"
naam = "Flex Twee"
  [[aanbieder.rol]]
  rol = "flex-aanbieder"
  vanaf = 2026-01-01
''', "grjr-test.toml")

S, F1, F2 = "87654321", "12345678", "11112222"


def _grjr_messages(m: MessageSet) -> None:
    c = {i: bsn(i) for i in range(1, 11)}
    # c1 at F1: two touching allocations -> one episode 2026-01-10 .. 2026-08-31.
    m.toewijzing(gemeente="0599", aanbieder=F1, client=c[1], nummer=1001, code="45A04", ingang="2026-01-10", eind="2026-03-31", toegewezen="2026-01-08")
    m.toewijzing(gemeente="0599", aanbieder=F1, client=c[1], nummer=1002, code="45A04", ingang="2026-04-01", eind="2026-08-31", toegewezen="2026-03-25")
    # c2 at F1: 2025-12-01 .. 2026-02-14 -> outflow in February (first day without care 02-15).
    m.toewijzing(gemeente="0599", aanbieder=F1, client=c[2], nummer=1003, code="45A04", ingang="2025-12-01", eind="2026-02-14", toegewezen="2025-11-28")
    # c3 at F1 from gemeente 0489, product of C1, open; its 302 accepts (0200): still counted.
    ident = m.toewijzing(gemeente="0489", aanbieder=F1, client=c[3], nummer=2001, code="43A01", ingang="2026-03-05", eind=None, toegewezen="2026-03-02", omvang=(12, "04", "4"))
    m.retour(gemeente="0489", aanbieder=F1, identificatie=ident, dagtekening="2026-03-03", code="0200")
    # c4 at F1: 2026-02-01 .. 05-31, later shortened (intrekken) to 04-15 -> outflow in April.
    m.toewijzing(gemeente="0599", aanbieder=F1, client=c[4], nummer=1004, code="45A04", ingang="2026-02-01", eind="2026-05-31", toegewezen="2026-01-29")
    m.toewijzing(gemeente="0599", aanbieder=F1, client=c[4], nummer=1004, code="45A04", ingang="2026-02-01", eind="2026-04-15", toegewezen="2026-04-10", reden="05")
    # c5 at F1: allocated, then deleted (RedenWijziging 13, Einddatum = Ingangsdatum): never counts.
    m.toewijzing(gemeente="0599", aanbieder=F1, client=c[5], nummer=1005, code="45A04", ingang="2026-03-01", eind="2026-12-31", toegewezen="2026-02-25")
    m.toewijzing(gemeente="0599", aanbieder=F1, client=c[5], nummer=1005, code="45A04", ingang="2026-03-01", eind="2026-03-01", toegewezen="2026-02-27", reden="13")
    # c6 at F2: January, a gap in February, then March .. June: two episodes.
    m.toewijzing(gemeente="0599", aanbieder=F2, client=c[6], nummer=1006, code="45A04", ingang="2026-01-01", eind="2026-01-31", toegewezen="2025-12-20")
    m.toewijzing(gemeente="0599", aanbieder=F2, client=c[6], nummer=1007, code="45A04", ingang="2026-03-01", eind="2026-06-30", toegewezen="2026-02-20")
    # c7 at the systeemaanbieder: not flex, but part of the flex share.
    m.toewijzing(gemeente="0599", aanbieder=S, client=c[7], nummer=1008, code="45A04", ingang="2026-02-01", eind="2026-12-31", toegewezen="2026-01-25")
    # c8 at F1 from a gemeente outside GRJR: never counts.
    m.toewijzing(gemeente="0363", aanbieder=F1, client=c[8], nummer=3001, code="45A04", ingang="2026-02-01", eind=None, toegewezen="2026-01-25", omvang=(12, "04", "4"))
    # c9 at F1: the 301 is rejected by its 302 (RetourCode 8001): never counts.
    ident = m.toewijzing(gemeente="0599", aanbieder=F1, client=c[9], nummer=1009, code="45A04", ingang="2026-05-01", eind="2026-09-30", toegewezen="2026-04-25")
    m.retour(gemeente="0599", aanbieder=F1, identificatie=ident, dagtekening="2026-04-26", code="8001")


NIJMEGEN = parse_config('''
[regio]
code = "nijmegen"
naam = "Nijmegen test"
gemeenten = ["0268"]

[[product]]
code = "02A03"
naam = "Reguliere begeleiding Wmo"
standaard = "iwmo"
uren_per_jaar = 200
uren_per_anderhalf_jaar = 300

[[product]]
code = "02A05"
naam = "Specialistische begeleiding Wmo"
standaard = "iwmo"
uren_per_jaar = 200
uren_per_anderhalf_jaar = 300

[[product]]
code = "45A04"
naam = "Reguliere begeleiding Jeugd"
standaard = "ijw"
uren_per_jaar = 300
uren_per_anderhalf_jaar = 450

[[product]]
code = "45A05"
naam = "Specialistische begeleiding Jeugd"
standaard = "ijw"
uren_per_jaar = 200
uren_per_anderhalf_jaar = 300

[[buurtteam]]
code = "jeugd-gezin"
naam = "J&G"
stapelen = true

[[buurtteam]]
code = "volwassenen"
naam = "Volwassenen"
stapelen = false
plafond_uren_per_jaar = 200

[[aanbieder]]
agb = "87654321"
naam = "Begeleiding"
''', "nijmegen-test.toml")

P = "87654321"


def _nijmegen_messages(m: MessageSet) -> list[list[str]]:
    n = {i: bsn(20 + i) for i in range(1, 8)}
    g = dict(gemeente="0268", aanbieder=P)
    # n1 J&G 45A04, 9 months, 225 h total = standard 225 h (not above). Start 01-05, definitive stop 06-30: 177 days.
    m.toewijzing(**g, client=n[1], nummer=1, code="45A04", ingang="2026-01-01", eind="2026-09-30", toegewezen="2025-12-20", omvang=(225, "04", "6"))
    m.start(**g, client=n[1], nummer=1, code="45A04", ingang="2026-01-01", begin="2026-01-05")
    m.stop(**g, client=n[1], nummer=1, code="45A04", ingang="2026-01-01", begin="2026-01-05", eind="2026-06-30", reden="02", dag="2026-07-02")
    # n2 J&G 45A04, 6 h/week over 273 days = 234 h > 225 h. Start 01-20, no stop, Einddatum passed: 254 days.
    m.toewijzing(**g, client=n[2], nummer=2, code="45A04", ingang="2026-01-01", eind="2026-09-30", toegewezen="2025-12-20", omvang=(6, "04", "2"))
    m.start(**g, client=n[2], nummer=2, code="45A04", ingang="2026-01-01", begin="2026-01-20")
    # n3 J&G 45A05, 18 months, 300 h total = standard 300 h. Started after 59 days; still running (open).
    m.toewijzing(**g, client=n[3], nummer=3, code="45A05", ingang="2026-01-01", eind="2027-06-30", toegewezen="2025-12-20", omvang=(300, "04", "6"))
    m.start(**g, client=n[3], nummer=3, code="45A05", ingang="2026-01-01", begin="2026-03-01")
    # n4 Volwassenen 02A03, 4 h/week over 181 days = 103.43 h > 100 h. A pause (20) is no end: to Einddatum 06-30, 172 days.
    m.toewijzing(standaard="iwmo", **g, client=n[4], nummer=4, code="02A03", ingang="2026-01-01", eind="2026-06-30", toegewezen="2025-12-20", omvang=(4, "04", "2"))
    m.start(standaard="iwmo", **g, client=n[4], nummer=4, code="02A03", ingang="2026-01-01", begin="2026-01-10")
    m.stop(standaard="iwmo", **g, client=n[4], nummer=4, code="02A03", ingang="2026-01-01", begin="2026-01-10", eind="2026-03-31", reden="20", dag="2026-04-01")
    # n5 Volwassenen 02A05, open, 20 h per month = 240 h a year > 200: above, no hours summed. Never started.
    m.toewijzing(standaard="iwmo", **g, client=n[5], nummer=5, code="02A05", ingang="2026-03-01", eind=None, toegewezen="2026-02-20", omvang=(20, "04", "4"))
    # n6 without acceptance row (onbekend), 02A03, 15 h/month over 11 + 3/31 months = 166.45 h <= 184.95 h.
    # Its start is withdrawn (StatusAanlevering 3): never started.
    m.toewijzing(standaard="iwmo", **g, client=n[6], nummer=6, code="02A03", ingang="2026-06-01", eind="2027-05-03", toegewezen="2026-05-20", omvang=(15, "04", "4"))
    m.start(standaard="iwmo", **g, client=n[6], nummer=6, code="02A03", ingang="2026-06-01", begin="2026-06-10")
    m.start(standaard="iwmo", **g, client=n[6], nummer=6, code="02A03", ingang="2026-06-01", begin="2026-06-10", status="3", dag="2026-06-12")
    # n7: a product outside the covenant: never counts.
    m.toewijzing(**g, client=n[7], nummer=7, code="45A01", ingang="2026-01-01", eind="2026-12-31", toegewezen="2025-12-20")
    return [[n[1], P, "45A04", "2026-01-01", "jeugd-gezin", "A"], [n[2], P, "45A04", "2026-01-01", "jeugd-gezin", "B"],
            [n[3], P, "45A05", "2026-01-01", "jeugd-gezin", "C"], [n[4], P, "02A03", "2026-01-01", "volwassenen", "D"],
            [n[5], P, "02A05", "2026-03-01", "volwassenen", "E"]]


def _csv(path, header, rows):
    path.write_text(";".join(header) + "\n" + "".join(";".join(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module", params=BACKENDS)
def stores(request, tmp_path_factory) -> dict[str, Report]:
    """Both regions' reports over one store per backend (built once per module and backend)."""
    folder = tmp_path_factory.mktemp(f"report-{request.param}")
    with migrated_database(request.param, folder) as url:
        m = MessageSet(folder / "berichten")
        _grjr_messages(m)
        acceptaties = _nijmegen_messages(m)
        summary = import_paths([m.folder], url, pseudonym_key=KEY)
        assert summary.rejected == 0, summary.to_dict()
        create_tables(url)
        # c4's aanmelding names its opdracht (by name, not code): it moves c4 from BC (product) to C1.
        _csv(folder / "aanmeldingen.csv",
             ["casus", "bsn", "opdracht", "tafel", "aangeleverd_door", "akkoord_contractmanager", "flex_aanbieder",
              "afgewezen_door", "toewijzingnummer"],
             [["K4", bsn(4), "C1 gezinshuizen", "", "ZBT", "2026-01-20", F1, "", "1004"]])
        import_csv(url, folder / "aanmeldingen.csv", "aanmeldingen", pseudonym_key=KEY)
        _csv(folder / "acceptaties.csv", ["bsn", "aanbieder", "product", "acceptatiedatum", "buurtteam", "casus"], acceptaties)
        import_csv(url, folder / "acceptaties.csv", "acceptaties", pseudonym_key=KEY)
        yield {
            "grjr": build_report(url, GRJR, peildatum=date(2026, 6, 30), van=date(2026, 1, 1), tot=date(2026, 6, 1)),
            "nijmegen": build_report(url, NIJMEGEN, peildatum=date(2026, 12, 31), van=date(2026, 1, 1), tot=date(2026, 12, 1)),
        }


def _rows(report: Report, table_id: str, *keys: str) -> dict:
    """Rows keyed by the first column(s)."""
    table = report.table(table_id)
    n = len(keys) or 1
    return {tuple(r[:n]) if n > 1 else r[0]: r for r in table.rows}


def test_grjr_active_on_peildatum(stores):
    rows = _rows(stores["grjr"], "grjr_actief")
    # F1: c1 (to 08-31) and c3 (open); c2 and c4 ended, c5 deleted, c8 other gemeente, c9 rejected. F2: c6.
    assert rows[F1][2] == 2
    assert rows[F2][2] == 1
    assert rows["totaal"][2] == 3


# (maand, aanbieder) -> (begin, instroom, uitstroom, eind), counted by hand from the comments above.
FLOW = {
    ("2026-01", F1): (1, 1, 0, 2), ("2026-02", F1): (2, 1, 1, 2), ("2026-03", F1): (2, 1, 0, 3),
    ("2026-04", F1): (3, 0, 1, 2), ("2026-05", F1): (2, 0, 0, 2), ("2026-06", F1): (2, 0, 0, 2),
    ("2026-01", F2): (0, 1, 0, 1), ("2026-02", F2): (1, 0, 1, 0), ("2026-03", F2): (0, 1, 0, 1),
    ("2026-04", F2): (1, 0, 0, 1), ("2026-05", F2): (1, 0, 0, 1), ("2026-06", F2): (1, 0, 0, 1),
}


def test_grjr_flow_matches_hand_count(stores):
    rows = _rows(stores["grjr"], "grjr_verloop", "maand", "aanbieder")
    assert {k: tuple(r[3:7]) for k, r in rows.items()} == FLOW


def test_grjr_flow_invariant_and_continuity(stores):
    rows = stores["grjr"].table("grjr_verloop").records()
    for r in rows:
        assert r["eind"] == r["begin"] + r["instroom"] - r["uitstroom"], r
    by_provider: dict[str, list[dict]] = {}
    for r in rows:
        by_provider.setdefault(r["aanbieder"], []).append(r)
    for series in by_provider.values():
        for before, after in zip(series, series[1:]):
            assert after["begin"] == before["eind"]
    active = _rows(stores["grjr"], "grjr_actief")
    for agb, series in by_provider.items():
        assert series[-1]["eind"] == active[agb][2]  # the last month ends on the peildatum


def test_grjr_per_opdracht(stores):
    active = _rows(stores["grjr"], "grjr_opdracht_actief")
    # BC: c1 at F1 and c6 at F2; C1: c3 (product 43A01). c4 (C1 by its aanmelding) ended in April.
    assert (active["BC"][1], active["BC"][2]) == ("B/C-tafel", 2)
    assert (active["C1"][1], active["C1"][2]) == ("Gezinshuizenoverleg", 1)
    flow = _rows(stores["grjr"], "grjr_opdracht_verloop", "maand", "opdracht")
    # End of March: BC has c1 and c6; C1 has c3 and c4 (moved there by the aanmelding).
    assert flow[("2026-03", "BC")][6] == 2
    assert flow[("2026-03", "C1")][6] == 2
    assert flow[("2026-04", "C1")][3:7] == [2, 0, 1, 1]
    for r in stores["grjr"].table("grjr_opdracht_verloop").records():
        assert r["eind"] == r["begin"] + r["instroom"] - r["uitstroom"]


def test_grjr_flex_share(stores):
    rows = _rows(stores["grjr"], "grjr_aandeel_flex")
    # Current allocations by month of Ingangsdatum: Jan c1, c6; Feb c4 (flex), c7 (systeem); Mar c3, c6; Apr c1.
    assert rows["2026-01"][1:5] == [2, 0, 0, 2]
    assert rows["2026-02"][1:6] == [1, 1, 0, 2, 0.5]
    assert rows["2026-03"][1:5] == [2, 0, 0, 2]
    assert rows["2026-04"][1:5] == [1, 0, 0, 1]
    assert rows["2026-05"][1:5] == [0, 0, 0, 0]  # c9 was rejected by its retour


def test_grjr_flex_rules_from_the_store(stores):
    rows = _rows(stores["grjr"], "grjr_flex_aanbieder")
    # Only c4 (1004) has an aanmelding (ZBT, akkoord 01-20, before the current version's 04-10): it passes.
    # F1: 1001, 1002, 1003, 2001 without aanmelding (001); c5 deleted, c8 outside GRJR, c9 rejected. F2: 1006, 1007.
    assert rows[F1][2:] == [5, 4]
    assert rows[F2][2:] == [2, 2]
    assert rows["totaal"][2:] == [7, 6]
    assert [r[2] for r in stores["grjr"].table("grjr_flex_regels").rows] == [6, 0, 0, 0, 0]
    assert [r[0] for r in stores["grjr"].table("grjr_flex_lijst").rows] == [1006, 1007, 1003, 1001, 2001, 1002]


def test_grjr_unanswered_note(stores):
    section = stores["grjr"].sections[0]
    # 12 GRJR 301 messages (c8 comes from outside GRJR); two have a stored 302: 10 unanswered.
    assert any(n.startswith("10 toewijzingsbericht") for n in section.notes), section.notes


def test_nijmegen_hours_per_product(stores):
    rows = _rows(stores["nijmegen"], "nijm_uren_product", "buurtteam", "product")
    jg = rows[("jeugd-gezin", "45A04")]
    # n1 225 h (standard 225) + n2 234 h (standard 225): one above.
    assert jg[3:5] == [2, 2]
    assert jg[5] == pytest.approx(459) and jg[6] == pytest.approx(450)
    assert jg[8:10] == [1, 0.5]
    spec = rows[("jeugd-gezin", "45A05")]
    assert spec[5] == pytest.approx(300) and spec[6] == pytest.approx(300) and spec[8] == 0  # equal is not above
    vw = rows[("volwassenen", "02A03")]
    assert vw[5] == pytest.approx(4 * 181 / 7) and vw[6] == pytest.approx(100) and vw[8] == 1
    open_ended = rows[("volwassenen", "02A05")]
    assert open_ended[3:5] == [1, 1] and open_ended[5] is None and open_ended[8] == 1  # 240 h/year > 200
    unknown = rows[("onbekend", "02A03")]
    months = 11 + 3 / 31
    assert unknown[5] == pytest.approx(15 * months) and unknown[6] == pytest.approx(200 * months / 12) and unknown[8] == 0
    assert ("jeugd-gezin", "45A01") not in rows and len(rows) == 5


def test_nijmegen_ratio(stores):
    rows = _rows(stores["nijmegen"], "nijm_ratio")
    assert rows["jeugd-gezin"][1:3] == [2, 1]
    assert rows["jeugd-gezin"][5] == pytest.approx(459 / 300)
    assert rows["volwassenen"][1:3] == [1, 1]
    assert rows["volwassenen"][4] is None  # the specialistisch allocation is open-ended: no hours


def test_nijmegen_trajectduur(stores):
    rows = _rows(stores["nijmegen"], "nijm_trajectduur")
    # (beeindigd, lopend, nooit gestart, Q1, mediaan, Q3, min, max) in days, both ends included.
    assert rows["jeugd-gezin"][1:] == [2, 1, 0, 177, 177, 254, 177, 254]
    assert rows["volwassenen"][1:] == [1, 0, 1, 172, 172, 172, 172, 172]
    assert rows["onbekend"][1:4] == [0, 0, 1]
    assert rows["totaal"][1:] == [3, 1, 2, 172, 177, 254, 172, 254]


def test_nijmegen_start_within_42_days(stores):
    rows = _rows(stores["nijmegen"], "nijm_start42")
    assert rows["jeugd-gezin"][1:5] == [3, 2, 1, 0]
    assert rows["volwassenen"][1:5] == [2, 1, 0, 1]
    assert rows["onbekend"][1:5] == [1, 0, 0, 1]
