"""Which rule codes the official rule XSLT can raise on which message, derived from the XSLT itself.

The XSLT is read as a program, not run. Starting at its template for ``Bericht``, we follow every
``apply-templates`` (mode and select) and ``call-template`` on a *universal instance* of each message:
one element for every element declaration its XSD reaches (all optional ones, every branch of a
choice). A template is entered where XSLT would pick it (highest priority among those whose pattern
matches, the last one on a tie), and every literal ``pRule`` inside it or in the named templates it
calls is a code that can fire on that message. Two refinements keep the answer honest:

- value tests in patterns (``[RedenWijziging/text() = '13']``) are read as "the element exists", since
  any value can occur;
- a template that compares its element with a same-named sibling (the duplicate checks of TR101 and
  TR383) can only fire where the XSD lets that element repeat: TR101 on the single ``Client`` cannot.

The analysis works for both standards because it uses the stylesheet's own prefixes (n0..n9 are bound to
message and basisschema namespaces differently in iJw and iWmo). ``docs/coverage.py`` and
``tests/test_rule_coverage.py`` use it; it needs the reference material (``tests.reference``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from lxml import etree

from berichten.release import RELEASES, MessageType, get_release
from tests.reference import REFERENCE_DIR, SAFE_PARSER
from berichten.validators.xsd import DEFAULT_XSD_DIR

XSL = "http://www.w3.org/1999/XSL/Transform"
_VALUE_TEST = re.compile(r"\[([^\[\]]*?)\s*!?=\s*'[^']*'\]")  # [path = 'v'] -> [path]


def xslt_path(standaard: str) -> Path:
    return REFERENCE_DIR / f"{standaard}-3.2" / "xslt" / f"{standaard}-3.2-regels.xsl"


# --- the universal instance -------------------------------------------------------------------------


@dataclass
class Instance:
    root: etree._Element
    repeatable: set[etree._Element] = field(default_factory=set)


@lru_cache(maxsize=None)
def universal_instance(message: MessageType, xsd_dir: Path = DEFAULT_XSD_DIR) -> Instance:
    """One element per element declaration reachable from Bericht in the message's XSD (shared: do not edit)."""
    import xmlschema  # only the tests and docs/coverage.py need it

    rel = get_release(message.standaard, message.release)
    schema = xmlschema.XMLSchema(str(xsd_dir / rel.key / message.schema_file))
    root = etree.Element(schema.elements["Bericht"].name)
    instance = Instance(root)

    def fill(parent: etree._Element, xsd_type: object, ancestors: frozenset[int]) -> None:
        if xsd_type.is_simple() or xsd_type.has_simple_content():
            parent.text = "1"
            return
        add_group(parent, xsd_type.content, False, ancestors)

    def add_group(parent: etree._Element, group: object, repeats: bool, ancestors: frozenset[int]) -> None:
        repeats = repeats or group.max_occurs is None or group.max_occurs > 1
        for particle in group:
            if not hasattr(particle, "type"):  # a nested sequence or choice
                add_group(parent, particle, repeats, ancestors)
                continue
            if id(particle.type) in ancestors:  # a recursive type: one level is enough
                continue
            child = etree.SubElement(parent, particle.name)
            if repeats or particle.max_occurs is None or particle.max_occurs > 1:
                instance.repeatable.add(child)
            fill(child, particle.type, ancestors | {id(particle.type)})

    fill(root, schema.elements["Bericht"].type, frozenset())
    return instance


# --- the stylesheet ------------------------------------------------------------------------------------


def _alternatives(pattern: str) -> list[str]:
    """The alternatives of a pattern, split at ``|`` outside predicates."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(pattern):
        depth += ch == "["
        depth -= ch == "]"
        if ch == "|" and depth == 0:
            parts.append(pattern[start:i].strip())
            start = i + 1
    parts.append(pattern[start:].strip())
    return parts


def _default_priority(alternative: str) -> float:
    """The XSLT 1.0 default priority of one alternative of a pattern."""
    if "/" in alternative or "[" in alternative:
        return 0.5
    if alternative in ("*", "@*", "node()", "text()"):
        return -0.5
    if alternative.endswith(":*"):
        return -0.25
    return 0.0


@dataclass(eq=False)
class Template:
    position: int
    node: etree._Element
    mode: str | None
    alternatives: list[tuple[str, float]]  # (XPath selecting what the alternative matches, priority)
    same_name_sibling: bool  # compares its element with a sibling of the same name


class Stylesheet:
    """The templates of a rule XSLT, indexed by mode and by name."""

    def __init__(self, path: Path) -> None:
        root = etree.parse(str(path), SAFE_PARSER).getroot()
        self.namespaces = {k: v for k, v in root.nsmap.items() if k}
        self.named: dict[str, Template] = {}
        self.by_mode: dict[str | None, list[Template]] = {}
        for position, node in enumerate(root.iterchildren(f"{{{XSL}}}template")):
            match = node.get("match")
            alternatives = []
            if match:
                for alt in _alternatives(match):
                    priority = float(node.get("priority")) if node.get("priority") else _default_priority(alt)
                    test = alt if "local-name()" in alt else _VALUE_TEST.sub(r"[\1]", alt)
                    alternatives.append((test if test.startswith("/") else "//" + test, priority))
            template = Template(position, node, node.get("mode"), alternatives, self._same_name_sibling(node, match))
            if node.get("name"):
                self.named[node.get("name")] = template
            if match:
                self.by_mode.setdefault(template.mode, []).append(template)

    @staticmethod
    def _same_name_sibling(node: etree._Element, match: str | None) -> bool:
        if not match or "[" in match or "|" in match:
            return False
        name = re.escape(match.split("/")[-1])
        text = etree.tostring(node, encoding="unicode")
        return re.search(rf"(following|preceding)-sibling::{name}(?![\w.-])", text) is not None


@dataclass(frozen=True)
class Reach:
    """A code the XSLT can raise on a message, with the template (mode and match) that raises it."""

    code: str
    mode: str | None
    match: str | None


class Analysis:
    """The walk of one stylesheet over one universal instance."""

    def __init__(self, sheet: Stylesheet, instance: Instance) -> None:
        self.sheet = sheet
        self.instance = instance
        self._matched: dict[tuple[int, int], frozenset[etree._Element]] = {}
        self._seen: set[tuple[int, etree._Element]] = set()
        self.reached: set[Reach] = set()

    def _matches(self, template: Template) -> Iterator[tuple[frozenset[etree._Element], float]]:
        for i, (xpath, priority) in enumerate(template.alternatives):
            key = (template.position, i)
            if key not in self._matched:
                found = self.instance.root.xpath(xpath, namespaces=self.sheet.namespaces)
                self._matched[key] = frozenset(e for e in found if isinstance(e, etree._Element))
            yield self._matched[key], priority

    def chosen(self, mode: str | None, element: etree._Element) -> Template | None:
        """The template XSLT applies to this element in this mode (built-in rules aside)."""
        best: tuple[float, int] | None = None
        chosen = None
        for template in self.sheet.by_mode.get(mode, []):
            for matched, priority in self._matches(template):
                if element in matched and (best is None or (priority, template.position) > best):
                    best, chosen = (priority, template.position), template
        return chosen

    def apply(self, mode: str | None, targets: list[etree._Element]) -> None:
        for target in targets:
            template = self.chosen(mode, target)
            if template is None:  # XSLT's built-in rule: go on with the children
                self.apply(mode, list(target))
                continue
            self.walk(template, target)

    def walk(self, template: Template, element: etree._Element) -> None:
        key = (template.position, element)
        if key in self._seen:
            return
        self._seen.add(key)
        if template.same_name_sibling and element not in self.instance.repeatable:
            return
        for node in template.node.iter(f"{{{XSL}}}with-param", f"{{{XSL}}}call-template", f"{{{XSL}}}apply-templates"):
            local = etree.QName(node).localname
            if local == "with-param":
                if node.get("name") == "pRule" and node.get("select") is None and (node.text or "").strip():
                    self.reached.add(Reach(node.text.strip(), template.mode, template.node.get("match")))
            elif local == "call-template":
                self.walk(self.sheet.named[node.get("name")], element)
            else:
                if next(node.iterancestors(f"{{{XSL}}}for-each"), None) is not None:
                    raise NotImplementedError("apply-templates inside for-each: the context is not followed")
                select = node.get("select") or "node()"
                found = element.xpath(select, namespaces=self.sheet.namespaces)
                self.apply(node.get("mode"), [e for e in found if isinstance(e, etree._Element)])


@lru_cache(maxsize=None)
def stylesheet(standaard: str) -> Stylesheet:
    return Stylesheet(xslt_path(standaard))


@lru_cache(maxsize=None)
def reachable(standaard: str, nummer: str, release: str = "3.2") -> frozenset[Reach]:
    """Every (code, template) the official XSLT can raise on this message."""
    message = get_release(standaard, release).message(nummer)
    analysis = Analysis(stylesheet(standaard), universal_instance(message))
    analysis.apply(None, [analysis.instance.root])
    return frozenset(analysis.reached)


def xslt_codes(standaard: str, nummer: str) -> frozenset[str]:
    return frozenset(r.code for r in reachable(standaard, nummer))


def messages() -> list[MessageType]:
    """Every message of every release we know, in number order."""
    return [m for rel in RELEASES.values() for m in rel.messages()]


# --- the project's side: registry and documented deviations ------------------------------------------

AFWIJKINGEN = Path(__file__).resolve().parent.parent / "docs" / "afwijkingen.md"
_TABLE = re.compile(r"<!-- coverage-deviations:begin -->(.*?)<!-- coverage-deviations:end -->", re.S)


@dataclass(frozen=True)
class Documented:
    """One row of the coverage table in docs/afwijkingen.md."""

    code: str
    berichten: frozenset[str]
    standaarden: frozenset[str]
    kind: str  # "extra" (we check, the XSLT cannot) or "missing" (the XSLT checks, we do not)
    reason: str

    def covers(self, standaard: str, nummer: str, code: str) -> bool:
        return code == self.code and nummer in self.berichten and standaard in self.standaarden


def documented_deviations(path: Path = AFWIJKINGEN) -> list[Documented]:
    found = _TABLE.search(path.read_text(encoding="utf-8"))
    if found is None:
        raise ValueError(f"{path}: no coverage-deviations table")
    rows = []
    for line in found.group(1).strip().splitlines()[2:]:  # after the header and the |---| line
        code, berichten, standaarden, kind, reason = (c.strip() for c in line.strip().strip("|").split("|"))
        if kind not in ("extra", "missing"):
            raise ValueError(f"{path}: kind of {code} is {kind!r}, not extra or missing")
        rows.append(Documented(code, frozenset(berichten.split()), frozenset(standaarden.split()), kind, reason))
    return rows


def registered_codes(message: MessageType) -> frozenset[str]:
    """The level-2 codes our rule registry runs on this message."""
    import berichten.validators.rules  # noqa: F401  (registers the rules)
    from berichten.validators.engine import REGISTRY

    return frozenset(r.code for r in REGISTRY.for_message(message) if r.niveau == 2)


@dataclass(frozen=True)
class Cell:
    """One code on one message: what the XSLT can do, what we do, and whether that is documented."""

    standaard: str
    nummer: str
    code: str
    xslt: bool
    ours: bool
    documented: Documented | None

    @property
    def status(self) -> str:
        """implemented / afwijking / ontbreekt / onverwacht (the last two make the coverage test fail)."""
        if self.xslt and self.ours:
            return "implemented"
        if self.documented is not None and self.documented.kind == ("missing" if self.xslt else "extra"):
            return "afwijking"
        return "ontbreekt" if self.xslt else "onverwacht"


def coverage() -> list[Cell]:
    """Every (standaard, bericht, code) that the XSLT or our registry has, sorted."""
    documented = documented_deviations()
    cells = []
    for message in messages():
        xslt, ours = xslt_codes(message.standaard, message.nummer), registered_codes(message)
        for code in sorted(xslt | ours):
            doc = next((d for d in documented if d.covers(message.standaard, message.nummer, code)), None)
            cells.append(Cell(message.standaard, message.nummer, code, code in xslt, code in ours, doc))
    return cells


# --- docs/dekking.md -----------------------------------------------------------------------------------

DEKKING = Path(__file__).resolve().parent.parent / "docs" / "dekking.md"
_SHOWN = {"implemented": "implemented", "afwijking": "afwijking", "ontbreekt": "ONTBREEKT", "onverwacht": "ONVERWACHT"}


def dekking_markdown(cells: list[Cell]) -> str:
    """The coverage table, code x message per standard, as docs/dekking.md holds it."""
    lines = [
        "# Dekking: level-2 codes per message",
        "",
        "Generated by `docs/coverage.py` from the rule registry (`validators.engine.REGISTRY`) and the",
        "analysis of the official rule XSLT (`tests/xslt_coverage.py`); do not edit by hand.",
        "`tests/test_rule_coverage.py` fails when this file differs from what the script generates.",
        "",
        "- `implemented`: the XSLT can raise the code on this message and we have a rule for it;",
        "- `afwijking`: a documented deviation (docs/afwijkingen.md, part 3);",
        "- `ONTBREEKT`: the XSLT can raise it and we have no rule (the coverage test fails);",
        "- `ONVERWACHT`: we raise it where the XSLT cannot, undocumented (the coverage test fails);",
        "- `-`: neither.",
    ]
    for standaard, titel in (("ijw", "iJw 3.2"), ("iwmo", "iWmo 3.2")):
        nummers = [m.nummer for m in messages() if m.standaard == standaard]
        mine = {(c.nummer, c.code): c for c in cells if c.standaard == standaard}
        codes = sorted({code for _, code in mine})
        lines += ["", f"## {titel}", "", "| code | " + " | ".join(nummers) + " |", "|---" * (len(nummers) + 1) + "|"]
        for code in codes:
            row = [_SHOWN[mine[(n, code)].status] if (n, code) in mine else "-" for n in nummers]
            lines.append(f"| {code} | " + " | ".join(row) + " |")
        counts = {s: sum(c.status == s for c in mine.values()) for s in _SHOWN}
        lines += ["", ", ".join(f"{_SHOWN[s]}: {n}" for s, n in counts.items()) + "."]
    return "\n".join(lines) + "\n"
