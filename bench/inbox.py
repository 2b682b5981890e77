"""Files per second through the inbox worker against ``berichten import`` on the same files, same run.

Usage: python bench/inbox.py [--n 2000] [--settle 0] [--dir /var/tmp]

Writes n distinct 301s (each its own Identificatie, client and ToewijzingNummer), then:
- the worker: ``Worker(...).run(once=True)`` on an inbox holding the n files (claim, validate
  levels 1-3, store, reports, retour, move; one commit per file);
- the importer: ``store.importer.import_paths`` on a copy of the same files (batches of 500).
Each into its own fresh SQLite file. Prints both rates and the ratio worker/import. The worker
pays for what the importer does not do: a commit per file (that is what makes it crash-safe),
two reports and a retour per file, and four renames.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from berichten.inbox.worker import Worker, WorkerOptions  # noqa: E402
from berichten.store.importer import import_paths  # noqa: E402
from berichten.store.migrate import upgrade  # noqa: E402
from berichten.store.testing import write_301s  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--settle", type=float, default=0.0)
    parser.add_argument("--dir", help="Where to make the temporary inbox (default: the system temp folder); "
                        "the worker creates and renames four files per message, so the filesystem matters.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-inbox-", dir=args.dir) as tmp:
        tmp = Path(tmp)
        source, box = tmp / "bron", tmp / "inbox"
        source.mkdir()
        write_301s(source, args.n, prefix="I")
        shutil.copytree(source, box)
        worker_db, import_db = f"sqlite:///{tmp / 'worker.db'}", f"sqlite:///{tmp / 'import.db'}"
        upgrade(worker_db)
        upgrade(import_db)

        start = time.perf_counter()
        totals = Worker(box, WorkerOptions(url=worker_db, settle=args.settle, migrate=False)).run(once=True)
        worker_s = time.perf_counter() - start
        assert totals.files == args.n and totals.accepted == args.n, totals.to_dict()

        start = time.perf_counter()
        summary = import_paths([source], import_db, migrate=False)
        import_s = time.perf_counter() - start
        assert summary.stored == args.n, summary.to_dict()

    worker_rate, import_rate = args.n / worker_s, args.n / import_s
    print(f"{args.n} berichten (301), SQLite, settle {args.settle} s, map {args.dir or tempfile.gettempdir()}")
    print(f"inbox worker --once : {worker_rate:8.1f} bestanden/s  ({worker_s:.2f} s)")
    print(f"berichten import    : {import_rate:8.1f} bestanden/s  ({import_s:.2f} s)")
    print(f"verhouding worker/import: {worker_rate / import_rate:.2f}")


if __name__ == "__main__":
    main()
