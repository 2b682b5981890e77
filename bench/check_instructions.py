"""``check --jobs``: instructions of the parent and of each worker, counted by callgrind (whatever the load).

Usage: python bench/check_instructions.py [--files 3000] [--jobs 2] [--before DIR]

The wall-clock ratio of bench/jobs.py needs free cores, which a shared machine seldom has. This
counts instead: ``check --regio nijmegen --format jsonl`` on the demo set of bench/jobs.py runs
under ``valgrind --tool=callgrind --trace-children=yes``, once with ``--jobs 1`` and once with
``--jobs N``, and callgrind dumps the parent's count just before its first fork. So there are
four figures: the parent before the pool (serial), the parent after it, each worker, and the whole
``--jobs 1`` run. On N free cores the ``--jobs N`` run takes about
``before + (workers + parent after) / N`` (the parent shares the cores with the workers), and at
best ``before + max(slowest worker, parent after)``; both are printed as a ratio to ``--jobs 1``.
``--before DIR`` does the same for a copy of the code before a change (on ``PYTHONPATH``).
Each run takes minutes (callgrind is some 50 times slower than the real thing).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from jobs import BERICHTEN, PROJECT, make_set  # bench/jobs.py (the script's folder is on sys.path)

_SUMMARY = re.compile(rb"^(?:summary|totals): (\d+)", re.M)


def count(out: Path) -> int:
    found = _SUMMARY.search(out.read_bytes())
    if not found:
        raise SystemExit(f"{out}: no callgrind summary")
    return int(found.group(1))


def instructions(root: Path, config: Path, jobs: int, code: str | None) -> tuple[int, int, list[int], bytes]:
    """Parent before its first fork, parent after it, each worker, and the jsonl output."""
    folder = Path(tempfile.mkdtemp(prefix=f"cg-{jobs}-", dir=root))
    env = {k: v for k, v in os.environ.items() if k not in ("BERICHTEN_JOBS", "PYTHONDONTWRITEBYTECODE")}
    env["PYTHONPYCACHEPREFIX"] = str(PROJECT / "build" / "pycache")  # .pyc files kept, as installed
    if code:
        env["PYTHONPATH"] = str(Path(code).resolve())
    argv = ["valgrind", "--tool=callgrind", "--trace-children=yes", "--dump-before=_Fork",
            f"--callgrind-out-file={folder}/cg.%p.out", sys.executable, BERICHTEN, "check", "--regio", "nijmegen",
            "--config", str(config), "--format", "jsonl", "--jobs", str(jobs), str(root / "set")]
    done = subprocess.run(argv, cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    if done.returncode not in (0, 1):
        raise SystemExit(f"callgrind run exit {done.returncode}")
    dumped = [p.name.split(".")[1] for p in folder.glob("cg.*.out.1")]  # only the parent forks
    parent_pid = dumped[0] if dumped else next(folder.glob("cg.*.out")).name.split(".")[1]
    before = sum(count(p) for p in folder.glob(f"cg.{parent_pid}.out.1"))  # dumped at the first fork
    after = count(folder / f"cg.{parent_pid}.out") + sum(
        count(p) for p in folder.glob(f"cg.{parent_pid}.out.*") if not p.name.endswith(".out.1"))
    workers = [count(p) for p in folder.glob("cg.*.out") if p.name != f"cg.{parent_pid}.out"]
    return before, after, workers, done.stdout


def report(label: str, root: Path, config: Path, jobs: int, code: str | None) -> None:
    one_before, one_after, _, out_one = instructions(root, config, 1, code)
    one = one_before + one_after
    before, after, workers, out_many = instructions(root, config, jobs, code)
    total = before + after + sum(workers)
    shared = before + (sum(workers) + after) / jobs
    best = before + max([*workers, after])
    g = 1e9
    print(f"{label}: --jobs 1 {one / g:.2f} G instructions; --jobs {jobs}: parent {before / g:.2f} G before the pool "
          f"+ {after / g:.2f} G after, workers {' + '.join(f'{w / g:.2f}' for w in workers)} G "
          f"(all {total / g:.2f} G, {total / one - 1:+.0%}); output {'identical' if out_one == out_many else 'DIFFERS'}")
    print(f"  on {jobs} free cores: {one / shared:.2f}x (parent sharing the cores) to {one / best:.2f}x (at best)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--before", help="a copy of the code before a change (put on PYTHONPATH)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-cg-") as tmp:
        root = Path(tmp)
        n = make_set(root, args.files)
        config = root / "demo-1" / "regio" / "nijmegen.toml"
        print(f"{n} files, check --regio nijmegen --format jsonl, instructions counted by callgrind")
        if args.before:
            report("before", root, config, args.jobs, args.before)
        report("now" if args.before else "check", root, config, args.jobs, None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
