"""The page of ``berichten serve`` in a real headless Chromium (the OS package), against the real
server started as a subprocess.

Skipped with the reason when no Chromium or no playwright is installed (.ci/run installs the
Debian package). Every test leaves a screenshot in the pytest tmp dir and prints its path.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from tests.conftest import FIXTURES, PROJECT
from berichten.validators.pipeline import Validator

CHROMIUM = os.environ.get("BERICHTEN_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
GELDIG = FIXTURES / "demo" / "jw301-toewijzing-geldig.xml"

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright (Python) is not installed")
if not CHROMIUM:
    pytest.skip("no Chromium found (apt-get install chromium; or set BERICHTEN_CHROMIUM)", allow_module_level=True)


class Server:
    """``berichten serve --port 0 ARGS`` in ``cwd``; ``url`` from its readiness line."""

    def __init__(self, cwd: Path, *args: str) -> None:
        self.proc = subprocess.Popen([sys.executable, str(PROJECT / "cli.py"), "serve", "--port", "0", *args], cwd=cwd,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()  # blocks until the server says it listens (or exits)
        match = re.search(r"http://\S+/", line)
        if not match:
            self.proc.kill()
            pytest.fail(f"serve did not start: {line!r} {self.proc.stderr.read()}")
        self.url = match.group()

    def stop(self) -> str:
        """Stop the server; its log (stderr), which must hold no BSN and no traceback."""
        self.proc.terminate()
        self.proc.wait(timeout=30)
        log = self.proc.stderr.read()
        assert "Traceback" not in log
        assert not re.search(r"(?<!\d)\d{9}(?!\d)", log), log  # no BSN-like number
        return log


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The default server, in an empty folder that must stay empty (nothing written without --db)."""
    workdir = tmp_path_factory.mktemp("serve-cwd")
    running = Server(workdir)
    yield running.url
    running.stop()
    assert list(workdir.iterdir()) == []


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def open_page(browser, url: str):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    # A refused upload is a 4xx on purpose (the browser logs it); a page resource must never fail.
    page.on("console", lambda m: problems.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}")
            if r.request.method == "GET" and r.status >= 400 else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(url)
    return context, page, problems


@pytest.fixture
def page(browser, server, request, tmp_path_factory):
    context, page, problems = open_page(browser, server)
    yield page
    screenshot(page, request, tmp_path_factory)
    context.close()
    assert problems == []  # no script error, no CSP violation, no failed load


def screenshot(page, request, tmp_path_factory) -> None:
    shot = tmp_path_factory.mktemp("screenshots") / f"{request.node.name}.png"
    page.screenshot(path=str(shot), full_page=True)
    print(f"screenshot: {shot}")


def drop(page, files: list[tuple[str, bytes]]) -> None:
    """A real drop event on the drop zone, with the files in its DataTransfer."""
    payload = [{"name": n, "b64": base64.b64encode(d).decode()} for n, d in files]
    transfer = page.evaluate_handle("""files => {
        const dt = new DataTransfer();
        for (const f of files) {
            const bytes = Uint8Array.from(atob(f.b64), c => c.charCodeAt(0));
            dt.items.add(new File([bytes], f.name, {type: "application/xml"}));
        }
        return dt;
    }""", payload)
    page.dispatch_event("#dropzone", "drop", {"dataTransfer": transfer})


def card(page, name: str):
    article = page.locator("article.uitslag", has=page.locator("h3", has_text=name))
    article.locator("[data-oordeel], .oordeel.geweigerd").wait_for()
    return article


def mutated_bsn(data: bytes) -> tuple[bytes, str]:
    """The message with one digit of the Bsn changed: the 11-proef (CS002) fails on that element."""
    bsn = etree.fromstring(data).findtext(".//{*}Client/{*}Bsn")
    wrong = bsn[:-1] + str((int(bsn[-1]) + 1) % 10)
    return data.replace(f">{bsn}<".encode(), f">{wrong}<".encode(), 1), wrong


def check_geldig_and_highlight(page, geldig: tuple[str, bytes]) -> None:
    fout, wrong = mutated_bsn(geldig[1])
    drop(page, [geldig, ("gemuteerd.xml", fout)])
    assert card(page, geldig[0]).locator("[data-oordeel]").inner_text() == "GELDIG"
    bad = card(page, "gemuteerd.xml")
    assert bad.locator("[data-oordeel]").inner_text() == "ONGELDIG"
    finding = bad.locator("li.bevinding[data-code=CS002]")
    assert "/Bericht/Client/Bsn" in finding.inner_text()
    finding.locator("button.toon-element").click()
    marked = bad.locator("li.markeer")
    assert marked.get_attribute("data-path") == "/Bericht/Client/Bsn"
    playwright_api.expect(marked.locator(".regel").first).to_be_in_viewport()
    assert wrong not in page.inner_text("body")  # masked until revealed


def test_published_sample_and_a_mutated_one(page, reference):
    sample = reference.samples("ijw", include_invalid=False)[0]
    assert sample.name == "JW301.xml"
    check_geldig_and_highlight(page, (sample.name, sample.read_bytes()))


def test_demo_message_and_a_mutated_one(page):
    check_geldig_and_highlight(page, (GELDIG.name, GELDIG.read_bytes()))


def test_download_the_retour_and_validate_it(page, tmp_path):
    fout, _ = mutated_bsn(GELDIG.read_bytes())
    drop(page, [("gemuteerd.xml", fout)])
    article = card(page, "gemuteerd.xml")
    with page.expect_download() as info:
        article.locator("button.retour").click()
    download = info.value
    assert download.suggested_filename == "gemuteerd.302.xml"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    result = Validator().validate_path(target)
    assert result.xsd_valid and result.message.nummer == "302"
    codes = etree.parse(str(target)).xpath("//*[local-name()='RetourCode']/text()")
    assert "0001" in codes


def test_download_is_valid_against_the_published_xsd(page, reference, tmp_path):
    drop(page, [(GELDIG.name, GELDIG.read_bytes())])
    with page.expect_download() as info:
        card(page, GELDIG.name).locator("button.retour").click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    assert reference.published_xsd_verdict(target.read_bytes(), "ijw", "JW302.xsd")


@pytest.mark.parametrize("name, code", [("xxe-extern-bestand.xml", "XML002"), ("billion-laughs.xml", "XML002"),
                                        ("utf16.xml", "XML004"), ("geen-istandaard.xml", "MSG001")])
def test_hostile_file_is_refused_in_dutch_and_the_page_goes_on(page, name, code):
    drop(page, [(name, (FIXTURES / "invoer" / name).read_bytes())])
    article = card(page, name)
    alert = article.locator("[role=alert]")
    assert "GEWEIGERD" in article.inner_text() and code in alert.inner_text()
    assert "niet gecontroleerd" in alert.inner_text()
    drop(page, [(GELDIG.name, GELDIG.read_bytes())])
    assert card(page, GELDIG.name).locator("[data-oordeel]").inner_text() == "GELDIG"


def test_bsn_is_shown_only_on_request(page):
    bsn = etree.parse(str(GELDIG)).findtext(".//{*}Client/{*}Bsn")
    drop(page, [(GELDIG.name, GELDIG.read_bytes())])
    article = card(page, GELDIG.name)
    value = article.locator(".bsn")
    assert value.inner_text() == "*******" + bsn[-2:]
    assert bsn not in page.content()
    article.get_by_role("button", name="Toon het volledige BSN").click()
    assert value.inner_text() == bsn


def test_paste_xml(page):
    page.get_by_label("Of plak de XML van een bericht").fill(GELDIG.read_text(encoding="utf-8"))
    page.get_by_role("button", name="Controleer geplakte XML").click()
    # A textarea turns CR/LF into LF: XML006 is a warning, the message stays GELDIG.
    article = card(page, "geplakt.xml")
    assert article.locator("[data-oordeel]").inner_text() == "GELDIG"
    assert "XML006" in article.inner_text()


def test_keyboard_only_choose_a_finding_and_explain(page):
    fout, _ = mutated_bsn(GELDIG.read_bytes())
    page.set_input_files("#bestanden", files=[{"name": "toetsenbord.xml", "mimeType": "application/xml", "buffer": fout}])
    article = card(page, "toetsenbord.xml")
    for _ in range(60):  # Tab through the page until the finding's button has the focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('toon-element')"):
            break
    else:
        pytest.fail("the finding's button cannot be reached with Tab")
    page.keyboard.press("Enter")
    assert article.locator("li.markeer").get_attribute("data-path") == "/Bericht/Client/Bsn"
    # The focus went to the element in the tree; one step back is the finding's Uitleg button.
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Uitleg bij CS002"
    page.keyboard.press("Enter")
    assert article.get_by_role("button", name="Uitleg bij CS002").get_attribute("aria-expanded") == "true"
    article.locator(".uitleg").get_by_text("CS002 —").wait_for()


def test_every_control_is_labelled(page):
    drop(page, [(GELDIG.name, GELDIG.read_bytes())])
    card(page, GELDIG.name)
    unlabelled = page.evaluate("""() => [...document.querySelectorAll('button, input, textarea, select, a')]
        .filter(e => !(e.getAttribute('aria-label') || (e.labels && e.labels.length) || e.textContent.trim()))
        .map(e => e.outerHTML)""")
    assert unlabelled == []
    assert page.locator("html").get_attribute("lang") == "nl"


def test_regional_verdict_and_opslaan_with_db(browser, store_url, tmp_path, request, tmp_path_factory):
    """With --config and --db: the GRJR verdict per product on the page, and "Opslaan" through the
    page's CSRF token stores the message once (export gives the same bytes back)."""
    running = Server(tmp_path, "--config", str(FIXTURES / "regio" / "grjr.toml"), "--db", store_url)
    try:
        context, page, problems = open_page(browser, running.url)
        drop(page, [(GELDIG.name, GELDIG.read_bytes())])
        article = card(page, GELDIG.name)
        assert "niveau 1-4 gecontroleerd" in article.inner_text()
        assert "Regionaal oordeel GRJR" in article.inner_text()
        assert article.locator("td.regio-oordeel").all_inner_texts() == ["AKKOORD"]
        article.get_by_role("button", name="Opslaan").click()
        article.get_by_text("Opgeslagen (").wait_for()
        article.get_by_role("button", name="Opslaan").click()
        article.get_by_text("Al eerder opgeslagen.").wait_for()
        screenshot(page, request, tmp_path_factory)
        context.close()
        assert problems == []
    finally:
        running.stop()
    done = subprocess.run([sys.executable, str(PROJECT / "cli.py"), "export", "--identificatie", "DEMO-0001",
                           "--db", store_url], capture_output=True, timeout=120)
    assert done.stdout == GELDIG.read_bytes()
