"""Messages per second for validate + store of 301s (SQLite, PostgreSQL) against validate only.

Usage: python bench/store.py [--n 3000] [--rounds 5] [--mix] [--pg URL] [--no-pg]

Writes n distinct 301s (each its own client, ToewijzingNummer and Identificatie) to a temporary
folder; with ``--mix`` n messages of which a quarter each 301, 305, 307 and 315 (per client an
allocation, its start and stop, and a request: every level-3 lookup kind is exercised). Then, ``--rounds`` times, interleaved so that a slow moment of the machine hits every
mode alike: validate them all (levels 1-2, no database), import them into a fresh SQLite file and
into a fresh PostgreSQL schema (levels 1-3 + storing). Each mode is reported by its best round and
the ratio store/validate (goal >= 0.5) is taken between best rounds; the per-round ratios are
printed too. The resident memory (RSS) is sampled during the last import of each database: flat
memory means the last sample is close to the first.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
# Throw-away stores: an explicit key, so no key files are written (PostgreSQL would need a path).
os.environ.setdefault("BERICHTEN_PSEUDONIEM_SLEUTEL", "bench-sleutel")

from berichten.store.importer import import_paths  # noqa: E402
from berichten.store.testing import PG_URL, postgres_schema_url, postgres_unavailable, write_301s, write_mixed  # noqa: E402
from berichten.validators.pipeline import Validator  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * 4096 / 1e6


def validate_only(folder: Path) -> float:
    """Seconds to validate every file (levels 1-2), reading them as the importer does."""
    validator = Validator()
    start = time.perf_counter()
    for path in sorted(folder.rglob("*.xml")):
        result = validator.validate_bytes(path.read_bytes())
        assert result.ok, result.findings
    return time.perf_counter() - start


def store(folder: Path, url: str, n: int, samples: list[tuple[int, float]]) -> float:
    """Seconds to import every file into the (empty, migrated) database at ``url``."""
    samples.clear()

    def progress(done: int, total: int | None) -> None:
        if done == 1 or done % max(1, (total or 1) // 10) == 0 or done == total:
            samples.append((done, rss_mb()))

    start = time.perf_counter()
    summary = import_paths([folder], url, pseudonym_key="bench", progress=progress, migrate=False)
    elapsed = time.perf_counter() - start
    assert summary.stored == n and not summary.rejected, summary.to_dict()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--pg", default=PG_URL)
    parser.add_argument("--mix", action="store_true", help="301/305/307/315 instead of 301s only")
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args()
    reason = "--no-pg" if args.no_pg else postgres_unavailable()
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp, ExitStack() as stack:
        folder = Path(tmp) / "berichten"
        folder.mkdir()
        if args.mix:
            write_mixed(folder, range(args.n // 4))
            args.n = args.n // 4 * 4
        else:
            write_301s(folder, args.n, per_folder=1000)
        os.sync()  # the kernel writing these files back to disk later would slow down whichever round runs then
        validate_only(folder)  # warm-up: files in the page cache, lazy imports done
        empty = Path(tmp) / "leeg"
        empty.mkdir()
        seconds: dict[str, list[float]] = {"validate": []}
        samples: dict[str, list[tuple[int, float]]] = {}
        for round_ in range(args.rounds):
            seconds["validate"].append(validate_only(folder))
            targets = [("sqlite", f"sqlite:///{Path(tmp) / f'bench-{round_}.db'}")]
            if not reason:
                targets.append(("postgresql", stack.enter_context(postgres_schema_url(args.pg))))
            for label, url in targets:
                import_paths([empty], url)  # create the schema outside the timed part
                seconds.setdefault(label, []).append(store(folder, url, args.n, samples.setdefault(label, [])))
        base = args.n / min(seconds["validate"])
        kind = "301/305/307/315 (a quarter each)" if args.mix else "301"
        print(f"{args.n} x {kind}, {args.rounds} interleaved rounds, best round per mode")
        print(f"validate only (levels 1-2):      {base:8.0f} msg/s")
        for label in ("sqlite", "postgresql"):
            if label not in seconds:
                print(f"postgresql: skipped ({reason})")
                continue
            rate = args.n / min(seconds[label])
            rounds = [v / s for v, s in zip(seconds["validate"], seconds[label])]
            print(
                f"validate + store ({label:10s}):  {rate:8.0f} msg/s  ratio {rate / base:.2f} (goal >= 0.5); "
                f"per round {', '.join(f'{r:.2f}' for r in rounds)} (median {statistics.median(rounds):.2f})"
            )
            print(f"  rounds (msg/s): validate {', '.join(f'{args.n / s:.0f}' for s in seconds['validate'])}; "
                  f"{label} {', '.join(f'{args.n / s:.0f}' for s in seconds[label])}")
            print("  RSS during the last import (messages: MB) " + ", ".join(f"{d}: {m:.0f}" for d, m in samples[label]))


if __name__ == "__main__":
    main()
