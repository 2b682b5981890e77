"""The shape of a report: sections of tables (and charts drawn from them), independent of format."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

Kind = Literal["text", "count", "hours", "share", "days", "ratio", "euro", "delta"]  # euro: eurocent, shown in euros
NIET_BESCHIKBAAR = "niet beschikbaar"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: Kind = "text"
    basis: str | None = None  # the count column a derived figure rests on (suppressed together)


@dataclass
class Table:
    id: str
    title: str
    columns: list[Column]
    rows: list[list[Any]]
    note: str = ""
    detail: bool = False  # one row per allocation: left out when small counts are suppressed

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip((c.key for c in self.columns), row)) for row in self.rows]


@dataclass
class Chart:
    id: str
    title: str
    kind: Literal["line", "bar", "stacked"]
    x_labels: list[str]
    series: list[tuple[str, list[float | None]]]
    y_title: str = ""
    counts: bool = True  # values are counts of clients/allocations (suppressed with --onderdruk)
    basis: list[int] | None = None  # per x label: the count the first series rests on (suppressed with it)


@dataclass
class Section:
    id: str
    title: str
    intro: str = ""
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Report:
    regio: str
    regio_naam: str
    peildatum: date
    van: date
    tot: date
    generated_at: datetime
    sections: list[Section] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    drempel: int | None = None  # suppression threshold when --onderdruk was given

    def tables(self) -> list[Table]:
        return [t for s in self.sections for t in s.tables]

    def table(self, table_id: str) -> Table:
        return next(t for t in self.tables() if t.id == table_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "regio": self.regio,
            "regio_naam": self.regio_naam,
            "peildatum": self.peildatum.isoformat(),
            "periode": {"van": self.van.isoformat(), "tot": self.tot.isoformat()},
            "gegenereerd": self.generated_at.isoformat(timespec="seconds"),
            "onderdrukt_onder": self.drempel,
            "opmerkingen": list(self.notes),
            "secties": [
                {
                    "id": s.id,
                    "titel": s.title,
                    "toelichting": s.intro,
                    "opmerkingen": list(s.notes),
                    "tabellen": [
                        {
                            "id": t.id,
                            "titel": t.title,
                            "kolommen": [{"key": c.key, "label": c.label, "soort": c.kind} for c in t.columns],
                            "rijen": t.records(),
                            "opmerking": t.note,
                        }
                        for t in s.tables
                    ],
                }
                for s in self.sections
            ],
        }
