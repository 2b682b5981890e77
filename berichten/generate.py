"""Build a message from a JSON description: the model's own JSON shape plus two envelope keys.

    {"standaard": "ijw", "bericht": "301", "header": {...}, "client": {...}}

Field names are the models' snake_case names (the XSD names are accepted too). Left out, these
are filled in from the release registry: BerichtCode, BerichtVersie (3), BerichtSubversie (2),
XsdVersie (and XsdVersieRetour for a retour, XsdVersieDeclaratie for a 325). Dagtekening (and
DagtekeningRetour) default to today; Identificatie must be given, and so must the whole
DeclaratieIdentificatie of a 325 (it names the 323 being answered). See docs/generate.md.

Bad input raises ``GenerateError`` with one Dutch line per problem, each naming the field as a
dot-separated path: ``client.toegewezen_producten.0.ingangsdatum: ongeldige datum '2026-02-30'``.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from berichten.errors import GenerateError
from berichten.release import DEFAULT_RELEASE, RELEASES, get_release

if TYPE_CHECKING:
    from berichten.models.shared import Bericht
    from berichten.validators.xsd import SchemaSet

# The models (pydantic) load on first use, so that ``import berichten`` stays cheap.

ENVELOPE = ("standaard", "bericht", "release")


def generate(data: dict[str, Any] | bytes | str, *, schemas: SchemaSet | None = None, today: dt.date | None = None) -> bytes:
    """JSON description -> message bytes (UTF-8, CR/LF, the samples' prefixes).

    With ``schemas`` the result is also checked against that XSD set; a problem there (which
    the models should already have caught) is raised as ``GenerateError`` as well.
    """
    from berichten.serialize import to_xml

    bericht = build(data, today=today)
    xml = to_xml(bericht)
    if schemas is not None:
        _check_xsd(xml, bericht, schemas)
    return xml


def build(data: dict[str, Any] | bytes | str, *, today: dt.date | None = None) -> Bericht:
    """JSON description -> model, with the registry defaults filled in."""
    from pydantic import ValidationError

    from berichten.models.meldingen import problemen

    doc = _load(data)
    cls = _message_class(doc)
    body = {k: v for k, v in doc.items() if k not in ENVELOPE}
    _fill_defaults(body, cls, today or dt.date.today())
    try:
        return cls.model_validate(body)
    except ValidationError as exc:
        raise GenerateError([p.regel() for p in problemen(cls, exc)]) from None


def describe(bericht: Bericht) -> dict[str, Any]:
    """The JSON description of a model: what ``generate`` takes to write this message again."""
    return {
        "standaard": bericht.standaard,
        "bericht": bericht.nummer,
        "release": bericht.release,
        **bericht.model_dump(mode="json", exclude_none=True),
    }


def json_schema(standaard: str, nummer: str, release: str = DEFAULT_RELEASE) -> dict[str, Any]:
    """The JSON schema of the input ``generate`` accepts for one message type.

    It is the model's own schema (``model_json_schema``, snake_case names) with the envelope
    keys added and the defaulted header fields made optional.
    """
    from berichten.models import message_class

    cls = message_class(standaard, nummer, release)
    schema = copy.deepcopy(cls.model_json_schema(by_alias=False))
    rel = get_release(standaard, release)
    major, minor = (int(p) for p in release.split("."))
    schema["title"] = f"{standaard} {release} bericht {nummer}"
    schema["properties"] = {
        "standaard": {"const": standaard, "description": "ijw of iwmo"},
        "bericht": {"const": nummer, "description": "berichtnummer, bijvoorbeeld 301"},
        "release": {"const": release, "default": DEFAULT_RELEASE},
        **schema["properties"],
    }
    schema["required"] = ["standaard", "bericht", *schema.get("required", [])]
    defs = schema.get("$defs", {})
    header_def = defs.get(cls.model_fields["header"].annotation.__name__, {})  # type: ignore[union-attr]
    xsd = {"basisschema_xsd_versie": rel.basisschema_xsd_versie, "bericht_xsd_versie": rel.bericht_xsd_versie}
    defaults: dict[str, Any] = {
        "bericht_code": cls.message_type().berichtcode,
        "bericht_versie": major,
        "bericht_subversie": minor,
        "xsd_versie": xsd,
        "xsd_versie_retour": xsd,
        "xsd_versie_declaratie": xsd,
        "dagtekening_retour": "vandaag",
    }
    _make_optional(header_def, defaults)
    _make_optional(defs.get("BerichtIdentificatie", {}), {"dagtekening": "vandaag"})
    return schema


def _make_optional(definition: dict[str, Any], defaults: dict[str, Any]) -> None:
    props = definition.get("properties", {})
    required = definition.get("required", [])
    for name, value in defaults.items():
        if name in props:
            if value == "vandaag":
                props[name]["description"] = "standaard: de datum van vandaag"
            else:
                props[name]["default"] = value
            if name in required:
                required.remove(name)


def _load(data: dict[str, Any] | bytes | str) -> dict[str, Any]:
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")  # JSON files are UTF-8; a BOM from an editor is harmless
        except UnicodeDecodeError:
            raise GenerateError(["invoer: geen UTF-8"]) from None
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            raise GenerateError([f"invoer: geen geldige JSON (regel {exc.lineno}, kolom {exc.colno})"]) from None
    if not isinstance(data, dict):
        raise GenerateError(["invoer: een JSON-object verwacht met standaard, bericht, header en client"])
    return copy.deepcopy(data)


def _message_class(doc: dict[str, Any]) -> type[Bericht]:
    from berichten.models import MESSAGE_CLASSES, message_class

    problems = []
    standaard = doc.get("standaard")
    release = str(doc.get("release", DEFAULT_RELEASE))
    nummer = doc.get("bericht")
    standaarden = sorted({s for s, _ in RELEASES})
    if standaard is None:
        problems.append(f"standaard: verplicht, maar ontbreekt ({' of '.join(standaarden)})")
    elif standaard not in standaarden:
        problems.append(f"standaard: onbekende standaard '{standaard}'; kies {' of '.join(standaarden)}")
    elif (standaard, release) not in RELEASES:
        problems.append(f"release: release '{release}' van {standaard} wordt niet ondersteund")
    if nummer is None:
        problems.append("bericht: verplicht, maar ontbreekt (berichtnummer, bijvoorbeeld \"301\")")
    if problems:
        raise GenerateError(problems)
    nummer = str(nummer)
    try:
        return message_class(str(standaard), nummer, release)
    except KeyError:
        known = sorted({n for s, r, n in MESSAGE_CLASSES if s == standaard and r == release})
        raise GenerateError([f"bericht: onbekend bericht '{nummer}'; mogelijk: {', '.join(known)}"]) from None


def _get(d: dict[str, Any], name: str) -> Any:
    """A value by snake_case name or XSD name (both are accepted as input)."""
    from berichten.models.base import xml_name

    return d.get(name, d.get(xml_name(name)))


def _has(d: dict[str, Any], name: str) -> bool:
    from berichten.models.base import xml_name

    return name in d or xml_name(name) in d


def _fill_defaults(body: dict[str, Any], cls: type[Bericht], today: dt.date) -> None:
    from berichten.models.shared import RetourHeader

    header = _get(body, "header")
    if not isinstance(header, dict):
        return  # validation reports the missing or malformed header
    mt = cls.message_type()
    rel = get_release(mt.standaard, mt.release)
    major, minor = (int(p) for p in mt.release.split("."))
    xsd = {"basisschema_xsd_versie": rel.basisschema_xsd_versie, "bericht_xsd_versie": rel.bericht_xsd_versie}
    defaults: dict[str, Any] = {"bericht_code": mt.berichtcode, "bericht_versie": major, "bericht_subversie": minor, "xsd_versie": xsd}
    header_cls = cls.model_fields["header"].annotation
    if isinstance(header_cls, type) and issubclass(header_cls, RetourHeader):
        defaults |= {"xsd_versie_retour": dict(xsd), "dagtekening_retour": today.isoformat()}
    if isinstance(header_cls, type) and "xsd_versie_declaratie" in header_cls.model_fields:
        defaults["xsd_versie_declaratie"] = dict(xsd)  # 325: the 323 was written against this release too
    for name, value in defaults.items():
        if not _has(header, name):
            header[name] = value
    ident = _get(header, "bericht_identificatie")
    if isinstance(ident, dict) and not _has(ident, "dagtekening"):
        ident["dagtekening"] = today.isoformat()


def _check_xsd(xml: bytes, bericht: Bericht, schemas: SchemaSet) -> None:
    from lxml import etree

    root = etree.fromstring(xml)
    findings = schemas.validate(root, bericht.message_type())
    if findings:
        raise GenerateError([f"{f.locatie or 'bericht'}: {f.melding}" for f in findings])
