"""Benchmark coverage with structure inference; writes the "Coverage and structures" section of
BENCHMARKS.md.

Usage: python benchmarks/coverage.py [--repeat N] [--corpus DIR]

Measures, on the example patents with their curated sidecars and without them (every structure
inferred at build time), and on a folder of real claim sets: the build (inference included),
the inference alone per patent, and ``covers`` in-process (store already open) and through the
CLI (a new process: imports, store, OPSIN cache). Speed is measured here, never asserted.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from cephkg import KnowledgeStore, build
from cephkg.chem.coverage import covers
from cephkg.chem.inference import infer_structures, resolve_descriptions
from cephkg.store.scopes import load_scopes

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "patents"
QUERIES = {
    "cefdinir": "Nc1nc(/C(=N/O)C(=O)NC2C(=O)N3C(C(=O)O)=C(C=C)CSC23)cs1",
    "pivoxil ester": "Nc1nc(/C(=N/O)C(=O)NC2C(=O)N3C(C(=O)OCOC(=O)C(C)(C)C)=C(C=C)CSC23)cs1",
    "ceftobiprole": "Nc1nc(/C(=N/O)C(=O)N[C@@H]2C(=O)N3C(C(=O)O)=C(/C=C4\\CCN([C@@H]5CCNC5)C4=O)CS[C@H]23)ns1",
}


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000, min(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--corpus", type=Path, default=ROOT / "tests" / "data" / "real-claims")
    args = parser.parse_args()
    rows: list[tuple[str, float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        uncurated = base / "uncurated"
        uncurated.mkdir()
        for text in EXAMPLES.glob("*.txt"):
            shutil.copy(text, uncurated / text.name)
        stores = {}
        for label, source in (("curated", EXAMPLES), ("inferred", uncurated), ("real corpus", args.corpus)):
            path = base / label.replace(" ", "-")
            with KnowledgeStore(path) as store:
                build([source], store)  # warm the OPSIN cache
            start = time.perf_counter()
            with KnowledgeStore(path) as store:
                build([source], store)
            rows.append((f"build examples ({label}), warm OPSIN cache" if label != "real corpus"
                         else f"build real corpus ({args.corpus.name}, {len(list(args.corpus.glob('*.txt')))} files)",
                         (time.perf_counter() - start) * 1000, (time.perf_counter() - start) * 1000))
            stores[label] = path
        with KnowledgeStore(stores["inferred"]) as store:
            scopes = list(load_scopes(store).scopes)
        for scope in scopes:
            bare = type(scope)(scope.patent, None, scope.species, scope.vocabulary)
            hints = resolve_descriptions([scope.patent], stores["inferred"] / "opsin-cache.json")
            rows.append((f"infer structures of {scope.patent.patent_id} (cached OPSIN hints)",
                         *timed(lambda b=bare, h=hints: infer_structures(b, h), args.repeat)))
        for label in ("curated", "inferred", "real corpus"):
            with KnowledgeStore(stores[label]) as store:
                scopes = list(load_scopes(store).scopes)
                rows.append((f"load scopes ({label})", *timed(lambda s=store: load_scopes(s), args.repeat)))
            for name, smiles in QUERIES.items():
                rows.append((f"covers {name}, in-process ({label})",
                             *timed(lambda q=smiles, s=scopes: covers(q, s), args.repeat)))
        cli = [sys.executable, "-m", "cephkg.cli.main", "covers", QUERIES["pivoxil ester"], "--json"]
        for label in ("curated", "inferred"):
            rows.append((f"cephkg covers pivoxil ester --json, new process ({label})",
                         *timed(lambda lb=label: subprocess.run([*cli, "--store", str(stores[lb])], check=True,
                                                               capture_output=True), max(1, args.repeat // 2))))
    lines = ["## Coverage and structures", "",
             f"`python benchmarks/coverage.py --repeat {args.repeat}` on {platform.machine()} "
             f"({platform.python_version()}, {platform.system()}); median and best of the repeats, ms. "
             "'inferred' is the examples built without their sidecars: every generic structure inferred at "
             "build time and kept in the record, so `covers` does not recompute it.", "",
             "| what | median ms | best ms |", "| --- | ---: | ---: |"]
    lines += [f"| {what} | {med:.1f} | {best:.1f} |" for what, med, best in rows]
    section = "\n".join(lines) + "\n"
    target = ROOT / "BENCHMARKS.md"
    text = target.read_text() if target.exists() else "# Benchmarks\n\nPipeline stages: see benchmarks/results.md.\n\n"
    head = text.split("## Coverage and structures")[0].rstrip() + "\n\n"
    target.write_text(head + section)
    print(section)


if __name__ == "__main__":
    main()
