"""Measure the pathological inputs of issue 12 (time, peak memory, what the user sees).

Usage: python benchmarks/hardening.py [NAME ...] [--json OUT]

Each measurement runs cephkg in a child process (``python -c "from cephkg.cli import main;
main()" …``), so it measures whichever cephkg the child imports: run it with
``PYTHONPATH=<old checkout>/src`` to measure an older version the same way. Peak memory is
the child's maximum resident set size (``getrusage(RUSAGE_CHILDREN)`` of a fresh
measuring process, so one measurement's peak does not hide another's). Nothing here
asserts a speed: the tests check behaviour, this script reports figures.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "patents"
ID_000, ID_002 = "000_50eb0af36841656b", "002_90b12462b97cb7e0"
CLI = "import sys; from cephkg.cli import main; sys.argv[0] = 'cephkg'; main()"
CROSS = ("SELECT ?a ?d ?g WHERE { GRAPH ?g1 { ?a ?b ?c } GRAPH ?g2 { ?d ?e ?f } GRAPH ?g3 { ?g ?h ?i } }")
MEASURES: dict[str, Callable[[Path], dict[str, Any]]] = {}


def measure(fn: Callable[[Path], dict[str, Any]]) -> Callable[[Path], dict[str, Any]]:
    MEASURES[fn.__name__.replace("_", "-")] = fn
    return fn


def cephkg(*args: str, timeout: float = 600, env: dict[str, str] | None = None,
           input: bytes | None = None) -> tuple[int, str, str, float, int]:
    """(exit code, stdout, stderr, seconds, peak RSS in MB) of one cephkg command in a child process."""
    start = time.monotonic()
    code = f"""
import resource, subprocess, sys, json
p = subprocess.run({[sys.executable, "-c", CLI, *args]!r}, capture_output=True, timeout={timeout}, input={input!r})
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
print(json.dumps([p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace'), peak]))
"""
    try:
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=timeout + 30,
                             env=env, check=False).stdout
        rc, stdout, stderr, peak = json.loads(out.decode().strip().splitlines()[-1])
    except (subprocess.TimeoutExpired, ValueError, IndexError):
        rc, stdout, stderr, peak = -1, "", "timed out", 0
    return rc, stdout, stderr, time.monotonic() - start, peak


def copies(folder: Path, n: int) -> Path:
    """``n`` files: copies of both seeds (with their sidecars, the patent key dropped)."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        seed = (ID_000, ID_002)[i % 2]
        stem = f"{i:03d}_copy"
        shutil.copy(EXAMPLES / f"{seed}.txt", folder / f"{stem}.txt")
        side = (EXAMPLES / f"{seed}.structures.toml").read_text(encoding="utf-8")
        (folder / f"{stem}.structures.toml").write_text(re.sub(r'(?m)^patent = ".*"\n', "", side), encoding="utf-8")
    return folder


def seed_store(tmp: Path, n: int = 0) -> Path:
    store = tmp / "store"
    paths = [str(EXAMPLES)] + ([str(copies(tmp / "copies", n))] if n else [])
    rc, _out, err, *_ = cephkg("build", *paths, "--store", str(store), "-q")
    if rc != 0:
        raise SystemExit(f"build failed: {err}")
    return store


def nested_cores(n: int) -> str:
    """A molecule nesting ``n`` cefdinir-pivoxil-like units, each ester carrying the next."""
    def unit(k: int) -> str:
        inner = "C" if k == 0 else unit(k - 1)
        a, b, c = (f"%({10 + 3 * k + i})" for i in range(3))
        return f"Nc{a}nc(/C(=N/O)C(=O)NC{b}C(=O)N{c}C(C(=O)OCOC(=O)CC" + inner + f")=C(C=C)CSC{b}{c})cs{a}"
    return unit(n)


# -- chemistry -------------------------------------------------------------------------------

@measure
def covers_large(tmp: Path) -> dict[str, Any]:
    store = seed_store(tmp)
    smiles = nested_cores(65)
    rc, out, _err, secs, peak = cephkg("covers", smiles, "--store", str(store), "--json", timeout=900)
    undecided = len(json.loads(out).get("undecided", [])) if rc == 0 and out.startswith("{") else None
    return {"what": "covers of a 2,113-atom molecule (65 nested cephem cores)", "exit": rc, "seconds": round(secs, 1),
            "peak_mb": peak, "undecided_claims": undecided}


@measure
def sidecar_huge(tmp: Path) -> dict[str, Any]:
    folder = tmp / "in"
    folder.mkdir()
    shutil.copy(EXAMPLES / f"{ID_000}.txt", folder / "good.txt")
    (folder / "bad.txt").write_text("1. A process for preparing a compound of the formula\n\nwherein R1 is amino,\n"
                                    "which comprises reacting a compound of the formula\n\nwith hydroxylamine.\n")
    (folder / "bad.structures.toml").write_text(
        f'[[structure]]\nclaim = 1\nformula = 1\nsmiles = "[*:1]{"C" * 20000}"\nvariables = {{ 1 = "R1" }}\n')
    rc, out, err, secs, peak = cephkg("build", str(folder), "--store", str(tmp / "store"))
    built = re.search(r"(\d+) of (\d+) files built", out)
    return {"what": "build of 2 files, one sidecar with a 20,000-atom SMILES", "exit": rc, "seconds": round(secs, 1),
            "peak_mb": peak, "built": built.group(0) if built else None,
            "message": next((line for line in err.splitlines() if "bad" in line), err.strip()[-200:])[:200]}


@measure
def rdkit_log(tmp: Path) -> dict[str, Any]:
    store = seed_store(tmp)
    salt = "Nc1nc(/C(=N/O)C(=O)NC2C(=O)N3C(C(=O)O)=C(C=C)CSC23)cs1.[H+]"
    rc, _out, err, _secs, _peak = cephkg("covers", salt, "--store", str(store))
    return {"what": "covers of a salt with a bare [H+]: RDKit lines on stderr", "exit": rc,
            "rdkit_lines": sum(1 for line in err.splitlines() if re.match(r"\[\d\d:\d\d:\d\d\]", line))}


ORDINARY = """
import json, statistics, sys, tempfile, time
from pathlib import Path
from cephkg import KnowledgeStore, build, run_query
from cephkg.chem.coverage import covers
from cephkg.store.scopes import load_scopes
examples = Path(sys.argv[1])
pivoxil = "Nc1nc(/C(=N/O)C(=O)NC2C(=O)N3C(C(=O)OCOC(=O)C(C)(C)C)=C(C=C)CSC23)cs1"
def ms(fn, n):
    samples = []
    for _ in range(n):
        start = time.perf_counter(); fn(); samples.append(time.perf_counter() - start)
    return round(statistics.median(samples) * 1000, 2)
with tempfile.TemporaryDirectory() as tmp, KnowledgeStore(Path(tmp) / "s") as store:
    out = {"build_both_seeds_ms": ms(lambda: build([examples], store), 3)}
    scopes = load_scopes(store).scopes
    out["covers_pivoxil_ms"] = ms(lambda: covers(pivoxil, scopes), 20)
    out["query_claims_covering_compound_ms"] = ms(lambda: run_query(
        store, "claims-covering-compound", compound="DRACJONKQLQDIZ-MYKKPKGFSA-N"), 50)
    out["query_effective_definitions_ms"] = ms(lambda: run_query(store, "effective-definitions"), 20)
print(json.dumps(out))
"""


@measure
def ordinary(tmp: Path) -> dict[str, Any]:
    """The ordinary paths, to see that the limits cost nothing there (medians of repeated runs)."""
    out = subprocess.run([sys.executable, "-c", ORDINARY, str(EXAMPLES)], capture_output=True, text=True,
                         check=False).stdout
    return {"what": "ordinary work: build, covers, two queries", **json.loads(out.strip().splitlines()[-1])}


# -- queries ---------------------------------------------------------------------------------

@measure
def query_cross_product(tmp: Path) -> dict[str, Any]:
    """Rows printed within 20 s, and peak memory, of a query over a cross product (killed at 20 s or 2 GB)."""
    store = seed_store(tmp)
    rq = tmp / "cross.rq"
    rq.write_text(f"# title: cross product\n{CROSS}\n")
    proc = subprocess.Popen([sys.executable, "-c", CLI, "query", str(rq), "--store", str(store), "--format", "csv"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    received = 0
    first: float | None = None
    start = time.monotonic()
    peak = 0

    def reader() -> None:
        nonlocal received, first
        assert proc.stdout is not None
        while chunk := proc.stdout.read1(65536):  # type: ignore[attr-defined]
            if first is None:
                first = time.monotonic() - start
            received += len(chunk)

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    while time.monotonic() - start < 20 and proc.poll() is None:
        try:
            rss = int(Path(f"/proc/{proc.pid}/status").read_text().split("VmRSS:")[1].split()[0]) // 1024
        except (OSError, IndexError, ValueError):
            rss = 0
        peak = max(peak, rss)
        if rss > 2048:
            break
        time.sleep(0.2)
    proc.kill()
    proc.wait()
    thread.join(5)
    return {"what": "query over a cross product (~10^11 rows), csv, stopped after 20 s", "first_row_s":
            None if first is None else round(first, 2), "mb_printed_in_20s": round(received / 1e6, 1), "peak_mb": peak}


@measure
def query_writes(tmp: Path) -> dict[str, Any]:
    store = seed_store(tmp)
    ethanol = "CCO"
    count = ("# title: registered\nSELECT (COUNT(*) AS ?n) WHERE { "
             "GRAPH <https://w3id.org/cephkg/graph/system/registered> { ?s ?p ?o } }\n")
    rq = tmp / "count.rq"
    rq.write_text(count)
    before = cephkg("query", str(rq), "--store", str(store), "--format", "csv")[1].split()[-1]
    _rc, _out, err, _secs, _ = cephkg("query", "claims-covering-compound", "--param", f"compound={ethanol}",
                                   "--store", str(store), "--format", "csv")
    after = cephkg("query", str(rq), "--store", str(store), "--format", "csv")[1].split()[-1]
    name = ("pivaloyloxymethyl 7-[2-(2-aminothiazol-4-yl)-2-hydroxyiminoacetamido]-3-vinyl-3-cephem-4-carboxylate")
    cli_rows = len(cephkg("query", "processes-producing-compound", "--param", f"compound={name}",
                          "--store", str(store), "--format", "csv")[1].splitlines()) - 1
    api = subprocess.run([sys.executable, "-c", f"""
from cephkg import KnowledgeStore, run_query
with KnowledgeStore({str(store)!r}) as s:
    print(len(run_query(s, 'processes-producing-compound', compound={name!r})))"""], capture_output=True, text=True,
                         check=False)
    return {"what": "cephkg query with a compound SMILES; processes-producing-compound CLI vs API",
            "registered_triples_before": int(before), "registered_triples_after": int(after),
            "stderr": err.strip()[:160], "processes_rows_cli": cli_rows, "processes_rows_api": int(api.stdout or -1)}


@measure
def query_messages(tmp: Path) -> dict[str, Any]:
    store = seed_store(tmp)
    bad = tmp / "bad.rq"
    bad.write_text("# title: bad\nSELECT * WHERE {\n  ?s ?p ?o .\n  FILTER(?o = )\n}\n")
    service = tmp / "service.rq"
    service.write_text("# title: service\nSELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }\n")
    missing = cephkg("query", "claim-tree", "-p", f"patent={ID_002}", "--store", str(tmp / "nothing"))
    syntax = cephkg("query", str(bad), "--store", str(store))
    svc = cephkg("query", str(service), "--store", str(store))
    return {"what": "messages: syntax error, SERVICE, missing store",
            "syntax": syntax[2].strip(), "service": svc[2].strip()[:200], "missing_store": missing[2].strip(),
            "missing_store_created": (tmp / "nothing").exists()}


@measure
def lock(tmp: Path) -> dict[str, Any]:
    store = seed_store(tmp)
    holder = subprocess.Popen([sys.executable, "-c", f"""
import time
from cephkg import KnowledgeStore
s = KnowledgeStore({str(store)!r})
print('open', flush=True)
time.sleep(30)"""], stdout=subprocess.PIPE)
    assert holder.stdout is not None
    holder.stdout.readline()
    rc, _out, err, *_ = cephkg("build", str(EXAMPLES), "--store", str(store))
    holder.kill()
    holder.wait()
    return {"what": "a build while another process writes the store", "exit": rc, "stderr": err.strip()[:300]}


# -- kill -9 ---------------------------------------------------------------------------------

BUILDER = """
import sys
from cephkg import KnowledgeStore, build
with KnowledgeStore(sys.argv[1]) as store:
    build([sys.argv[2]], store, on_file=lambda r: print(r.patent_id, flush=True))
"""


def store_state(store: Path) -> dict[str, Any]:
    out = subprocess.run([sys.executable, "-c", f"""
import json
from cephkg.store.local import KnowledgeStore
from cephkg.rdf import iris
with KnowledgeStore({str(store)!r}) as s:
    ids = s.patent_ids()
    broken = [p for p in ids if not s.triples(iris.patent_graph(p)) or not s.triples(iris.chemistry_graph(p))]
    print(json.dumps([len(ids), s.incomplete_patents(), broken]))"""], capture_output=True, text=True,
                         check=False).stdout
    indexed, incomplete, broken = json.loads(out) if out.strip() else (None, None, None)
    return {"indexed": indexed, "incomplete": incomplete, "indexed_but_broken": broken}


@measure
def kill_build(tmp: Path) -> dict[str, Any]:
    """kill -9 a 40-file build after the k-th patent is written (plus up to 0.15 s), k random."""
    files = copies(tmp / "in", 40)
    cache = tmp / "warm" / "opsin-cache.json"
    cephkg("build", str(files), "--store", str(cache.parent), "-q")
    rng = random.Random(12)
    runs = []
    for i in range(8):
        store = tmp / f"store{i}"
        store.mkdir()
        shutil.copy(cache, store / cache.name)  # OPSIN answers cached: the kill lands among the writes
        k = rng.randrange(0, 40)
        proc = subprocess.Popen([sys.executable, "-c", BUILDER, str(store), str(files)], stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL)
        assert proc.stdout is not None
        for _ in range(k):
            proc.stdout.readline()
        time.sleep(rng.uniform(0, 0.15))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        state = store_state(store)
        check = cephkg("check", "--store", str(store))
        covers = cephkg("covers", "CCO", "--store", str(store))
        runs.append({"killed_after": k, **state, "check_exit": check[0], "covers_exit": covers[0],
                     "covers_names_incomplete": all(p in covers[2] for p in state["incomplete"] or [])})
    return {"what": "kill -9 of a 40-file build after a random number of patents written", "runs": runs}


@measure
def kill_export(tmp: Path) -> dict[str, Any]:
    """kill -9 an export the moment its temporary file appears (plus up to 50 ms), 10 times."""
    store = seed_store(tmp, 40)
    target = tmp / "out" / "all.nq"
    target.parent.mkdir()
    reference = tmp / "reference.nq"
    cephkg("export", "--store", str(store), "--format", "nq", "-o", str(reference))
    rng = random.Random(7)
    results: Counter[str] = Counter()
    for _ in range(10):
        proc = subprocess.Popen([sys.executable, "-c", CLI, "export", "--store", str(store), "--format", "nq",
                                 "-o", str(target)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while proc.poll() is None and not any(p.name.endswith(".tmp") for p in target.parent.iterdir()):
            time.sleep(0.001)
        time.sleep(rng.uniform(0, 0.05))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        state = "absent" if not target.exists() else "complete" if target.read_bytes() == reference.read_bytes() else "PARTIAL"
        results[f"target {state}"] += 1
        results["temporaries left by the kill"] += sum(1 for p in target.parent.iterdir() if p.name.endswith(".tmp"))
    cephkg("export", "--store", str(store), "--format", "nq", "-o", str(target))
    left = sum(1 for p in target.parent.iterdir() if p.name.endswith(".tmp"))
    return {"what": "kill -9 of an export (42 patents, N-Quads) while it writes, 10 times",
            **dict(results), "temporaries after the next export": left}


# -- serve -----------------------------------------------------------------------------------

class _Recorder(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Recorder.hits.append(self.path)
        body = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"secret of the host"}}]}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, *args: Any) -> None:
        pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(store: Path, *extra: str) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-c", CLI, "serve", "--store", str(store), "--port", str(port), *extra],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return proc, port
        except OSError:
            time.sleep(0.05)
    raise SystemExit("serve did not start")


def _post(port: int, query: str, timeout: float = 60) -> tuple[int, bytes]:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        conn.request("POST", "/query", body=query.encode(), headers={
            "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
        resp = conn.getresponse()
        return resp.status, resp.read()
    except (OSError, http.client.HTTPException) as exc:
        return 0, str(exc).encode()


def _rss(pid: int) -> int:
    """Resident MB of one process (Linux)."""
    try:
        return int(Path(f"/proc/{pid}/status").read_text().split("VmRSS:")[1].split()[0]) // 1024
    except (OSError, IndexError, ValueError):
        return 0


def _rss_tree(pid: int) -> int:
    """Resident MB of a process and its children (Linux)."""
    total = 0
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            pids += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            pass
    for p in pids:
        try:
            total += int(Path(f"/proc/{p}/status").read_text().split("VmRSS:")[1].split()[0])
        except (OSError, IndexError, ValueError):
            pass
    return total // 1024


@measure
def serve_service(tmp: Path) -> dict[str, Any]:
    store = seed_store(tmp)
    _Recorder.hits = []
    target = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=target.serve_forever, daemon=True).start()
    proc, port = _serve(store)
    try:
        status, body = _post(port, f"SELECT ?x WHERE {{ SERVICE <http://127.0.0.1:{target.server_address[1]}/sparql> "
                                   "{ ?s ?p ?x } }")
    finally:
        proc.terminate()
        proc.wait(15)
        target.shutdown()
    return {"what": "serve: a query with SERVICE <http://127.0.0.1:…/> (a host-only service)", "status": status,
            "host_service_contacted": len(_Recorder.hits), "answer_reflects_it": b"secret of the host" in body}


@measure
def serve_runaway_and_crowd(tmp: Path) -> dict[str, Any]:
    """200 clients querying in a loop while one runaway query runs to its end: their statuses and latency."""
    store = seed_store(tmp)
    proc, port = _serve(store, "--timeout", "2")
    statuses: Counter[int] = Counter()
    latencies: list[float] = []
    lock = threading.Lock()
    done = threading.Event()

    def normal() -> None:
        while not done.is_set():
            start = time.monotonic()
            status, _ = _post(port, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
            with lock:
                statuses[status] += 1
                if status == 200:
                    latencies.append(time.monotonic() - start)

    runaway_status: list[int] = []
    started = time.monotonic()
    runaway_s = 0.0

    def runaway() -> None:
        nonlocal runaway_s
        runaway_status.append(_post(port, "SELECT ?a WHERE { GRAPH ?g1 { ?a ?b ?c } GRAPH ?g2 { ?d ?e ?f } "
                                          "GRAPH ?g3 { ?g ?h ?i } } ORDER BY ?a LIMIT 1")[0])
        runaway_s = time.monotonic() - started

    try:
        first = threading.Thread(target=runaway)
        first.start()
        time.sleep(0.3)  # the runaway is running when the crowd arrives
        crowd = [threading.Thread(target=normal) for _ in range(200)]
        for t in crowd:
            t.start()
        first.join(120)
        time.sleep(1)
        done.set()
        for t in crowd:
            t.join(120)
    finally:
        done.set()
        proc.terminate()
        proc.wait(15)
    latencies.sort()
    return {"what": "serve: 200 clients querying in a loop while one runaway ORDER BY query runs (timeout 2 s)",
            "runaway_status": runaway_status[0] if runaway_status else None, "runaway_s": round(runaway_s, 1),
            "statuses": {str(k): v for k, v in sorted(statuses.items())},
            "median_ok_latency_s": round(latencies[len(latencies) // 2], 2) if latencies else None,
            "p99_ok_latency_s": round(latencies[int(len(latencies) * 0.99)], 2) if latencies else None}


@measure
def serve_slow_clients(tmp: Path) -> dict[str, Any]:
    store = seed_store(tmp)
    proc, port = _serve(store)
    sockets = []
    try:
        for _ in range(50):
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(b"POST /query HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nContent-Length: 100\r\n\r\n")
            sockets.append(s)
        time.sleep(0.5)
        threads_before = len(os.listdir(f"/proc/{proc.pid}/task"))
        start = time.monotonic()
        status, _ = _post(port, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", timeout=30)
        latency = time.monotonic() - start
        time.sleep(12)
        closed = 0
        for s in sockets:
            s.settimeout(0.1)
            try:
                closed += s.recv(1) == b""
            except (TimeoutError, OSError):
                pass
    finally:
        for s in sockets:
            s.close()
        proc.terminate()
        proc.wait(15)
    return {"what": "serve: 50 clients that send headers but never the body, then one normal query",
            "normal_status": status, "normal_latency_s": round(latency, 2), "server_threads_with_50_stalled":
            threads_before, "stalled_connections_closed_by_server_after_12s": closed}


@measure
def serve_memory(tmp: Path) -> dict[str, Any]:
    store = seed_store(tmp, 40)
    proc, port = _serve(store)
    everything = "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"
    sizes: list[int] = []
    peak = peak_tree = 0
    try:
        base, base_tree = _rss(proc.pid), _rss_tree(proc.pid)
        threads = [threading.Thread(target=lambda: sizes.append(len(_post(port, everything)[1]))) for _ in range(8)]
        for t in threads:
            t.start()
        while any(t.is_alive() for t in threads):
            peak, peak_tree = max(peak, _rss(proc.pid)), max(peak_tree, _rss_tree(proc.pid))
            time.sleep(0.05)
    finally:
        proc.terminate()
        proc.wait(15)
    return {"what": "serve: 8 concurrent clients each fetching every triple of 42 patents",
            "response_mb": round(max(sizes or [0]) / 1e6, 1), "proxy_rss_idle_mb": base, "proxy_rss_peak_mb": peak,
            "with_oxigraph_idle_mb": base_tree, "with_oxigraph_peak_mb": peak_tree}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help=f"measurements to run (default all): {', '.join(MEASURES)}")
    parser.add_argument("--json", type=Path, help="also write the results as JSON to this file")
    args = parser.parse_args()
    results = {}
    for name in args.names or list(MEASURES):
        with tempfile.TemporaryDirectory(prefix=f"cephkg-{name}-") as tmp:
            print(f"## {name}", flush=True)
            results[name] = MEASURES[name](Path(tmp))
            print(json.dumps(results[name], indent=1, ensure_ascii=False), flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
