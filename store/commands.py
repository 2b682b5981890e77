"""Click commands of the store: ``db upgrade``, ``import`` and ``export``; thin shells over the library.

``cli.py`` adds every command in ``COMMANDS`` to the main ``berichten`` group.
Exit codes: 0 success, 1 some messages rejected, 2 usage error.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from berichten import stop
from berichten.store.config import DB_ENV, DEFAULT_URL
from berichten.validators.jobs import jobs_option

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def db_option(func):
    return click.option(
        "--db", "url", envvar=DB_ENV, default=DEFAULT_URL, show_default=True,
        help=f"Database-URL, bijv. sqlite:///berichten.db of postgresql+psycopg://user@host/db (ook via {DB_ENV}).",
    )(func)


@click.group("db")
def db() -> None:
    """Beheer de berichtendatabase."""


@db.command("upgrade")
@db_option
@click.option("--demo-sleutel", "demo_key", is_flag=True,
              help="Gebruik de openbare demosleutel (alleen voor demodata, zoals `make run`).")
def db_upgrade(url: str, demo_key: bool) -> None:
    """Maak de database aan of breng het schema naar de nieuwste versie.

    Een nieuwe database krijgt een eigen, willekeurige pseudoniemsleutel in een bestand buiten de
    database (mode 0600): naast een SQLite-bestand <bestand>.sleutel, anders het pad in
    BERICHTEN_SLEUTELBESTAND. Het pad wordt één keer getoond; maak er een back-up van.

    \b
    Voorbeeld:
      berichten db upgrade --db sqlite:///berichten.db
      BERICHTEN_SLEUTELBESTAND=/etc/berichten/sleutel berichten db upgrade --db postgresql+psycopg://...
    """
    from berichten.store.keys import KeyMissing
    from berichten.store.migrate import upgrade_store

    try:
        done = upgrade_store(url, demo_key=demo_key, announce=False)
    except KeyMissing as exc:
        click.echo(f"berichten: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(f"database op schemaversie {done.revision}")
    if done.key_file is not None:
        soort = "demosleutel (openbaar, niet voor echte gegevens)" if done.key_file.demo else "nieuwe sleutel"
        click.echo(f"pseudoniemsleutel: {done.key_file.path} ({soort}); maak er een back-up van, "
                   "apart van de database")


@click.command("import")
@click.argument("paths", nargs=-1, required=True)
@db_option
@click.option("--batch-size", type=click.IntRange(min=1), default=500, show_default=True, help="Berichten per transactie.")
@click.option("--lijsten", "lijsten", envvar="BERICHTEN_LIJSTEN", type=click.Path(dir_okay=False),
              help="TOML met [lijsten] voor niveau 4 (zie `berichten lijsten`); zonder: de meegeleverde lijsten.")
@jobs_option
def import_command(paths: tuple[str, ...], url: str, batch_size: int, lijsten: str | None, jobs: int) -> None:
    """Valideer berichten (niveau 1-4) en sla ze op; hetzelfde bestand twee keer telt één keer.

    PATHS zijn bestanden of mappen (daarin worden alle *.xml gezocht). Ook afgekeurde berichten
    worden bewaard, met hun bevindingen. Met --jobs N doen N processen niveau 1, 2 en 4; niveau 3
    en het opslaan blijven in invoervolgorde in één proces.

    \b
    Voorbeeld:
      berichten import inbox/ --db sqlite:///berichten.db
    Exitcode: 0 alles opgeslagen, 1 minstens één bericht afgekeurd, 2 gebruiksfout.
    """
    from berichten.store.feed import import_paths  # forks --jobs workers before loading the store
    from berichten.store.keys import KeyMissing
    from berichten.validators.parallel import WorkerFailed

    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise click.UsageError(f"bestaat niet: {', '.join(missing)}")
    validator = _validator(lijsten)
    try:
        if sys.stderr.isatty():
            summary = _import_with_progress(paths, url, batch_size, validator, jobs)
        else:
            summary = import_paths(paths, url, batch_size=batch_size, validator=validator, progress=_stop_point,
                                   jobs=jobs)
    except (KeyMissing, WorkerFailed) as exc:  # WorkerFailed: a worker process died (--jobs)
        click.echo(f"berichten: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    except stop.StopRequested as exc:
        # Raised between two files: the batches committed so far stay, the open one is rolled back.
        click.echo(f"gestopt ({exc}): eerdere batches zijn opgeslagen, de lopende niet; dezelfde import "
                   "nog eens draaien slaat over wat er al is", err=True)
        sys.exit(EXIT_OK)
    click.echo(
        f"{summary.files} bestanden: {summary.stored} opgeslagen, {summary.rejected} afgekeurd, "
        f"{summary.duplicates} al aanwezig"
    )
    for path in summary.unreadable:
        click.echo(f"niet te lezen: {path}", err=True)
    if summary.codes:
        click.echo("bevindingen: " + ", ".join(f"{code} {n}x" for code, n in sorted(summary.codes.items())))
    if summary.unreadable:
        sys.exit(EXIT_USAGE)
    if stop.requested():  # stopped after the last file: all is stored, the stop still ends with 0
        sys.exit(EXIT_OK)
    sys.exit(EXIT_OK if summary.ok else EXIT_FINDINGS)


def _stop_point(_done: int, _total: int | None) -> None:
    """Called by the importer after each file: the safe place to act on SIGTERM/SIGINT."""
    stop.check()


def _validator(lijsten: str | None):
    """Levels 1-2 and 4 with the level-4 lists of ``--lijsten``; a bad list is an input error (exit 2)."""
    from berichten.validators.level4 import ListError, load_lists
    from berichten.validators.pipeline import Validator

    try:
        return Validator(lists=load_lists(lijsten))
    except ListError as exc:
        click.echo(f"berichten: {exc}", err=True)
        sys.exit(EXIT_USAGE)


def _import_with_progress(paths: tuple[str, ...], url: str, batch_size: int, validator=None, jobs: int = 1):
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from berichten.store.feed import import_paths  # forks --jobs workers before loading the store

    with Progress(
        TextColumn("importeren"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), transient=True,
        console=Console(stderr=True),
    ) as bar:
        task = bar.add_task("import", total=None)

        def progress(done: int, total: int | None) -> None:
            _stop_point(done, total)
            bar.update(task, completed=done, total=total)

        return import_paths(paths, url, batch_size=batch_size, progress=progress, validator=validator, jobs=jobs)


@click.command("export")
@click.option("--id", "id_", type=int, help="Het id van het bericht in de database.")
@click.option("--identificatie", help="De Identificatie uit de header.")
@click.option("--afzender", help="Alleen berichten van deze afzender (met --identificatie).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Uitvoerbestand (standaard: stdout).")
@db_option
def export_command(id_: int | None, identificatie: str | None, afzender: str | None, output: str | None, url: str) -> None:
    """Schrijf een opgeslagen bericht terug, byte voor byte zoals het binnenkwam.

    \b
    Voorbeelden:
      berichten export --id 12 -o bericht.xml
      berichten export --identificatie 123456789012 --afzender 0384
    """
    from berichten.store.errors import StoreError
    from berichten.store.export import export_bytes

    if (id_ is None) == (identificatie is None):
        raise click.UsageError("geef precies één van --id en --identificatie")
    if afzender and identificatie is None:
        raise click.UsageError("--afzender hoort bij --identificatie")
    try:
        data = export_bytes(url, id=id_, identificatie=identificatie, afzender=afzender)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    if output:
        Path(output).write_bytes(data)
        click.echo(f"{output} geschreven ({len(data)} bytes)", err=True)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()


COMMANDS = (db, import_command, export_command)
