"""Messages per second for parse + our XSD against parse + the published XSD, in one run.

Usage: python bench/validate.py [--rounds 7] [--reference ../shared/reference]

Both sides parse the same bytes with the same hardened reader and validate with a compiled
schema, so the ratio isolates the schemas. One line per case; ratio > 1 means ours is faster.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from berichten.xmlinput import read_document  # noqa: E402
from berichten.validators.xsd import SchemaSet  # noqa: E402


def cases(reference: Path) -> dict[str, list[bytes]]:
    found: dict[str, list[bytes]] = {}
    for std, prefix in (("ijw", "JW"), ("iwmo", "WMO")):
        for nummer in ("301", "302", "305", "306", "307", "308", "315", "316"):
            sample = reference / f"{std}-3.2" / "samples" / f"{prefix}{nummer}.xml"
            if sample.is_file():
                found[f"{std} {nummer}"] = [sample.read_bytes()] * 200
    big = reference / "ijw-3.2" / "samples" / "JW301.xml"
    if big.is_file():
        found["ijw 301 x1000 producten"] = [_many_products(big.read_bytes(), 1000)] * 5
    return found


def _many_products(data: bytes, n: int) -> bytes:
    """Repeat the first ToegewezenProduct n times, each with its own ToewijzingNummer."""
    start = data.index(b"<jw301:ToegewezenProduct>")
    end = data.index(b"</jw301:ToegewezenProduct>") + len(b"</jw301:ToegewezenProduct>")
    product = data[start:end]
    number = product.split(b"<jw301:ToewijzingNummer>")[1].split(b"<")[0]
    copies = b"".join(product.replace(number, str(500000 + i).encode()) for i in range(n))
    close = data.index(b"</jw301:ToegewezenProducten>")
    return data[:start] + copies + data[close:]


def timed(schemas: SchemaSet, blobs: list[bytes]) -> float:
    started = time.perf_counter()
    for data in blobs:
        doc = read_document(data)
        assert doc.root is not None and doc.message is not None
        schemas.validate(doc.root, doc.message)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--reference", type=Path, default=PROJECT.parent / "shared" / "reference")
    args = parser.parse_args()
    if not (args.reference / "ijw-3.2" / "xsd").is_dir():
        print(f"reference material not found at {args.reference}; nothing to compare against")
        return 0
    ours, published = SchemaSet(), SchemaSet(args.reference)
    print(f"{'case':28} {'ours msg/s':>12} {'published msg/s':>16} {'ratio':>7}")
    ratios = []
    for name, blobs in cases(args.reference).items():
        timed(ours, blobs[:2]), timed(published, blobs[:2])  # compile both schemas outside the clock
        t_ours = statistics.median(timed(ours, blobs) for _ in range(args.rounds))
        t_pub = statistics.median(timed(published, blobs) for _ in range(args.rounds))
        ratio = t_pub / t_ours
        ratios.append(ratio)
        print(f"{name:28} {len(blobs) / t_ours:12.0f} {len(blobs) / t_pub:16.0f} {ratio:7.2f}")
    print(f"{'median ratio':28} {'':12} {'':16} {statistics.median(ratios):7.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
