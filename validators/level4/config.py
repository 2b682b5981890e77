"""Which lists to use: the ``[lijsten]`` table of a TOML file (the regional configuration or a file of its own).

    [lijsten]
    gemeentecodes = "gemeentecodes.csv"        # default: the shipped CBS list
    productcodes_ijw = "productcodes-ijw.csv"   # default: the shipped list
    productcodes_iwmo = "productcodes-iwmo.csv" # default: the shipped (empty) list
    contracten = "contracten.csv"              # optional: aanbieder x product x period
    agb = "agb.csv"                            # optional: AGB export
    max_leeftijd = 400                          # days before `berichten lijsten` warns

Relative paths are relative to the TOML file. A key set to "" switches that list off.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from berichten.validators.level4.files import ListError
from berichten.validators.level4.lists import (
    SHIPPED_GEMEENTEN, SHIPPED_PRODUCTEN, Lists, load_agb, load_contracten, load_gemeenten, load_producten,
)

DEFAULT_MAX_LEEFTIJD = 400  # the CBS list changes every 1 January; a list older than a year plus a month is stale
_KEYS = ("gemeentecodes", "productcodes_ijw", "productcodes_iwmo", "contracten", "agb", "max_leeftijd")


def load_lists(config_path: str | Path | None = None) -> Lists:
    """The lists of a TOML file's ``[lijsten]`` (shipped defaults for what it leaves out);
    without a file the shipped lists. Raises ``ListError`` on a missing or malformed list."""
    if config_path is None:
        return Lists.shipped()
    path = Path(config_path)
    table = _lijsten_table(path)
    return lists_from_table(table, path.parent, str(path))


def lists_from_table(table: dict[str, Any], base: Path, source: str = "[lijsten]") -> Lists:
    unknown = sorted(set(table) - set(_KEYS))
    if unknown:
        raise ListError(f"{source}: [lijsten] kent de sleutel {', '.join(unknown)} niet (wel: {', '.join(_KEYS)})")
    for key in _KEYS[:-1]:
        if key in table and not isinstance(table[key], str):
            raise ListError(f"{source}: [lijsten] {key} moet een bestandsnaam (tekst) zijn")
    max_leeftijd = table.get("max_leeftijd", DEFAULT_MAX_LEEFTIJD)
    if not isinstance(max_leeftijd, int) or isinstance(max_leeftijd, bool) or max_leeftijd < 1:
        raise ListError(f"{source}: [lijsten] max_leeftijd moet een geheel aantal dagen (>= 1) zijn")

    def where(key: str, default: Path | None) -> Path | None:
        value = table.get(key)
        if value is None:
            return default
        return (base / value) if value else None

    gemeenten = where("gemeentecodes", SHIPPED_GEMEENTEN)
    producten = {s: where(f"productcodes_{s}", SHIPPED_PRODUCTEN[s]) for s in ("ijw", "iwmo")}
    contracten, agb = where("contracten", None), where("agb", None)
    return Lists(
        gemeenten=load_gemeenten(gemeenten) if gemeenten else None,
        producten={s: load_producten(p) for s, p in producten.items() if p},
        contracten=load_contracten(contracten) if contracten else None,
        agb=load_agb(agb) if agb else None,
        max_leeftijd=max_leeftijd,
    )


def _lijsten_table(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except FileNotFoundError:
        raise ListError(f"{path}: configuratie niet gevonden") from None
    except OSError as exc:
        raise ListError(f"{path}: configuratie niet te lezen ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise ListError(f"{path}: de configuratie is geen UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise ListError(f"{path}: ongeldige TOML ({exc})") from None
    table = data.get("lijsten", {})
    if not isinstance(table, dict):
        raise ListError(f"{path}: lijsten moet een tabel [lijsten] zijn")
    return table
