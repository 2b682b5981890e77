"""iJw 3.2 (Jeugdwet): the message classes Jw301 ... Jw325 and the iJw-specific parts.

Differences with iWmo are explicit here: product categories JZ020 (also the ProductCategorie of
a 323/325 Prestatie), RedenWijziging JZ002, RedenBeeindiging JZ588, GezagsdragerBekend in the
315/316 Client and Woonplaatsbeginsel in the 319/320 Antwoord.
"""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import Field

from berichten.models import shared
from berichten.models.base import Element, Wrapped
from berichten.models.codes import JaNee, ProductCategorieIjw, RedenBeeindigingIjw, RedenWijzigingIjw
from berichten.models.shared import (
    AanbiederHeader,
    AanbiederRetourHeader,
    Bericht,
    ContactRetour,
    DeclaratieAntwoordHeader,
    GemeenteHeader,
    GemeenteRetourHeader,
    OngewijzigdProductRetour,
    RelatieRetour,
    RetourCodes,
    TeWijzigenProductRetour,
)
from berichten.models.types import Commentaar, Gemeentecode
from berichten.release import Standaard

STANDAARD: Standaard = "ijw"


class Product(shared.Product):
    categorie: ProductCategorieIjw


# --- 301 / 302 -------------------------------------------------------------------------------


class ToegewezenProduct(shared.ToegewezenProduct):
    product: Product | None = None
    reden_wijziging: RedenWijzigingIjw | None = None


class ToegewezenProductRetour(ToegewezenProduct):
    retour_codes: RetourCodes


class Client301(shared.Client301):
    toegewezen_producten: Annotated[list[ToegewezenProduct], Field(min_length=1), Wrapped("ToegewezenProduct")]


class Client302(Client301):
    relaties: Annotated[list[RelatieRetour], Field(min_length=1), Wrapped("Relatie")] | None = None
    contactgegevens: Annotated[list[ContactRetour], Field(min_length=1), Wrapped("Contact")]
    toegewezen_producten: Annotated[
        list[ToegewezenProductRetour], Field(min_length=1), Wrapped("ToegewezenProduct")
    ]
    retour_codes: RetourCodes


# --- 305 / 306 -------------------------------------------------------------------------------


class StartProduct(shared.StartProduct):
    product: Product | None = None


class StartProductRetour(StartProduct):
    retour_codes: RetourCodes


class Client305(shared.ClientVerkort):
    start_producten: Annotated[list[StartProduct], Field(min_length=1), Wrapped("StartProduct")]


class Client306(Client305):
    start_producten: Annotated[list[StartProductRetour], Field(min_length=1), Wrapped("StartProduct")]
    retour_codes: RetourCodes


# --- 307 / 308 -------------------------------------------------------------------------------


class StopProduct(shared.StopProduct):
    product: Product | None = None
    reden_beeindiging: RedenBeeindigingIjw


class StopProductRetour(StopProduct):
    retour_codes: RetourCodes


class Client307(shared.ClientVerkort):
    stop_producten: Annotated[list[StopProduct], Field(min_length=1), Wrapped("StopProduct")]


class Client308(Client307):
    stop_producten: Annotated[list[StopProductRetour], Field(min_length=1), Wrapped("StopProduct")]
    retour_codes: RetourCodes


# --- 315 / 316 -------------------------------------------------------------------------------


class AangevraagdProduct(shared.AangevraagdProduct):
    product: Product | None = None


class AangevraagdProductRetour(AangevraagdProduct):
    retour_codes: RetourCodes


class Client315(shared.ClientVerkort):
    # iJw only: whether the authority holder is known (lets the gemeente leave it out of the 301).
    gezagsdrager_bekend: JaNee | None = None
    commentaar: Commentaar | None = None
    aangevraagde_producten: Annotated[list[AangevraagdProduct], Field(min_length=1), Wrapped("AangevraagdProduct")]


class Client316(Client315):
    aangevraagde_producten: Annotated[
        list[AangevraagdProductRetour], Field(min_length=1), Wrapped("AangevraagdProduct")
    ]
    retour_codes: RetourCodes


# --- 317 / 318 -------------------------------------------------------------------------------


class NieuwProduct(shared.NieuwProduct):
    product: Product | None = None


class NieuwProductRetour(NieuwProduct):
    retour_codes: RetourCodes


class Verzoek(shared.Verzoek):
    nieuwe_producten: Annotated[list[NieuwProduct], Field(min_length=1), Wrapped("NieuwProduct")] | None = None


class VerzoekRetour(Verzoek):
    ongewijzigde_producten: Annotated[
        list[OngewijzigdProductRetour], Field(min_length=1), Wrapped("OngewijzigdProduct")
    ] | None = None
    te_wijzigen_producten: Annotated[
        list[TeWijzigenProductRetour], Field(min_length=1), Wrapped("TeWijzigenProduct")
    ] | None = None
    nieuwe_producten: Annotated[list[NieuwProductRetour], Field(min_length=1), Wrapped("NieuwProduct")] | None = None
    retour_codes: RetourCodes


class Client317(shared.Client317):
    verzoek: Verzoek


class Client318(Client317):
    verzoek: VerzoekRetour
    retour_codes: RetourCodes


# --- 319 / 320 -------------------------------------------------------------------------------


class Woonplaatsbeginsel(Element):
    """iJw only: the gemeente that pays under the woonplaatsbeginsel (with RedenAfwijzingVerzoek 8)."""

    gemeente: Gemeentecode


class WoonplaatsbeginselRetour(Woonplaatsbeginsel):
    retour_codes: RetourCodes


class Antwoord(shared.Antwoord):
    woonplaatsbeginsel: Woonplaatsbeginsel | None = None


class AntwoordRetour(Antwoord):
    woonplaatsbeginsel: WoonplaatsbeginselRetour | None = None
    retour_codes: RetourCodes


# --- 323 / 325 -------------------------------------------------------------------------------


class Prestatie(shared.Prestatie):
    product_categorie: ProductCategorieIjw


class PrestatieRetour(Prestatie):
    retour_codes: RetourCodes


class DeclaratieClient(shared.DeclaratieClient):
    prestaties: Annotated[list[Prestatie], Field(min_length=1), Wrapped("Prestatie")]


class DeclaratieClientRetour(DeclaratieClient):
    prestaties: Annotated[list[PrestatieRetour], Field(min_length=1), Wrapped("Prestatie")]
    retour_codes: RetourCodes


class Declaratie(shared.Declaratie):
    clienten: Annotated[list[DeclaratieClient], Field(min_length=1), Wrapped("Client")]


class DeclaratieAntwoord(shared.DeclaratieAntwoord):
    clienten: Annotated[list[DeclaratieClientRetour], Field(min_length=1), Wrapped("Client")] | None = None


# --- messages --------------------------------------------------------------------------------


class Jw301(Bericht):
    """iJw 301 Toewijzing (gemeente -> aanbieder)."""

    standaard: ClassVar[Standaard] = STANDAARD
    nummer: ClassVar[str] = "301"
    header: GemeenteHeader
    client: Client301


class Jw302(Bericht):
    """iJw 302 retour op een 301; Client only when a class is rejected."""

    standaard: ClassVar[Standaard] = STANDAARD
    nummer: ClassVar[str] = "302"
    header: GemeenteRetourHeader
    client: Client302 | None = None


class Jw305(Bericht):
    """iJw 305 Start zorg (aanbieder -> gemeente)."""

    standaard: ClassVar[Standaard] = STANDAARD
    nummer: ClassVar[str] = "305"
    header: AanbiederHeader
    client: Client305


class Jw306(Bericht):
    """iJw 306 retour op een 305."""

    standaard: ClassVar[Standaard] = STANDAARD
    nummer: ClassVar[str] = "306"
    header: AanbiederRetourHeader
    client: Client306 | None = None


class Jw307(Bericht):
    """iJw 307 Stop zorg (aanbieder -> gemeente)."""

    standaard: ClassVar[Standaard] = STANDAARD
    nummer: ClassVar[str] = "307"
    header: AanbiederHeader
    client: Client307


class Jw308(Bericht):
    """iJw 308 retour op een 307."""

    standaard: ClassVar[Standaard] = STANDAARD
    nummer: ClassVar[str] = "308"
    header: AanbiederRetourHeader
    client: Client308 | None = None


class Jw315(Bericht):
    """iJw 315 Verzoek om toewijzing (aanbieder -> gemeente)."""

    standaard: ClassVar[Standaard] = STANDAARD
    nummer: ClassVar[str] = "315"
    header: AanbiederHeader
    client: Client315


class Jw316(Bericht):
    """iJw 316 retour op een 315."""

    standaard: ClassVar[Standaard] = STANDAARD
    nummer: ClassVar[str] = "316"
    header: AanbiederRetourHeader
    client: Client316 | None = None


class Jw317(Bericht):
    """iJw 317 Verzoek om wijziging (aanbieder -> gemeente)."""

    standaard: ClassVar[Standaard] = STANDAARD
    nummer: ClassVar[str] = "317"
    header: AanbiederHeader
    client: Client317


class Jw318(Bericht):
    """iJw 318 retour op een 317."""

    standaard: ClassVar[Standaard] = STANDAARD
    nummer: ClassVar[str] = "318"
    header: AanbiederRetourHeader
    client: Client318 | None = None


class Jw319(Bericht):
    """iJw 319 Antwoordbericht op een 315 of 317 (gemeente -> aanbieder)."""

    standaard: ClassVar[Standaard] = STANDAARD
    nummer: ClassVar[str] = "319"
    header: GemeenteHeader
    antwoord: Antwoord


class Jw320(Bericht):
    """iJw 320 retour op een 319."""

    standaard: ClassVar[Standaard] = STANDAARD
    nummer: ClassVar[str] = "320"
    header: GemeenteRetourHeader
    antwoord: AntwoordRetour | None = None


class Jw323(Bericht):
    """iJw 323 Declaratie (aanbieder -> gemeente)."""

    standaard: ClassVar[Standaard] = STANDAARD
    nummer: ClassVar[str] = "323"
    header: AanbiederHeader
    declaratie: Declaratie


class Jw325(Bericht):
    """iJw 325 Declaratie-antwoord op een 323 (gemeente -> aanbieder); not a copy of the 323."""

    standaard: ClassVar[Standaard] = STANDAARD
    nummer: ClassVar[str] = "325"
    header: DeclaratieAntwoordHeader
    declaratie_antwoord: DeclaratieAntwoord | None = None


MESSAGES: tuple[type[Bericht], ...] = (
    Jw301, Jw302, Jw305, Jw306, Jw307, Jw308, Jw315, Jw316,
    Jw317, Jw318, Jw319, Jw320, Jw323, Jw325,
)
