"""Files the program reads at run time, found as package data with ``importlib.resources``.

Our XSDs (``berichten.xsd``), the ``explain`` examples (``berichten.fixtures.regels``) and the
example regional configurations (``berichten.fixtures.regio``) are packages of data: inside the
installed wheel they are folders of ``berichten``; in a source checkout they are the top-level
folders of the design card (see ``berichten/__init__.py``). Never a path relative to the repository.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def data_path(package: str, *parts: str) -> Path:
    """The file or folder ``parts`` inside the data package ``package``, on disk (lxml, Alembic and
    the XSD includes need real paths; a wheel is always installed unpacked)."""
    return Path(str(files(package).joinpath(*parts)))


def example_path(relative: str) -> Path:
    """An example file named as under ``fixtures/`` (``regels/TR302-fout.xml``, ``regio/grjr/x.xml``)."""
    folder, _, rest = relative.partition("/")
    return data_path(f"berichten.fixtures.{folder}", *rest.split("/"))
