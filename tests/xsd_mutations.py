"""Deterministic mutations of sample messages, for the XSD differential test.

``mutants(data, ...)`` walks a message and yields small variations of it: every leaf gets the value
changes that fit what its value looks like (a date, a time, a number, a code, a version, free text),
and every element gets the structural changes (removed, duplicated, moved, renamed, put in another
namespace, given an attribute, ...). Whether a mutant is valid is not decided here: the test asks
both schema sets and requires the same answer.

Everything is seeded, so a disagreement can be reproduced from its label alone. To keep the count
manageable, a path that occurs several times in one message (``ToegewezenProduct[2]/Einddatum``) gets
the full treatment only on its first occurrence.
"""

from __future__ import annotations

import copy
import random
import re
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from lxml import etree

XSI = "http://www.w3.org/2001/XMLSchema-instance"
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIME_RE = re.compile(r"^\d{2}:\d{2}:\d{2}$")
VERSION_RE = re.compile(r"^\d+\.\d+\.\d+$")

# Lengths at which a facet of the basisschema changes its mind (max and max+1 of the string types).
LENGTHS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 15, 16, 20, 21, 24, 25, 35, 36, 37, 64, 65, 80, 81, 200, 201)
# Bounds of the integer types (0..99, 0..99999, 0..99999999, 0..999999999, 0..999999999999) and their neighbours.
INTEGERS = ("-1", "0", "99", "100", "99999", "100000", "99999999", "100000000", "999999999", "1000000000",
            "999999999999", "1000000000000")

DATES = (
    ("not a day", "2026-02-30"), ("leap day in a common year", "2025-02-29"), ("leap day", "2024-02-29"),
    ("month 13", "2026-13-01"), ("month 00", "2026-00-10"), ("day 00", "2026-01-00"), ("day 31 in June", "2027-06-31"),
    ("zone Z", "2026-04-01Z"), ("zone +01:00", "2026-04-01+01:00"), ("zone -05:00", "2026-04-01-05:00"),
    ("with time", "2026-04-01T12:00:00"), ("padded", "  2026-04-01  "), ("newlines", "\n2026-04-01\n"),
    ("compact", "20260401"), ("no leading zeros", "2026-4-1"), ("year 0000", "0000-01-01"),
    ("negative year", "-2026-01-01"), ("five-digit year", "12026-01-01"), ("slashes", "01/04/2026"),
    ("year 1900", "1900-01-01"), ("year 9999", "9999-12-31"),
)
TIMES = (
    ("24:00:00", "24:00:00"), ("hour 25", "25:00:00"), ("minute 60", "12:60:00"), ("second 60", "12:34:60"),
    ("zone Z", "12:34:56Z"), ("zone +01:00", "12:34:56+01:00"), ("zone -01:00", "12:34:56-01:00"),
    ("fraction", "12:34:56.123"), ("no seconds", "12:34"), ("padded", " 12:34:56 "), ("midnight", "00:00:00"),
    ("single digit hour", "1:02:03"),
)
VERSIONS = ("1.0", "01.0.0", "1.0.0.0", "1.00.0", "10.20.30", "v1.0.0", "0.0.0", "1.0.0-rc1", " 1.0.0 ")
TEXTS = (
    ("empty", ""), ("one space", " "), ("tab", "\t"), ("newline only", "\n"), ("letter", "A"), ("digit", "7"),
    ("dot", "."), ("dot space", ". ."), ("accented", "ÀÉ"), ("last accented in range", "ỳ"), ("just past range", "Ỵ"),
    ("eszett", "ß"), ("with dot", "A.B"), ("with space", "A B"), ("hyphen", "A-B"), ("apostrophe", "d'A"),
    ("non-breaking space", "\u00a0"), ("emoji", "\U0001f600"),
)


@dataclass(frozen=True)
class Mutant:
    label: str  # "<sample> | <path> | <what>", enough to rebuild it by hand
    data: bytes
    path: str  # index-free path of the element that was changed, e.g. /Bericht/Client/Bsn


def _local_path(el: etree._Element) -> str:
    parts = []
    while el is not None:
        parts.append(etree.QName(el).localname)
        el = el.getparent()
    return "/" + "/".join(reversed(parts))


def value_variants(value: str, rng: random.Random) -> list[tuple[str, str]]:
    """Replacement texts for a leaf, chosen by what the current value looks like."""
    v = value.strip()
    out: list[tuple[str, str]] = list(TEXTS)
    out += [
        ("leading space", " " + v), ("trailing space", v + " "), ("surrounded by newlines", "\n" + v + "\n"),
        ("letter appended", v + "X"), ("letter prepended", "X" + v), ("doubled", v * 2),
    ]
    if len(v) > 1:
        out.append(("last char dropped", v[:-1]))
    filler = "1" if v.isdigit() else "a"
    out += [(f"length {n}", filler * n) for n in LENGTHS]
    if DATE_RE.match(v):
        out += list(DATES)
    elif TIME_RE.match(v):
        out += list(TIMES)
    elif VERSION_RE.match(v):
        out += [(f"version {x!r}", x) for x in VERSIONS]
    if v.isdigit():
        out += [(f"integer {x}", x) for x in INTEGERS]
        out += [
            ("leading zero added", "0" + v), ("two leading zeros", "00" + v), ("leading zeros dropped", str(int(v))),
            ("plus sign", "+" + v), ("minus sign", "-" + v), ("decimal .0", v + ".0"), ("decimal .5", v + ".5"),
            ("exponent", v + "e0"), ("padded", "  " + v + "  "), ("inner space", v[:1] + " " + v[1:]),
            ("one digit fewer", v[:-1] or "0"), ("one digit more", v + "0"),
        ]
        if len(v) == 1:
            # every value of a one-digit code, and the same with a leading zero
            out += [(f"code {c}", c) for c in [str(i) for i in range(10)] + [f"0{i}" for i in range(10)]]
        elif len(v) == 2:
            # every value of a two-digit code, and the one-digit forms (leading zero dropped)
            out += [(f"code {c}", c) for c in [f"{i:02d}" for i in range(100)] + [str(i) for i in range(10)]]
    elif len(v) == 2 and v.isalpha():
        letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        pairs = sorted({a + b for a in letters for b in letters})
        out += [(f"code {c}", c) for c in rng.sample(pairs, 60)]
        out += [(f"code {c}", c) for c in (v.lower(), v[0] + "A", "A" + v[1], v[::-1], "XX", "ZZ", "EU", "UK")]
    return out


def _rename(el: etree._Element, namespace: str | None, local: str | None = None) -> None:
    q = etree.QName(el)
    el.tag = etree.QName(namespace, local or q.localname).text if namespace else (local or q.localname)


def structure_variants(
    el: etree._Element, namespaces: dict[str, str], rng: random.Random, donors: Sequence[etree._Element]
) -> Iterator[tuple[str, Callable[[etree._Element], object]]]:
    """(label, change) pairs; each change edits the element it is given, in a copy of the document."""
    is_root = el.getparent() is None
    if not is_root:
        yield "removed", lambda e: e.getparent().remove(e)
        yield "duplicated", lambda e: e.addnext(copy.deepcopy(e))
        previous, following = el.getprevious(), el.getnext()
        if previous is not None and isinstance(previous.tag, str):
            yield "moved before previous sibling", lambda e: e.getprevious().addprevious(e)
        if following is not None and isinstance(following.tag, str):
            yield "moved after next sibling", lambda e: e.getnext().addnext(e)
        yield "moved to end of parent", lambda e: e.getparent().append(e)
    own_ns = etree.QName(el).namespace
    for label, ns in namespaces.items():
        if ns != own_ns:
            yield f"namespace {label}", lambda e, ns=ns: _rename(e, ns)
    yield "no namespace", lambda e: _rename(e, None)
    local = etree.QName(el).localname
    yield "lower-case name", lambda e: _rename(e, own_ns, local[0].lower() + local[1:])
    yield "misspelt name", lambda e: _rename(e, own_ns, local + "s")
    yield "attribute foo", lambda e: e.set("foo", "1")
    yield "xsi:nil", lambda e: e.set(f"{{{XSI}}}nil", "true")
    yield "xml:lang", lambda e: e.set("{http://www.w3.org/XML/1998/namespace}lang", "nl")
    if el.prefix:
        # xsi:type naming a global type: the published schemas name most types after their element
        for type_name in (["Root"] if is_root else []) + [local, "Onbekend"]:
            yield f"xsi:type {type_name}", lambda e, t=type_name: e.set(f"{{{XSI}}}type", f"{e.prefix}:{t}")
    yield "comment and PI inside", lambda e: (e.insert(0, etree.Comment("c")), e.append(etree.PI("pi", "x")))
    if len(el):
        yield "children removed", lambda e: [e.remove(c) for c in list(e)]
        yield "text inside", lambda e: setattr(e[0], "tail", "tekst")
        yield "unknown first child", lambda e: e.insert(0, etree.Element(etree.QName(own_ns, "Onbekend").text))
        yield "unknown last child", lambda e: e.append(etree.Element(etree.QName(own_ns, "Onbekend").text))
        yield "first child duplicated", lambda e: e[0].addnext(copy.deepcopy(e[0]))
        yield "last child removed", lambda e: e.remove(e[-1])
        yield "children reversed", lambda e: [e.append(c) for c in reversed(list(e))]
        for donor in rng.sample(list(donors), min(2, len(donors))):
            where = rng.randrange(len(el) + 1)
            yield (
                f"transplant {_local_path(donor)} at {where}",
                lambda e, d=donor, w=where: e.insert(w, copy.deepcopy(d)),
            )
    else:
        yield "child element inside value", lambda e: e.append(etree.Element(etree.QName(own_ns, "Onbekend").text))
        yield "comment inside value", lambda e: _comment_inside(e)
        yield "CDATA value", lambda e: setattr(e, "text", etree.CDATA(e.text or ""))
        yield "non-ASCII letter appended", lambda e: setattr(e, "text", (e.text or "") + "\u00e9")


def _mask_bsn(text: str) -> str:
    """Labels end up in test output: never show nine consecutive digits (a possible Bsn) in full."""
    return re.sub(r"(?<!\d)\d{5}(\d{4})(?!\d)", r"*****\1", text)


def _comment_inside(e: etree._Element) -> None:
    text = e.text or ""
    half = len(text) // 2
    e.text = text[:half]
    c = etree.Comment("x")
    c.tail = text[half:]
    e.append(c)


def mutants(
    data: bytes,
    name: str,
    *,
    namespaces: dict[str, str],
    berichtcodes: Sequence[str],
    seed: int = 20260401,
    seen: set[str] | None = None,
) -> list[Mutant]:
    """All mutants of one message. ``namespaces`` maps a label to a namespace to move elements into.

    Pass the same ``seen`` set for several samples of one message type to mutate each path only in the
    first sample that has it.
    """
    rng = random.Random(seed ^ zlib.crc32(name.encode()))
    original = etree.fromstring(data, PARSER)
    elements = [e for e in original.iter() if isinstance(e.tag, str)]
    out: list[Mutant] = []
    seen = set() if seen is None else seen

    def emit(index: int, label: str, change: Callable[[etree._Element], object]) -> None:
        root = copy.deepcopy(original)
        change([e for e in root.iter() if isinstance(e.tag, str)][index])
        path = _local_path(elements[index])
        data = etree.tostring(root, encoding="UTF-8", xml_declaration=True)
        out.append(Mutant(f"{name} | {path} | {_mask_bsn(label)}", data, path))

    def set_text(text: str) -> Callable[[etree._Element], object]:
        return lambda e: setattr(e, "text", text)

    for index, el in enumerate(elements):
        path = _local_path(el)
        first = path not in seen
        seen.add(path)
        if not first:
            continue
        if len(el) == 0:
            for label, text in value_variants(el.text or "", rng):
                emit(index, f"value {label}: {text!r}", set_text(text))
            if etree.QName(el).localname == "BerichtCode":
                for code in berichtcodes:
                    emit(index, f"BerichtCode {code}", set_text(code))
        for label, change in structure_variants(el, namespaces, rng, elements[1:]):
            emit(index, label, change)
    return out


# Classes that carry their own RetourCodes in a retour message (IV028), per retour message number.
RETOUR_CLASSES: dict[str, tuple[str, ...]] = {
    "302": ("Client", "Relatie", "Contact", "ToegewezenProduct"),
    "306": ("Client", "StartProduct"),
    "308": ("Client", "StopProduct"),
    "316": ("Client", "AangevraagdProduct"),
}


def retour_from_heen(data: bytes, *, nummer: str, namespace: str, berichtcode: str) -> bytes:
    """A full retour built from a heen message: every class copied with RetourCode 0200.

    Most published retour samples are header-only; this gives the mutations a retour body to work on.
    """
    root = etree.fromstring(data, PARSER)
    heen_ns = etree.QName(root).namespace
    for el in root.iter(etree.Element):
        if etree.QName(el).namespace == heen_ns:
            _rename(el, namespace)
    etree.cleanup_namespaces(root, top_nsmap={"r": namespace})

    def m(local: str) -> str:
        return etree.QName(namespace, local).text

    def retourcodes() -> etree._Element:
        codes = etree.Element(m("RetourCodes"))
        etree.SubElement(codes, m("RetourCode")).text = "0200"
        return codes

    header = root.find(m("Header"))
    header.find(m("BerichtCode")).text = berichtcode
    xsd_versie = header.find(m("XsdVersie"))
    extra = [etree.Element(m("IdentificatieRetour")), etree.Element(m("DagtekeningRetour")),
             etree.Element(m("XsltVersie")), copy.deepcopy(xsd_versie), retourcodes()]
    extra[0].text, extra[1].text, extra[2].text = "RET-0001", "2026-05-06", "2.10.5"
    extra[3].tag = m("XsdVersieRetour")
    for el in reversed(extra):
        xsd_versie.addnext(el)
    for el in list(root.iter(etree.Element)):
        if el.getparent() is not None and etree.QName(el).localname in RETOUR_CLASSES[nummer] \
                and etree.QName(el).namespace == namespace and len(el):
            el.append(retourcodes())
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True)
