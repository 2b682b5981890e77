"""iWmo 3.2 (Wmo 2015): the message classes Wmo301 ... Wmo325 and the iWmo-specific parts.

Differences with iJw are explicit here: product categories WMO020 (also the ProductCategorie of
a 323/325 Prestatie), RedenWijziging WMO002, RedenBeeindiging WMO588; the 315/316 Client has no
GezagsdragerBekend and the 319/320 Antwoord no Woonplaatsbeginsel.
"""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import Field

from berichten.models import shared
from berichten.models.base import Wrapped
from berichten.models.codes import ProductCategorieIwmo, RedenBeeindigingIwmo, RedenWijzigingIwmo
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
from berichten.models.types import Commentaar
from berichten.release import Standaard

STANDAARD: Standaard = "iwmo"


class Product(shared.Product):
    categorie: ProductCategorieIwmo


# --- 301 / 302 -------------------------------------------------------------------------------


class ToegewezenProduct(shared.ToegewezenProduct):
    product: Product | None = None
    reden_wijziging: RedenWijzigingIwmo | None = None


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
    reden_beeindiging: RedenBeeindigingIwmo


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
# The iWmo Antwoord has no Woonplaatsbeginsel: shared.Antwoord and shared.AntwoordRetour as they are.


# --- 323 / 325 -------------------------------------------------------------------------------


class Prestatie(shared.Prestatie):
    product_categorie: ProductCategorieIwmo


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


class Wmo301(Bericht):
    """iWmo 301 Toewijzing (gemeente -> aanbieder)."""

    standaard: ClassVar[Standaard] = STANDAARD
    nummer: ClassVar[str] = "301"
    header: GemeenteHeader
    client: Client301


class Wmo302(Bericht):
    """iWmo 302 retour op een 301; Client only when a class is rejected."""

    standaard: ClassVar[Standaard] = STANDAARD
    nummer: ClassVar[str] = "302"
    header: GemeenteRetourHeader
    client: Client302 | None = None


class Wmo305(Bericht):
    """iWmo 305 Start ondersteuning (aanbieder -> gemeente)."""

    standaard: ClassVar[Standaard] = STANDAARD
    nummer: ClassVar[str] = "305"
    header: AanbiederHeader
    client: Client305


class Wmo306(Bericht):
    """iWmo 306 retour op een 305."""

    standaard: ClassVar[Standaard] = STANDAARD
    nummer: ClassVar[str] = "306"
    header: AanbiederRetourHeader
    client: Client306 | None = None


class Wmo307(Bericht):
    """iWmo 307 Stop ondersteuning (aanbieder -> gemeente)."""

    standaard: ClassVar[Standaard] = STANDAARD
    nummer: ClassVar[str] = "307"
    header: AanbiederHeader
    client: Client307


class Wmo308(Bericht):
    """iWmo 308 retour op een 307."""

    standaard: ClassVar[Standaard] = STANDAARD
    nummer: ClassVar[str] = "308"
    header: AanbiederRetourHeader
    client: Client308 | None = None


class Wmo315(Bericht):
    """iWmo 315 Verzoek om toewijzing (aanbieder -> gemeente)."""

    standaard: ClassVar[Standaard] = STANDAARD
    nummer: ClassVar[str] = "315"
    header: AanbiederHeader
    client: Client315


class Wmo316(Bericht):
    """iWmo 316 retour op een 315."""

    standaard: ClassVar[Standaard] = STANDAARD
    nummer: ClassVar[str] = "316"
    header: AanbiederRetourHeader
    client: Client316 | None = None


class Wmo317(Bericht):
    """iWmo 317 Verzoek om wijziging (aanbieder -> gemeente)."""

    standaard: ClassVar[Standaard] = STANDAARD
    nummer: ClassVar[str] = "317"
    header: AanbiederHeader
    client: Client317


class Wmo318(Bericht):
    """iWmo 318 retour op een 317."""

    standaard: ClassVar[Standaard] = STANDAARD
    nummer: ClassVar[str] = "318"
    header: AanbiederRetourHeader
    client: Client318 | None = None


class Wmo319(Bericht):
    """iWmo 319 Antwoordbericht op een 315 of 317 (gemeente -> aanbieder)."""

    standaard: ClassVar[Standaard] = STANDAARD
    nummer: ClassVar[str] = "319"
    header: GemeenteHeader
    antwoord: shared.Antwoord


class Wmo320(Bericht):
    """iWmo 320 retour op een 319."""

    standaard: ClassVar[Standaard] = STANDAARD
    nummer: ClassVar[str] = "320"
    header: GemeenteRetourHeader
    antwoord: shared.AntwoordRetour | None = None


class Wmo323(Bericht):
    """iWmo 323 Declaratie (aanbieder -> gemeente)."""

    standaard: ClassVar[Standaard] = STANDAARD
    nummer: ClassVar[str] = "323"
    header: AanbiederHeader
    declaratie: Declaratie


class Wmo325(Bericht):
    """iWmo 325 Declaratie-antwoord op een 323 (gemeente -> aanbieder); not a copy of the 323."""

    standaard: ClassVar[Standaard] = STANDAARD
    nummer: ClassVar[str] = "325"
    header: DeclaratieAntwoordHeader
    declaratie_antwoord: DeclaratieAntwoord | None = None


MESSAGES: tuple[type[Bericht], ...] = (
    Wmo301, Wmo302, Wmo305, Wmo306, Wmo307, Wmo308, Wmo315, Wmo316,
    Wmo317, Wmo318, Wmo319, Wmo320, Wmo323, Wmo325,
)
