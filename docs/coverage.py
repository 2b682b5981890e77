"""Write docs/dekking.md: which level-2 code we check on which message, against the official XSLT.

    .venv/bin/python docs/coverage.py            # (re)write docs/dekking.md
    .venv/bin/python docs/coverage.py --check    # exit 1 when docs/dekking.md is out of date

Needs the reference material (../shared/reference, or BERICHTEN_REFERENCE). The analysis lives in
tests/xslt_coverage.py, so the coverage test and this table use one derivation.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests import reference, xslt_coverage  # noqa: E402


def main(argv: list[str]) -> int:
    if not reference.available():
        print(f"reference material not found at {reference.REFERENCE_DIR}", file=sys.stderr)
        return 2
    text = xslt_coverage.dekking_markdown(xslt_coverage.coverage())
    target = xslt_coverage.DEKKING
    if "--check" in argv:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != text:
            print(f"{target} is out of date: run .venv/bin/python docs/coverage.py", file=sys.stderr)
            return 1
        return 0
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
