"""Structural oracle: our XSDs describe exactly the same messages as the published ones.

Both schema sets are loaded with xmlschema and flattened, per message, into one line per element
(path, namespace, occurrences, position in its sequence) and one line per simple type step (base,
patterns, lengths, enumerations, bounds). The two listings must be equal; a difference shows as a
unified diff. This catches what no mutation happens to hit (an enumeration value nobody uses, an
optional element missing from every sample).
"""

from __future__ import annotations

import difflib
from functools import lru_cache
from pathlib import Path

import pytest
from lxml import etree

from berichten.release import RELEASES, MessageType, Release
from berichten.validators.xsd import DEFAULT_XSD_DIR

xmlschema = pytest.importorskip("xmlschema")

XS = "http://www.w3.org/2001/XMLSchema"
MESSAGES = [(rel, msg) for rel in RELEASES.values() for msg in rel.messages()]


def _short(name: str | None, rel: Release, msg: MessageType) -> str:
    """Clark name with the two expected namespaces abbreviated; anything else stays in full."""
    if not name:
        return "-"
    return name.replace(f"{{{msg.namespace}}}", "msg:").replace(f"{{{rel.basis_namespace}}}", "basis:")


def _facet_text(facet: object) -> str:
    regexps = getattr(facet, "regexps", None)
    if regexps is not None:
        return "|".join(sorted(regexps))
    enumeration = getattr(facet, "enumeration", None)
    if enumeration is not None:
        return ",".join(sorted(str(v) for v in enumeration))
    return str(getattr(facet, "value", facet))


def simple_type_chain(xsd_type: object, rel: Release, msg: MessageType) -> str:
    """All restriction steps down to the builtin type, with their own facets."""
    steps = []
    t = xsd_type
    while t is not None:
        name = _short(getattr(t, "name", None), rel, msg)
        if t.is_global() and (getattr(t, "target_namespace", "") == XS or name.startswith("{" + XS)):
            steps.append(name.replace("{" + XS + "}", "xs:"))
            break
        facets = getattr(t, "facets", {}) or {}
        own = ";".join(
            f"{etree.QName(k).localname}={_facet_text(v)}" for k, v in sorted(facets.items(), key=lambda kv: str(kv[0]))
            if k is not None
        )
        steps.append(f"{name}[{own}]")
        t = getattr(t, "base_type", None)
    return " < ".join(steps)


def describe_message(schema_file: Path, rel: Release, msg: MessageType) -> list[str]:
    """One line per element declaration reachable from Bericht, in document order."""
    schema = xmlschema.XMLSchema(str(schema_file))
    lines: list[str] = [f"targetNamespace={_short('{' + schema.target_namespace + '}', rel, msg)}",
                        f"elementFormDefault={schema.element_form_default}"]

    def walk(element: object, path: str) -> None:
        el_path = f"{path}/{_short(element.name, rel, msg)}"
        flags = [f"occurs={element.min_occurs}..{element.max_occurs if element.max_occurs is not None else 'n'}"]
        for attr in ("nillable", "default", "fixed", "abstract"):
            value = getattr(element, attr, None)
            if value not in (None, False):
                flags.append(f"{attr}={value}")
        xsd_type = element.type
        if xsd_type.is_simple():
            lines.append(f"{el_path} {' '.join(flags)} simple {simple_type_chain(xsd_type, rel, msg)}")
            return
        if xsd_type.has_simple_content():
            lines.append(f"{el_path} {' '.join(flags)} simpleContent {simple_type_chain(xsd_type.content, rel, msg)}")
            return
        attributes = sorted(str(a) for a in xsd_type.attributes)
        group = xsd_type.content
        lines.append(
            f"{el_path} {' '.join(flags)} complex mixed={xsd_type.mixed} attrs={attributes} "
            f"model={group.model} group_occurs={group.min_occurs}..{group.max_occurs}"
        )
        for position, particle in enumerate(group, start=1):
            if not hasattr(particle, "type"):  # nested group: describe it rather than guess
                occurs = f"{particle.min_occurs}..{particle.max_occurs}"
                lines.append(f"{el_path} #{position} group {particle.model} {occurs}")
                continue
            walk(particle, f"{el_path}#{position}")

    walk(schema.elements["Bericht"], "")
    return lines


def describe_basisschema(schema_file: Path, rel: Release) -> list[str]:
    """Every global type of the basisschema (also the ones only declared), sorted by name."""
    schema = xmlschema.XMLSchema(str(schema_file))
    dummy = rel.messages()[0]
    lines = []
    for name, xsd_type in sorted(schema.types.items()):
        if xsd_type.is_simple():
            lines.append(f"{name}: {simple_type_chain(xsd_type, rel, dummy)}")
        else:
            children = [
                f"{_short(p.name, rel, dummy)}({p.min_occurs}..{p.max_occurs if p.max_occurs is not None else 'n'}:"
                f"{_short(p.type.name, rel, dummy)})"
                for p in xsd_type.content
            ]
            lines.append(f"{name}: {xsd_type.content.model} {' '.join(children)}")
    return lines


def schema_header(schema_file: Path) -> list[str]:
    """Root attributes, imports, appinfo (the XsdVersie values a sender copies, IV034) and global names."""
    root = etree.parse(str(schema_file)).getroot()
    lines = [f"targetNamespace={root.get('targetNamespace')}", f"elementFormDefault={root.get('elementFormDefault')}"]
    for imp in root.iterfind(f"{{{XS}}}import"):
        lines.append(f"import {imp.get('namespace')} {imp.get('schemaLocation')}")
    for info in root.iterfind(f"{{{XS}}}annotation/{{{XS}}}appinfo/*"):
        lines.append(f"appinfo {info.tag}={(info.text or '').strip()}")
    # global names matter beyond the tree: an instance may name a global type in xsi:type
    lines += sorted(f"global {etree.QName(g).localname} {g.get('name')}" for g in root if g.get("name"))
    return lines


@lru_cache(maxsize=None)
def _published_dir(standaard: str) -> Path:
    from tests import reference

    return reference.REFERENCE_DIR / f"{standaard}-3.2" / "xsd"


def _ours_dir(rel: Release) -> Path:
    return DEFAULT_XSD_DIR / rel.key


def _assert_same(ours: list[str], published: list[str], what: str) -> None:
    if ours != published:
        diff = "\n".join(difflib.unified_diff(published, ours, "published", "ours", lineterm="", n=1))
        pytest.fail(f"{what}: our schema differs from the published one\n{diff}")


@pytest.mark.parametrize(("rel", "msg"), MESSAGES, ids=[m.key for _, m in MESSAGES])
def test_message_tree_matches_published(reference, rel: Release, msg: MessageType) -> None:
    ours = describe_message(_ours_dir(rel) / msg.schema_file, rel, msg)
    published = describe_message(_published_dir(rel.standaard) / msg.schema_file, rel, msg)
    assert len(ours) > 10  # the walk really reached the content
    _assert_same(ours, published, msg.key)


@pytest.mark.parametrize("rel", list(RELEASES.values()), ids=lambda r: r.key)
def test_basisschema_types_match_published(reference, rel: Release) -> None:
    ours = describe_basisschema(_ours_dir(rel) / "basisschema.xsd", rel)
    published = describe_basisschema(_published_dir(rel.standaard) / "basisschema.xsd", rel)
    assert len(ours) > 50
    _assert_same(ours, published, f"{rel.key} basisschema")


@pytest.mark.parametrize(
    ("rel", "schema_file"),
    [(rel, f) for rel in RELEASES.values() for f in ["basisschema.xsd"] + [m.schema_file for m in rel.messages()]],
    ids=lambda v: v.key if isinstance(v, Release) else v,
)
def test_schema_header_and_appinfo_match_published(reference, rel: Release, schema_file: str) -> None:
    ours = schema_header(_ours_dir(rel) / schema_file)
    published = schema_header(_published_dir(rel.standaard) / schema_file)
    _assert_same(ours, published, f"{rel.key}/{schema_file}")


def test_no_published_documentation_in_our_schemas() -> None:
    """House rule: our schemas carry facts, not the published documentation texts."""
    for path in sorted(DEFAULT_XSD_DIR.glob("*/*.xsd")):
        root = etree.parse(str(path)).getroot()
        assert not root.findall(f".//{{{XS}}}documentation"), path.name
        assert all(
            imp.get("schemaLocation") == "basisschema.xsd" for imp in root.iterfind(f"{{{XS}}}import")
        ), path.name
