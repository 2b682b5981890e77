"""Access to ../shared/reference, the published material used as an oracle by the tests.

Every test that needs it uses the ``reference`` fixture (tests/conftest.py) and is skipped with a
clear reason when the folder is absent. Nothing from it is copied into the project.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lxml import etree

REFERENCE_DIR = Path(os.environ.get("BERICHTEN_REFERENCE", Path(__file__).resolve().parents[2] / "shared" / "reference"))
RAPPORT_NS = {"r": "http://www.istandaarden.nl/validatie/1_1/rapport/schema"}
SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def available() -> bool:
    return (REFERENCE_DIR / "ijw-3.2" / "xsd" / "basisschema.xsd").is_file()


def samples(standaard: str, include_invalid: bool = True) -> list[Path]:
    folder = REFERENCE_DIR / f"{standaard}-3.2" / "samples"
    files = sorted(folder.glob("*.xml"))
    if include_invalid:
        files += sorted((folder / "invalid").glob("*.xml"))
    return files


@lru_cache(maxsize=None)
def published_schema(standaard: str, schema_file: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(REFERENCE_DIR / f"{standaard}-3.2" / "xsd" / schema_file)))


def published_xsd_verdict(data: bytes, standaard: str, schema_file: str) -> bool:
    """The verdict of the published XSD, done the way the reference README describes."""
    try:
        doc = etree.fromstring(data, SAFE_PARSER)
    except etree.XMLSyntaxError:
        return False
    try:
        return bool(published_schema(standaard, schema_file).validate(doc))
    except etree.XMLSchemaValidateError:
        return False


@lru_cache(maxsize=None)
def official_xslt(standaard: str) -> etree.XSLT:
    return etree.XSLT(etree.parse(str(REFERENCE_DIR / f"{standaard}-3.2" / "xslt" / f"{standaard}-3.2-regels.xsl")))


@dataclass(frozen=True)
class XsltFout:
    code: str
    retourcode: str | None
    locaties: tuple[str, ...]


def xslt_fouten(data: bytes, standaard: str) -> list[XsltFout]:
    """What the official rule XSLT reports on an (XSD-valid) message."""
    doc = etree.fromstring(data, SAFE_PARSER)
    report = official_xslt(standaard)(doc)
    return [
        XsltFout(
            code=fout.findtext("r:Code", namespaces=RAPPORT_NS),
            retourcode=fout.findtext("r:Retourcode", namespaces=RAPPORT_NS),
            locaties=tuple(l.text for l in fout.iterfind("r:Locatie", RAPPORT_NS)),
        )
        for fout in report.getroot().iterfind(".//r:Fout", RAPPORT_NS)
    ]
