"""Regional rule sets on top of the iStandaard: GRJR flex-aanbieders and Nijmegen Buurtteams.

``REGIONAL_REGISTRY`` lists the rules (for ``berichten rules --regio`` and ``explain``); the check
itself is ``validators.regional.check.check_messages`` with a configuration from
``validators.regional.config.load_config`` and facts from ``validators.regional.facts`` or
``store.regio_tables.load_facts``. See docs/regionale-regels.md.

Importing a module of this package does not load the rules: ``check --jobs`` starts its workers,
which need only ``product`` and ``outcome``, before this process loads the rules, the
configuration and the registers that only it uses (``commands.check``).
"""

from __future__ import annotations

from typing import Any

__all__ = ["REGIONAL_REGISTRY", "RegionalRule"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from berichten.validators.regional import rules

        return getattr(rules, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
