"""Files per second of ``validate``, ``check`` and ``import`` at ``--jobs 1`` and ``--jobs 2``, in one run.

Usage: python bench/jobs.py [--files 3000] [--rounds 3] [--jobs 2] [--skip-import] [--only CASE] [--postgres URL]

Cases: ``validate``, ``check``, ``import`` (a new SQLite file per run: the import creates the schema
and the key file), ``import-migrated`` (a SQLite file made by ``berichten db upgrade`` before the
run, as a nightly import finds its store) and, with ``--postgres``, ``import-pg``.

The data set is the demo year (``berichten demo``) with as many seeds as it takes to reach
``--files`` distinct files. Each figure is the median wall time of ``--rounds`` runs of the real
command (start-up included), the two job counts taking turns. The jsonl output of ``--jobs 1`` and
``--jobs N`` is compared byte for byte, and the imports must store the same rows. The CPU time of
all processes shows what the workers cost on top, whatever else the machine is doing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from timing import run_timed  # bench/timing.py (the script's folder is on sys.path)

PROJECT = Path(__file__).resolve().parent.parent
BERICHTEN = str(Path(sys.executable).parent / "berichten")


def make_set(root: Path, files: int) -> int:
    """Demo years with seeds 1, 2, ... (distinct messages, so an import stores them all) up to ``files``."""
    count, seed = 0, 0
    while count < files:
        seed += 1
        demo = root / f"demo-{seed}"
        subprocess.run([BERICHTEN, "demo", "--uit", str(demo), "--seed", str(seed)], check=True,
                       stdout=subprocess.DEVNULL)
        shutil.copytree(demo / "berichten", root / "set" / f"seed-{seed}")
        count += sum(1 for _ in (demo / "berichten").rglob("*.xml"))
    return count


def bench_env() -> dict[str, str]:
    """The environment of every run: no BERICHTEN_JOBS, and Python keeps its .pyc files.

    As in bench/startup.py, the .pyc files go under build/pycache, as an installed package has
    them: with PYTHONDONTWRITEBYTECODE every module changed since the last written .pyc would be
    compiled again at every start, before the first worker."""
    env = {k: v for k, v in os.environ.items() if k not in ("BERICHTEN_JOBS", "PYTHONDONTWRITEBYTECODE")}
    return env | {"PYTHONPYCACHEPREFIX": str(PROJECT / "build" / "pycache")}


# Every case runs through this copy of the ``berichten`` script, which also writes the CPU time of the
# command's own process and of its (reaped) workers: a parent that does little predicts the speed-up
# on free cores, whatever the load on the machine.
SPLIT_CPU = r"""
import os, resource, sys
from berichten.cli import main
sys.argv[0] = "berichten"
PARENT, _exit = os.getpid(), os._exit

def record():
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(os.environ["BENCH_CPU_FILE"], "w") as out:
        out.write(f"{own.ru_utime + own.ru_stime} {workers.ru_utime + workers.ru_stime}")

def recorded_exit(code):  # validate and check end with os._exit (validators/finish.py); workers too
    if os.getpid() == PARENT:
        record()
    _exit(code)

os._exit = recorded_exit
try:
    main()
except SystemExit as exc:
    code = exc.code
    record()
sys.exit(code)
"""


def split_cpu(argv: list[str], cwd: Path, record: Path) -> tuple[float, float, bytes, float, float]:
    """Wall time, CPU time and stdout of ``berichten ARGV[1:]``, with the CPU time of the parent and of its workers."""
    env = bench_env() | {"BENCH_CPU_FILE": str(record)}
    elapsed, cpu, out = run_timed([sys.executable, "-c", SPLIT_CPU, *argv[1:]], cwd, env)
    parent, workers = (float(x) for x in record.read_text().split())
    return elapsed, cpu, out, parent, workers


@contextmanager
def import_store(root: Path, j: int, postgres: str | None, migrated: bool = False) -> Iterator[str]:
    """A fresh, empty store for one import run: a SQLite file (``migrated``: made and brought to
    the head revision by ``berichten db upgrade``, outside the timed run), or a new schema at ``postgres``."""
    if postgres is None:
        for stale in root.glob(f"import-{j}.db*"):
            stale.unlink()
        url = f"sqlite:///{root / f'import-{j}.db'}"
        if migrated:
            subprocess.run([BERICHTEN, "db", "upgrade", "--db", url], check=True, cwd=root, env=bench_env(),
                           stdout=subprocess.DEVNULL)
        yield url
        return
    from berichten.store.testing import postgres_schema_url

    key = os.environ.get("BERICHTEN_PSEUDONIEM_SLEUTEL")
    os.environ["BERICHTEN_PSEUDONIEM_SLEUTEL"] = key or "bench-jobs"  # PostgreSQL has no key file beside it
    try:
        with postgres_schema_url(postgres) as url:
            yield url
    finally:
        if key is None:
            del os.environ["BERICHTEN_PSEUDONIEM_SLEUTEL"]


def store_rows(url: str) -> dict[str, object]:
    """Rows per table, and status and level-3 verdict per file in the order of storing."""
    from sqlalchemy import text

    from berichten.store.db import make_engine
    from berichten.store.models import TABLES

    engine = make_engine(url)
    with engine.connect() as conn:
        found: dict[str, object] = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}
        found["order"] = conn.execute(text("SELECT source, status, niveau3 FROM bericht ORDER BY id")).all()
    engine.dispose()
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--only", action="append", metavar="CASE",
                        help="run only this case (validate, check, import, import-migrated, import-pg); may be repeated")
    parser.add_argument("--postgres", metavar="URL", help="also import into PostgreSQL (a new schema per run), e.g. "
                        "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-jobs-") as tmp:
        root = Path(tmp)
        n = make_set(root, args.files)
        data = str(root / "set")
        cases = {
            "validate": lambda j: [BERICHTEN, "validate", "--format", "jsonl", "--jobs", str(j), data],
            "check": lambda j: [BERICHTEN, "check", "--regio", "nijmegen", "--config",
                                str(root / "demo-1" / "regio" / "nijmegen.toml"), "--format", "jsonl",
                                "--jobs", str(j), data],
        }
        stores: dict[str, str | None] = {}  # import case -> PostgreSQL server (None: SQLite)
        if not args.skip_import:
            stores["import"] = None
            stores["import-migrated"] = None
            if args.postgres:
                stores["import-pg"] = args.postgres
        for case in stores:
            cases[case] = lambda j, url: [BERICHTEN, "import", "--db", url, "--jobs", str(j), data]
        if args.only:
            cases = {name: argv for name, argv in cases.items() if name in args.only}
        print(f"{n} files, median of {args.rounds} runs, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}")
        for name, argv in cases.items():
            times: dict[int, list[float]] = {1: [], args.jobs: []}
            cpus: dict[int, list[float]] = {1: [], args.jobs: []}
            outputs: dict[int, bytes] = {}
            split: dict[int, list[tuple[float, float]]] = {1: [], args.jobs: []}
            stored: dict[int, dict] = {}
            for _ in range(args.rounds):
                for j in times:
                    if name in stores:  # a fresh store per run; its rows are compared below
                        with import_store(root, j, stores[name], migrated=name == "import-migrated") as url:
                            elapsed, cpu, out, parent, workers = split_cpu(argv(j, url), root, root / "cpu.txt")
                            stored[j] = store_rows(url)
                    else:
                        elapsed, cpu, out, parent, workers = split_cpu(argv(j), root, root / "cpu.txt")
                    split[j].append((parent, workers))
                    times[j].append(elapsed)
                    cpus[j].append(cpu)
                    outputs[j] = out
            same = outputs[1] == outputs[args.jobs]
            if name in stores:
                same = same and stored[1] == stored[args.jobs]
            one, many = statistics.median(times[1]), statistics.median(times[args.jobs])
            print(f"  {name:<15} --jobs 1: {n / one:7.0f} files/s ({one:5.2f} s)   --jobs {args.jobs}: "
                  f"{n / many:7.0f} files/s ({many:5.2f} s)   ratio {one / many:4.2f}x   "
                  f"{'output identical' if same else 'OUTPUT DIFFERS'}")
            print(f"  {'':<15} CPU (all processes): {statistics.median(cpus[1]):5.2f} s at --jobs 1, "
                  f"{statistics.median(cpus[args.jobs]):5.2f} s at --jobs {args.jobs}")
            for j, pairs in split.items():
                parent = statistics.median(p for p, _ in pairs)
                workers = statistics.median(w for _, w in pairs)
                print(f"  {'':<15} --jobs {j}: parent process {parent:5.2f} s CPU, workers {workers:5.2f} s CPU"
                      + (f" (parent {parent / (parent + workers):.0%} of all)" if workers else ""))
            if not same:
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
