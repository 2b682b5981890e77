"""Timing of one subprocess for the benches: wall time and CPU time of it and its children."""

from __future__ import annotations

import resource
import subprocess
import time
from pathlib import Path


def run_timed(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, float, bytes]:
    """Wall time, CPU time (user + system, worker processes included) and stdout of one run;
    exit codes 0 and 1 (findings) are normal, anything else stops the bench."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)}: exit {done.returncode}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), done.stdout
