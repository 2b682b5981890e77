"""Fault injection: 1 000 files dropped while two real worker processes run, one killed with SIGKILL.

The test waits for explicit signals only (a worker's "gereed" log line, files appearing); the
random sleeps choose kill moments, they never wait for something to happen. Afterwards every
dropped file must be accounted for exactly once: stored once per distinct
content, present once in verwerkt/ or afgekeurd/ (byte for byte, with both reports), a retour for
each file that passed level 1, nothing left in claim folders, and no BSN in any log line.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import create_engine, text

from berichten.inbox.layout import REPORT_JSON, REPORT_TXT, split_name, wanted
from berichten.store.migrate import upgrade
from berichten.store.testing import build, fake_bsns
from berichten.validators.pipeline import Validator
from berichten.validators.retour import kan_retour

PROJECT = Path(__file__).resolve().parent.parent
HOSTILE = sorted((PROJECT / "fixtures" / "invoer").glob("*.xml"))
SEED = 20261123
N = 1000
KILLS = 6
BATCH = 20  # files per drop, one drop every 0.2 s: the drops span the kills
SETTLE = 0.3  # longer than the pause of the slow writers below, so half files are never taken


def make_inputs(rng: random.Random) -> tuple[list[tuple[str, bytes]], set[str]]:
    """(name, bytes) in drop order, and every BSN used."""
    good = fake_bsns()
    used: set[str] = set()
    files: list[tuple[str, bytes]] = []

    def message(i: int, standaard: str, **header) -> bytes:
        return build(standaard, "301", [{"ToewijzingNummer": str(700000 + i)}], identificatie=f"F{i:09d}", **header)

    i = 0
    while len(files) < 640:  # valid 301s of both standards
        bsn = next(good)
        used.add(bsn)
        files.append((f"toewijzing-{i:04d}.xml", message(i, rng.choice(["ijw", "iwmo"]), bsn=bsn)))
        i += 1
    for _ in range(80):  # level 2: the Bsn fails the 11-proef
        bsn = next(good)
        bad = bsn[:-1] + str((int(bsn[-1]) + 1) % 10)
        used.add(bad)
        files.append((f"bsn-fout-{i:04d}.xml", message(i, "ijw", bsn=bad)))
        i += 1
    for _ in range(50):  # level 1: not a date
        files.append((f"xsd-fout-{i:04d}.XML", message(i, "iwmo", dagtekening="geen-datum")))
        i += 1
    for path in HOSTILE:  # the hostile inputs, each twice (the second is an exact duplicate)
        files.append((path.name, path.read_bytes()))
        files.append((f"kopie-{path.name}", path.read_bytes()))
    for n in range(30):  # same name in different batches, different content
        bsn = next(good)
        used.add(bsn)
        files.append((f"bericht-{n % 6}.xml" if n % 2 else "Bericht.xml", message(i, "ijw", bsn=bsn)))
        i += 1
    while len(files) < N:  # exact duplicates of earlier files, under a new or an old name
        name, data = rng.choice(files[:800])
        files.append((name if rng.random() < 0.2 else f"dubbel-{len(files)}.xml", data))
    rng.shuffle(files)
    return files, used


def start_worker(box: Path, url: str, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "berichten.inbox", str(box), "--db", url, "--settle", str(SETTLE), "--interval", "0.05"],
        cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=log.open("ab"),
    )


def drop(box: Path, name: str, data: bytes, rng: random.Random) -> bool:
    """Drop like a backoffice does; False when a file of that name still waits (try again later)."""
    target = box / name
    if target.exists():
        return False
    if rng.random() < 0.03:  # a slow writer straight into the inbox: half a file for a moment
        with target.open("wb") as fh:
            fh.write(data[: len(data) // 2])
            fh.flush()
            time.sleep(0.05)
            fh.write(data[len(data) // 2 :])
        return True
    part = box / f"{name}.part"
    part.write_bytes(data)
    os.rename(part, target)
    return True


def drop_all(box: Path, files: list[tuple[str, bytes]], rng: random.Random) -> None:
    pending = list(files)
    while pending:
        batch, pending = pending[:BATCH], pending[BATCH:]
        pending = [(name, data) for name, data in batch if not drop(box, name, data, rng)] + pending
        time.sleep(0.2)


def wait_until(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.002)
    return True


def wait_ready(box: Path, proc: subprocess.Popen, log: Path) -> Path:
    """Wait for the worker's "gereed" log line (signals handled, store open); its claim folder."""
    mark = b'"event": "gereed"'
    pid = f'"pid": {proc.pid},'.encode()

    def ready() -> bool:
        assert proc.poll() is None, "worker stopped during start-up"
        return any(mark in line and pid in line for line in log.read_bytes().splitlines())

    assert wait_until(ready, timeout=60), "worker did not become ready"
    found = [p for p in (box / ".bezig").glob(f"*/{proc.pid}-*")]
    assert len(found) == 1
    return found[0]


def claims(box: Path) -> list[Path]:
    return [p for p in (box / ".bezig").glob("*/*/*") if p.name != ".lock"]


def test_every_file_exactly_once_while_a_worker_is_killed(tmp_path):
    rng = random.Random(SEED)
    box = tmp_path / "inbox"
    box.mkdir()
    url = f"sqlite:///{tmp_path / 'store.db'}"
    upgrade(url)
    files, used_bsns = make_inputs(rng)
    logs = [tmp_path / "worker-a.log", tmp_path / "worker-b.log"]
    a, b = start_worker(box, url, logs[0]), start_worker(box, url, logs[1])
    dropper = threading.Thread(target=drop_all, args=(box, files, random.Random(SEED + 1)))
    dropper.start()
    try:
        wait_ready(box, b, logs[1])
        for kill in range(KILLS):
            mine = wait_ready(box, a, logs[0])
            if kill % 2:
                time.sleep(rng.uniform(0.0, 0.5))  # a random moment
            else:
                wait_until(lambda: any(mine.glob("*__*")), timeout=3)  # in the middle of a file
            a.send_signal(signal.SIGKILL)
            a.wait()
            a = start_worker(box, url, logs[0])
            assert b.poll() is None, "worker b died"
        dropper.join()
        assert wait_until(lambda: not any(wanted(p.name) for p in box.iterdir()) and not claims(box), timeout=120)
        wait_ready(box, a, logs[0])  # the last restart too: the SIGTERM below is a stop, not a start-up race
    finally:
        dropper.join()
        for proc in (a, b):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        codes = [proc.wait(timeout=30) for proc in (a, b)]
    assert codes == [0, 0]

    # Folders: every dropped file exactly once, byte for byte, with both reports.
    dropped = Counter(hashlib.sha256(data).hexdigest() for _, data in files)
    placed: Counter = Counter()
    reports_by_folder: dict[str, list[dict]] = {"verwerkt": [], "afgekeurd": []}
    for folder in ("verwerkt", "afgekeurd"):
        names = {p.name for p in (box / folder).iterdir()}
        originals = [n for n in names if wanted(n)]
        jsons = [n for n in names if n.endswith(REPORT_JSON)]
        assert len(jsons) == len(originals) == len([n for n in names if n.endswith(REPORT_TXT)])
        assert len(names) == 3 * len(originals)  # nothing else: no temp files, no orphans
        for name in originals:
            sha = hashlib.sha256((box / folder / name).read_bytes()).hexdigest()
            placed[sha] += 1
            stem, _ = split_name(name)
            report = json.loads((box / folder / f"{stem}{REPORT_JSON}").read_text("utf-8"))
            assert (report["file"], report["sha256"], report["map"]) == (name, sha, folder)
            reports_by_folder[folder].append(report)
    assert sum(placed.values()) == N
    assert placed == dropped

    # Store: each distinct content once; the folder follows the stored verdict.
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = dict(conn.execute(text("select sha256, status from bericht")).all())
    engine.dispose()
    assert len(rows) == len(dropped)
    assert set(rows) == set(dropped)
    for folder, reports in reports_by_folder.items():
        for report in reports:
            assert (rows[report["sha256"]] == "rejected") == (folder == "afgekeurd"), report["file"]
    # Duplicates: exactly one file per distinct content is "first", every other copy says duplicaat.
    all_reports = reports_by_folder["verwerkt"] + reports_by_folder["afgekeurd"]
    assert sum(not r["duplicaat"] for r in all_reports) == len(dropped)

    # Retours: one per dropped file that passed level 1, and only those.
    validator = Validator()
    due = {sha: kan_retour(validator.validate_bytes(data)) for sha, data in {hashlib.sha256(d).hexdigest(): d for _, d in files}.items()}
    expected_retours = sum(n for sha, n in dropped.items() if due[sha])
    retours = sorted(p.name for p in (box / "retour").iterdir())
    assert len(retours) == expected_retours
    assert sorted(r["retour"].removeprefix("retour/") for r in all_reports if r["retour"]) == retours

    # Claim folders: all gone (dead ones adopted, live ones removed on SIGTERM).
    assert not [p for p in (box / ".bezig").glob("*/*") if not p.name.startswith(".nieuw-")]

    # Logs: one line per finished file at most (a kill can fall between the move and the log line),
    # and never a BSN.
    text_logs = "".join(log.read_text("utf-8") for log in logs)
    lines = [json.loads(line) for line in text_logs.splitlines() if line.startswith("{")]
    per_file = [line for line in lines if line.get("event") == "bericht"]
    assert N - KILLS <= len(per_file) <= N
    assert all({"name", "sha256", "verdict", "duration_ms", "worker"} <= set(line) for line in per_file)
    assert any(line.get("event") == "overgenomen" for line in lines)  # some kills hit a file mid-way
    for bsn in used_bsns:
        assert bsn not in text_logs
