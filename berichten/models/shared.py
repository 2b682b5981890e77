"""Parts that iJw 3.2 and iWmo 3.2 share: header, client, naam, adres, contact, relatie, ...

A structural diff of the two sets of schemas shows that 301-325 are identical except for three
code lists, GezagsdragerBekend (iJw 315/316) and Woonplaatsbeginsel (iJw 319/320). So everything
that does not carry one of those is defined here once; ``ijw.py`` and ``iwmo.py`` narrow the
product-level classes to their own code lists and assemble the messages.

The classes ``Product``, ``ToegewezenProduct``, ``StartProduct``, ``StopProduct``,
``AangevraagdProduct``, ``NieuwProduct``, ``Verzoek``, ``Prestatie``, ``DeclaratieClient``,
``Declaratie`` and ``DeclaratieAntwoord`` are shapes: their code-list fields (or lists of such
classes) are plain here and are narrowed by the standard's subclass (a redeclared field keeps its
place, so the XSD order holds).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, ClassVar, Self

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from berichten.models.base import BasisType, Element, Wrapped
from berichten.models.codes import (
    AanduidingWoonadres,
    AdresSoort,
    Communicatievorm,
    DatumGebruik,
    DebetCredit,
    Eenheid,
    Frequentie,
    Geslacht,
    JaNee,
    JuridischeStatus,
    NaamGebruik,
    RedenAfwijzingVerzoek,
    RedenVerzoek,
    SoortRelatie,
    StatusAanlevering,
    TypeVerwijzer,
    VerzoekAntwoord,
    WettelijkeVertegenwoordiging,
)
from berichten.models.types import (
    AgbCode,
    Bedrag,
    BerichtCode,
    BerichtVersie,
    Bsn,
    Budget,
    Commentaar,
    DeclaratieNummer,
    Emailadres,
    Gemeentecode,
    Huisletter,
    Huisnummer,
    HuisnummerToevoeging,
    IdentificatieBericht,
    IdentificatieDeclaratie,
    LandCode,
    Landnummer,
    Naam,
    NaamVerwijzer,
    Nummer,
    Organisatienaam,
    Persoonsid,
    Plaatsnaam,
    Postcode,
    ProductCode,
    Referentie,
    ReferentieNummer,
    RelatieVolgorde,
    RetourCode,
    Straatnaam,
    Taal,
    Telefoonnummer,
    Tijd,
    TotaalBedrag,
    Versie,
    Volume,
    Voorletters,
    Voorvoegsel,
)
from berichten.release import DEFAULT_RELEASE, MessageType, Standaard, get_release

# RetourCodes/RetourCode: mandatory on every class of a retour message, optional in its header.
RetourCodes = Annotated[list[RetourCode], Field(min_length=1), Wrapped("RetourCode")]

# --- header -----------------------------------------------------------------------------------


class BerichtIdentificatie(BasisType):
    identificatie: IdentificatieBericht
    dagtekening: dt.date


class XsdVersie(BasisType):
    basisschema_xsd_versie: Versie
    bericht_xsd_versie: Versie


class Header(Element):
    """Header shape; Afzender and Ontvanger are narrowed by the direction of the message."""

    bericht_code: BerichtCode
    bericht_versie: BerichtVersie
    bericht_subversie: BerichtVersie
    afzender: str
    ontvanger: str
    bericht_identificatie: BerichtIdentificatie
    xsd_versie: XsdVersie


class RetourHeader(Header):
    # The heen header copied unchanged, extended in this order (IV028).
    identificatie_retour: IdentificatieBericht
    dagtekening_retour: dt.date
    xslt_versie: Versie | None = None
    xsd_versie_retour: XsdVersie
    retour_codes: RetourCodes | None = None


class GemeenteHeader(Header):
    """Header of a message sent by a gemeente (301): Afzender gemeentecode, Ontvanger AGB-code."""

    afzender: Gemeentecode
    ontvanger: AgbCode


class AanbiederHeader(Header):
    """Header of a message sent by an aanbieder (305, 307, 315): Afzender AGB-code, Ontvanger gemeente."""

    afzender: AgbCode
    ontvanger: Gemeentecode


class GemeenteRetourHeader(GemeenteHeader, RetourHeader):
    """Header of 302: the 301 header (same Afzender/Ontvanger) plus the retour fields."""


class AanbiederRetourHeader(AanbiederHeader, RetourHeader):
    """Header of 306, 308, 316, 318: the heen header plus the retour fields."""


class DeclaratieIdentificatie(BerichtIdentificatie):
    """The BerichtIdentificatie of the 323 a 325 answers (its own class: no default Dagtekening)."""


class DeclaratieAntwoordHeader(GemeenteHeader):
    """Header of 325: not a copy of the 323 header but the gemeente's own, plus the 323's identity."""

    declaratie_identificatie: DeclaratieIdentificatie
    xslt_versie: Versie | None = None
    xsd_versie_declaratie: XsdVersie
    retour_codes: RetourCodes


# --- person ----------------------------------------------------------------------------------


class Geboortedatum(BasisType):
    datum: dt.date
    datum_gebruik: DatumGebruik | None = None


class Achternaam(BasisType):
    achternaam: Naam
    voorvoegsel: Voorvoegsel | None = None


class VolledigeNaam(BasisType):
    """CDT_VolledigeNaam (301 client and relaties)."""

    geslachtsnaam: Achternaam
    partnernaam: Achternaam | None = None
    voornamen: Naam | None = None
    voorletters: Voorletters | None = None
    naam_gebruik: NaamGebruik


class VerkorteNaam(BasisType):
    """CDT_VerkorteNaam (305, 307, 315)."""

    geslachtsnaam: Achternaam
    voornamen: Naam | None = None
    voorletters: Voorletters | None = None


class Communicatie(BasisType):
    vorm: Communicatievorm
    taal: Taal | None = None


# --- contact ---------------------------------------------------------------------------------


class Huis(BasisType):
    huisnummer: Huisnummer
    huisletter: Huisletter | None = None
    huisnummer_toevoeging: HuisnummerToevoeging | None = None
    aanduiding_woonadres: AanduidingWoonadres | None = None


class Adres(BasisType):
    huis: Huis | None = None
    postcode: Postcode | None = None
    straatnaam: Straatnaam | None = None
    plaatsnaam: Plaatsnaam | None = None
    land_code: LandCode | None = None


class Telefoon(BasisType):
    telefoonnummer: Telefoonnummer
    landnummer: Landnummer


class Telefoonnummers(BasisType):
    telefoon01: Telefoon
    telefoon02: Telefoon | None = None


class OpenPeriode(BasisType):
    begindatum: dt.date | None = None
    einddatum: dt.date | None = None


class Contact(Element):
    soort: AdresSoort
    adres: Adres | None = None
    organisatie: Organisatienaam | None = None
    telefoon: Telefoonnummers | None = None
    emailadres: Emailadres | None = None
    periode: OpenPeriode | None = None


class ContactRetour(Contact):
    retour_codes: RetourCodes


class Relatie(Element):
    nummer: Persoonsid
    volgorde: RelatieVolgorde | None = None
    soort: SoortRelatie
    geboortedatum: Geboortedatum | None = None
    geslacht: Geslacht | None = None
    naam: VolledigeNaam
    contact: Contact


class RelatieRetour(Relatie):
    contact: ContactRetour
    retour_codes: RetourCodes


# --- products (shapes; narrowed per standard) --------------------------------------------------


class Omvang(BasisType):
    volume: Volume
    eenheid: Eenheid
    frequentie: Frequentie


class Verwijzer(BasisType):
    type: TypeVerwijzer
    naam: NaamVerwijzer | None = None
    zorgverlener_code: AgbCode | None = None


class Product(BasisType):
    """CDT_Product shape: Categorie is narrowed to the standard's list (JZ020 / WMO020)."""

    categorie: str
    code: ProductCode | None = None


class ToegewezenProduct(Element):
    """301 ToegewezenProduct shape."""

    toewijzing_nummer: Nummer
    referentie_aanbieder: Referentie | None = None
    product: Product | None = None
    toewijzingsdatum: dt.date
    toewijzingstijd: Tijd
    ingangsdatum: dt.date
    einddatum: dt.date | None = None
    reden_wijziging: str | None = None
    omvang: Omvang | None = None
    budget: Budget | None = None
    commentaar: Commentaar | None = None


class StartProduct(Element):
    """305 StartProduct shape."""

    toewijzing_nummer: Nummer | None = None
    product: Product | None = None
    toewijzing_ingangsdatum: dt.date | None = None
    begindatum: dt.date
    status_aanlevering: StatusAanlevering


class StopProduct(Element):
    """307 StopProduct shape."""

    toewijzing_nummer: Nummer | None = None
    product: Product | None = None
    toewijzing_ingangsdatum: dt.date | None = None
    begindatum: dt.date
    reden_beeindiging: str
    einddatum: dt.date
    status_aanlevering: StatusAanlevering


class AangevraagdProduct(Element):
    """315 AangevraagdProduct shape."""

    referentie_aanbieder: Referentie
    beschikking_nummer: Nummer | None = None
    product: Product | None = None
    beschikking_ingangsdatum: dt.date | None = None
    toewijzing_ingangsdatum: dt.date
    toewijzing_einddatum: dt.date | None = None
    omvang: Omvang | None = None
    budget: Budget | None = None
    verwijzer: Verwijzer
    raamcontract: JaNee | None = None
    commentaar: Commentaar | None = None


# --- client ----------------------------------------------------------------------------------


class ClientVerkort(Element):
    """The client part shared by 305, 307 and 315 (CDT_VerkorteNaam)."""

    bsn: Bsn = Field(repr=False)
    geboortedatum: Geboortedatum
    geslacht: Geslacht
    naam: VerkorteNaam


class Client301(Element):
    """301 Client shape; ToegewezenProducten is narrowed per standard."""

    bsn: Bsn = Field(repr=False)
    geboortedatum: Geboortedatum
    geslacht: Geslacht
    naam: VolledigeNaam
    communicatie: Communicatie | None = None
    juridische_status: JuridischeStatus | None = None
    wettelijke_vertegenwoordiging: WettelijkeVertegenwoordiging | None = None
    commentaar: Commentaar | None = None
    relaties: Annotated[list[Relatie], Field(min_length=1), Wrapped("Relatie")] | None = None
    contactgegevens: Annotated[list[Contact], Field(min_length=1), Wrapped("Contact")]
    toegewezen_producten: Annotated[list[ToegewezenProduct], Field(min_length=1), Wrapped("ToegewezenProduct")]


# --- 317 / 318 (shapes; NieuwProduct and Verzoek are narrowed per standard) ---------------------


class OngewijzigdProduct(Element):
    toewijzing_nummer: Nummer


class OngewijzigdProductRetour(OngewijzigdProduct):
    retour_codes: RetourCodes


class TeWijzigenProduct(Element):
    toewijzing_nummer: Nummer
    gewenste_ingangsdatum: dt.date
    einddatum: dt.date | None = None
    omvang: Omvang | None = None
    budget: Budget | None = None


class TeWijzigenProductRetour(TeWijzigenProduct):
    retour_codes: RetourCodes


class NieuwProduct(Element):
    """317 NieuwProduct shape: Product is narrowed per standard."""

    product: Product | None = None
    gewenste_ingangsdatum: dt.date
    einddatum: dt.date | None = None
    omvang: Omvang | None = None
    budget: Budget | None = None


class Verzoek(Element):
    """317 Verzoek shape; NieuweProducten is narrowed per standard."""

    referentie_aanbieder: Referentie
    reden_verzoek: RedenVerzoek
    ongewijzigde_producten: Annotated[list[OngewijzigdProduct], Field(min_length=1), Wrapped("OngewijzigdProduct")] | None = None
    te_wijzigen_producten: Annotated[list[TeWijzigenProduct], Field(min_length=1), Wrapped("TeWijzigenProduct")] | None = None
    nieuwe_producten: Annotated[list[NieuwProduct], Field(min_length=1), Wrapped("NieuwProduct")] | None = None


class Client317(Element):
    """317 Client shape: the BSN and one Verzoek (narrowed per standard)."""

    bsn: Bsn = Field(repr=False)
    verzoek: Verzoek


# --- 319 / 320 -------------------------------------------------------------------------------


class Antwoord(Element):
    """319 Antwoord (iWmo as is; iJw adds Woonplaatsbeginsel)."""

    referentie_aanbieder: Referentie
    verzoek_antwoord: VerzoekAntwoord
    reden_afwijzing_verzoek: RedenAfwijzingVerzoek | None = None


class AntwoordRetour(Antwoord):
    """320 Antwoord of iWmo."""

    retour_codes: RetourCodes


# --- 323 / 325 (shapes; ProductCategorie is narrowed per standard) -----------------------------


class GeslotenPeriode(BasisType):
    """CDT_GeslotenPeriode: both dates mandatory."""

    begindatum: dt.date
    einddatum: dt.date


class BedragMetDC(BasisType):
    """CDT_BedragMetDC: an amount in eurocent with D (debet) or C (credit)."""

    bedrag: Bedrag
    debet_credit: DebetCredit


class TotaalBedragMetDC(BasisType):
    """CDT_TotaalBedragMetDC: a total in eurocent with D or C."""

    totaal_bedrag: TotaalBedrag
    debet_credit: DebetCredit


class ProductReferentie(BasisType):
    """CDT_Referentie: the Prestatie's own number and, on a credit, the number it corrects."""

    referentie_nummer: ReferentieNummer
    vorig_referentie_nummer: ReferentieNummer | None = None


class Prestatie(Element):
    """323 Prestatie shape: ProductCategorie is narrowed to the standard's list."""

    product_referentie: ProductReferentie
    toewijzing_nummer: Nummer
    product_categorie: str
    product_code: ProductCode
    product_periode: GeslotenPeriode
    geleverd_volume: Volume
    eenheid: Eenheid
    product_tarief: Bedrag | None = None
    ingediend_bedrag: BedragMetDC


class DeclaratieClient(Element):
    """323 Client shape (one client with its Prestaties); narrowed per standard."""

    bsn: Bsn = Field(repr=False)
    prestaties: Annotated[list[Prestatie], Field(min_length=1), Wrapped("Prestatie")]


class Declaratie(Element):
    """323 Declaratie shape; Clienten is narrowed per standard."""

    declaratie_nummer: DeclaratieNummer
    declaratie_periode: GeslotenPeriode
    declaratie_dagtekening: dt.date
    totaal_ingediend_bedrag: TotaalBedragMetDC
    clienten: Annotated[list[DeclaratieClient], Field(min_length=1), Wrapped("Client")]


class DeclaratieAntwoord(Element):
    """325 DeclaratieAntwoord shape; Clienten (only rejected Prestaties) is narrowed per standard."""

    declaratie_nummer: IdentificatieDeclaratie
    totaal_ingediend_bedrag: TotaalBedragMetDC
    totaal_toegekend_bedrag: TotaalBedragMetDC
    clienten: Annotated[list[DeclaratieClient], Field(min_length=1), Wrapped("Client")] | None = None
    retour_codes: RetourCodes


# --- the message -------------------------------------------------------------------------------


class Bericht(Element):
    """Base class of every message: root element ``Bericht`` with ``header`` and one body field
    (``client``; ``antwoord`` in 319/320, ``declaratie`` in 323, ``declaratie_antwoord`` in 325).

    ``standaard``, ``release`` and ``nummer`` are class-level data; namespace, prefixes and
    BerichtCode come from the release registry. The header must carry this message's
    BerichtCode, BerichtVersie and BerichtSubversie.
    """

    standaard: ClassVar[Standaard]
    nummer: ClassVar[str]
    release: ClassVar[str] = DEFAULT_RELEASE

    header: Header

    @classmethod
    def message_type(cls) -> MessageType:
        return get_release(cls.standaard, cls.release).message(cls.nummer)

    @classmethod
    def from_xml(cls, data: bytes) -> Self:
        """Parse bytes that must be this message type (``ParseError`` otherwise)."""
        from berichten.errors import ParseError
        from berichten.parse import parse

        bericht = parse(data)
        if not isinstance(bericht, cls):
            mt = bericht.message_type()
            raise ParseError(f"Verwacht {cls.message_type().key}, maar dit is {mt.key}.")
        return bericht

    def to_xml(self) -> bytes:
        """The message as bytes; see ``berichten.serialize.to_xml``."""
        from berichten.serialize import to_xml

        return to_xml(self)

    @field_validator("header")
    @classmethod
    def _header_fits_message(cls, header: Any) -> Any:
        mt = cls.message_type()
        major, minor = (int(p) for p in cls.release.split("."))
        for element, found, wanted in (
            ("BerichtCode", header.bericht_code, mt.berichtcode),
            ("BerichtVersie", header.bericht_versie, major),
            ("BerichtSubversie", header.bericht_subversie, minor),
        ):
            if found != wanted:
                raise PydanticCustomError(
                    "header_mismatch",
                    "{element} {found} hoort niet bij {bericht} (verwacht {wanted})",
                    {"element": element, "found": found, "bericht": mt.key, "wanted": wanted, "veld": element},
                )
        return header
