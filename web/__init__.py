"""``berichten serve``: a local web page and JSON API over the same validation library as the CLI.

Nothing here re-implements a check: every answer comes from ``validators.pipeline.Validator``,
``validators.retour.retour_voor``, ``validators.catalog`` and ``validators.regional.check``.
"""

from berichten.web.app import create_app
from berichten.web.settings import ServeSettings

__all__ = ["ServeSettings", "create_app"]
