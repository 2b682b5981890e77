"""Click commands of the regional layer: ``check`` and ``regio import-csv``; thin shells over the library.

``cli.py`` adds every command in ``COMMANDS`` to the main ``berichten`` group.
Exit codes of ``check``: 0 every product AKKOORD, AKKOORD MET WAARSCHUWING or NIET VAN TOEPASSING;
1 at least one NIET AKKOORD; 2 usage or input error (missing file, bad configuration, bad CSV row).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import click

from berichten.files import missing, xml_files
from berichten.resources import data_path

from berichten.validators.finish import finish
from berichten.validators.jobs import jobs_option
from berichten.validators.regional.errors import RegionalInputError
from berichten.validators.regional.outcome import (
    AKKOORD, MET_WAARSCHUWING, NIET_AKKOORD, NIET_VAN_TOEPASSING, VERDICTS, ProductVerdict,
)

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
EXAMPLE_CONFIGS = data_path("berichten.fixtures.regio")
DB_ENV = "BERICHTEN_DB"

_COLOUR = {AKKOORD: "green", MET_WAARSCHUWING: "yellow", NIET_AKKOORD: "red", NIET_VAN_TOEPASSING: None}
_SEVERITY = {"error": "FOUT", "warning": "WAARSCHUWING", "info": "INFO"}


def _key_missing() -> type[Exception]:
    """The store's "no pseudonym key" error, imported only when a --db is used (the store is heavy)."""
    from berichten.store.keys import KeyMissing

    return KeyMissing


def _fail(lines: list[str]) -> None:
    for line in lines:
        click.echo(f"berichten: {line}", err=True)
    sys.exit(EXIT_USAGE)


def _expand(paths: tuple[str, ...]) -> Iterator[str]:
    """The files to check (``berichten.files``); a missing path is a usage error."""
    absent = missing(paths)
    if absent:
        _fail([f"{p}: bestand of map bestaat niet" for p in absent])
    return xml_files(paths)


@click.command("check")
@click.argument("paths", nargs=-1, required=True)
@click.option("--regio", type=click.Choice(["grjr", "nijmegen"]), help="Regio; volgt uit --config als die is gegeven.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Regionale configuratie (TOML); standaard het voorbeeld fixtures/regio/<regio>.toml.")
@click.option("--aanmeldingen", type=click.Path(dir_okay=False), help="GRJR: CSV met aanmeldingen (casussen voor flex-aanbieders).")
@click.option("--acceptaties", type=click.Path(dir_okay=False), help="Nijmegen: CSV met acceptaties van aanbieders.")
@click.option("--db", "url", help="Database met de registers (zie `berichten regio import-csv`), bijv. sqlite:///berichten.db.")
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl"]), default="text", show_default=True)
@jobs_option
def check(paths: tuple[str, ...], regio: str | None, config_path: str | None, aanmeldingen: str | None,
          acceptaties: str | None, url: str | None, fmt: str, jobs: int) -> None:
    """Toets 301-berichten aan de regionale afspraken: één oordeel per toegewezen product.

    Eerst niveau 1 en 2 (bestand, XSD, regels binnen het bericht); een bericht dat daar faalt is
    NIET AKKOORD. Daarna de regionale regels (GRJR-FLEX-001..005 of NIJM-BT-001..005, zie
    `berichten explain GRJR-FLEX-001`). Berichten worden in de gegeven volgorde verwerkt; bij
    Nijmegen telt die volgorde voor het gedeelde plafond van Buurtteam Volwassenen.

    \b
    Voorbeelden:
      berichten check inbox/ --regio grjr --config grjr.toml --aanmeldingen aanmeldingen.csv
      berichten check a.xml b.xml --regio nijmegen --acceptaties acceptaties.csv --format jsonl
      berichten check inbox/ --regio nijmegen --db sqlite:///berichten.db
    \b
    Uitvoer --format jsonl: per toegewezen product één JSON-object per regel:
      {"file", "toewijzingnummer", "product", "verdict", "findings": [...], "reden", "uren"}
    Oordelen: AKKOORD, AKKOORD MET WAARSCHUWING, NIET AKKOORD, NIET VAN TOEPASSING.
    Met --jobs N doen N processen niveau 1 en 2; de regionale regels lopen in invoervolgorde.
    Exitcode: 0 geen NIET AKKOORD, 1 minstens één NIET AKKOORD, 2 gebruiks- of invoerfout.
    """
    early = _early_workers(paths, regio, config_path, jobs)
    try:
        code = _check(paths, regio, config_path, aanmeldingen, acceptaties, url, fmt, jobs, early)
    finally:
        if early is not None:
            early[2].close()
    # Everything is written and the pool is closed: end without the interpreter's teardown.
    finish(code)


def _early_workers(paths: tuple[str, ...], regio: str | None, config_path: str | None, jobs: int):
    """(files, validator, workers) when workers will be used: forked before this process loads the
    regional rules, the configuration and the registers, which only it needs, so the workers start
    on the first files meanwhile. None when anything is not plain (no pool, a missing path, a list
    that does not load): then the usual order below starts them and reports what is wrong, as always.
    Nothing is printed here."""
    from berichten.validators.parallel import MIN_ITEMS_FOR_POOL, ForkMap

    if jobs < 2 or (config_path is None and regio is None) or missing(paths):
        return None
    files = list(xml_files(paths))
    if len(files) < MIN_ITEMS_FOR_POOL:
        return None
    try:
        from berichten.validators.level4 import load_lists
        from berichten.validators.pipeline import Validator

        validator = Validator(lists=load_lists(_config_file(regio, config_path)))
    except Exception:  # a bad configuration: reported below in its usual place
        return None
    from berichten.validators.regional.check import preparer

    return files, validator, ForkMap(preparer(validator), jobs)


def _check(paths: tuple[str, ...], regio: str | None, config_path: str | None, aanmeldingen: str | None,
           acceptaties: str | None, url: str | None, fmt: str, jobs: int, early) -> int:
    from berichten.validators.parallel import WorkerFailed
    from berichten.validators.regional.check import check_messages
    from berichten.validators.regional.config import load_config
    from berichten.validators.regional.facts import load_csv_facts

    config = _config(regio, config_path, load_config)
    if aanmeldingen and config.code != "grjr":
        _fail(["--aanmeldingen hoort bij --regio grjr"])
    if acceptaties and config.code != "nijmegen":
        _fail(["--acceptaties hoort bij --regio nijmegen"])
    try:
        if url:
            from berichten.store.regio_tables import load_facts

            facts = load_facts(url)
            csv_facts = load_csv_facts(aanmeldingen, acceptaties, pseudonymise=facts.pseudonymise)
            facts.aanmeldingen = csv_facts.aanmeldingen if aanmeldingen else facts.aanmeldingen
            facts.acceptaties = csv_facts.acceptaties if acceptaties else facts.acceptaties
        else:
            facts = load_csv_facts(aanmeldingen, acceptaties)
    except RegionalInputError as exc:
        _fail(exc.fouten)
    except _key_missing() as exc:  # no pseudonym key for this store
        _fail([str(exc)])
    register = "aanmeldingen" if config.code == "grjr" else "acceptaties"
    if not url and not (aanmeldingen if config.code == "grjr" else acceptaties):
        # Without the register nothing regional can be verified; say so loudly, not only as info.
        click.echo(f"berichten: let op: geen {register} opgegeven (--{register} of --db); "
                   "de regionale regels die dat register nodig hebben zijn NIET gecontroleerd", err=True)
    if early is not None:  # the same files and validator as below, the workers already busy
        files, validator, pool = early
    else:
        files, validator, pool = list(_expand(paths)), _validator(config.source), None
    try:
        verdicts = check_messages(files, config, facts, validator=validator, jobs=jobs, pool=pool)
    except OSError as exc:
        _fail([f"{exc.filename or ''}: niet te lezen ({exc.strerror or exc})"])
    except WorkerFailed as exc:  # a worker process died (--jobs)
        _fail([str(exc)])
    if fmt == "jsonl":
        if verdicts:  # one write, not a flushed write per line
            click.echo("\n".join(json.dumps(v.to_dict(), ensure_ascii=False) for v in verdicts))
    else:
        click.echo(render_text(verdicts))
    return EXIT_FINDINGS if any(v.verdict == NIET_AKKOORD for v in verdicts) else EXIT_OK


def _validator(config_path: str):
    """Levels 1-2 and 4 with the [lijsten] of the regional TOML (the shipped lists when it has none)."""
    from berichten.validators.level4 import ListError, load_lists
    from berichten.validators.pipeline import Validator

    try:
        return Validator(lists=load_lists(config_path))
    except ListError as exc:
        _fail([str(exc)])


def _config_file(regio: str | None, config_path: str | None) -> str:
    """The configuration to read: --config, else the example of --regio."""
    return config_path if config_path is not None else str(EXAMPLE_CONFIGS / f"{regio}.toml")


def _config(regio: str | None, config_path: str | None, load_config):
    if config_path is None:
        if regio is None:
            raise click.UsageError("geef --regio grjr|nijmegen of --config BESTAND")
        config_path = _config_file(regio, None)
        click.echo(f"berichten: let op: voorbeeldconfiguratie {config_path} (verzonnen AGB-codes); "
                   "geef --config voor het echte register", err=True)
    try:
        config = load_config(config_path)
    except RegionalInputError as exc:
        _fail(exc.fouten)
    if regio and config.code != regio:
        _fail([f"{config_path}: de configuratie is voor regio '{config.code}', niet voor '{regio}'"])
    return config


def render_text(verdicts: list[ProductVerdict]) -> str:
    lines: list[str] = []
    current = None
    for v in verdicts:
        if v.file != current:
            current = v.file
            lines.append(v.file)
        wat = []
        if v.toewijzingnummer is not None:
            wat.append(f"ToewijzingNummer {v.toewijzingnummer}")
        if v.product:
            wat.append(f"product {v.product}")
        if v.client:
            wat.append(f"client {v.client}")
        kop = ", ".join(wat) or "bericht"
        colour = _COLOUR.get(v.verdict)
        lines.append(f"  {kop}: {click.style(v.verdict, fg=colour, bold=True) if colour else v.verdict}")
        if v.reden:
            lines.append(f"    reden: {v.reden}")
        for f in v.findings:
            niveau = "regionaal" if f.niveau == "regionaal" else f"niveau {f.niveau}"
            extra = f", retourcode {f.retourcode}" if f.retourcode else ""
            lines.append(f"    {_SEVERITY.get(f.severity, f.severity)} {f.code} [{niveau}{extra}]: {f.melding}")
        for t in v.toelichting:
            lines.append(f"    - {t}")
    counts = Counter(v.verdict for v in verdicts)
    lines.append(f"{len(verdicts)} toegewezen product(en): " + ", ".join(f"{counts[k]} {k}" for k in VERDICTS))
    return "\n".join(lines)


# ------------------------------------------------------------------------------- regio import-csv


@click.group("regio")
def regio_group() -> None:
    """Regionale registers (aanmeldingen GRJR, acceptaties Nijmegen) in de database."""


@regio_group.command("import-csv")
@click.option("--db", "url", envvar=DB_ENV, required=True, help=f"Database-URL (ook via {DB_ENV}).")
@click.option("--aanmeldingen", type=click.Path(exists=True, dir_okay=False), help="GRJR-aanmeldingen (CSV).")
@click.option("--acceptaties", type=click.Path(exists=True, dir_okay=False), help="Nijmeegse acceptaties (CSV).")
@click.option("--toevoegen", is_flag=True, help="Rijen toevoegen in plaats van het register te vervangen.")
def import_csv_command(url: str, aanmeldingen: str | None, acceptaties: str | None, toevoegen: bool) -> None:
    """Lees een register uit CSV in de database (BSN als pseudoniem); zonder --toevoegen vervangt het
    bestand het hele register.

    \b
    Voorbeeld:
      berichten regio import-csv --db sqlite:///berichten.db --aanmeldingen aanmeldingen.csv
    """
    from berichten.store.regio_tables import import_csv

    if not aanmeldingen and not acceptaties:
        raise click.UsageError("geef --aanmeldingen en/of --acceptaties")
    for register, path in (("aanmeldingen", aanmeldingen), ("acceptaties", acceptaties)):
        if path is None:
            continue
        try:
            n = import_csv(url, path, register, append=toevoegen)  # type: ignore[arg-type]
        except RegionalInputError as exc:
            _fail(exc.fouten)
        except _key_missing() as exc:  # no pseudonym key for this store
            _fail([str(exc)])
        click.echo(f"{path}: {n} {register} opgeslagen")


COMMANDS = [check, regio_group]
