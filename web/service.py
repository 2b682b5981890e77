"""What the web app does with a message: the library calls of the CLI, held once per process.

``Service`` owns the expensive objects (the validator with its compiled schemas, the regional
configurations) and turns one upload into the answers the routes send. Every check is the
library's own: ``Validator`` (levels 1, 2, 4), ``HistoryValidator`` (level 3 with ``--db``),
``retour_voor``, ``check_messages`` and the store's ``Importer``.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from berichten.findings import Finding
from berichten.xmlinput import InputPolicy
from berichten.validators.pipeline import ValidationResult, Validator
from berichten.web.inputs import InputRejected, Upload
from berichten.web.settings import ServeSettings
from berichten.web.tree import message_tree

# Level-1 codes that mean "this is not a message we can check at all": the API answers 4xx with
# the Dutch melding instead of a verdict (README, "Webpagina"). Other level-1 findings (BOM, LF
# line endings, XSD errors) are verdicts on a message and answered like the CLI does.
REFUSED = {
    "XML001": "geen welgevormde XML",
    "XML002": "DOCTYPE of entiteiten (XXE, entity bomb)",
    "XML004": "verkeerde tekencodering",
    "XML007": "leeg of binair bestand",
    "MSG001": "onbekend berichttype",
    "MSG002": "berichttype of release niet ondersteund",
}
TOO_LARGE = "XML003"
STANDAARD_NAAM = {"ijw": "iJw", "iwmo": "iWmo"}


@dataclass
class Region:
    """One ``--config REGIO.toml``: the configuration, its facts and the validator with its [lijsten]."""

    config: Any
    facts: Any
    validator: Validator


class Service:
    def __init__(self, settings: ServeSettings) -> None:
        from berichten.validators.level4 import load_lists

        self.settings = settings
        self.validator = Validator(policy=InputPolicy(max_bytes=settings.max_bytes), lists=load_lists(settings.lijsten))
        self.checker = self.validator
        # One message at a time: a compiled XMLSchema keeps its error_log on itself, and a store
        # connection is not shared between threads. The routes run these methods either inline
        # (a small message while the lock is free) or on the one worker thread (``web.app.call``).
        self.lock = threading.Lock()
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="berichten-serve")
        if settings.db_url:
            from berichten.store.validate import HistoryValidator

            self.checker = HistoryValidator(settings.db_url, validator=self.validator)
        self.regions = [self._region(path) for path in settings.configs]

    def _region(self, path: str) -> Region:
        from berichten.validators.level4 import load_lists
        from berichten.validators.regional.config import load_config
        from berichten.validators.regional.facts import load_csv_facts

        config = load_config(path)
        if self.settings.db_url:
            from berichten.store.regio_tables import load_facts

            facts = load_facts(self.settings.db_url)
        else:
            facts = load_csv_facts(None, None)
        validator = Validator(policy=InputPolicy(max_bytes=self.settings.max_bytes), lists=load_lists(config.source))
        return Region(config, facts, validator)

    def locked(self, method, *args):
        with self.lock:
            return method(*args)

    def close(self) -> None:
        self.worker.shutdown(wait=True)
        if self.checker is not self.validator:
            self.checker.close()

    # ------------------------------------------------------------------------------ validation

    def validate(self, upload: Upload) -> ValidationResult:
        return self.checker.validate_bytes(upload.data)

    def accepted(self, upload: Upload) -> ValidationResult:
        """The result of a message the API answers; ``InputRejected`` when it is not one."""
        result = self.validate(upload)
        refusal = refusal_of(upload.name, result.findings, self.settings.max_bytes)
        if refusal:
            raise refusal
        return result

    def analyse(self, upload: Upload) -> dict[str, Any]:
        """Everything the page shows for one file."""
        from berichten.validators.retour import kan_retour, retour_nummer

        result = self.accepted(upload)
        ns = result.document.namespace
        return {
            "file": upload.name,
            "resultaat": result.to_dict(upload.name),
            "geldig": result.ok,
            "niet_gecontroleerd": list(result.niet_gecontroleerd),
            "soort": {"standaard": STANDAARD_NAAM.get(ns.standaard, ns.standaard), "release": ns.release,
                      "bericht": ns.nummer} if ns else None,
            "boom": message_tree(result.document.root) if result.document.root is not None else None,
            "retour": retour_nummer(result.message) if kan_retour(result) else None,
            "regionaal": self.regional(upload),
            "opslaan": bool(self.settings.db_url),
        }

    def regional(self, upload: Upload) -> list[dict[str, Any]]:
        """The verdict per toegewezen product of every configured region (``berichten check``)."""
        from berichten.validators.regional.check import check_messages

        out = []
        for region in self.regions:
            verdicts = check_messages([(upload.name, upload.data)], region.config, region.facts, region.validator)
            out.append({"regio": region.config.code, "config": PurePosixPath(region.config.source).name,
                        "oordelen": [{**v.to_dict(), "client": v.client} for v in verdicts]})
        return out

    def retour(self, upload: Upload) -> tuple[str, bytes]:
        """The retour the CLI would write, with the CLI's file name; 422 when none is due."""
        from berichten.validators.retour import kan_retour, retour_nummer, retour_voor

        result = self.accepted(upload)
        if not kan_retour(result):
            codes = ", ".join(sorted({f.code for f in result.findings if f.is_error}))
            if result.message is not None and retour_nummer(result.message) is None:
                melding = f"Op een {result.message.nummer} maakt berichten geen retourbericht."
            else:
                melding = f"Geen retourbericht: het bericht is op niveau 1 afgekeurd ({codes or 'onbekend'})."
            raise InputRejected(422, "RETOUR", melding, upload.name)
        data = retour_voor(result)
        stem = PurePosixPath(upload.name.replace("\\", "/")).stem or "bericht"
        return f"{stem}.{retour_nummer(result.message)}.xml", data

    def store(self, upload: Upload) -> dict[str, Any]:
        """Store one message (``berichten import`` for one file): idempotent on the exact bytes."""
        from berichten.store.config import Pseudonymiser
        from berichten.store.db import make_engine
        from berichten.store.importer import Importer, ImportSummary
        from berichten.store.migrate import upgrade

        url = self.settings.db_url
        result = self.validator.validate_bytes(upload.data)
        refusal = refusal_of(upload.name, result.findings, self.settings.max_bytes)
        if refusal:
            raise refusal
        upgrade(url)
        engine = make_engine(url)
        try:
            with engine.connect() as connection:
                importer = Importer(connection, self.validator, Pseudonymiser(url=url))
                summary = ImportSummary()
                stored = importer.add(result, upload.name, summary)
                ids = importer.flush()
                connection.commit()
        finally:
            engine.dispose()
        if self.checker is not self.validator:
            self.checker.connection.rollback()  # level 3 sees the stored message from now on
        if stored is None:
            return {"file": upload.name, "status": "al aanwezig", "id": None}
        return {"file": upload.name, "status": stored.status, "id": ids[0] if ids else None}


def refusal_of(name: str, findings: list[Finding], max_bytes: int) -> InputRejected | None:
    for f in findings:
        if f.is_error and f.code == TOO_LARGE:
            return InputRejected(413, f.code, f.melding, name)
    for f in findings:
        if f.is_error and f.code in REFUSED:
            return InputRejected(422, f.code, f.melding, name)
    return None
