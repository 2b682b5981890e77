"""Structured log lines for the worker: one JSON object per line, never a BSN.

The library only uses ``logging.getLogger(...)``; ``setup_logging`` is called by the command.
Every line goes through ``mask_text`` as a last line of defence: file names may carry a BSN
(``301_999999999.xml``), so names are masked too.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import datetime, timezone
from typing import Any, TextIO

from berichten.inbox.reports import mask_text

LOGGER = "inbox"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        fields = getattr(record, "fields", None)
        if fields:
            data.update(fields)
        else:
            data["msg"] = record.getMessage()
        if record.exc_info and record.exc_info[0]:
            # The type and where it was raised, never the text: an exception text (an SQL error
            # with its parameters, a parser message) may quote message content.
            data["error"] = record.exc_info[0].__name__
            tb = record.exc_info[2]
            while tb is not None and tb.tb_next is not None:
                tb = tb.tb_next
            if tb is not None:
                data["where"] = f"{tb.tb_frame.f_code.co_filename.rsplit('/', 1)[-1]}:{tb.tb_lineno}"
        return mask_text(json.dumps(data, ensure_ascii=False, default=str)) or ""


def setup_logging(level: int = logging.INFO, stream: TextIO | None = None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # migration chatter on every start
    return handler


def event(logger: logging.Logger, what: str, /, level: int = logging.INFO, **fields: Any) -> None:
    logger.log(level, what, extra={"fields": {"event": what, **fields}})
