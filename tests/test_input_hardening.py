"""Hostile and odd input: every file gets a clear verdict, never a traceback, never the network."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from berichten.xmlinput import InputPolicy, read_document
from berichten.validators.pipeline import Validator

INVOER = Path(__file__).resolve().parent.parent / "fixtures" / "invoer"
DEMO = Path(__file__).resolve().parent.parent / "fixtures" / "demo"


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator()


# file, well_formed, xsd_valid, the codes expected among the findings
CASES = [
    ("bom-utf8.xml", True, True, {"XML005"}),
    ("latin1-gedeclareerd.xml", True, True, {"XML004"}),
    ("utf16.xml", True, True, {"XML004"}),
    ("xxe-extern-bestand.xml", True, False, {"XML002", "XSD001"}),
    ("xxe-netwerk.xml", True, False, {"XML002", "XSD001"}),
    ("billion-laughs.xml", False, None, {"XML002", "XML001"}),
    ("doctype-zonder-entiteiten.xml", True, True, {"XML002"}),
    ("leeg.xml", False, None, {"XML007"}),
    ("binair.xml", False, None, {"XML007"}),
    ("geen-istandaard.xml", True, False, {"MSG001"}),
    ("andere-release-3-1.xml", True, False, {"MSG002"}),
    ("verkeerde-berichtcode.xml", True, False, {"XSD001"}),
    ("bsn-acht-cijfers.xml", True, False, {"XSD001"}),
]


@pytest.mark.parametrize(("name", "well_formed", "xsd_valid", "codes"), CASES, ids=[c[0] for c in CASES])
def test_hostile_and_odd_files_get_a_clear_verdict(validator, name, well_formed, xsd_valid, codes):
    result = validator.validate_path(INVOER / name)
    assert result.well_formed is well_formed
    assert result.xsd_valid is xsd_valid
    assert codes <= {f.code for f in result.findings}
    assert not result.ok


def test_lf_line_endings_are_only_a_warning(validator):
    result = validator.validate_path(INVOER / "regeleinden-lf.xml")
    assert result.ok
    assert [(f.code, f.severity) for f in result.findings] == [("XML006", "warning")]


def test_policy_can_silence_or_harden_file_checks():
    data = (INVOER / "bom-utf8.xml").read_bytes()
    assert read_document(data, InputPolicy(bom="ignore")).findings == []
    assert [f.severity for f in read_document(data, InputPolicy(bom="warning")).findings] == ["warning"]
    lf = (INVOER / "regeleinden-lf.xml").read_bytes()
    assert [f.severity for f in read_document(lf, InputPolicy(line_endings="error")).findings] == ["error"]


def test_size_limit_is_checked_before_reading(tmp_path):
    big = tmp_path / "groot.xml"
    big.write_bytes((DEMO / "jw301-toewijzing-geldig.xml").read_bytes())
    result = Validator(policy=InputPolicy(max_bytes=1000)).validate_path(big)
    assert [f.code for f in result.findings] == ["XML003"]
    assert result.xsd_valid is None


def test_external_entity_never_reads_the_file(tmp_path, validator):
    secret = tmp_path / "geheim.txt"
    secret.write_text("GEHEIM-7731")
    data = (INVOER / "xxe-extern-bestand.xml").read_bytes().replace(b"file:///etc/passwd", secret.as_uri().encode())
    result = validator.validate_bytes(data)
    assert "GEHEIM-7731" not in repr(result.findings)
    assert "GEHEIM-7731".encode() not in b"".join(t.encode() for t in result.document.root.itertext())


def test_external_entity_never_touches_the_network(validator):
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        server.settimeout(0.3)
        port = server.getsockname()[1]
        data = (INVOER / "xxe-netwerk.xml").read_bytes().replace(b"127.0.0.1:9", f"127.0.0.1:{port}".encode())
        result = validator.validate_bytes(data)
        assert "XML002" in {f.code for f in result.findings}
        with pytest.raises(socket.timeout):
            server.accept()


@pytest.mark.parametrize("cut", [1, 50, 400, 1200, 2000])
def test_truncated_messages_are_not_well_formed(validator, cut):
    data = (DEMO / "jw301-toewijzing-geldig.xml").read_bytes()[:cut]
    result = validator.validate_bytes(data)
    assert result.well_formed is False
    assert {f.code for f in result.findings} & {"XML001", "XML007"}


def test_bsn_is_masked_in_xsd_findings(validator):
    result = validator.validate_path(INVOER / "bsn-acht-cijfers.xml")
    assert "99900001" not in repr(result.findings)
