"""Regional rule sets on top of the iStandaard: GRJR flex-aanbieders and Nijmegen Buurtteams.

``REGIONAL_REGISTRY`` lists the rules (for ``berichten rules --regio`` and ``explain``); the check
itself is ``validators.regional.check.check_messages`` with a configuration from
``validators.regional.config.load_config`` and facts from ``validators.regional.facts`` or
``store.regio_tables.load_facts``. See docs/regionale-regels.md.
"""

from berichten.validators.regional.rules import REGIONAL_REGISTRY, RegionalRule

__all__ = ["REGIONAL_REGISTRY", "RegionalRule"]
