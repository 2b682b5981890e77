"""The HTML report: self-contained (no external references) and readable in a real browser.

Renders both demo reports in headless Chromium (Debian package ``chromium``; installed with
apt-get when missing and we are root), checks the rendered DOM has the tables and charts, and
that the screenshot exists and is not blank.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import zlib
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

import pytest

from berichten.report.build import build_report
from berichten.report.demo import DEMO_PEILDATUM, load_demo, write_demo
from berichten.report.privacy import suppress
from berichten.report.render import to_html
from berichten.validators.regional.config import load_config

NOW = datetime(2026, 11, 1, 3, 0, tzinfo=timezone.utc)


@lru_cache(maxsize=1)
def chromium() -> str | None:
    """Path of the chromium binary, installing the Debian package when missing (root only)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "install", "-y", "chromium"], capture_output=True, timeout=900, env=env, check=False)
    return shutil.which("chromium")


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("html")
    summary = write_demo(folder / "demo")
    url = f"sqlite:///{folder / 'demo.db'}"
    load_demo(summary, url, pseudonym_key="html-test")
    out = {}
    for regio in ("grjr", "nijmegen"):
        report = build_report(url, load_config(summary.regio / f"{regio}.toml"), peildatum=DEMO_PEILDATUM, now=NOW)
        path = folder / f"{regio}.html"
        path.write_text(to_html(suppress(report) if regio == "grjr" else report), encoding="utf-8")
        out[regio] = path
    return out


EXTERNAL = [
    re.compile(r"<script\b", re.I),
    re.compile(r"<link\b", re.I),
    re.compile(r"@import", re.I),
    re.compile(r"url\(\s*['\"]?(?!#)", re.I),  # url(#id) inside SVG is a local reference
    re.compile(r"\b(?:src|href|xlink:href)\s*=\s*['\"](?!#)", re.I),
]


@pytest.mark.parametrize("regio", ["grjr", "nijmegen"])
def test_html_is_self_contained(pages, regio):
    html = pages[regio].read_text(encoding="utf-8")
    for pattern in EXTERNAL:
        assert not pattern.search(html), pattern.pattern
    assert "<svg" in html and "@media print" in html
    assert "Periode <strong>2025-11-01</strong> t/m <strong>2026-10-31</strong>" in html
    assert "gemaakt op <strong>2026-11-01 03:00 UTC</strong>" in html


def _png_is_not_blank(path: Path) -> bool:
    """Decode the PNG's pixel stream (stdlib only) and look for more than a handful of byte values."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + length]
        pos += 12 + length
    pixels = zlib.decompress(idat)
    return len(set(pixels[: 4_000_000])) > 16


@pytest.mark.parametrize("regio", ["grjr", "nijmegen"])
def test_html_renders_in_headless_chromium(pages, regio, tmp_path):
    browser = chromium()
    if not browser:
        pytest.skip("chromium is niet geïnstalleerd en apt-get install -y chromium lukte niet")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}"]
    url = pages[regio].resolve().as_uri()
    dom = subprocess.run([browser, *flags, "--dump-dom", url], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    tables = re.findall(r"<table id=\"([a-z0-9_]+)\"", dom.stdout)
    expected = {"grjr": {"grjr_actief", "grjr_verloop", "grjr_opdracht_actief", "grjr_opdracht_verloop",
                         "grjr_aandeel_flex", "grjr_flex_aanbieder", "grjr_flex_regels", "grjr_flex_lijst",
                         "grjr_kwartaal", "grjr_plafond_uren", "grjr_plafond_bedrag"},
                "nijmegen": {"nijm_uren_product", "nijm_uren_aanbieder", "nijm_ratio", "nijm_ratio_maand",
                             "nijm_trajectduur", "nijm_start42", "nijm_verzilvering_product", "nijm_verzilvering_aanbieder",
                             "nijm_verzilvering_buurtteam", "nijm_verzilvering_maand", "nijm_zonder_declaratie",
                             "nijm_trajectduur_product", "nijm_intensiteit", "nijm_plafond_uren", "nijm_plafond_bedrag"}}[regio]
    assert set(tables) == expected
    assert len(re.findall(r"<svg\b", dom.stdout)) >= 2
    png = tmp_path / f"{regio}.png"
    shot = subprocess.run([browser, *flags, f"--screenshot={png}", "--window-size=1280,2000", url],
                          capture_output=True, text=True, timeout=120)
    assert shot.returncode == 0 and png.exists(), shot.stderr[-2000:]
    assert png.stat().st_size > 20_000
    assert _png_is_not_blank(png)
    keep = os.environ.get("BERICHTEN_REPORT_SCREENSHOTS")
    if keep:  # for looking at the page by eye
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(png, Path(keep) / png.name)
