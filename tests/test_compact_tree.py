"""The compact tree (no indentation nodes, ``berichten.xmlinput.COMPACT_TREE``) changes nothing a user sees.

Every message of the corpus (all fixtures, seeded rule mutations of the fixture messages, a small
demo year and, when the reference material is there, the published samples) is read twice: with
the compact tree as ``read_document`` chooses it, and with ``COMPACT_TREE`` off (every
whitespace node kept). Per message the validation line (findings, levels), the unchecked lists,
the retour message, the model and the store's rows must be the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from datetime import date
from pathlib import Path

import pytest

import berichten.xmlinput as xmlinput
from berichten.errors import ParseError
from berichten.parse import parse_document
from berichten.store.config import Pseudonymiser
from berichten.store.extract import extract_records
from berichten.validators.pipeline import Validator
from berichten.validators.retour import kan_retour, retour_voor
from berichten.xmlinput import read_document
from tests import reference
from tests.conftest import FIXTURES

DAG = date(2026, 3, 10)
PSEUDONYM = Pseudonymiser(key="compact-tree-test")


def _mutations() -> Iterator[tuple[str, bytes]]:
    from tests import rule_mutations_301, rule_mutations_305_315, rule_mutations_317, rule_mutations_323_325

    regels = FIXTURES / "regels"
    for std, pre in (("ijw", "jw"), ("iwmo", "wmo")):
        base = {"fixture": (regels / f"{pre}301-geldig.xml").read_bytes()}
        for m in rule_mutations_301.mutations_301(base, std, rounds=2, combos=20):
            yield m.name, m.data
        for nummer in ("305", "307", "315"):
            base = {"fixture": (regels / f"{pre}{nummer}-geldig.xml").read_bytes()}
            for m in rule_mutations_305_315.mutations(base, std, nummer, per_operator=2):
                yield m.name, m.data
        for m in rule_mutations_317.mutations({"fixture": (regels / f"{pre}317-geldig.xml").read_bytes()}, std, 2):
            yield m.name, m.data
        for nummer in ("323", "325"):
            base = {"fixture": (regels / f"{pre}{nummer}-geldig.xml").read_bytes()}
            for m in rule_mutations_323_325.mutations(base, std, nummer, per_operator=2):
                yield m.name, m.data


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[tuple[str, bytes]]:
    from berichten.report.demo import write_demo

    files = [(str(p.relative_to(FIXTURES)), p.read_bytes()) for p in sorted(FIXTURES.rglob("*.xml"))]
    demo = tmp_path_factory.mktemp("demo")
    write_demo(demo, grjr_clients=12, nijmegen_clients=9)
    files += [(f"demo/{p.name}", p.read_bytes()) for p in sorted(demo.rglob("*.xml"))]
    files += list(_mutations())
    if reference.available():
        files += [(p.name, p.read_bytes()) for std in ("ijw", "iwmo") for p in reference.samples(std)]
    return files


def _outcome(validator: Validator, data: bytes) -> dict[str, object]:
    """What every layer makes of one message: validation, retour, model, stored rows."""
    result = validator.validate_bytes(data)
    out: dict[str, object] = {"line": result.to_dict("f"), "niet": result.niet_gecontroleerd}
    if kan_retour(result):
        try:
            out["retour"] = retour_voor(result, identificatie_retour="R-1", dagtekening_retour=DAG)
        except KeyError:
            out["retour"] = "geen retour"
    try:
        out["model"] = parse_document(read_document(data)).model_dump(mode="json")
    except ParseError as exc:
        out["model"] = (exc.melding, [f.to_dict() for f in exc.findings])
    doc = result.document
    if result.ok and doc.root is not None and doc.message is not None:
        out["header"] = asdict(doc.header)
        out["rows"] = [repr(r) for r in extract_records(doc.root, doc.message, PSEUDONYM, doc.header)]
    return out


def test_compact_and_full_tree_give_the_same_results(corpus, monkeypatch) -> None:
    validator = Validator()
    compact = [_outcome(validator, data) for _, data in corpus]
    monkeypatch.setattr(xmlinput, "COMPACT_TREE", False)
    full = [_outcome(validator, data) for _, data in corpus]
    differ = [name for (name, _), a, b in zip(corpus, compact, full) if a != b]
    assert not differ, f"{len(differ)} of {len(corpus)} messages differ, e.g. {differ[:5]}"
    # The comparison means something: most of the corpus was read into the compact tree, and
    # it has findings, retours and rows to compare.
    safe = sum(xmlinput._compact_safe(data) for _, data in corpus)
    assert safe > 0.8 * len(corpus) and len(corpus) > 500
    assert sum(bool(o["line"]["findings"]) for o in full) > 200
    assert sum("retour" in o for o in full) > 100 and sum(bool(o.get("rows")) for o in full) > 100


def test_the_compact_tree_has_no_indentation_nodes() -> None:
    data = (FIXTURES / "regels" / "jw301-geldig.xml").read_bytes()
    assert read_document(data).root.text is None
    assert read_document(data.replace(b"<jw301:Header>", b"<!-- kop --><jw301:Header>")).root.text.isspace()


@pytest.mark.parametrize("xml", [
    b"<a> <!-- c --> </a>",  # libxml2 would drop the blanks beside the comment: part of the value
    b"<a> <![CDATA[x]]></a>",
    b"<a> <?pi x?> </a>",
    b'<?xml version="1.0"?>\n<a> <?pi?> </a>',
    b"<!DOCTYPE a><a/>",
    b"\xff\xfe<\x00a\x00/\x00>\x00",  # UTF-16: no byte search can see its markup
    b' <a/>',
    b'<?xml version="1.0"',
    b"<?xml-stylesheet href='x'?><a/>",
])
def test_markup_that_blank_removal_could_touch_keeps_the_full_tree(xml: bytes) -> None:
    assert not xmlinput._compact_safe(xml)


@pytest.mark.parametrize("xml", [
    b"<a/>",
    b'<?xml version="1.0" encoding="UTF-8"?>\r\n<a>\r\n\t<b> ! ? </b>\r\n</a>\r\n',
    xmlinput.UTF8_BOM + b'<?xml version="1.0"?><a/>',
])
def test_plain_messages_get_the_compact_tree(xml: bytes) -> None:
    assert xmlinput._compact_safe(xml)


def test_a_blank_value_keeps_its_blanks() -> None:
    """A leaf holding only whitespace is a value, not indentation (libxml2 keeps it)."""
    doc = read_document(b"<a>\n\t<b>  </b>\n\t<c>x</c>\n</a>")
    assert [el.text for el in doc.root] == ["  ", "x"] and doc.root.text is None


def test_validate_path_can_free_the_bytes(tmp_path: Path) -> None:
    """``berichten validate`` does not hold the file's bytes beside the tree; the findings stay."""
    validator = Validator()
    for path in sorted((FIXTURES / "demo").glob("*.xml")) + sorted((FIXTURES / "invoer").glob("*.xml")):
        kept, freed = validator.validate_path(path), validator.validate_path(path, keep_raw=False)
        assert kept.document.raw == path.read_bytes() and freed.document.raw == b""
        assert freed.to_dict("f") == kept.to_dict("f")
