"""``berichten serve``: the local web page and JSON API (``web.app``) on uvicorn.

``cli.py`` registers ``serve``; everything it needs is imported only when it runs.
"""

from __future__ import annotations

import logging
import os
import socket
import sys

import click

from berichten.xmlinput import DEFAULT_MAX_BYTES
from berichten.web.settings import TOKEN_ENV, ServeSettings, is_loopback

EXIT_USAGE = 2


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help=f"Adres om op te luisteren; een ander adres dan 127.0.0.1 vraagt het token {TOKEN_ENV}.")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True,
              help="Poort; 0 kiest een vrije poort (de gekozen poort staat in de eerste regel).")
@click.option("--db", "db_url", envvar="BERICHTEN_DB",
              help="Database: dan ook niveau 3, en de knop 'opslaan' (alleen die schrijft iets).")
@click.option("--config", "configs", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Regionale configuratie (TOML, GRJR of Nijmegen); mag vaker: dan ook het regionale oordeel.")
@click.option("--lijsten", type=click.Path(exists=True, dir_okay=False), envvar="BERICHTEN_LIJSTEN",
              help="TOML met de lijsten voor niveau 4 (zie `berichten lijsten`).")
@click.option("--max-bytes", type=click.IntRange(min=1), default=DEFAULT_MAX_BYTES, show_default=True,
              help="Grootste bestand dat wordt gelezen (groter: 413).")
def serve(host: str, port: int, db_url: str | None, configs: tuple[str, ...], lijsten: str | None, max_bytes: int) -> None:
    """Start een webpagina en JSON-API om berichten te controleren, op deze machine.

    Geen bericht verlaat de machine; er wordt niets opgeslagen, behalve met --db na 'opslaan'.

    \b
    Voorbeelden:
      berichten serve                      # open http://127.0.0.1:8080/
      berichten serve --config grjr.toml --db sqlite:///berichten.db
      BERICHTEN_SERVE_TOKEN=geheim berichten serve --host 0.0.0.0
    \b
    API: POST /api/validate (XML of multipart; antwoord = validate --format jsonl),
    GET /api/rules, GET /api/explain/CODE, GET /openapi.json.
    """
    token = os.environ.get(TOKEN_ENV) or None
    if not is_loopback(host) and not token:
        click.echo(f"berichten: serve op {host} kan alleen met een token: zet {TOKEN_ENV} "
                   "(elk verzoek moet het dan meegeven)", err=True)
        sys.exit(EXIT_USAGE)
    import uvicorn

    from berichten.web.app import create_app
    from berichten.web.service import Service

    settings = ServeSettings(host=host, port=port, db_url=db_url, configs=configs, max_bytes=max_bytes,
                             token=token, lijsten=lijsten)
    try:
        service = Service(settings)
    except Exception as exc:  # a bad TOML, list or database: a Dutch line, not a traceback
        click.echo(f"berichten: serve kan niet starten: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    try:
        sock = socket.create_server((host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET,
                                    backlog=2048)  # uvicorn's own default; 200 clients at once fit
    except OSError as exc:
        click.echo(f"berichten: {host}:{port} niet te gebruiken ({exc.strerror or exc})", err=True)
        sys.exit(EXIT_USAGE)
    # asyncio sets TCP_NODELAY only on sockets it made itself (proto IPPROTO_TCP); without it a
    # response written as headers + body waits ~40 ms for the client's delayed ACK. Accepted
    # connections inherit the option from the listening socket.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host

    def ready() -> None:
        # The readiness line tests and scripts wait for: the socket listens and the app is built.
        click.echo(f"berichten serve: luistert op http://{shown}:{bound}/", err=False)
        sys.stdout.flush()

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stderr)
    app = create_app(settings, service, on_ready=ready)
    # access_log off: uvicorn's own line carries the query string; web.security logs a cleaned one.
    config = uvicorn.Config(app, access_log=False, log_level="warning", lifespan="on", server_header=False)
    uvicorn.Server(config).run(sockets=[sock])


COMMANDS = [serve]
