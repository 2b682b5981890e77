"""The standard's level-2 rules. Importing this package registers every rule in ``REGISTRY``."""

from berichten.validators.rules import common, r301, r305_307, r315, r319  # noqa: F401
from berichten.validators.rules import r317  # noqa: F401  (verzoek om wijziging)
from berichten.validators.rules import r323, r325  # noqa: F401  (declaratie and declaratie-antwoord)
