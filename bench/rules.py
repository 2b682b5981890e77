"""Level-2 speed: our rule engine against the official rule XSLT, on the same files in one run.

    python bench/rules.py [--rounds 5]

Both sides parse the bytes (hardened parser) and validate against the published XSD; then one side
runs our rules and the other the official XSLT. Reported per set: messages per second (median of
the rounds) and the ratio. Sets: the 301 messages, a 301/305/315 mix (published samples and
fixtures), and one generated 301 with 1000 products. Needs the reference folder
(../shared/reference or BERICHTEN_REFERENCE); prints a message and stops when it is absent.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from copy import deepcopy
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from berichten.xmlinput import read_document  # noqa: E402
from tests import reference  # noqa: E402
from berichten.validators import REGISTRY, SchemaSet  # noqa: E402
import berichten.validators.rules  # noqa: E402,F401  (registers the rules)

FIXTURES = ROOT / "fixtures"


def load_sets() -> dict[str, list[bytes]]:
    samples = {s: reference.samples(s, include_invalid=False) for s in ("ijw", "iwmo")}
    sample_301 = [p for s in samples.values() for p in s if p.stem.endswith("301")]
    fixtures_301 = sorted((FIXTURES / "regels").glob("*.xml")) + sorted((FIXTURES / "demo").glob("jw301-toewijzing-geldig.xml"))
    other = [p for s in samples.values() for p in s if p.stem[-3:] in ("305", "315")]
    other += sorted(FIXTURES.glob("*/*30[5]*.xml")) + sorted(FIXTURES.glob("*/*315*-geldig.xml"))
    berichten_301 = [p.read_bytes() for p in sample_301 + fixtures_301]
    mix = berichten_301 + [p.read_bytes() for p in other]
    return {"301": berichten_301, "mix 301/305/315": mix}


def big_301(n: int = 1000) -> bytes:
    """A 301 with ``n`` distinct, non-overlapping products (the fixture's first product, copied)."""
    root = etree.fromstring((FIXTURES / "regels" / "jw301-geldig.xml").read_bytes())
    ns = {"m": etree.QName(root).namespace, "b": "http://www.istandaarden.nl/ijw/3_2/basisschema/schema"}
    parent = root.find("m:Client/m:ToegewezenProducten", ns)
    src = parent.find("m:ToegewezenProduct", ns)
    for p in list(parent):
        parent.remove(p)
    for i in range(n):
        p = deepcopy(src)
        p.find("m:ToewijzingNummer", ns).text = str(8000000 + i)
        p.find("m:Product/b:Code", ns).text = f"B{i:04d}"
        parent.append(p)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


class Sides:
    def __init__(self) -> None:
        self.schemas = SchemaSet(reference.REFERENCE_DIR)

    def _level1(self, data: bytes):
        doc = read_document(data)
        message = doc.message
        if doc.root is None or message is None or self.schemas.validate(doc.root, message):
            return None, None
        return doc.root, message

    def ours(self, data: bytes) -> int:
        root, message = self._level1(data)
        return len(REGISTRY.run(root, message)) if root is not None else -1

    def official(self, data: bytes) -> int:
        root, message = self._level1(data)
        if root is None:
            return -1
        report = reference.official_xslt(message.standaard)(root)
        return len(report.getroot().findall(".//{*}Fout"))


def timed(run: Callable[[bytes], int], messages: list[bytes], rounds: int) -> float:
    """Median seconds for one pass over all messages."""
    for data in messages[:3]:
        run(data)  # warm up: compile schemas and XSLT outside the measurement
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for data in messages:
            run(data)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def line(name: str, n: int, ours: float, official: float) -> str:
    return (
        f"{name:<22} {n:>4} berichten  ons {n / ours:>9.1f} ber/s ({1000 * ours / n:7.2f} ms/ber)  "
        f"XSLT {n / official:>8.1f} ber/s ({1000 * official / n:8.2f} ms/ber)  factor {official / ours:6.1f}x"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--groot-rondes", type=int, default=2, help="rounds for the XSLT on the 1000-product 301")
    args = parser.parse_args()
    if not reference.available():
        print(f"bench/rules.py: referentiemateriaal niet gevonden in {reference.REFERENCE_DIR}; overgeslagen")
        return 0
    sides = Sides()
    for name, messages in load_sets().items():
        valid = [m for m in messages if sides.ours(m) >= 0]
        ours = timed(sides.ours, valid, args.rounds)
        official = timed(sides.official, valid, args.rounds)
        print(line(name, len(valid), ours, official))
    big = big_301()
    ours = timed(sides.ours, [big], args.rounds)
    official = timed(sides.official, [big], args.groot_rondes)
    print(line("301 met 1000 producten", 1, ours, official))
    root, message = sides._level1(big)
    start = time.perf_counter()
    REGISTRY.run(root, message)
    print(f"{'':<22} alleen onze regels op de 1000 producten: {1000 * (time.perf_counter() - start):.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
