"""The regional TOML configuration: the shipped examples load, and every error names file, line, field."""

from __future__ import annotations

import re

import pytest

from berichten.validators.regional.config import load_config, parse_config
from berichten.validators.regional.errors import ConfigError
from tests.test_regional_support import FIXTURES

GRJR = (FIXTURES / "grjr.toml").read_text(encoding="utf-8")
NIJMEGEN = (FIXTURES / "nijmegen.toml").read_text(encoding="utf-8")


def test_grjr_example_loads():
    cfg = load_config(FIXTURES / "grjr.toml")
    assert cfg.code == "grjr"
    assert len(cfg.regio.gemeenten) == 13 and "0599" in cfg.regio.gemeenten
    assert [o.code for o in cfg.opdrachten] == ["BC", "C1", "FOR", "FORV", "C2"]
    assert cfg.opdracht_for_product("45A04").tafel == "B/C-tafel"
    both = cfg.aanbieder("11112222")
    assert both.has_role("flex-aanbieder") and both.has_role("onderaannemer")
    assert not cfg.aanbieder("12345678").has_role("flex-aanbieder", __import__("datetime").date(2025, 12, 31))


def test_nijmegen_example_loads():
    cfg = load_config(FIXTURES / "nijmegen.toml")
    assert cfg.regio.gemeenten == ("0268",)
    assert {p.code: (p.uren_per_jaar, p.uren_per_anderhalf_jaar) for p in cfg.producten} == {
        "02A03": (200, 300), "02A05": (200, 300), "45A04": (300, 450), "45A05": (200, 300),
    }
    assert cfg.buurtteam("jeugd-gezin").stapelen is True
    assert cfg.buurtteam("volwassenen").plafond_uren_per_jaar == 200
    assert cfg.aanbieder("44445555").contract == "maatwerkovereenkomst"


# (base text, replace this, with that, field named in the error, fragment of the reason, text on the reported line)
CASES = [
    ("grjr", 'agb = "11112222"', 'agb = "1111"', "aanbieder[3].agb", "8 cijfers", 'agb = "1111"'),
    ("grjr", 'rol = "prestatieaanbieder"', 'rol = "prestatie"', "aanbieder[1].rol[0].rol", "ongeldige waarde", 'rol = "prestatie"'),
    ("grjr", 'van = "87654321"', 'van = "99999999"', "aanbieder[3].rol[0].van", "systeem- of prestatieaanbieder", 'van = "99999999"'),
    ("grjr", '  rol = "onderaannemer"\n  van = "87654321"', '  rol = "onderaannemer"', "aanbieder[3].rol[0]", "'van'", "[[aanbieder.rol]]"),
    ("grjr", 'gemeenten = ["0489"', 'gemeenten = ["489"', "regio.gemeenten", "4 cijfers", "gemeenten ="),
    ("grjr", 'frequentie = "1x per 3 weken"', 'frequentie = "1x per 3 weken"\ntafle = "x"', "opdracht[1].tafle", "onbekende sleutel", 'tafle = "x"'),
    ("grjr", 'producten = ["43A01"]', 'producten = ["45A04"]', "opdracht[1].producten", "hoort al bij opdracht", 'producten = ["45A04"]'),
    ("grjr", "vanaf = 2026-01-01\n  opdrachten", 'vanaf = "1 januari"\n  opdrachten', "aanbieder[2].rol[0].vanaf", "datum", 'vanaf = "1 januari"'),
    ("nijmegen", "uren_per_anderhalf_jaar = 450", "uren_per_anderhalf_jaar = 400", "product[2]", "1,5 x", "[[product]]"),
    ("nijmegen", 'contract = "maatwerkovereenkomst"', 'contract = "maatwerk"', "aanbieder[2].contract", "ongeldige waarde", 'contract = "maatwerk"'),
    ("nijmegen", "plafond_uren_per_jaar = 200", "", "buurtteam[1]", "plafond_uren_per_jaar", "[[buurtteam]]"),
    ("nijmegen", 'code = "volwassenen"', 'code = "ouderen"', "buurtteam[1].code", "ongeldige waarde", 'code = "ouderen"'),
]


@pytest.mark.parametrize("base, old, new, field, reason, line_text", CASES, ids=[c[3] + ":" + c[4] for c in CASES])
def test_errors_name_file_line_and_field(base, old, new, field, reason, line_text):
    text = {"grjr": GRJR, "nijmegen": NIJMEGEN}[base]
    assert old in text
    broken = text.replace(old, new, 1)
    with pytest.raises(ConfigError) as exc:
        parse_config(broken, f"{base}.toml")
    matching = [f for f in exc.value.fouten if f": {field}: " in f]
    assert matching, exc.value.fouten
    message = matching[0]
    assert message.startswith(f"{base}.toml: regel ") and reason in message
    line = int(re.match(rf"{base}\.toml: regel (\d+):", message).group(1))
    assert line_text in broken.splitlines()[line - 1]


def test_toml_syntax_error_names_the_line():
    with pytest.raises(ConfigError) as exc:
        parse_config('[regio]\ncode = "grjr"\nnaam = \n', "kapot.toml")
    assert exc.value.fouten[0].startswith("kapot.toml: ongeldige TOML: regel 3")


def test_a_missing_section_is_named():
    with pytest.raises(ConfigError) as exc:
        parse_config('[regio]\ncode = "nijmegen"\nnaam = "N"\ngemeenten = ["0268"]\n', "leeg.toml")
    text = "\n".join(exc.value.fouten)
    assert "[[product]]" in text and "jeugd-gezin" in text and "volwassenen" in text


def test_unreadable_file(tmp_path):
    with pytest.raises(ConfigError, match="niet te lezen"):
        load_config(tmp_path / "bestaat-niet.toml")
