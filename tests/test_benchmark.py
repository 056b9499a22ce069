"""``make bench`` keeps working: every page measured end to end at one size, and a clear refusal of unknown pages.

The benchmark is run as ``make bench`` runs it, in a subprocess; the tests import none of its code."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.bench

ROOT = Path(__file__).resolve().parent.parent
RUN = [sys.executable, str(ROOT / "benchmarks" / "run.py")]


def test_an_unknown_page_is_refused_before_anything_is_built():
    result = subprocess.run([*RUN, "--pages", "nosuchpage"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "nosuchpage" in result.stderr


def test_the_benchmark_measures_every_page_at_one_size(tmp_path):
    pages = subprocess.run([*RUN, "--list"], capture_output=True, text=True, timeout=60, check=True).stdout.split()
    assert {"overview", "department", "review_desk", "final_assessment", "export", "brief", "target_proposals"} <= set(pages)
    output = tmp_path / "results.json"
    result = subprocess.run(
        [*RUN, "--sizes", "1x", "--requests", "1", "--output", str(output)],
        capture_output=True, text=True, timeout=900, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    measured = json.loads(output.read_text())["1x"]
    assert set(pages) <= measured.keys()
    assert measured["healthz"]["queries"] == 1 and all(measured[page]["median_ms"] > 0 for page in pages)
    assert "met" in result.stdout  # the bars are checked in the run itself
