"""Simple types of the basisschema as constrained Python types (facts from the XSD facets).

Each type carries a ``Vorm``: a short Dutch description of the expected form, used when a value
is rejected (``client.bsn: '12345' moet 9 cijfers zijn``). Integers stay integers: the XSD allows
``0300201`` for ToewijzingNummer 300201, we keep the number and write it without leading zeros.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AfterValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError


@dataclass(frozen=True)
class Vorm:
    """The expected form of a value, in Dutch, for error messages."""

    omschrijving: str


# At least one character that is not XSD whitespace, and no line breaks (the basisschema pattern).
_NIET_LEEG = r"^[^\r\n]*[^\t\n\r ][^\r\n]*$"


def _tekst(max_length: int | None, vorm: str, pattern: str = _NIET_LEEG) -> Any:
    return Annotated[
        str, StringConstraints(min_length=1, max_length=max_length, pattern=pattern), Vorm(vorm)
    ]


def _geheel(maximum: int, vorm: str) -> Any:
    return Annotated[int, Field(ge=0, le=maximum), Vorm(vorm)]


def _in_lijst(naam: str, codes: frozenset[str]) -> AfterValidator:
    def check(value: str) -> str:
        if value not in codes:
            raise PydanticCustomError("code_list", "geen geldige {lijst}: '{waarde}'", {"lijst": naam, "waarde": value})
        return value

    return AfterValidator(check)


Bsn = Annotated[str, StringConstraints(pattern=r"^[0-9]{9}$"), Vorm("9 cijfers")]
AgbCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{8}$"), Vorm("8 cijfers (AGB-code)")]
Gemeentecode = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}$"), Vorm("4 cijfers (CBS-gemeentecode)")]
BerichtCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,3}$"), Vorm("1 tot 3 cijfers")]
Versie = Annotated[
    str,
    StringConstraints(pattern=r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$"),
    Vorm("versie als major.minor.patch, bijvoorbeeld 1.0.0"),
]
BerichtVersie = _geheel(99, "geheel getal 0 tot en met 99")
IdentificatieBericht = _tekst(12, "1 tot 12 tekens, niet alleen spaties")
Referentie = _tekst(36, "1 tot 36 tekens, niet alleen spaties")
Persoonsid = _tekst(20, "1 tot 20 tekens, niet alleen spaties")
Naam = _tekst(200, "1 tot 200 tekens, niet alleen spaties")
Voorvoegsel = _tekst(10, "1 tot 10 tekens, niet alleen spaties")
Voorletters = _tekst(6, "1 tot 6 letters, zonder punten", pattern=r"^[A-Za-zÀ-ỳ]+$")
Taal = _tekst(25, "1 tot 25 tekens, niet alleen spaties")
# No maxLength in the 3.2 basisschema; newlines are allowed, blanks only are not.
Commentaar = _tekst(None, "tekst met minstens één teken dat geen spatie is", pattern=r"(?s)^.*[^\t\n\r ].*$")
Postcode = _tekst(8, "1 tot 8 tekens, niet alleen spaties")
Straatnaam = _tekst(24, "1 tot 24 tekens, niet alleen spaties")
Plaatsnaam = _tekst(80, "1 tot 80 tekens, niet alleen spaties")
Huisletter = _tekst(1, "één teken")
HuisnummerToevoeging = _tekst(4, "1 tot 4 tekens, niet alleen spaties")
Telefoonnummer = _tekst(15, "1 tot 15 cijfers", pattern=r"^[0-9]+$")
Landnummer = _tekst(4, "1 tot 4 tekens, bijvoorbeeld 0031")
Emailadres = _tekst(80, "1 tot 80 tekens, niet alleen spaties")
Organisatienaam = _tekst(35, "1 tot 35 tekens, niet alleen spaties")
ProductCode = _tekst(5, "1 tot 5 tekens, niet alleen spaties")
NaamVerwijzer = _tekst(64, "1 tot 64 tekens, niet alleen spaties")
# LDT_IdentificatieDeclaratie and LDT_ReferentieNummer have lengths only: no pattern at all.
IdentificatieDeclaratie = Annotated[str, StringConstraints(min_length=1, max_length=12), Vorm("1 tot 12 tekens")]
# The 323 narrows its DeclaratieNummer to letters and digits.
DeclaratieNummer = Annotated[str, StringConstraints(pattern=r"^[a-zA-Z0-9]{1,12}$"), Vorm("1 tot 12 letters of cijfers")]
ReferentieNummer = Annotated[str, StringConstraints(min_length=1, max_length=20), Vorm("1 tot 20 tekens")]

Nummer = _geheel(999_999_999, "geheel getal 0 tot en met 999999999")
Volume = _geheel(99_999_999, "geheel getal 0 tot en met 99999999")
Budget = _geheel(99_999_999, "bedrag in eurocent, geheel getal 0 tot en met 99999999")
Bedrag = _geheel(99_999_999, "bedrag in eurocent, geheel getal 0 tot en met 99999999")
TotaalBedrag = _geheel(999_999_999_999, "bedrag in eurocent, geheel getal 0 tot en met 999999999999")
Huisnummer = _geheel(99_999, "geheel getal 0 tot en met 99999")
RelatieVolgorde = _geheel(99, "geheel getal 0 tot en met 99")


def _zonder_tijdzone(value: dt.time) -> dt.time:
    # LDT_Tijd forbids a zone designator.
    if value.tzinfo is not None:
        raise PydanticCustomError("time_zone", "tijd zonder tijdzone verwacht: '{waarde}'", {"waarde": value.isoformat()})
    return value


Tijd = Annotated[dt.time, AfterValidator(_zonder_tijdzone), Vorm("tijd als UU:MM:SS")]

RETOURCODES = frozenset(
    "0001 0200 0233 0611 8001 8017 8021 8187 8214 8848 9019 9056 9063 9069 9071 9074 9307 9308 9319 9321 "
    "9322 9326 9332 9333 9338 9339 9340 9341 9346 9347 9349 9350 9351 9355 9357 9359 9360 9361 9365 9366 "
    "9367 9369 9373 9374 9375 9379 9384 9385 9387 9388 9389 9390 9411 9412 9413 9414 9415 S300 S329".split()
)
RetourCode = Annotated[
    str, StringConstraints(pattern=r"^[0-9S][0-9]{3}$"), _in_lijst("retourcode (WJ001)", RETOURCODES), Vorm("retourcode uit WJ001")
]

# ISO 3166 alpha-2 codes as enumerated by LDT_LandCode in the 3.2 basisschema.
LANDCODES = frozenset(
    """AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW
    BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ
    FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ
    IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH
    MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL
    PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD
    TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW""".split()
)
LandCode = Annotated[
    str, StringConstraints(pattern=r"^[A-Z]{2}$"), _in_lijst("landcode (ISO 3166)", LANDCODES), Vorm("landcode van twee hoofdletters, bijvoorbeeld NL")
]
