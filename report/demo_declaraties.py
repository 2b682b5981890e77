"""Declarations for the demo set: monthly 323s per aanbieder and gemeente, and their 325 answers.

Each started trajectory of the demo (``Trajectory``: an allocation with its Begindatum and, when
stopped, its Einddatum) is declared month by month from its start to its end or the last full demo
month. Deliberate variety, so the steering figures have something to show:

- most trajectories deliver 60-100 % of the allocated hours (the convenant's 50-65 % band lies in
  between), a few deliver almost nothing and are never declared (no declaration after N months);
- some aanbieders declare a month late (the Prestatie sits in a later 323 of its own period);
- about one 323 in twenty has its first Prestatie rejected by the 325 (tariff not the contracted
  one, 0611, a level-4 finding the gemeente adds); such a Prestatie is never credited;
- some Prestaties are credited later: a separate 323 copies the debet with a new ReferentieNummer,
  the debet's as VorigReferentieNummer and DebetCredit C.

Every 323 is validated with the project's Validator and answered with the 325 the retour builder
makes of it (``validators.retour.retour_voor``), dated a few days later. A separate random stream
keeps the rest of the demo byte-for-byte as it was.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from berichten.findings import Finding
from berichten.generate import generate

# Eurocent per hour per product code; anything else 6000.
TARIEVEN = {"45A04": 6850, "45A05": 7400, "41A01": 9100, "43A01": 11200, "45F01": 7900, "43F01": 10400,
            "43C02": 12500, "02A03": 5600, "02A05": 6300}
LATE_AANBIEDERS = ("87651111", "33334444")  # declare about half of their months one month late
ANSWER_DAYS = 4  # the gemeente answers a 323 this many days after its Dagtekening
REJECT_SHARE = 0.05  # 323s whose first Prestatie the gemeente rejects (tariff not the contracted one, 0611)
FIRST_PRESTATIE = "/Bericht/Declaratie/Clienten/Client[1]/Prestaties/Prestatie[1]"


@dataclass(frozen=True)
class Trajectory:
    """A started allocation as the demo wrote it (``stop`` None: still running at the peildatum)."""

    region: str
    standaard: str
    gemeente: str
    aanbieder: str
    bsn: str
    nummer: int
    categorie: str
    code: str
    begin: date
    stop: date | None
    hours_per_week: int


@dataclass
class _Line:
    t: Trajectory
    referentie: str
    begin: date
    eind: date
    uren: int
    debet_credit: str = "D"
    vorig: str | None = None

    @property
    def tarief(self) -> int:
        return TARIEVEN.get(self.t.code, 6000)

    def prestatie(self) -> dict[str, Any]:
        p: dict[str, Any] = {
            "product_referentie": {"referentie_nummer": self.referentie},
            "toewijzing_nummer": self.t.nummer,
            "product_categorie": self.t.categorie,
            "product_code": self.t.code,
            "product_periode": {"begindatum": self.begin.isoformat(), "einddatum": self.eind.isoformat()},
            "geleverd_volume": self.uren,
            "eenheid": "04",
            "product_tarief": self.tarief,
            "ingediend_bedrag": {"bedrag": self.uren * self.tarief, "debet_credit": self.debet_credit},
        }
        if self.vorig:
            p["product_referentie"]["vorig_referentie_nummer"] = self.vorig
        return p


def _month_end(d: date) -> date:
    nxt = date(d.year + d.month // 12, d.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def _months(lo: date, hi: date) -> Iterable[date]:
    m = date(lo.year, lo.month, 1)
    while m <= hi:
        yield m
        m = _month_end(m) + timedelta(days=1)


def declaration_lines(rnd: random.Random, trajects: list[Trajectory], last_month: date) -> dict[tuple, list[_Line]]:
    """The debet Prestaties per (region, standaard, gemeente, aanbieder, declared month, period month)."""
    out: dict[tuple, list[_Line]] = {}
    for t in trajects:
        roll = rnd.random()
        if roll < 0.08:
            continue  # hardly anything delivered: never declared
        share = rnd.uniform(0.25, 0.5) if roll < 0.25 else rnd.uniform(0.6, 1.0)
        end = min(t.stop or _month_end(last_month), _month_end(last_month))
        for month in _months(t.begin, end):
            lo, hi = max(month, t.begin), min(_month_end(month), end)
            if hi < lo:
                continue
            weeks = ((hi - lo).days + 1) / 7
            uren = round(t.hours_per_week * weeks * share * rnd.uniform(0.85, 1.15))
            # Never above the allocation (TR321): at most the weekly hours per begun week, and at most
            # four weeks a month (an allocation per month grants four times the weekly hours).
            uren = min(uren, t.hours_per_week * min(4, math.ceil(((hi - lo).days + 1) / 7)))
            if uren <= 0:
                continue
            delay = 1 if t.aanbieder in LATE_AANBIEDERS and rnd.random() < 0.5 else 0
            declared = month
            for _ in range(delay):
                declared = _month_end(declared) + timedelta(days=1)
            if declared > last_month:
                declared = month
            key = (t.region, t.standaard, t.gemeente, t.aanbieder, declared, month)
            ref = f"P{t.nummer}-{month:%y%m}"
            out.setdefault(key, []).append(_Line(t, ref, lo, hi, uren))
    return out


def _declaratie(lines: list[_Line], nummer: str, period: date, dag: date, ident: str) -> dict[str, Any]:
    t0 = lines[0].t
    clienten: dict[str, list[dict[str, Any]]] = {}
    total = 0
    for line in lines:
        clienten.setdefault(line.t.bsn, []).append(line.prestatie())
        total += line.uren * line.tarief * (1 if line.debet_credit == "D" else -1)
    return {
        "standaard": t0.standaard, "bericht": "323",
        "header": {"afzender": t0.aanbieder, "ontvanger": t0.gemeente,
                   "bericht_identificatie": {"identificatie": ident, "dagtekening": dag.isoformat()}},
        "declaratie": {
            "declaratie_nummer": nummer,
            "declaratie_periode": {"begindatum": period.isoformat(), "einddatum": _month_end(period).isoformat()},
            "declaratie_dagtekening": dag.isoformat(),
            "totaal_ingediend_bedrag": {"totaal_bedrag": abs(total), "debet_credit": "D" if total >= 0 else "C"},
            "clienten": [{"bsn": bsn, "prestaties": ps} for bsn, ps in clienten.items()],
        },
    }


def write_declarations(
    trajects: list[Trajectory],
    write: Callable[[str, str, date, bytes], None],
    *,
    seed: int,
    peildatum: date,
) -> dict[str, int]:
    """Write the 323s and their 325s through ``write(region, name, dagtekening, bytes)``; returns
    how many of each were written. Raises ValueError when a generated 323 fails level 1 or 2."""
    from berichten.validators.pipeline import Validator
    from berichten.validators.retour import retour_voor

    rnd = random.Random(seed)
    last_month = date(peildatum.year, peildatum.month, 1) - timedelta(days=1)
    last_month = date(last_month.year, last_month.month, 1)  # the last month that can be declared in time
    validator = Validator()
    counts = {"323": 0, "325": 0}
    volgnummer = 0
    credits: list[tuple[tuple, _Line, date]] = []

    rejecting = random.Random(seed + 1)  # its own stream: the rest of the declarations stay as they were

    def emit(region: str, data: dict[str, Any], dag: date, reject_first: bool = False) -> None:
        raw = generate(data)
        result = validator.validate_bytes(raw)
        errors = [f for f in result.findings if f.severity == "error"]
        if not result.level1_passed or errors:
            raise ValueError(f"demo-323 {data['header']['bericht_identificatie']['identificatie']}: {errors[:3]}")
        write(region, "323", dag, raw)
        counts["323"] += 1
        antwoord_dag = min(dag + timedelta(days=ANSWER_DAYS), peildatum)
        extra = [Finding("TR418", 4, "error", "Het ProductTarief is niet het tarief uit het contract.", "0611",
                         f"{FIRST_PRESTATIE}/ProductTarief")] if reject_first else None
        retour = retour_voor(result, extra_findings=extra, dagtekening_retour=antwoord_dag,
                             identificatie_retour=f"DA{data['header']['bericht_identificatie']['identificatie'][2:]}")
        if retour is not None:
            write(region, "325", antwoord_dag, retour)
            counts["325"] += 1

    for key, lines in sorted(declaration_lines(rnd, trajects, last_month).items(), key=lambda kv: (kv[0][4], kv[0][:4], kv[0][5])):
        region, _, _, aanbieder, declared, period = key
        volgnummer += 1
        dag = min(_month_end(declared) + timedelta(days=rnd.randrange(2, 9)), peildatum)
        reject = rejecting.random() < REJECT_SHARE
        emit(region, _declaratie(lines, f"D{volgnummer:06d}", period, dag, f"DC{volgnummer:07d}"), dag, reject)
        for i, line in enumerate(lines):
            if rnd.random() < 0.04 and not (reject and i == 0):  # corrected later: credited in full (never a rejected one)
                credits.append((key, line, min(dag + timedelta(days=rnd.randrange(10, 40)), peildatum)))
    for key, line, dag in sorted(credits, key=lambda c: (c[2], c[1].referentie)):
        region, _, _, _, _, period = key
        volgnummer += 1
        credit = _Line(line.t, f"{line.referentie}-C", line.begin, line.eind, line.uren, "C", line.referentie)
        emit(region, _declaratie([credit], f"D{volgnummer:06d}", period, dag, f"DC{volgnummer:07d}"), dag)
    return counts
