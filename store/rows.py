"""Map a validated message (its lxml tree) to the business rows of the store, in one pass, each row
named by its table.

No SQLAlchemy here: a worker of ``import --jobs`` makes the rows before the store's modules are
loaded (``store/prepare.py``), and ``store/extract.py`` gives the rows their ``Table``.

Elements are found by local name: the message passed its XSD, so names are unambiguous and the
prefixes a sender chose do not matter. The header comes from ``Document.header`` (read once per
message, also of XSD-invalid trees, because rejected messages are stored with what it says).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time

from lxml import etree

from berichten.header import Header, read_header
from berichten.texts import child_texts
from berichten.release import RETOUR_VAN, MessageType, get_release
from berichten.xpath import element_path

# The store's table names (``store.models``; ``tests/test_store_extract.py`` keeps them equal).
TOEWIJZING, START, STOP, VERZOEK, WIJZIGINGSVERZOEK, ANTWOORD, RETOUR = (
    "toewijzing", "start", "stop", "verzoek", "wijzigingsverzoek", "antwoord", "retour"
)
DECLARATIE, PRESTATIE, DECLARATIE_ANTWOORD = "declaratie", "prestatie", "declaratie_antwoord"
GOEDGEKEURD = ("8001", "0200")  # a 325 verdict that approves the declaration (0200: except the listed Prestaties)

Pseudonym = Callable[[str | None], str | None]
Row = tuple[str, dict]  # (table name, values) of one row
_HEEN_VAN = {retour: heen for heen, retour in RETOUR_VAN.items()}


def _text(el: etree._Element | None, path: str) -> str | None:
    if el is None:
        return None
    value = el.findtext("/".join("{*}" + part for part in path.split("/")))
    if value is None:
        return None
    value = value.strip()
    return value or None


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _time(value: str | None) -> time | None:
    try:
        return time.fromisoformat(value) if value else None
    except ValueError:
        return None


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def extract_rows(
    root: etree._Element, message: MessageType, pseudonym: Pseudonym, head: Header | None = None,
    texts: Callable[[etree._Element], dict[str, str | None]] = child_texts,
) -> list[Row]:
    """The rows an accepted message adds (without ``bericht_id``, which the importer sets).

    ``head``: the message's ``Document.header`` (read from ``root`` when not given); ``texts``:
    ``child_texts`` of a class, or where another reader of the same tree already has them."""
    head = head or read_header(root)
    common = {
        "standaard": message.standaard,
        "afzender": head.afzender,
        "ontvanger": head.ontvanger,
        "dagtekening": head.dagtekening,
    }
    if message.is_retour:
        return _retouren(root, message, head)
    ns = message.namespace
    if message.nummer == "323":
        return _declaratie(root, ns, head, common, pseudonym, texts)
    if message.nummer == "325":
        return _declaratie_antwoord(root, ns, head, common, pseudonym)
    if message.nummer == "319":  # no client: the answer names the request by its ReferentieAanbieder
        return [
            (ANTWOORD, {
                **common,
                "referentie_aanbieder": f.get("ReferentieAanbieder"),
                "verzoek_antwoord": f.get("VerzoekAntwoord"),
                "reden_afwijzing": f.get("RedenAfwijzingVerzoek"),
            })
            for f in map(texts, root.iterchildren(f"{{{ns}}}Antwoord"))
        ]
    client = next(root.iterchildren(f"{{{ns}}}Client"), None)
    if client is None:
        return []
    common["client"] = pseudonym(head.bsn)
    if message.nummer == "301":
        return [_toewijzing(texts(p), common) for p in _classes(client, ns, "ToegewezenProducten", "ToegewezenProduct")]
    if message.nummer == "305":
        return [(START, {**_levering(texts(p)), **common}) for p in _classes(client, ns, "StartProducten", "StartProduct")]
    if message.nummer == "307":
        return [
            (STOP, {
                **_levering(f),
                **common,
                "reden_beeindiging": f.get("RedenBeeindiging"),
                "einddatum": _date(f.get("Einddatum")),
            })
            for f in map(texts, _classes(client, ns, "StopProducten", "StopProduct"))
        ]
    if message.nummer == "315":
        return [_verzoek(texts(p), common) for p in _classes(client, ns, "AangevraagdeProducten", "AangevraagdProduct")]
    if message.nummer == "317":
        return [
            (WIJZIGINGSVERZOEK, {
                **common,
                "referentie_aanbieder": f.get("ReferentieAanbieder"),
                "reden_verzoek": f.get("RedenVerzoek"),
            })
            for f in map(texts, client.iterchildren(f"{{{ns}}}Verzoek"))
        ]
    return []


def _classes(client: etree._Element, ns: str, container: str, klasse: str) -> list[etree._Element]:
    """The ``klasse`` elements in the client's ``container`` (iterchildren: no ElementPath per call)."""
    return [el for wrapper in client.iterchildren(f"{{{ns}}}{container}") for el in wrapper.iterchildren(f"{{{ns}}}{klasse}")]


def _toewijzing(f: dict, common: dict) -> Row:
    return TOEWIJZING, dict(
        **common,
        toewijzing_nummer=_int(f.get("ToewijzingNummer")),
        referentie_aanbieder=f.get("ReferentieAanbieder"),
        categorie=f.get("Product/Categorie"),
        code=f.get("Product/Code"),
        toewijzingsdatum=_date(f.get("Toewijzingsdatum")),
        toewijzingstijd=_time(f.get("Toewijzingstijd")),
        ingangsdatum=_date(f.get("Ingangsdatum")),
        einddatum=_date(f.get("Einddatum")),
        reden_wijziging=f.get("RedenWijziging"),
        volume=_int(f.get("Omvang/Volume")),
        eenheid=f.get("Omvang/Eenheid"),
        frequentie=f.get("Omvang/Frequentie"),
        budget=_int(f.get("Budget")),
    )


def _levering(f: dict) -> dict:
    return {
        "toewijzing_nummer": _int(f.get("ToewijzingNummer")),
        "categorie": f.get("Product/Categorie"),
        "code": f.get("Product/Code"),
        "toewijzing_ingangsdatum": _date(f.get("ToewijzingIngangsdatum")),
        "begindatum": _date(f.get("Begindatum")),
        "status_aanlevering": f.get("StatusAanlevering"),
    }


def _verzoek(f: dict, common: dict) -> Row:
    return VERZOEK, dict(
        **common,
        referentie_aanbieder=f.get("ReferentieAanbieder"),
        beschikking_nummer=_int(f.get("BeschikkingNummer")),
        categorie=f.get("Product/Categorie"),
        code=f.get("Product/Code"),
        toewijzing_ingangsdatum=_date(f.get("ToewijzingIngangsdatum")),
        toewijzing_einddatum=_date(f.get("ToewijzingEinddatum")),
        volume=_int(f.get("Omvang/Volume")),
        eenheid=f.get("Omvang/Eenheid"),
        frequentie=f.get("Omvang/Frequentie"),
        budget=_int(f.get("Budget")),
        verwijzer_type=f.get("Verwijzer/Type"),
    )


def _retouren(root: etree._Element, message: MessageType, head: Header) -> list[Row]:
    header = root.find("{*}Header")
    heen = _HEEN_VAN.get(message.nummer)
    heen_code = get_release(message.standaard, message.release).berichtcodes.get(heen) if heen else None
    rows: list[Row] = []
    for codes in root.iter("{*}RetourCodes"):
        klasse = codes.getparent()
        rows.append((
            RETOUR,
            dict(
                standaard=message.standaard,
                heen_berichtcode=heen_code,
                heen_identificatie=head.identificatie,
                identificatie_retour=_text(header, "IdentificatieRetour"),
                klasse=etree.QName(klasse).localname,
                locatie=element_path(klasse),
                retourcodes=" ".join((c.text or "").strip() for c in codes.iterfind("{*}RetourCode")),
                toewijzing_nummer=_int(_text(klasse, "ToewijzingNummer")),
                referentie_aanbieder=_text(klasse, "ReferentieAanbieder"),
            ),
        ))
    return rows


def _codes(el: etree._Element | None) -> str:
    if el is None:
        return ""
    return " ".join((c.text or "").strip() for c in el.iterfind("{*}RetourCodes/{*}RetourCode"))


def _declaratie(
    root: etree._Element, ns: str, head: Header, common: dict, pseudonym: Pseudonym, texts: Callable = child_texts,
) -> list[Row]:
    """The Declaratie of a 323 and one row per Prestatie (client as pseudonym, amounts in eurocent)."""
    d = next(root.iterchildren(f"{{{ns}}}Declaratie"), None)
    if d is None:
        return []
    f = texts(d)
    nummer = f.get("DeclaratieNummer")
    base = {**common, "identificatie": head.identificatie, "declaratie_nummer": nummer}
    rows: list[Row] = [(DECLARATIE, {
        **base,
        "periode_begin": _date(f.get("DeclaratiePeriode/Begindatum")),
        "periode_eind": _date(f.get("DeclaratiePeriode/Einddatum")),
        "totaal_bedrag": _int(f.get("TotaalIngediendBedrag/TotaalBedrag")),
        "debet_credit": f.get("TotaalIngediendBedrag/DebetCredit"),
    })]
    for client in d.iterfind(f"{{{ns}}}Clienten/{{{ns}}}Client"):
        key = pseudonym(_text(client, "Bsn"))
        for p in client.iterfind(f"{{{ns}}}Prestaties/{{{ns}}}Prestatie"):
            rows.append((PRESTATIE, {**base, "client": key, **prestatie_values(texts(p))}))
    return rows


def prestatie_values(f: dict) -> dict:
    """The values of a Prestatie (323 or 325) by the store's column names."""
    return {
        "referentie_nummer": f.get("ProductReferentie/ReferentieNummer"),
        "vorig_referentie_nummer": f.get("ProductReferentie/VorigReferentieNummer"),
        "toewijzing_nummer": _int(f.get("ToewijzingNummer")),
        "categorie": f.get("ProductCategorie"),
        "code": f.get("ProductCode"),
        "begindatum": _date(f.get("ProductPeriode/Begindatum")),
        "einddatum": _date(f.get("ProductPeriode/Einddatum")),
        "volume": _int(f.get("GeleverdVolume")),
        "eenheid": f.get("Eenheid"),
        "tarief": _int(f.get("ProductTarief")),
        "bedrag": _int(f.get("IngediendBedrag/Bedrag")),
        "debet_credit": f.get("IngediendBedrag/DebetCredit"),
    }


def _declaratie_antwoord(root: etree._Element, ns: str, head: Header, common: dict, pseudonym: Pseudonym) -> list[Row]:
    """The verdict of a 325 on its declaration, and a row per Client and Prestatie it returns."""
    header = root.find(f"{{{ns}}}Header")
    antwoord = next(root.iterchildren(f"{{{ns}}}DeclaratieAntwoord"), None)
    base = {
        **common,
        "declaratie_identificatie": _text(header, "DeclaratieIdentificatie/Identificatie"),
        "declaratie_nummer": _text(antwoord, "DeclaratieNummer"),
        "client": None,
        "referentie_nummer": None,
        "toegekend_bedrag": None,
    }
    if antwoord is None:  # header only: the whole declaration is rejected
        codes = _codes(header)
        return [(DECLARATIE_ANTWOORD, {**base, "klasse": "Header", "retourcodes": codes, "goedgekeurd": False})]
    codes = _codes(antwoord)
    rows: list[Row] = [(DECLARATIE_ANTWOORD, {
        **base, "klasse": "DeclaratieAntwoord", "retourcodes": codes,
        "goedgekeurd": bool(codes) and all(c in GOEDGEKEURD for c in codes.split()),
        "toegekend_bedrag": _int(_text(antwoord, "TotaalToegekendBedrag/TotaalBedrag")),
    })]
    for client in antwoord.iterfind(f"{{{ns}}}Clienten/{{{ns}}}Client"):
        key = pseudonym(_text(client, "Bsn"))
        client_codes = _codes(client)
        if client_codes:
            rows.append((DECLARATIE_ANTWOORD, {**base, "klasse": "Client", "client": key, "retourcodes": client_codes,
                                              "goedgekeurd": False}))
        for p in client.iterfind(f"{{{ns}}}Prestaties/{{{ns}}}Prestatie"):
            p_codes = _codes(p)
            rows.append((DECLARATIE_ANTWOORD, {
                **base, "klasse": "Prestatie", "client": key, "retourcodes": p_codes,
                "referentie_nummer": _text(p, "ProductReferentie/ReferentieNummer"),
                "goedgekeurd": bool(p_codes) and all(c in GOEDGEKEURD for c in p_codes.split()),
            }))
    return rows
