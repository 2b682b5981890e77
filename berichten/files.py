"""Which files a command reads: a file as given, or every *.xml below a folder, in sorted order.

One definition for every door (validate, retour, check, import), so they all see the same files in
the same order. A folder's names are sorted once as plain strings; each Path is made when its turn
comes, so a huge folder costs one list of names, not a growing pile of Path objects.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path


def xml_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[str]:
    """Paths to read, as strings: files exactly as given, folders expanded to their *.xml files.

    A path that does not exist is yielded as given; the caller reports it when it cannot be read.
    """
    for given in paths:
        if os.path.isdir(given):
            yield from _xml_below(str(Path(given)))
        else:
            yield os.fspath(given)


def _xml_below(folder: str) -> list[str]:
    """The names ``Path(folder).rglob("*.xml")`` gives that are files (``os.path.isfile``), sorted.

    The same walk without pathlib: folders linked by a symlink are not entered, one that may not
    be read is skipped, a symlink to a file counts. The type comes from the folder listing itself,
    so a plain file costs no stat call (with pathlib and a stat per file, 3 200 files took 24 ms).
    """
    found: list[str] = []
    pending = [folder]
    while pending:
        try:
            with os.scandir(pending.pop()) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        pending.append(entry.path)
                    elif entry.name.endswith(".xml") and entry.is_file():
                        found.append(entry.path)
        except PermissionError:
            continue
    if folder == ".":  # pathlib names the files below "." without "./"
        found = [name[2:] for name in found]
    found.sort()
    return found


def missing(paths: Iterable[str | os.PathLike[str]]) -> list[str]:
    """The given paths that are neither a file nor a folder."""
    return [os.fspath(p) for p in paths if not os.path.exists(p)]
