"""Start-up time of the ``berichten`` command against a bare ``python -c "import lxml.etree"``, in one run.

Usage: python bench/startup.py [--runs 21] [--file fixtures/demo/jw301-toewijzing-geldig.xml] [--before DIR]

Every case is a fresh subprocess; the figure is the median wall time of ``--runs`` runs, the cases
taking turns so a burst of load on the machine hits them alike (CPU time beside it). The ratio is against the bare
start: the goal (issue 15) is at most 4x for ``--help``, ``validate FILE`` and ``check FILE``.
``--before DIR`` adds the ``check`` cases run from a copy of the code before a change (a ``git
archive`` unpacked in DIR, put first on ``PYTHONPATH``), taking turns with the others.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

from timing import run_timed  # bench/timing.py (the script's folder is on sys.path)

PROJECT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
GOAL = 4.0
# As installed: Python may write its .pyc files (here under build/, not beside the sources), as a
# normal installation has them; PYTHONDONTWRITEBYTECODE would compile every module at every start.
ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
       "PYTHONPYCACHEPREFIX": str(PROJECT / "build" / "pycache")}


def cases(file: str) -> dict[str, list[str]]:
    berichten = str(BIN / "berichten")
    return {
        "python -c 'import lxml.etree'": [sys.executable, "-c", "import lxml.etree"],
        "berichten --help": [berichten, "--help"],
        "berichten validate FILE": [berichten, "validate", file],
        "berichten check FILE --regio grjr": [berichten, "check", file, "--regio", "grjr"],
        "berichten check FILE --regio nijmegen": [berichten, "check", file, "--regio", "nijmegen"],
        "berichten check FILE --config grjr.toml": [berichten, "check", file, "--config", "fixtures/regio/grjr.toml"],
    }


def timed(argv: list[str], env: dict[str, str] = ENV) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run."""
    wall, cpu, _ = run_timed(argv, PROJECT, env)
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--file", default="fixtures/demo/jw301-toewijzing-geldig.xml")
    parser.add_argument("--before", help="a copy of the code before a change: its check cases too")
    args = parser.parse_args()
    table = cases(args.file)
    envs = {name: ENV for name in table}
    if args.before:
        before = {**ENV, "PYTHONPATH": str(Path(args.before).resolve())}
        for name, argv in list(table.items()):
            if name.startswith("berichten check"):
                table[f"before: {name.removeprefix('berichten ')}"] = argv
                envs[f"before: {name.removeprefix('berichten ')}"] = before
    walls: dict[str, list[float]] = {name: [] for name in table}
    cpus: dict[str, list[float]] = {name: [] for name in table}
    for name, argv in table.items():
        timed(argv, envs[name])  # warm the file cache and write the .pyc files first
    for _ in range(args.runs):
        for name, argv in table.items():
            wall, cpu = timed(argv, envs[name])
            walls[name].append(wall)
            cpus[name].append(cpu)
    wall = {name: statistics.median(values) for name, values in walls.items()}
    cpu = {name: statistics.median(values) for name, values in cpus.items()}
    base = "python -c 'import lxml.etree'"
    print(f"start-up, median of {args.runs} runs ({os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}); "
          "the CPU time (user + system) is less sensitive to other load")
    worst = 0.0
    for name in table:
        ratio = wall[name] / wall[base]
        if name.startswith("berichten"):  # not the "before:" cases
            worst = max(worst, ratio)
        print(f"  {name:<40} wall {wall[name] * 1000:6.1f} ms {ratio:5.2f}x   "
              f"cpu {cpu[name] * 1000:6.1f} ms {cpu[name] / cpu[base]:5.2f}x")
    print(f"worst wall ratio {worst:.2f}x (goal <= {GOAL:.0f}x): {'ok' if worst <= GOAL else 'NOT MET'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
