"""Everything ``berichten rules`` and ``berichten explain`` can print, as data.

The standard's rules come from the rule registries; the level-1 codes that are ours (file and
schema problems) are described here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from berichten import xmlinput
from berichten.parse import PARSE_BERICHTCODE, PARSE_INHOUD
from berichten.release import RELEASES
from berichten.validators import xsd
from berichten.validators.engine import REGISTRY, Rule


@dataclass(frozen=True)
class CodeInfo:
    code: str
    niveau: int | str
    retourcode: str | None
    berichten: tuple[str, ...]
    standaarden: tuple[str, ...]
    melding: str
    uitleg: str
    elementen: tuple[str, ...] = ()
    voorbeeld_fout: str = ""
    voorbeeld_goed: str = ""
    severity: str = "error"
    # When one code has a different meaning per message (TR101 on 301 and on 305): (berichten, melding)
    varianten: tuple[tuple[str, str], ...] = ()


# Level-1 checks (file, XML, schema) apply to every message of the family, heen and retour.
_ALLE = tuple(sorted({m.nummer for rel in RELEASES.values() for m in rel.messages()}))
_STD = ("ijw", "iwmo")

LEVEL1_CODES: tuple[CodeInfo, ...] = (
    CodeInfo(
        xmlinput.XML_NIET_WELGEVORMD, 1, None, _ALLE, _STD,
        "Het bestand is geen welgevormde XML.",
        "Het bestand kon niet als XML worden gelezen: een tag is niet gesloten, het bestand is afgebroken, "
        "of er staan tekens in die in XML niet mogen. Zo'n bestand krijgt geen retourbericht; de melding "
        "noemt regel en kolom van de eerste fout.",
    ),
    CodeInfo(
        xmlinput.XML_DOCTYPE, 1, None, _ALLE, _STD,
        "Een DOCTYPE (DTD of entiteiten) is in een bericht niet toegestaan.",
        "Berichten bevatten nooit een DOCTYPE. Een DTD kan externe bestanden of netwerkadressen laten ophalen "
        "(XXE) of een tekst exponentieel laten groeien (billion laughs). berichten lost geen entiteiten op, "
        "laadt geen DTD en gaat nooit het netwerk op; het bericht wordt afgekeurd.",
    ),
    CodeInfo(
        xmlinput.XML_TE_GROOT, 1, None, _ALLE, _STD,
        "Het bestand is groter dan de ingestelde grens.",
        "Standaard worden bestanden boven 20 MB niet gelezen (in te stellen met --max-bytes). Een bericht "
        "hoort ruim onder de grens te blijven die de standaard voor berichtbestanden noemt.",
    ),
    CodeInfo(
        xmlinput.XML_GEEN_UTF8, 1, None, _ALLE, _STD,
        "Het bericht is niet in UTF-8 gecodeerd.",
        "De standaard schrijft UTF-8 voor. Een bericht dat een andere codering declareert (bijvoorbeeld "
        "ISO-8859-1) of als UTF-16 is opgeslagen, wordt gelezen en gecontroleerd, maar afgekeurd.",
    ),
    CodeInfo(
        xmlinput.XML_BOM, 1, None, _ALLE, _STD,
        "Het bestand begint met een byte order mark (BOM).",
        "Berichten zijn UTF-8 zonder BOM. Met --bom warning of --bom ignore is deze controle milder of uit "
        "te zetten; standaard is het een fout.",
    ),
    CodeInfo(
        xmlinput.XML_REGELEINDEN, 1, None, _ALLE, _STD,
        "De regels eindigen niet op CR/LF.",
        "De standaard vraagt CR/LF als regeleinde. Omdat ook gepubliceerde voorbeeldberichten LF gebruiken, "
        "is dit standaard een waarschuwing (--regeleinden error|warning|ignore).",
        severity="warning",
    ),
    CodeInfo(
        xmlinput.XML_LEEG_OF_BINAIR, 1, None, _ALLE, _STD,
        "Het bestand is leeg of bevat binaire gegevens.",
        "Een leeg bestand of een bestand met NUL-bytes is geen XML-bericht en wordt niet verder gelezen.",
    ),
    CodeInfo(
        xmlinput.MSG_ONBEKEND, 1, None, _ALLE, _STD,
        "Het bestand is geen iJw- of iWmo-bericht.",
        "De namespace van het rootelement hoort bij geen enkel bericht van iJw of iWmo. Controleer of het "
        "juiste bestand is aangeleverd.",
    ),
    CodeInfo(
        xmlinput.MSG_NIET_ONDERSTEUND, 1, None, _ALLE, _STD,
        "Dit bericht of deze release wordt niet ondersteund.",
        "Het bestand is een iJw- of iWmo-bericht, maar van een release of berichttype waarvoor berichten "
        "(nog) geen schema heeft. Met --xsd-dir kan tegen een officiële download worden gecontroleerd.",
    ),
    CodeInfo(
        xsd.XSD_FOUT, 1, None, _ALLE, _STD,
        "Het bericht voldoet niet aan het XSD.",
        "Het bericht wijkt af van het berichtschema: een element ontbreekt, staat op de verkeerde plaats, of "
        "heeft een waarde die niet past (datum, lengte, patroon, codelijst). Berichten die het XSD niet "
        "halen krijgen volgens de standaard geen retourbericht (controleniveau 1).",
    ),
    CodeInfo(
        PARSE_INHOUD, 1, None, _ALLE, _STD,
        "Het bericht past niet in het berichtmodel (element ontbreekt, staat er te veel of heeft een ongeldige waarde).",
        "Dit meldt berichten.parse wanneer een bericht zonder voorafgaande XSD-controle wordt ingelezen: het "
        "model vindt een verplicht element niet, een onbekend element, of een waarde die niet bij het type past. "
        "Valideer eerst met `berichten validate` voor de volledige XSD-melding.",
    ),
    CodeInfo(
        PARSE_BERICHTCODE, 1, None, _ALLE, _STD,
        "De BerichtCode hoort niet bij de namespace van het bericht.",
        "Elk berichttype heeft een vaste BerichtCode (bijvoorbeeld 436 voor de iJw-301 en 414 voor de "
        "iWmo-301). Een andere code in de header betekent dat namespace en inhoud elkaar tegenspreken.",
    ),
    CodeInfo(
        xsd.XSD_ONBRUIKBAAR, 1, None, _ALLE, _STD,
        "Het schema voor dit bericht is niet gevonden of niet bruikbaar.",
        "De map met schema's (standaard xsd/ van berichten, of de map van --xsd-dir) bevat geen bruikbaar "
        "schema voor dit berichttype.",
    ),
)


def _from_rule(rule: Rule) -> CodeInfo:
    return CodeInfo(
        code=rule.code,
        niveau=rule.niveau,
        retourcode=rule.retourcode,
        berichten=tuple(sorted(rule.berichten)),
        standaarden=tuple(sorted(rule.standaarden)),
        melding=rule.melding,
        uitleg=rule.uitleg,
        elementen=rule.elementen,
        voorbeeld_fout=rule.voorbeeld_fout,
        voorbeeld_goed=rule.voorbeeld_goed,
        severity=rule.severity,
    )


def registries() -> list:
    """Every rule registry the catalog shows (level 2, and later levels as they are added)."""
    import berichten.validators.rules  # noqa: F401  (registers the standard's rules)

    from berichten.validators.history import HISTORY_REGISTRY
    from berichten.validators.level4 import LEVEL4_REGISTRY
    from berichten.validators.regional import REGIONAL_REGISTRY

    return [REGISTRY, HISTORY_REGISTRY, LEVEL4_REGISTRY, REGIONAL_REGISTRY]


def all_codes() -> Iterator[CodeInfo]:
    """Level-1 codes first, then every registered rule merged per code."""
    yield from LEVEL1_CODES
    merged: dict[str, list[Rule]] = {}
    for registry in registries():
        for rule in registry:
            merged.setdefault(rule.code, []).append(rule)
    for code in sorted(merged):
        yield merge(merged[code])


def merge(rules: list[Rule]) -> CodeInfo:
    """One code may be registered per standard or message; show it once."""
    first = _from_rule(rules[0])
    if len(rules) == 1:
        return first
    return CodeInfo(
        code=first.code,
        niveau=first.niveau,
        retourcode=first.retourcode,
        berichten=tuple(sorted({b for r in rules for b in r.berichten})),
        standaarden=tuple(sorted({s for r in rules for s in r.standaarden})),
        melding=first.melding,
        uitleg=first.uitleg,
        elementen=tuple(dict.fromkeys(e for r in rules for e in r.elementen)),
        voorbeeld_fout=first.voorbeeld_fout or next((r.voorbeeld_fout for r in rules if r.voorbeeld_fout), ""),
        voorbeeld_goed=first.voorbeeld_goed or next((r.voorbeeld_goed for r in rules if r.voorbeeld_goed), ""),
        severity=first.severity,
        varianten=_variants(rules),
    )


def _variants(rules: list[Rule]) -> tuple[tuple[str, str], ...]:
    by_melding: dict[str, set[str]] = {}
    for rule in rules:
        by_melding.setdefault(rule.melding, set()).update(rule.berichten)
    if len(by_melding) < 2:
        return ()
    return tuple((" ".join(sorted(berichten)), melding) for melding, berichten in by_melding.items())


def lookup(code: str) -> CodeInfo | None:
    code = code.strip().upper()
    return next((info for info in all_codes() if info.code.upper() == code), None)
