"""Every named query on the embedded Oxigraph store against rdflib's SPARQL engine, same graph.

rdflib is the engine a Python user reaches for first, and the one cephkg's graph building
used; this says what Oxigraph buys per query. The store is exported as N-Quads (with the
ontology) and parsed into an rdflib ``Dataset``; each query of ``benchmarks/scale.py``'s plan
(one patent / one compound, and whole-corpus queries) runs with the same parameters on both:
Oxigraph the median of ``--repeat`` runs to the last row, rdflib once (to the last row), in a
forked child stopped after ``--timeout`` seconds. Rows are counted on both sides (they must
agree; the parity test checks the rows themselves on the seeds).

    python benchmarks/rdflib_speedup.py STORE --compound SMILES [--json out.json] [--timeout 60]

Prints one JSON document and a Markdown table (query, rows, Oxigraph ms, rdflib ms, speed-up).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import sys
import tempfile
import time
import warnings
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from rdflib import Dataset

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cephkg import KnowledgeStore, get_query
from cephkg.store.export import ExportFormat, export
from cephkg.store.queries import bind_parameters
from cephkg.store.remote import with_values
from scale import named_query_plan

_DATASET: dict[str, Dataset] = {}


def _rdflib_child(text: str, conn: Connection) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        rows = sum(1 for _ in _DATASET["ds"].query(text))
        conn.send((rows, time.perf_counter() - t0))


def rdflib_time(text: str, timeout: float) -> tuple[int | None, float | None]:
    """(rows, seconds) of one rdflib run in a forked child (it inherits the parsed dataset);
    (None, None) when it did not finish within ``timeout``."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_rdflib_child, args=(text, child))
    proc.start()
    got = parent.recv() if parent.poll(timeout) else None
    proc.kill()
    proc.join()
    return got if got is not None else (None, None)


def most_named_compound(store: KnowledgeStore) -> str:
    """The InChIKey of the compound the most patents name (so compound queries have rows)."""
    rows = store.query("""SELECT ?c (COUNT(DISTINCT ?g) AS ?n) WHERE {
        GRAPH ?g { ?c a <https://w3id.org/cephkg/ontology#SpecificCompound> } }
        GROUP BY ?c ORDER BY DESC(?n) ?c LIMIT 1""").terms
    if not rows or rows[0][0] is None:
        raise SystemExit("the store names no compound: give --compound")
    return rows[0][0].value.rsplit("/", 1)[-1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("store", type=Path)
    ap.add_argument("--compound", help="SMILES or InChIKey of a compound (default: the one most patents name)")
    ap.add_argument("--patent", help="patent id for the one-patent queries (default: the first)")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()

    with KnowledgeStore(args.store) as store, tempfile.TemporaryDirectory() as tmp:
        patent = args.patent or store.patent_ids()[0]
        compound = args.compound or most_named_compound(store)
        nq = Path(tmp) / "all.nq"
        export(store, nq, ExportFormat.NQUADS, None, True)
        t0 = time.perf_counter()
        ds = Dataset(default_union=False)
        ds.parse(nq, format="nquads")
        parse_s = time.perf_counter() - t0
        _DATASET["ds"] = ds
        results: list[dict[str, Any]] = []
        for name, params, kind in named_query_plan(patent, compound, None):
            query = get_query(name)
            bindings = bind_parameters(query, params, store.opsin_cache)
            times = []
            rows = 0
            for _ in range(args.repeat):
                t = time.perf_counter()
                rows = len(store.query(query.text, bindings).terms)
                times.append(time.perf_counter() - t)
            ox_ms = statistics.median(times) * 1000
            r_rows, r_s = rdflib_time(with_values(query.text, bindings), args.timeout)
            results.append({"query": name, "kind": kind, "params": params, "rows": rows, "oxigraph_ms": ox_ms,
                            "rdflib_ms": None if r_s is None else r_s * 1000, "rdflib_rows": r_rows,
                            "speedup": None if r_s is None else r_s * 1000 / max(ox_ms, 1e-3)})
            rd = f"> {args.timeout:.0f} s" if r_s is None else f"{r_s * 1000:.0f} ms"
            print(f"{name} ({kind}): {rows} rows, oxigraph {ox_ms:.1f} ms, rdflib {rd}", file=sys.stderr)
    doc = {"store": str(args.store), "patent": patent, "compound": compound, "quads_parsed_by_rdflib": len(ds),
           "rdflib_parse_s": parse_s, "timeout_s": args.timeout, "queries": results}
    if args.json:
        args.json.write_text(json.dumps(doc, indent=1))
    print(json.dumps(doc, indent=1))
    print("\n| query | scope | rows (rdflib) | Oxigraph ms | rdflib ms | speed-up |\n| --- | --- | ---: | ---: | ---: | ---: |")
    for r in results:
        rd = f"> {args.timeout:.0f} s" if r["rdflib_ms"] is None else f"{r['rdflib_ms']:.0f}"
        sp = f"> ×{args.timeout * 1000 / max(r['oxigraph_ms'], 1e-3):.0f}" if r["speedup"] is None else f"×{r['speedup']:.0f}"
        scope = "one patent / compound" if r["kind"] == "one" else "whole corpus"
        rows = str(r["rows"]) if r["rdflib_rows"] in (None, r["rows"]) else f"{r['rows']} ({r['rdflib_rows']})"
        print(f"| `{r['query']}` | {scope} | {rows} | {r['oxigraph_ms']:.1f} | {rd} | {sp} |")


if __name__ == "__main__":
    main()
