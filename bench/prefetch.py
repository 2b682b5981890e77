"""The importer's batch lookups (level 3's prefetch) on a store that already holds many rows.

Usage: python bench/prefetch.py [--rows 200000] [--keys 500] [--rounds 5] [--postgres URL]

A nightly import adds a few thousand messages to a store that holds years of them, so each batch's
lookups must cost the same however large the store is. This fills a new SQLite store (made by the
migrations) with ``--rows`` synthetic rows in each table the lookups read, then times one batch
of ``--keys`` keys per lookup, best of ``--rounds``:

- ``now``: the statements of ``store.history`` that ``StoreHistory`` runs for the importer (by
  whole keys, which the tables' indexes start with);
- ``by value``: the same lookups by one column (ToewijzingNummer, ReferentieAanbieder or client
  alone), written out here as the importer had them before (``IN`` with one parameter per value),
  which no index starts with: SQLite scans the table.

Both must find the same rows; the script says so, and prints milliseconds per batch and the ratio.
``--postgres URL``: the same in a new schema on that server (dropped afterwards), after ``ANALYZE``
(autovacuum would analyse a table this size within a minute). Needs the key variable
``BERICHTEN_PSEUDONIEM_SLEUTEL`` or sets it for the run.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, datetime, timezone
from datetime import time as clock
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import ARRAY, BigInteger, String, any_, bindparam, select, text, union_all

from berichten.store.db import make_engine
from berichten.store.migrate import upgrade
from berichten.store import history
from berichten.store.tables import ANTWOORD, BERICHT, START, STOP, TOEWIJZING, VERZOEK, WIJZIGINGSVERZOEK

GEMEENTEN = [f"{g:04d}" for g in range(300, 400)]
AANBIEDERS = [f"8765{a:04d}" for a in range(500)]


def fill(connection, rows: int) -> None:
    """``rows`` rows per table: starts, stops, requests, answers and allocations of made-up clients."""
    connection.execute(BERICHT.insert(), dict(id=1, sha256="x", raw=b"\0", size=1, status="stored", findings=[],
                                              received_at=datetime(2026, 1, 1, tzinfo=timezone.utc)))
    day = date(2026, 1, 1)
    for table in (START, STOP):
        extra = {"reden_beeindiging": "01", "einddatum": day} if table is STOP else {}
        connection.execute(table.insert(), [
            dict(standaard="ijw", afzender=AANBIEDERS[i % 500], ontvanger=GEMEENTEN[i % 100], client=f"c{i}",
                 toewijzing_nummer=i, begindatum=day, status_aanlevering="1", dagtekening=day, bericht_id=1, **extra)
            for i in range(rows)
        ])
    for table in (VERZOEK, WIJZIGINGSVERZOEK):
        connection.execute(table.insert(), [
            dict(standaard="ijw", afzender=AANBIEDERS[i % 500], ontvanger=GEMEENTEN[i % 100], client=f"c{i}",
                 referentie_aanbieder=f"R{i}", bericht_id=1, dagtekening=day,
                 **({"toewijzing_ingangsdatum": day} if table is VERZOEK else {}))
            for i in range(rows)
        ])
    connection.execute(ANTWOORD.insert(), [
        dict(standaard="ijw", afzender=GEMEENTEN[i % 100], ontvanger=AANBIEDERS[i % 500], referentie_aanbieder=f"R{i}",
             verzoek_antwoord="1" if i % 7 == 0 else "2", dagtekening=day, bericht_id=1)
        for i in range(rows)
    ])
    connection.execute(TOEWIJZING.insert(), [
        dict(standaard="ijw", afzender=GEMEENTEN[i % 100], ontvanger=AANBIEDERS[i % 500], client=f"c{i}",
             toewijzing_nummer=i, referentie_aanbieder=f"R{i}" if i % 3 == 0 else None, toewijzingsdatum=day,
             toewijzingstijd=clock(10, 0), ingangsdatum=day, dagtekening=day, bericht_id=1)
        for i in range(rows)
    ])


@contextmanager
def new_store(folder: Path, postgres: str | None):
    """A new store brought to the head revision: a SQLite file, or a new schema at ``postgres``."""
    if postgres is None:
        url = f"sqlite:///{folder / 'store.db'}"
        upgrade(url)
        yield url
        return
    from berichten.store.testing import postgres_schema_url

    os.environ.setdefault("BERICHTEN_PSEUDONIEM_SLEUTEL", "bench-prefetch")  # no key file beside a server
    with postgres_schema_url(postgres) as url:
        upgrade(url)
        yield url


# The lookups by one column, as they were written before they went by whole keys: an expanding IN
# on SQLite, ``= ANY(array)`` on PostgreSQL.
def _by_value(pg: bool):
    S, SO, V, W, A, T = (t.c for t in (START, STOP, VERZOEK, WIJZIGINGSVERZOEK, ANTWOORD, TOEWIJZING))

    def among(column):
        if pg:
            return column == any_(bindparam("v", type_=ARRAY(BigInteger if isinstance(column.type, BigInteger) else String)))
        return column.in_(bindparam("v", expanding=True))

    starts = select(S.standaard, S.afzender, S.ontvanger, S.client, S.toewijzing_nummer).where(among(S.toewijzing_nummer))
    stops = select(SO.standaard, SO.afzender, SO.ontvanger, SO.client, SO.toewijzing_nummer).where(among(SO.toewijzing_nummer))
    requests = union_all(*(select(c.standaard, c.afzender, c.referentie_aanbieder).where(among(c.referentie_aanbieder))
                           for c in (V, W)))
    rejected = select(A.standaard, A.ontvanger, A.referentie_aanbieder).where(
        among(A.referentie_aanbieder), A.verzoek_antwoord == "1")
    answered = select(T.standaard, T.ontvanger, T.client, T.referentie_aanbieder).where(
        among(T.client), T.referentie_aanbieder.is_not(None))
    return {"starts": starts, "stops": stops, "verzoeken": requests, "afgewezen": rejected, "beantwoord": answered}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--keys", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL server instead of SQLite, e.g. "
                        "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    rng = random.Random(15)
    picked = rng.sample(range(args.rows), args.keys)
    with tempfile.TemporaryDirectory(prefix="bench-prefetch-") as tmp, new_store(Path(tmp), args.postgres) as url:
        engine = make_engine(url)
        with engine.begin() as connection:
            fill(connection, args.rows)
        if args.postgres:
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("ANALYZE"))
        pg = engine.dialect.name == "postgresql"
        levering_keys = sorted(("ijw", AANBIEDERS[i % 500], GEMEENTEN[i % 100], f"c{i}", i) for i in picked)
        referentie_keys = sorted(("ijw", AANBIEDERS[i % 500], f"R{i}") for i in picked)
        client_keys = sorted(("ijw", AANBIEDERS[i % 500], f"c{i}") for i in picked)
        now = {  # (statement, its keys), as StoreHistory runs them
            "starts": (history._LEVERINGEN_BY_KEY[(False, pg)], levering_keys),
            "stops": (history._LEVERINGEN_BY_KEY[(True, pg)], levering_keys),
            "verzoeken": (history._VERZOEKEN_BY_REFERENTIE[pg], referentie_keys),
            "afgewezen": (history._AFGEWEZEN_BY_REFERENTIE[pg], referentie_keys),
            "beantwoord": (history._BEANTWOORDE_REFERENTIES_BY_CLIENT[pg], client_keys),
        }
        values = {"starts": picked, "stops": picked, "verzoeken": [f"R{i}" for i in picked],
                  "afgewezen": [f"R{i}" for i in picked], "beantwoord": [f"c{i}" for i in picked]}
        old = _by_value(pg)
        print(f"{args.rows} rows per table, {args.keys} keys per lookup, best of {args.rounds} "
              f"({'PostgreSQL' if args.postgres else 'SQLite'})")
        total_now = total_old = 0.0
        with engine.connect() as connection:
            for name, (statement, keys) in now.items():
                best_now = best_old = float("inf")
                for _ in range(args.rounds):
                    t = time.perf_counter()
                    found = connection.execute(statement, {"keys": keys}).all()
                    best_now = min(best_now, time.perf_counter() - t)
                    t = time.perf_counter()
                    before = connection.execute(old[name], {"v": sorted(values[name])}).all()
                    best_old = min(best_old, time.perf_counter() - t)
                count = len(found)
                same = count == len(before)
                total_now, total_old = total_now + best_now, total_old + best_old
                print(f"  {name:<11} now {best_now * 1000:8.2f} ms   by value {best_old * 1000:8.2f} ms   "
                      f"ratio {best_old / best_now:7.1f}x   {count} rows{'' if same else ' ROWS DIFFER'}")
                if not same:
                    return 1
        engine.dispose()
        print(f"  all         now {total_now * 1000:8.2f} ms   by value {total_old * 1000:8.2f} ms   "
              f"ratio {total_old / total_now:7.1f}x per batch")
    return 0


if __name__ == "__main__":
    sys.exit(main())
