"""Start-up of ``berichten import``: CPU time before the first file, in one run, sides taking turns.

Usage: python bench/import_startup.py [--rounds 7]

Each round runs, in fresh processes and in turns:
- ``python -c 'import sys'``: the bare interpreter (the floor);
- ``berichten import EMPTY --db STORE``: the whole command on an empty folder, store at head;
- the store check as it was (``upgrade(url)``: Alembic's no-op upgrade) and as ``import`` does it
  now (``ensure_head(url)``: one query), each after importing ``berichten.store.importer``.
CPU time (user + system, from ``getrusage`` of the children) does not depend much on what else the
machine runs; the figure is the median of the rounds (and the minimum).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from timing import run_timed  # bench/timing.py (the script's folder is on sys.path)

BERICHTEN = str(Path(sys.executable).parent / "berichten")
CHECK = "import berichten.store.importer; from berichten.store.migrate import {0}; {0}({1!r})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "empty").mkdir()
        url = f"sqlite:///{root / 'store.db'}"
        run_timed([BERICHTEN, "db", "upgrade", "--db", url], root)
        sides = {
            "python -c 'import sys'": [sys.executable, "-c", "import sys"],
            "berichten import EMPTY (at head)": [BERICHTEN, "import", str(root / "empty"), "--db", url, "--jobs", "1"],
            "importer modules + upgrade(url) (before)": [sys.executable, "-c", CHECK.format("upgrade", url)],
            "importer modules + ensure_head(url) (now)": [sys.executable, "-c", CHECK.format("ensure_head", url)],
        }
        cpu: dict[str, list[float]] = {name: [] for name in sides}
        for _ in range(args.rounds):
            for name, argv in sides.items():
                cpu[name].append(run_timed(argv, root)[1])
    for name, values in cpu.items():
        print(f"{name:45} CPU median {statistics.median(values) * 1000:6.0f} ms  min {min(values) * 1000:6.0f} ms")
    before = statistics.median(cpu["importer modules + upgrade(url) (before)"])
    now = statistics.median(cpu["importer modules + ensure_head(url) (now)"])
    print(f"store check: {(before - now) * 1000:.0f} ms CPU less at every import start ({before / now:.2f}x)")


if __name__ == "__main__":
    main()
