"""The rule engine: rules are small registered functions, and the list of rules is data.

A rule declares its code, level, retourcode, the messages and standards it applies to and a Dutch
one-line meaning; its function gets a ``RuleContext`` (the lxml tree of an XSD-valid message plus
namespace helpers) and yields findings. ``berichten rules`` and ``berichten explain`` print the
registry; nothing else needs to know which rules exist.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, TypeVar

from lxml import etree

from berichten.findings import Finding, Niveau, Severity
from berichten.release import MessageType, get_release
from berichten.xpath import ElementPaths

ALLE_STANDAARDEN = frozenset({"ijw", "iwmo"})

_T = TypeVar("_T")


class once(Generic[_T]):
    """``functools.cached_property`` without its lock: a context lives in one thread, and the
    lock costs more than most rules on an ordinary message."""

    def __init__(self, func: Callable[[Any], _T]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> _T:
        if obj is None:
            return self  # type: ignore[return-value]
        value = obj.__dict__[self.name] = self.func(obj)
        return value


class RuleContext:
    """What a rule sees: one XSD-valid message, with helpers to address its two namespaces."""

    __slots__ = ("root", "message", "mns", "bns", "__dict__")

    def __init__(self, root: etree._Element, message: MessageType) -> None:
        self.root = root
        self.message = message
        self.mns = message.namespace
        self.bns = get_release(message.standaard, message.release).basis_namespace

    def m(self, name: str) -> str:
        """Clark name of an element declared in the message schema (Header, Client, ...)."""
        return f"{{{self.mns}}}{name}"

    def b(self, name: str) -> str:
        """Clark name of an element declared in the basisschema (Datum, Code, ...)."""
        return f"{{{self.bns}}}{name}"

    @once
    def path(self) -> ElementPaths:
        """``ctx.path(element)``: the XSLT-style location, with sibling positions cached per message."""
        return ElementPaths()

    @once
    def header(self) -> etree._Element:
        header = child_at(self.root, 0, self.m("Header"))
        if header is None:
            raise LookupError("bericht zonder Header")  # not XSD-valid: no rule runs on it
        return header

    @once
    def client(self) -> etree._Element | None:
        """The first Client of the message (None in messages without one, such as a 323)."""
        return child_at(self.root, 1, self.m("Client"))

    @once
    def dagtekening_element(self) -> etree._Element | None:
        # Header: BerichtCode, BerichtVersie, BerichtSubversie, Afzender, Ontvanger, BerichtIdentificatie
        ident = child_at(self.header, 5, self.m("BerichtIdentificatie"))
        return None if ident is None else child_at(ident, 1, self.b("Dagtekening"))

    @once
    def dagtekening(self) -> date | None:
        el = self.dagtekening_element
        return parse_date(el.text) if el is not None else None


def child_at(parent: etree._Element, index: int, tag: str) -> etree._Element | None:
    """The first child with this tag, looked for first at the index where the schema puts it.

    The schema allows such a child once, so a hit at the index is the first one; indexing costs a
    tenth of a tag-filtered ``iterchildren`` (which sets up a matcher per call). Any other tree
    (comments, optional elements before it) falls back to the scan.
    """
    n = len(parent)  # not parent[index] in a try: an IndexError costs more than the whole lookup
    if -n <= index < n:
        found = parent[index]
        if found.tag == tag:
            return found
    for found in parent:
        if found.tag == tag:
            return found
    return None


def parse_date(text: str | None) -> date | None:
    """An xs:date as the schema accepts it (surrounding whitespace collapsed)."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


CheckFunction = Callable[[RuleContext], Iterable["Hit"]]


@dataclass(frozen=True, slots=True)
class Hit:
    """What a check function reports: where, and optionally a more specific Dutch text."""

    elements: tuple[etree._Element, ...]
    melding: str | None = None


def hit(*elements: etree._Element | None, melding: str | None = None) -> Hit:
    return Hit(tuple(e for e in elements if e is not None), melding)


@dataclass(frozen=True)
class Rule:
    code: str
    niveau: Niveau
    retourcode: str | None
    berichten: frozenset[str]
    standaarden: frozenset[str]
    melding: str  # one line, Dutch: what the rule demands
    check: CheckFunction = field(repr=False, compare=False)
    severity: Severity = "error"
    elementen: tuple[str, ...] = ()  # the elements the rule concerns, as /Bericht/... paths
    uitleg: str = ""  # longer Dutch explanation for `berichten explain`
    voorbeeld_fout: str = ""  # fixture file names (under fixtures/) of a minimal failing / passing example
    voorbeeld_goed: str = ""

    def applies_to(self, message: MessageType) -> bool:
        return message.nummer in self.berichten and message.standaard in self.standaarden

    def findings(self, ctx: RuleContext) -> list[Finding]:
        return [self.finding(ctx, h) for h in self.check(ctx)]

    def finding(self, ctx: RuleContext, h: Hit) -> Finding:
        return Finding(
            code=self.code,
            niveau=self.niveau,
            severity=self.severity,
            melding=h.melding or self.melding,
            retourcode=self.retourcode,
            locatie=ctx.path(h.elements[0]) if h.elements else None,
        )


_LEVEL_2: frozenset[Niveau] = frozenset({2})  # the default of run(), made once


class RuleRegistry:
    """Rules by code. Several rules may share a code when the standards differ in detail."""

    def __init__(self) -> None:
        self._rules: list[Rule] = []
        self._by_message: dict[str, list[Rule]] = {}
        self._by_levels: dict[tuple[str, str, frozenset[Niveau]], list[tuple[CheckFunction, Rule]]] = {}

    def register(self, rule: Rule) -> Rule:
        self._rules.append(rule)
        self._by_message.clear()
        self._by_levels.clear()
        return rule

    def rule(
        self,
        code: str,
        *,
        berichten: Iterable[str],
        melding: str,
        niveau: Niveau = 2,
        retourcode: str | None = "0001",
        standaarden: Iterable[str] = ALLE_STANDAARDEN,
        severity: Severity = "error",
        elementen: Iterable[str] = (),
        uitleg: str = "",
        voorbeeld_fout: str = "",
        voorbeeld_goed: str = "",
    ) -> Callable[[CheckFunction], CheckFunction]:
        """Decorator: ``@REGISTRY.rule("CS002", berichten=["301"], melding="...")``."""

        def decorate(func: CheckFunction) -> CheckFunction:
            self.register(
                Rule(
                    code=code,
                    niveau=niveau,
                    retourcode=retourcode,
                    berichten=frozenset(berichten),
                    standaarden=frozenset(standaarden),
                    melding=melding,
                    check=func,
                    severity=severity,
                    elementen=tuple(elementen),
                    uitleg=uitleg or (func.__doc__ or "").strip(),
                    voorbeeld_fout=voorbeeld_fout,
                    voorbeeld_goed=voorbeeld_goed,
                )
            )
            return func

        return decorate

    def __iter__(self) -> Iterator[Rule]:
        return iter(sorted(self._rules, key=lambda r: r.code))

    def __len__(self) -> int:
        return len(self._rules)

    def by_code(self, code: str) -> list[Rule]:
        return [r for r in self._rules if r.code.upper() == code.upper()]

    def for_message(self, message: MessageType) -> list[Rule]:
        key = f"{message.standaard}/{message.nummer}"
        rules = self._by_message.get(key)
        if rules is None:
            rules = [r for r in self._rules if r.applies_to(message)]
            self._by_message[key] = rules
        return rules

    def _for_levels(self, message: MessageType, niveaus: frozenset[Niveau]) -> list[tuple[CheckFunction, Rule]]:
        """The rules of one message type and these levels with their checks, filtered once per process."""
        key = (message.standaard, message.nummer, niveaus)
        rules = self._by_levels.get(key)
        if rules is None:
            rules = [(r.check, r) for r in self.for_message(message) if r.niveau in niveaus]
            self._by_levels[key] = rules
        return rules

    def run(self, root: etree._Element, message: MessageType, niveaus: Iterable[Niveau] = _LEVEL_2,
            ctx: RuleContext | None = None) -> list[Finding]:
        """All findings of the rules of the given levels on one XSD-valid message.

        ``ctx``: a context the caller made for this root and message, to read the per-message
        records the rules left in it afterwards (the pipeline hands it to level 4)."""
        if ctx is None:
            ctx = RuleContext(root, message)
        findings: list[Finding] = []
        # Most rules find nothing in most messages, so what a rule costs when it has nothing to say
        # is what a folder of messages pays: checks return a list (an empty one is skipped at once)
        # or an iterable (a generator is always true and simply iterated).
        for check, rule in self._for_levels(message, niveaus if isinstance(niveaus, frozenset) else frozenset(niveaus)):
            hits = check(ctx)
            if hits:
                for h in hits:
                    findings.append(rule.finding(ctx, h))
        return findings


# The registry of the standard's own rules; rule modules register into it on import.
REGISTRY = RuleRegistry()
