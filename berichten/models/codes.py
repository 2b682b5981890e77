"""Code lists of iJw 3.2 and iWmo 3.2 as enums, named after the list (COD046, WJ756, ...).

The value of each member is the code exactly as it appears in a message (leading zeros matter);
``label`` is a short description in our own words, for reports and error messages. Lists that
differ between the standards (product categories, RedenWijziging, RedenBeeindiging) exist once
per standard, so a type never accepts the other standard's codes.

Two lists are long and only ever checked, never labelled: RetourCode (WJ001) and LandCode (ISO
3166 alpha-2 as enumerated by the basisschema); they are constrained strings in ``types.py``.
"""

from __future__ import annotations

from enum import Enum
from typing import Any


class CodeList(str, Enum):
    """A code list: members compare equal to their code and carry a short label."""

    label: str

    def __new__(cls, code: str, label: str) -> CodeList:
        member = str.__new__(cls, code)
        member._value_ = code
        member.label = label
        return member

    def __str__(self) -> str:
        return self.value

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> Any:
        # The JSON schema lists each code with its label, so generate users see what a code means.
        schema = handler.resolve_ref_schema(handler(core_schema))
        codes = "; ".join(f"{m.value} = {m.label}" for m in cls)
        schema["description"] = f"{(cls.__doc__ or cls.__name__).strip()} Codes: {codes}."
        return schema


# --- shared by iJw and iWmo -------------------------------------------------------------------


class Geslacht(CodeList):
    """COD046 geslacht."""

    ONBEKEND = "0", "onbekend"
    MAN = "1", "man"
    VROUW = "2", "vrouw"


class DatumGebruik(CodeList):
    """COD170: which part of a (birth) date is unknown."""

    DAG_ONBEKEND = "1", "dag onbekend"
    DAG_EN_MAAND_ONBEKEND = "2", "dag en maand onbekend"
    DATUM_ONBEKEND = "3", "hele datum onbekend"


class NaamGebruik(CodeList):
    """COD700: which name to use when addressing the person."""

    EIGEN = "1", "eigen naam"
    PARTNER = "2", "naam van de partner"
    PARTNER_EIGEN = "3", "partnernaam, dan eigen naam"
    EIGEN_PARTNER = "4", "eigen naam, dan partnernaam"
    PSEUDONIEM = "5", "pseudoniem"
    GEEN_PERSOON = "6", "organisatie, geen natuurlijk persoon"


class Communicatievorm(CodeList):
    """COD747: kind of interpreter the client needs."""

    TOLK = "1", "tolk voor een andere taal"
    DOVENTOLK = "2", "tolk voor doven"
    DOOFBLINDENTOLK = "3", "tolk voor doofblinden"


class AdresSoort(CodeList):
    """COD757 soort adres."""

    BRP = "01", "adres volgens de BRP"
    CORRESPONDENTIE = "02", "postadres"
    VERBLIJF = "03", "verblijfsadres"
    TIJDELIJK_VERBLIJF = "04", "tijdelijk verblijfsadres"


class AanduidingWoonadres(CodeList):
    """NUM061: how the address relates to the dwelling."""

    AAN_BOORD = "AB", "aan boord van een schip"
    BIJ = "BY", "bij"
    TEGENOVER = "TO", "tegenover"
    WOONWAGEN = "WW", "woonwagen"


class SoortRelatie(CodeList):
    """COD472: the relation of a person to the client."""

    CURATOR = "03", "curator"
    FINANCIEEL_GEMACHTIGD = "04", "gemachtigde voor geldzaken"
    FINANCIEEL_TOETSING = "05", "toetsing van geldzaken"
    LEEFEENHEID = "06", "deel van de leefeenheid"
    HULPVERLENER = "07", "hulpverlener"
    SPECIALIST = "08", "specialist"
    ANDERS = "09", "andere relatie"
    OUDER = "10", "ouder"
    VOOGD = "11", "voogd"
    PARTNER = "12", "partner"
    PLEEGOUDER = "13", "pleegouder"
    BEWINDVOERDER = "14", "bewindvoerder"
    MENTOR = "15", "mentor"
    KIND = "16", "zoon of dochter"
    FAMILIELID = "17", "familie"
    GEZINSLID = "18", "lid van het gezin"
    BUUR = "19", "buurman of buurvrouw"
    VRIEND = "20", "vriend of kennis"
    CLIENTONDERSTEUNER = "21", "cliëntondersteuner"
    HUISARTS = "22", "huisarts"
    ERVEN = "23", "erfgenamen"
    WERKGEVER = "24", "werkgever"
    WIJKCOACH = "25", "wijkcoach"


class JuridischeStatus(CodeList):
    """WJ232 juridische status."""

    RM_VOORLOPIG_OF_VOORTGEZET = "01", "rechterlijke machtiging (voorlopig of voortgezet)"
    RM_EIGEN_VERZOEK = "02", "rechterlijke machtiging op eigen verzoek"
    RM_VOORWAARDELIJK_ONTSLAG = "03", "rechterlijke machtiging, voorwaardelijk ontslag"
    OTS = "04", "ondertoezichtstelling"
    IBS = "05", "inbewaringstelling"
    TBS = "11", "strafrechtelijk: tbs"
    JUSTITIEEL_OVERIG = "12", "strafrechtelijk: overig"


class WettelijkeVertegenwoordiging(CodeList):
    """WJ003 wettelijke vertegenwoordiging."""

    VOOGDIJ = "06", "voogdij"
    BEWINDVOERING = "07", "bewind"
    MENTORSCHAP = "08", "mentorschap"
    CURATELE = "09", "curatele"
    ZAAKWAARNEMING = "10", "zaakwaarneming"


class Eenheid(CodeList):
    """WJ756: unit of an Omvang or of a declared GeleverdVolume."""

    MINUUT = "01", "minuten"
    UUR = "04", "uren"
    ETMAAL = "14", "etmalen"
    DAGDEEL = "16", "dagdelen van 4 uur"
    STUKS_OUTPUT = "82", "stuks (outputgericht)"
    EURO = "83", "euro (bedrag in centen)"
    STUKS_INSPANNING = "84", "stuks (inspanningsgericht)"


class Frequentie(CodeList):
    """WMO757: the period a Volume applies to (shared by iJw and iWmo)."""

    PER_DAG = "1", "per dag"
    PER_WEEK = "2", "per week"
    PER_MAAND = "4", "per maand"
    TOTAAL = "6", "totaal over de hele toewijzing"


class StatusAanlevering(CodeList):
    """COD467 (305/307 accept only 1 and 3 by rule CS058; the XSD has all four)."""

    EERSTE = "1", "eerste aanlevering"
    GEWIJZIGD = "2", "gewijzigde aanlevering"
    VERWIJDEREN = "3", "eerdere aanlevering verwijderen"
    NIET_VAN_TOEPASSING = "9", "niet van toepassing"


class TypeVerwijzer(CodeList):
    """COD327: who referred the client (there is no code 07)."""

    GEMEENTE = "01", "gemeente of lokaal team"
    HUISARTS = "02", "huisarts"
    JEUGDARTS = "03", "jeugdarts"
    GECERTIFICEERDE_INSTELLING = "04", "gecertificeerde instelling"
    MEDISCH_SPECIALIST = "05", "medisch specialist"
    GEEN_VERWIJZER = "06", "zelf gemeld, geen verwijzer"
    JUSTITIE = "08", "rechter, OvJ of justitiële jeugdinrichting"


class JaNee(CodeList):
    """LDT_JaNee: 1 ja, 2 nee."""

    JA = "1", "ja"
    NEE = "2", "nee"


class RedenVerzoek(CodeList):
    """WJ758: why the aanbieder asks for a change (317)."""

    SITUATIE_CLIENT = "1", "de situatie van de cliënt is veranderd"
    ZORGPLAN = "2", "het plan van aanpak is aangepast"


class VerzoekAntwoord(CodeList):
    """WJ760: the gemeente's answer on a request (319)."""

    AFGEWEZEN = "1", "niet gehonoreerd"
    IN_ONDERZOEK = "2", "wordt nog onderzocht"


class RedenAfwijzingVerzoek(CodeList):
    """WJ759: why a request was turned down (319)."""

    NIEUWE_AANVRAAG = "1", "is een nieuwe aanvraag, geen wijziging"
    BUDGET = "2", "te duur voor het budget"
    GEEN_CONTRACT = "3", "aanbieder heeft geen contract"
    BUITEN_CONTRACT = "4", "valt buiten het contract"
    ANDERE_GEMEENTE = "5", "hoort bij een andere gemeente"
    STAPELING = "6", "te veel voorzieningen tegelijk"
    INHOUDELIJK = "7", "inhoudelijk niet akkoord"
    WOONPLAATSBEGINSEL = "8", "woonplaatsbeginsel: een andere gemeente betaalt"
    LEEFTIJD = "9", "cliënt valt buiten de leeftijdsgrens"


class DebetCredit(CodeList):
    """LDT_DebetCredit: whether an amount is charged (D) or taken back (C)."""

    DEBET = "D", "debet, in rekening gebracht"
    CREDIT = "C", "credit, teruggedraaid"


# --- iJw only ---------------------------------------------------------------------------------


class ProductCategorieIjw(CodeList):
    """JZ020: product categories of the Jeugdwet."""

    WIJKTEAM_2015 = "31", "(2015) zonder verblijf, wijk- of buurtteam"
    AMBULANT_LOCATIE_2015 = "32", "(2015) zonder verblijf, ambulant bij de aanbieder"
    DAGHULP_2015 = "33", "(2015) zonder verblijf, daghulp bij de aanbieder"
    NETWERK_2015 = "34", "(2015) zonder verblijf, in het netwerk van de jeugdige"
    PLEEGZORG_2015 = "35", "(2015) met verblijf, pleegzorg"
    GEZINSGERICHT_2015 = "36", "(2015) met verblijf, gezinsgericht"
    GESLOTEN_2015 = "37", "(2015) met verblijf, gesloten"
    RESIDENTIEEL_2015 = "38", "(2015) met verblijf, overig residentieel"
    PERSOONLIJKE_VERZORGING = "40", "persoonlijke verzorging"
    DAGBEHANDELING = "41", "dagbehandeling"
    VERVOER = "42", "vervoer"
    VERBLIJF_MET_BEHANDELING = "43", "verblijf met behandeling"
    VERBLIJF_ZONDER_BEHANDELING = "44", "verblijf zonder behandeling"
    AMBULANT = "45", "ambulante jeugdhulp"
    CRISIS = "46", "crisishulp"
    JEUGDRECLASSERING = "47", "jeugdreclassering"
    JEUGDBESCHERMING = "48", "jeugdbescherming"
    PREVENTIEF_JUSTITIEEL = "49", "preventief justitieel kader"
    MAATWERK = "50", "maatwerk"
    GENERALISTISCHE_BASIS_GGZ = "51", "basis-ggz (generalistisch)"
    SPECIALISTISCHE_GGZ = "52", "ggz (specialistisch)"
    KINDERGENEESKUNDE = "53", "kindergeneeskunde"
    JEUGD_GGZ = "54", "jeugd-ggz"
    LANDELIJK = "55", "landelijk ingekocht"


class RedenWijzigingIjw(CodeList):
    """JZ002: why an allocation version changed (iJw)."""

    ADMINISTRATIEF_VERVALLEN = "01", "administratieve correctie (niet meer gebruiken)"
    OVERLEDEN = "02", "cliënt overleden"
    CONTRACT = "03", "contract gewijzigd"
    VERLENGING = "04", "verlengd na herbeoordeling"
    VERKORTING = "05", "verkort na herbeoordeling"
    ANDER_DOMEIN = "06", "naar een ander domein"
    VERHUIZING = "07", "verhuisd naar andere gemeente"
    LEVERINGSVORM = "08", "andere leveringsvorm"
    ANDERE_AANBIEDER = "09", "naar een andere aanbieder"
    BEKOSTIGING = "10", "nieuwe manier van bekostigen"
    HERINDELING = "11", "gemeenten heringedeeld"
    AANBIEDER = "12", "op initiatief van de aanbieder"
    VERWIJDERD = "13", "toewijzing verwijderd"
    ADMINISTRATIEF = "14", "administratieve correctie"


class RedenBeeindigingIjw(CodeList):
    """JZ588: why delivery stopped (iJw; 32-35 are Jeugd only)."""

    OVERLIJDEN = "02", "overleden"
    TIJDELIJK = "20", "tijdelijk gestopt"
    VOLGENS_PLAN = "31", "afgerond zoals gepland"
    VOORTIJDIG_CLIENT = "32", "te vroeg gestopt, door de cliënt"
    VOORTIJDIG_AANBIEDER = "33", "te vroeg gestopt, door de aanbieder"
    VOORTIJDIG_IN_OVERLEG = "34", "te vroeg gestopt, samen besloten"
    VOORTIJDIG_EXTERN = "35", "te vroeg gestopt, oorzaak van buiten"
    GEMEENTE = "36", "op initiatief van de gemeente"
    WIJZIGINGSVERZOEK = "37", "vanwege een verzoek om wijziging"
    ANDERE_AANBIEDER = "38", "naar een andere aanbieder"
    ANDER_DOMEIN = "39", "naar een ander domein"


# --- iWmo only --------------------------------------------------------------------------------


class ProductCategorieIwmo(CodeList):
    """WMO020: product categories of the Wmo 2015."""

    HUISHOUDEN = "01", "hulp in het huishouden"
    BEGELEIDING = "02", "begeleiding"
    PERSOONLIJKE_VERZORGING = "03", "persoonlijke verzorging"
    KORTDUREND_VERBLIJF = "04", "kort verblijf"
    WOONDIENSTEN = "05", "woondiensten"
    OVERIG_INDIVIDUEEL = "06", "andere individuele ondersteuning"
    DAGBESTEDING = "07", "dagbesteding"
    VERVOERDIENSTEN = "08", "vervoersdiensten"
    OVERIG_GROEP = "09", "andere ondersteuning in groepen"
    OVERIG_MAATWERK = "10", "ander maatwerk"
    ROLSTOELEN = "11", "rolstoelen"
    VERVOERVOORZIENINGEN = "12", "vervoersvoorzieningen"
    WOONVOORZIENINGEN = "13", "woonvoorzieningen"
    OVERIGE_HULPMIDDELEN = "14", "andere hulpmiddelen"
    BESCHERMD_WONEN = "15", "beschermd wonen"
    OPVANG = "16", "opvang"
    SPOEDOPVANG = "17", "opvang met spoed"
    OVERIG_WONEN_OPVANG = "18", "ander beschermd wonen of opvang"


class RedenWijzigingIwmo(CodeList):
    """WMO002: why an allocation version changed (iWmo; same codes as JZ002)."""

    ADMINISTRATIEF_VERVALLEN = "01", "administratieve correctie (niet meer gebruiken)"
    OVERLEDEN = "02", "cliënt overleden"
    CONTRACT = "03", "contract gewijzigd"
    VERLENGING = "04", "verlengd na herbeoordeling"
    VERKORTING = "05", "verkort na herbeoordeling"
    ANDER_DOMEIN = "06", "naar een ander domein"
    VERHUIZING = "07", "verhuisd naar andere gemeente"
    LEVERINGSVORM = "08", "andere leveringsvorm"
    ANDERE_AANBIEDER = "09", "naar een andere aanbieder"
    BEKOSTIGING = "10", "nieuwe manier van bekostigen"
    HERINDELING = "11", "gemeenten heringedeeld"
    AANBIEDER = "12", "op initiatief van de aanbieder"
    VERWIJDERD = "13", "toewijzing verwijderd"
    ADMINISTRATIEF = "14", "administratieve correctie"


class RedenBeeindigingIwmo(CodeList):
    """WMO588: why delivery stopped (iWmo; 19 and 21-23 are Wmo only, 31 means moving here)."""

    OVERLIJDEN = "02", "overleden"
    VOLGENS_PLAN = "19", "afgerond zoals gepland"
    TIJDELIJK = "20", "tijdelijk gestopt"
    DOOR_CLIENT = "21", "gestopt door de cliënt alleen"
    DOOR_AANBIEDER = "22", "gestopt door de aanbieder alleen"
    IN_OVERLEG = "23", "te vroeg gestopt, samen besloten"
    VERHUIZING = "31", "verhuisd naar andere gemeente"
    GEMEENTE = "36", "op initiatief van de gemeente"
    WIJZIGINGSVERZOEK = "37", "vanwege een verzoek om wijziging"
    ANDERE_AANBIEDER = "38", "naar een andere aanbieder"
    ANDER_DOMEIN = "39", "naar een ander domein"
