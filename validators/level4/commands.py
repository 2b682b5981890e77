"""``berichten lijsten``: which level-4 lists are loaded, their dates and sizes, and which are stale.

``cli.py`` adds every command in ``COMMANDS`` to the main group.
Exit codes: 0 every configured list loaded (an outdated one is a warning), 2 a list is missing or malformed.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import date

import click

from berichten.validators.level4.config import DEFAULT_MAX_LEEFTIJD, load_lists
from berichten.validators.level4.files import ListError, ListFile
from berichten.validators.level4.lists import Lists

EXIT_OK, EXIT_USAGE = 0, 2


@dataclass(frozen=True)
class ListStatus:
    naam: str
    file: ListFile | None
    leeftijd: int | None  # days since the peildatum
    verouderd: bool

    def to_dict(self) -> dict:
        f = self.file
        return {
            "lijst": self.naam,
            "bestand": str(f.path) if f else None,
            "peildatum": f.peildatum.isoformat() if f else None,
            "peildatum_uit": (("bestand" if f.peildatum_uit_bestand else "wijzigingsdatum") if f else None),
            "rijen": len(f.rows) if f else 0,
            "leeftijd_dagen": self.leeftijd,
            "verouderd": self.verouderd,
        }


def list_status(lists: Lists, max_leeftijd: int, today: date | None = None) -> list[ListStatus]:
    today = today or date.today()
    statuses = []
    for naam, f in lists.files():
        leeftijd = (today - f.peildatum).days if f else None
        statuses.append(ListStatus(naam, f, leeftijd, leeftijd is not None and leeftijd > max_leeftijd))
    return statuses


@click.command("lijsten")
@click.option("--lijsten", "lijsten", envvar="BERICHTEN_LIJSTEN", type=click.Path(dir_okay=False),
              help="TOML met een tabel [lijsten] (ook de regionale configuratie); zonder: de meegeleverde lijsten.")
@click.option("--max-leeftijd", type=click.IntRange(min=1),
              help=f"Waarschuw bij een lijst met een peildatum ouder dan zoveel dagen (standaard [lijsten] "
                   f"max_leeftijd, anders {DEFAULT_MAX_LEEFTIJD}).")
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl"]), default="text", show_default=True)
def lijsten_command(lijsten: str | None, max_leeftijd: int | None, fmt: str) -> None:
    """Toon de lijsten van niveau 4: bestand, peildatum, aantal rijen, en welke verouderd zijn.

    Niveau 4 controleert tegen de systeemdatum (TR135), de CBS-gemeentecodes (TR378), de
    productcodes per standaard (TR381) en, als ze zijn ingesteld, een contractenlijst en een
    AGB-export. Een lijst die niet is ingesteld wordt niet gecontroleerd (en zo gemeld).

    \b
    Voorbeelden:
      berichten lijsten
      berichten lijsten --lijsten regio.toml --max-leeftijd 180
    Exitcode: 0 geladen (een verouderde lijst geeft een waarschuwing), 2 een lijst ontbreekt of is onleesbaar.
    """
    try:
        lists = load_lists(lijsten)
    except ListError as exc:
        click.echo(f"berichten: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    limit = max_leeftijd or lists.max_leeftijd or DEFAULT_MAX_LEEFTIJD
    statuses = list_status(lists, limit)
    if fmt == "jsonl":
        for st in statuses:
            click.echo(json.dumps(st.to_dict(), ensure_ascii=False))
    else:
        click.echo(f"Lijsten voor niveau 4 ({lijsten or 'meegeleverd'}; verouderd na {limit} dagen):")
        for st in statuses:
            click.echo("  " + _line(st))
    for st in statuses:
        if st.verouderd:
            click.echo(f"berichten: waarschuwing: {st.naam} ({st.file.path}) is {st.leeftijd} dagen oud "
                       f"(peildatum {st.file.peildatum}, grens {limit}); vervang de lijst", err=True)
    sys.exit(EXIT_OK)


def _line(st: ListStatus) -> str:
    f = st.file
    if f is None:
        return f"{st.naam}: niet ingesteld (niet gecontroleerd)"
    bron = "" if f.peildatum_uit_bestand else " (wijzigingsdatum, geen peildatum in het bestand)"
    oud = " VEROUDERD" if st.verouderd else ""
    if not f.rows:
        oud += " · leeg (niet gecontroleerd)"
    return f"{st.naam}: {f.path} · peildatum {f.peildatum}{bron} · {len(f.rows)} rijen · {st.leeftijd} dagen oud{oud}"


COMMANDS = [lijsten_command]
