"""The flow's process does not import what it does not run (memory: rjieba's dictionary, the entity code, Great
Expectations and pandas are hundreds of MB it would hold for the whole run)."""
from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def test_the_flows_process_imports_no_tokenizer_nor_great_expectations():
    """With worker processes the flow's process runs no transform and no validation (expectations/
    validator_process.py): importing the flow, the gate and the audit's unit conversion must not load rjieba
    (its dictionary), the entity code, Great Expectations or pandas."""
    code = ("import sys, flows.pipeline, expectations.gate, expectations.validator_process\n"
            "from transforms.metrics import to_base; to_base(1.0, '亿元')\n"
            "print(sorted(m for m in ('rjieba', 'transforms.entities', 'transforms.segment', 'great_expectations',"
            " 'pandas') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         check=True).stdout.strip()
    assert out == "[]"
