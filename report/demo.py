"""A deterministic demo set: messages for both regions, their registries and fact files.

``write_demo(folder)`` writes, for twelve months (November 2025 to October 2026):

- ``berichten/grjr/`` and ``berichten/nijmegen/``: 301 (most answered by a 302 with 0200), 305, 307
  and 315 messages built with ``berichten.generate`` (XSD-valid, fake BSNs that pass the
  11-proef, made-up names);
- ``regio/grjr.toml`` and ``regio/nijmegen.toml``: provider registries (made-up AGB codes);
- ``regio/aanmeldingen.csv`` (GRJR flex cases) and ``regio/acceptaties.csv`` (Nijmegen).

File names start with the Dagtekening, so importing the folder in sorted order replays the
exchange in time order. The same seed always gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from berichten.generate import generate

DEMO_SEED = 20260101
DEMO_START = date(2025, 11, 1)
DEMO_PEILDATUM = date(2026, 10, 31)  # last day of the twelve demo months; no message is dated later

GRJR_GEMEENTEN = ("0489", "0502", "0542", "0556", "0597", "0599", "0606", "0613", "0622", "1621", "1924", "1930", "1992")
SYSTEEM = ("87654321", "87651111")
PRESTATIE = ("87650000",)
ONDERAANNEMER = "11112222"  # also a flex-aanbieder
FLEX = ("12345678", "11112222", "13572468")
GRJR_PRODUCTS = {"BC": ("45A04", "45A05", "41A01"), "C1": ("43A01",), "FOR": ("45F01",), "FORV": ("43F01",), "C2": ("43C02",)}
NIJMEGEN_PROVIDERS = ("87654321", "22223333", "33334444", "55556666")
NIJMEGEN_PRODUCTS = {"45A04": ("ijw", "45"), "45A05": ("ijw", "45"), "02A03": ("iwmo", "02"), "02A05": ("iwmo", "02")}
_NAMES = ("Jansen", "de Vries", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "Bos", "Vos", "Peters", "Hendriks", "Dekker")


def fake_bsn(rnd: random.Random, used: set[str]) -> str:
    """A 9-digit number starting with 9999 that passes the 11-proef and was not handed out before."""
    while True:
        digits = [9, 9, 9, 9] + [rnd.randrange(10) for _ in range(4)]
        last = sum(d * w for d, w in zip(digits, range(9, 1, -1))) % 11
        if last < 10:
            bsn = "".join(map(str, digits)) + str(last)
            if bsn not in used:
                used.add(bsn)
                return bsn


@dataclass
class _Writer:
    folder: Path
    counter: int = 0
    files: dict[str, int] = field(default_factory=dict)
    trajects: list[Any] = field(default_factory=list)  # report.demo_declaraties.Trajectory, in order

    def write(self, region: str, data: dict[str, Any]) -> None:
        self.counter += 1
        dag = data["header"]["bericht_identificatie"]["dagtekening"]
        nummer = data["bericht"]
        path = self.folder / "berichten" / region / f"{dag}_{self.counter:05d}_{data['standaard']}{nummer}.xml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(generate(data))
        self.files[nummer] = self.files.get(nummer, 0) + 1

    def write_raw(self, region: str, nummer: str, dag: date, data: bytes) -> None:
        self.counter += 1
        standaard = "iwmo" if b"/iwmo/" in data[:2000] else "ijw"  # the namespace names the standaard
        path = self.folder / "berichten" / region / f"{dag.isoformat()}_{self.counter:05d}_{standaard}{nummer}.xml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.files[nummer] = self.files.get(nummer, 0) + 1


def _client(rnd: random.Random, bsn: str, born: date, with_contact: bool) -> dict[str, Any]:
    client: dict[str, Any] = {
        "bsn": bsn,
        "geboortedatum": {"datum": born.isoformat()},
        "geslacht": rnd.choice(("1", "2")),
        "naam": {"geslachtsnaam": {"achternaam": rnd.choice(_NAMES)}, "voorletters": rnd.choice("ABDEHJKLMNPS")},
    }
    if with_contact:
        client["naam"]["naam_gebruik"] = "1"
        client["contactgegevens"] = [{"soort": "01", "adres": {
            "huis": {"huisnummer": rnd.randrange(1, 200)}, "postcode": f"{rnd.randrange(1000, 9999)}AB",
            "straatnaam": "Demostraat", "plaatsnaam": "Demostad", "land_code": "NL"}}]
    return client


def _header(afzender: str, ontvanger: str, ident: str, dag: date) -> dict[str, Any]:
    return {"afzender": afzender, "ontvanger": ontvanger,
            "bericht_identificatie": {"identificatie": ident, "dagtekening": dag.isoformat()}}


def _day(rnd: random.Random, lo: date, hi: date) -> date:
    return lo + timedelta(days=rnd.randrange(max((hi - lo).days, 0) + 1))


@dataclass
class _Allocation:
    standaard: str
    gemeente: str
    aanbieder: str
    bsn: str
    born: date
    nummer: int
    categorie: str
    code: str
    toegewezen: date
    ingang: date
    eind: date | None
    omvang: dict[str, Any]


class _Exchange:
    """Writes the messages of one allocation's life: 301 (and changes), 305, 307."""

    def __init__(self, rnd: random.Random, writer: _Writer, region: str) -> None:
        self.rnd, self.writer, self.region = rnd, writer, region
        self.ident = 0
        self.stopped = False  # whether life() sent a 307 for the last allocation

    def _id(self, prefix: str) -> str:
        return f"{prefix}{self.writer.counter + 1:07d}"  # unique per sender: the file counter is global

    def toewijzing(self, allocations: list[_Allocation], reden: str | None = None, tijd: str = "09:00:00") -> None:
        a0 = allocations[0]
        products = []
        for a in allocations:
            p: dict[str, Any] = {"toewijzing_nummer": a.nummer, "product": {"categorie": a.categorie, "code": a.code},
                                 "toewijzingsdatum": a.toegewezen.isoformat(), "toewijzingstijd": tijd,
                                 "ingangsdatum": a.ingang.isoformat(), "omvang": a.omvang}
            if a.eind:
                p["einddatum"] = a.eind.isoformat()
            if reden:
                p["reden_wijziging"] = reden
            products.append(p)
        ident = self._id("TW")
        self.writer.write(self.region, {
            "standaard": a0.standaard, "bericht": "301",
            "header": _header(a0.gemeente, a0.aanbieder, ident, a0.toegewezen),
            "client": {**_client(self.rnd, a0.bsn, a0.born, True), "toegewezen_producten": products},
        })
        if self.rnd.random() < 0.6:  # most providers answer with a 302 that accepts the whole message
            header = _header(a0.gemeente, a0.aanbieder, ident, a0.toegewezen)
            dag = min(a0.toegewezen + timedelta(days=1), DEMO_PEILDATUM)
            header.update(identificatie_retour=f"RT{self.writer.counter + 1:07d}", dagtekening_retour=dag.isoformat(),
                          retour_codes=["0200"])
            self.writer.write(self.region, {"standaard": a0.standaard, "bericht": "302", "header": header})

    def start(self, a: _Allocation, begin: date) -> None:
        self.writer.write(self.region, {
            "standaard": a.standaard, "bericht": "305",
            "header": _header(a.aanbieder, a.gemeente, self._id("ST"), begin),
            "client": {**_client(self.rnd, a.bsn, a.born, False), "start_producten": [{
                "toewijzing_nummer": a.nummer, "product": {"categorie": a.categorie, "code": a.code},
                "toewijzing_ingangsdatum": a.ingang.isoformat(), "begindatum": begin.isoformat(), "status_aanlevering": "1"}]},
        })

    def stop(self, a: _Allocation, begin: date, eind: date, dag: date, reden: str) -> None:
        self.writer.write(self.region, {
            "standaard": a.standaard, "bericht": "307",
            "header": _header(a.aanbieder, a.gemeente, self._id("SP"), dag),
            "client": {**_client(self.rnd, a.bsn, a.born, False), "stop_producten": [{
                "toewijzing_nummer": a.nummer, "product": {"categorie": a.categorie, "code": a.code},
                "toewijzing_ingangsdatum": a.ingang.isoformat(), "begindatum": begin.isoformat(),
                "reden_beeindiging": reden, "einddatum": eind.isoformat(), "status_aanlevering": "1"}]},
        })

    def verzoek(self, a: _Allocation, dag: date, referentie: str) -> None:
        self.writer.write(self.region, {
            "standaard": a.standaard, "bericht": "315",
            "header": _header(a.aanbieder, a.gemeente, self._id("VZ"), dag),
            "client": {**_client(self.rnd, a.bsn, a.born, False), "aangevraagde_producten": [{
                "referentie_aanbieder": referentie, "product": {"categorie": a.categorie, "code": a.code},
                "toewijzing_ingangsdatum": a.ingang.isoformat(),
                **({"toewijzing_einddatum": a.eind.isoformat()} if a.eind else {}),
                "omvang": a.omvang, "verwijzer": {"type": "02", "zorgverlener_code": "01234567"}}]},
        })

    def life(self, a: _Allocation, start_share: float = 0.85) -> date | None:
        """Start (and stop when ended before the peildatum); returns the Begindatum."""
        rnd = self.rnd
        if a.ingang > DEMO_PEILDATUM or rnd.random() > start_share:
            return None
        begin = a.ingang + timedelta(days=rnd.choice((0, 2, 5, 9, 14, 21, 30, 50)))
        if begin > DEMO_PEILDATUM or (a.eind and begin > a.eind):
            return None
        self.start(a, begin)
        stop: date | None = None
        self.stopped = False
        if a.eind and a.eind < DEMO_PEILDATUM and rnd.random() < 0.8:
            stop = a.eind
            self.stopped = True
            self.stop(a, begin, a.eind, min(a.eind + timedelta(days=3), DEMO_PEILDATUM), "02" if a.standaard == "ijw" else "02")
        elif rnd.random() < 0.1 and begin + timedelta(days=60) < DEMO_PEILDATUM:
            early = begin + timedelta(days=rnd.randrange(30, 60))
            stop = early
            self.stopped = True
            self.stop(a, begin, early, early + timedelta(days=2), "35" if a.standaard == "ijw" else "31")
        self._record(a, begin, stop)
        return begin

    def _record(self, a: _Allocation, begin: date, stop: date | None) -> None:
        from berichten.report.demo_declaraties import Trajectory

        per_week = int(a.omvang["volume"]) if a.omvang.get("frequentie") == "2" else int(a.omvang["volume"]) // 4
        # Without a stop the allocation still ends on its Einddatum: nothing is delivered after it.
        end = stop or (a.eind if a.eind and a.eind < DEMO_PEILDATUM else None)
        self.writer.trajects.append(Trajectory(self.region, a.standaard, a.gemeente, a.aanbieder, a.bsn, a.nummer,
                                               a.categorie, a.code, begin, end, per_week))


def _months(end: date) -> int:
    return (end.year - DEMO_START.year) * 12 + end.month - DEMO_START.month


def _grjr(rnd: random.Random, writer: _Writer, used: set[str], clients: int) -> list[list[str]]:
    ex = _Exchange(rnd, writer, "grjr")
    aanmeldingen: list[list[str]] = []
    nummer = 500000
    for i in range(clients):
        bsn = fake_bsn(rnd, used)
        born = date(2008 + rnd.randrange(12), rnd.randrange(1, 13), rnd.randrange(1, 29))
        gemeente = rnd.choice(GRJR_GEMEENTEN)
        roll = rnd.random()
        aanbieder = rnd.choice(FLEX) if roll < 0.4 else rnd.choice(SYSTEEM + PRESTATIE) if roll < 0.92 else "99990000"
        opdracht = rnd.choices(list(GRJR_PRODUCTS), weights=(6, 1, 1, 1, 1))[0]
        code = rnd.choice(GRJR_PRODUCTS[opdracht])
        ingang = _day(rnd, DEMO_START - timedelta(days=90), DEMO_PEILDATUM + timedelta(days=20))
        eind = None if rnd.random() < 0.2 else ingang + timedelta(days=rnd.choice((60, 90, 120, 181, 273, 365)) - 1)
        toegewezen = min(ingang - timedelta(days=rnd.randrange(0, 10)), DEMO_PEILDATUM)
        nummer += 1
        per_week = rnd.choice((2, 3, 4, 6))
        # Frequentie 2 (per week) needs an Einddatum (CD076): open allocations get hours per month.
        omvang = ({"volume": per_week, "eenheid": "04", "frequentie": "2"} if eind
                  else {"volume": per_week * 4, "eenheid": "04", "frequentie": "4"})
        a = _Allocation("ijw", gemeente, aanbieder, bsn, born, nummer, code[:2], code, toegewezen, ingang, eind, omvang)
        if aanbieder != FLEX[0] and rnd.random() < 0.15 and toegewezen - timedelta(days=7) > DEMO_START:
            ex.verzoek(a, toegewezen - timedelta(days=7), f"REF-{nummer}")
        ex.toewijzing([a])
        if aanbieder in FLEX:
            akkoord = toegewezen - timedelta(days=rnd.randrange(0, 6))
            if rnd.random() < 0.1:
                akkoord = toegewezen + timedelta(days=2)  # too late: GRJR-FLEX-004
            supplier = rnd.choice(("ZBT", "RER", SYSTEEM[0], SYSTEEM[1], PRESTATIE[0]))
            if rnd.random() < 0.08:
                supplier = gemeente  # handed in by the lokaal team: GRJR-FLEX-002
            aanmeldingen.append([f"GRJR-{i:04d}", bsn, opdracht, "", supplier, akkoord.isoformat(), aanbieder,
                                 "" if aanbieder == ONDERAANNEMER else rnd.choice(("", ONDERAANNEMER)), str(nummer)])
        begin = ex.life(a)
        # A third of the allocations that are still running get a new version (oprekken), a few are deleted.
        if eind and eind > DEMO_PEILDATUM - timedelta(days=40) and rnd.random() < 0.33:
            change = min(eind - timedelta(days=20), DEMO_PEILDATUM)
            if change > toegewezen:
                a.toegewezen, a.eind = change, eind + timedelta(days=182)
                ex.toewijzing([a], reden="04", tijd="10:00:00")
                last = writer.trajects[-1] if writer.trajects else None
                if begin is not None and not ex.stopped and last is not None and last.nummer == a.nummer:
                    # Extended without a stop: delivery (and declaring) goes on past the old Einddatum.
                    writer.trajects[-1] = replace(last, stop=a.eind if a.eind < DEMO_PEILDATUM else None)
        elif begin is None and ingang < DEMO_PEILDATUM and rnd.random() < 0.3:
            a.toegewezen = max(toegewezen, min(ingang, DEMO_PEILDATUM))
            a.eind = a.ingang
            ex.toewijzing([a], reden="13", tijd="11:00:00")
    return aanmeldingen


def _nijmegen(rnd: random.Random, writer: _Writer, used: set[str], clients: int) -> list[list[str]]:
    ex = _Exchange(rnd, writer, "nijmegen")
    acceptaties: list[list[str]] = []
    nummer = 700000
    for i in range(clients):
        bsn = fake_bsn(rnd, used)
        jeugd = rnd.random() < 0.55
        born = date(2010 + rnd.randrange(10), 5, 1) if jeugd else date(1950 + rnd.randrange(50), 3, 1)
        team = "jeugd-gezin" if jeugd else "volwassenen"
        aanbieder = rnd.choice(NIJMEGEN_PROVIDERS)
        ingang = _day(rnd, DEMO_START, DEMO_PEILDATUM - timedelta(days=10))
        toegewezen = ingang - timedelta(days=rnd.randrange(0, 5))
        allocations = []
        if jeugd:
            codes = ["45A04"] + (["45A05"] if rnd.random() < 0.35 else [])
            months = rnd.choice((9, 12, 18, 18, 18))
            eind = _add_months(ingang, months) - timedelta(days=1)
        else:
            codes = [rnd.choice(("02A03", "02A03", "02A05"))]
            eind = None if rnd.random() < 0.15 else _add_months(ingang, rnd.choice((6, 12))) - timedelta(days=1)
        for code in codes:
            nummer += 1
            standaard, categorie = NIJMEGEN_PRODUCTS[code]
            per_week = rnd.choice((2, 3, 3, 4, 5)) if code == "45A04" else rnd.choice((2, 3, 4))
            omvang = ({"volume": per_week * 4, "eenheid": "04", "frequentie": "4"} if eind is None or rnd.random() < 0.25
                      else {"volume": per_week, "eenheid": "04", "frequentie": "2"})
            allocations.append(_Allocation(standaard, "0268", aanbieder, bsn, born, nummer, categorie, code, toegewezen,
                                           ingang, eind, omvang))
            accepted = ingang if rnd.random() > 0.07 else ingang - timedelta(days=7)  # a few off: NIJM-BT-002
            acceptaties.append([bsn, aanbieder, code, accepted.isoformat(), team, f"NIJ-{i:04d}"])
        by_standaard: dict[str, list[_Allocation]] = {}
        for a in allocations:
            by_standaard.setdefault(a.standaard, []).append(a)
        for group in by_standaard.values():
            ex.toewijzing(group)
        for a in allocations:
            ex.life(a, start_share=0.9)
    return acceptaties


def _add_months(d: date, months: int) -> date:
    from berichten.validators.regional.hours import add_months

    return add_months(d, months)


def _csv(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return out.getvalue()


GRJR_TOML = '''# Demo-register GRJR (verzonnen aanbieders) voor berichten check/report --regio grjr.
[regio]
code = "grjr"
naam = "Gemeenschappelijke Regeling Jeugdhulp Rijnmond (demo)"
gemeenten = [{gemeenten}]

[[opdracht]]
code = "BC"
naam = "B/C (minus C1)"
tafel = "B/C-tafel"
frequentie = "1x per week"
producten = ["45A04", "45A05", "41A01"]

[[opdracht]]
code = "C1"
naam = "C1 gezinshuizen"
tafel = "Gezinshuizenoverleg"
frequentie = "1x per 3 weken"
producten = ["43A01"]

[[opdracht]]
code = "FOR"
naam = "Forensisch"
tafel = "Forensische tafel"
frequentie = "1x per week"
producten = ["45F01"]

[[opdracht]]
code = "FORV"
naam = "Forensisch verblijf"
tafel = "Forensisch verblijf tafel"
frequentie = "1x per 2 weken"
producten = ["43F01"]

[[opdracht]]
code = "C2"
naam = "C2"
tafel = "C2 overleg"
frequentie = "1x per week"
producten = ["43C02"]

[[aanbieder]]
agb = "87654321"
naam = "Demo Systeemaanbieder Noord"
  [[aanbieder.rol]]
  rol = "systeemaanbieder"

[[aanbieder]]
agb = "87651111"
naam = "Demo Systeemaanbieder Zuid"
  [[aanbieder.rol]]
  rol = "systeemaanbieder"

[[aanbieder]]
agb = "87650000"
naam = "Demo Prestatieaanbieder"
  [[aanbieder.rol]]
  rol = "prestatieaanbieder"

[[aanbieder]]
agb = "12345678"
naam = "Demo Flex Jeugdhulp"
  [[aanbieder.rol]]
  rol = "flex-aanbieder"
  vanaf = 2025-01-01

[[aanbieder]]
agb = "11112222"
naam = "Demo Onderaannemer en Flex"
  [[aanbieder.rol]]
  rol = "onderaannemer"
  van = "87654321"
  [[aanbieder.rol]]
  rol = "flex-aanbieder"
  vanaf = 2025-01-01

[[aanbieder]]
agb = "13572468"
naam = "Demo Flex Gezinszorg"
  [[aanbieder.rol]]
  rol = "flex-aanbieder"
  vanaf = 2025-06-01

# Budgetplafonds per kalenderjaar (report: toegewezen en gedeclareerd ertegen, en wanneer de trend het haalt).
[[plafond]]
aanbieder = "12345678"
bedrag_per_jaar = 60000

[[plafond]]
aanbieder = "13572468"
bedrag_per_jaar = 90000

[[plafond]]
aanbieder = "11112222"
uren_per_jaar = 1000
'''

NIJMEGEN_TOML = '''# Demo-register Nijmegen (verzonnen aanbieders) voor berichten check/report --regio nijmegen.
[regio]
code = "nijmegen"
naam = "Gemeente Nijmegen (demo)"
gemeenten = ["0268"]

[[product]]
code = "02A03"
naam = "Reguliere begeleiding Wmo"
standaard = "iwmo"
uren_per_jaar = 200
uren_per_anderhalf_jaar = 300

[[product]]
code = "02A05"
naam = "Specialistische begeleiding Wmo"
standaard = "iwmo"
uren_per_jaar = 200
uren_per_anderhalf_jaar = 300

[[product]]
code = "45A04"
naam = "Reguliere begeleiding Jeugd"
standaard = "ijw"
uren_per_jaar = 300
uren_per_anderhalf_jaar = 450

[[product]]
code = "45A05"
naam = "Specialistische begeleiding Jeugd"
standaard = "ijw"
uren_per_jaar = 200
uren_per_anderhalf_jaar = 300

[[buurtteam]]
code = "jeugd-gezin"
naam = "Buurtteam Jeugd & Gezin"
stapelen = true
standaard_termijn_maanden = 18

[[buurtteam]]
code = "volwassenen"
naam = "Buurtteam Volwassenen"
stapelen = false
plafond_uren_per_jaar = 200

[[aanbieder]]
agb = "87654321"
naam = "Demo Begeleiding Nijmegen"

[[aanbieder]]
agb = "22223333"
naam = "Demo Specialistische Begeleiding"

[[aanbieder]]
agb = "33334444"
naam = "Demo Wijkzorg"

[[aanbieder]]
agb = "55556666"
naam = "Demo Jeugdbegeleiding"

[[aanbieder]]
agb = "44445555"
naam = "Demo Maatwerk Zorg"
contract = "maatwerkovereenkomst"

# Budgetplafonds voor begeleiding per kalenderjaar.
[[plafond]]
aanbieder = "87654321"
uren_per_jaar = 1200

[[plafond]]
aanbieder = "22223333"
product = "45A05"
uren_per_jaar = 400

[[plafond]]
aanbieder = "33334444"
bedrag_per_jaar = 70000
'''


@dataclass(frozen=True)
class DemoSummary:
    folder: Path
    files: dict[str, int]
    aanmeldingen: int
    acceptaties: int

    @property
    def berichten(self) -> Path:
        return self.folder / "berichten"

    @property
    def regio(self) -> Path:
        return self.folder / "regio"


def write_demo(folder: str | Path, *, seed: int = DEMO_SEED, grjr_clients: int = 120, nijmegen_clients: int = 90,
               declaraties: bool = True) -> DemoSummary:
    """Write the demo set into ``folder`` (created); returns what was written."""
    folder = Path(folder)
    rnd = random.Random(seed)
    writer = _Writer(folder)
    used: set[str] = set()
    aanmeldingen = _grjr(rnd, writer, used, grjr_clients)
    acceptaties = _nijmegen(rnd, writer, used, nijmegen_clients)
    if declaraties:
        from berichten.report.demo_declaraties import write_declarations

        write_declarations(writer.trajects, writer.write_raw, seed=seed + 323, peildatum=DEMO_PEILDATUM)
    regio = folder / "regio"
    regio.mkdir(parents=True, exist_ok=True)
    gemeenten = ", ".join(f'"{g}"' for g in GRJR_GEMEENTEN)
    (regio / "grjr.toml").write_text(GRJR_TOML.replace("{gemeenten}", gemeenten), encoding="utf-8")
    (regio / "nijmegen.toml").write_text(NIJMEGEN_TOML, encoding="utf-8")
    (regio / "aanmeldingen.csv").write_text(_csv(
        ["casus", "bsn", "opdracht", "tafel", "aangeleverd_door", "akkoord_contractmanager", "flex_aanbieder",
         "afgewezen_door", "toewijzingnummer"], aanmeldingen), encoding="utf-8")
    (regio / "acceptaties.csv").write_text(_csv(
        ["bsn", "aanbieder", "product", "acceptatiedatum", "buurtteam", "casus"], acceptaties), encoding="utf-8")
    return DemoSummary(folder, dict(sorted(writer.files.items())), len(aanmeldingen), len(acceptaties))


def load_demo(summary_or_folder: DemoSummary | str | Path, url: str, *, pseudonym_key: str | None = None):
    """Import the demo messages and fact files into the store at ``url`` (created when new)."""
    from berichten.store.importer import import_paths
    from berichten.store.regio_tables import create_tables, import_csv

    folder = summary_or_folder.folder if isinstance(summary_or_folder, DemoSummary) else Path(summary_or_folder)
    result = import_paths([folder / "berichten"], url, pseudonym_key=pseudonym_key)
    create_tables(url)
    import_csv(url, folder / "regio" / "aanmeldingen.csv", "aanmeldingen", pseudonym_key=pseudonym_key)
    import_csv(url, folder / "regio" / "acceptaties.csv", "acceptaties", pseudonym_key=pseudonym_key)
    return result
