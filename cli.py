"""The ``berichten`` command: a thin click shell over the library.

Every command parses its options, calls one library function per message and renders the result.
Exit codes everywhere: 0 valid, 1 findings of severity error, 2 usage or input error.
"""

from __future__ import annotations

import signal
import sys

# First, before any other import: hold SIGTERM/SIGINT back (pending, not lost) until berichten.stop
# has set up the handler of a long-running command; other commands get their previous mask back.
_mask = signal.pthread_sigmask(signal.SIG_BLOCK, (signal.SIGTERM, signal.SIGINT))

from berichten import stop as _stop  # noqa: E402

_stop.install_for(sys.argv, _mask)

import difflib  # noqa: E402 (after the signal set-up on purpose)
import json
import os
from contextlib import contextmanager
from collections.abc import Iterator
from pathlib import Path

import click

from berichten.findings import Finding
from berichten.lazygroup import LazyCommands, LazyGroup
from berichten.resources import example_path
from berichten.xmlinput import DEFAULT_MAX_BYTES, InputPolicy
from berichten.validators.jobs import jobs_option

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2

_NIVEAU_LABEL = {1: "niveau 1", 2: "niveau 2", 3: "niveau 3", 4: "niveau 4", "regionaal": "regionaal"}
_SEVERITY_LABEL = {"error": "FOUT", "warning": "WAARSCHUWING", "info": "INFO"}
_BERICHT_NAAM = {
    "301": "Toewijzing", "302": "Retour toewijzing", "305": "Start zorg", "306": "Retour start zorg",
    "307": "Stop zorg", "308": "Retour stop zorg", "315": "Verzoek om toewijzing", "316": "Retour verzoek om toewijzing",
    "317": "Verzoek om wijziging", "318": "Retour verzoek om wijziging", "319": "Antwoordbericht",
    "320": "Retour antwoordbericht", "323": "Declaratie", "325": "Declaratie-antwoord",
}
_STANDAARD_NAAM = {"ijw": "iJw", "iwmo": "iWmo"}


class InputPaths:
    """The PATH arguments as files (``berichten.files``); a missing path is reported and remembered."""

    def __init__(self, paths: tuple[str, ...]) -> None:
        self.paths = paths
        self.missing: list[str] = []

    def __iter__(self) -> Iterator[str]:
        from berichten.files import xml_files

        for file in xml_files(self.paths):
            if os.path.exists(file):
                yield file
            else:
                self.missing.append(file)
                click.echo(f"berichten: {file}: bestand of map bestaat niet", err=True)


def input_options(func):
    """Options shared by every command that reads messages."""
    func = click.option(
        "--xsd-dir",
        type=click.Path(exists=True, file_okay=False),
        help="Map met officiële XSD's (bijv. een download van de iStandaarden) in plaats van die van berichten.",
    )(func)
    func = click.option(
        "--max-bytes", type=click.IntRange(min=1), default=DEFAULT_MAX_BYTES, show_default=True,
        help="Grootste bestand dat wordt gelezen.",
    )(func)
    func = click.option(
        "--bom", type=click.Choice(["error", "warning", "ignore"]), default="error", show_default=True,
        help="Hoe een byte order mark wordt gemeld.",
    )(func)
    func = click.option(
        "--regeleinden", type=click.Choice(["error", "warning", "ignore"]), default="warning", show_default=True,
        help="Hoe regeleinden zonder CR/LF worden gemeld.",
    )(func)
    return func


def db_option(func):
    return click.option(
        "--db", "db_url", envvar="BERICHTEN_DB",
        help="Database (URL) met eerdere berichten: dan ook de regels van niveau 3, bijv. sqlite:///berichten.db.",
    )(func)


def lists_option(func):
    return click.option(
        "--lijsten", "lijsten", envvar="BERICHTEN_LIJSTEN", type=click.Path(dir_okay=False),
        help="TOML met een tabel [lijsten] (ook de regionale configuratie): lijsten voor niveau 4 "
             "(gemeentecodes, productcodes, contracten, AGB); zonder: de meegeleverde lijsten.",
    )(func)


def load_level4_lists(lijsten: str | None):
    """The level-4 lists of a command; a missing or malformed list is an input error (exit 2)."""
    from berichten.validators.level4 import ListError, load_lists

    try:
        return load_lists(lijsten)
    except ListError as exc:
        click.echo(f"berichten: {exc}", err=True)
        sys.exit(EXIT_USAGE)


@contextmanager
def opened_validator(xsd_dir: str | None, max_bytes: int, bom: str, regeleinden: str, db_url: str | None = None,
                     lijsten: str | None = None):
    """The validator for a command: levels 1, 2 and 4, plus level 3 against a store when a URL is given."""
    validator = make_validator(xsd_dir, max_bytes, bom, regeleinden, lijsten)
    if not db_url:
        yield validator
        return
    from sqlalchemy.exc import SQLAlchemyError

    from berichten.store.validate import HistoryValidator

    try:
        history = HistoryValidator(db_url, validator=validator)
    except (SQLAlchemyError, ValueError) as exc:
        raise click.UsageError(f"database {db_url} niet bruikbaar: {exc}") from None
    with history:
        yield history


def make_validator(xsd_dir: str | None, max_bytes: int, bom: str, regeleinden: str, lijsten: str | None = None):
    from berichten.validators.pipeline import Validator
    from berichten.validators.xsd import SchemaNotFound, SchemaSet

    try:
        schemas = SchemaSet(xsd_dir) if xsd_dir else SchemaSet()
    except SchemaNotFound as exc:
        raise click.UsageError(str(exc)) from None
    return Validator(schemas=schemas, policy=InputPolicy(max_bytes=max_bytes, bom=bom, line_endings=regeleinden),
                     lists=load_level4_lists(lijsten))


# Commands that live with their own layer (so each layer keeps its options next to the library calls
# they wrap), imported only when invoked: name -> ("module:attribute", the short help --help shows).
# Adding a command is one line here; tests/test_startup.py checks the short help against the command.
LAYER_COMMANDS: LazyCommands = {
    "check": ("berichten.validators.regional.commands:check",
              "Toets 301-berichten aan de regionale afspraken: één oordeel per toegewezen product."),
    "db": ("berichten.store.commands:db", "Beheer de berichtendatabase."),
    "demo": ("berichten.report.commands:demo",
             "Schrijf een realistische, herhaalbare demoset: berichten, registers en feitenbestanden."),
    "export": ("berichten.store.commands:export_command",
               "Schrijf een opgeslagen bericht terug, byte voor byte zoals het binnenkwam."),
    "import": ("berichten.store.commands:import_command",
               "Valideer berichten (niveau 1-4) en sla ze op; hetzelfde bestand twee keer telt één keer."),
    "inbox": ("berichten.inbox.commands:inbox",
              "Verwerk berichten die in FOLDER worden gezet: valideren, opslaan, retour en rapport schrijven."),
    "lijsten": ("berichten.validators.level4.commands:lijsten_command",
                "Toon de lijsten van niveau 4: bestand, peildatum, aantal rijen, en welke verouderd zijn."),
    "regio": ("berichten.validators.regional.commands:regio_group",
              "Regionale registers (aanmeldingen GRJR, acceptaties Nijmegen) in de database."),
    "report": ("berichten.report.commands:report",
               "Monitoringrapportage uit de berichtendatabase (GRJR flex-aanbieders, Nijmegen Buurtteams)."),
    "serve": ("berichten.web.commands:serve", "Start een webpagina en JSON-API om berichten te controleren, op deze machine."),
}


@click.group(cls=LazyGroup, lazy_commands=LAYER_COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="berichten")
def main() -> None:
    """Verwerk iJw- en iWmo-berichten (release 3.2): valideren, genereren, retourberichten.

    \b
    Voorbeelden:
      berichten validate inbox/
      berichten validate --format jsonl bericht.xml
      berichten explain CS002
    """


# --------------------------------------------------------------------------------------- validate


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl"]), default="text", show_default=True)
@input_options
@db_option
@lists_option
@jobs_option
def validate(paths: tuple[str, ...], fmt: str, xsd_dir: str | None, max_bytes: int, bom: str, regeleinden: str,
             db_url: str | None, lijsten: str | None, jobs: int) -> None:
    """Controleer berichten op niveau 1 (bestand en XSD), 2 (regels binnen het bericht) en 4 (lijsten).

    PATHS zijn bestanden of mappen (daarin worden alle *.xml gezocht).

    \b
    Uitvoer --format jsonl: per bestand precies één JSON-object per regel, in invoervolgorde:
      {"file", "standaard", "bericht", "well_formed", "xsd_valid", "findings": [...], "niveaus": [1, 2, 4]}
    "niveaus": de controleniveaus die op het bericht zijn uitgevoerd.
    Met --db ook niveau 3: regels die eerdere berichten in de database nodig hebben (er wordt niets
    opgeslagen; daarvoor is `berichten import`). Niveau 4 gebruikt de meegeleverde gemeente- en
    productcodes, of de lijsten uit --lijsten (zie `berichten lijsten`).
    Met --jobs N valideren N processen tegelijk (met --db: één); de uitvoer is dezelfde als met --jobs 1.
    Exitcode: 0 alles geldig, 1 minstens één fout, 2 gebruiks- of leesfout.
    """
    from berichten.validators.finish import finish

    with opened_validator(xsd_dir, max_bytes, bom, regeleinden, db_url, lijsten) as validator:
        # Level 3 reads the store through the validator's connection, which workers must not share.
        code = _validate_all(validator, paths, fmt, jobs=1 if db_url else jobs)
    finish(code)  # all written, the pool and the store closed: no interpreter teardown


def _validate_all(validator, paths: tuple[str, ...], fmt: str, jobs: int = 1) -> int:
    from berichten.validators.parallel import ordered_map

    inputs = InputPaths(paths)
    files = list(inputs)
    counts = {"files": 0, "invalid": 0}
    unreadable = False
    niet_gecontroleerd: dict[str, None] = {}
    for checked in _or_exit_2(ordered_map(_file_checker(validator, fmt), files, jobs)):
        if isinstance(checked, str):
            click.echo(checked, err=True)
            unreadable = True
            continue
        output, ok, niet = checked
        counts["files"] += 1
        counts["invalid"] += not ok
        niet_gecontroleerd.update(dict.fromkeys(niet))
        click.echo(output)
    if fmt == "text" and counts["files"] > 1:
        geldig = counts["files"] - counts["invalid"]
        click.echo(f"{counts['files']} bestanden: {geldig} geldig, {counts['invalid']} met fouten")
    if fmt == "text" and niet_gecontroleerd:
        note_niet_gecontroleerd(list(niet_gecontroleerd))
    if inputs.missing or unreadable:
        return EXIT_USAGE
    return EXIT_FINDINGS if counts["invalid"] else EXIT_OK


def _or_exit_2(results: Iterator):
    """The results of the workers; one that died is an input error of the run, not a traceback."""
    from berichten.validators.parallel import WorkerFailed

    try:
        yield from results
    except WorkerFailed as exc:
        click.echo(f"berichten: {exc}", err=True)
        sys.exit(EXIT_USAGE)


def _file_checker(validator, fmt: str):
    """The work of one file (here or in a worker): its output, verdict and unchecked lists, or the read error."""
    from berichten.validators.jsonl import validation_line  # the same line the web API answers

    def check(file: str) -> tuple[str, bool, list[str]] | str:
        try:
            result = validator.validate_path(file, keep_raw=False)  # only findings are printed: free the bytes
        except OSError as exc:
            return f"berichten: {file}: niet te lezen ({exc.strerror or exc})"
        output = validation_line(file, result) if fmt == "jsonl" else render_text(file, result)
        return output, result.ok, result.niet_gecontroleerd

    return check


def render_text(file: str, result) -> str:
    ns = result.document.namespace
    if ns:
        soort = f"{_STANDAARD_NAAM[ns.standaard]} {ns.release} bericht {ns.nummer} ({_BERICHT_NAAM.get(ns.nummer, '?')})"
    elif result.well_formed:
        soort = "onbekend bericht"
    else:
        soort = "niet gelezen"
    if result.xsd_valid is None:
        xsd = "XSD niet gecontroleerd"
    else:
        xsd = "XSD geldig" if result.xsd_valid else "XSD ongeldig"
    errors = sum(f.is_error for f in result.findings)
    warnings = len(result.findings) - errors
    verdict = click.style("GELDIG", fg="green") if result.ok else click.style("ONGELDIG", fg="red")
    lines = [f"{file}: {verdict} ({render_niveaus(result)})",
             f"  {soort} · {xsd} · {errors} fout(en), {warnings} waarschuwing(en)/info"]
    lines += [f"  {render_finding(f)}" for f in result.findings]
    return "\n".join(lines)


def render_niveaus(result) -> str:
    """``niveau 1-2, 4 gecontroleerd; niet gecontroleerd: niveau 3, contracten``: never a bare GELDIG."""
    ran = sorted(result.niveaus)
    text = f"niveau {_ranges(ran)} gecontroleerd" if ran else "niets gecontroleerd"
    niet = [f"niveau {_ranges([n for n in (1, 2, 3, 4) if n not in ran])}"] if len(ran) < 4 else []
    niet += result.niet_gecontroleerd
    return text + (f"; niet gecontroleerd: {', '.join(niet)}" if niet else "")


def _ranges(levels: list[int]) -> str:
    parts: list[list[int]] = []
    for n in levels:
        if parts and parts[-1][-1] == n - 1:
            parts[-1].append(n)
        else:
            parts.append([n])
    return ", ".join(f"{p[0]}-{p[-1]}" if len(p) > 1 else str(p[0]) for p in parts)


def note_niet_gecontroleerd(names: list[str]) -> None:
    """Once per run: which level-4 checks had no list (so they are not mistaken for passed)."""
    click.echo(f"berichten: let op: niveau 4 zonder lijst, niet gecontroleerd: {', '.join(names)} "
               "(stel ze in met --lijsten; zie `berichten lijsten`)", err=True)


def render_finding(f: Finding) -> str:
    niveau = _NIVEAU_LABEL.get(f.niveau, str(f.niveau))
    extra = f", retourcode {f.retourcode}" if f.retourcode else ""
    where = f" {f.locatie}:" if f.locatie else ""
    return f"{_SEVERITY_LABEL.get(f.severity, f.severity)} {f.code} [{niveau}{extra}]{where} {f.melding}"


# ------------------------------------------------------------------------------- rules and explain


@main.command()
@click.option("--standaard", type=click.Choice(["ijw", "iwmo"]), help="Alleen regels van deze standaard.")
@click.option("--bericht", help="Alleen regels voor dit bericht, bijv. 301.")
@click.option("--niveau", type=click.Choice(["1", "2", "3", "4", "regionaal"]), help="Alleen regels van dit controleniveau.")
@click.option("--regio", is_flag=True, help="Alleen de regionale regels (GRJR, Nijmegen).")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
def rules(standaard: str | None, bericht: str | None, niveau: str | None, regio: bool, fmt: str) -> None:
    """Toon de regels: code, niveau, retourcode, berichten en betekenis.

    \b
    Voorbeelden:
      berichten rules --standaard ijw --bericht 301
      berichten rules --regio
    """
    from berichten.validators.catalog import all_codes
    from berichten.validators.jsonl import rule_record

    if regio:
        niveau = "regionaal"
    selected = [
        info
        for info in all_codes()
        if (not standaard or standaard in info.standaarden)
        and (not bericht or bericht in info.berichten)
        and (not niveau or str(info.niveau) == niveau)
    ]
    if fmt == "jsonl":
        for info in selected:
            click.echo(json.dumps(rule_record(info), ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("code", "niveau", "retourcode", "berichten", "standaard", "betekenis", title=f"{len(selected)} regels")
    for info in selected:
        table.add_row(
            info.code, str(info.niveau), info.retourcode or "-", " ".join(info.berichten),
            " ".join(_STANDAARD_NAAM[s] for s in info.standaarden), info.melding,
        )
    Console(width=None if sys.stdout.isatty() else 160).print(table)


@main.command()
@click.argument("code")
def explain(code: str) -> None:
    """Leg een regel of code uit: tekst, elementen, retourcode en een voorbeeld."""
    from berichten.validators.catalog import lookup

    info = lookup(code)
    if info is None:
        raise click.UsageError(f"onbekende code {code}; `berichten rules` toont alle codes")
    standaarden = ", ".join(_STANDAARD_NAAM[s] for s in info.standaarden)
    click.echo(f"{info.code} — {info.melding}")
    click.echo(f"  controleniveau: {info.niveau}    retourcode: {info.retourcode or 'geen (geen retourbericht)'}")
    click.echo(f"  berichten: {', '.join(info.berichten)} ({standaarden})    ernst: {info.severity}")
    for berichten, melding in info.varianten:
        click.echo(f"  bij {berichten}: {melding}")
    if info.elementen:
        click.echo("  elementen: " + ", ".join(info.elementen))
    if info.uitleg:
        click.echo("")
        click.echo(click.wrap_text(info.uitleg, width=100, initial_indent="  ", subsequent_indent="  "))
    _print_examples(info.voorbeeld_fout, info.voorbeeld_goed)


def _print_examples(fout: str, goed: str) -> None:
    """Show where a failing and a passing example differ: that is the point of the rule."""
    if not fout:
        return
    bad = example_path(fout).read_text(encoding="utf-8").splitlines()
    if not goed:
        click.echo(f"\n  Voorbeeld dat de regel schendt: fixtures/{fout}")
        return
    good = example_path(goed).read_text(encoding="utf-8").splitlines()
    click.echo(f"\n  Voorbeeld: fixtures/{fout} (schendt de regel) tegenover fixtures/{goed} (haalt de regel):")
    for line in difflib.unified_diff(good, bad, "goed", "fout", n=2, lineterm=""):
        if line.startswith(("---", "+++")):
            continue
        click.echo("    " + line.replace("\t", "  "))


# -------------------------------------------------------------------------------------- retour


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("-o", "--uit", "output_dir", type=click.Path(file_okay=False),
              help="Map voor de retourberichten (standaard: stdout, alleen bij één bestand).")
@click.option("--dagtekening", type=click.DateTime(["%Y-%m-%d"]), help="DagtekeningRetour (standaard: vandaag).")
@input_options
@db_option
@lists_option
def retour(paths: tuple[str, ...], output_dir: str | None, dagtekening, xsd_dir: str | None, max_bytes: int,
           bom: str, regeleinden: str, db_url: str | None, lijsten: str | None) -> None:
    """Maak het retourbericht (302/306/308/316/320) bij een 301/305/307/315/319, en het
    declaratie-antwoord (325) bij een declaratie (323).

    Volgt de controleniveaus van de standaard: faalt niveau 1 (bestand of XSD), dan is er geen
    retourbericht; faalt niveau 2, dan een retour met retourcode 0001 en de XsltVersie; anders een
    retour zonder retourcodes.

    \b
    Voorbeelden:
      berichten retour toewijzing.xml > toewijzing.302.xml
      berichten retour inbox/ -o retour/ --db sqlite:///berichten.db
    Met --db ook niveau 3 (eerdere berichten): afkeur met de eigen retourcode van de regel; net zo
    niveau 4 (systeemdatum, gemeente- en productcodes, contracten uit --lijsten).
    Exitcode: 0 alles goedgekeurd, 1 een bericht afgekeurd of zonder retour, 2 gebruiks- of leesfout.
    """
    with opened_validator(xsd_dir, max_bytes, bom, regeleinden, db_url, lijsten) as validator:
        _retour_all(validator, paths, output_dir, dagtekening)


def _retour_all(validator, paths: tuple[str, ...], output_dir: str | None, dagtekening) -> None:
    from berichten.validators.retour import kan_retour, retour_nummer, retour_voor, zonder_retourcode

    inputs = InputPaths(paths)
    files = list(inputs)
    if output_dir is None and len(files) > 1:
        raise click.UsageError("geef -o/--uit MAP bij meer dan één bestand")
    if output_dir:
        Path(output_dir).mkdir(parents=True, exist_ok=True)
    rejected = usage = False
    for file in files:
        try:
            result = validator.validate_path(file)
        except OSError as exc:
            click.echo(f"berichten: {file}: niet te lezen ({exc.strerror or exc})", err=True)
            usage = True
            continue
        rejected |= not result.ok
        if not kan_retour(result):
            if zonder_retourcode(result.findings):
                codes = ", ".join(sorted({f.code for f in zonder_retourcode(result.findings)}))
                click.echo(f"{file}: geen retourbericht: afgekeurd op niveau 4 zonder retourcode ({codes})", err=True)
            elif result.level1_passed and result.message is not None and result.message.nummer == "325":
                click.echo(f"{file}: geen retourbericht: een 325 is zelf het antwoord op een declaratie (323) "
                           "en krijgt geen antwoord terug", err=True)
                usage = True
            elif result.level1_passed and result.message is not None:
                # A valid message this command cannot answer (a retour itself): input error.
                click.echo(f"{file}: geen retourbericht: berichten bouwt geen retour op een {result.message.nummer}", err=True)
                usage = True
            else:
                codes = ", ".join(sorted({f.code for f in result.findings if f.is_error})) or "geen heenbericht"
                click.echo(f"{file}: geen retourbericht: niveau 1 afgekeurd ({codes})", err=True)
                rejected = True
            continue
        data = retour_voor(result, dagtekening_retour=dagtekening.date() if dagtekening else None)
        if output_dir is None:
            sys.stdout.buffer.write(data)
            continue
        target = Path(output_dir) / f"{Path(file).stem}.{retour_nummer(result.message)}.xml"
        target.write_bytes(data)
        status = "goedgekeurd" if result.ok else "afgekeurd (" + ", ".join(sorted({f.code for f in result.findings if f.is_error})) + ")"
        click.echo(f"{file}: {target} geschreven, {status}", err=True)
    if inputs.missing or usage:
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_FINDINGS if rejected else EXIT_OK)


# ------------------------------------------------------------------------------------ generate


@main.command()
@click.argument("input_json", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Uitvoerbestand (standaard: stdout).")
def generate(input_json: str, output: str | None) -> None:
    """Maak een bericht (301 tot en met 325, bijvoorbeeld een 317 of 323) uit een JSON-beschrijving (zie docs/generate.md)."""
    from berichten.errors import GenerateError
    from berichten.generate import generate as build

    try:
        data = sys.stdin.buffer.read() if input_json == "-" else Path(input_json).read_bytes()
    except OSError as exc:
        raise click.UsageError(f"{input_json}: niet te lezen ({exc.strerror or exc})") from None
    try:
        xml = build(data)
    except GenerateError as exc:
        click.echo(f"berichten: {input_json}: het bericht kan niet worden gemaakt:", err=True)
        for problem in exc.problems:
            click.echo(f"  - {problem}", err=True)
        sys.exit(EXIT_USAGE)
    if output:
        Path(output).write_bytes(xml)
        click.echo(f"{output} geschreven ({len(xml)} bytes)", err=True)
    else:
        sys.stdout.buffer.write(xml)


if __name__ == "__main__":
    main()
