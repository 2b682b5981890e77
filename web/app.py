"""The routes of ``berichten serve``: the page, its static files and the JSON API.

    POST /api/validate        raw XML or multipart: the lines of ``validate --format jsonl``
    GET  /api/rules           the objects of ``rules --format jsonl`` (filters as query parameters)
    GET  /api/explain/{code}  one rule or code, as ``explain`` shows it
    GET  /openapi.json        the OpenAPI 3.1 description of the above
Page-only routes: POST /api/analyse (verdict, tree, regional verdicts), POST /api/retour (the
retour file), POST /api/opslaan (only with --db, CSRF-protected).
"""

from __future__ import annotations

import asyncio
import gc
import hmac
import html
import json
import secrets
from contextlib import asynccontextmanager
from importlib import resources
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from berichten.web.inputs import InputRejected, Upload, uploads
from berichten.web.openapi import openapi_schema
from berichten.web.security import CSRF_COOKIE, Guard, cookies
from berichten.web.service import Service
from berichten.web.settings import MAX_FILES, ServeSettings

NDJSON = "application/x-ndjson; charset=utf-8"
STATIC = resources.files("berichten.web") / "static"
TEMPLATE = resources.files("berichten.web") / "templates" / "index.html"


def error_response(errors: list[InputRejected]) -> JSONResponse:
    """``{"fouten": [{"file", "code", "melding"}]}`` with the most telling status of them."""
    status = 413 if any(e.status == 413 for e in errors) else errors[0].status
    return JSONResponse({"fouten": [e.to_dict() for e in errors]}, status_code=status,
                        headers={"cache-control": "no-store"})


def json_response(data: Any, status: int = 200) -> Response:
    # ensure_ascii=False as the CLI prints it: Dutch text stays readable.
    body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    return Response(body, status_code=status, media_type="application/json; charset=utf-8",
                    headers={"cache-control": "no-store"})


# Below this size a message is validated on the event loop itself when no other is being
# validated: a thread hand-off costs more than the validation (about 0.2 ms for an ordinary 301)
# and the loop is blocked only that long. Everything else waits for the service's one worker.
INLINE_BYTES = 64 * 1024


async def call(service: Service, method, upload: Upload):
    """``method(upload)`` under the service's lock: inline when small and free, else on its worker."""
    if len(upload.data) <= INLINE_BYTES and not service.settings.db_url and service.lock.acquire(blocking=False):
        try:
            return method(upload)
        finally:
            service.lock.release()
    return await asyncio.get_running_loop().run_in_executor(service.worker, service.locked, method, upload)


def create_app(settings: ServeSettings, service: Service | None = None, on_ready=None) -> Guard:
    """The ASGI app: Starlette routes behind the ``Guard`` (token, security headers, log)."""
    service = service or Service(settings)
    csrf = secrets.token_urlsafe(32)
    page = TEMPLATE.read_text(encoding="utf-8")

    async def index(request: Request) -> Response:
        flags = {"csrf": csrf, "opslaan": bool(settings.db_url), "max_bytes": settings.max_bytes,
                 "regios": [r.config.code for r in service.regions]}
        body = page.replace("{{config}}", html.escape(json.dumps(flags), quote=True))
        response = HTMLResponse(body, headers={"cache-control": "no-store"})
        response.set_cookie(CSRF_COOKIE, csrf, httponly=True, samesite="strict")
        return response

    async def validate(request: Request) -> Response:
        """One JSON line per file, in input order: what ``validate --format jsonl`` prints."""
        try:
            files = await uploads(request, settings.max_bytes, settings.max_body, MAX_FILES)
        except InputRejected as exc:
            return error_response([exc])
        from berichten.validators.jsonl import validation_line

        lines, errors = [], []
        for upload in files:
            try:
                result = await call(service, service.accepted, upload)
            except InputRejected as exc:
                errors.append(exc)
                continue
            lines.append(validation_line(upload.name, result) + "\n")
        if errors:
            return error_response(errors)
        return Response("".join(lines).encode("utf-8"), media_type=NDJSON, headers={"cache-control": "no-store"})

    async def one_upload(request: Request) -> Upload:
        files = await uploads(request, settings.max_bytes, settings.max_body, 1)
        return files[0]

    async def analyse(request: Request) -> Response:
        try:
            upload = await one_upload(request)
            return json_response(await call(service, service.analyse, upload))
        except InputRejected as exc:
            return error_response([exc])

    async def retour(request: Request) -> Response:
        try:
            upload = await one_upload(request)
            name, data = await call(service, service.retour, upload)
        except InputRejected as exc:
            return error_response([exc])
        ascii_name = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in name)
        return Response(data, media_type="application/xml",
                        headers={"content-disposition": f'attachment; filename="{ascii_name}"',
                                 "cache-control": "no-store"})

    async def opslaan(request: Request) -> Response:
        if not settings.db_url:
            return error_response([InputRejected(404, "HTTP404", "Opslaan kan alleen als de server met --db is gestart.")])
        given = request.headers.get("x-csrf-token", "")
        cookie = cookies(request.scope).get(CSRF_COOKIE, "")
        if not (given and cookie and hmac.compare_digest(given, csrf) and hmac.compare_digest(cookie, csrf)):
            return error_response([InputRejected(403, "CSRF", "Opslaan geweigerd: het verzoek komt niet van deze pagina "
                                                              "(CSRF-token ontbreekt of klopt niet). Laad de pagina opnieuw.")])
        try:
            upload = await one_upload(request)
            return json_response(await call(service, service.store, upload))
        except InputRejected as exc:
            return error_response([exc])

    async def rules(request: Request) -> Response:
        from berichten.validators.catalog import all_codes
        from berichten.validators.jsonl import rule_record

        q = request.query_params
        niveau = "regionaal" if q.get("regio") in ("1", "true", "ja") else q.get("niveau")
        selected = [
            rule_record(info) for info in all_codes()
            if (not q.get("standaard") or q["standaard"] in info.standaarden)
            and (not q.get("bericht") or q["bericht"] in info.berichten)
            and (not niveau or str(info.niveau) == niveau)
        ]
        return json_response(selected)

    async def explain(request: Request) -> Response:
        from berichten.validators.catalog import lookup

        code = request.path_params["code"]
        info = lookup(code)
        if info is None:
            return error_response([InputRejected(404, "ONBEKEND", f"Onbekende code {code[:40]}; GET /api/rules toont alle codes.")])
        return json_response({
            "code": info.code, "melding": info.melding, "niveau": info.niveau, "retourcode": info.retourcode,
            "berichten": list(info.berichten), "standaarden": list(info.standaarden), "severity": info.severity,
            "varianten": [{"berichten": b, "melding": m} for b, m in info.varianten],
            "elementen": list(info.elementen), "uitleg": info.uitleg,
            "voorbeeld_fout": info.voorbeeld_fout or None, "voorbeeld_goed": info.voorbeeld_goed or None,
        })

    async def openapi(request: Request) -> Response:
        return json_response(openapi_schema(bool(settings.db_url)))

    async def not_found(request: Request, exc) -> Response:
        status = getattr(exc, "status_code", 404)
        melding = "Niet gevonden." if status == 404 else "Deze methode is hier niet toegestaan."
        return error_response([InputRejected(status, f"HTTP{status}", melding)])

    async def server_error(request: Request, exc) -> Response:
        # A bug must not end the server or leak a traceback (which may quote the message) to the page.
        return error_response([InputRejected(500, "HTTP500", "Interne fout bij het verwerken; de server draait door.")])

    @asynccontextmanager
    async def lifespan(app):
        # Schemas, rules and lists live as long as the process: keep them out of every GC pass.
        gc.collect()
        gc.freeze()
        if on_ready:
            on_ready()
        try:
            yield
        finally:
            service.close()

    app = Starlette(
        routes=[
            Route("/", index, methods=["GET"]),
            Route("/api/validate", validate, methods=["POST"]),
            Route("/api/analyse", analyse, methods=["POST"]),
            Route("/api/retour", retour, methods=["POST"]),
            Route("/api/opslaan", opslaan, methods=["POST"]),
            Route("/api/rules", rules, methods=["GET"]),
            Route("/api/explain/{code}", explain, methods=["GET"]),
            Route("/openapi.json", openapi, methods=["GET"]),
            Mount("/static", StaticFiles(directory=str(STATIC)), name="static"),
        ],
        exception_handlers={404: not_found, 405: not_found, 500: server_error},
        lifespan=lifespan,
    )
    return Guard(app, settings.token)
