"""The folder layout of one inbox and the rules for names in it.

    DIR/                 the backoffice drops *.xml here
    DIR/.bezig/<worker>/ files claimed by one live worker (its ``.lock`` is flock-ed while it lives)
    DIR/verwerkt/        passed originals with <stem>.bevindingen.json/.txt beside them
    DIR/afgekeurd/       rejected originals (level 1/2/3/4 error), same reports
    DIR/retour/          the retour message of every file that passed level 1

Everything below DIR is on the same filesystem, so ``os.rename`` between these folders is atomic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

BEZIG, VERWERKT, AFGEKEURD, RETOUR = ".bezig", "verwerkt", "afgekeurd", "retour"
IGNORED_SUFFIXES = (".tmp", ".part")
REPORT_JSON, REPORT_TXT = ".bevindingen.json", ".bevindingen.txt"


def wanted(name: str) -> bool:
    """True for a file name the inbox takes: ``*.xml`` (any case), not hidden, not a partial upload."""
    lower = name.lower()
    if name.startswith(".") or lower.endswith(IGNORED_SUFFIXES):
        return False
    return lower.endswith(".xml") and len(name) > 4


def split_name(name: str) -> tuple[str, str]:
    """``Bericht.XML`` -> (``Bericht``, ``.XML``): the extension keeps its case."""
    return name[:-4], name[-4:]


def stem(base: str, n: int) -> str:
    """The n-th candidate stem for a final name: ``x``, ``x.2``, ``x.3``, ..."""
    return base if n == 1 else f"{base}.{n}"


def first_free(is_free: Callable[[int], bool]) -> int:
    """The lowest free candidate number, in O(log n) looks when 1..k are taken.

    Backoffices that always send the same name would otherwise make every new file walk past all
    earlier ones. With gaps (archived files) it still returns a free number, just not the lowest.
    """
    if is_free(1):
        return 1
    taken, free = 1, 2
    while not is_free(free):
        taken, free = free, free * 2
    while free - taken > 1:
        middle = (taken + free) // 2
        if is_free(middle):
            free = middle
        else:
            taken = middle
    return free


@dataclass(frozen=True)
class Layout:
    root: Path

    @property
    def bezig(self) -> Path:
        return self.root / BEZIG

    @property
    def verwerkt(self) -> Path:
        return self.root / VERWERKT

    @property
    def afgekeurd(self) -> Path:
        return self.root / AFGEKEURD

    @property
    def retour(self) -> Path:
        return self.root / RETOUR

    @property
    def names_lock(self) -> Path:
        return self.bezig / ".namen.lock"

    def ensure(self) -> None:
        for folder in (self.bezig, self.verwerkt, self.afgekeurd, self.retour):
            folder.mkdir(parents=True, exist_ok=True)
