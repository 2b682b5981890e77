"""Time and peak memory of one big message, at 1x, 2x and 4x its size, each in its own process.

    python bench/memory.py [--producten 100000] [--megabytes 20] [--keep DIR]

Two series of iJw 301s are written to a temporary folder (nothing is committed): one by number of
ToegewezenProducten (1/4, 1/2 and all of ``--producten``) and one by file size (1/4, 1/2 and all
of ``--megabytes``). Every product has its own ToewijzingNummer and its own product code (valid
for its category in the shipped level-4 list), so the message is valid and no rule has a reason
to compare all products with each other. Each file is validated by a fresh Python process
(``Validator.validate_path(keep_raw=False)``, levels 1, 2 and 4, as ``berichten validate`` does,
with ``--max-bytes`` raised to fit the file); the parent reads the child's peak RSS (``ru_maxrss``
from ``os.wait4``). Printed per file: size, validation time, peak RSS, the RSS of the process
before it read the file, and the growth as a multiple of the file size. Linear means: time and
growth double with the size.

For the largest file of each series the same is measured with the full tree (every indentation
node kept: ``berichten.xmlinput.COMPACT_TREE`` off) and for lxml parse + the published XSD alone
(the tree every validator needs, lxml's defaults), and the validator's steps (reading and
parsing, XSD, level 2, level 4) are run one by one, each with its own peak. Finally the CLI itself (``berichten validate``) gets the largest
file of each series with the default ``--max-bytes`` and, when the file is larger than that
default, once more with the limit raised: then it must read and validate the file (exit code 0 or
1, not the "too big" finding XML003).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TEMPLATE = ROOT / "fixtures" / "regels" / "jw301-geldig.xml"
OPEN, CLOSE = b"<jw301:ToegewezenProduct>", b"</jw301:ToegewezenProduct>"
# Categories with a prefix entry in validators/level4/data/productcodes-ijw.csv ("45*" and so on).
CATEGORIES = [c for c in range(31, 56) if c != 39]
BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _code(i: int) -> tuple[str, str]:
    """(categorie, code) of product i: distinct for every i below 24 * 36**3 (about 1.1 million)."""
    category = str(CATEGORIES[i % len(CATEGORIES)])
    n = i // len(CATEGORIES)
    suffix = BASE36[n // 1296 % 36] + BASE36[n // 36 % 36] + BASE36[n % 36]
    return category, category + suffix


def big_301(products: int) -> bytes:
    """The first product of the template fixture, ``products`` times, each with its own number and code."""
    data = TEMPLATE.read_bytes()
    start = data.index(OPEN)
    end = data.index(CLOSE) + len(CLOSE)
    product = data[start:end]
    head, tail = data[:start], data[data.index(b"</jw301:ToegewezenProducten>"):]
    number = product.split(b"<jw301:ToewijzingNummer>")[1].split(b"<")[0]
    category = product.split(b"<ijw:Categorie>")[1].split(b"<")[0]
    code = product.split(b"<ijw:Code>")[1].split(b"<")[0]
    template = (
        product.replace(b">" + number + b"<", b">{nummer}<")
        .replace(b"<ijw:Categorie>" + category + b"<", b"<ijw:Categorie>{categorie}<")
        .replace(b"<ijw:Code>" + code + b"<", b"<ijw:Code>{code}<")
        .decode()
    )
    separator = data[end:data.index(OPEN, start)] if data.count(OPEN) > 1 else b"\n"
    parts = []
    for i in range(products):
        categorie, code_i = _code(i)
        parts.append(template.format(nummer=10_000_000 + i, categorie=categorie, code=code_i).encode())
    return head + separator.join(parts) + tail


def products_for_bytes(size: int) -> int:
    one = len(big_301(2)) - len(big_301(1))
    return max(1, (size - len(big_301(1))) // one + 1)


CHILD = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
import berichten.xmlinput as xmlinput
from berichten.xmlinput import InputPolicy
from berichten.validators.pipeline import Validator
mode = {mode!r}
validator = Validator(policy=InputPolicy(max_bytes={max_bytes}))
if mode == "baseline":
    from lxml import etree
    from berichten.release import message_for_namespace
    from tests import reference
    from berichten.validators.xsd import SchemaSet
    schemas = SchemaSet(reference.REFERENCE_DIR)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, collect_ids=False)
if mode == "full-tree":
    xmlinput.COMPACT_TREE = False  # every indentation node kept, as before the compact tree
# Warm up on the small template: schemas compiled, lists and rules loaded before the peak is read.
validator.validate_path({template!r})
if mode == "baseline":
    with open({template!r}, "rb") as f:
        schemas.validate(etree.fromstring(f.read(), parser), validator.validate_path({template!r}).message)


def status(key):
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(key))


phases = {{}}
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
if mode == "baseline":
    with open({path!r}, "rb") as f:
        root = etree.fromstring(f.read(), parser)
    findings = schemas.validate(root, message_for_namespace(etree.QName(root).namespace))
elif mode == "phases":
    # The steps of Validator.validate_path(keep_raw=False), each with its own peak: writing 5 to
    # clear_refs resets the peak RSS (VmHWM) of this process (Linux 4.0 and later).
    from berichten.validators.level4 import run_level4
    base = status("VmRSS")
    def phase(name):
        phases[name] = (status("VmHWM") - base, status("VmRSS") - base)
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    phase("start")
    doc = xmlinput.read_path({path!r}, validator.policy)
    phase("lezen + parsen")
    doc.raw = b""
    phase("bytes los")
    findings = validator.schemas.validate(doc.root, doc.message)
    phase("XSD")
    findings += validator.rules.run(doc.root, doc.message)
    phase("niveau 2")
    if not any(f.is_error for f in findings):  # as the pipeline: a rejected message is not looked up
        findings += run_level4(doc.root, doc.message, validator.lists)
        phase("niveau 4")
    del phases["start"]
else:
    findings = validator.validate_path({path!r}, keep_raw=False).findings
seconds = time.perf_counter() - start
print(json.dumps({{"seconds": seconds, "before_kb": before, "findings": len(findings),
                  "codes": sorted({{f.code for f in findings}}), "phases": phases}}))
"""


def measure(path: Path, mode: str = "berichten") -> dict:
    """Validate one file in a fresh interpreter; its own report plus the peak RSS the kernel kept.

    ``mode``: "berichten" (``validate_path(keep_raw=False)``, as ``berichten validate``),
    "full-tree" (the same without the compact tree), "baseline" (lxml parse + the published XSD
    only: what the tree alone costs) or "phases" (the validator's steps, each with its own peak).
    """
    size = path.stat().st_size
    code = CHILD.format(root=str(ROOT), max_bytes=size + 1, path=str(path), mode=mode, template=str(TEMPLATE))
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"bench/memory.py: child failed on {path} (exit {proc.returncode})")
    report = json.loads(out)
    report["peak_kb"] = usage.ru_maxrss  # Linux: kilobytes
    report["bytes"] = size
    return report


def line(label: str, r: dict) -> str:
    mb = r["bytes"] / 1e6
    growth = (r["peak_kb"] - r["before_kb"]) * 1024 / r["bytes"]
    return (
        f"{label:<22} {mb:8.1f} MB {r['seconds']:8.2f} s {r['bytes'] / 1e6 / r['seconds']:7.1f} MB/s  "
        f"peak {r['peak_kb'] / 1024:7.0f} MiB (vooraf {r['before_kb'] / 1024:4.0f})  groei {growth:5.1f}x bestand  "
        f"{r['findings']} bevinding(en) {','.join(r['codes'])}"
    )


def cli_accepts(path: Path, max_bytes: int | None) -> str:
    """Run ``berichten validate`` on the file; describe what came back."""
    args = [sys.executable, "-c", "import cli; cli.main()", "validate", "--format", "jsonl", str(path)]
    if max_bytes is not None:
        args[4:4] = ["--max-bytes", str(max_bytes)]
    proc = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
    record = json.loads(proc.stdout.splitlines()[0]) if proc.stdout.strip() else {}
    codes = sorted({f["code"] for f in record.get("findings", [])})
    accepted = proc.returncode in (0, 1) and "XML003" not in codes
    limit = f"--max-bytes {max_bytes}" if max_bytes is not None else "standaard --max-bytes"
    verdict = "gelezen en gevalideerd" if accepted else "NIET gelezen"
    return f"berichten validate ({limit}): exit {proc.returncode}, {verdict}, codes {codes or '-'}"


def write_files(folder: Path, producten: int, megabytes: float) -> list[tuple[str, Path]]:
    """Both series, smallest first: (label, path)."""
    files = []
    for quarter in (1, 2, 4):
        n = producten * quarter // 4
        path = folder / f"jw301-{n}-producten.xml"
        path.write_bytes(big_301(n))
        files.append((f"{n} producten", path))
    for quarter in (1, 2, 4):
        size = int(megabytes * 1e6 * quarter / 4)
        n = products_for_bytes(size)
        path = folder / f"jw301-{size / 1e6:g}MB.xml"
        path.write_bytes(big_301(n))
        files.append((f"{path.stat().st_size / 1e6:.0f} MB ({n} producten)", path))
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--producten", type=int, default=100_000)
    parser.add_argument("--megabytes", type=float, default=20.0, help="largest file of the size series (10**6 bytes)")
    parser.add_argument("--keep", type=Path, help="write the files here instead of a temporary folder")
    parser.add_argument("--write-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    from berichten.xmlinput import DEFAULT_MAX_BYTES

    if args.write_only:
        for label, path in write_files(args.keep, args.producten, args.megabytes):
            print(f"{label}\t{path}")
        return 0
    with tempfile.TemporaryDirectory(prefix="berichten-memory-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        # A separate process writes the files: Linux gives a child the peak RSS of the process it
        # was forked from, so this one has to stay small for the children's figures to mean anything.
        made = subprocess.run(
            [sys.executable, __file__, "--write-only", "--keep", str(folder), "--producten", str(args.producten),
             "--megabytes", str(args.megabytes)], check=True, capture_output=True, text=True,
        ).stdout
        files = [(label, Path(path)) for label, path in (row.split("\t") for row in made.splitlines())]
        print(f"{'bestand':<22} {'grootte':>11} {'tijd':>10}")
        for label, path in files:
            print(line(label, measure(path)), flush=True)
        for index in (2, 5):  # the largest of each series
            print(line("  idem, volle boom", measure(files[index][1], "full-tree")))
            print(line("  idem, lxml + XSD", measure(files[index][1], "baseline")))
            r = measure(files[index][1], "phases")
            print("  stappen (piek / daarna, boven de RSS vooraf, x bestand): " + "; ".join(
                f"{name} {peak * 1024 / r['bytes']:.1f}x / {after * 1024 / r['bytes']:.1f}x"
                for name, (peak, after) in r["phases"].items()))
        for _, path in (files[5], files[2]):
            size = path.stat().st_size
            print(f"{path.name} ({size} bytes; standaardgrens --max-bytes {DEFAULT_MAX_BYTES}):")
            print("  " + cli_accepts(path, None))
            if size > DEFAULT_MAX_BYTES:
                print("  " + cli_accepts(path, size))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
