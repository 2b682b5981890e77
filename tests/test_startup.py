"""Start-up stays light: the quick commands do not import the store, the reports or their libraries.

Each case runs the real ``berichten`` script in a subprocess under ``python -X importtime``, which
names every module the process imported; the list at exit is the check (an import check, not a
timing: bench/startup.py measures the time).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest

from berichten import cli
from berichten.lazygroup import load_command

PROJECT = Path(__file__).resolve().parent.parent
BERICHTEN = str(Path(sys.executable).parent / "berichten")
VALID = "fixtures/demo/jw301-toewijzing-geldig.xml"
HEAVY = ("sqlalchemy", "sqlmodel", "jinja2", "alembic", "psycopg", "rich", "pygal", "xmlschema",
         "berichten.store.models", "berichten.report", "berichten.inbox")


def imported(*args: str) -> tuple[int, set[str]]:
    """Exit code and the modules imported by ``berichten ARGS`` (from the -X importtime lines)."""
    done = subprocess.run([sys.executable, "-X", "importtime", BERICHTEN, *args], cwd=PROJECT,
                          capture_output=True, text=True, timeout=60)
    modules = {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert "click" in modules, done.stderr[-2000:]  # the hook saw the run
    return done.returncode, modules


def heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))


@pytest.mark.parametrize(("args", "exit_code"), [
    (("--help",), 0),
    (("validate", VALID), 0),
    (("validate", "--format", "jsonl", VALID, "fixtures/invoer/xxe-extern-bestand.xml"), 1),
    (("check", VALID, "--regio", "grjr"), 0),
    (("retour", VALID), 0),
])
def test_quick_commands_stay_light(args: tuple[str, ...], exit_code: int) -> None:
    code, modules = imported(*args)
    assert code == exit_code
    assert heavy(modules) == []


@pytest.mark.parametrize("args", [
    ("check", VALID, "--regio", "grjr"),
    ("check", VALID, "--regio", "nijmegen"),
    ("check", VALID, "--config", "fixtures/regio/nijmegen.toml"),
])
def test_check_reads_its_configuration_without_pydantic(args: tuple[str, ...]) -> None:
    # The regional TOML is read by validators/regional/reader.py; pydantic cost ~90 ms per start.
    code, modules = imported(*args)
    assert code == 0
    assert "berichten.validators.regional.config" in modules
    assert sorted(m for m in modules if m.split(".")[0] in ("pydantic", "pydantic_core")) == []


def test_the_check_can_see_a_heavy_import(tmp_path: Path) -> None:
    # The same check on a command that needs the store must report it, or the test above proves nothing.
    code, modules = imported("db", "upgrade", "--db", f"sqlite:///{tmp_path / 'b.db'}")
    assert code == 0
    assert {"sqlalchemy", "alembic"} <= set(heavy(modules))


@pytest.mark.parametrize("name", sorted(cli.LAYER_COMMANDS))
def test_lazy_table_matches_the_command(name: str) -> None:
    target, short_help = cli.LAYER_COMMANDS[name]
    command = load_command(target)
    assert command.name == name
    assert command.get_short_help_str(limit=1000) == short_help


def test_help_lists_every_command_without_importing_it() -> None:
    done = subprocess.run([BERICHTEN, "--help"], cwd=PROJECT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    listed = {line.split()[0] for line in done.stdout.split("Commands:")[1].splitlines() if line.strip()}
    with click.Context(cli.main) as ctx:
        assert listed == set(cli.main.list_commands(ctx)) >= set(cli.LAYER_COMMANDS) | {"validate", "check", "import"}
    for name, (_, short_help) in cli.LAYER_COMMANDS.items():
        assert any(line.split()[:2] == [name, short_help.split()[0]] for line in done.stdout.splitlines()), name
