"""``check_messages``: levels 1-2 first, then the regional rules, one verdict per ToegewezenProduct.

A message that fails level 1 or 2 gets NIET AKKOORD for each of its products with those errors
as reasons; the regional rules judge only messages that pass. Messages are processed in the order
given, because the Volwassenen running total depends on it.

Each message is done in two steps. ``prepare`` validates it and reads what the rules need into
values without its tree (``Prepared``: the final verdicts of a message that failed, the number of
a valid message that is no 301, or the ``ProductView`` of each product); with ``--jobs`` that runs
in the worker processes and the result crosses the pipe (a small tuple: unpickling is work for
this process). ``judge`` then runs the regional evaluator on the products, in input order, in
this process: only that part depends on the order (Nijmegen's shared cap), and nothing is parsed
twice. With one process the same two steps run here, so the output cannot differ.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from typing import TYPE_CHECKING, NamedTuple

from berichten.privacy import mask_bsn
from berichten.validators.pipeline import ValidationResult, Validator
from berichten.validators.regional.outcome import NIET_AKKOORD, NIET_VAN_TOEPASSING, ProductVerdict, verdict_of
from berichten.validators.regional.product import ProductView, child, read_products, text_of, toegewezen_producten

if TYPE_CHECKING:  # the workers need none of these: they load after the workers are forked
    from berichten.validators.parallel import ForkMap
    from berichten.validators.regional.config import RegionConfig
    from berichten.validators.regional.facts import Facts
    from berichten.validators.regional.grjr import GrjrEvaluator
    from berichten.validators.regional.nijmegen import NijmegenEvaluator

Message = str | os.PathLike[str] | bytes | tuple[str, bytes]


class Prepared(NamedTuple):
    """One validated message, ready for the regional rules; picklable (no lxml tree)."""

    verdicts: list[ProductVerdict] | None = None  # final: the message failed level 1-2
    products: list[ProductView] | None = None  # a valid 301: to judge in input order
    nummer: str | None = None  # a valid message that is no 301: out of scope


def make_evaluator(config: RegionConfig, facts: Facts) -> GrjrEvaluator | NijmegenEvaluator:
    if config.code == "grjr":
        from berichten.validators.regional.grjr import GrjrEvaluator

        return GrjrEvaluator(config, facts)
    from berichten.validators.regional.nijmegen import NijmegenEvaluator

    return NijmegenEvaluator(config, facts)


def check_messages(
    messages: Iterable[Message],
    config: RegionConfig,
    facts: Facts,
    validator: Validator | None = None,
    jobs: int = 1,
    pool: ForkMap | None = None,
) -> list[ProductVerdict]:
    """Judge every ToegewezenProduct of every message, in order.

    Items are paths, raw bytes (named ``bericht-1``, ...), or ``(name, bytes)`` pairs. A path that
    cannot be read raises ``OSError``. ``jobs``: levels 1, 2 and 4 and reading the products on that
    many processes (``validators.parallel``); the regional rules stay here, in input order.
    ``pool``: workers the caller started already with ``preparer(validator)`` (and closes itself).
    """
    from berichten.validators.parallel import MIN_ITEMS_FOR_POOL, ForkMap

    validator = validator or Validator()
    evaluator = make_evaluator(config, facts)
    named: list[tuple[str, bytes | str]] = []  # plain strings: cheaper through the pipe than Paths
    for n, item in enumerate(messages, start=1):
        if isinstance(item, tuple):
            named.append((item[0], item[1]))
        elif isinstance(item, bytes):
            named.append((f"bericht-{n}", item))
        else:
            named.append((str(item), os.fspath(item)))
    verdicts: list[ProductVerdict] = []
    workers = nullcontext(pool) if pool is not None else ForkMap(
        preparer(validator), jobs if len(named) >= MIN_ITEMS_FOR_POOL else 1)
    with workers as prepare_all:
        # What lives now (modules, schemas, configuration) lives until the end: the collector's
        # passes need not walk it again while the verdicts pile up (unfrozen again below).
        gc.freeze()
        try:
            for (name, _), prepared in zip(named, prepare_all(named)):
                if isinstance(prepared, OSError):  # raised here, in input order, as without workers
                    raise prepared
                verdicts += judge(name, prepared, evaluator)
        finally:
            gc.unfreeze()
    return verdicts


def preparer(validator: Validator) -> Callable[[tuple[str, bytes | str]], Prepared | OSError]:
    """The work of one named message (in a worker with ``--jobs``); an unreadable path gives its OSError."""

    def work(named: tuple[str, bytes | str]) -> Prepared | OSError:
        name, item = named
        try:
            # The regional rules need the tree, not the file's bytes: those are freed once parsed.
            if isinstance(item, bytes):
                result = validator.validate_bytes(item)
            else:
                result = validator.validate_path(item, keep_raw=False)
        except OSError as exc:
            return exc
        return prepare(name, result)

    return work


def check_result(name: str, result: ValidationResult, evaluator: GrjrEvaluator | NijmegenEvaluator) -> list[ProductVerdict]:
    return judge(name, prepare(name, result), evaluator)


def prepare(name: str, result: ValidationResult) -> Prepared:
    """What the regional rules need of one validated message, without its tree."""
    root = result.document.root
    message = result.message
    errors = [f for f in result.findings if f.is_error]
    if errors or not result.xsd_valid or root is None or message is None:
        # Without a valid message there is nothing regional to judge; the level 1-2 errors are the reasons.
        products = toegewezen_producten(root) if root is not None else []
        if not products:
            return Prepared(verdicts=[ProductVerdict(name, None, None, NIET_AKKOORD, errors)])
        return Prepared(verdicts=[
            ProductVerdict(name, _number(tp), text_of(tp, "Product", "Code") or text_of(tp, "Product", "Categorie"),
                           NIET_AKKOORD, errors, client=_masked(root))
            for tp in products
        ])
    if message.nummer != "301":
        return Prepared(nummer=message.nummer)
    return Prepared(products=read_products(root, message.standaard))


def judge(name: str, prepared: Prepared, evaluator: GrjrEvaluator | NijmegenEvaluator) -> list[ProductVerdict]:
    """The verdicts of one prepared message; the evaluator's state (the shared cap) needs input order."""
    if prepared.verdicts is not None:
        return prepared.verdicts
    if prepared.nummer is not None:
        return [ProductVerdict(
            name, None, None, NIET_VAN_TOEPASSING,
            reden=f"bericht {prepared.nummer}: alleen toegewezen producten in een 301 worden regionaal beoordeeld",
        )]
    verdicts = []
    for p in prepared.products or ():
        outcome = evaluator.evaluate(p)
        if outcome.niet_van_toepassing:
            verdict = NIET_VAN_TOEPASSING
        else:
            verdict = verdict_of(outcome.findings)
        verdicts.append(ProductVerdict(
            file=name, toewijzingnummer=p.toewijzingnummer, product=p.code or p.categorie, verdict=verdict,
            findings=outcome.findings, reden=outcome.niet_van_toepassing, toelichting=outcome.toelichting,
            uren=outcome.uren, client=mask_bsn(p.bsn),
        ))
    return verdicts


def _number(tp) -> int | None:
    text = text_of(tp, "ToewijzingNummer")
    return int(text) if text and text.isdigit() else None


def _masked(root) -> str:
    return mask_bsn(text_of(child(root, "Client"), "Bsn"))

