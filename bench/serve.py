"""``berichten serve`` against in-process validation, and 200 requests at once.

Usage: python bench/serve.py [--rounds 300] [--concurrent 200] [--file fixtures/demo/jw301-toewijzing-geldig.xml]

1. Warm time of one 301 verdict: what ``validate --format jsonl`` does per file in its own
   process (``Validator.validate_path`` and ``validation_line``) against the server time of POST /api/validate on a real server (subprocess, keep-alive
   connection from the stdlib client; its Server-Timing header, from the request's arrival to the answer: body read,
   validation, JSON line), median of ``--rounds`` after a warm-up. The target is a ratio of at
   most 2. The client's round trip (HTTP on localhost, client included) is printed beside it.
2. ``--concurrent`` requests sent at the same moment (one connection each); every answer must be
   200 and the same line. Exit code 1 when either target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

import httpx  # noqa: E402

from berichten.validators.jsonl import validation_line  # noqa: E402
from berichten.validators.pipeline import Validator  # noqa: E402

MAX_RATIO = 2.0


def start_server() -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, str(PROJECT / "cli.py"), "serve", "--port", "0"], cwd=PROJECT,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline()
    match = re.search(r"http://\S+/", line)
    if not match:
        proc.kill()
        raise SystemExit(f"serve did not start: {line!r}")
    return proc, match.group()


@dataclass
class Timings:
    cli: list[float] = field(default_factory=list)  # validate_path + validation_line, as the CLI per file
    alone: list[float] = field(default_factory=list)  # validate_bytes only
    server: list[float] = field(default_factory=list)  # the server's Server-Timing
    trip: list[float] = field(default_factory=list)  # the client's round trip

    def median(self, name: str) -> float:
        return statistics.median(getattr(self, name)) * 1000


def single(url: str, path: str, rounds: int) -> tuple[Timings, str]:
    """The three timings interleaved round by round, so a busy machine weighs on all alike.

    The stdlib client writes headers and body in one send, as curl does; one kept-alive connection.
    """
    data = Path(path).read_bytes()
    validator = Validator()
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)

    def post() -> tuple[float, str]:
        connection.request("POST", "/api/validate?file=bench.xml", body=data, headers={"content-type": "application/xml"})
        response = connection.getresponse()
        body = response.read().decode("utf-8")
        if response.status != 200:
            raise SystemExit(f"status {response.status}: {body}")
        return float(response.getheader("server-timing").split("dur=")[1]) / 1000, body

    for _ in range(20):  # warm both sides
        validation_line(path, validator.validate_path(path))
        _, first = post()
    t = Timings()
    for _ in range(rounds):
        start = time.perf_counter()
        validation_line(path, validator.validate_path(path))
        t.cli.append(time.perf_counter() - start)
        start = time.perf_counter()
        validator.validate_bytes(data)
        t.alone.append(time.perf_counter() - start)
        start = time.perf_counter()
        t.server.append(post()[0])
        t.trip.append(time.perf_counter() - start)
    connection.close()
    return t, first


async def concurrent(url: str, data: bytes, n: int, expected: str) -> tuple[int, int, float]:
    limits = httpx.Limits(max_connections=n, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:
        async def one(i: int):
            try:
                r = await client.post("/api/validate", params={"file": "bench.xml"}, content=data,
                                      headers={"content-type": "application/xml"})
                return r.status_code == 200 and r.text == expected
            except httpx.HTTPError:
                return False

        t = time.perf_counter()
        results = await asyncio.gather(*(one(i) for i in range(n)))
        elapsed = time.perf_counter() - t
    return sum(results), n - sum(results), elapsed


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=1000)
    parser.add_argument("--concurrent", type=int, default=200)
    parser.add_argument("--file", default=str(PROJECT / "fixtures" / "demo" / "jw301-toewijzing-geldig.xml"))
    args = parser.parse_args()
    data = Path(args.file).read_bytes()
    expected = validation_line("bench.xml", Validator().validate_bytes(data)) + "\n"
    proc, url = start_server()
    try:
        t, line = single(url, args.file, args.rounds)
        ok, failed, elapsed = asyncio.run(concurrent(url, data, args.concurrent, expected))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    local, remote = t.median("cli"), t.median("server")
    ratio = remote / local
    print(f"one 301 verdict, warm, median of {args.rounds} interleaved rounds: CLI in-process {local:.3f} ms, "
          f"server {remote:.3f} ms, ratio {ratio:.2f} (target <= {MAX_RATIO})")
    print(f"  validation alone (validate_bytes) {t.median('alone'):.3f} ms (server / that = "
          f"{remote / t.median('alone'):.2f}); client round trip over localhost {t.median('trip'):.3f} ms")
    print(f"same line as in-process: {'ja' if line == expected else 'NEE'}")
    print(f"{args.concurrent} concurrent requests: {ok} ok, {failed} errors, {elapsed:.2f} s "
          f"({args.concurrent / elapsed:.0f} requests/s)")
    return 0 if ratio <= MAX_RATIO and failed == 0 and line == expected else 1


if __name__ == "__main__":
    sys.exit(main())
