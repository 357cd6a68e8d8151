"""Field-scale benchmark: build, covers, named queries and export on a generated corpus of N patents.

Usage::

    python benchmarks/scale.py --n 100 [--seed 7] [--jobs 1,2] [--work DIR] [--corpus DIR]
                               [--name-cache FILE] [--repeat 5] [--timeout 120] [--json FILE]

Steps (each timed by the clock of this process, resources of the child processes by
``wait4`` and by sampling their process tree):

1. the corpus: ``benchmarks/corpus.py --n N --seed S`` (or an existing one, ``--corpus``);
2. the name cache: ``--name-cache`` (a ``opsin-cache.json``), or one cold build (``jobs`` 1)
   that fills it; every measured build starts with a copy of it (a warm cache);
3. ``cephkg build CORPUS --jobs J`` into a fresh store for each J of ``--jobs``: wall time,
   time per patent, peak RSS (largest process, and the whole process tree sampled), store
   size on disk, triples and claims (and their ratios);
4. ``covers`` of a compound the corpus names (the species named most often) against the
   whole store: in-process (the first call, then the median of warm calls) and as a fresh
   ``cephkg covers`` process;
5. every named query, each in a fresh process with ``--timeout``: the median of ``--repeat``
   runs for one patent / one compound, and for a query over the whole corpus the time to
   its first row (and to its last, if within the timeout);
6. ``cephkg export --format nq``: wall time, triples/s, peak RSS.

Prints one JSON document (also written to ``--json``) and a table. Speed is measured here,
never asserted in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "benchmarks" / "corpus.py"
BIN = Path(sys.executable).parent
CEPHKG = [str(BIN / "cephkg")] if (BIN / "cephkg").exists() else [sys.executable, "-m", "cephkg.cli.main"]
CHEBI_AMINO = "http://purl.obolibrary.org/obo/CHEBI_46882"
ALKYL = "https://w3id.org/cephkg/ontology#Alkyl"


# ----------------------------------------------------------------------------- processes

class _TreeSampler(threading.Thread):
    """Samples the summed RSS of a process and its descendants (workers, the OPSIN JVM)."""

    def __init__(self, pid: int, every: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.every = every
        self.peak = 0
        self.done = threading.Event()

    def run(self) -> None:
        import psutil

        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self.done.is_set():
            total = 0
            try:
                for p in [root, *root.children(recursive=True)]:
                    try:
                        total += p.memory_info().rss
                    except psutil.Error:
                        continue
            except psutil.Error:
                break
            self.peak = max(self.peak, total)
            self.done.wait(self.every)


def run_child(cmd: Sequence[str], timeout: float | None = None, cwd: Path | None = None) -> dict[str, Any]:
    """Run a command; its wall time, exit code, output, the peak RSS of its largest process
    (``wait4``: the child and the descendants it waited for) and of its whole tree (sampled)."""
    start = time.perf_counter()
    proc = subprocess.Popen(list(cmd), stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd)
    sampler = _TreeSampler(proc.pid)
    sampler.start()
    out_chunks: list[bytes] = []
    err_chunks: list[bytes] = []
    readers = [threading.Thread(target=lambda s=s, b=b: b.append(s.read()), daemon=True)
               for s, b in ((proc.stdout, out_chunks), (proc.stderr, err_chunks)) if s is not None]
    for r in readers:
        r.start()
    timed_out = False
    deadline = None if timeout is None else start + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if deadline is not None and time.perf_counter() > deadline:
            proc.kill()
            timed_out = True
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.02)
    wall = time.perf_counter() - start
    sampler.done.set()
    sampler.join()
    for r in readers:
        r.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {"wall_s": wall, "code": proc.returncode, "timed_out": timed_out,
            "max_rss_mb": usage.ru_maxrss / 1024, "tree_rss_mb": sampler.peak / 2**20,
            "stdout": b"".join(out_chunks).decode("utf-8", "replace"),
            "stderr": b"".join(err_chunks).decode("utf-8", "replace")}


def disk_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


# ----------------------------------------------------------------------------- corpus

def make_corpus(n: int, seed: int, out: Path) -> dict[str, Any]:
    if (out / "manifest.json").is_file():
        return {"path": str(out), "generated_s": None}
    start = time.perf_counter()
    subprocess.run([sys.executable, str(CORPUS), "--n", str(n), "--seed", str(seed), "--out", str(out)],
                   check=True, stdout=subprocess.DEVNULL)
    return {"path": str(out), "generated_s": time.perf_counter() - start}


def manifest_rows(corpus: Path) -> list[dict[str, Any]]:
    rows = []
    with (corpus / "manifest.json").open(encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line.startswith("{") and '"stem"' in line:
                try:
                    rows.append(json.loads(line.rstrip(",")))
                except json.JSONDecodeError:
                    continue
    if not rows:  # one JSON document
        data = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
        rows = list(data.get("patents", []))
    return rows


def probe_compound(rows: Sequence[dict[str, Any]]) -> str:
    """The SMILES of the species the corpus names most often (ties: the smallest SMILES)."""
    counts = Counter(sp["smiles"] for r in rows for sp in r.get("species", []) if sp.get("smiles"))
    if not counts:
        return "Nc1nc(/C(=N/O)C(=O)NC2C(=O)N3C(C(=O)OCOC(=O)C(C)(C)C)=C(C=C)CSC23)cs1"
    return min(counts, key=lambda s: (-counts[s], len(s), s))


# ----------------------------------------------------------------------------- in-process probes

def _worker(args: argparse.Namespace) -> None:
    """A measurement run in its own process: prints one JSON object."""
    from cephkg import KnowledgeStore, get_query
    from cephkg.store.queries import bind_parameters

    store_dir = Path(args.store)
    if args.worker == "covers":
        from cephkg.store.scopes import CoverageIndex

        with KnowledgeStore(store_dir, create=False) as store:
            t0 = time.perf_counter()
            index = CoverageIndex(store)
            opened = time.perf_counter() - t0
            times = []
            hits = 0
            for _ in range(max(2, args.repeat)):
                t = time.perf_counter()
                result = index.covers(args.compound)
                times.append(time.perf_counter() - t)
                hits = len(result.hits)
            print(json.dumps({"index_open_s": opened, "first_s": times[0], "warm_median_s": statistics.median(times[1:]),
                              "hits": hits, "near_misses": len(result.near_misses),
                              "patents": len(index.patents)}))
        return
    if args.worker == "query":
        params = json.loads(args.params)
        with KnowledgeStore(store_dir, create=False) as store:
            query = get_query(args.query)
            bindings = bind_parameters(query, params, store_dir / "opsin-cache.json")
            out: dict[str, Any] = {}
            if args.first_row:
                t = time.perf_counter()
                stream = store.stream(query.text, bindings)
                rows = 0
                for _row in stream:
                    if rows == 0:
                        out["first_row_s"] = time.perf_counter() - t
                        print(json.dumps(out), flush=True)
                    rows += 1
                out["all_rows_s"] = time.perf_counter() - t
                out["rows"] = rows
                out.setdefault("first_row_s", out["all_rows_s"])
            else:
                times = []
                rows = 0
                for _ in range(args.repeat):
                    t = time.perf_counter()
                    rows = len(list(store.stream(query.text, bindings)))
                    times.append(time.perf_counter() - t)
                out = {"median_s": statistics.median(times), "best_s": min(times), "rows": rows}
            print(json.dumps(out), flush=True)
        return
    if args.worker == "facts":
        with KnowledgeStore(store_dir, create=False) as store:
            count = """PREFIX ceph: <https://w3id.org/cephkg/ontology#>
                SELECT (COUNT(?c) AS ?n) WHERE { GRAPH ?g { ?c a ceph:Claim } }"""
            claims = int(next(iter(store.stream(count)))[0].value)  # type: ignore[index,union-attr]
            ids = store.patent_ids()
            graphs: dict[str, int] = Counter()
            for q in store.oxigraph.quads_for_pattern(None, None, None, None):
                g = q.graph_name.value if hasattr(q.graph_name, "value") else "default"
                if "/graph/patent/" in g:
                    tail = g.rsplit("/", 1)[-1]
                    kind = "patent " + (tail if tail in ("chemistry", "inferred") else "claims")
                else:
                    kind = g.rsplit("/", 1)[-1]
                graphs[kind] += 1
            # the probes: the species structure the first patents name most often, a patent in
            # the middle of the corpus, and a process claim (for process-route)
            from cephkg.store.records import PatentRecord

            named: Counter[str] = Counter()
            process: tuple[str, int] | None = None
            for pid in ids[:300]:
                record = PatentRecord.from_json(store.record(pid), pid)
                named.update(s.smiles for s in record.species if s.smiles)
                if process is None:
                    process = next(((pid, c.number) for c in record.patent.claims if str(c.category) == "process"), None)
            print(json.dumps({"claims": claims, "patents": len(ids), "quads": sum(graphs.values()),
                              "quads_by_graph": dict(graphs), "patent": ids[len(ids) // 2] if ids else None,
                              "compound": min(named, key=lambda s: (-named[s], len(s), s)) if named else None,
                              "process": process}))
        return
    raise SystemExit(f"unknown worker {args.worker}")


def worker(cmd: str, store: Path, timeout: float | None, **kw: Any) -> dict[str, Any]:
    argv = [sys.executable, __file__, "--worker", cmd, "--store", str(store)]
    for k, v in kw.items():
        if v is True:
            argv.append(f"--{k.replace('_', '-')}")
        elif v is not None and v is not False:
            argv += [f"--{k.replace('_', '-')}", str(v)]
    res = run_child(argv, timeout)
    lines = [ln for ln in res["stdout"].splitlines() if ln.startswith("{")]
    out: dict[str, Any] = json.loads(lines[-1]) if lines else {}
    if res["timed_out"]:
        out["timed_out_after_s"] = timeout
    elif res["code"] != 0:
        out["error"] = res["stderr"].strip().splitlines()[-1:] or ["exit code " + str(res["code"])]
    return out


# ----------------------------------------------------------------------------- the benchmark

def named_query_plan(patent: str, compound: str, process: tuple[str, int] | None) -> list[tuple[str, dict[str, str], str]]:
    """(query, parameters, kind): kind ``one`` = one patent / one compound (median of repeats),
    ``corpus`` = the whole corpus (time to first row)."""
    from cephkg import named_queries

    one: dict[str, dict[str, str]] = {
        "all-dependent-claims": {"patent": patent, "claim": "1"},
        "claim-tree": {"patent": patent},
        "claims-by-category": {"patent": patent},
        "claims-covering-compound": {"compound": compound},
        "cross-category-references": {"patent": patent},
        "dependent-claims-covering-compound": {"compound": compound},
        "effective-definitions": {"patent": patent},
        "joint-definitions": {"patent": patent},
        "process-route": {"patent": process[0], "claim": str(process[1])} if process else {"patent": patent, "claim": "1"},
        "process-steps": {"patent": patent},
        "processes-producing-compound": {"compound": compound},
        "provisos": {"patent": patent},
        "salt-type-constraints": {"patent": patent},
        "species": {"patent": patent},
    }
    corpus: dict[str, dict[str, str]] = {
        "claims-by-chebi-class": {"chebi": CHEBI_AMINO},
        "claims-by-substituent-class": {"class": ALKYL},
        "processes-using": {"agent": "dichloromethane"},
        "compound-identifiers": {}, "compounds-across-patents": {}, "shared-intermediates": {},
        "claims-by-category": {}, "effective-definitions": {}, "species": {}, "process-steps": {},
    }
    plan = [(name, params, "one") for name, params in one.items()]
    plan += [(name, params, "corpus") for name, params in corpus.items()]
    known = set(named_queries())
    missing = known - {name for name, _, _ in plan}
    plan += [(name, {}, "corpus") for name in sorted(missing)]
    return [(n, p, k) for n, p, k in plan if n in known]


def run(args: argparse.Namespace) -> dict[str, Any]:
    work = Path(args.work or tempfile.mkdtemp(prefix="cephkg-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus_dir = Path(args.corpus) if args.corpus else work / f"corpus-{args.n}-{args.seed}"
    doc: dict[str, Any] = {
        "n": args.n, "seed": args.seed,
        "machine": {"cpus": os.cpu_count(), "ram_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
                    "python": platform.python_version(), "platform": platform.platform()},
        "corpus": make_corpus(args.n, args.seed, corpus_dir),
    }
    rows = manifest_rows(corpus_dir)
    doc["corpus"].update({"patents": len(rows), "claims_in_manifest": sum(int(r.get("claim_count", 0)) for r in rows)})
    # the name cache
    cache = work / f"opsin-cache-{args.n}.json"
    if args.name_cache:
        shutil.copy(args.name_cache, cache)
    if not cache.is_file():
        cold = work / "store-cold"
        shutil.rmtree(cold, ignore_errors=True)
        res = run_child([*CEPHKG, "build", str(corpus_dir), "--store", str(cold), "--quiet", "--jobs", str(args.cold_jobs)])
        doc["build_cold"] = {"jobs": args.cold_jobs, "wall_s": res["wall_s"],
                             "per_patent_ms": 1000 * res["wall_s"] / max(1, len(rows)),
                             "max_rss_mb": res["max_rss_mb"], "tree_rss_mb": res["tree_rss_mb"], "code": res["code"]}
        shutil.copy(cold / "opsin-cache.json", cache)
        shutil.rmtree(cold, ignore_errors=True)
    # warm builds
    doc["builds"] = []
    store = work / "store"
    for jobs in args.jobs:
        target = work / f"store-j{jobs}"
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        shutil.copy(cache, target / "opsin-cache.json")
        res = run_child([*CEPHKG, "build", str(corpus_dir), "--store", str(target), "--quiet", "--jobs", str(jobs)])
        failed = sum(1 for ln in res["stderr"].splitlines() if ln.startswith("error:"))
        entry = {"jobs": jobs, "wall_s": res["wall_s"], "per_patent_ms": 1000 * res["wall_s"] / max(1, len(rows)),
                 "max_rss_mb": res["max_rss_mb"], "tree_rss_mb": res["tree_rss_mb"], "code": res["code"],
                 "error_lines": failed, "store_mb": disk_size(target) / 2**20}
        doc["builds"].append(entry)
        print(f"build --jobs {jobs}: {res['wall_s']:.1f} s, {res['tree_rss_mb']:.0f} MB", file=sys.stderr, flush=True)
        if store.exists():
            shutil.rmtree(store)
        target.rename(store)
    base = doc["builds"][0]["wall_s"] if doc["builds"] else None
    for entry in doc["builds"]:
        entry["speedup_vs_first"] = base / entry["wall_s"] if base else None
    facts = worker("facts", store, None)
    doc["store"] = {k: v for k, v in facts.items() if k not in ("patent", "compound", "process")}
    claims = max(1, int(facts.get("claims", 0)))
    doc["store"]["bytes_per_claim"] = disk_size(store) / claims
    doc["store"]["triples_per_claim"] = facts.get("quads", 0) / claims
    doc["store"]["size_mb"] = disk_size(store) / 2**20
    # covers
    compound = args.compound or facts.get("compound") or probe_compound(rows)
    doc["covers"] = {"compound": compound, "in_process": worker("covers", store, args.timeout, compound=compound,
                                                                 repeat=args.repeat)}
    fresh = []
    for _ in range(3):
        res = run_child([*CEPHKG, "covers", compound, "--store", str(store), "--json"], args.timeout)
        fresh.append(res["wall_s"])
        if res["timed_out"] or res["code"] != 0:
            break
    doc["covers"]["cli_fresh_median_s"] = statistics.median(fresh)
    doc["covers"]["cli_rss_mb"] = res["max_rss_mb"]
    print(f"covers: {doc['covers']}", file=sys.stderr, flush=True)
    # named queries
    process = facts.get("process")
    doc["queries"] = []
    for name, params, kind in named_query_plan(str(facts.get("patent")), compound, tuple(process) if process else None):
        if kind == "one":
            out = worker("query", store, args.timeout, query=name, params=json.dumps(params), repeat=args.repeat)
        else:
            out = worker("query", store, args.timeout, query=name, params=json.dumps(params), first_row=True)
        doc["queries"].append({"query": name, "kind": kind, "params": params, **out})
        print(f"query {name} ({kind}): {out}", file=sys.stderr, flush=True)
    # export
    nq = work / "export.nq"
    res = run_child([*CEPHKG, "export", "--store", str(store), "--format", "nq", "-o", str(nq)], args.export_timeout)
    lines = 0
    if nq.is_file():
        with nq.open("rb") as f:
            lines = sum(1 for _ in f)
    doc["export"] = {"wall_s": res["wall_s"], "triples": lines, "triples_per_s": lines / res["wall_s"] if lines else 0,
                     "max_rss_mb": res["max_rss_mb"], "tree_rss_mb": res["tree_rss_mb"], "code": res["code"],
                     "timed_out": res["timed_out"], "bytes": nq.stat().st_size if nq.is_file() else 0}
    nq.unlink(missing_ok=True)
    if not args.keep:
        shutil.rmtree(store, ignore_errors=True)
    doc["work"] = str(work)
    return doc


def table(doc: dict[str, Any]) -> str:
    def f(v: Any, unit: str = "", scale: float = 1.0, digits: int = 2) -> str:
        return "—" if v is None else f"{v * scale:.{digits}f}{unit}"

    lines = [f"N = {doc['n']} (seed {doc['seed']}), {doc['store'].get('claims')} claims, "
             f"{doc['machine']['cpus']} CPUs, {doc['machine']['ram_gb']} GB", "",
             "| what | value |", "| --- | ---: |"]
    if "build_cold" in doc:
        c = doc["build_cold"]
        lines.append(f"| build cold --jobs {c['jobs']} | {f(c['wall_s'], ' s', digits=1)}, "
                     f"{f(c['tree_rss_mb'], ' MB', digits=0)} |")
    for b in doc["builds"]:
        lines.append(f"| build warm --jobs {b['jobs']} | {f(b['wall_s'], ' s', digits=1)} "
                     f"({f(b['per_patent_ms'], ' ms', digits=0)}/patent, ×{f(b['speedup_vs_first'])}); "
                     f"RSS {f(b['max_rss_mb'], ' MB', digits=0)} largest, {f(b['tree_rss_mb'], ' MB', digits=0)} tree |")
    s = doc["store"]
    lines.append(f"| store | {f(s['size_mb'], ' MB', digits=1)}, {s.get('quads')} quads, "
                 f"{f(s['triples_per_claim'], '', digits=0)} triples/claim, "
                 f"{f(s['bytes_per_claim'] / 1024, ' kB', digits=1)}/claim |")
    cv = doc["covers"]
    ip = cv["in_process"]
    lines.append(f"| covers in-process | first {f(ip.get('first_s'), ' s', digits=3)}, "
                 f"warm {f(ip.get('warm_median_s'), ' s', digits=3)} "
                 f"(index open {f(ip.get('index_open_s'), ' s', digits=3)}; {ip.get('hits')} hits) |")
    lines.append(f"| covers fresh CLI | {f(cv['cli_fresh_median_s'], ' s')} |")
    for q in doc["queries"]:
        if "timed_out_after_s" in q:
            v = f"> {q['timed_out_after_s']:.0f} s (timed out)" + (
                f", first row {q['first_row_s'] * 1000:.0f} ms" if "first_row_s" in q else "")
        elif "error" in q:
            v = f"error: {q['error']}"
        elif q["kind"] == "one":
            v = f"median {q['median_s'] * 1000:.1f} ms ({q['rows']} rows)"
        else:
            v = f"first row {q['first_row_s'] * 1000:.0f} ms, all {q['all_rows_s'] * 1000:.0f} ms ({q['rows']} rows)"
        lines.append(f"| query {q['query']} ({'one' if q['kind'] == 'one' else 'corpus'}"
                     f"{': ' + ', '.join(sorted(q['params'])) if q['params'] else ''}) | {v} |")
    e = doc["export"]
    lines.append(f"| export N-Quads | {f(e['wall_s'], ' s', digits=1)}, {e['triples']} triples, "
                 f"{f(e['triples_per_s'], '', digits=0)} triples/s, RSS {f(e['max_rss_mb'], ' MB', digits=0)} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--jobs", type=lambda s: [int(x) for x in s.split(",")], default=[1, 2])
    parser.add_argument("--work", help="working folder (default: a new temporary folder)")
    parser.add_argument("--corpus", help="an existing corpus folder (default: generate one in --work)")
    parser.add_argument("--name-cache", help="an opsin-cache.json to start the builds from (default: a cold build makes one)")
    parser.add_argument("--compound", help="the compound covers and the compound queries ask about "
                                           "(default: the species the corpus names most often)")
    parser.add_argument("--cold-jobs", type=int, default=2, help="--jobs of the cold build that fills the name cache")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds a query or covers run may take")
    parser.add_argument("--export-timeout", type=float, default=3600.0)
    parser.add_argument("--json", help="also write the JSON document here")
    parser.add_argument("--keep", action="store_true", help="keep the last store in --work")
    # internal: one measurement in its own process
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--store", help=argparse.SUPPRESS)
    parser.add_argument("--query", help=argparse.SUPPRESS)
    parser.add_argument("--params", help=argparse.SUPPRESS)
    parser.add_argument("--first-row", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker(args)
        return
    doc = run(args)
    text = json.dumps(doc, indent=2)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    print(text)
    print(table(doc))


if __name__ == "__main__":
    main()
