"""``make bench`` keeps working: every page measured end to end at one size, and a clear refusal of unknown pages."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN = [sys.executable, str(ROOT / "benchmarks" / "run.py")]


def test_an_unknown_page_is_refused_before_anything_is_built():
    result = subprocess.run([*RUN, "--pages", "nosuchpage"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "nosuchpage" in result.stderr


def test_the_benchmark_measures_every_page_at_one_size(tmp_path):
    from benchmarks.run import PAGES

    output = tmp_path / "results.json"
    result = subprocess.run(
        [*RUN, "--sizes", "1x", "--requests", "1", "--output", str(output)],
        capture_output=True, text=True, timeout=900, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    measured = json.loads(output.read_text())["1x"]
    assert set(PAGES) <= measured.keys()
    assert measured["healthz"]["queries"] == 1 and all(measured[page]["median_ms"] > 0 for page in PAGES)
