"""Start-up time of the ``berichten`` command against a bare ``python -c "import lxml.etree"``, in one run.

Usage: python bench/startup.py [--runs 21] [--file fixtures/demo/jw301-toewijzing-geldig.xml]

Every case is a fresh subprocess; the figure is the median wall time of ``--runs`` runs, the cases
taking turns so a burst of load on the machine hits them alike. The ratio is against the bare
start: the goal (issue 15) is at most 4x for ``--help``, ``validate FILE`` and ``check FILE``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
GOAL = 4.0


def cases(file: str) -> dict[str, list[str]]:
    berichten = str(BIN / "berichten")
    return {
        "python -c 'import lxml.etree'": [sys.executable, "-c", "import lxml.etree"],
        "berichten --help": [berichten, "--help"],
        "berichten validate FILE": [berichten, "validate", file],
        "berichten check FILE --regio grjr": [berichten, "check", file, "--regio", "grjr"],
    }


def wall(argv: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)}: exit {done.returncode}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--file", default="fixtures/demo/jw301-toewijzing-geldig.xml")
    args = parser.parse_args()
    table = cases(args.file)
    times: dict[str, list[float]] = {name: [] for name in table}
    for argv in table.values():
        wall(argv)  # warm the file cache and the .pyc files first
    for _ in range(args.runs):
        for name, argv in table.items():
            times[name].append(wall(argv))
    medians = {name: statistics.median(values) for name, values in times.items()}
    base = medians["python -c 'import lxml.etree'"]
    print(f"start-up, median of {args.runs} runs ({os.cpu_count()} cores, load {os.getloadavg()[0]:.2f})")
    worst = 0.0
    for name, median in medians.items():
        ratio = median / base
        if name.startswith("berichten"):
            worst = max(worst, ratio)
        print(f"  {name:<36} {median * 1000:7.1f} ms  {ratio:5.2f}x")
    print(f"worst ratio {worst:.2f}x (goal <= {GOAL:.0f}x): {'ok' if worst <= GOAL else 'NOT MET'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
