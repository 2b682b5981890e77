"""``berichten inbox DIR``: the click shell over ``inbox.worker.Worker``.

``cli.py`` adds every command in ``COMMANDS`` to the main group; ``python -m inbox`` runs it alone.
"""

from __future__ import annotations

import logging
import sys

import click

from berichten.store.config import DB_ENV, DEFAULT_URL

EXIT_OK, EXIT_USAGE = 0, 2


@click.command("inbox")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--db", "url", envvar=DB_ENV, default=DEFAULT_URL, show_default=True,
              help=f"Database-URL (ook via {DB_ENV}).")
@click.option("--once", is_flag=True, help="Verwerk wat er nu staat en stop.")
@click.option("--config", "config", type=click.Path(exists=True, dir_okay=False),
              help="Regionale TOML (bijv. fixtures/regio/grjr.toml): voegt regionale bevindingen toe.")
@click.option("--interval", type=click.FloatRange(min=0.01), default=2.0, show_default=True,
              help="Seconden tussen twee rondes door de map.")
@click.option("--settle", type=click.FloatRange(min=0.0), default=1.0, show_default=True,
              help="Seconden dat grootte en wijzigingstijd gelijk moeten blijven voor een bestand wordt gepakt.")
@click.option("--host", envvar="BERICHTEN_INBOX_HOST",
              help="Naam van deze machine voor de claimmappen (.bezig/<host>/); standaard de hostnaam. "
                   "Geef een vaste naam in containers, waar de hostnaam bij elke start verandert.")
@click.option("--lijsten", "lijsten", envvar="BERICHTEN_LIJSTEN", type=click.Path(dir_okay=False),
              help="TOML met [lijsten] voor niveau 4; standaard die van --config, anders de meegeleverde lijsten.")
@click.option("-v", "--verbose", is_flag=True, help="Ook debugregels loggen.")
def inbox(
    folder: str, url: str, once: bool, config: str | None, interval: float, settle: float, host: str | None,
    verbose: bool, lijsten: str | None = None,
) -> None:
    """Verwerk berichten die in FOLDER worden gezet: valideren, opslaan, retour en rapport schrijven.

    Elk bestand wordt precies één keer verwerkt, ook als er meerdere workers draaien of een
    worker wordt afgeschoten. Goedgekeurde bestanden gaan naar FOLDER/verwerkt, afgekeurde naar
    FOLDER/afgekeurd (met <naam>.bevindingen.json en .txt ernaast), retourberichten naar
    FOLDER/retour. Logregels (JSON) gaan naar stderr; de regel met "event": "gereed" zegt dat de
    worker klaar is. SIGTERM/SIGINT, ook tijdens het opstarten: het lopende bericht wordt
    afgemaakt, daarna stopt de worker met exitcode 0.

    \b
    Voorbeelden:
      berichten inbox /srv/inbox --db sqlite:///berichten.db
      berichten inbox /srv/inbox --once --config fixtures/regio/grjr.toml
    """
    from berichten.inbox.logs import setup_logging
    from berichten.inbox.regional import Regional, RegionalUnavailable
    from berichten.inbox.worker import Worker, WorkerOptions

    if config:
        try:
            Regional(config)  # a wrong TOML is a usage error, before anything starts
        except RegionalUnavailable as exc:
            raise click.UsageError(str(exc)) from None
    from berichten.validators.level4 import ListError, load_lists

    try:
        load_lists(lijsten or config)  # a missing or malformed list stops the worker before it starts
    except ListError as exc:
        click.echo(f"berichten: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    setup_logging(logging.DEBUG if verbose else logging.INFO)
    worker = Worker(folder, WorkerOptions(url=url, settle=settle, interval=interval, config=config, host=host,
                                          lijsten=lijsten))
    worker.install_signal_handlers()
    from berichten.store.keys import KeyMissing

    try:
        t = worker.run(once=once)
    except KeyMissing as exc:  # before any file is claimed
        click.echo(f"berichten: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(
        f"{t.files} bestanden: {t.accepted} verwerkt, {t.rejected} afgekeurd, {t.duplicates} al eerder ontvangen"
        + (f", {t.failed} mislukt (blijven staan voor een volgende ronde)" if t.failed else "")
    )
    sys.exit(EXIT_OK)


COMMANDS = [inbox]
