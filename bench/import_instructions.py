"""``import --jobs``: instructions of the parent and of each worker, counted by callgrind (whatever the load).

Usage: python bench/import_instructions.py [--files 3000] [--jobs 2] [--before DIR]

As bench/check_instructions.py does for ``check``: ``import`` of the demo set of bench/jobs.py into
a new SQLite store runs under ``valgrind --tool=callgrind --trace-children=yes``, once with
``--jobs 1`` and once with ``--jobs N``; callgrind dumps the parent's count just before its first
fork. Figures: the parent before the pool, the parent after it, each worker, and the whole
``--jobs 1`` run. The parent is the chain the run cannot be shorter than; on N free cores the run
takes about ``max(parent, before + (workers + parent after) / N)``, printed as a ratio to
``--jobs 1``. The stored rows of both runs are compared. ``--before DIR``: the same for a copy of
the code before a change (put on ``PYTHONPATH``). Each run takes minutes.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from check_instructions import count  # bench/check_instructions.py (the script's folder is on sys.path)
from jobs import BERICHTEN, PROJECT, make_set, store_rows


def instructions(root: Path, jobs: int, code: str | None) -> tuple[int, int, list[int], dict]:
    """Parent before its first fork, parent after it, each worker, and the stored rows."""
    folder = Path(tempfile.mkdtemp(prefix=f"cg-{jobs}-", dir=root))
    env = {k: v for k, v in os.environ.items() if k not in ("BERICHTEN_JOBS", "PYTHONDONTWRITEBYTECODE")}
    env["PYTHONPYCACHEPREFIX"] = str(PROJECT / "build" / "pycache")  # .pyc files kept, as installed
    env["BERICHTEN_PSEUDONIEM_SLEUTEL"] = "bench-sleutel"  # the same pseudonyms in both stores
    if code:
        env["PYTHONPATH"] = str(Path(code).resolve())
    url = f"sqlite:///{folder / 'store.db'}"
    argv = ["valgrind", "--tool=callgrind", "--trace-children=yes", "--dump-before=_Fork",
            f"--callgrind-out-file={folder}/cg.%p.out", sys.executable, BERICHTEN, "import", "--db", url,
            "--jobs", str(jobs), str(root / "set")]
    done = subprocess.run(argv, cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    if done.returncode not in (0, 1):
        raise SystemExit(f"callgrind run exit {done.returncode}")
    dumped = [p.name.split(".")[1] for p in folder.glob("cg.*.out.1")]  # only the parent forks
    parent_pid = dumped[0] if dumped else next(folder.glob("cg.*.out")).name.split(".")[1]
    before = sum(count(p) for p in folder.glob(f"cg.{parent_pid}.out.1"))  # dumped at the first fork
    after = count(folder / f"cg.{parent_pid}.out") + sum(
        count(p) for p in folder.glob(f"cg.{parent_pid}.out.*") if not p.name.endswith(".out.1"))
    workers = [count(p) for p in folder.glob("cg.*.out") if p.name != f"cg.{parent_pid}.out"]
    rows = store_rows(url)
    rows["order"] = [(Path(source).name, status, niveau3) for source, status, niveau3 in rows["order"]]
    return before, after, workers, rows


def report(label: str, root: Path, jobs: int, code: str | None) -> None:
    one_before, one_after, _, rows_one = instructions(root, 1, code)
    one = one_before + one_after
    before, after, workers, rows_many = instructions(root, jobs, code)
    parent = before + after
    total = parent + sum(workers)
    free = max(parent, before + (sum(workers) + after) / jobs)
    g = 1e9
    print(f"{label}: --jobs 1 {one / g:.2f} G instructions (start-up {one_before / g:.2f} G); --jobs {jobs}: parent "
          f"{before / g:.2f} G before the pool + {after / g:.2f} G after = {parent / g:.2f} G, workers "
          f"{' + '.join(f'{w / g:.2f}' for w in workers)} G (all {total / g:.2f} G, {total / one - 1:+.0%}); "
          f"rows {'identical' if rows_one == rows_many else 'DIFFER'}")
    print(f"  on {jobs} free cores: {one / free:.2f}x (the parent alone would allow {one / parent:.2f}x)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--before", help="a copy of the code before a change (put on PYTHONPATH)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-cg-") as tmp:
        root = Path(tmp)
        n = make_set(root, args.files)
        print(f"{n} files, import into a new SQLite store, instructions counted by callgrind")
        if args.before:
            report("before", root, args.jobs, args.before)
        report("now" if args.before else "import", root, args.jobs, None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
