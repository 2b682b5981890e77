"""Messages per second for validate + store of 301s (SQLite, PostgreSQL) against validate only.

Usage: python bench/store.py [--n 2000] [--pg postgresql+psycopg://postgres@127.0.0.1:5432/test] [--no-pg]

Writes n distinct 301s (each its own client, ToewijzingNummer and Identificatie) to a temporary
folder, then in one run: validates them all (levels 1-2, no database), imports them into a fresh
SQLite file and into a fresh PostgreSQL schema (levels 1-3 + storing, batches of 500). Prints the
rates, the ratio store/validate (goal >= 0.5) and the resident memory (RSS) sampled during each
import: flat memory means the last sample is close to the first.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from store.importer import import_paths  # noqa: E402
from store.testing import PG_URL, postgres_schema_url, postgres_unavailable, write_301s  # noqa: E402
from validators.pipeline import Validator  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * 4096 / 1e6


def validate_only(folder: Path) -> tuple[int, float]:
    validator = Validator()
    start = time.perf_counter()
    count = 0
    for path in sorted(folder.rglob("*.xml")):
        result = validator.validate_bytes(path.read_bytes())
        assert result.ok, result.findings
        count += 1
    return count, time.perf_counter() - start


def store(folder: Path, url: str, label: str) -> tuple[int, float]:
    samples: list[tuple[int, float]] = []

    def progress(done: int, total: int | None) -> None:
        if done == 1 or done % max(1, (total or 1) // 10) == 0 or done == total:
            samples.append((done, rss_mb()))

    start = time.perf_counter()
    summary = import_paths([folder], url, pseudonym_key="bench", progress=progress, migrate=False)
    elapsed = time.perf_counter() - start
    assert summary.stored == summary.files and not summary.rejected, summary.to_dict()
    print(f"  {label}: RSS during import (messages: MB) " + ", ".join(f"{d}: {m:.0f}" for d, m in samples))
    return summary.stored, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--pg", default=PG_URL)
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        folder = Path(tmp) / "berichten"
        folder.mkdir()
        write_301s(folder, args.n, per_folder=1000)
        empty = Path(tmp) / "leeg"
        empty.mkdir()
        # Baseline: the faster of two validate-only runs, so a busy moment cannot flatter the ratio.
        count, seconds = min((validate_only(folder) for _ in range(2)), key=lambda r: r[1])
        base = count / seconds
        print(f"validate only (levels 1-2):      {base:8.0f} msg/s  ({count} x 301, best of 2)")
        runs = [("sqlite", f"sqlite:///{Path(tmp) / 'bench.db'}")]
        reason = None if args.no_pg else postgres_unavailable()
        for label, url in runs:
            _report(label, url, folder, empty, base)
        if args.no_pg or reason:
            print(f"postgresql: skipped ({'--no-pg' if args.no_pg else reason})")
        else:
            with postgres_schema_url(args.pg) as url:
                _report("postgresql", url, folder, empty, base)


def _report(label: str, url: str, folder: Path, empty: Path, base: float) -> None:
    import_paths([empty], url)  # create the schema outside the timed part
    stored, seconds = store(folder, url, label)
    rate = stored / seconds
    print(f"validate + store ({label:10s}):  {rate:8.0f} msg/s  ratio {rate / base:.2f} (goal >= 0.5)")


if __name__ == "__main__":
    main()
