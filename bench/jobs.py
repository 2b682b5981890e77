"""Files per second of ``validate``, ``check`` and ``import`` at ``--jobs 1`` and ``--jobs 2``, in one run.

Usage: python bench/jobs.py [--files 3000] [--rounds 3] [--jobs 2] [--skip-import]

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
import sqlite3
import statistics
import subprocess
import sys
import tempfile
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


def run(argv: list[str], cwd: Path) -> tuple[float, float, bytes]:
    """Wall time, CPU time (the workers included) and stdout of one run, without BERICHTEN_JOBS."""
    return run_timed(argv, cwd, {k: v for k, v in os.environ.items() if k != "BERICHTEN_JOBS"})


def rows(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as con:
        tables = [r[0] for r in con.execute("select name from sqlite_master where type = 'table'")]
        return {t: con.execute(f'select count(*) from "{t}"').fetchone()[0] for t in tables}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--skip-import", action="store_true")
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
        if not args.skip_import:
            cases["import"] = lambda j: [BERICHTEN, "import", "--db", f"sqlite:///{root / f'import-{j}.db'}",
                                         "--jobs", str(j), data]
        print(f"{n} files, median of {args.rounds} runs, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}")
        for name, argv in cases.items():
            times: dict[int, list[float]] = {1: [], args.jobs: []}
            cpus: dict[int, list[float]] = {1: [], args.jobs: []}
            outputs: dict[int, bytes] = {}
            for _ in range(args.rounds):
                for j in times:
                    if name == "import":
                        for stale in root.glob(f"import-{j}.db*"):
                            stale.unlink()
                    elapsed, cpu, out = run(argv(j), root)
                    times[j].append(elapsed)
                    cpus[j].append(cpu)
                    outputs[j] = out
            same = outputs[1] == outputs[args.jobs]
            if name == "import":
                same = same and rows(root / "import-1.db") == rows(root / f"import-{args.jobs}.db")
            one, many = statistics.median(times[1]), statistics.median(times[args.jobs])
            print(f"  {name:<8} --jobs 1: {n / one:7.0f} files/s ({one:5.2f} s)   --jobs {args.jobs}: "
                  f"{n / many:7.0f} files/s ({many:5.2f} s)   ratio {one / many:4.2f}x   "
                  f"{'output identical' if same else 'OUTPUT DIFFERS'}")
            print(f"  {'':<8} CPU (all processes): {statistics.median(cpus[1]):5.2f} s at --jobs 1, "
                  f"{statistics.median(cpus[args.jobs]):5.2f} s at --jobs {args.jobs}")
            if not same:
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
