"""Which standards, releases and message types berichten knows, as data.

Everything that differs per release (namespaces, BerichtCodes, schema file names, the XsdVersie
values written into generated messages) lives here, so a next release is one more entry in
``RELEASES`` and not a hunt through the code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Standaard = Literal["ijw", "iwmo"]

# Heen message -> its retour message. 315 is answered with 316, and so on.
RETOUR_VAN: dict[str, str] = {
    "301": "302",
    "305": "306",
    "307": "308",
    "315": "316",
    "317": "318",
    "319": "320",
}

_NAMESPACE_RE = re.compile(
    r"^http://www\.istandaarden\.nl/(?P<standaard>ijw|iwmo)/(?P<major>\d+)_(?P<minor>\d+)/"
    r"(?P<prefix>jw|wmo)(?P<nummer>\d{3})/schema$"
)


@dataclass(frozen=True)
class MessageType:
    """One message of one release, e.g. iJw 3.2 301 (BerichtCode 436)."""

    standaard: Standaard
    release: str
    nummer: str
    berichtcode: str
    namespace: str
    prefix: str  # the prefix the published samples use for the message namespace, e.g. "jw301"
    schema_file: str  # file name of the message schema, e.g. "JW301.xsd"

    @property
    def is_retour(self) -> bool:
        return self.nummer in RETOUR_VAN.values()

    @property
    def key(self) -> str:
        """Short name used in file names and logs: ``ijw-3.2/301``."""
        return f"{self.standaard}-{self.release}/{self.nummer}"


@dataclass(frozen=True)
class Release:
    """One release of one standard (iJw 3.2, iWmo 3.2, ...)."""

    standaard: Standaard
    release: str
    basis_namespace: str
    basis_prefix: str
    # The versions written into XsdVersie of generated messages. The iJw 3.2 schemas say 0.1.0 in
    # their appinfo while the published iJw samples say 1.0.0; see docs/decisions.md.
    basisschema_xsd_versie: str
    bericht_xsd_versie: str
    berichtcodes: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.standaard}-{self.release}"

    def message(self, nummer: str) -> MessageType:
        try:
            code = self.berichtcodes[nummer]
        except KeyError:
            raise KeyError(f"{self.key} kent geen bericht {nummer}") from None
        prefix = ("jw" if self.standaard == "ijw" else "wmo") + nummer
        major, minor = self.release.split(".")
        namespace = f"http://www.istandaarden.nl/{self.standaard}/{major}_{minor}/{prefix}/schema"
        return MessageType(
            standaard=self.standaard,
            release=self.release,
            nummer=nummer,
            berichtcode=code,
            namespace=namespace,
            prefix=prefix,
            schema_file=prefix.upper() + ".xsd",
        )

    def messages(self) -> list[MessageType]:
        return [self.message(n) for n in self.berichtcodes]


IJW_3_2 = Release(
    standaard="ijw",
    release="3.2",
    basis_namespace="http://www.istandaarden.nl/ijw/3_2/basisschema/schema",
    basis_prefix="ijw",
    basisschema_xsd_versie="1.0.0",
    bericht_xsd_versie="1.0.0",
    berichtcodes={
        "301": "436", "302": "437", "305": "438", "306": "439", "307": "440", "308": "441",
        "315": "446", "316": "447", "317": "486", "318": "487", "319": "488", "320": "489",
        "323": "490", "325": "491",
    },
)

IWMO_3_2 = Release(
    standaard="iwmo",
    release="3.2",
    basis_namespace="http://www.istandaarden.nl/iwmo/3_2/basisschema/schema",
    basis_prefix="iwmo",
    basisschema_xsd_versie="1.0.0",
    bericht_xsd_versie="1.0.0",
    berichtcodes={
        "301": "414", "302": "415", "305": "418", "306": "419", "307": "420", "308": "421",
        "315": "444", "316": "445", "317": "480", "318": "481", "319": "482", "320": "483",
        "323": "484", "325": "485",
    },
)

RELEASES: dict[tuple[str, str], Release] = {
    (r.standaard, r.release): r for r in (IJW_3_2, IWMO_3_2)
}
DEFAULT_RELEASE = "3.2"


def get_release(standaard: str, release: str = DEFAULT_RELEASE) -> Release:
    try:
        return RELEASES[(standaard, release)]
    except KeyError:
        raise KeyError(f"release {standaard} {release} wordt niet ondersteund") from None


@dataclass(frozen=True)
class NamespaceMatch:
    """What a root namespace says, also for releases or messages we do not support."""

    standaard: Standaard
    release: str
    nummer: str
    message: MessageType | None  # None when the release or message number is unknown to us


def match_namespace(namespace: str | None) -> NamespaceMatch | None:
    """Recognise an iStandaarden message namespace; None when it is not one at all."""
    if not namespace:
        return None
    m = _NAMESPACE_RE.match(namespace)
    if not m or (m["standaard"] == "ijw") != (m["prefix"] == "jw"):
        return None
    release = f"{m['major']}.{m['minor']}"
    standaard: Standaard = m["standaard"]  # type: ignore[assignment]
    rel = RELEASES.get((standaard, release))
    message = rel.message(m["nummer"]) if rel and m["nummer"] in rel.berichtcodes else None
    return NamespaceMatch(standaard, release, m["nummer"], message)


def message_for_namespace(namespace: str) -> MessageType | None:
    found = match_namespace(namespace)
    return found.message if found else None
