"""Marginal cost per ordinary 301 in instructions (callgrind), the same whatever the machine's load.

    python bench/marginal_instructions.py [--before DIR] [--sides SIDE ...]

bench/marginal.py measures milliseconds, which a shared machine disturbs. This counts: each side
runs in its own process under ``valgrind --tool=callgrind``, and only the work inside one
``itertools.starmap`` over the 231 demo 301s is counted (``--toggle-collect=starmap_next``), so
imports, compiling schemas and warming up are left out. Sides (instructions per message):

- parse: ``lxml.etree.fromstring`` with the hardened parser settings;
- XSD: our schema on trees parsed beforehand (the published XSD costs the same);
- read: ``read_document`` (parse plus the file checks);
- level 2: ``REGISTRY.run`` on trees parsed beforehand (every level-2 rule of a 301);
- levels 1-2: ``Validator.validate_bytes`` with level 4 off, the ``ours12`` side of marginal.py;
- default: ``Validator.validate_bytes`` with the shipped level-4 lists, as ``berichten validate`` runs it.

It prints the ratio levels 1-2 / (parse + XSD). ``--before DIR`` counts the same for a copy of
the code before a change (``git archive <commit> | tar -x -C DIR``). Fewer instructions is not
the same as less time (Python code runs fewer instructions per nanosecond than libxml2), but a
change that saves instructions here saves time in marginal.py. Needs valgrind; takes a minute.
"""

from __future__ import annotations

import argparse
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIDES = ("parse", "xsd", "read", "level2", "levels12", "default")
_COLLECTED = re.compile(r"Collected : (\d+)")


def child(code_root: str, corpus_file: str, side: str) -> None:
    """Runs under callgrind: set everything up, then run one side inside one starmap."""
    import collections
    import itertools

    sys.path.insert(0, code_root)
    from lxml import etree

    from berichten.validators.engine import REGISTRY
    from berichten.validators.level4 import Lists
    from berichten.validators.pipeline import Validator
    from berichten.xmlinput import _parsers, read_document

    corpus = pickle.loads(Path(corpus_file).read_bytes())
    validator = Validator(lists=Lists.off())
    default = Validator()
    for data in corpus:  # compile the schemas, fill every per-process cache
        validator.validate_bytes(data)
        default.validate_bytes(data)
    docs = [read_document(data) for data in corpus]
    items, run = {
        "parse": ([(d, _parsers.parser) for d in corpus], etree.fromstring),
        "xsd": ([(d.root, d.message) for d in docs], validator.schemas.validate),
        "read": ([(d,) for d in corpus], read_document),
        "level2": ([(d.root, d.message) for d in docs], REGISTRY.run),
        "levels12": ([(d,) for d in corpus], validator.validate_bytes),
        "default": ([(d,) for d in corpus], default.validate_bytes),
    }[side]
    collections.deque(itertools.starmap(run, items), maxlen=0)


def count(code_root: Path, corpus_file: str, corpus_len: int, side: str) -> int:
    """Instructions per message of one side (PYTHONHASHSEED fixed: the count repeats to 0.1 %)."""
    env = dict(os.environ, PYTHONHASHSEED="0", PYTHONDONTWRITEBYTECODE="1")
    out = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", "--toggle-collect=starmap_next",
         sys.executable, __file__, "--child", str(code_root), corpus_file, side],
        capture_output=True, text=True, env=env, check=True,
    )
    found = _COLLECTED.search(out.stderr)
    if not found:
        raise SystemExit(f"callgrind gaf geen telling:\n{out.stderr[-2000:]}")
    return int(found[1]) // corpus_len


def report(label: str, figures: dict[str, int]) -> None:
    print(f"{label}: " + ", ".join(f"{side} {n:,}" for side, n in figures.items()) + " instructions/msg")
    if "parse" not in figures or "xsd" not in figures:
        return
    base = figures["parse"] + figures["xsd"]
    parts = [f"{name} / (parse + XSD) = {figures[side] / base:.2f}x"
             for side, name in (("levels12", "levels 1-2"), ("level2", "level 2 alone"), ("default", "default"))
             if side in figures]
    if "read" in figures:
        parts.append(f"reading beyond the parse {figures['read'] - figures['parse']:,}")
    print("  " + "; ".join(parts))


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(*sys.argv[2:5])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="a copy of the code before a change, counted the same way")
    parser.add_argument("--sides", nargs="+", choices=SIDES, default=list(SIDES),
                        help="count only these sides (the ratios need parse and xsd)")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        print("bench/marginal_instructions.py: valgrind niet gevonden; overgeslagen")
        return 0
    sys.path.insert(0, str(ROOT / "bench"))
    from marginal import demo_301s  # the same corpus as bench/marginal.py

    corpus = demo_301s()
    with tempfile.NamedTemporaryFile(suffix=".pkl") as tmp:
        tmp.write(pickle.dumps(corpus))
        tmp.flush()
        roots = [("before", args.before)] if args.before else []
        for label, code_root in [*roots, ("now", ROOT)]:
            report(f"{label} ({code_root})", {side: count(code_root, tmp.name, len(corpus), side) for side in args.sides})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
