"""``check_messages``: levels 1-2 first, then the regional rules, one verdict per ToegewezenProduct.

A message that fails level 1 or 2 gets NIET AKKOORD for each of its products with those errors
as reasons; the regional rules judge only messages that pass. Messages are processed in the order
given, because the Volwassenen running total depends on it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from berichten.privacy import mask_bsn
from berichten.validators.pipeline import ValidationResult, Validator
from berichten.validators.regional.config import RegionConfig
from berichten.validators.regional.facts import Facts
from berichten.validators.regional.grjr import GrjrEvaluator
from berichten.validators.regional.nijmegen import NijmegenEvaluator
from berichten.validators.regional.outcome import NIET_AKKOORD, NIET_VAN_TOEPASSING, ProductVerdict, verdict_of
from berichten.validators.regional.product import child, read_products, text_of, toegewezen_producten


def make_evaluator(config: RegionConfig, facts: Facts) -> GrjrEvaluator | NijmegenEvaluator:
    return GrjrEvaluator(config, facts) if config.code == "grjr" else NijmegenEvaluator(config, facts)


def check_messages(
    messages: Iterable[str | os.PathLike[str] | bytes | tuple[str, bytes]],
    config: RegionConfig,
    facts: Facts,
    validator: Validator | None = None,
    jobs: int = 1,
) -> list[ProductVerdict]:
    """Judge every ToegewezenProduct of every message, in order.

    Items are paths, raw bytes (named ``bericht-1``, ...), or ``(name, bytes)`` pairs. A path that
    cannot be read raises ``OSError``. ``jobs``: levels 1, 2 and 4 on that many processes
    (``validators.parallel``); the regional rules stay here, in input order.
    """
    from berichten.validators.parallel import validate_all

    validator = validator or Validator()
    evaluator = make_evaluator(config, facts)
    named: list[tuple[str, bytes | Path]] = []
    for n, item in enumerate(messages, start=1):
        if isinstance(item, tuple):
            named.append((item[0], item[1]))
        elif isinstance(item, bytes):
            named.append((f"bericht-{n}", item))
        else:
            named.append((str(item), Path(item)))
    verdicts: list[ProductVerdict] = []
    for (name, _), result in zip(named, validate_all(validator, [item for _, item in named], jobs)):
        verdicts += check_result(name, result, evaluator)
    return verdicts


def check_result(name: str, result: ValidationResult, evaluator: GrjrEvaluator | NijmegenEvaluator) -> list[ProductVerdict]:
    root = result.document.root
    message = result.message
    errors = [f for f in result.findings if f.is_error]
    if errors or not result.xsd_valid or root is None or message is None:
        # Without a valid message there is nothing regional to judge; the level 1-2 errors are the reasons.
        products = toegewezen_producten(root) if root is not None else []
        if not products:
            return [ProductVerdict(name, None, None, NIET_AKKOORD, errors)]
        return [
            ProductVerdict(name, _number(tp), text_of(tp, "Product", "Code") or text_of(tp, "Product", "Categorie"),
                           NIET_AKKOORD, errors, client=_masked(root))
            for tp in products
        ]
    if message.nummer != "301":
        return [ProductVerdict(
            name, None, None, NIET_VAN_TOEPASSING,
            reden=f"bericht {message.nummer}: alleen toegewezen producten in een 301 worden regionaal beoordeeld",
        )]
    verdicts = []
    for p in read_products(root, message.standaard):
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

