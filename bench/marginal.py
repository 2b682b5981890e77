"""Marginal cost per ordinary 301: our whole validator against lxml parse + XSD (+ official XSLT).

    python bench/marginal.py [--rounds 5] [--copies 10] [--profile]

The corpus is the 301s of the demo set (``berichten demo``, written to a temporary folder), each
repeated ``--copies`` times: a folder of ordinary toewijzingen of both standards. Three sides run
on the same bytes in the same process, on one core, with everything compiled before the clock
starts, so only the cost per message is measured:

- baseline: lxml parse (the hardened parser settings) + validate against the published XSD;
- ours: ``Validator.validate_bytes`` as every door calls it (file checks, our XSD, level 2, level 4);
- official: the baseline + the published rule XSLT on the tree.

It prints ms per message for each side (median of the rounds) and the two ratios
ours / baseline and official / ours. ``--profile`` runs cProfile over our side instead and prints
the top functions. Needs the reference folder (../shared/reference or BERICHTEN_REFERENCE).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from berichten.release import match_namespace  # noqa: E402
from tests import reference  # noqa: E402
from validators.pipeline import Validator  # noqa: E402
from validators.xsd import SchemaSet  # noqa: E402

# The settings of berichten.xmlinput's parser: the baseline parses exactly as hardened as we do.
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, collect_ids=False)


def demo_301s() -> list[bytes]:
    """The 301s of the demo set, both standards, in a stable order."""
    from report.demo import write_demo

    with tempfile.TemporaryDirectory(prefix="berichten-marginal-") as tmp:
        write_demo(tmp)
        return [p.read_bytes() for p in sorted(Path(tmp).rglob("*301.xml"))]


class Sides:
    def __init__(self) -> None:
        self.published = SchemaSet(reference.REFERENCE_DIR)
        self.validator = Validator()
        self._schemas: dict[bytes, tuple[etree.XMLSchema, str]] = {}

    def _schema(self, root: etree._Element) -> tuple[etree.XMLSchema, str]:
        """The published schema and standaard of the root's namespace (looked up once per namespace)."""
        ns = etree.QName(root).namespace
        found = self._schemas.get(ns)
        if found is None:
            message = match_namespace(ns).message
            found = self._schemas[ns] = (self.published.schema(message), message.standaard)
        return found

    def baseline(self, data: bytes) -> bool:
        root = etree.fromstring(data, PARSER)
        return self._schema(root)[0].validate(root)

    def ours(self, data: bytes) -> bool:
        return self.validator.validate_bytes(data).ok

    def official(self, data: bytes) -> bool:
        root = etree.fromstring(data, PARSER)
        schema, standaard = self._schema(root)
        if not schema.validate(root):
            return False
        report = reference.official_xslt(standaard)(root)
        return report.getroot().find(".//{*}Fout") is None


def timed(run: Callable[[bytes], bool], corpus: list[bytes], rounds: int) -> float:
    """Median seconds per message over the rounds (one pass over the corpus per round)."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for data in corpus:
            run(data)
        times.append(time.perf_counter() - start)
    return statistics.median(times) / len(corpus)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--copies", type=int, default=10, help="how often each demo 301 is repeated")
    parser.add_argument("--profile", action="store_true", help="cProfile our side and print the top 30")
    args = parser.parse_args()
    if not reference.available():
        print(f"bench/marginal.py: referentiemateriaal niet gevonden in {reference.REFERENCE_DIR}; overgeslagen")
        return 0
    unique = demo_301s()
    corpus = unique * args.copies
    sides = Sides()
    verdicts = {name: [run(d) for d in unique] for name, run in
                (("baseline", sides.baseline), ("ours", sides.ours), ("official", sides.official))}  # warm up
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(lambda: [sides.ours(d) for d in corpus])
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
        return 0
    base = timed(sides.baseline, corpus, args.rounds)
    ours = timed(sides.ours, corpus, args.rounds)
    official = timed(sides.official, corpus, args.rounds)
    print(f"corpus: {len(unique)} demo 301s x {args.copies} = {len(corpus)} messages, "
          f"{sum(verdicts['ours'])} valid for us, {sum(verdicts['official'])} for the published XSD + XSLT")
    print(f"{'lxml parse + published XSD':34} {1000 * base:8.3f} ms/msg")
    print(f"{'berichten Validator (levels 1,2,4)':34} {1000 * ours:8.3f} ms/msg")
    print(f"{'parse + XSD + official XSLT':34} {1000 * official:8.3f} ms/msg")
    print(f"{'ours / (parse + XSD)':34} {ours / base:8.2f}x   (target <= 2.5)")
    print(f"{'(parse + XSD + XSLT) / ours':34} {official / ours:8.1f}x   (target >= 20)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
