"""Parts that iJw 3.2 and iWmo 3.2 share: header, client, naam, adres, contact, relatie, ...

A structural diff of the two sets of schemas shows that 301-308 and 315/316 are identical except
for three code lists and GezagsdragerBekend (iJw 315/316). So everything that does not carry one of
those lists is defined here once; ``ijw.py`` and ``iwmo.py`` narrow the product-level classes to
their own code lists and assemble the messages.

The classes ``Product``, ``ToegewezenProduct``, ``StartProduct``, ``StopProduct`` and
``AangevraagdProduct`` are shapes: their code-list fields are plain strings here and are narrowed
by the standard's subclass (a redeclared field keeps its place, so the XSD order holds).
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
    Eenheid,
    Frequentie,
    Geslacht,
    JaNee,
    JuridischeStatus,
    NaamGebruik,
    SoortRelatie,
    StatusAanlevering,
    TypeVerwijzer,
    WettelijkeVertegenwoordiging,
)
from berichten.models.types import (
    AgbCode,
    BerichtCode,
    BerichtVersie,
    Bsn,
    Budget,
    Commentaar,
    Emailadres,
    Gemeentecode,
    Huisletter,
    Huisnummer,
    HuisnummerToevoeging,
    IdentificatieBericht,
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
    RelatieVolgorde,
    RetourCode,
    Straatnaam,
    Taal,
    Telefoonnummer,
    Tijd,
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
    """Header of 306, 308, 316: the heen header plus the retour fields."""


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


# --- the message -------------------------------------------------------------------------------


class Bericht(Element):
    """Base class of every message: root element ``Bericht`` with ``header`` and ``client``.

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
