"""One ASGI middleware for what every response needs: the token, security headers, a BSN-free log.

Pure ASGI rather than Starlette's BaseHTTPMiddleware, which costs a task per request; the
benchmark holds the server to within 2x of in-process validation.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
import time
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

log = logging.getLogger("berichten.serve")

TOKEN_COOKIE = "berichten_token"
CSRF_COOKIE = "berichten_csrf"
# The page loads only what the app serves itself: no inline script or style, no other origin.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
_DIGITS = re.compile(r"\d{8,}")  # a BSN (9 digits) or anything like it never reaches the log


def log_path(path: str) -> str:
    """The path as logged: never the query string (it may hold the token), long digit runs masked."""
    return _DIGITS.sub(lambda m: "*" * (len(m.group()) - 2) + m.group()[-2:], path)


def cookies(scope) -> dict[str, str]:
    jar = SimpleCookie()
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed cookie header is ignored, not an error page
                pass
    return {k: m.value for k, m in jar.items()}


def header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


class Guard:
    """Token on every request (when configured), security headers on every response, access log."""

    def __init__(self, app, token: str | None) -> None:
        self.app = app
        self.token = token

    def _authorised(self, scope) -> bool:
        if not self.token:
            return True
        given = header(scope, b"authorization") or ""
        candidates = [given[7:] if given.lower().startswith("bearer ") else "",
                      header(scope, b"x-berichten-token") or "", cookies(scope).get(TOKEN_COOKIE, "")]
        return any(c and hmac.compare_digest(c.encode(), self.token.encode()) for c in candidates)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 0}

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                # Server-Timing: the time spent in the server up to the answer (bench/serve.py reads it).
                timing = (b"server-timing", b"app;dur=%.3f" % ((time.perf_counter() - started) * 1000))
                message["headers"] = list(message.get("headers", [])) + SECURITY_HEADERS + [timing]
            await send(message)

        try:
            if self._authorised(scope):
                await self.app(scope, receive, send_with_headers)
            elif self.token and self._query_token(scope):
                await self._login(scope, send_with_headers)
            else:
                await self._refuse(send_with_headers)
        finally:
            log.info('%s "%s %s" %s %.1fms', (scope.get("client") or ("-",))[0], scope["method"],
                     log_path(scope["path"]), status["code"], (time.perf_counter() - started) * 1000)

    def _query_token(self, scope) -> bool:
        values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token", [])
        return bool(values) and hmac.compare_digest(values[0].encode(), self.token.encode())

    async def _login(self, scope, send) -> None:
        """``/?token=T`` once: the token moves into an HttpOnly cookie and out of the address bar."""
        cookie = f"{TOKEN_COOKIE}={self.token}; HttpOnly; SameSite=Strict; Path=/"
        await send({"type": "http.response.start", "status": 303,
                    "headers": [(b"location", scope["path"].encode()), (b"set-cookie", cookie.encode()),
                                (b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})

    async def _refuse(self, send) -> None:
        body = json.dumps({"fouten": [{"file": None, "code": "HTTP401", "melding":
                           "Toegang geweigerd: geef het token (BERICHTEN_SERVE_TOKEN) mee, als "
                           "'Authorization: Bearer ...' of eenmalig als ?token=... in de adresbalk."}]},
                          ensure_ascii=False).encode()
        await send({"type": "http.response.start", "status": 401,
                    "headers": [(b"content-type", b"application/json; charset=utf-8"),
                                (b"content-length", str(len(body)).encode()),
                                (b"www-authenticate", b"Bearer")]})
        await send({"type": "http.response.body", "body": body})
