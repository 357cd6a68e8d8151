"""The scale benchmark runs end to end on a tiny corpus (its figures are not checked: speed is
measured by the benchmark, never asserted in tests)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cephkg import named_queries

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def test_the_scale_benchmark_measures_every_step_at_n_3(tmp_path: Path) -> None:
    out = tmp_path / "scale.json"
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "scale.py"), "--n", "3", "--seed", "11",
                           "--jobs", "1,2", "--repeat", "1", "--timeout", "300", "--work", str(tmp_path / "work"),
                           "--json", str(out)], capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stderr[-3000:]
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["n"] == 3 and doc["corpus"]["patents"] == 3
    assert doc["build_cold"]["code"] == 0
    assert [(b["jobs"], b["code"]) for b in doc["builds"]] == [(1, 0), (2, 0)]
    assert all(b["wall_s"] > 0 and b["tree_rss_mb"] > 0 and b["store_mb"] > 0 for b in doc["builds"])
    assert doc["store"]["patents"] == 3 and doc["store"]["claims"] > 3 and doc["store"]["triples_per_claim"] > 10
    covers = doc["covers"]["in_process"]
    assert covers["patents"] == 3 and covers["hits"] >= 1 and "warm_median_s" in covers
    assert doc["covers"]["cli_fresh_median_s"] > 0
    assert {q["query"] for q in doc["queries"]} == set(named_queries())
    for q in doc["queries"]:
        assert "error" not in q and "timed_out_after_s" not in q, q
        assert ("median_s" in q) if q["kind"] == "one" else ("first_row_s" in q), q
    assert doc["export"]["code"] == 0 and doc["export"]["triples"] > 0
    assert "| build warm --jobs 2 |" in done.stdout and "| export N-Quads |" in done.stdout
