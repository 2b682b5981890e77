"""The JSON API of ``berichten serve`` through Starlette's test client, against the real CLI.

The oracle for every answer is the CLI itself, run as a subprocess on the same file: the API must
print byte for byte what ``validate --format jsonl`` prints, and hand out the retour ``berichten
retour`` writes.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import re
import tempfile
import warnings
from http.client import HTTPConnection
from pathlib import Path

import pytest
from lxml import etree
with warnings.catch_warnings():  # Starlette 1.x suggests httpx2 for its test client; httpx works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from tests.conftest import FIXTURES, PROJECT
from berichten.validators.catalog import lookup
from berichten.validators.pipeline import Validator
from berichten.web import ServeSettings, create_app
from berichten.web.security import CSRF_COOKIE
from berichten.web.service import Service

BERICHTEN = [sys.executable, str(PROJECT / "cli.py")]

# Files the API answers with a verdict (200), like the CLI: valid, level-1 XSD errors, level 2.
ANSWERED = [
    "demo/jw301-toewijzing-geldig.xml",
    "demo/jw301-bsn-faalt-11-proef.xml",
    "demo/jw301-ingangsdatum-geen-datum.xml",
    "invoer/bom-utf8.xml",
    "invoer/regeleinden-lf.xml",
    "invoer/bsn-acht-cijfers.xml",
    "invoer/verkeerde-berichtcode.xml",
]
# Files that are not a message we can check: a 4xx JSON error with the code, never a verdict.
REFUSED = [
    ("demo/jw301-afgebroken.xml", 422, "XML001"),
    ("invoer/xxe-extern-bestand.xml", 422, "XML002"),
    ("invoer/xxe-netwerk.xml", 422, "XML002"),
    ("invoer/billion-laughs.xml", 422, "XML002"),
    ("invoer/doctype-zonder-entiteiten.xml", 422, "XML002"),
    ("invoer/utf16.xml", 422, "XML004"),
    ("invoer/latin1-gedeclareerd.xml", 422, "XML004"),
    ("invoer/binair.xml", 422, "XML007"),
    ("invoer/leeg.xml", 422, "XML007"),
    ("invoer/geen-istandaard.xml", 422, "MSG001"),
    ("invoer/andere-release-3-1.xml", 422, "MSG002"),
]


def cli(*args: str, cwd: Path = PROJECT) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([*BERICHTEN, *args], cwd=cwd, capture_output=True, timeout=120)


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(ServeSettings())) as c:
        yield c


def post_xml(client: TestClient, url: str, data: bytes, name: str, **headers: str):
    return client.post(url, params={"file": name}, content=data, headers={"content-type": "application/xml", **headers})


def test_validate_answers_byte_for_byte_what_the_cli_prints(client):
    names = [f"fixtures/{name}" for name in ANSWERED]
    expected = cli("validate", "--format", "jsonl", *names).stdout
    lines = b"".join(post_xml(client, "/api/validate", (PROJECT / n).read_bytes(), n).content for n in names)
    assert lines == expected
    # One multipart request with all files: the same lines, in input order.
    files = [("bestand", (n, (PROJECT / n).read_bytes(), "application/xml")) for n in names]
    response = client.post("/api/validate", files=files)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    assert response.content == expected


def test_validate_matches_the_cli_on_every_published_sample(client, reference):
    samples = [p for std in ("ijw", "iwmo") for p in reference.samples(std) if p.name != "README.md"]
    for sample in samples:
        expected = cli("validate", "--format", "jsonl", str(sample)).stdout
        response = post_xml(client, "/api/validate", sample.read_bytes(), str(sample))
        if response.status_code == 200:
            assert response.content == expected, sample.name
        else:  # refused: the CLI's line carries the same refusing code
            code = response.json()["fouten"][0]["code"]
            assert code in {f["code"] for f in json.loads(expected)["findings"]}, sample.name


@pytest.mark.parametrize("name, status, code", REFUSED)
def test_bad_input_gets_a_dutch_4xx_and_the_server_goes_on(client, name, status, code):
    response = post_xml(client, "/api/validate", (FIXTURES / name).read_bytes(), name)
    assert response.status_code == status
    [fout] = response.json()["fouten"]
    assert (fout["code"], fout["file"]) == (code, name)
    assert fout["melding"] and "Traceback" not in fout["melding"]
    # The page's own route says the same, and the next request is served as usual.
    assert post_xml(client, "/api/analyse", (FIXTURES / name).read_bytes(), name).json()["fouten"][0]["code"] == code
    ok = post_xml(client, "/api/validate", (FIXTURES / ANSWERED[0]).read_bytes(), "x.xml")
    assert ok.status_code == 200


def test_a_file_above_max_bytes_is_413_raw_and_multipart():
    data = (FIXTURES / ANSWERED[0]).read_bytes()
    with TestClient(create_app(ServeSettings(max_bytes=len(data) - 1))) as small:
        raw = post_xml(small, "/api/validate", data, "groot.xml")
        assert raw.status_code == 413 and raw.json()["fouten"][0]["code"] == "XML003"
        multi = small.post("/api/validate", files=[("bestand", ("groot.xml", data, "application/xml"))])
        assert multi.status_code == 413 and multi.json()["fouten"][0]["file"] == "groot.xml"
        assert post_xml(small, "/api/validate", data[:200], "klein.xml").status_code == 422  # still serving


@pytest.mark.parametrize("kwargs, status, code", [
    ({"content": b"{}", "headers": {"content-type": "application/json"}}, 415, "HTTP415"),
    ({"data": {"veld": "geen bestand"}, "files": {}}, 400, "HTTP400"),
    ({"content": b"--x\r\nrommel", "headers": {"content-type": "multipart/form-data; boundary=x"}}, 400, "HTTP400"),
])
def test_malformed_requests(client, kwargs, status, code):
    if "data" in kwargs:  # a form without files
        response = client.post("/api/validate", data=kwargs["data"],
                               headers={"content-type": "multipart/form-data; boundary=b"})
    else:
        response = client.post("/api/validate", **kwargs)
    assert response.status_code == status
    assert response.json()["fouten"][0]["code"] == code


def test_rules_are_the_objects_of_rules_jsonl(client):
    expected = [json.loads(line) for line in cli("rules", "--format", "jsonl").stdout.splitlines()]
    assert client.get("/api/rules").json() == expected
    only = [json.loads(line) for line in cli("rules", "--format", "jsonl", "--bericht", "305", "--niveau", "2").stdout.splitlines()]
    assert client.get("/api/rules", params={"bericht": "305", "niveau": "2"}).json() == only


@pytest.mark.parametrize("code", ["CS002", "TR302", "XML002", "GRJR-FLEX-001"])
def test_explain(client, code):
    info = lookup(code)
    data = client.get(f"/api/explain/{code}").json()
    assert (data["code"], data["melding"], data["niveau"], data["retourcode"]) == (info.code, info.melding, info.niveau, info.retourcode)
    assert data["uitleg"] == info.uitleg


def test_explain_unknown_code_is_404(client):
    response = client.get("/api/explain/GEEN-CODE")
    assert response.status_code == 404 and response.json()["fouten"][0]["code"] == "ONBEKEND"


def test_openapi_describes_the_endpoints(client):
    schema = client.get("/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/validate", "/api/rules", "/api/explain/{code}"} <= set(schema["paths"])
    assert "application/x-ndjson" in schema["paths"]["/api/validate"]["post"]["responses"]["200"]["content"]
    assert "/api/opslaan" not in schema["paths"]  # only offered with --db


def _retour_cases() -> list[str]:
    return ["fixtures/demo/jw301-toewijzing-geldig.xml", "fixtures/demo/jw301-bsn-faalt-11-proef.xml"]


@pytest.mark.parametrize("name", _retour_cases())
def test_retour_is_the_cli_retour(client, name, tmp_path):
    data = (PROJECT / name).read_bytes()
    response = post_xml(client, "/api/retour", data, name)
    assert response.status_code == 200
    assert response.headers["content-disposition"] == f'attachment; filename="{Path(name).stem}.302.xml"'
    assert response.content == cli("retour", name).stdout
    assert Validator().validate_bytes(response.content).xsd_valid


def test_retour_of_every_answerable_sample(client, reference):
    """302/306/308/316/318/320/325: the same bytes as the CLI, valid against the published XSD."""
    seen = set()
    for std, prefix in (("ijw", "JW"), ("iwmo", "WMO")):
        for sample in reference.samples(std, include_invalid=False):
            response = post_xml(client, "/api/retour", sample.read_bytes(), sample.name)
            if response.status_code != 200:
                continue
            nummer = response.headers["content-disposition"].rsplit(".", 2)[-2]
            seen.add(nummer)
            assert response.content == cli("retour", str(sample)).stdout, sample.name
            assert reference.published_xsd_verdict(response.content, std, f"{prefix}{nummer}.xsd"), sample.name
    assert seen == {"302", "306", "308", "316", "318", "320", "325"}


def test_no_retour_for_a_retour_message(client, reference):
    sample = reference.samples("ijw", include_invalid=False)[1]  # JW302.xml
    response = post_xml(client, "/api/retour", sample.read_bytes(), sample.name)
    assert response.status_code == 422 and response.json()["fouten"][0]["code"] == "RETOUR"


def test_the_tree_masks_the_bsn_and_uses_the_finding_paths(client):
    name = "fixtures/demo/jw301-bsn-faalt-11-proef.xml"
    data = post_xml(client, "/api/analyse", (PROJECT / name).read_bytes(), name).json()
    paths = {}

    def walk(node):
        paths[node["p"]] = node
        for child in node.get("c", []):
            walk(child)

    walk(data["boom"])
    bsn = etree.fromstring((PROJECT / name).read_bytes()).findtext(".//{*}Client/{*}Bsn")
    node = paths["/Bericht/Client/Bsn"]
    assert node["t"] == "*******" + bsn[-2:] and node["bsn"] == bsn
    assert all(f["locatie"] in paths for f in data["resultaat"]["findings"])
    assert data["retour"] == "302" and data["geldig"] is False


def test_security_headers_on_every_response(client):
    for response in (client.get("/"), client.get("/static/app.js"), client.get("/api/rules"), client.get("/nergens")):
        csp = response.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert response.headers["x-content-type-options"] == "nosniff"


def test_token_is_checked_on_every_request():
    with TestClient(create_app(ServeSettings(token="geheim-token"))) as c:
        for path in ("/", "/static/app.css", "/api/rules", "/openapi.json"):
            assert c.get(path).status_code == 401, path
        assert c.get("/api/rules", headers={"authorization": "Bearer fout"}).status_code == 401
        assert c.get("/api/rules", headers={"authorization": "Bearer geheim-token"}).status_code == 200
        login = c.get("/?token=geheim-token", follow_redirects=False)
        assert login.status_code == 303 and login.headers["location"] == "/"
        assert c.get("/api/rules").status_code == 200  # the cookie from the login


def test_serve_refuses_another_address_without_a_token(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run([*BERICHTEN, "serve", "--host", "0.0.0.0", "--port", "0"], cwd=PROJECT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "BERICHTEN_SERVE_TOKEN" in done.stderr


def test_access_log_has_no_bsn_and_no_query(client, caplog):
    with caplog.at_level(logging.INFO, logger="berichten.serve"):
        client.get("/api/explain/999999990", params={"token": "x"})
    [line] = [r.getMessage() for r in caplog.records if r.name == "berichten.serve"]
    assert "999999990" not in line and "*******90" in line and "token" not in line


def test_nothing_is_written_without_db(tmp_path, monkeypatch):
    """Not even a spooled upload: a 3 MB multipart file stays in memory."""
    spool = tmp_path / "tmp"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))
    monkeypatch.chdir(tmp_path)
    data = (FIXTURES / ANSWERED[0]).read_bytes()
    big = data + b"<!--" + b"x" * 3_000_000 + b"-->"
    with TestClient(create_app(ServeSettings())) as c:
        assert c.post("/api/validate", files=[("bestand", ("groot.xml", big, "application/xml"))]).status_code == 200
        assert c.post("/api/opslaan", params={"file": "a.xml"}, content=data).status_code == 404
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["tmp"]


def test_regional_verdict_is_the_check_verdict(tmp_path):
    config = FIXTURES / "regio" / "grjr.toml"
    name = "fixtures/demo/jw301-toewijzing-geldig.xml"
    expected = [json.loads(line) for line in cli("check", name, "--config", str(config), "--format", "jsonl").stdout.splitlines()]
    with TestClient(create_app(ServeSettings(configs=(str(config),)))) as c:
        [regio] = post_xml(c, "/api/analyse", (PROJECT / name).read_bytes(), name).json()["regionaal"]
    assert regio["regio"] == "grjr"
    assert [{k: v for k, v in o.items() if k != "client"} for o in regio["oordelen"]] == expected
    assert all(o["client"].startswith("*******") for o in regio["oordelen"])


def test_opslaan_needs_the_csrf_token_and_stores_once(store_url):
    name = "fixtures/demo/jw301-toewijzing-geldig.xml"
    data = (PROJECT / name).read_bytes()
    with TestClient(create_app(ServeSettings(db_url=store_url))) as c:
        assert post_xml(c, "/api/opslaan", data, name).status_code == 403  # no page, no token
        page = c.get("/")
        token = json.loads(etree.HTML(page.text).find(".//body").get("data-config"))["csrf"]
        assert c.cookies.get(CSRF_COOKIE) == token
        assert post_xml(c, "/api/opslaan", data, name, **{"x-csrf-token": "fout"}).status_code == 403
        first = post_xml(c, "/api/opslaan", data, name, **{"x-csrf-token": token})
        assert first.status_code == 200 and first.json()["id"] is not None
        again = post_xml(c, "/api/opslaan", data, name, **{"x-csrf-token": token})
        assert again.json()["status"] == "al aanwezig"
        assert "/api/opslaan" in c.get("/openapi.json").json()["paths"]
    exported = cli("export", "--id", str(first.json()["id"]), "--db", store_url).stdout
    assert exported == data


def geldig_bytes() -> bytes:
    return (FIXTURES / ANSWERED[0]).read_bytes()


def test_an_unexpected_error_is_a_dutch_500_and_the_server_goes_on(monkeypatch):
    service = Service(ServeSettings())

    def broken(upload):
        raise RuntimeError("kapot")

    monkeypatch.setattr(service, "analyse", broken)
    with TestClient(create_app(ServeSettings(), service), raise_server_exceptions=False) as c:
        response = post_xml(c, "/api/analyse", geldig_bytes(), "a.xml")
        assert response.status_code == 500
        assert response.json()["fouten"][0]["code"] == "HTTP500" and "kapot" not in response.text
        assert post_xml(c, "/api/validate", geldig_bytes(), "a.xml").status_code == 200


def test_level3_runs_with_db(store_url):
    with TestClient(create_app(ServeSettings(db_url=store_url))) as c:
        data = post_xml(c, "/api/analyse", geldig_bytes(), "a.xml").json()
        assert 3 in data["resultaat"]["niveaus"] and data["opslaan"] is True
        name = f"fixtures/{ANSWERED[0]}"
        line = post_xml(c, "/api/validate", geldig_bytes(), name).content
    assert line == cli("validate", "--format", "jsonl", "--db", store_url, name).stdout


def test_real_server_on_another_address_checks_the_token(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "BERICHTEN_SERVE_TOKEN": "t0k3n-voor-test"}
    proc = subprocess.Popen([*BERICHTEN, "serve", "--host", "0.0.0.0", "--port", "0"], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        port = int(re.search(r":(\d+)/", proc.stdout.readline()).group(1))
        for headers, status in (({}, 401), ({"Authorization": "Bearer fout"}, 401),
                                ({"Authorization": "Bearer t0k3n-voor-test"}, 200)):
            connection = HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", "/api/rules?bericht=301", headers=headers)
            assert connection.getresponse().status == status
            connection.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert "t0k3n-voor-test" not in proc.stderr.read()
    assert list(tmp_path.iterdir()) == []


def test_concurrent_requests_on_the_real_server_each_get_their_own_answer(tmp_path):
    """200 requests from 50 threads, small and large (worker thread) messages with different
    findings mixed: every answer is the CLI's line for that file (no error log shared between them)."""
    big = tmp_path / "groot.xml"
    big.write_bytes((FIXTURES / "demo/jw301-ingangsdatum-geen-datum.xml").read_bytes() + b"<!--" + b"x" * 100_000 + b"-->")
    files = [str(FIXTURES / name) for name in ANSWERED[:4]] + [str(big)]
    expected = dict(zip(files, cli("validate", "--format", "jsonl", *files).stdout.splitlines(keepends=True)))
    proc = subprocess.Popen([*BERICHTEN, "serve", "--port", "0"], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    try:
        port = int(re.search(r":(\d+)/", proc.stdout.readline()).group(1))

        def one(i: int) -> bool:
            name = files[i % len(files)]
            connection = HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request("POST", f"/api/validate?file={name}", body=Path(name).read_bytes(),
                               headers={"content-type": "application/xml"})
            response = connection.getresponse()
            ok = response.status == 200 and response.read() == expected[name]
            connection.close()
            return ok

        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=50) as pool:
            results = list(pool.map(one, range(200)))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert results.count(True) == 200
