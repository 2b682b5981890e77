"""SIGTERM/SIGINT at random (seeded) moments, start-up included, to real ``berichten`` processes.

Every stop must end with exit 0 and lose or double nothing: each dropped file once in verwerkt/,
afgekeurd/ or still in the inbox, one store row per distinct content, committed import batches
whole, nightly reports whole.

The processes start with SIGTERM/SIGINT blocked, as a supervisor can start them: a signal that
comes during the interpreter's own start (before the first line of cli.py runs, where nothing can
catch it) then waits until the handler is set. That makes every moment from the exec on a moment
the test can choose, so the test cannot flake on the scheduler. ``make stress`` reruns this file
with other seeds (``STRESS_RUN``).
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from berichten.inbox.layout import wanted
from berichten.inbox.worker import Worker, WorkerOptions
from berichten.store.importer import import_paths
from berichten.store.migrate import upgrade
from berichten.store.testing import build, fake_bsns

PROJECT = Path(__file__).resolve().parent.parent
BERICHTEN = str(Path(sys.executable).parent / "berichten")
SEED = 20261207 + int(os.environ.get("STRESS_RUN", "0"))
STOPS = (signal.SIGTERM, signal.SIGINT)


def blocked() -> None:
    # preexec_fn: runs in the child between fork and exec; the mask survives the exec.
    signal.pthread_sigmask(signal.SIG_BLOCK, STOPS)


def start(args: list[str], cwd: Path) -> subprocess.Popen:
    return subprocess.Popen([BERICHTEN, *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=blocked)


class Stderr(threading.Thread):
    """Reads a process's stderr to the end; ``ready`` is set at the worker's "gereed" line."""

    def __init__(self, proc: subprocess.Popen) -> None:
        super().__init__(daemon=True)
        self.proc, self.lines, self.ready = proc, [], threading.Event()
        self.start()

    def run(self) -> None:
        for line in self.proc.stderr:
            self.lines.append(line)
            if b'"event": "gereed"' in line:
                self.ready.set()
        self.ready.set()  # ended without it: the waiter sees the exit code


def rows(url: str) -> Counter:
    engine = create_engine(url)
    with engine.connect() as conn:
        found = Counter(sha for (sha,) in conn.execute(text("select sha256 from bericht")))
    engine.dispose()
    return found


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def inbox_files(rng: random.Random) -> list[tuple[str, bytes]]:
    bsns = fake_bsns(200_000_000)
    files = [(f"t{i:03d}.xml", build(rng.choice(["ijw", "iwmo"]), "301", [{"ToewijzingNummer": str(800000 + i)}],
                                      identificatie=f"S{i:09d}", bsn=next(bsns))) for i in range(24)]
    files.append(("afgekeurd.xml", build("iwmo", "301", identificatie="SX00000001", dagtekening="geen-datum")))
    files += [(f"kopie-{name}", data) for name, data in files[:3]]  # exact duplicates
    return files


# (how the moment is chosen, seconds): "start" counts from the exec (interpreter, imports, store);
# "gereed" from the worker's readiness line (in the middle of the files).
CASES = [("start", 0.0), ("start", 0.03), ("start", 0.3), ("start", 1.2), ("gereed", 0.0), ("gereed", 0.15)]


@pytest.mark.parametrize("when, jitter", CASES)
def test_inbox_stopped_at_any_moment_exits_0_and_keeps_every_file_once(tmp_path, when, jitter):
    rng = random.Random(f"{SEED}-{when}-{jitter}")
    moment = jitter + rng.uniform(0.0, 0.6 if when == "start" else 0.4)
    sig = rng.choice(STOPS)
    box = tmp_path / "inbox"
    box.mkdir()
    url = f"sqlite:///{tmp_path / 'store.db'}"
    files = inbox_files(rng)
    for name, data in files:
        (box / name).write_bytes(data)
    once = rng.random() < 0.3
    proc = start(["inbox", str(box), "--db", url, "--settle", "0", "--interval", "0.05", *(["--once"] if once else [])],
                 tmp_path)
    err = Stderr(proc)
    if when == "gereed":
        assert err.ready.wait(60), "no readiness line"
    time.sleep(moment)  # the moment of the stop itself, not a wait for something to happen
    proc.send_signal(sig)
    out, _ = proc.communicate(timeout=60)
    err.join(10)
    assert proc.returncode == 0, (when, moment, sig, b"".join(err.lines)[-2000:])
    assert b"Traceback" not in b"".join(err.lines)

    dropped = Counter(sha(data) for _, data in files)
    placed = Counter(sha(p.read_bytes()) for folder in ("verwerkt", "afgekeurd") if (box / folder).exists()
                     for p in (box / folder).iterdir() if wanted(p.name))
    waiting = Counter(sha(p.read_bytes()) for p in box.iterdir() if p.is_file() and wanted(p.name))
    assert placed + waiting == dropped  # nothing lost, nothing doubled
    assert not [p for p in box.glob(".bezig/*/*/*") if p.name != ".lock"]  # no claim left behind
    if (tmp_path / "store.db").exists() and placed:
        assert set(rows(url)) == set(placed) and max(rows(url).values()) == 1

    # A second run (in this process: quicker) takes the rest: then every file is placed and stored once.
    Worker(box, WorkerOptions(url=url, settle=0.0, interval=0.01)).run(once=True)
    placed = Counter(sha(p.read_bytes()) for folder in ("verwerkt", "afgekeurd")
                     for p in (box / folder).iterdir() if wanted(p.name))
    assert placed == dropped
    assert rows(url) == Counter(set(dropped))


@pytest.mark.parametrize("jitter", [0.0, 1.0])
def test_import_stopped_at_any_moment_exits_0_with_whole_batches(tmp_path, jitter):
    rng = random.Random(f"{SEED}-import-{jitter}")
    folder = tmp_path / "berichten"
    folder.mkdir()
    bsns = fake_bsns(300_000_000)
    for i in range(60):  # distinct contents: the stored rows count the committed batches
        (folder / f"b{i:03d}.xml").write_bytes(build("ijw", "301", [{"ToewijzingNummer": str(900000 + i)}],
                                                      identificatie=f"I{i:09d}", bsn=next(bsns)))
    url = f"sqlite:///{tmp_path / 'store.db'}"
    upgrade(url)
    proc = start(["import", str(folder), "--db", url, "--batch-size", "5"], tmp_path)
    time.sleep(jitter + rng.uniform(0.0, 0.8))
    proc.send_signal(rng.choice(STOPS))
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err[-2000:]
    stored = sum(rows(url).values())
    assert stored % 5 == 0 and max(rows(url).values(), default=1) == 1  # whole batches only, none twice
    assert import_paths([folder], url).ok  # the rest, in this process
    assert sum(rows(url).values()) == 60 == len(rows(url))


@pytest.mark.parametrize("jitter", [0.0, 1.0])
def test_nightly_report_stopped_at_any_moment_exits_0_with_whole_files(tmp_path, jitter):
    rng = random.Random(f"{SEED}-report-{jitter}")
    url = f"sqlite:///{tmp_path / 'store.db'}"
    upgrade(url)
    configs = [str(PROJECT / "fixtures" / "regio" / f"{r}.toml") for r in ("grjr", "nijmegen")]
    uit = tmp_path / "rapportage"
    proc = start(["report", "--nachtelijk", "--uit", str(uit), "--db", url, "--peildatum", "2026-10-31",
                  *[a for c in configs for a in ("--config", c)]], tmp_path)
    time.sleep(jitter + rng.uniform(0.0, 1.0))
    proc.send_signal(rng.choice(STOPS))
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err[-2000:]
    for regio in ("grjr", "nijmegen"):
        written = sorted(p.suffix for p in uit.glob(f"{regio}-2026-10-31.*")) if uit.exists() else []
        assert written in ([], [".csv", ".html", ".json"])  # a region is written whole or not at all
        if written:
            assert (uit / f"{regio}-2026-10-31.html").read_text("utf-8").rstrip().endswith("</html>")


def test_a_short_command_keeps_the_default_signals(tmp_path):
    """Only long-running commands defer a stop; `berichten validate` still ends at once on SIGTERM."""
    from berichten import stop

    assert stop.wanted(["/x/berichten", "inbox", "d"]) and stop.wanted(["berichten", "import", "x"])
    assert stop.wanted(["berichten", "report", "--nachtelijk", "--uit", "u"])
    assert not stop.wanted(["berichten", "report", "--format", "table"])
    assert not stop.wanted(["berichten", "validate", "inbox"]) and not stop.wanted(["pytest", "inbox"])
    slow = tmp_path / "fifo.xml"
    os.mkfifo(slow)  # reading it blocks until a writer comes: the command is busy for as long as we like
    proc = subprocess.Popen([BERICHTEN, "validate", str(slow)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    fd = os.open(slow, os.O_WRONLY)  # returns once validate has opened the file: it is past start-up
    try:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
    finally:
        os.close(fd)
    assert proc.returncode == -signal.SIGTERM
