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
            for name in sorted(str(p) for p in Path(given).rglob("*.xml")):
                if os.path.isfile(name):
                    yield name
        else:
            yield os.fspath(given)


def missing(paths: Iterable[str | os.PathLike[str]]) -> list[str]:
    """The given paths that are neither a file nor a folder."""
    return [os.fspath(p) for p in paths if not os.path.exists(p)]
