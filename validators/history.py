"""Level-3 rules ("berichtoverstijgend"): checks of one message against messages received before.

The rules read earlier messages through the ``History`` protocol, so this module needs no
database: ``store.history.StoreHistory`` implements it over the store. A rule has the same shape as
a level-2 rule (``validators.engine.Rule``) with ``niveau=3`` and its own retourcode; its check
function gets a ``HistoryContext`` (a ``RuleContext`` plus ``history``).

Interpretations (project decisions, see docs/store.md):

- Everything is scoped by standard (the legal domain) and by the parties of the header: a 305/307
  is matched with 301s from its Ontvanger (gemeente) to its Afzender (aanbieder), for the same client.
- A product with StatusAanlevering 3 (delete) is only checked by TR063 and TR071; the other rules
  concern new deliveries (StatusAanlevering 1).
- The logical key of a start is ToewijzingNummer + Product (Categorie, Code) + Begindatum; a stop
  adds its Einddatum. A key is "active" when it was delivered (1) more often than deleted (3).
- A start without ToewijzingNummer (task-based work) is not checked by TR019.
- Requests are 315s (per AangevraagdProduct) and 317s (one Verzoek). A request is open until a 301
  for the client carries its ReferentieAanbieder or a 319 rejects it (VerzoekAntwoord 1); a 319 has
  no client and is matched by provider and reference, which TR347 makes unique per provider.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Protocol

from lxml import etree

from berichten.findings import Finding
from berichten.header import Header, read_header
from berichten.texts import child_texts
from berichten.release import MessageType
from berichten.validators.engine import Hit, RuleContext, RuleRegistry, hit, parse_date

BEIDE = ("ijw", "iwmo")
# TR056 holds for every message a party sends first (not for retours): allocations, starts, stops,
# requests (315, 317), answers (319) and declarations (323, 325).
HEEN_BERICHTEN = ("301", "305", "307", "315", "317", "319", "323", "325")
VERZOEKEN = ("315", "317")  # requests: a 315 per AangevraagdProduct, a 317 once (Client/Verzoek)
AFGEWEZEN = "1"  # VerzoekAntwoord of a 319: the request is rejected (2: still under investigation)
TIJDELIJKE_STOP = "20"  # RedenBeeindiging: temporary stop (OP377-OP379)
VERWIJDERD = "13"  # RedenWijziging: allocation deleted


# --- what the rules get from the history ----------------------------------------------------------


@dataclass(frozen=True)
class ToewijzingVersie:
    """One stored ToegewezenProduct version."""

    aanbieder: str
    client: str
    referentie_aanbieder: str | None
    ingangsdatum: date
    einddatum: date | None
    reden_wijziging: str | None
    toewijzingsdatum: date
    toewijzingstijd: str  # HH:MM:SS, sortable
    dagtekening: date
    # What the declaration rules (validators/history_declaraties.py) compare a Prestatie with.
    categorie: str | None = None
    code: str | None = None
    volume: int | None = None
    eenheid: str | None = None
    frequentie: str | None = None
    budget: int | None = None  # eurocent

    @property
    def verwijderd(self) -> bool:
        return self.reden_wijziging in ("01", VERWIJDERD) and self.einddatum == self.ingangsdatum


@dataclass(frozen=True)
class Levering:
    """One stored StartProduct or StopProduct, in order of receipt."""

    toewijzing_nummer: int | None
    categorie: str | None
    code: str | None
    begindatum: date
    status_aanlevering: str
    reden_beeindiging: str | None = None  # stops only
    einddatum: date | None = None  # stops only

    @property
    def start_key(self) -> tuple:
        return (self.toewijzing_nummer, self.categorie, self.code, self.begindatum)

    @property
    def stop_key(self) -> tuple:
        return (*self.start_key, self.einddatum)


@dataclass(frozen=True)
class VerzoekRef:
    """One stored AangevraagdProduct."""

    gemeente: str
    client: str
    referentie_aanbieder: str


@dataclass(frozen=True)
class PrestatieRef:
    """One stored Prestatie of an accepted 323 (amounts in eurocent), with its fate: ``afgewezen``
    when a stored 325 on its declaration rejects it (the whole declaration, its client or the line)."""

    aanbieder: str
    gemeente: str
    identificatie: str  # of the 323 it came in
    client: str
    referentie_nummer: str
    vorig_referentie_nummer: str | None
    toewijzing_nummer: int | None
    categorie: str | None
    code: str | None
    begindatum: date
    einddatum: date
    volume: int
    eenheid: str
    tarief: int | None
    bedrag: int
    debet_credit: str
    afgewezen: bool = False

    @property
    def debet(self) -> bool:
        return self.debet_credit == "D"


class History(Protocol):
    """Read access to earlier messages. ``client`` turns a Bsn into the key the other methods use."""

    def client(self, bsn: str) -> str: ...

    def identificatie_seen(
        self, standaard: str, afzender: str, berichtcode: str, identificatie: str, exclude_sha256: str | None = None
    ) -> bool: ...

    def toewijzingen(self, standaard: str, gemeente: str, nummer: int) -> list[ToewijzingVersie]: ...

    def starts(self, standaard: str, aanbieder: str, gemeente: str, client: str, nummer: int | None) -> list[Levering]: ...

    def stops(self, standaard: str, aanbieder: str, gemeente: str, client: str, nummer: int | None) -> list[Levering]: ...

    def verzoeken(self, standaard: str, aanbieder: str, referentie: str) -> list[VerzoekRef]: ...

    def open_verzoeken(self, standaard: str, aanbieder: str, client: str) -> list[str]: ...

    # Declarations (323, 325): validators/history_declaraties.py.
    def declaratie_nummer_seen(self, standaard: str, aanbieder: str, nummer: str) -> bool: ...

    def prestaties(self, standaard: str, aanbieder: str, referentie: str) -> list[PrestatieRef]:
        """The provider's stored Prestaties with this ReferentieNummer, in order of receipt."""
        ...

    def prestaties_op_toewijzing(self, standaard: str, gemeente: str, nummer: int) -> list[PrestatieRef]:
        """Every stored Prestatie declared to the gemeente on this ToewijzingNummer, in order of receipt."""
        ...

    def declaratie_prestaties(self, standaard: str, aanbieder: str, gemeente: str, identificatie: str) -> list[PrestatieRef]:
        """The Prestaties of the stored 323 with this Identificatie from the provider to the gemeente."""
        ...

    def client_bekend(self, standaard: str, gemeente: str, aanbieder: str, client: str) -> bool:
        """Whether the gemeente sent the provider an allocation (301) for this client."""
        ...


class HistoryContext(RuleContext):
    """A level-2 rule context plus the history and the message's own parties."""

    def __init__(
        self, root: etree._Element, message: MessageType, history: History, sha256: str | None = None,
        head: Header | None = None,
    ) -> None:
        super().__init__(root, message)
        self.history = history
        self.sha256 = sha256
        # The header as the importer already read it (``Document.header``), else read here once.
        self.head = head if head is not None else read_header(root)

    @property
    def afzender(self) -> str:
        return self.head.afzender or ""

    @property
    def ontvanger(self) -> str:
        return self.head.ontvanger or ""

    @cached_property
    def client_el(self) -> etree._Element | None:
        return next(self.root.iterchildren(self.m("Client")), None)

    @cached_property
    def client_key(self) -> str:
        """The history's key for this message's client (the store uses a pseudonym of the Bsn)."""
        return self.history.client(self.head.bsn or "")

    def fields(self, el: etree._Element) -> dict[str, str | None]:
        """The texts of a product class by local name (``berichten.texts.child_texts``), read once
        per class however many rules ask."""
        cache = self.__dict__.setdefault("_fields", {})
        found = cache.get(el)
        if found is None:
            found = cache[el] = child_texts(el)
        return found

    def text(self, el: etree._Element, name: str) -> str | None:
        return self.fields(el).get(name)

    def nummer(self, el: etree._Element) -> int | None:
        value = self.text(el, "ToewijzingNummer")
        return int(value) if value is not None else None

    def levering(self, el: etree._Element) -> Levering:
        """A StartProduct or StopProduct of this message in the shape the history returns."""
        f = self.fields(el)
        nummer = f.get("ToewijzingNummer")
        return Levering(
            toewijzing_nummer=int(nummer) if nummer is not None else None,
            categorie=f.get("Product/Categorie"),
            code=f.get("Product/Code"),
            begindatum=parse_date(f.get("Begindatum")),
            status_aanlevering=f.get("StatusAanlevering") or "",
            reden_beeindiging=f.get("RedenBeeindiging"),
            einddatum=parse_date(f.get("Einddatum")),
        )

    @cached_property
    def leveringen(self) -> list[tuple[etree._Element, Levering]]:
        """The StartProducts of a 305 or StopProducts of a 307 with their values, read once for all rules."""
        if self.message.nummer == "305":
            els = self.producten("StartProducten", "StartProduct")
        else:
            els = self.producten("StopProducten", "StopProduct")
        return [(el, self.levering(el)) for el in els]

    def earlier(self, kind: str, nummer: int | None) -> list[Levering]:
        """Earlier starts or stops (``kind``) of this provider, gemeente and client for a number; asked
        of the history once per message and number, as several rules need the same answer."""
        cache = self.__dict__.setdefault("_earlier", {})
        key = (kind, nummer)
        if key not in cache:
            lookup = self.history.starts if kind == "starts" else self.history.stops
            cache[key] = lookup(self.message.standaard, self.afzender, self.ontvanger, self.client_key, nummer)
        return list(cache[key])

    def producten(self, container: str, klasse: str) -> list[etree._Element]:
        """The classes ``klasse`` under the client's ``container`` (a new list each call, found once)."""
        cache = self.__dict__.setdefault("_producten", {})
        key = (container, klasse)
        if key not in cache:
            wrapper = next(self.client_el.iterchildren(self.m(container)), None)
            cache[key] = [] if wrapper is None else list(wrapper.iterchildren(self.m(klasse)))
        return list(cache[key])

    # The other places where rules read the tree; ``FactsContext`` answers them from ``Facts``.

    def client_klassen(self, name: str) -> list[etree._Element]:
        """The Client's children called ``name`` (the Verzoek of a 317)."""
        return list(self.client_el.iterchildren(self.m(name)))

    def prestatie_groepen(self, top: str) -> list[tuple[etree._Element, str, list[etree._Element]]]:
        """(Client, its Bsn, its Prestaties) for each Client under ``top`` (Declaratie or DeclaratieAntwoord)."""
        return [
            (client_el, (client_el.findtext(self.m("Bsn")) or "").strip(),
             list(client_el.iterfind(f"{self.m('Prestaties')}/{self.m('Prestatie')}")))
            for wrapper in self.root.iterchildren(self.m(top))
            for client_el in wrapper.iterfind(f"{self.m('Clienten')}/{self.m('Client')}")
        ]

    def declaraties(self) -> list[tuple[etree._Element, str]]:
        """Each Declaratie of a 323 with its DeclaratieNummer."""
        return [(d, (d.findtext(self.m("DeclaratieNummer")) or "").strip()) for d in self.root.iterchildren(self.m("Declaratie"))]

    def declaratie_identificatie(self) -> str:
        """The Identificatie of the declaration a 325 answers (from its Header)."""
        header = self.header
        if header is None:
            return ""
        return (header.findtext(f"{self.m('DeclaratieIdentificatie')}/{{*}}Identificatie") or "").strip()


# --- the same message without its tree (import --jobs) --------------------------------------------------


class Node:
    """An element as the level-3 rules use it without the tree: its location and, for a class, its texts."""

    __slots__ = ("path", "fields")

    def __init__(self, path: str, fields: dict[str, str | None] | None = None) -> None:
        self.path = path
        self.fields = fields

    def __reduce__(self):  # a plain tuple through the pipe (slotted objects pickle slowly)
        return Node, (self.path, self.fields)


@dataclass(slots=True)
class Facts:
    """Everything of one message the level-3 rules read from the tree, read in a worker process
    (``read_facts``) so that the importer's process runs level 3 without parsing the message."""

    header: Node
    client: Node | None
    producten: dict[tuple[str, str], list[Node]]
    klassen: dict[str, list[Node]]
    groepen: dict[str, list[tuple[Node, str, list[Node]]]]
    declaraties: list[tuple[Node, str]]
    declaratie_identificatie: str


_PRODUCTEN = {
    "301": ("ToegewezenProducten", "ToegewezenProduct"),
    "305": ("StartProducten", "StartProduct"),
    "307": ("StopProducten", "StopProduct"),
    "315": ("AangevraagdeProducten", "AangevraagdProduct"),
}
_GROEPEN = {"323": "Declaratie", "325": "DeclaratieAntwoord"}


def read_facts(
    root: etree._Element, message: MessageType, head: Header | None = None,
    texts: dict[etree._Element, dict[str, str | None]] | None = None,
) -> Facts:
    """What ``HistoryContext``'s tree readers return for this message, with ``Node``s for elements.

    ``texts``: filled with the ``child_texts`` of every class read (the importer's rows reuse them)."""
    ctx = HistoryContext(root, message, None, None, head)  # type: ignore[arg-type]  # no history needed to read
    if texts is not None:
        ctx.__dict__["_fields"] = texts  # the cache of ``HistoryContext.fields``

    def node(el: etree._Element, klasse: bool = False) -> Node:
        return Node(ctx.path(el), ctx.fields(el) if klasse else None)

    nummer = message.nummer
    client = ctx.client_el
    producten = {}
    if nummer in _PRODUCTEN and client is not None:
        producten[_PRODUCTEN[nummer]] = [node(el, True) for el in ctx.producten(*_PRODUCTEN[nummer])]
    klassen = {"Verzoek": [node(el, True) for el in ctx.client_klassen("Verzoek")]} if nummer == "317" and client is not None else {}
    groepen = {}
    if nummer in _GROEPEN:
        groepen[_GROEPEN[nummer]] = [
            (node(c), bsn, [node(p, True) for p in prestaties]) for c, bsn, prestaties in ctx.prestatie_groepen(_GROEPEN[nummer])
        ]
    return Facts(
        header=node(ctx.header),
        client=None if client is None else node(client),
        producten=producten,
        klassen=klassen,
        groepen=groepen,
        declaraties=[(node(d), n) for d, n in ctx.declaraties()] if nummer == "323" else [],
        declaratie_identificatie=ctx.declaratie_identificatie() if nummer == "325" else "",
    )


def _node_path(node: Node) -> str:
    return node.path


class FactsContext(HistoryContext):
    """A ``HistoryContext`` on ``Facts`` instead of a tree: the same rules, the same findings."""

    def __init__(self, facts: Facts, message: MessageType, history: History, sha256: str | None, head: Header) -> None:
        super().__init__(None, message, history, sha256, head)  # type: ignore[arg-type]
        self.facts = facts
        # What the tree's context computes once (``once``/``cached_property`` read __dict__ first).
        self.__dict__.update(header=facts.header, client_el=facts.client, path=_node_path)

    def fields(self, el: Node) -> dict[str, str | None]:  # type: ignore[override]
        if el.fields is None:
            raise LookupError(f"geen teksten gelezen voor {el.path}")  # read_facts must read this class
        return el.fields

    def producten(self, container: str, klasse: str) -> list[Node]:  # type: ignore[override]
        return list(self.facts.producten[(container, klasse)])

    def client_klassen(self, name: str) -> list[Node]:  # type: ignore[override]
        return list(self.facts.klassen[name])

    def prestatie_groepen(self, top: str) -> list[tuple[Node, str, list[Node]]]:  # type: ignore[override]
        return self.facts.groepen[top]

    def declaraties(self) -> list[tuple[Node, str]]:  # type: ignore[override]
        return self.facts.declaraties

    def declaratie_identificatie(self) -> str:
        return self.facts.declaratie_identificatie


def active(leveringen: Iterable[Levering], key) -> list[Levering]:
    """Deliveries whose key was delivered (1) more often than deleted (3), one entry per key."""
    net: dict[tuple, int] = {}
    last: dict[tuple, Levering] = {}
    for lev in leveringen:
        k = key(lev)
        if lev.status_aanlevering == "3":
            net[k] = net.get(k, 0) - 1
        else:
            net[k] = net.get(k, 0) + 1
            last[k] = lev
    return [last[k] for k, n in net.items() if n > 0 and k in last]


# --- the registry and its runner --------------------------------------------------------------------

HISTORY_REGISTRY = RuleRegistry()


def run_history(
    root: etree._Element, message: MessageType, history: History, sha256: str | None = None,
    head: Header | None = None,
) -> list[Finding]:
    """All level-3 findings on one XSD-valid message (run after levels 1 and 2 passed).

    ``head``: the message's ``Document.header`` when the caller has it (saves reading it again)."""
    return _run(HistoryContext(root, message, history, sha256, head))


def run_history_facts(facts: Facts, message: MessageType, history: History, sha256: str | None, head: Header) -> list[Finding]:
    """``run_history`` on what ``read_facts`` read from the message in another process."""
    return _run(FactsContext(facts, message, history, sha256, head))


def _run(ctx: HistoryContext) -> list[Finding]:
    message = ctx.message
    findings: list[Finding] = []
    for rule in HISTORY_REGISTRY.for_message(message):
        findings.extend(rule.findings(ctx))
    return findings


def _rule(code: str, retourcode: str, berichten: Iterable[str], melding: str, elementen: Iterable[str] = ()):
    return HISTORY_REGISTRY.rule(
        code, berichten=berichten, melding=melding, niveau=3, retourcode=retourcode, standaarden=BEIDE,
        elementen=elementen,
    )


def _starts(ctx: HistoryContext, nummer: int | None) -> list[Levering]:
    return ctx.earlier("starts", nummer)


def _stops(ctx: HistoryContext, nummer: int | None) -> list[Levering]:
    return ctx.earlier("stops", nummer)


def _start_or_stop(ctx: HistoryContext) -> list[tuple[etree._Element, Levering]]:
    return list(ctx.leveringen)


# --- header ---------------------------------------------------------------------------------------------


@_rule("TR056", "9056", HEEN_BERICHTEN, "De berichtidentificatie is door deze afzender al eerder gebruikt voor dit soort bericht.",
       ("/Bericht/Header/BerichtIdentificatie/Identificatie",))
def check_tr056(ctx: HistoryContext) -> Iterator[Hit]:
    """Een afzender geeft elk bericht van een berichtsoort een eigen Identificatie; een tweede, ander
    bericht met dezelfde Identificatie wordt afgekeurd (het eerste blijft gelden)."""
    ident, code = ctx.head.identificatie or "", ctx.head.berichtcode or ""
    if ctx.history.identificatie_seen(ctx.message.standaard, ctx.afzender, code, ident, ctx.sha256):
        yield hit(ctx.header)


# --- 301 --------------------------------------------------------------------------------------------------


@_rule("TR332", "9332", ("301",), "Dit ToewijzingNummer is door de gemeente al gebruikt voor een andere cliënt of aanbieder.",
       ("/Bericht/Client/ToegewezenProducten/ToegewezenProduct/ToewijzingNummer",))
def check_tr332(ctx: HistoryContext) -> Iterator[Hit]:
    """Een ToewijzingNummer hoort binnen een gemeente en wettelijk domein bij precies één toegewezen
    product van één cliënt bij één aanbieder; latere versies hergebruiken het nummer voor hetzelfde."""
    for el in ctx.producten("ToegewezenProducten", "ToegewezenProduct"):
        versies = ctx.history.toewijzingen(ctx.message.standaard, ctx.afzender, ctx.nummer(el))
        if any(v.aanbieder != ctx.ontvanger or v.client != ctx.client_key for v in versies):
            yield hit(el)


@_rule("TR379", "9379", ("301",), "ReferentieAanbieder is gevuld, maar hoort niet bij een verzoek (om toewijzing of wijziging) van deze aanbieder voor deze cliënt.",
       ("/Bericht/Client/ToegewezenProducten/ToegewezenProduct/ReferentieAanbieder",))
def check_tr379(ctx: HistoryContext) -> Iterator[Hit]:
    """ReferentieAanbieder wordt alleen gevuld in een toewijzing die een verzoek honoreert, met de
    referentie uit dat verzoek. Een herhaling van een eerdere versie met dezelfde referentie mag."""
    for el in ctx.producten("ToegewezenProducten", "ToegewezenProduct"):
        referentie = ctx.text(el, "ReferentieAanbieder")
        if referentie is None:
            continue
        verzoeken = ctx.history.verzoeken(ctx.message.standaard, ctx.ontvanger, referentie)
        if any(v.gemeente == ctx.afzender and v.client == ctx.client_key for v in verzoeken):
            continue
        versies = ctx.history.toewijzingen(ctx.message.standaard, ctx.afzender, ctx.nummer(el))
        if any(v.referentie_aanbieder == referentie and v.client == ctx.client_key for v in versies):
            continue
        yield hit(el)


# --- 305 and 307 ---------------------------------------------------------------------------------------------


@_rule("TR019", "9019", ("305", "307"), "De start of stop verwijst niet naar een toewijzing (ToewijzingNummer) van deze gemeente aan deze aanbieder voor deze cliënt.",
       ("/Bericht/Client/StartProducten/StartProduct/ToewijzingNummer", "/Bericht/Client/StopProducten/StopProduct/ToewijzingNummer"))
def check_tr019(ctx: HistoryContext) -> Iterator[Hit]:
    """Bij inspannings- en outputgerichte zorg hoort elke start en stop bij een bestaande, niet
    verwijderde toewijzing met hetzelfde ToewijzingNummer (zonder nummer: taakgericht, niet getoetst)."""
    for el, lev in _start_or_stop(ctx):
        if lev.status_aanlevering == "3" or lev.toewijzing_nummer is None:
            continue
        versies = [
            v for v in ctx.history.toewijzingen(ctx.message.standaard, ctx.ontvanger, lev.toewijzing_nummer)
            if v.aanbieder == ctx.afzender and v.client == ctx.client_key
        ]
        if not versies or current_version(versies).verwijderd:
            yield hit(el)


@_rule("TR063", "9063", ("305", "307"), "Een aanlevering wordt verwijderd (StatusAanlevering 3), maar er is geen eerdere aanlevering met dezelfde sleutel.",
       ("/Bericht/Client/StartProducten/StartProduct/StatusAanlevering", "/Bericht/Client/StopProducten/StopProduct/StatusAanlevering"))
def check_tr063(ctx: HistoryContext) -> Iterator[Hit]:
    """Verwijderen kan alleen wat eerder is aangeleverd en nog niet verwijderd is."""
    for el, lev in _start_or_stop(ctx):
        if lev.status_aanlevering != "3":
            continue
        if ctx.message.nummer == "305":
            found = active(_starts(ctx, lev.toewijzing_nummer), lambda s: s.start_key)
            ok = any(s.start_key == lev.start_key for s in found)
        else:
            found = active(_stops(ctx, lev.toewijzing_nummer), lambda s: s.stop_key)
            ok = any(s.stop_key == lev.stop_key for s in found)
        if not ok:
            yield hit(el)


@_rule("TR071", "9071", ("305",), "Deze start kan niet worden verwijderd: er is al een stop voor verstuurd.",
       ("/Bericht/Client/StartProducten/StartProduct/StatusAanlevering",))
def check_tr071(ctx: HistoryContext) -> Iterator[Hit]:
    """Een start met een (niet verwijderde) stop mag niet meer worden verwijderd; verwijder eerst de stop."""
    for el, lev in _start_or_stop(ctx):
        if lev.status_aanlevering != "3":
            continue
        stops = active(_stops(ctx, lev.toewijzing_nummer), lambda s: s.stop_key)
        if any(s.start_key == lev.start_key for s in stops):
            yield hit(el)


@_rule("TR074", "9074", ("305", "307"), "Een aanlevering met deze sleutel is al eerder ontvangen.",
       ("/Bericht/Client/StartProducten/StartProduct", "/Bericht/Client/StopProducten/StopProduct"))
def check_tr074(ctx: HistoryContext) -> Iterator[Hit]:
    """Een nieuwe aanlevering (StatusAanlevering 1) heeft een sleutel die nog niet in eerdere, niet
    verwijderde aanleveringen voorkomt."""
    for el, lev in _start_or_stop(ctx):
        if lev.status_aanlevering != "1":
            continue
        if ctx.message.nummer == "305":
            seen = any(s.start_key == lev.start_key for s in active(_starts(ctx, lev.toewijzing_nummer), lambda s: s.start_key))
        else:
            seen = any(s.stop_key == lev.stop_key for s in active(_stops(ctx, lev.toewijzing_nummer), lambda s: s.stop_key))
        if seen:
            yield hit(el)


@_rule("TR326", "9326", ("305",), "Er loopt al een start voor dit toegewezen product die nog niet is gestopt.",
       ("/Bericht/Client/StartProducten/StartProduct",))
def check_tr326(ctx: HistoryContext) -> Iterator[Hit]:
    """Een nieuwe start mag pas als de vorige start voor hetzelfde ToewijzingNummer is gestopt of
    verwijderd. Een verwijdering in hetzelfde bericht telt mee (correctie: 3 gevolgd door 1)."""
    leveringen = _start_or_stop(ctx)
    deleted_here = {lev.start_key for _, lev in leveringen if lev.status_aanlevering == "3"}
    for el, lev in leveringen:
        if lev.status_aanlevering != "1" or lev.toewijzing_nummer is None:
            continue
        stopped = {s.start_key for s in active(_stops(ctx, lev.toewijzing_nummer), lambda s: s.stop_key)}
        lopend = [
            s for s in active(_starts(ctx, lev.toewijzing_nummer), lambda s: s.start_key)
            if s.start_key not in stopped and s.start_key not in deleted_here and s.start_key != lev.start_key
        ]
        if lopend:
            yield hit(el)


@_rule("TR382", "9069", ("307",), "Er is geen lopende start met dezelfde sleutel (ToewijzingNummer, Product, Begindatum) als deze stop.",
       ("/Bericht/Client/StopProducten/StopProduct",))
def check_tr382(ctx: HistoryContext) -> Iterator[Hit]:
    """Een stop neemt de sleutel van de start die hij beëindigt ongewijzigd over."""
    for el, lev in _start_or_stop(ctx):
        if lev.status_aanlevering != "1":
            continue
        starts = active(_starts(ctx, lev.toewijzing_nummer), lambda s: s.start_key)
        if not any(s.start_key == lev.start_key for s in starts):
            yield hit(el)


def _stops_for_start(ctx: HistoryContext, lev: Levering) -> list[Levering]:
    return [s for s in active(_stops(ctx, lev.toewijzing_nummer), lambda s: s.stop_key) if s.start_key == lev.start_key]


@_rule("TR413", "9413", ("307",), "Na een tijdelijke stop (RedenBeeindiging 20) mag niet nog een tijdelijke stop volgen.",
       ("/Bericht/Client/StopProducten/StopProduct/RedenBeeindiging",))
def check_tr413(ctx: HistoryContext) -> Iterator[Hit]:
    """Is de levering al tijdelijk gestopt, dan is een volgende stop voor dezelfde start definitief."""
    for el, lev in _start_or_stop(ctx):
        if lev.status_aanlevering == "3" or lev.reden_beeindiging != TIJDELIJKE_STOP:
            continue
        if any(s.reden_beeindiging == TIJDELIJKE_STOP for s in _stops_for_start(ctx, lev)):
            yield hit(el)


@_rule("TR414", "9414", ("307",), "De Einddatum ligt vóór de Einddatum van de eerdere stop voor dezelfde start.",
       ("/Bericht/Client/StopProducten/StopProduct/Einddatum",))
def check_tr414(ctx: HistoryContext) -> Iterator[Hit]:
    """Een volgende stop voor dezelfde start mag niet eerder eindigen dan de actuele stop."""
    for el, lev in _start_or_stop(ctx):
        if lev.status_aanlevering == "3" or lev.einddatum is None:
            continue
        eerdere = _stops_for_start(ctx, lev)
        if eerdere and lev.einddatum < max(s.einddatum for s in eerdere):
            yield hit(el)


@_rule("TR415", "9415", ("307",), "Deze start is al definitief gestopt; een nieuwe stop is niet mogelijk.",
       ("/Bericht/Client/StopProducten/StopProduct",))
def check_tr415(ctx: HistoryContext) -> Iterator[Hit]:
    """Na een definitieve stop (RedenBeeindiging anders dan 20) volgt geen nieuwe stop voor dezelfde start."""
    for el, lev in _start_or_stop(ctx):
        if lev.status_aanlevering == "3":
            continue
        if any(s.reden_beeindiging != TIJDELIJKE_STOP for s in _stops_for_start(ctx, lev)):
            yield hit(el)


# --- 315 and 317 -------------------------------------------------------------------------------------------


def _verzoek_klassen(ctx: HistoryContext) -> list[etree._Element]:
    """The classes that carry a ReferentieAanbieder: each AangevraagdProduct of a 315, the Verzoek of a 317."""
    if ctx.message.nummer == "315":
        return ctx.producten("AangevraagdeProducten", "AangevraagdProduct")
    return ctx.client_klassen("Verzoek")


@_rule("TR347", "9347", VERZOEKEN, "Deze ReferentieAanbieder is door de aanbieder al eerder gebruikt.",
       ("/Bericht/Client/AangevraagdeProducten/AangevraagdProduct/ReferentieAanbieder",
        "/Bericht/Client/Verzoek/ReferentieAanbieder"))
def check_tr347(ctx: HistoryContext) -> Iterator[Hit]:
    """Een aanbieder gebruikt elke ReferentieAanbieder binnen het wettelijk domein maar één keer, in
    verzoeken om toewijzing (315) en verzoeken om wijziging (317) samen."""
    for el in _verzoek_klassen(ctx):
        referentie = ctx.text(el, "ReferentieAanbieder")
        if referentie and ctx.history.verzoeken(ctx.message.standaard, ctx.afzender, referentie):
            yield hit(el)


@_rule("TR374", "9374", VERZOEKEN, "Er staat voor deze cliënt al een verzoek van deze aanbieder open.",
       ("/Bericht/Client",))
def check_tr374(ctx: HistoryContext) -> Iterator[Hit]:
    """Een nieuw verzoek (315 of 317) kan pas als het vorige is beantwoord met een toewijzing (met
    dezelfde ReferentieAanbieder) of is afgewezen met een antwoordbericht (319, VerzoekAntwoord 1);
    een antwoord "in onderzoek" (2) laat het verzoek openstaan."""
    if ctx.history.open_verzoeken(ctx.message.standaard, ctx.afzender, ctx.client_key):
        yield hit(ctx.client_el)


def current_version(versies: list[ToewijzingVersie]) -> ToewijzingVersie:
    """The version with the latest Toewijzingsdatum + -tijd; Dagtekening breaks ties (then arrival)."""
    return max(enumerate(versies), key=lambda iv: (iv[1].toewijzingsdatum, iv[1].toewijzingstijd, iv[1].dagtekening, iv[0]))[1]


# The declaration rules register into HISTORY_REGISTRY too; imported last, as they use the names above.
import berichten.validators.history_declaraties  # noqa: E402,F401
