"""Benchmark the pipeline stages on the example patents; writes benchmarks/results.md.

Usage: python benchmarks/run.py [--repeat N]
Speed is measured here, not asserted in tests: machines differ, and a timed test
only adds flakiness.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from cephkg import KnowledgeStore, build, parse_file, run_query
from cephkg.chem.coverage import covers
from cephkg.owl.reason import reason_patent
from cephkg.owl.validate import validate
from cephkg.rdf import claim_triples
from cephkg.reading import clean_file, parse_claims
from cephkg.store.scopes import load_scopes

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "patents"
CEFDINIR_PIVOXIL = "Nc1nc(/C(=N/O)C(=O)NC2C(=O)N3C(C(=O)OCOC(=O)C(C)(C)C)=C(C=C)CSC23)cs1"
CEFDINIR_PIVOXIL_KEY = "DRACJONKQLQDIZ-MYKKPKGFSA-N"


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000, min(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    rows: list[tuple[str, float, float]] = []
    files = sorted(EXAMPLES.glob("*.txt"))
    for path in files:
        rows.append((f"text: clean {path.stem}", *timed(lambda path=path: clean_file(path), args.repeat)))
        cleaned = clean_file(path)
        rows.append((f"claims: parse {path.stem}", *timed(lambda cleaned=cleaned: parse_claims(cleaned), args.repeat)))
        patent = parse_file(path)
        rows.append((f"graph: emit {path.stem}", *timed(lambda patent=patent: claim_triples(patent), args.repeat)))
    with tempfile.TemporaryDirectory() as tmp:
        with KnowledgeStore(Path(tmp) / "store") as store:
            rows.append(("build: both seeds into a store", *timed(lambda: build([EXAMPLES], store), max(3, args.repeat // 4))))
            for name, params in [("claim-tree", {"patent": "002_90b12462b97cb7e0"}),
                                 ("effective-definitions", {}), ("species", {}), ("process-steps", {}),
                                 ("claims-covering-compound", {"compound": CEFDINIR_PIVOXIL_KEY})]:
                query = lambda name=name, params=params: run_query(store, name, **params)  # noqa: E731
                rows.append((f"query: {name}", *timed(query, args.repeat)))
            scopes = load_scopes(store).scopes
            cache = Path(tmp) / "store" / "opsin-cache.json"
            rows.append(("covers: one SMILES against both seeds (scopes loaded)",
                         *timed(lambda: covers(CEFDINIR_PIVOXIL, scopes, cache), args.repeat)))
            for pid in store.patent_ids():
                rows.append((f"reason: HermiT on {pid} (JVM start included)",
                             *timed(lambda pid=pid: reason_patent(store, pid), 3)))
            rows.append(("validate: SHACL, both seeds", *timed(lambda: validate(store), 3)))
    lines = [
        "# Benchmark results",
        "",
        f"`python benchmarks/run.py --repeat {args.repeat}` on {platform.machine()}, Python {platform.python_version()}, "
        f"{platform.system()}; {len(files)} example patents. Median and best of the repeats, milliseconds.",
        "",
        "| what | median ms | best ms |",
        "| --- | ---: | ---: |",
        *[f"| {what} | {median:.2f} | {best:.2f} |" for what, median, best in rows],
        "",
    ]
    out = Path(__file__).with_name("results.md")
    out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
