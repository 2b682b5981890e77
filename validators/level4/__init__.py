"""Level 4 ("externe bron"): checks against the system date and replaceable list files.

    from berichten.validators.level4 import load_lists, run_level4
    lists = load_lists("lijsten.toml")        # or Lists.shipped(): the lists shipped with berichten

``validators.pipeline.Validator`` runs these rules after levels 1 and 2 passed; every door
(validate, check, import, the inbox, retour) goes through it. See docs/lijsten.md.
"""

from berichten.validators.level4.config import DEFAULT_MAX_LEEFTIJD, load_lists, lists_from_table
from berichten.validators.level4.files import ListError
from berichten.validators.level4.lists import Lists
from berichten.validators.level4.rules import LEVEL4_REGISTRY, level4_findings, run_level4

__all__ = ["DEFAULT_MAX_LEEFTIJD", "LEVEL4_REGISTRY", "ListError", "Lists", "level4_findings", "lists_from_table",
           "load_lists", "run_level4"]
