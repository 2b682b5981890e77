"""Report time against store size: 100 000 and 1 000 000 synthetic toewijzingen (goal: 10x data, <= 12x time).

Usage: python bench/report.py [--sizes 100000 1000000] [--backend sqlite|postgresql|both] [--pg URL] [--prestaties]

Rows go straight into the store tables (SQLAlchemy Core executemany, no XML): one ``bericht``
row per ten allocations, allocations spread over the GRJR gemeenten and Nijmegen (about 80/20),
over flex-, systeem- and other aanbieders, over the products and over 24 months, 10% with a
second version, 3% deleted; 305 starts for most Nijmegen allocations. Clients are fake
pseudonyms (64 hex characters, never derived from a BSN). Then both regional reports are built
(the demo registries) and timed, best of two runs. Prints rows, seconds and the ratio per step
of 10x. Run it on an otherwise idle machine: other work on the same cores distorts the ratio.

With ``--prestaties`` the sizes count stored Prestaties instead (323 declarations, the input of
verzilvering, trajectintensiteit, plafonds and the kwartaal table): one allocation per eight
Prestaties, each allocation declared in eight consecutive months, one 323 per ten allocations and
month answered by a 325 row (2 % with one rejected Prestatie), 3 % of the Prestaties credited.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import sys
import tempfile
import time
from datetime import date, datetime, time as dtime, timedelta, timezone
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
# Throw-away stores: an explicit key, so no key files are written (PostgreSQL would need a path).
os.environ.setdefault("BERICHTEN_PSEUDONIEM_SLEUTEL", "bench-sleutel")

from sqlalchemy import insert, text  # noqa: E402

from berichten.report.build import build_report  # noqa: E402
from berichten.report.demo import FLEX, GRJR_GEMEENTEN, GRJR_PRODUCTS, GRJR_TOML, NIJMEGEN_PROVIDERS, NIJMEGEN_TOML, PRESTATIE, SYSTEEM  # noqa: E402
from berichten.store.db import make_engine  # noqa: E402
from berichten.store.migrate import upgrade  # noqa: E402
from berichten.store.models import Bericht, DeclaratieAntwoord, Prestatie, Start, Toewijzing  # noqa: E402
from berichten.store.testing import PG_URL, postgres_schema_url, postgres_unavailable  # noqa: E402
from berichten.validators.regional.config import parse_config  # noqa: E402

CHUNK = 20_000
PER_BERICHT = 10
FIRST_DAY = date(2025, 1, 1)
PEILDATUM = date(2026, 12, 31)
GRJR_CODES = [c for codes in GRJR_PRODUCTS.values() for c in codes]
NIJMEGEN_CODES = {"45A04": "ijw", "45A05": "ijw", "02A03": "iwmo", "02A05": "iwmo"}


def pseudonym(i: int) -> str:
    return hashlib.sha256(f"bench-client-{i}".encode()).hexdigest()


def rows(n: int, seed: int = 1):
    """Yield (bericht rows, toewijzing rows, start rows) per chunk."""
    rnd = random.Random(seed)
    now = datetime.now(timezone.utc)
    clients = max(n // 3, 1)
    nummer = 0
    bericht_id = 0
    while nummer < n:
        berichten, toewijzingen, starts = [], [], []
        for _ in range(CHUNK // PER_BERICHT):
            if nummer >= n:
                break
            bericht_id += 1
            nijmegen = rnd.random() < 0.2
            gemeente = "0268" if nijmegen else rnd.choice(GRJR_GEMEENTEN)
            if nijmegen:
                aanbieder = rnd.choice(NIJMEGEN_PROVIDERS)
            else:
                roll = rnd.random()
                aanbieder = rnd.choice(FLEX) if roll < 0.35 else rnd.choice(SYSTEEM + PRESTATIE) if roll < 0.9 else "99990000"
            code = rnd.choice(list(NIJMEGEN_CODES)) if nijmegen else rnd.choice(GRJR_CODES)
            standaard = NIJMEGEN_CODES.get(code, "ijw")
            dag = FIRST_DAY + timedelta(days=rnd.randrange(700))
            berichten.append(dict(id=bericht_id, sha256=hashlib.sha256(str(bericht_id).encode()).hexdigest(), raw=b"", size=0,
                                  standaard=standaard, release="3.2", nummer="301", berichtcode="436", afzender=gemeente,
                                  ontvanger=aanbieder, identificatie=f"B{bericht_id}", dagtekening=dag, received_at=now,
                                  status="stored", findings=[]))
            for _ in range(PER_BERICHT):
                if nummer >= n:
                    break
                nummer += 1
                client = pseudonym(rnd.randrange(clients))
                ingang = dag + timedelta(days=rnd.randrange(0, 10))
                eind = None if rnd.random() < 0.15 else ingang + timedelta(days=rnd.choice((90, 181, 273, 365, 546)))
                freq = "2" if eind else "4"
                base = dict(bericht_id=bericht_id, standaard=standaard, afzender=gemeente, ontvanger=aanbieder, client=client,
                            toewijzing_nummer=nummer, categorie=code[:2], code=code, toewijzingsdatum=dag,
                            toewijzingstijd=dtime(9, 0), ingangsdatum=ingang, einddatum=eind, reden_wijziging=None,
                            volume=rnd.choice((2, 3, 4, 6)) * (1 if eind else 4), eenheid="04", frequentie=freq, budget=None,
                            dagtekening=dag, referentie_aanbieder=None)
                toewijzingen.append(base)
                roll = rnd.random()
                if roll < 0.10 and eind:  # a second, later version (oprekken)
                    toewijzingen.append({**base, "toewijzingsdatum": dag + timedelta(days=30), "einddatum": eind + timedelta(days=90),
                                         "reden_wijziging": "04"})
                elif roll < 0.13:  # deleted
                    toewijzingen.append({**base, "toewijzingsdatum": dag + timedelta(days=2), "einddatum": ingang,
                                         "reden_wijziging": "13"})
                if nijmegen and rnd.random() < 0.8:
                    starts.append(dict(bericht_id=bericht_id, standaard=standaard, afzender=aanbieder, ontvanger=gemeente,
                                       client=client, toewijzing_nummer=nummer, categorie=code[:2], code=code,
                                       toewijzing_ingangsdatum=ingang, begindatum=ingang + timedelta(days=rnd.randrange(60)),
                                       status_aanlevering="1", dagtekening=ingang))
        yield berichten, toewijzingen, starts


PRESTATIE_MONTHS = 8


def _month(first: date, k: int) -> date:
    index = first.year * 12 + first.month - 1 + k
    return date(index // 12, index % 12 + 1, 1)


def declaration_rows(toewijzingen: list[dict], next_id: int, rnd: random.Random, now: datetime):
    """323 Prestaties (and their bericht and 325 rows) for the first version of each allocation:
    ``PRESTATIE_MONTHS`` months from its Ingangsdatum, one 323 per bericht of ten and month."""
    berichten, prestaties, antwoorden = [], [], []
    by_bericht: dict[int, list[dict]] = {}
    for t in toewijzingen:
        if t["reden_wijziging"] is None:
            by_bericht.setdefault(t["bericht_id"], []).append(t)
    for group in by_bericht.values():
        t0 = group[0]
        for k in range(PRESTATIE_MONTHS):
            first = _month(t0["ingangsdatum"].replace(day=1), k)
            last = _month(first, 1) - timedelta(days=1)
            ident = f"DC{next_id + 1}"
            heen_id, antwoord_id = next_id + 1, next_id + 2
            next_id += 2
            common = dict(standaard=t0["standaard"], release="3.2", received_at=now, status="stored", findings=[], raw=b"",
                          size=0, dagtekening=last + timedelta(days=5))
            berichten.append(dict(id=heen_id, sha256=hashlib.sha256(f"323-{heen_id}".encode()).hexdigest(), nummer="323",
                                  berichtcode="484", afzender=t0["ontvanger"], ontvanger=t0["afzender"], identificatie=ident,
                                  **common))
            berichten.append(dict(id=antwoord_id, sha256=hashlib.sha256(f"325-{antwoord_id}".encode()).hexdigest(),
                                  nummer="325", berichtcode="485", afzender=t0["afzender"], ontvanger=t0["ontvanger"],
                                  identificatie=f"DA{antwoord_id}", **common))
            antwoord = dict(bericht_id=antwoord_id, standaard=t0["standaard"], afzender=t0["afzender"],
                            ontvanger=t0["ontvanger"], declaratie_identificatie=ident, declaratie_nummer=ident[:12],
                            client=None, referentie_nummer=None, toegekend_bedrag=None, dagtekening=last + timedelta(days=9))
            antwoorden.append({**antwoord, "klasse": "DeclaratieAntwoord", "retourcodes": "8001", "goedgekeurd": True})
            for t in group:
                volume = rnd.randrange(1, 4 * t["volume"] + 1) if t["frequentie"] == "2" else rnd.randrange(1, t["volume"] + 1)
                ref = f"P{t['toewijzing_nummer']}-{k}"
                line = dict(bericht_id=heen_id, standaard=t["standaard"], afzender=t["ontvanger"], ontvanger=t["afzender"],
                            identificatie=ident, declaratie_nummer=ident[:12], client=t["client"], referentie_nummer=ref,
                            vorig_referentie_nummer=None, toewijzing_nummer=t["toewijzing_nummer"], categorie=t["categorie"],
                            code=t["code"], begindatum=max(first, t["ingangsdatum"]), einddatum=last, volume=volume,
                            eenheid="04", tarief=6000, bedrag=volume * 6000, debet_credit="D", dagtekening=last + timedelta(days=5))
                prestaties.append(line)
                roll = rnd.random()
                if roll < 0.02:
                    antwoorden.append({**antwoord, "klasse": "Prestatie", "client": t["client"], "referentie_nummer": ref,
                                       "retourcodes": "0611", "goedgekeurd": False})
                elif roll < 0.05:  # credited, in the same 323 for simplicity
                    prestaties.append({**line, "referentie_nummer": f"{ref}-C", "vorig_referentie_nummer": ref,
                                       "debet_credit": "C"})
    return berichten, prestaties, antwoorden, next_id


def fill(url: str, n: int, per_prestatie: bool = False) -> tuple[int, float]:
    """Fill the store with ``n`` toewijzingen, or with about ``n`` Prestaties (``per_prestatie``);
    returns the number of rows of that kind and the seconds it took."""
    upgrade(url)
    engine = make_engine(url)
    count = 0
    start = time.perf_counter()
    rnd = random.Random(7)
    now = datetime.now(timezone.utc)
    next_id = 10**8  # the 323/325 berichten after the 301 ones
    with engine.begin() as conn:
        for berichten, toewijzingen, starts in rows(n // PRESTATIE_MONTHS if per_prestatie else n):
            conn.execute(insert(Bericht.__table__), berichten)
            conn.execute(insert(Toewijzing.__table__), toewijzingen)
            if starts:
                conn.execute(insert(Start.__table__), starts)
            if per_prestatie:
                heen, prestaties, antwoorden, next_id = declaration_rows(toewijzingen, next_id, rnd, now)
                conn.execute(insert(Bericht.__table__), heen)
                conn.execute(insert(Prestatie.__table__), prestaties)
                conn.execute(insert(DeclaratieAntwoord.__table__), antwoorden)
                count += len(prestaties)
            else:
                count += len(toewijzingen)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))  # what autovacuum does after a bulk load; without it plans are blind
    engine.dispose()
    return count, time.perf_counter() - start


def time_reports(url: str, repeat: int = 2) -> dict[str, float]:
    """Seconds per region report, the best of ``repeat`` runs (the first also warms the OS file cache)."""
    out = {}
    for name, toml in (("grjr", GRJR_TOML.replace("{gemeenten}", ", ".join(f'"{g}"' for g in GRJR_GEMEENTEN))),
                       ("nijmegen", NIJMEGEN_TOML)):
        cfg = parse_config(toml, f"{name}.toml")
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            report = build_report(url, cfg, peildatum=PEILDATUM)
            best = min(best, time.perf_counter() - start)
            assert report.tables()
        out[name] = best
    return out


def run(backend: str, sizes: list[int], pg: str, per_prestatie: bool = False) -> None:
    results = []
    what = "prestaties" if per_prestatie else "toewijzingen"
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            if backend == "sqlite":
                url = f"sqlite:///{Path(tmp) / 'bench.db'}"
                count, fill_s = fill(url, n, per_prestatie)
                times = time_reports(url)
            else:
                with postgres_schema_url(pg) as url:
                    count, fill_s = fill(url, n, per_prestatie)
                    times = time_reports(url)
        total = sum(times.values())
        results.append((n, total))
        print(f"{backend:10s} {n:>9,d} {what} ({count:,d} rijen, vullen {fill_s:6.1f} s): "
              f"grjr {times['grjr']:6.2f} s, nijmegen {times['nijmegen']:6.2f} s, samen {total:6.2f} s", flush=True)
    for (n1, t1), (n2, t2) in zip(results, results[1:]):
        ratio = t2 / t1 if t1 else float("inf")
        goal = 12 * n2 / n1 / 10
        verdict = "OK" if ratio <= goal else "TE TRAAG"
        print(f"{backend:10s} {n2 // n1}x de data: {ratio:.1f}x de tijd (doel <= {goal:.0f}x): {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--pg", default=PG_URL)
    parser.add_argument("--prestaties", action="store_true", help="sizes count stored Prestaties (323), not toewijzingen")
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    for backend in backends:
        if backend == "postgresql" and postgres_unavailable():
            print(f"postgresql overgeslagen: {postgres_unavailable()}")
            continue
        run(backend, args.sizes, args.pg, args.prestaties)


if __name__ == "__main__":
    main()
