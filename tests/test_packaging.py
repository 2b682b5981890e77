"""One import root, package data and the deployment units (issue 17).

The wheel itself is built and used from a fresh venv by ``.ci/smoke`` (CI); these tests keep the
checkout in the shape that makes that work: every import under ``berichten``, every run-time file
found as package data, the systemd units valid and their command lines accepted by the real CLI.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from berichten.resources import data_path, example_path

PROJECT = Path(__file__).resolve().parent.parent
BERICHTEN = Path(sys.executable).parent / "berichten"
TOP_LEVEL = ("validators", "store", "inbox", "report", "web", "cli")
CODE = ("berichten", "validators", "store", "inbox", "report", "web", "tests", "bench", "docs", "fixtures")
OLD_IMPORT = re.compile(rf"^\s*(?:from|import)\s+(?:{'|'.join(TOP_LEVEL)})(?:\.|\s|$)", re.M)


def python_files():
    for folder in CODE:
        yield from (PROJECT / folder).rglob("*.py") if (PROJECT / folder).is_dir() else ()
    yield PROJECT / "cli.py"
    yield PROJECT / "setup.py"


def test_no_module_imports_a_top_level_folder_by_its_own_name():
    """``import validators`` would load a second copy of our modules beside ``berichten.validators``
    (two rule registries) and, once installed, PyPI's package of that name."""
    offenders = [
        f"{path.relative_to(PROJECT)}:{text.count(chr(10), 0, m.start()) + 1}: {m.group().strip()}"
        for path in python_files()
        for text in [path.read_text(encoding="utf-8")]
        for m in OLD_IMPORT.finditer(text)
    ]
    assert offenders == [], "imports zonder berichten. ervoor:\n" + "\n".join(offenders)


def test_every_module_loads_under_the_one_root_only():
    """Import all our modules in a fresh interpreter: none may appear under a top-level name."""
    script = f"""
import importlib, pkgutil, sys
import berichten
names = ["berichten.cli"]
for top in ("berichten", *("berichten." + t for t in {TOP_LEVEL[:-1]!r})):
    try:
        package = importlib.import_module(top)
    except ModuleNotFoundError:
        continue  # web/ is optional in a checkout without it
    for info in pkgutil.walk_packages(package.__path__[:1], top + "."):
        if ".migrations." in info.name or info.name.endswith((".__main__", ".testing")):
            continue  # Alembic scripts and entry points are run, not imported; pytest plugins need pytest
        names.append(info.name)
for name in names:
    importlib.import_module(name)
stray = sorted(m for m in sys.modules if m.split(".")[0] in {TOP_LEVEL!r})
print(len(names), stray)
sys.exit(1 if stray else 0)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=PROJECT / "tests")
    assert done.returncode == 0, done.stdout + done.stderr
    count = int(done.stdout.split()[0])
    assert count > 80, done.stdout  # really walked the packages


@pytest.mark.parametrize("package,parts,kind", [
    ("berichten.xsd", ("ijw-3.2", "JW301.xsd"), "file"),
    ("berichten.xsd", ("iwmo-3.2", "WMO323.xsd"), "file"),
    ("berichten.fixtures.regio", ("grjr.toml",), "file"),
    ("berichten.fixtures.regio", ("nijmegen", "acceptaties.csv"), "file"),
    ("berichten.validators.level4", ("data", "gemeentecodes.csv"), "file"),
    ("berichten.store.migrations", ("versions",), "dir"),
])
def test_run_time_files_are_package_data(package, parts, kind):
    path = data_path(package, *parts)
    assert (path.is_file() if kind == "file" else path.is_dir()), path


def test_explain_examples_are_package_data():
    from berichten.validators.catalog import all_codes

    examples = {e for info in all_codes() for e in (info.voorbeeld_fout, info.voorbeeld_goed) if e}
    assert len(examples) > 20
    missing = [e for e in sorted(examples) if not example_path(e).is_file()]
    assert missing == []


UNITS = PROJECT / "deploy" / "systemd"


def _unit_for_this_machine(name: str, tmp_path: Path) -> Path:
    """The unit with the venv's berichten in place of /opt/berichten/bin/berichten."""
    text = (UNITS / name).read_text(encoding="utf-8").replace("/opt/berichten/bin/berichten", str(BERICHTEN))
    target = tmp_path / name
    target.write_text(text, encoding="utf-8")
    return target


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed here")
def test_systemd_units_verify(tmp_path):
    units = [_unit_for_this_machine(n, tmp_path) for n in
             ("berichten-inbox.service", "berichten-rapport.service", "berichten-rapport.timer")]
    done = subprocess.run(["systemd-analyze", "verify", *map(str, units)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Unknown" not in done.stderr, done.stderr  # an unknown key or section is only a warning


def _exec_start(name: str, env: dict[str, str]) -> list[str]:
    line = next(l for l in (UNITS / name).read_text(encoding="utf-8").splitlines() if l.startswith("ExecStart="))
    args = line.removeprefix("ExecStart=").split()
    args = [re.sub(r"\$\{(\w+)\}", lambda m: env[m.group(1)], a) for a in args]
    assert args[0] == "/opt/berichten/bin/berichten"
    return [str(BERICHTEN), *args[1:]]


def test_the_units_command_lines_work(tmp_path):
    """Run both ExecStart lines for real (the inbox once), with /etc/berichten/... pointing into tmp."""
    etc = tmp_path / "etc"
    etc.mkdir()
    shutil.copyfile(data_path("berichten.fixtures.regio", "grjr.toml"), etc / "regio.toml")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copyfile(PROJECT / "fixtures" / "store" / "ijw" / "301.xml", inbox / "a.xml")
    env = {**os.environ, "BERICHTEN_DB": f"sqlite:///{tmp_path / 'store.db'}", "BERICHTEN_INBOX": str(inbox)}

    def local(args: list[str]) -> list[str]:
        return [a.replace("/etc/berichten", str(etc)).replace("/var/lib/berichten", str(tmp_path / "var")) for a in args]

    worker = local(_exec_start("berichten-inbox.service", env)) + ["--once", "--settle", "0"]
    done = subprocess.run(worker, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert (inbox / "verwerkt" / "a.xml").exists() or (inbox / "afgekeurd" / "a.xml").exists()
    report = local(_exec_start("berichten-rapport.service", env)) + ["--peildatum", "2026-10-31"]
    done = subprocess.run(report, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "var" / "rapportage" / "index.html").is_file()
