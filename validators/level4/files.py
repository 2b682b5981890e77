"""Reading the level-4 list files: plain ``;``-separated UTF-8 text a backoffice can replace.

Every list has the same outline: ``#`` comment lines (one of them may say ``# peildatum:
YYYY-MM-DD``, the date the list describes), one header line naming the columns, then one row per
line. Columns may come in any order; extra columns are ignored. A problem is a ``ListError`` that
names the file and the line, so the user can fix the file without reading our code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from berichten.errors import BerichtenError

_PEILDATUM = re.compile(r"^#\s*peildatum\s*:\s*(\S+)\s*$", re.IGNORECASE)


class ListError(BerichtenError, ValueError):
    """A list file is missing, unreadable or malformed; the message is Dutch and names file and line."""


@dataclass(frozen=True)
class Row:
    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "")


@dataclass(frozen=True)
class ListFile:
    """One list as read: where it came from, the date it describes, its rows."""

    path: Path
    peildatum: date
    peildatum_uit_bestand: bool  # False: no peildatum line, the file's modification date is used
    rows: tuple[Row, ...]

    def error(self, row: Row, reason: str) -> ListError:
        return ListError(f"{self.path}, regel {row.line}: {reason}")


def read_list(path: str | Path, required: tuple[str, ...]) -> ListFile:
    """Read one list; raises ``ListError`` when it is missing, not UTF-8 or lacks a column."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise ListError(f"{path}: lijst niet gevonden") from None
    except OSError as exc:
        raise ListError(f"{path}: lijst niet te lezen ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise ListError(f"{path}: de lijst is geen UTF-8") from None
    peildatum: date | None = None
    header: list[str] | None = None
    rows: list[Row] = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            match = _PEILDATUM.match(stripped)
            if match:
                peildatum = _date(match.group(1), path, number, "peildatum")
            continue
        cells = [c.strip() for c in line.split(";")]
        if header is None:
            header = [c.lower() for c in cells]
            absent = [c for c in required if c not in header]
            if absent:
                raise ListError(
                    f"{path}, regel {number}: kolom {', '.join(absent)} ontbreekt in de kopregel "
                    f"(verwacht: {';'.join(required)}, gescheiden door puntkomma's)"
                )
            continue
        if len(cells) > len(header):
            raise ListError(f"{path}, regel {number}: {len(cells)} velden, de kopregel heeft er {len(header)}")
        cells += [""] * (len(header) - len(cells))
        rows.append(Row(number, dict(zip(header, cells))))
    if header is None:
        raise ListError(f"{path}: de lijst heeft geen kopregel (verwacht: {';'.join(required)})")
    uit_bestand = peildatum is not None
    if peildatum is None:
        peildatum = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc).date()
    return ListFile(path, peildatum, uit_bestand, tuple(rows))


def _date(text: str, path: Path, line: int, column: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ListError(f"{path}, regel {line}: {column} '{text}' is geen datum (JJJJ-MM-DD)") from None


def row_date(lf: ListFile, row: Row, column: str) -> date | None:
    """An optional date cell; an empty cell is None (open-ended)."""
    text = row.get(column)
    return _date(text, lf.path, row.line, column) if text else None


def row_period(lf: ListFile, row: Row) -> tuple[date | None, date | None]:
    """``geldig_vanaf`` and ``geldig_tot`` (both inclusive, both optional), checked for order."""
    vanaf, tot = row_date(lf, row, "geldig_vanaf"), row_date(lf, row, "geldig_tot")
    if vanaf and tot and tot < vanaf:
        raise lf.error(row, f"geldig_tot {tot} ligt voor geldig_vanaf {vanaf}")
    return vanaf, tot


def required_cell(lf: ListFile, row: Row, column: str, pattern: re.Pattern[str], what: str) -> str:
    value = row.get(column)
    if not pattern.fullmatch(value):
        raise lf.error(row, f"{column} '{value}' is geen {what}")
    return value


def in_period(day: date, vanaf: date | None, tot: date | None) -> bool:
    return (vanaf is None or vanaf <= day) and (tot is None or day <= tot)
