"""`cep validate` on the default process against the floor of importing its two parsers."""

from __future__ import annotations

import sys

from common import BIN, median_seconds, report

if __name__ == "__main__":
    floor = median_seconds([sys.executable, "-c", "import yaml, jsonschema"], runs=7)
    measured = median_seconds([str(BIN / "cep"), "validate"], runs=7)
    report("cep validate (default process)", measured, floor)
