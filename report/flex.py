"""GRJR-FLEX-001..005 in SQL: the verdict on every current flex allocation, read from the store.

The same readings as ``validators.regional.grjr`` (which ``berichten check`` runs per message):

- scope: a current allocation (iJw, Afzender a GRJR gemeente, not deleted) whose Ontvanger holds
  the role flex-aanbieder on the Ingangsdatum;
- candidates: aanmeldingen with the same client, ``flex_aanbieder`` = Ontvanger and an empty or
  equal ``toewijzing_nummer``; when any row names the ToewijzingNummer, only those rows count;
- no candidate: GRJR-FLEX-001 and nothing else; otherwise the candidate with the fewest failed
  rules decides (ties: the first row, by id), so one supporting aanmelding makes it pass;
- 002 on the Toewijzingsdatum (role of the supplier), 004 akkoord after the Toewijzingsdatum,
  005 needs the onderaannemer role (on any day) and the Ontvanger in ``afgewezen_door``.

The registry enters the SQL as bound parameters (one predicate per role entry); no allocation is
loaded into Python. ``tests/test_report_flex.py`` compares every verdict with the checker.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, ColumnElement, Integer, and_, case, exists, false, func, inspect, literal, or_, select
from sqlalchemy import Table as DbTable
from sqlalchemy.orm import aliased

from berichten.report.state import materialise
from berichten.validators.regional.config import RegionConfig, Role

FLEX_CODES = tuple(f"GRJR-FLEX-00{i}" for i in range(1, 6))
FLAGS = tuple(f"f{i}" for i in range(1, 6))  # one 0/1 column per code, in FLEX_CODES order
SUPPLIERS_BY_NAME = ("ZBT", "RER")


def role_holds(cfg: RegionConfig, agb: ColumnElement, roles: Sequence[Role], day: ColumnElement | None) -> ColumnElement[bool]:
    """SQL condition: the AGB code in ``agb`` holds one of ``roles`` on ``day`` (None: on any day).

    Mirrors ``Aanbieder.has_role``: a role entry holds from ``vanaf`` through ``tot``, both
    optional, and a NULL day matches every entry.
    """
    always: list[str] = []
    dated: list[ColumnElement[bool]] = []
    for a in cfg.aanbieders:
        for r in a.rollen:
            if r.rol not in roles:
                continue
            bounds = []
            if day is not None and r.vanaf is not None:
                bounds.append(or_(day.is_(None), day >= r.vanaf))
            if day is not None and r.tot is not None:
                bounds.append(or_(day.is_(None), day <= r.tot))
            if bounds:
                dated.append(and_(agb == a.agb, *bounds))
            elif a.agb not in always:
                always.append(a.agb)
    terms = ([agb.in_(always)] if always else []) + dated
    return or_(*terms) if terms else false()


def aanmeldingen_present(conn: Connection) -> bool:
    """The store has aanmeldingen; an absent or empty table means "not configured" (as for the checker)."""
    if not inspect(conn).has_table("regio_aanmelding"):
        return False
    from berichten.store.regio_tables import RegioAanmelding

    a = RegioAanmelding.__table__
    return conn.execute(select(literal(1)).select_from(a).limit(1)).first() is not None


def _flag(condition) -> ColumnElement[int]:
    return case((condition, 1), else_=0)


def flex_scope(conn: Connection, cfg: RegionConfig, current: DbTable) -> DbTable:
    """A temporary table of the current allocations whose Ontvanger is a flex-aanbieder on the Ingangsdatum.

    ``current`` holds the region's current allocations (``report.state.current_allocations``).
    """
    return materialise(conn, select(
        current.c.id, current.c.afzender, current.c.ontvanger, current.c.client, current.c.toewijzing_nummer,
        current.c.toewijzingsdatum,
    ).where(role_holds(cfg, current.c.ontvanger, ["flex-aanbieder"], current.c.ingangsdatum)), "rapport_grjr_flex_scope")


def flex_verdicts(conn: Connection, cfg: RegionConfig, scope: DbTable) -> DbTable:
    """A temporary table with one row per allocation of ``flex_scope`` and its rule flags.

    Columns: id (of the toewijzing row), afzender, ontvanger, toewijzing_nummer, toewijzingsdatum,
    f1..f5 (1 = GRJR-FLEX-00n not met). Needs the ``regio_aanmelding`` table (see
    ``aanmeldingen_present``).
    """
    from berichten.store.regio_tables import RegioAanmelding

    a = RegioAanmelding.__table__
    exact = aliased(a, name="exact")
    names_number = exists(select(literal(1)).where(
        exact.c.client == scope.c.client, exact.c.flex_aanbieder == scope.c.ontvanger,
        exact.c.toewijzing_nummer == scope.c.toewijzing_nummer,
    ))
    door = func.trim(a.c.aangeleverd_door)
    supplied_ok = or_(func.upper(door).in_(SUPPLIERS_BY_NAME),
                      role_holds(cfg, door, ["systeemaanbieder", "prestatieaanbieder"], scope.c.toewijzingsdatum))
    declined = and_(
        role_holds(cfg, scope.c.ontvanger, ["onderaannemer"], None),
        (literal(";") + a.c.afgewezen_door + literal(";")).like(literal("%;") + scope.c.ontvanger + literal(";%")),
    )
    flags = {
        "f2": _flag(~supplied_ok),
        "f3": _flag(a.c.akkoord_contractmanager.is_(None)),
        "f4": _flag(and_(a.c.akkoord_contractmanager.is_not(None), a.c.akkoord_contractmanager > scope.c.toewijzingsdatum)),
        "f5": _flag(declined),
    }
    judged = select(scope.c.id.label("toewijzing_id"), a.c.id.label("aanmelding_id"),
                    *(f.label(k) for k, f in flags.items())).select_from(scope.join(a, and_(
        a.c.client == scope.c.client, a.c.flex_aanbieder == scope.c.ontvanger,
        or_(a.c.toewijzing_nummer == scope.c.toewijzing_nummer, and_(a.c.toewijzing_nummer.is_(None), ~names_number)),
    ))).subquery("beoordeeld")
    failed = judged.c.f2 + judged.c.f3 + judged.c.f4 + judged.c.f5
    rank = func.row_number(type_=Integer).over(partition_by=judged.c.toewijzing_id, order_by=(failed, judged.c.aanmelding_id))
    candidates = materialise(conn, select(judged, rank.label("rang")), "rapport_grjr_flex_kandidaat")

    best = aliased(candidates, name="beste")
    verdicts = select(
        scope.c.id, scope.c.afzender, scope.c.ontvanger, scope.c.toewijzing_nummer, scope.c.toewijzingsdatum,
        _flag(best.c.toewijzing_id.is_(None)).label("f1"),
        *(func.coalesce(best.c[k], 0).label(k) for k in ("f2", "f3", "f4", "f5")),
    ).select_from(scope.outerjoin(best, and_(best.c.toewijzing_id == scope.c.id, best.c.rang == 1)))
    return materialise(conn, verdicts, "rapport_grjr_flex")


def failing(verdicts: DbTable) -> ColumnElement[bool]:
    """The allocation misses at least one rule."""
    return sum((verdicts.c[k] for k in FLAGS[1:]), verdicts.c[FLAGS[0]]) > 0
