"""The standard's level-2 rules. Importing this package registers every rule in ``REGISTRY``."""

from validators.rules import common, r301, r305_307, r315, r319  # noqa: F401
from validators.rules import r317  # noqa: F401  (verzoek om wijziging)
from validators.rules import r323, r325  # noqa: F401  (declaratie and declaratie-antwoord)
