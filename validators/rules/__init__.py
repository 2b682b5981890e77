"""The standard's level-2 rules. Importing this package registers every rule in ``REGISTRY``."""

from validators.rules import common, r301, r305_307, r315, r319  # noqa: F401
