"""Request bodies to (name, bytes) uploads, entirely in memory: nothing is spooled to disk.

Starlette's own form parser spools files above 1 MB into temporary files; a page that promises
that no message leaves memory cannot use it, so multipart is parsed here with python-multipart's
streaming parser. Limits are enforced while reading, so an oversized body is never held whole.
"""

from __future__ import annotations

from dataclasses import dataclass

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

DEFAULT_NAME = "bericht.xml"


class InputRejected(Exception):
    """A request the API refuses before validation: ``status`` is the HTTP status, ``melding`` Dutch."""

    def __init__(self, status: int, code: str, melding: str, file: str | None = None) -> None:
        super().__init__(melding)
        self.status, self.code, self.melding, self.file = status, code, melding, file

    def to_dict(self) -> dict:
        return {"file": self.file, "code": self.code, "melding": self.melding}


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


def too_large(size: int, max_bytes: int, name: str | None = None) -> InputRejected:
    return InputRejected(413, "XML003", f"Bestand is {size} bytes, meer dan de grens van {max_bytes} bytes; niet gelezen.",
                         name)


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it grows past ``limit`` (Content-Length is not trusted)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise InputRejected(413, "HTTP413", f"Het verzoek is {declared} bytes, meer dan de grens van {limit} bytes.")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise InputRejected(413, "HTTP413", f"Het verzoek is groter dan de grens van {limit} bytes.")
        chunks.append(chunk)
    return b"".join(chunks)


def clean_name(name: str | None) -> str:
    """The upload's name as sent (it is what the jsonl "file" says, as the CLI prints its path), trimmed."""
    name = "".join(ch for ch in (name or "") if ch.isprintable())
    return name[:255] or DEFAULT_NAME


async def uploads(request: Request, max_bytes: int, max_body: int, max_files: int) -> list[Upload]:
    """The messages of a request: a raw XML body (name from ``?file=``) or the files of a multipart form.

    Raises ``InputRejected``: 413 for a file above ``max_bytes``, 400 for a form without files,
    415 for an unknown content type.
    """
    content_type = request.headers.get("content-type", "")
    mime, options = parse_options_header(content_type)
    if mime == b"multipart/form-data":
        boundary = options.get(b"boundary")
        if not boundary:
            raise InputRejected(400, "HTTP400", "Multipart-verzoek zonder boundary.")
        files = parse_multipart(await read_body(request, max_body), boundary, max_files)
        if not files:
            raise InputRejected(400, "HTTP400", "Het formulier bevat geen bestand (veld 'bestand').")
    elif mime in (b"", b"application/xml", b"text/xml", b"application/octet-stream", b"text/plain"):
        # The raw file may name itself; ?file= is what the CLI would print as "file".
        name = clean_name(request.query_params.get("file"))
        try:
            files = [Upload(name, await read_body(request, max_bytes))]
        except InputRejected:
            raise InputRejected(413, "XML003", f"Bestand is meer dan de grens van {max_bytes} bytes; niet gelezen.",
                                name) from None
    else:
        raise InputRejected(415, "HTTP415", f"Inhoudstype {mime.decode('latin-1')} wordt niet ondersteund; "
                                            "stuur XML of multipart/form-data.")
    for f in files:
        if len(f.data) > max_bytes:
            raise too_large(len(f.data), max_bytes, f.name)
    return files


def parse_multipart(body: bytes, boundary: bytes, max_files: int) -> list[Upload]:
    """The file parts of a multipart/form-data body (parts without a filename are ignored)."""
    parts: list[dict] = []
    header: dict[str, bytes] = {"field": b"", "value": b""}

    def on_part_begin() -> None:
        parts.append({"headers": {}, "data": []})
        if len(parts) > max_files:
            raise InputRejected(413, "HTTP413", f"Meer dan {max_files} bestanden in één verzoek.")

    def on_part_data(data: bytes, start: int, end: int) -> None:
        parts[-1]["data"].append(data[start:end])

    def on_header_field(data: bytes, start: int, end: int) -> None:
        header["field"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        header["value"] += data[start:end]

    def on_header_end() -> None:
        parts[-1]["headers"][header["field"].lower()] = header["value"]
        header["field"], header["value"] = b"", b""

    parser = MultipartParser(boundary, {
        "on_part_begin": on_part_begin, "on_part_data": on_part_data, "on_header_field": on_header_field,
        "on_header_value": on_header_value, "on_header_end": on_header_end,
    })
    try:
        parser.write(body)
        parser.finalize()
    except InputRejected:
        raise
    except Exception as exc:  # python-multipart raises its own errors on a broken body
        raise InputRejected(400, "HTTP400", f"Het multipart-verzoek is onleesbaar: {exc}") from None
    files = []
    for part in parts:
        _, options = parse_options_header(part["headers"].get(b"content-disposition", b""))
        if b"filename" not in options:
            continue
        name = options[b"filename"].decode("utf-8", "replace")
        files.append(Upload(clean_name(name), b"".join(part["data"])))
    return files
