"""Marginal cost per ordinary 301: our whole validator against lxml parse + XSD (+ official XSLT).

    python bench/marginal.py [--rounds 5] [--copies 10] [--profile] [--callgrind SIDE]

The corpus is the 301s of the demo set (``berichten demo``, written to a temporary folder), each
repeated ``--copies`` times: a folder of ordinary toewijzingen of both standards. Three sides run
on the same bytes in the same process, on one core, with everything compiled before the clock
starts, so only the cost per message is measured:

- baseline: lxml parse (the hardened parser settings) + validate against the published XSD;
- ours, levels 1-2: ``Validator.validate_bytes`` with level 4 off (file checks, our XSD, level 2):
  the same work as the official side;
- ours, default: the same with the shipped level-4 lists, as ``berichten validate`` runs it;
- ours, default, collector frozen: the same inside ``gc.freeze()`` (what the commands do once the
  validator is loaded: the collector's full passes skip the modules, schemas and lists);
- level 4 alone: ``level4_findings`` on trees parsed beforehand (the default's extra work);
- official: the baseline + the published rule XSLT on the tree.

The sides take turns within each round and the fastest round of each counts (the machine may be
shared; the minimum is the figure least disturbed by others). It prints ms per message for each
side and, for ours, the ratios ours / baseline and official / ours. ``--profile`` runs cProfile over our side instead and prints
the top functions; ``--callgrind SIDE`` runs one side untimed, for instruction counts under valgrind
(repeatable whatever the load). Needs the reference folder (../shared/reference or BERICHTEN_REFERENCE).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import hashlib
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
from berichten.validators.level4 import Lists, level4_findings  # noqa: E402
from berichten.xmlinput import read_document  # noqa: E402
from berichten.validators.pipeline import Validator  # noqa: E402
from berichten.validators.xsd import SchemaSet  # noqa: E402

# The settings of berichten.xmlinput's parser: the baseline parses exactly as hardened as we do.
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, collect_ids=False)


def demo_301s() -> list[bytes]:
    """The 301s of the demo set, both standards, in a stable order."""
    from berichten.report.demo import write_demo

    with tempfile.TemporaryDirectory(prefix="berichten-marginal-") as tmp:
        write_demo(tmp)
        return [p.read_bytes() for p in sorted(Path(tmp).rglob("*301.xml"))]


class Sides:
    def __init__(self) -> None:
        self.published = SchemaSet(reference.REFERENCE_DIR)
        self.validator = Validator()
        self.level12 = Validator(lists=Lists.off())
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

    def level4_on(self, corpus: list[bytes]) -> Callable[[bytes], bool]:
        """Level 4 alone, on the trees of the corpus parsed once (looked up by the bytes' identity)."""
        docs = {id(d): read_document(d) for d in corpus}

        def level4(data: bytes) -> bool:
            doc = docs[id(data)]
            return not level4_findings(doc.root, doc.message, self.validator.lists)

        return level4

    def ours12(self, data: bytes) -> bool:
        return self.level12.validate_bytes(data).ok

    def official(self, data: bytes) -> bool:
        root = etree.fromstring(data, PARSER)
        schema, standaard = self._schema(root)
        if not schema.validate(root):
            return False
        report = reference.official_xslt(standaard)(root)
        return report.getroot().find(".//{*}Fout") is None


FROZEN = {"frozen"}  # sides that run inside gc.freeze()


def timed(sides: dict[str, Callable[[bytes], bool]], corpus: list[bytes], rounds: int) -> dict[str, float]:
    """Seconds per message of each side: the fastest of the rounds, the sides taking turns. The
    collector runs as in any process (on, thresholds untouched), frozen for the FROZEN sides."""
    best = {name: float("inf") for name in sides}
    for _ in range(rounds):
        for name, run in sides.items():
            if name in FROZEN:
                gc.freeze()
            start = time.perf_counter()
            for data in corpus:
                run(data)
            elapsed = time.perf_counter() - start
            if name in FROZEN:
                gc.unfreeze()
            best[name] = min(best[name], elapsed / len(corpus))
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--copies", type=int, default=10, help="how often each demo 301 is repeated")
    parser.add_argument("--profile", action="store_true", help="cProfile our side and print the top 30")
    parser.add_argument("--callgrind", metavar="SIDE", help="warm up SIDE, then run it over the corpus once, "
                        "untimed: for instruction counts (valgrind --tool=callgrind, --copies N minus --copies 0)")
    args = parser.parse_args()
    if not reference.available():
        print(f"bench/marginal.py: referentiemateriaal niet gevonden in {reference.REFERENCE_DIR}; overgeslagen")
        return 0
    unique = demo_301s()
    corpus = unique * args.copies
    sides = Sides()
    runs = {"baseline": sides.baseline, "ours12": sides.ours12, "ours": sides.ours, "frozen": sides.ours,
            "level4": sides.level4_on(unique), "official": sides.official}
    if args.callgrind:
        run = runs[args.callgrind]
        for data in unique + corpus:  # the warm-up, then the corpus
            run(data)
        return 0
    verdicts = {name: [run(d) for d in unique] for name, run in runs.items()}  # warm up: compile everything
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(lambda: [sides.ours(d) for d in corpus])
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
        return 0
    t = timed(runs, corpus, args.rounds)
    digest = hashlib.sha256(b"".join(unique)).hexdigest()[:12]
    print(f"corpus: {len(unique)} demo 301s (sha256 {digest}) x {args.copies} = {len(corpus)} messages; "
          f"valid: {sum(verdicts['ours12'])} "
          f"for us (levels 1-2), {sum(verdicts['official'])} for the published XSD + XSLT; best of {args.rounds} rounds")
    print(f"{'lxml parse + published XSD':38} {1000 * t['baseline']:7.3f} ms/msg")
    for name, label in (("ours12", "berichten Validator, levels 1-2"), ("ours", "berichten Validator, levels 1, 2, 4"),
                        ("frozen", "  the same, collector frozen")):
        print(f"{label:38} {1000 * t[name]:7.3f} ms/msg   {t[name] / t['baseline']:5.2f}x parse + XSD (target <= 2.5)"
              f"   {t['official'] / t[name]:5.1f}x below parse + XSD + XSLT (target >= 20)")
    print(f"{'  level 4 alone (trees parsed before)':38} {1000 * t['level4']:7.3f} ms/msg   "
          f"default - levels 1-2: {1000 * (t['ours'] - t['ours12']):.3f} ms/msg (target level 4 <= 0.010)")
    print(f"{'parse + published XSD + official XSLT':38} {1000 * t['official']:7.3f} ms/msg")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
