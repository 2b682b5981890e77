"""``--jobs``: the same output, exit code and stored rows with worker processes as with one process.

The folders hold more files than ``MIN_ITEMS_FOR_POOL``, so ``--jobs 2`` really starts workers, and
mix valid, invalid and hostile files (fixtures/invoer: DOCTYPE, XXE, billion laughs, binary ...).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy import text

from berichten.store.db import make_engine
from berichten.store.models import TABLES
from berichten.store.testing import postgres_schema_url, postgres_unavailable, write_mixed
from berichten.validators.parallel import MAX_CHUNK, MIN_ITEMS_FOR_POOL, ForkMap, OrderedMap, WorkerFailed, _chunks, ordered_map

PROJECT = Path(__file__).resolve().parent.parent
FIXTURES = PROJECT / "fixtures"
BERICHTEN = str(Path(sys.executable).parent / "berichten")
HOSTILE = ("billion-laughs.xml", "xxe-extern-bestand.xml", "xxe-netwerk.xml", "binair.xml", "utf16.xml")


def mixed_folder(root: Path, copies: int = 3) -> Path:
    """Copies of the fixture folders with valid, invalid and hostile messages (over 200 files)."""
    folder = root / "mixed"
    for n in range(copies):
        for name in ("invoer", "demo", "regels", "store", "retour"):
            shutil.copytree(FIXTURES / name, folder / f"{n}-{name}")
    assert sum(1 for _ in folder.rglob("*.xml")) > 2 * MIN_ITEMS_FOR_POOL
    return folder


def berichten(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([BERICHTEN, *args], cwd=PROJECT, capture_output=True, timeout=300,
                          env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> Path:
    return mixed_folder(tmp_path_factory.mktemp("jobs"))


@pytest.mark.parametrize("extra", [
    ("--format", "jsonl"),
    ("--format", "text"),
    ("--format", "jsonl", "--max-bytes", "3000", "--bom", "warning"),  # files over the limit: not read
])
def test_validate_with_workers_gives_the_same_bytes(mixed: Path, extra: tuple[str, ...]) -> None:
    one = berichten("validate", "--jobs", "1", *extra, str(mixed))
    two = berichten("validate", "--jobs", "2", *extra, str(mixed))
    assert one.returncode == two.returncode == 1
    assert one.stdout == two.stdout
    assert one.stderr == two.stderr
    assert one.stdout.count(b"\n") > 2 * MIN_ITEMS_FOR_POOL


def test_hostile_files_keep_their_findings_in_a_worker(mixed: Path) -> None:
    import json

    lines = [json.loads(line) for line in berichten("validate", "--jobs", "2", "--format", "jsonl", str(mixed)).stdout.splitlines()]
    by_name: dict[str, set[str]] = {}
    for line in lines:
        by_name.setdefault(Path(line["file"]).name, set()).update(f["code"] for f in line["findings"])
    assert "XML002" in by_name["xxe-extern-bestand.xml"] and "XML002" in by_name["billion-laughs.xml"]
    assert "XML007" in by_name["binair.xml"] and "XML004" in by_name["utf16.xml"]


def test_the_jobs_environment_variable_is_the_default(mixed: Path) -> None:
    one = berichten("validate", "--format", "jsonl", str(mixed), env={"BERICHTEN_JOBS": "1"})
    two = berichten("validate", "--format", "jsonl", str(mixed), env={"BERICHTEN_JOBS": "2"})
    assert one.stdout == two.stdout and one.returncode == two.returncode
    wrong = berichten("validate", "--format", "jsonl", str(mixed), env={"BERICHTEN_JOBS": "0"})
    assert wrong.returncode == 2 and b"--jobs" in wrong.stderr  # the variable is read


@pytest.mark.parametrize("regio", ["grjr", "nijmegen"])
def test_check_with_workers_gives_the_same_verdicts(mixed: Path, regio: str) -> None:
    # Nijmegen's shared cap depends on the order of the messages: the regional rules stay in order.
    config = FIXTURES / "regio" / f"{regio}.toml"
    args = ("check", "--regio", regio, "--config", str(config), "--format", "jsonl", str(mixed))
    one, two = berichten(*args, "--jobs", "1"), berichten(*args, "--jobs", "2")
    assert one.returncode == two.returncode
    assert one.stdout == two.stdout and one.stdout.count(b"\n") > 2 * MIN_ITEMS_FOR_POOL


def test_check_with_workers_keeps_the_shared_cap_in_input_order(mixed: Path, tmp_path: Path) -> None:
    # Workers send each message's products (no tree); the running Volwassenen totals are kept here,
    # in input order. The messages of one case lie between other folders, so they go in different chunks.
    import json

    from tests.test_regional_nijmegen import B, BSN_B, V_A, V_B, V_ROWS, YEAR, nmsg
    from tests.test_regional_support import csv_text, write

    deleted = nmsg("02A05", 2002, YEAR[0], YEAR[0], (60, "04", "6"), ontvanger=B, bsn=BSN_B, reden="13")
    case = [write(tmp_path / "case" / f"{i}.xml", m) for i, m in enumerate([V_A, V_B, deleted, V_A, V_B, V_B])]
    folders = sorted(mixed.iterdir())
    paths = [str(p) for pair in zip(folders, case) for p in pair] + [str(p) for p in folders[len(case):]]
    acceptaties = write(tmp_path / "acceptaties.csv", csv_text(V_ROWS, delimiter=","))
    outputs = {}
    for fmt in ("jsonl", "text"):
        args = ("check", "--regio", "nijmegen", "--config", str(FIXTURES / "regio" / "nijmegen.toml"),
                "--acceptaties", str(acceptaties), "--format", fmt, *paths)
        one, two = berichten(*args, "--jobs", "1"), berichten(*args, "--jobs", "2")
        assert one.returncode == two.returncode == 1
        assert one.stdout == two.stdout and one.stderr == two.stderr
        outputs[fmt] = one.stdout.decode()
    lines = [json.loads(line) for line in outputs["jsonl"].splitlines()]
    assert len(lines) > 2 * MIN_ITEMS_FOR_POOL
    got = [[f["code"] for f in x["findings"]] for x in lines if x["file"] in {str(p) for p in case}]
    # B over the shared cap next to A; deleting B frees it; B sent again is over it again, once.
    assert got == [[], ["NIJM-BT-004"], [], [], ["NIJM-BT-004"], ["NIJM-BT-004"]]
    assert "casus C-1: samen 216.43 van 200.00 uur (2 toewijzing(en))" in outputs["text"]


def test_check_forks_its_workers_before_the_regional_rules_load(mixed: Path) -> None:
    # commands._early_workers: the workers need only the validator; the rules, the configuration and
    # the registers load in this process while they work.
    program = """import os, sys
fork = os.fork
def noted():
    loaded = [m for m in ("rules", "config", "facts", "nijmegen") if f"berichten.validators.regional.{m}" in sys.modules]
    sys.stderr.write(f"fork {loaded}\\n")
    return fork()
os.fork = noted
from berichten.cli import main
sys.argv[0] = "berichten"
main()
"""
    run = subprocess.run([sys.executable, "-c", program, "check", "--regio", "nijmegen", "--format", "jsonl",
                          "--jobs", "2", str(mixed)], cwd=PROJECT, capture_output=True, timeout=300)
    assert run.returncode == 1 and run.stderr.count(b"fork []\n") == 2


@pytest.mark.parametrize("case", ["lijsten", "toml", "regio", "missing", "acceptaties"])
def test_check_reports_input_errors_as_without_workers(mixed: Path, tmp_path: Path, case: str) -> None:
    # The workers start before the configuration is read; what is wrong with it (or with the other
    # inputs) is still reported in the same order, with the same exit code.
    config = tmp_path / "nijmegen.toml"
    text = (FIXTURES / "regio" / "nijmegen.toml").read_text(encoding="utf-8")
    config.write_text({"lijsten": text + "\n[lijsten]\nonbekend = 1\n", "toml": text + "\n[[[\n"}.get(case, text),
                      encoding="utf-8")
    args = ["check", "--config", str(config), "--format", "jsonl", str(mixed)]
    if case == "regio":
        args[1:1] = ["--regio", "grjr"]
    if case == "missing":
        args.append(str(tmp_path / "weg"))
    if case == "acceptaties":
        args[1:1] = ["--acceptaties", str(tmp_path / "weg.csv")]
    one, two = berichten(*args, "--jobs", "1"), berichten(*args, "--jobs", "2")
    assert one.returncode == two.returncode == 2
    assert one.stdout == two.stdout == b"" and one.stderr == two.stderr and one.stderr.startswith(b"berichten: ")


# A program that runs the berichten command as `berichten` (or under another name), with an atexit
# handler that shows whether the interpreter's teardown ran.
PROGRAM = """import atexit, sys
atexit.register(lambda: sys.stderr.write("afgesloten\\n"))
from berichten.cli import main
sys.argv[0] = sys.argv[1]
del sys.argv[1]
main()
"""


@pytest.mark.parametrize("command", ["validate", "check"])
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_program_ends_without_teardown_and_loses_nothing(mixed: Path, command: str, jobs: str) -> None:
    # validators/finish.py: as the berichten program, validate and check flush and end with os._exit;
    # under another name (a test runner) they end as usual. Same bytes, same exit code, either way.
    args = [command, "--format", "jsonl", "--jobs", jobs, str(mixed)]
    if command == "check":
        args[1:1] = ["--regio", "nijmegen", "--config", str(FIXTURES / "regio" / "nijmegen.toml")]
    runs = {name: subprocess.run([sys.executable, "-c", PROGRAM, name, *args], cwd=PROJECT, capture_output=True,
                                 timeout=300) for name in ("berichten", "iets-anders")}
    fast, usual = runs["berichten"], runs["iets-anders"]
    assert usual.stderr.endswith(b"afgesloten\n") and b"afgesloten" not in fast.stderr
    assert fast.returncode == usual.returncode == 1
    assert fast.stdout == usual.stdout and fast.stderr == usual.stderr.removesuffix(b"afgesloten\n")
    assert len(fast.stdout) > 65536  # more than a pipe holds: it was all flushed


# ------------------------------------------------------------------------------------------ import


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def two_stores(request, tmp_path):
    """Two empty databases of one backend: one for --jobs 1, one for --jobs 2."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'een.db'}", f"sqlite:///{tmp_path / 'twee.db'}"
        return
    reason = postgres_unavailable()
    if reason:
        pytest.skip(reason)
    with ExitStack() as stack:
        yield stack.enter_context(postgres_schema_url()), stack.enter_context(postgres_schema_url())


def rows(url: str) -> dict[str, object]:
    engine = make_engine(url)
    with engine.connect() as conn:
        found = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}
        found["status"] = conn.execute(text("SELECT status, count(*) FROM bericht GROUP BY status ORDER BY status")).all()
        # The findings too: with --jobs, level 3 runs on what the workers read (Facts), not on a tree.
        found["order"] = conn.execute(text("SELECT source, status, niveau3, findings FROM bericht ORDER BY id")).all()
    engine.dispose()
    return found


def test_import_with_workers_stores_the_same_rows_twice(two_stores, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write_mixed(folder / "a-mixed", range(18))  # 72 messages whose level 3 depends on their order
    for name in HOSTILE + ("bom-utf8.xml", "leeg.xml"):
        shutil.copy(FIXTURES / "invoer" / name, folder / name)
    shutil.copytree(FIXTURES / "demo", folder / "demo")
    env = {"BERICHTEN_PSEUDONIEM_SLEUTEL": "jobs-sleutel"}
    counts = {}
    for jobs, url in zip(("1", "2"), two_stores):
        first = berichten("import", "--db", url, "--jobs", jobs, "--batch-size", "50", str(folder), env=env)
        after_first = rows(url)
        again = berichten("import", "--db", url, "--jobs", jobs, "--batch-size", "50", str(folder), env=env)
        assert first.returncode == 1, first.stderr  # the hostile and invalid files are rejected
        assert again.returncode == 0 and b"0 opgeslagen" in again.stdout, again.stdout
        assert rows(url) == after_first  # idempotent
        counts[jobs] = (first.stdout, after_first)
    assert counts["1"][0] == counts["2"][0]
    assert counts["1"][1]["status"] == counts["2"][1]["status"]
    assert {k: v for k, v in counts["1"][1].items() if k != "order"} == {k: v for k, v in counts["2"][1].items() if k != "order"}
    # the same verdict and findings per file, stored in the same order
    assert [(Path(s).name, st, n3, f) for s, st, n3, f in counts["1"][1]["order"]] == \
        [(Path(s).name, st, n3, f) for s, st, n3, f in counts["2"][1]["order"]]
    assert counts["1"][1]["bericht"] > MIN_ITEMS_FOR_POOL


# ---------------------------------------------------------------------------------- the pool itself


@pytest.mark.parametrize("pool", [OrderedMap, ForkMap])
def test_results_come_back_in_order_from_other_processes(pool) -> None:
    with pool(lambda n: (n * n, os.getpid()), jobs=2) as mapped:
        results = list(mapped(list(range(1000))))
    assert [square for square, _ in results] == [n * n for n in range(1000)]
    assert os.getpid() not in {pid for _, pid in results}
    if pool is ForkMap:  # it hands each worker its first chunks before it reads any result
        assert len({pid for _, pid in results}) == 2


def test_fork_map_chunks_cover_the_inputs_and_shrink_at_the_end() -> None:
    for count in (2, 63, 64, 1000, 3201):
        chunks = _chunks(count, 2)
        assert [i for start, stop in chunks for i in range(start, stop)] == list(range(count))
        sizes = [stop - start for start, stop in chunks]
        assert max(sizes) <= MAX_CHUNK and sizes == sorted(sizes, reverse=True) and sizes[-1] == 1


def test_fork_map_raises_a_workers_error_here_and_leaves_no_worker() -> None:
    def work(n: int) -> int:
        if n == 700:
            raise ValueError(f"kapot bij {n}")
        return n

    with ForkMap(work, jobs=2) as mapped:
        pids = [w.pid for w in mapped._workers]
        with pytest.raises(ValueError, match="kapot bij 700") as raised:
            list(mapped(list(range(1000))))
    assert "kapot bij 700" in str(raised.value.__cause__)  # the worker's traceback
    for pid in pids:  # reaped: not even a zombie is left
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def test_fork_map_taken_half_way_leaves_no_worker() -> None:
    with ForkMap(lambda n: bytes(n % 50_000), jobs=2) as mapped:  # results that fill the pipes
        pids = [w.pid for w in mapped._workers]
        results = mapped(list(range(5000)))
        assert [len(next(results)) for _ in range(100)] == list(range(100))
    for pid in pids:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def test_fork_map_takes_big_inputs_without_waiting_on_a_full_pipe() -> None:
    # Inputs and results larger than a pipe holds: this process never blocks on a write.
    items = [bytes([n % 256]) * 200_000 for n in range(70)]
    assert list(ordered_map(len, items, jobs=2)) == [200_000] * 70


@pytest.mark.parametrize("command", ["validate", "check"])
def test_validate_and_check_workers_need_no_multiprocessing(mixed: Path, command: str) -> None:
    # ForkMap: no concurrent.futures or multiprocessing to import before the first worker.
    args = [command, "--format", "jsonl", "--jobs", "2", str(mixed)]
    if command == "check":
        args[1:1] = ["--regio", "nijmegen", "--config", str(FIXTURES / "regio" / "nijmegen.toml")]
    run = subprocess.run([sys.executable, "-X", "importtime", BERICHTEN, *args], cwd=PROJECT, capture_output=True,
                         timeout=300)
    assert run.returncode == 1 and run.stdout.count(b"\n") > 2 * MIN_ITEMS_FOR_POOL
    imported = {line.rsplit(b"|", 1)[1].strip() for line in run.stderr.splitlines() if line.startswith(b"import time:")}
    assert b"berichten.validators.parallel" in imported
    assert not {m for m in imported if m.split(b".")[0] in (b"multiprocessing", b"concurrent")}


def test_few_items_stay_in_this_process() -> None:
    pids = set(ordered_map(lambda _: os.getpid(), list(range(MIN_ITEMS_FOR_POOL - 1)), jobs=2))
    assert pids == {os.getpid()}


def test_a_worker_that_dies_is_an_error_not_a_hang() -> None:
    def work(n: int) -> int:
        if n == 500:
            os.kill(os.getpid(), signal.SIGKILL)
        return n

    with pytest.raises(WorkerFailed):
        list(ordered_map(work, list(range(1000)), jobs=2))  # ForkMap
    with pytest.raises(WorkerFailed), OrderedMap(work, jobs=2) as mapped:
        list(mapped(list(range(1000))))


# ------------------------------------------------------------------------------ stopping with workers


def stored(url: str) -> int:
    """Messages stored so far; 0 when the stop came before the store had its tables."""
    from sqlalchemy import inspect

    engine = make_engine(url)
    try:
        return rows(url)["bericht"] if inspect(engine).has_table("bericht") else 0
    finally:
        engine.dispose()


def session_processes(sid: int) -> list[int]:
    """Processes still alive in session ``sid`` (the command and any worker it left behind)."""
    alive = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == sid and fields[0] != "Z":
                alive.append(int(entry.name))
    return alive


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
@pytest.mark.parametrize("to_group", [True, False])
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_import_with_workers_stopped_exits_0_and_leaves_no_worker(tmp_path: Path, to_group: bool, sig) -> None:
    import random
    import time

    from berichten.store.testing import build, fake_bsns

    rng = random.Random(f"jobs-{to_group}-{sig}")
    folder = tmp_path / "berichten"
    folder.mkdir()
    bsns = fake_bsns(400_000_000)
    for i in range(3 * MIN_ITEMS_FOR_POOL):
        (folder / f"b{i:03d}.xml").write_bytes(build("ijw", "301", [{"ToewijzingNummer": str(700000 + i)}],
                                                      identificatie=f"J{i:09d}", bsn=next(bsns)))
    url = f"sqlite:///{tmp_path / 'store.db'}"
    proc = subprocess.Popen([BERICHTEN, "import", str(folder), "--db", url, "--batch-size", "10", "--jobs", "2"],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    time.sleep(rng.uniform(0.3, 1.5))  # the moment of the stop itself, not a wait for something to happen
    if to_group:  # as a supervisor or Ctrl-C does: the command and its workers at once
        os.killpg(proc.pid, sig)
    else:
        proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err[-2000:]
    assert b"Traceback" not in err
    deadline = time.monotonic() + 10
    while session_processes(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.05)  # workers that are being reaped by the kernel
    assert session_processes(proc.pid) == []
    done = stored(url)
    # Whole batches only; a stop that comes after the last file finds everything stored (192 is no multiple of 10).
    assert done % 10 == 0 or done == 3 * MIN_ITEMS_FOR_POOL, done
    again = berichten("import", str(folder), "--db", url, "--jobs", "2")
    assert again.returncode == 0 and rows(url)["bericht"] == 3 * MIN_ITEMS_FOR_POOL
