"""``--jobs``: how many processes validate at once (``validators.parallel``), for validate, check and import.

Kept apart from ``validators.parallel`` so declaring the option costs no import of the pool.
"""

from __future__ import annotations

import os

import click


def default_jobs() -> int:
    """The cores this process may use (its CPU affinity), else the machine's count."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


jobs_option = click.option(
    "--jobs", "-j", type=click.IntRange(min=1), default=default_jobs, envvar="BERICHTEN_JOBS",
    show_default="aantal kernen",
    help="Aantal processen dat tegelijk valideert (ook via BERICHTEN_JOBS); de uitvoer blijft in invoervolgorde.",
)
