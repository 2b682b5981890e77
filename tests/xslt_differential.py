"""Shared parts of the differential tests of our rules against the official rule XSLT.

A mutation is compared message by message: the multiset of (code, first Locatie) of our engine
against that of the XSLT (``tests.reference.xslt_fouten``). Where we knowingly differ, a
``Deviation`` names the codes to set aside for the messages it applies to (docs/afwijkingen.md).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from lxml import etree

from berichten.release import MessageType, match_namespace
from tests.xmledit import PARSER, local
from berichten.validators.engine import REGISTRY

STANDARDS = {"ijw": "JW", "iwmo": "WMO"}
Applies = Callable[[etree._Element], bool]


def padded_date(names: Iterable[str]) -> Applies:
    """A date element (by local name) with whitespace around its text: XSD-valid, but the XSLT
    cuts or compares the raw text."""
    wanted = frozenset(names)
    return lambda root: any(local(el) in wanted and el.text and el.text != el.text.strip() for el in root.iter())


def same_number_other_text(root: etree._Element) -> bool:
    """Two ToewijzingNummers that are one xs:integer but another text (0300201 and 300201)."""
    nummers = [el.text for el in root.iter() if local(el) == "ToewijzingNummer"]
    return len({int(n) for n in nummers}) < len(set(nummers))


@dataclass(frozen=True)
class Deviation:
    reason: str
    codes: frozenset[str]
    applies: Applies


@dataclass
class Outcome:
    mutation: Any  # the generator's Mutation
    ours: list[tuple[str, str | None]]
    xslt: list[tuple[str, str | None]]
    deviations: tuple[str, ...]  # names of the deviations that apply to this message
    skip: frozenset[str]  # their codes

    @property
    def exact(self) -> bool:
        return self.ours == self.xslt

    @property
    def agrees(self) -> bool:
        """Equal, or equal outside the codes of the deviations that apply to this message."""
        return [f for f in self.ours if f[0] not in self.skip] == [f for f in self.xslt if f[0] not in self.skip]


@dataclass
class Run:
    generated: int
    outcomes: list[Outcome]


def message_of(root: etree._Element) -> MessageType:
    match = match_namespace(etree.QName(root).namespace)
    assert match is not None and match.message is not None
    return match.message


def compare(reference, mutation, deviations: dict[str, Deviation], leave_out: frozenset[str] = frozenset()) -> Outcome:
    """Our findings and the XSLT's on ``mutation.data`` (XSLT codes in ``leave_out`` not counted)."""
    root = etree.fromstring(mutation.data, PARSER)
    ours = sorted((f.code, f.locatie) for f in REGISTRY.run(root, message_of(root)))
    xslt = sorted(
        (f.code, f.locaties[0] if f.locaties else None)
        for f in reference.xslt_fouten(mutation.data, mutation.standaard)
        if f.code not in leave_out
    )
    applying = tuple(name for name, dev in deviations.items() if dev.applies(root))
    skip = frozenset().union(*(deviations[d].codes for d in applying))
    return Outcome(mutation, ours, xslt, applying, skip)


def assert_agreement(label: str, run: Run) -> None:
    """Every outcome agrees; prints how many are identical and which deviations were needed."""
    wrong = [o for o in run.outcomes if not o.agrees]
    exact = sum(o.exact for o in run.outcomes)
    deviating = Counter(d for o in run.outcomes if not o.exact for d in o.deviations)
    n = len(run.outcomes)
    print(
        f"\n[{label}] {run.generated} generated, {n} XSD-valid, {exact} identical to the XSLT "
        f"({100 * exact / n:.1f}%), {n - len(wrong)} agree when expected deviations are set aside "
        f"({100 * (n - len(wrong)) / n:.1f}%); deviations: {dict(deviating)}"
    )
    assert not wrong, "\n".join(f"{o.mutation.name} ({o.mutation.base}): ours {o.ours} xslt {o.xslt}" for o in wrong[:10])


def differing_codes(outcome: Outcome) -> set[str]:
    """The codes in which our findings and the XSLT's differ (as multisets)."""
    ours, xslt = Counter(outcome.ours), Counter(outcome.xslt)
    return {code for code, _ in (ours - xslt) + (xslt - ours)}


def registered_level2(message: MessageType) -> set[str]:
    """Codes of the level-2 rules (the XSLT's level) registered for this message."""
    return {r.code for r in REGISTRY.for_message(message) if r.niveau == 2}


def compare_registered(reference, mutation, deviations: dict[str, Deviation], generic: frozenset[str]) -> Outcome:
    """``compare``, leaving out the generic XSLT codes that are not registered for this message."""
    message = message_of(etree.fromstring(mutation.data, PARSER))
    return compare(reference, mutation, deviations, leave_out=frozenset(generic - registered_level2(message)))


def published_xsd_valid(reference, mutation) -> bool:
    """Only mutations the published XSD accepts are compared (the XSLT assumes a valid message)."""
    pre = STANDARDS[mutation.standaard]
    return reference.published_xsd_verdict(mutation.data, mutation.standaard, f"{pre}{mutation.bericht}.xsd")
