"""Bytes in, a safe lxml tree out: the hardened front door of every message.

The parser never resolves entities, never loads a DTD and never touches the network. Problems
with the file itself (size, encoding, BOM, line endings, DOCTYPE, not well-formed) become level-1
findings; nothing here raises on bad input.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Literal

from lxml import etree

from berichten.findings import Finding, Severity
from berichten.header import Header, read_header
from berichten.release import MessageType, NamespaceMatch, match_namespace
from berichten.xpath import element_path

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

# Our own codes for level-1 problems that are not XSD errors. Each is explained by `berichten explain`.
XML_NIET_WELGEVORMD = "XML001"
XML_DOCTYPE = "XML002"
XML_TE_GROOT = "XML003"
XML_GEEN_UTF8 = "XML004"
XML_BOM = "XML005"
XML_REGELEINDEN = "XML006"
XML_LEEG_OF_BINAIR = "XML007"
MSG_ONBEKEND = "MSG001"
MSG_NIET_ONDERSTEUND = "MSG002"

_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_DOCTYPE_MELDING = "Het bericht bevat een DOCTYPE; DTD's en entiteiten zijn niet toegestaan en worden niet verwerkt."
_LXML_POSITION = re.compile(r", line \d+, column \d+$")

PolicyLevel = Literal["error", "warning", "ignore"]


@dataclass(frozen=True)
class InputPolicy:
    """How strict the file-level checks are. The defaults follow the standard's file rules."""

    max_bytes: int = DEFAULT_MAX_BYTES
    bom: PolicyLevel = "error"
    line_endings: PolicyLevel = "warning"  # LF instead of CR/LF; several published samples use LF


@dataclass
class Document:
    """A message as read: the raw bytes, the tree when it parsed, and what was wrong with the file."""

    raw: bytes
    root: etree._Element | None = None
    findings: list[Finding] = field(default_factory=list)
    namespace: NamespaceMatch | None = None
    has_entities: bool = False  # entity references left unresolved; such a tree cannot be schema-checked

    @property
    def well_formed(self) -> bool:
        return self.root is not None

    @property
    def message(self) -> MessageType | None:
        return self.namespace.message if self.namespace else None

    @cached_property
    def header(self) -> Header:
        """Header fields and the client's Bsn, read once (``berichten.header``); empty without a tree."""
        return read_header(self.root)


class _ParserPool(threading.local):
    """lxml parsers may be reused, but not shared between threads."""

    def __init__(self) -> None:
        settings = dict(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            remove_comments=False,
            collect_ids=False,
        )
        self.parser = etree.XMLParser(**settings)
        # The same without the indentation: libxml2 keeps every whitespace-only text between two
        # tags as a node of about a hundred bytes, a third of the tree of an indented message.
        self.compact = etree.XMLParser(remove_blank_text=True, **settings)


_parsers = _ParserPool()

# Parse into the compact tree where that cannot change what any layer reads (``_compact_safe``).
# Module-level so that tests can compare both trees on the same corpus (tests/test_compact_tree.py).
COMPACT_TREE = True


def _compact_safe(data: bytes) -> bool:
    """Dropping blank text nodes leaves every value and finding as it is.

    libxml2 only drops whitespace that stands between two tags with no other text beside it; the
    values of an XSD-valid message are in leaves, which keep their whitespace. Beside a comment,
    a CDATA section, a processing instruction or an entity reference (only with a DOCTYPE) it
    would also drop whitespace that is part of a leaf's value, so with any ``<!`` or ``<?`` beyond
    the XML declaration the tree stays as it is. The search is in bytes, so the file has to start
    in an ASCII-compatible encoding (not UTF-16).
    """
    start = 3 if data.startswith(UTF8_BOM) else 0
    if data[start:start + 1] != b"<":
        return False
    if data.startswith(b"<?xml", start) and data[start + 5:start + 6].isspace():
        end = data.find(b"?>", start)
        if end < 0:
            return False
        start = end + 2
    # A one-byte find is a memchr, ten times faster than looking for "<!" in a file full of "<".
    for mark, markup in ((b"!", b"<!"), (b"?", b"<?")):
        if data.find(mark, start) >= 0 and data.find(markup, start) >= 0:
            return False
    return True


def _finding(code: str, melding: str, severity: Severity = "error", locatie: str | None = None) -> Finding:
    return Finding(code=code, niveau=1, severity=severity, melding=melding, locatie=locatie)


def _policy_finding(level: PolicyLevel, code: str, melding: str) -> list[Finding]:
    return [] if level == "ignore" else [_finding(code, melding, severity=level)]


def read_path(path: str | os.PathLike[str], policy: InputPolicy = InputPolicy()) -> Document:
    """Read a file with the size limit applied before reading it into memory.

    Raises OSError when the file cannot be read at all (a usage error for the caller).
    """
    size = os.stat(path).st_size
    if size > policy.max_bytes:
        return Document(
            raw=b"",
            findings=[
                _finding(
                    XML_TE_GROOT,
                    f"Bestand is {size} bytes, meer dan de grens van {policy.max_bytes} bytes; niet gelezen.",
                )
            ],
        )
    return read_document(Path(path).read_bytes(), policy)


def read_document(data: bytes, policy: InputPolicy = InputPolicy()) -> Document:
    doc = Document(raw=data)
    if len(data) > policy.max_bytes:
        doc.findings.append(
            _finding(XML_TE_GROOT, f"Bericht is {len(data)} bytes, meer dan de grens van {policy.max_bytes} bytes.")
        )
        return doc
    if not data or data.isspace():  # not data.strip(): that would copy the whole file
        doc.findings.append(_finding(XML_LEEG_OF_BINAIR, "Het bestand is leeg."))
        return doc
    if data.startswith(_UTF16_BOMS):
        doc.findings.append(_finding(XML_GEEN_UTF8, "Het bestand is UTF-16 gecodeerd; een bericht moet UTF-8 zijn."))
    elif data.find(b"\x00", 0, 4096) >= 0:
        doc.findings.append(_finding(XML_LEEG_OF_BINAIR, "Het bestand bevat binaire gegevens (NUL-bytes); geen XML."))
        return doc
    if data.startswith(UTF8_BOM):
        doc.findings += _policy_finding(
            policy.bom, XML_BOM, "Het bestand begint met een byte order mark (BOM); een bericht moet UTF-8 zonder BOM zijn."
        )

    try:
        parser = _parsers.compact if COMPACT_TREE and _compact_safe(data) else _parsers.parser
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = f" (regel {exc.lineno}, kolom {exc.offset})" if exc.lineno else ""
        reason = _LXML_POSITION.sub("", exc.msg or "onbekende fout")
        if _DOCTYPE.search(data[:4096]):
            doc.findings.append(_finding(XML_DOCTYPE, _DOCTYPE_MELDING))
        doc.findings.append(_finding(XML_NIET_WELGEVORMD, f"Het bestand is geen welgevormde XML{line}: {reason}"))
        return doc

    doc.root = root
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        doc.findings.append(_finding(XML_DOCTYPE, _DOCTYPE_MELDING))
        # Entities can only be declared in a DTD, so only then can references be left in the tree.
        doc.has_entities = _has_entity_references(doc.root)
    encoding = (docinfo.encoding or "UTF-8").upper().replace("_", "-")
    if encoding not in ("UTF-8", "UTF8") and not data.startswith(_UTF16_BOMS):
        doc.findings.append(
            _finding(XML_GEEN_UTF8, f"Het bericht is gecodeerd als {docinfo.encoding}; de standaard vraagt UTF-8.")
        )
    if policy.line_endings != "ignore" and _has_bare_lf(data):  # the check counts the whole file
        doc.findings += _policy_finding(
            policy.line_endings, XML_REGELEINDEN, "Regels eindigen niet (allemaal) op CR/LF, zoals de standaard vraagt."
        )

    doc.namespace = _namespace_match(root.tag)
    if doc.namespace is None:
        ns = etree.QName(doc.root).namespace
        what = f"namespace {ns}" if ns else "geen namespace"
        doc.findings.append(
            _finding(
                MSG_ONBEKEND,
                f"Dit is geen iJw- of iWmo-bericht: rootelement {etree.QName(doc.root).localname} met {what}.",
                locatie=element_path(doc.root),
            )
        )
    elif doc.namespace.message is None:
        n = doc.namespace
        doc.findings.append(
            _finding(
                MSG_NIET_ONDERSTEUND,
                f"Bericht {n.nummer} van {n.standaard} release {n.release} wordt niet ondersteund.",
                locatie=element_path(doc.root),
            )
        )
    return doc


def _has_bare_lf(data: bytes) -> bool:
    """A line ends in LF without CR. The first line usually decides, without counting the file."""
    first = data.find(b"\n")
    if first < 0:
        return False
    if first == 0 or data[first - 1] != 0x0D:
        return True
    return data.count(b"\n") != data.count(b"\r\n")


_MATCHES: dict[str, NamespaceMatch | None] = {}
_UNSEEN = object()


def _namespace_match(tag: object) -> NamespaceMatch | None:
    """``match_namespace`` of the root's namespace, remembered per namespace (the match is immutable).

    Every message of a folder has one of a few namespaces; recognising it once saves a regex and
    a new MessageType per message.
    """
    if not isinstance(tag, str) or not tag.startswith("{"):
        return None
    namespace = tag[1:tag.index("}")]
    found = _MATCHES.get(namespace, _UNSEEN)
    if found is _UNSEEN:
        if len(_MATCHES) > 256:  # foreign namespaces must not grow the cache without bound
            _MATCHES.clear()
        found = _MATCHES[namespace] = match_namespace(namespace)
    return found  # type: ignore[return-value]


def _has_entity_references(root: etree._Element) -> bool:
    # Entity nodes only survive when resolve_entities=False met an entity reference.
    return any(True for _ in root.iter(etree.Entity))
