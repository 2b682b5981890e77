"""The inbox worker in one process: stable files, ignored names, collisions, recovery, privacy."""

from __future__ import annotations

import fcntl
import io
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from berichten.inbox.claims import LOCK_NAME, host_name, with_slot
from berichten.inbox.layout import Layout, first_free, split_name, wanted
from berichten.inbox.logs import JsonFormatter
from berichten.inbox.process import Processor
from berichten.inbox.settle import Settler
from berichten.inbox.worker import Worker, WorkerOptions
from berichten.store.migrate import upgrade
from berichten.store.testing import build
from berichten.validators.pipeline import Validator

PROJECT = Path(__file__).resolve().parent.parent
FIXTURES = PROJECT / "fixtures"
PYTHON = sys.executable


@pytest.fixture
def url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    upgrade(url)
    return url


@pytest.fixture
def box(tmp_path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    return folder


def run_once(box: Path, url: str, **options) -> Worker:
    worker = Worker(box, WorkerOptions(url=url, settle=0.0, interval=0.01, migrate=False, **options))
    worker.run(once=True)
    return worker


def stored_rows(url: str) -> list[tuple[str, str]]:
    from berichten.store.db import make_engine

    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("select sha256, status from bericht")).all()
    engine.dispose()
    return [tuple(r) for r in rows]


def originals(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if wanted(p.name))


def report(folder: Path, name: str) -> dict:
    stem, _ = split_name(name)
    return json.loads((folder / f"{stem}.bevindingen.json").read_text("utf-8"))


# --- names and stable files -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "taken"),
    [
        ("bericht.xml", True),
        ("BERICHT.XML", True),
        ("Bericht.Xml", True),
        ("bericht.xml.part", False),
        ("bericht.xml.tmp", False),
        ("bericht.tmp", False),
        (".bericht.xml", False),
        ("bericht.txt", False),
        ("bericht.xml.bak", False),
        (".xml", False),
    ],
)
def test_which_names_are_taken(name, taken):
    assert wanted(name) is taken


@pytest.mark.parametrize(
    ("taken", "expected"),
    [(set(), 1), ({1}, 2), ({1, 2, 3}, 4), (set(range(1, 1001)), 1001), (set(range(1, 1001)) - {1000}, 1000)],
)
def test_first_free_name_number(taken, expected):
    looks = []

    def free(n: int) -> bool:
        looks.append(n)
        return n not in taken

    assert first_free(free) == expected
    assert len(looks) <= 2 * max(len(taken), 1).bit_length() + 2  # logarithmic, not a walk


def test_a_file_is_taken_only_after_two_equal_looks(tmp_path):
    settler = Settler(settle=1.0)
    path = tmp_path / "a.xml"
    path.write_bytes(b"<a/>")
    assert settler.stable(tmp_path, now=0.0) == []  # first look: just seen
    assert settler.stable(tmp_path, now=0.5) == []  # same, but not long enough
    with path.open("ab") as fh:  # the writer is still busy: the clock starts again
        fh.write(b"<!-- more -->")
    assert settler.stable(tmp_path, now=1.2) == []
    assert settler.stable(tmp_path, now=2.0) == []
    assert settler.stable(tmp_path, now=2.3) == ["a.xml"]


def test_a_replaced_file_with_the_same_size_starts_again(tmp_path):
    settler = Settler(settle=0.0)
    (tmp_path / "a.xml").write_bytes(b"<a/>")
    settler.stable(tmp_path, now=0.0)
    (tmp_path / "b.xml").write_bytes(b"<b/>")
    os.replace(tmp_path / "b.xml", tmp_path / "a.xml")  # new inode, same size
    assert settler.stable(tmp_path, now=1.0) == []
    assert settler.stable(tmp_path, now=1.0) == ["a.xml"]


def test_ignored_files_stay_where_they_are(box, url):
    valid = build("ijw", "301")
    for name in ("upload.xml.part", "upload.xml.tmp", ".verborgen.xml", "notitie.txt"):
        (box / name).write_bytes(valid)
    (box / "submap").mkdir()
    (box / "submap" / "in-submap.xml").write_bytes(valid)
    (box / "goed.xml").write_bytes(valid)
    worker = run_once(box, url)
    assert worker.totals.files == 1
    assert sorted(p.name for p in box.iterdir() if p.is_file()) == [
        ".verborgen.xml", "notitie.txt", "upload.xml.part", "upload.xml.tmp",
    ]
    assert (box / "submap" / "in-submap.xml").exists()
    assert originals(box / "verwerkt") == ["goed.xml"]


# --- one run: folders, reports, retours, store ----------------------------------------------------


def test_demo_messages_end_in_the_right_folder_with_reports(box, store_url):
    url = store_url
    for path in (FIXTURES / "demo").glob("*.xml"):
        shutil.copy(path, box / path.name)
    worker = run_once(box, url)
    assert worker.totals.files == 4
    assert originals(box / "verwerkt") == ["jw301-toewijzing-geldig.xml"]
    assert originals(box / "afgekeurd") == [
        "jw301-afgebroken.xml", "jw301-bsn-faalt-11-proef.xml", "jw301-ingangsdatum-geen-datum.xml",
    ]
    # Retours only where level 1 passed: the valid one and the level-2 rejection.
    assert sorted(p.name for p in (box / "retour").iterdir()) == [
        "jw301-bsn-faalt-11-proef.302.xml", "jw301-toewijzing-geldig.302.xml",
    ]
    cs002 = report(box / "afgekeurd", "jw301-bsn-faalt-11-proef.xml")
    assert cs002["verdict"] == "rejected" and cs002["niveaus"] == {"1": True, "2": False, "3": None, "4": None}
    assert [f["code"] for f in cs002["findings"]] == ["CS002"]
    assert set(cs002["findings"][0]) == {"code", "niveau", "severity", "retourcode", "locatie", "melding"}
    assert cs002["retour"] == "retour/jw301-bsn-faalt-11-proef.302.xml"
    broken = report(box / "afgekeurd", "jw301-afgebroken.xml")
    assert broken["niveaus"]["1"] is False and broken["retour"] is None
    txt = (box / "afgekeurd" / "jw301-bsn-faalt-11-proef.bevindingen.txt").read_text("utf-8")
    assert "afgekeurd (niveau 2)" in txt and "CS002" in txt
    assert len(stored_rows(url)) == 4
    assert not ClaimFolder_claims(box)
    run_once(box, url)  # nothing left to do: a second run changes nothing
    assert len(stored_rows(url)) == 4 and len(list((box / "retour").iterdir())) == 2


def test_retours_are_valid_retour_messages(box, url):
    for path in (FIXTURES / "demo").glob("*.xml"):
        shutil.copy(path, box / path.name)
    run_once(box, url)
    validator = Validator()
    for path in (box / "retour").iterdir():
        result = validator.validate_path(path)
        assert result.xsd_valid, (path.name, result.findings)
        assert result.message.nummer == "302"
    level2 = (box / "retour" / "jw301-bsn-faalt-11-proef.302.xml").read_bytes()
    assert b"<jw302:RetourCode>0001</jw302:RetourCode>" in level2


def ClaimFolder_claims(box: Path) -> list[Path]:
    return [p for p in (box / ".bezig").glob("*/*/*") if p.name != LOCK_NAME]


# --- collisions -------------------------------------------------------------------------------------


def test_same_names_never_overwrite(box, url):
    first, second, broken = build("ijw", "301"), build("ijw", "301"), b"<niet-af"
    (box / "x.xml").write_bytes(first)
    run_once(box, url)
    (box / "x.xml").write_bytes(second)
    run_once(box, url)
    (box / "x.xml").write_bytes(broken)
    run_once(box, url)
    (box / "x.xml").write_bytes(first)  # exact duplicate of the first, same name again
    run_once(box, url)
    assert originals(box / "verwerkt") == ["x.2.xml", "x.4.xml", "x.xml"]
    # One name space for both folders, so the retour names are unique too.
    assert originals(box / "afgekeurd") == ["x.3.xml"]
    assert (box / "verwerkt" / "x.xml").read_bytes() == first
    assert (box / "verwerkt" / "x.2.xml").read_bytes() == second
    assert (box / "afgekeurd" / "x.3.xml").read_bytes() == broken
    assert (box / "verwerkt" / "x.4.xml").read_bytes() == first
    for folder, name in (("verwerkt", "x.xml"), ("verwerkt", "x.2.xml"), ("afgekeurd", "x.3.xml"), ("verwerkt", "x.4.xml")):
        data = report(box / folder, name)
        assert data["file"] == name and data["origineel"] == "x.xml"
        assert (box / folder / name.replace(".xml", ".bevindingen.txt")).exists()
    assert report(box / "verwerkt", "x.4.xml")["duplicaat"] is True
    assert report(box / "verwerkt", "x.xml")["duplicaat"] is False
    assert sorted(p.name for p in (box / "retour").iterdir()) == ["x.2.302.xml", "x.302.xml", "x.4.302.xml"]
    assert len(stored_rows(url)) == 3  # the duplicate is stored once


def test_upper_case_extension_is_kept(box, url):
    (box / "GROOT.XML").write_bytes(build("iwmo", "301"))
    run_once(box, url)
    assert originals(box / "verwerkt") == ["GROOT.XML"]
    assert (box / "verwerkt" / "GROOT.bevindingen.json").exists()
    assert (box / "retour" / "GROOT.302.xml").exists()


# --- crash recovery ---------------------------------------------------------------------------------


def dead_worker_claim(box: Path, name: str, data: bytes, token: str = "0123456789ab") -> Path:
    """A claim folder as a killed worker leaves it: lock file present but not held."""
    Layout(box).ensure()
    folder = box / ".bezig" / host_name() / "4242-dead00"
    folder.mkdir(parents=True)
    (folder / LOCK_NAME).touch()
    (folder / f".{token}.json.tmp").write_bytes(b"{half")  # an unfinished temp file
    claim = folder / f"{token}__{name}"
    claim.write_bytes(data)
    return claim


STAGES = ["claimed", "stored", "reserved", "reports", "retour"]


@pytest.mark.parametrize("stage", STAGES)
def test_a_dead_workers_claim_is_finished_exactly_once(box, url, stage):
    data = build("ijw", "301")
    claim = dead_worker_claim(box, "bericht.xml", data)
    if stage != "claimed":
        # Do the first steps with the real processor, as the dead worker did before it was killed.
        processor = Processor(Layout(box), url, "dead-worker")
        processor.store(Validator().validate_bytes(data), _sha(data), "0123456789ab", "bericht.xml")
        if stage in ("reserved", "reports", "retour"):
            outcome = processor.process(claim)
            # ... and undo what it had not reached yet: the move, then the retour, then the text report.
            os.rename(box / "verwerkt" / outcome.file, claim)  # number 1 is not noted in the claim
            if stage in ("reserved", "reports"):
                (box / outcome.retour).unlink()
            if stage == "reserved":
                (box / "verwerkt" / "bericht.bevindingen.txt").unlink()
        processor.close()
    # Meanwhile another file with the same name arrived: it must not take the reserved name.
    (box / "bericht.xml").write_bytes(build("ijw", "301"))
    worker = run_once(box, url)
    assert worker.totals.files == 2
    assert originals(box / "verwerkt") == ["bericht.2.xml", "bericht.xml"]
    assert (box / "verwerkt" / "bericht.xml").read_bytes() == data
    first = report(box / "verwerkt", "bericht.xml")
    assert first["duplicaat"] is False  # a redo of our own claim, not a duplicate
    assert (box / "verwerkt" / "bericht.bevindingen.txt").exists()
    assert sorted(p.name for p in (box / "retour").iterdir()) == ["bericht.2.302.xml", "bericht.302.xml"]
    assert len(stored_rows(url)) == 2
    assert not (box / ".bezig" / host_name() / "4242-dead00").exists()
    assert not ClaimFolder_claims(box)


@pytest.mark.parametrize("noted", [None, 2])
def test_a_slot_taken_by_someone_else_is_not_reused(box, url, noted):
    # Killed before reserving its name (number 1, or a noted number); then other files got it.
    others = [build("ijw", "301") for _ in range(noted or 1)]
    for other in others:
        (box / "bericht.xml").write_bytes(other)
        run_once(box, url)
    data = build("ijw", "301")
    claim = dead_worker_claim(box, "bericht.xml", data)
    if noted:
        os.rename(claim, with_slot(claim, noted))
    run_once(box, url)
    n = len(others) + 1
    assert (box / "verwerkt" / f"bericht.{n}.xml").read_bytes() == data
    assert len(originals(box / "verwerkt")) == n
    assert len(list((box / "verwerkt").glob("*.bevindingen.json"))) == n


def test_a_reservation_at_a_noted_number_is_found_again(box, url):
    (box / "bericht.xml").write_bytes(build("ijw", "301"))
    run_once(box, url)
    data = build("ijw", "301")
    claim = dead_worker_claim(box, "bericht.xml", data)
    processor = Processor(Layout(box), url, "dead-worker")
    outcome = processor.process(claim)  # reserves bericht.2 and notes it in the claim's name
    processor.close()
    assert outcome.file == "bericht.2.xml"
    os.rename(box / "verwerkt" / outcome.file, with_slot(claim, 2))  # as if killed before the move
    (box / "bericht.xml").write_bytes(build("ijw", "301"))
    run_once(box, url)
    assert originals(box / "verwerkt") == ["bericht.2.xml", "bericht.3.xml", "bericht.xml"]
    assert (box / "verwerkt" / "bericht.2.xml").read_bytes() == data
    assert len(list((box / "verwerkt").glob("*.bevindingen.json"))) == 3


def test_after_a_failure_no_new_files_are_claimed(box, url):
    claim = dead_worker_claim(box, "kapot.xml", b"")
    claim.unlink()
    claim.mkdir()  # a claim that cannot be read: processing it fails every time
    (box / "nieuw.xml").write_bytes(build("ijw", "301"))
    worker = run_once(box, url)
    assert (worker.totals.failed, worker.totals.files) == (1, 0)
    assert (box / "nieuw.xml").exists()  # left for another worker or a later sweep
    assert len(ClaimFolder_claims(box)) == 1  # the failing claim stays claimed, nothing is lost


def test_another_hosts_claims_are_never_adopted(box, url):
    # flock does not reach across hosts: a claim folder of another host may belong to a live worker.
    claim = dead_worker_claim(box, "elders.xml", build("ijw", "301"))
    other = box / ".bezig" / "andere-machine"
    other.mkdir()
    os.rename(claim.parent, other / claim.parent.name)
    assert run_once(box, url).totals.files == 0
    assert (other / claim.parent.name / claim.name).exists()


def test_a_live_workers_claim_is_left_alone(box, url):
    claim = dead_worker_claim(box, "bezet.xml", build("ijw", "301"))
    fd = os.open(claim.parent / LOCK_NAME, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # this test process plays the live worker
    try:
        worker = run_once(box, url)
        assert worker.totals.files == 0
        assert claim.exists()
    finally:
        os.close(fd)
    worker = run_once(box, url)  # the "worker" is gone now
    assert worker.totals.files == 1 and not claim.exists()


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


# --- privacy ----------------------------------------------------------------------------------------


BSNS = ["999000019", "123456782", "111222334"]


def test_no_bsn_in_logs_or_reports(box, url):
    captured = io.StringIO()
    handler = logging.StreamHandler(captured)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger()
    logger.addHandler(handler)
    old = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        shutil.copy(FIXTURES / "demo" / "jw301-toewijzing-geldig.xml", box / "999000019.xml")  # a BSN as file name
        (box / "bsn-in-naam-123456782.xml").write_bytes(build("ijw", "301", bsn="123456782"))
        (box / "fout-bsn.xml").write_bytes(build("ijw", "301", bsn="111222334"))  # fails the 11-proef
        (box / "te-lang.xml").write_bytes(build("ijw", "301", bsn="1112223344"))  # fails the XSD, value in melding
        worker = run_once(box, url)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old)
    assert worker.totals.files == 4
    logs = captured.getvalue()
    assert logs.count('"event": "bericht"') == 4
    reports = "".join(p.read_text("utf-8") for p in box.glob("*/*.bevindingen.*"))
    assert "*******19.xml" in logs  # names are masked in logs; reports name the file beside them as it is
    for name in ("999000019.", "bsn-in-naam-123456782."):  # the file names themselves (and the retour's)
        reports = reports.replace(name, "")
    for bsn in BSNS + ["1112223344"]:
        assert bsn not in logs
        assert bsn not in reports
    assert "CS002" in reports


def test_a_log_line_never_carries_exception_text_or_a_bsn():
    record = logging.LogRecord("inbox", logging.ERROR, __file__, 1, "verwerking mislukt", None, None)
    try:
        raise ValueError("INSERT ... parameters ('999000019', b'<Bsn>999000019</Bsn>')")
    except ValueError:
        record.exc_info = sys.exc_info()
    record.fields = {"event": "fout", "name": "301_999000019.xml", "sha256": "0123456789" + "a" * 54}
    line = json.loads(JsonFormatter().format(record))
    assert line["error"] == "ValueError" and line["where"].startswith("test_inbox_worker.py:")
    assert line["name"] == "301_*******19.xml"
    assert line["sha256"] == "0123456789" + "a" * 54  # digits glued to hex letters are no BSN
    assert "999000019" not in json.dumps(line)


# --- regional rules ---------------------------------------------------------------------------------


def test_regional_findings_go_into_the_report_only(box, url):
    shutil.copy(FIXTURES / "demo" / "jw301-toewijzing-geldig.xml", box / "grjr.xml")
    run_once(box, url, config=str(FIXTURES / "regio" / "grjr.toml"))
    data = report(box / "verwerkt", "grjr.xml")
    assert data["verdict"] == "accepted"
    assert {f["niveau"] for f in data["findings"]} == {"regionaal"}
    assert (box / "retour" / "grjr.302.xml").exists()


def test_a_stop_before_the_start_touches_nothing(box, url):
    (box / "a.xml").write_bytes(build("ijw", "301", identificatie="VOOR00000001"))
    worker = Worker(box, WorkerOptions(url=url, settle=0.0, migrate=False))
    worker._stop(signal.SIGTERM)  # what a SIGTERM during start-up leaves: the request only
    assert worker.run(once=True).files == 0
    assert sorted(p.name for p in box.iterdir()) == ["a.xml"] and stored_rows(url) == []


# --- signals (a real subprocess) --------------------------------------------------------------------


def wait_for(condition, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert proc.poll() is None, "worker stopped early"
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_sigterm_finishes_the_current_message_and_exits_0(box, url, tmp_path):
    for i in range(200):
        (box / f"m{i:03d}.xml").write_bytes(build("ijw", "301", identificatie=f"SIG{i:09d}"))
    log = (tmp_path / "worker.log").open("wb")
    proc = subprocess.Popen(
        [PYTHON, "-m", "berichten.inbox", str(box), "--db", url, "--settle", "0", "--interval", "0.05"],
        cwd=PROJECT, stdout=subprocess.PIPE, stderr=log,
    )
    wait_for(lambda: any((box / "verwerkt").glob("*.xml")), proc)
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=30)
    log.close()
    assert proc.returncode == 0
    done = originals(box / "verwerkt")
    assert 0 < len(done) and len(done) + len(originals(box)) == 200  # nothing lost, nothing half
    assert not ClaimFolder_claims(box)
    assert f"{len(done)} bestanden".encode() in out
    assert b'"event": "stop"' in (tmp_path / "worker.log").read_bytes()


def test_sigint_too(box, url, tmp_path):
    proc = subprocess.Popen(
        [PYTHON, "-m", "berichten.inbox", str(box), "--db", url, "--settle", "0", "--interval", "0.05"],
        cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    wait_for(lambda: any(not d.name.startswith(".") for d in (box / ".bezig").glob("*/*")), proc)
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert not list((box / ".bezig").glob("*/*"))  # a clean exit removes its claim folder


def test_command_once_prints_the_summary(box, url):
    for path in (FIXTURES / "demo").glob("*.xml"):
        shutil.copy(path, box / path.name)
    done = subprocess.run([PYTHON, "-m", "berichten.inbox", str(box), "--db", url, "--once", "--settle", "0"],
                          cwd=PROJECT, capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode() == "4 bestanden: 1 verwerkt, 3 afgekeurd, 0 al eerder ontvangen\n"



def test_command_usage_errors(box, url, tmp_path):
    from click.testing import CliRunner

    from berichten.inbox.commands import COMMANDS, inbox

    assert COMMANDS == [inbox]
    bad = tmp_path / "fout.toml"
    bad.write_text("[regio\n", encoding="utf-8")
    result = CliRunner().invoke(inbox, [str(box), "--db", url, "--once", "--config", str(bad)])
    assert result.exit_code == 2 and "fout.toml" in result.output
    result = CliRunner().invoke(inbox, [str(tmp_path / "bestaat-niet"), "--once"])
    assert result.exit_code == 2
    assert not (box / "verwerkt").exists()  # nothing started
