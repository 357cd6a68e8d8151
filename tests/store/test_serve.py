"""``cephkg serve``: a read-only SPARQL endpoint on loopback, over a snapshot of the store."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef

from cephkg.store.local import KnowledgeStore
from cephkg.store.remote import RemoteStore
from cephkg.store.serve import SNAPSHOTS, ServeError, ServeOptions, SparqlServer
from servers import (
    ID_000,
    build_store,
    free_port,
    listening_addresses,
    oxigraph_or_skip,
    wait_for_port,
)

COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def http(method: str, url: str, body: bytes | None = None, content_type: str | None = None,
         accept: str = "application/sparql-results+json") -> tuple[int, bytes]:
    headers = {"Accept": accept} | ({"Content-Type": content_type} if content_type else {})
    req = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=20) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def count_local(folder: Path) -> int:
    with KnowledgeStore(folder) as store:
        return int(store.query(COUNT_ALL).rows[0][0])  # type: ignore[arg-type]


@pytest.fixture()
def store_copy(tmp_path: Path) -> Path:
    """A private store (these tests write to it or lock it)."""
    return build_store(tmp_path / "store")


@pytest.mark.server
def test_cli_serve_answers_refuses_updates_listens_on_loopback_and_stops(seed_dir: Path) -> None:
    oxigraph_or_skip()
    port = free_port()
    expected = count_local(seed_dir)
    process = subprocess.Popen(
        [sys.executable, "-c", "from cephkg.cli.remote import serve_command; serve_command()",
         "--store", str(seed_dir), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        started = wait_for_port(port, process, timeout=30)
        print(f"\ncephkg serve answered connections after {started:.2f} s")
        base = f"http://127.0.0.1:{port}"
        assert RemoteStore(base + "/query").triple_count() == expected

        status, _ = http("POST", base + "/update", b"INSERT DATA { <urn:a> <urn:b> <urn:c> }",
                         "application/sparql-update")
        assert status == 403
        status, _ = http("PUT", base + "/store?graph=urn:g", b"<urn:a> <urn:b> <urn:c> .", "text/turtle")
        assert status == 403
        status, _ = http("POST", base + "/query", b"update=INSERT+DATA+%7B%3Curn%3Aa%3E%3Curn%3Ab%3E%3Curn%3Ac%3E%7D",
                         "application/x-www-form-urlencoded")
        assert status == 400  # an update sent as a query is not a query
        assert RemoteStore(base + "/query").triple_count() == expected

        assert listening_addresses(port) == {"127.0.0.1"}
        snapshots = list((seed_dir / SNAPSHOTS).iterdir())
        assert len(snapshots) == 1
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=15)
    assert process.returncode == 0, err.decode()
    assert f"serving {seed_dir} read-only at http://127.0.0.1:{port}/query" in err.decode()
    assert list((seed_dir / SNAPSHOTS).iterdir()) == []
    assert listening_addresses(port) == set()


@pytest.mark.server
def test_backend_listens_on_loopback_only(seed_dir: Path) -> None:
    oxigraph_or_skip()
    with SparqlServer(seed_dir, ServeOptions(port=0)) as server:
        host, port = server.address
        assert host == "127.0.0.1"
        backend_port = server.backend_address[1]
        assert listening_addresses(port) == {"127.0.0.1"}
        assert listening_addresses(backend_port) == {"127.0.0.1"}


@pytest.mark.server
def test_graph_store_reads_are_served(seed_dir: Path) -> None:
    oxigraph_or_skip()
    with SparqlServer(seed_dir, ServeOptions(port=0)) as server, KnowledgeStore(seed_dir) as store:
        graph_iri = f"https://w3id.org/cephkg/graph/patent/{ID_000}"
        status, body = http("GET", f"{server.url}/store?graph={graph_iri}", accept="application/n-triples")
        assert status == 200
        assert len(Graph().parse(data=body.decode("utf-8"), format="nt")) == len(store.graph(URIRef(graph_iri)))


@pytest.mark.server
def test_results_over_the_limit_are_refused(seed_dir: Path) -> None:
    oxigraph_or_skip()
    with SparqlServer(seed_dir, ServeOptions(port=0, max_result_bytes=20_000)) as server:
        status, body = http("POST", server.query_url, b"SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }",
                            "application/sparql-query")
        assert status == 422
        assert body == b"the result is larger than 20000 bytes: add a LIMIT to the query\n"
        status, _ = http("POST", server.query_url, b"SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 10",
                         "application/sparql-query")
        assert status == 200


@pytest.mark.server
def test_slow_queries_get_504_and_runaways_a_restart(seed_dir: Path) -> None:
    """An aggregate Oxigraph cancels itself (after sending 200: the proxy makes it a 504); an
    ORDER BY it never cancels (the proxy answers 504 and restarts it); then it serves again."""
    oxigraph_or_skip()
    pairs = "GRAPH ?g1 { ?a ?b ?c } GRAPH ?g2 { ?d ?e ?f } FILTER(STR(?a) < STR(?d))"  # ~10^7 rows, filtered
    cross = "GRAPH ?g1 { ?a ?b ?c } GRAPH ?g2 { ?d ?e ?f } GRAPH ?g3 { ?g ?h ?i }"  # ~10^11 rows
    expected = count_local(seed_dir)
    with SparqlServer(seed_dir, ServeOptions(port=0, timeout_s=1, grace_s=3)) as server:
        for query, restarts in ((f"SELECT (COUNT(*) AS ?n) WHERE {{ {pairs} }}", 0),
                                (f"SELECT ?a WHERE {{ {cross} }} ORDER BY ?a LIMIT 1", 1)):
            start = time.monotonic()
            status, body = http("POST", server.query_url, query.encode(), "application/sparql-query")
            elapsed = time.monotonic() - start
            assert (status, body) == (504, b"the query ran for more than 1 s and was stopped\n"), query
            assert elapsed < 10, query
            assert server.restarts == restarts, query
        assert RemoteStore(server.query_url).triple_count() == expected


@pytest.mark.server
def test_serves_a_snapshot_while_the_store_is_written(store_copy: Path) -> None:
    """A build after serve started neither fails nor shows (until serve restarts)."""
    oxigraph_or_skip()
    before = count_local(store_copy)
    with SparqlServer(store_copy, ServeOptions(port=0)) as server:
        with KnowledgeStore(store_copy) as store:  # the store is not locked by the server
            store.replace_graph(ox.NamedNode("urn:x:graph"),
                                [ox.Triple(ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), ox.Literal("new"))])
            store.oxigraph.optimize()  # compaction: rewrites the files the server must not depend on
        assert RemoteStore(server.query_url).triple_count() == before
    with SparqlServer(store_copy, ServeOptions(port=0)) as server:
        assert RemoteStore(server.query_url).triple_count() == before + 1


def test_a_busy_store_is_a_clear_error(store_copy: Path) -> None:
    oxigraph_or_skip()
    with KnowledgeStore(store_copy):  # holds the RocksDB lock, as a running build does
        with pytest.raises(ServeError, match="in use by another process"):
            SparqlServer(store_copy, ServeOptions(port=0)).start()
    assert list((store_copy / SNAPSHOTS).iterdir()) == []


def test_no_store_is_a_clear_error(tmp_path: Path) -> None:
    oxigraph_or_skip()
    with pytest.raises(ServeError, match=r"no store at .*run 'cephkg build"):
        SparqlServer(tmp_path / "nothing", ServeOptions(port=0)).start()
    assert not (tmp_path / "nothing").exists()


def test_a_taken_port_is_a_clear_error(seed_dir: Path) -> None:
    oxigraph_or_skip()
    with SparqlServer(seed_dir, ServeOptions(port=0)) as first:
        with pytest.raises(ServeError, match=f"cannot listen on 127.0.0.1:{first.address[1]}.*--port"):
            SparqlServer(seed_dir, ServeOptions(port=first.address[1])).start()


def test_stale_snapshots_of_dead_servers_are_removed(store_copy: Path) -> None:
    oxigraph_or_skip()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait(10)
    stale = store_copy / SNAPSHOTS / f"{dead.pid}-1"
    stale.mkdir(parents=True)
    with SparqlServer(store_copy, ServeOptions(port=0)) as server:
        assert not stale.exists()
        assert [p.name.split("-")[0] for p in (store_copy / SNAPSHOTS).iterdir()] == [str(os.getpid())]
        assert server.snapshot_dir is not None
