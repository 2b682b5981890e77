"""CSV registers: header aliases, separators, BOM, row errors naming file/row/column, and the store tables."""

from __future__ import annotations

from datetime import date

import pytest

from berichten.store.config import Pseudonymiser
from berichten.store.regio_tables import RegioAanmelding, create_tables, import_csv, load_facts
from berichten.validators.regional.errors import FactsError
from berichten.validators.regional.facts import load_csv_facts, parse_aanmeldingen, parse_acceptaties
from tests.test_regional_support import BSN_A, BSN_B, aanmelding, csv_text, write

KEY = "test-sleutel"
P = Pseudonymiser(KEY)

ENGLISH_HEADER = "case,BSN,assignment,table,supplied_by,contract_manager_approval,flex_provider,declined_by,allocation_number\n"


def test_dutch_header_semicolons_and_quoted_list_cell():
    data = csv_text([aanmelding(afgewezen_door="11112222;33334444", toewijzingnummer="0880001")]).encode()
    [row] = parse_aanmeldingen(data, "a.csv", P)
    assert row.client == P(BSN_A) and row.flex_aanbieder == "12345678"
    assert row.afgewezen_door == {"11112222", "33334444"}
    assert row.akkoord_contractmanager == date(2026, 3, 10)
    assert row.toewijzingnummer == 880001  # compared numerically, as LDT_Nummer
    assert row.bron == "a.csv:2"


def test_english_header_commas_bom_pipe_separated_list_and_dutch_dates():
    text = ENGLISH_HEADER + f"C-1,{BSN_A},BC,B/C-tafel,ZBT,10-03-2026,12345678,11112222|33334444,\n"
    [row] = parse_aanmeldingen(b"\xef\xbb\xbf" + text.encode(), "en.csv", P)
    assert row.aangeleverd_door == "ZBT" and row.akkoord_contractmanager == date(2026, 3, 10)
    assert row.afgewezen_door == {"11112222", "33334444"}


def test_unquoted_list_in_a_semicolon_file_is_caught():
    text = csv_text([aanmelding()]).replace(";11112222;", ";11112222;33334444;")
    with pytest.raises(FactsError) as exc:
        parse_aanmeldingen(text.encode(), "a.csv", P)
    assert exc.value.fouten[0].startswith("a.csv: regel 2: 10 cellen, maar 9 kolommen") and "'|'" in exc.value.fouten[0]


def test_empty_akkoord_and_empty_declined_list():
    [row] = parse_aanmeldingen(csv_text([aanmelding(akkoord_contractmanager="", afgewezen_door="")]).encode(), "a.csv", P)
    assert row.akkoord_contractmanager is None and row.afgewezen_door == frozenset()


@pytest.mark.parametrize(
    "overrides, column, fragment",
    [
        ({"akkoord_contractmanager": "2026-02-30"}, "akkoord_contractmanager", "geen geldige datum"),
        ({"bsn": "999900007"}, "bsn", "11-proef"),
        ({"bsn": "12345"}, "bsn", "9 cijfers"),
        ({"flex_aanbieder": "1234"}, "flex_aanbieder", "AGB-code"),
        ({"afgewezen_door": "11112222;abc"}, "afgewezen_door", "'abc'"),
        ({"casus": ""}, "casus", "leeg"),
        ({"toewijzingnummer": "x1"}, "toewijzingnummer", "geen getal"),
    ],
)
def test_bad_aanmelding_rows(overrides, column, fragment):
    data = csv_text([aanmelding(), aanmelding(**overrides)]).encode()
    with pytest.raises(FactsError) as exc:
        parse_aanmeldingen(data, "aanmeldingen.csv", P)
    [message] = exc.value.fouten
    assert message.startswith(f"aanmeldingen.csv: regel 3, kolom {column}: ") and fragment in message
    assert "999900007" not in message and "999900006" not in message  # never a full BSN


def acceptatie(**overrides: str) -> dict[str, str]:
    row = {"bsn": BSN_A, "aanbieder": "87654321", "product": "45A04", "acceptatiedatum": "2026-01-01",
           "buurtteam": "jeugd-gezin", "casus": "BT-1"}
    return row | overrides


@pytest.mark.parametrize(
    "overrides, column, fragment",
    [
        ({"buurtteam": "ouderen"}, "buurtteam", "onbekend Buurtteam 'ouderen'"),
        ({"acceptatiedatum": "1 mei"}, "acceptatiedatum", "geen geldige datum"),
        ({"acceptatiedatum": ""}, "acceptatiedatum", "leeg"),
        ({"bsn": "999900019"}, "bsn", "11-proef"),
        ({"aanbieder": "AB"}, "aanbieder", "AGB-code"),
    ],
)
def test_bad_acceptatie_rows(overrides, column, fragment):
    data = csv_text([acceptatie(**overrides)], delimiter=",").encode()
    with pytest.raises(FactsError) as exc:
        parse_acceptaties(data, "acc.csv", P)
    assert any(m.startswith(f"acc.csv: regel 2, kolom {column}: ") and fragment in m for m in exc.value.fouten), exc.value.fouten


def test_acceptatie_aliases():
    text = "BSN;Provider;Product code;Acceptance date;Team;Case\n" + f"{BSN_B};22223333;02A05;2026-03-01;Volwassenen;V-1\n"
    [row] = parse_acceptaties(text.encode(), "acc.csv", P)
    assert (row.aanbieder, row.product, row.buurtteam, row.casus) == ("22223333", "02A05", "volwassenen", "V-1")


@pytest.mark.parametrize(
    "data, fragment",
    [
        (b"casus;bsn\nC;999900006\n", "kolom 'aangeleverd_door' ontbreekt"),
        (b"", "leeg"),
        ("casus;bsn\nC;é".encode("latin-1"), "geen UTF-8"),
    ],
)
def test_unusable_files(data, fragment):
    with pytest.raises(FactsError) as exc:
        parse_aanmeldingen(data, "x.csv", P)
    assert any(fragment in m for m in exc.value.fouten)


def test_load_csv_facts_reports_both_files(tmp_path):
    a = write(tmp_path / "a.csv", csv_text([aanmelding(bsn="123")]))
    b = write(tmp_path / "b.csv", csv_text([acceptatie(buurtteam="?")]))
    with pytest.raises(FactsError) as exc:
        load_csv_facts(a, b)
    assert [m.split(":")[0] for m in exc.value.fouten] == [str(a), str(b)]


def test_store_round_trip(tmp_path):
    url = f"sqlite:///{tmp_path / 'regio.db'}"
    create_tables(url)
    a = write(tmp_path / "a.csv", csv_text([aanmelding(), aanmelding(casus="C-2", bsn=BSN_B, akkoord_contractmanager="")]))
    b = write(tmp_path / "b.csv", csv_text([acceptatie()]))
    assert import_csv(url, a, "aanmeldingen", pseudonym_key=KEY) == 2
    assert import_csv(url, b, "acceptaties", pseudonym_key=KEY) == 1
    assert import_csv(url, a, "aanmeldingen", pseudonym_key=KEY) == 2  # replaces, does not double
    facts = load_facts(url, pseudonym_key=KEY)
    assert len(facts.aanmeldingen) == 2 and len(facts.acceptaties) == 1
    first = facts.aanmeldingen[0]
    assert first.client == P(BSN_A) == facts.client(BSN_A)  # same pseudonym as the store's message tables
    assert first.afgewezen_door == {"11112222"} and first.akkoord_contractmanager == date(2026, 3, 10)
    assert facts.aanmeldingen[1].akkoord_contractmanager is None
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("regio.db*"))  # the WAL file too
    assert BSN_A.encode() not in raw and BSN_B.encode() not in raw  # the BSN itself is never stored
    assert import_csv(url, b, "acceptaties", pseudonym_key=KEY, append=True) == 1
    assert len(load_facts(url, pseudonym_key=KEY).acceptaties) == 2


def test_empty_store_tables_mean_not_configured(tmp_path):
    url = f"sqlite:///{tmp_path / 'leeg.db'}"
    create_tables(url)
    facts = load_facts(url, pseudonym_key=KEY)
    assert facts.aanmeldingen is None and facts.acceptaties is None


def test_missing_tables_are_a_clear_error(tmp_path):
    with pytest.raises(FactsError, match="regio_aanmelding ontbreekt"):
        load_facts(f"sqlite:///{tmp_path / 'geen.db'}", pseudonym_key=KEY)


def test_bad_rows_store_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'regio.db'}"
    create_tables(url)
    import_csv(url, write(tmp_path / "ok.csv", csv_text([aanmelding()])), "aanmeldingen", pseudonym_key=KEY)
    with pytest.raises(FactsError):
        import_csv(url, write(tmp_path / "bad.csv", csv_text([aanmelding(bsn="1")])), "aanmeldingen", pseudonym_key=KEY)
    assert len(load_facts(url, pseudonym_key=KEY).aanmeldingen) == 1
    assert RegioAanmelding.__tablename__ == "regio_aanmelding"
