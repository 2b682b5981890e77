"""The OpenAPI 3.1 description served at /openapi.json, written out rather than generated.

Starlette's SchemaGenerator reads YAML from docstrings; writing the few routes down as data
keeps the schema next to the answers it describes and needs no YAML parser.
"""

from __future__ import annotations

from typing import Any

_FINDING = {
    "type": "object",
    "required": ["code", "niveau", "severity", "retourcode", "locatie", "melding"],
    "properties": {
        "code": {"type": "string", "examples": ["CS002"]},
        "niveau": {"oneOf": [{"type": "integer", "enum": [1, 2, 3, 4]}, {"type": "string", "enum": ["regionaal"]}]},
        "severity": {"type": "string", "enum": ["error", "warning", "info"]},
        "retourcode": {"type": ["string", "null"]},
        "locatie": {"type": ["string", "null"], "examples": ["/Bericht/Client/Bsn"]},
        "melding": {"type": "string", "description": "Dutch message for the user"},
    },
}
_RESULT = {
    "type": "object",
    "description": "One line of `berichten validate --format jsonl`, byte for byte.",
    "required": ["file", "standaard", "bericht", "well_formed", "xsd_valid", "findings", "niveaus"],
    "properties": {
        "file": {"type": "string"},
        "standaard": {"type": ["string", "null"], "enum": ["ijw", "iwmo", None]},
        "bericht": {"type": ["string", "null"], "examples": ["301"]},
        "well_formed": {"type": "boolean"},
        "xsd_valid": {"type": ["boolean", "null"]},
        "findings": {"type": "array", "items": {"$ref": "#/components/schemas/Finding"}},
        "niveaus": {"type": "array", "items": {"type": "integer"}, "description": "control levels that ran"},
    },
}
_ERRORS = {
    "type": "object",
    "required": ["fouten"],
    "properties": {"fouten": {"type": "array", "items": {
        "type": "object", "required": ["file", "code", "melding"],
        "properties": {"file": {"type": ["string", "null"]}, "code": {"type": "string"},
                       "melding": {"type": "string", "description": "Dutch"}}}}},
}
_RULE = {
    "type": "object",
    "description": "One line of `berichten rules --format jsonl`.",
    "properties": {
        "code": {"type": "string"}, "niveau": {"type": ["integer", "string"]},
        "retourcode": {"type": ["string", "null"]},
        "berichten": {"type": "array", "items": {"type": "string"}},
        "standaarden": {"type": "array", "items": {"type": "string"}}, "melding": {"type": "string"},
    },
}


def _err(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Fouten"}}}}


_MESSAGE_BODY = {
    "required": True,
    "content": {
        "application/xml": {"schema": {"type": "string", "format": "binary"}},
        "multipart/form-data": {"schema": {"type": "object", "properties": {
            "bestand": {"type": "array", "items": {"type": "string", "format": "binary"}}}}},
    },
}
_FILE_PARAM = {"name": "file", "in": "query", "required": False, "schema": {"type": "string"},
               "description": "Name put in `file` for a raw XML body (multipart uses the part's filename)."}
_INPUT_ERRORS = {
    "400": _err("Broken multipart body or no file in the form"),
    "401": _err("Token missing or wrong (BERICHTEN_SERVE_TOKEN)"),
    "413": _err("A file above --max-bytes (code XML003) or a body above the request limit"),
    "415": _err("Content type other than XML or multipart/form-data"),
    "422": _err("Not a message that can be checked: not XML (XML001), DOCTYPE/entities (XML002), "
                "wrong encoding (XML004), empty or binary (XML007), unknown or unsupported type (MSG001/MSG002)"),
}


def openapi_schema(with_store: bool) -> dict[str, Any]:
    paths: dict[str, Any] = {
        "/api/validate": {"post": {
            "summary": "Validate one or more messages (levels 1, 2 and 4; 3 with --db)",
            "parameters": [_FILE_PARAM],
            "requestBody": _MESSAGE_BODY,
            "responses": {"200": {"description": "One JSON object per file and line, in input order",
                                  "content": {"application/x-ndjson": {"schema": {"$ref": "#/components/schemas/Resultaat"}}}},
                          **_INPUT_ERRORS},
        }},
        "/api/rules": {"get": {
            "summary": "The rules and codes berichten checks",
            "parameters": [
                {"name": "standaard", "in": "query", "schema": {"type": "string", "enum": ["ijw", "iwmo"]}},
                {"name": "bericht", "in": "query", "schema": {"type": "string"}, "example": "301"},
                {"name": "niveau", "in": "query", "schema": {"type": "string", "enum": ["1", "2", "3", "4", "regionaal"]}},
                {"name": "regio", "in": "query", "schema": {"type": "string", "enum": ["1", "true", "ja"]}},
            ],
            "responses": {"200": {"description": "Array of rules", "content": {"application/json": {
                "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Regel"}}}}}},
        }},
        "/api/explain/{code}": {"get": {
            "summary": "One rule or code explained (Dutch)",
            "parameters": [{"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "The rule: melding, niveau, retourcode, uitleg, elementen",
                                  "content": {"application/json": {"schema": {"type": "object"}}}},
                          "404": _err("Unknown code")},
        }},
        "/api/analyse": {"post": {
            "summary": "For the page: verdict, message tree (Bsn masked), retour available, regional verdicts",
            "parameters": [_FILE_PARAM], "requestBody": _MESSAGE_BODY,
            "responses": {"200": {"description": "Analysis of one file",
                                  "content": {"application/json": {"schema": {"type": "object"}}}}, **_INPUT_ERRORS},
        }},
        "/api/retour": {"post": {
            "summary": "The retour message `berichten retour` would write (302/306/308/316/318/320/325)",
            "parameters": [_FILE_PARAM], "requestBody": _MESSAGE_BODY,
            "responses": {"200": {"description": "The retour XML as an attachment",
                                  "content": {"application/xml": {"schema": {"type": "string"}}}}, **_INPUT_ERRORS},
        }},
    }
    if with_store:
        paths["/api/opslaan"] = {"post": {
            "summary": "Store one message (only with --db); needs the page's CSRF token in X-CSRF-Token",
            "parameters": [_FILE_PARAM], "requestBody": _MESSAGE_BODY,
            "responses": {"200": {"description": "Stored, rejected or already present",
                                  "content": {"application/json": {"schema": {"type": "object"}}}},
                          "403": _err("CSRF token missing or wrong"), **_INPUT_ERRORS},
        }}
    return {
        "openapi": "3.1.0",
        "info": {"title": "berichten serve", "version": "1",
                 "description": "Check iJw/iWmo 3.2 messages locally; nothing leaves the machine."},
        "paths": paths,
        "components": {"schemas": {"Finding": _FINDING, "Resultaat": _RESULT, "Fouten": _ERRORS, "Regel": _RULE},
                       "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}}},
    }
