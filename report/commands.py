"""Click commands ``report`` and ``demo``; thin shells over the report package.

``cli.py`` adds every command in ``COMMANDS`` to the main ``berichten`` group.
Exit codes: 0 success, 2 usage or input error.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from berichten.store.config import DB_ENV, DEFAULT_URL

EXIT_USAGE = 2


def _load_configs(paths: tuple[str, ...], regio: str | None):
    from berichten.validators.regional.config import load_config
    from berichten.validators.regional.errors import ConfigError

    if not paths:
        # Without --config: the registers in ./regio/ (grjr.toml, nijmegen.toml), or the one --regio names.
        wanted = [regio] if regio else ["grjr", "nijmegen"]
        paths = tuple(str(p) for p in (Path("regio") / f"{r}.toml" for r in wanted) if p.exists())
        if not paths:
            names = " of ".join(f"regio/{r}.toml" for r in wanted)
            raise click.UsageError(f"geef --config (regionaal register, TOML); {names} bestaat niet in de huidige map")
    try:
        configs = [load_config(p) for p in paths]
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    if regio:
        configs = [c for c in configs if c.code == regio]
        if not configs:
            raise click.UsageError(f"geen configuratie voor regio '{regio}' in --config")
    return configs


def _month(_ctx, _param, value: str | None) -> date | None:
    if value is None:
        return None
    from berichten.report.series import parse_month

    try:
        return parse_month(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@click.command("report")
@click.option("--db", "url", envvar=DB_ENV, default=DEFAULT_URL, show_default=True, help=f"Database-URL (ook via {DB_ENV}).")
@click.option("--regio", type=click.Choice(["grjr", "nijmegen"]), help="Regio; kiest de configuratie als er meer zijn.")
@click.option("--config", "configs", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Regionaal register (TOML); herhaalbaar voor --nachtelijk. Standaard regio/<regio>.toml.")
@click.option("--peildatum", type=click.DateTime(["%Y-%m-%d"]), help="Datum van de telling (standaard vandaag).")
@click.option("--van", callback=_month, help="Eerste maand, JJJJ-MM (standaard twaalf maanden tot de peildatum).")
@click.option("--tot", callback=_month, help="Laatste maand, JJJJ-MM.")
@click.option("--format", "fmt", type=click.Choice(["html", "csv", "json", "table"]), default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Schrijf naar dit bestand (standaard: scherm).")
@click.option("--csv-sep", default=",", show_default=True, help="Scheidingsteken voor CSV; ';' voor Nederlandse Excel.")
@click.option("--onderdruk", is_flag=True, help="Toon aantallen onder de drempel als <drempel.")
@click.option("--drempel", type=click.IntRange(min=2), default=5, show_default=True)
@click.option("--nachtelijk", is_flag=True, help="Schrijf html, csv en json per regio met datum, plus index.html, in --uit.")
@click.option("--uit", type=click.Path(file_okay=False), help="Map voor --nachtelijk.")
@click.option("--zonder-declaratie-maanden", "zonder_declaratie", type=click.IntRange(min=1), default=3, show_default=True,
              help="Toon toewijzingen zonder enige declaratie na zoveel maanden na de Ingangsdatum.")
def report(url, regio, configs, peildatum, van, tot, fmt, output, csv_sep, onderdruk, drempel, nachtelijk, uit,
           zonder_declaratie) -> None:
    """Monitoringrapportage uit de berichtendatabase (GRJR flex-aanbieders, Nijmegen Buurtteams).

    \b
    Voorbeelden:
      berichten report --regio grjr --config regio/grjr.toml --format table
      berichten report --config regio/nijmegen.toml --format html -o nijmegen.html --onderdruk
      berichten report --config regio/grjr.toml --format csv --csv-sep ';' -o grjr.csv
      berichten report --nachtelijk --uit /srv/rapportages --config regio/grjr.toml --config regio/nijmegen.toml
    """
    from berichten.report.build import ReportError, build_report
    from berichten.report.privacy import suppress

    peil = peildatum.date() if peildatum else None
    cfgs = _load_configs(configs, regio)
    if len(csv_sep) != 1:
        raise click.BadParameter("één teken, bijv. ';'", param_hint="--csv-sep")
    try:
        if nachtelijk:
            if not uit:
                raise click.UsageError("--nachtelijk heeft --uit MAP nodig")
            from berichten import stop
            from berichten.report.nightly import run_nightly

            for done, cfg in enumerate(cfgs):
                if stop.requested():  # SIGTERM/SIGINT: stop between two regions, never inside a file
                    click.echo(f"gestopt: {done} van {len(cfgs)} regio's geschreven", err=True)
                    break
                for w in run_nightly(url, [cfg], uit, peildatum=peil, drempel=drempel if onderdruk else None,
                                     csv_sep=csv_sep if csv_sep != "," else ";", zonder_declaratie_maanden=zonder_declaratie):
                    click.echo(f"{w.regio}: " + ", ".join(str(p) for p in w.paths.values()))
            click.echo(f"index: {Path(uit) / 'index.html'}")
            return
        if len(cfgs) > 1:
            raise click.UsageError("meer configuraties gegeven: kies er één met --regio (of gebruik --nachtelijk)")
        rep = build_report(url, cfgs[0], peildatum=peil, van=van, tot=tot, zonder_declaratie_maanden=zonder_declaratie)
    except ReportError as exc:
        raise click.ClickException(str(exc)) from None
    if onderdruk:
        rep = suppress(rep, drempel)
    _emit(rep, fmt, output, csv_sep)


def _emit(rep, fmt: str, output: str | None, csv_sep: str) -> None:
    from berichten.report.render import print_table, to_csv, to_html, to_json

    if fmt == "table":
        if output:
            from rich.console import Console

            with open(output, "w", encoding="utf-8") as fh:
                print_table(rep, Console(file=fh, width=140))
        else:
            print_table(rep)
        return
    text = {"html": to_html, "json": to_json}[fmt](rep) if fmt != "csv" else to_csv(rep, csv_sep)
    if output:
        Path(output).write_text(text, encoding="utf-8-sig" if fmt == "csv" and csv_sep == ";" else "utf-8")
        click.echo(f"geschreven: {output}", err=True)
    else:
        sys.stdout.write(text)


@click.command("demo")
@click.option("--uit", required=True, type=click.Path(file_okay=False), help="Map voor de demoset (wordt aangemaakt).")
@click.option("--seed", type=int, default=None, help="Andere seed voor een andere (maar herhaalbare) set.")
@click.option("--db", "url", default=None, help="Laad de set ook direct in deze database (berichten en registers).")
def demo(uit: str, seed: int | None, url: str | None) -> None:
    """Schrijf een realistische, herhaalbare demoset: berichten, registers en feitenbestanden.

    \b
    Voorbeeld:
      berichten demo --uit demo --db sqlite:///demo.db
      berichten report --db sqlite:///demo.db --config demo/regio/grjr.toml --peildatum 2026-10-31
    """
    from berichten.report.demo import DEMO_PEILDATUM, DEMO_SEED, load_demo, write_demo

    summary = write_demo(uit, seed=DEMO_SEED if seed is None else seed)
    counts = ", ".join(f"{n}x {code}" for code, n in summary.files.items())
    click.echo(f"{uit}: {counts}; {summary.aanmeldingen} aanmeldingen, {summary.acceptaties} acceptaties")
    click.echo(f"registers: {summary.regio / 'grjr.toml'}, {summary.regio / 'nijmegen.toml'}; peildatum van de set: {DEMO_PEILDATUM}")
    if url:
        from berichten.store.migrate import upgrade_store

        upgrade_store(url, demo_key=True)  # a demo store, marked by its key file (soort: demo)
        result = load_demo(summary, url)
        click.echo(f"geladen in {url}: {result.stored} opgeslagen, {result.rejected} afgekeurd")


COMMANDS = [report, demo]
