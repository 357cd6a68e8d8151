"""Push: graphs replaced whole on a real Oxigraph server; auth, retries, refusals and crashes."""

from __future__ import annotations

import base64
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import BNode, Graph, URIRef
from rdflib.compare import isomorphic

from cephkg.cli.remote import push_command
from cephkg.errors import CephkgError, StoreError
from cephkg.rdf import iris
from cephkg.store.local import KnowledgeStore
from cephkg.store.remote import (
    BasicAuth,
    BearerToken,
    Endpoints,
    GraphPayload,
    PushError,
    RemoteRefusedError,
    RemoteStore,
    RemoteUnavailableError,
    RetryPolicy,
    push,
    push_payloads,
)
from rdfvocab import ONTOLOGY_GRAPH, ontology_graph, patent_graph_iri
from servers import ID_000, ID_002, KillingProxy, OxigraphServer, RecordingServer, VirtuosoServer, free_port

FAST = RetryPolicy(attempts=3, initial_delay=0.01, max_delay=0.02, deadline=5.0)
_counts: dict[Path, dict[str, int]] = {}


def local_counts(folder: Path) -> dict[str, int]:
    """Triples per graph, in push order: the ontology (from its files), then every graph of the store."""
    if folder not in _counts:
        with KnowledgeStore(folder) as store:
            counts = {g: len(store.graph(URIRef(g))) for g in store.graphs()
                      if g not in (str(ONTOLOGY_GRAPH), iris.INDEX_GRAPH.value)}
        _counts[folder] = {str(ONTOLOGY_GRAPH): len(ontology_graph())} | counts
    return _counts[folder]


def graphs_of(folder: Path) -> list[str]:
    names = list(local_counts(folder))
    assert {str(patent_graph_iri(ID_000)), str(patent_graph_iri(ID_002))} <= set(names)
    return names


def remote_counts(remote: RemoteStore, graphs: list[str]) -> dict[str, int]:
    return {g: remote.triple_count(g) for g in graphs}


def junk(graphs: list[str]) -> list[GraphPayload]:
    """One stand-in triple per graph: 'old content' that a replacing push must remove."""
    return [GraphPayload(g, f"<{g}> <urn:x:old> \"old\" .\n".encode(), 1) for g in graphs]


@pytest.mark.server
def test_push_both_seeds_then_repush_without_duplicates(seed_dir: Path, oxigraph: OxigraphServer) -> None:
    expected = local_counts(seed_dir)
    graphs = graphs_of(seed_dir)
    remote = RemoteStore(oxigraph.endpoints.query or "")
    with KnowledgeStore(seed_dir) as store:
        first = push(store, oxigraph.endpoints)
        assert [g.graph for g in first.pushed] == graphs
        assert {g.protocol for g in first.pushed} == {"gsp"}
        assert first.triples == sum(expected.values())
        assert remote_counts(remote, graphs) == expected
        second = push(store, oxigraph.endpoints)
    assert second.triples == first.triples
    assert remote_counts(remote, graphs) == expected
    assert remote.triple_count() == sum(expected.values())
    assert remote.graphs() == sorted(graphs)
    print(f"\npush of both seeds + ontology: {first.seconds:.3f} s first, {second.seconds:.3f} s again")


@pytest.mark.server
def test_pushed_graphs_are_isomorphic_to_the_store(seed_dir: Path, oxigraph: OxigraphServer) -> None:
    """Literals, language tags, datatypes and the ontology's blank nodes survive the trip."""
    with KnowledgeStore(seed_dir) as store:
        push(store, oxigraph.endpoints)
        local = {g: store.graph(URIRef(g)) for g in graphs_of(seed_dir)[1:]}
    local[str(ONTOLOGY_GRAPH)] = ontology_graph()
    for name, graph in local.items():
        url = f"{oxigraph.endpoints.graph_store}?graph={urllib.parse.quote(name, safe='')}"
        req = urllib.request.Request(url, headers={"Accept": "application/n-triples"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            remote = Graph().parse(data=resp.read().decode("utf-8"), format="nt")
        assert isomorphic(remote, graph), name


@pytest.mark.server
@pytest.mark.parametrize("protocol", ["gsp", "update"])
def test_push_replaces_old_content_whole(seed_dir: Path, oxigraph: OxigraphServer, protocol: str) -> None:
    expected = local_counts(seed_dir)
    graphs = graphs_of(seed_dir)
    push_payloads(junk(graphs + ["urn:x:other"]), oxigraph.endpoints)
    with KnowledgeStore(seed_dir) as store:
        report = push(store, oxigraph.endpoints, protocol=protocol, verify=True)  # type: ignore[arg-type]
    assert {g.protocol for g in report.pushed} == {protocol}
    remote = RemoteStore(oxigraph.endpoints.query or "")
    assert remote_counts(remote, graphs) == expected
    assert remote.triple_count("urn:x:other") == 1  # graphs cephkg does not own are left alone
    old = remote.query("SELECT ?g WHERE { GRAPH ?g { ?s <urn:x:old> ?o } }")
    assert [str(r[0]) for r in old.rows] == ["urn:x:other"]


@pytest.mark.server
def test_falls_back_to_update_when_there_is_no_graph_store(seed_dir: Path, oxigraph: OxigraphServer) -> None:
    ep = oxigraph.endpoints
    no_gsp = Endpoints(ep.query, ep.update, f"{oxigraph.base}/no-graph-store-here")
    with KnowledgeStore(seed_dir) as store:
        report = push(store, no_gsp)
    assert [g.protocol for g in report.pushed] == ["update"] * len(graphs_of(seed_dir))
    assert remote_counts(RemoteStore(ep.query or ""), graphs_of(seed_dir)) == local_counts(seed_dir)


@pytest.mark.server
def test_only_chosen_patents_without_ontology(seed_dir: Path, oxigraph: OxigraphServer) -> None:
    with KnowledgeStore(seed_dir) as store:
        report = push(store, oxigraph.endpoints, patent_ids=[ID_002], with_ontology=False)
    mine = [g for g in graphs_of(seed_dir) if ID_002 in g.split("/")]
    assert str(patent_graph_iri(ID_002)) in mine
    assert [g.graph for g in report.pushed] == mine
    assert RemoteStore(oxigraph.endpoints.query or "").graphs() == sorted(mine)


def test_unknown_patent_fails_before_anything_is_sent(seed_dir: Path) -> None:
    with RecordingServer() as server, KnowledgeStore(seed_dir) as store:
        with pytest.raises(CephkgError, match="not in the store: nope"):
            push(store, Endpoints.for_server(server.base), patent_ids=["nope"])
        assert server.requests == []


def test_an_empty_store_is_an_error(tmp_path: Path) -> None:
    with RecordingServer() as server, KnowledgeStore(tmp_path / "empty") as store:
        with pytest.raises(StoreError, match="nothing to push: the store at .* holds no graphs"):
            push(store, Endpoints.for_server(server.base))
        assert server.requests == []


def test_gsp_request_shape_and_basic_auth(seed_dir: Path) -> None:
    with RecordingServer() as server, KnowledgeStore(seed_dir) as store:
        push(store, Endpoints.for_server(server.base), auth=BasicAuth("alice", "s3cret:x"))
    token = base64.b64encode(b"alice:s3cret:x").decode()
    graphs = graphs_of(seed_dir)
    assert [r.method for r in server.requests] == ["PUT"] * len(graphs)
    assert [r.path for r in server.requests] == [
        "/store?graph=" + urllib.parse.quote(g, safe="") for g in graphs]
    counts = local_counts(seed_dir)
    for r, g in zip(server.requests, graphs, strict=True):
        assert r.headers["Authorization"] == f"Basic {token}"
        assert r.headers["Content-Type"] == "text/turtle; charset=utf-8"
        assert len(Graph().parse(data=r.body.decode("utf-8"), format="turtle")) == counts[g]


def test_update_request_shape_and_bearer_token(seed_dir: Path) -> None:
    with RecordingServer() as server, KnowledgeStore(seed_dir) as store:
        push(store, Endpoints.for_server(server.base), protocol="update", auth=BearerToken("tok-123"),
             patent_ids=[ID_000], with_ontology=False)
    r = server.requests[0]
    g = str(patent_graph_iri(ID_000))
    assert (r.method, r.path) == ("POST", "/update")
    assert r.headers["Authorization"] == "Bearer tok-123"
    assert r.headers["Content-Type"] == "application/sparql-update; charset=utf-8"
    assert r.body.startswith(f"DROP SILENT GRAPH <{g}> ;\nINSERT DATA {{ GRAPH <{g}> {{\n".encode())
    assert r.body.endswith(b"\n} }\n")


def test_credentials_never_in_reprs() -> None:
    assert "s3cret" not in repr(BasicAuth("alice", "s3cret"))
    assert "tok-123" not in repr(BearerToken("tok-123"))
    assert "pw" not in repr(RemoteStore("http://bob:pw@127.0.0.1:1/query"))


def test_retries_503_with_exponential_backoff_then_succeeds(seed_dir: Path) -> None:
    waits: list[float] = []
    policy = RetryPolicy(attempts=4, initial_delay=0.5, max_delay=8.0, deadline=60.0)
    with RecordingServer([503, 503, 503]) as server, KnowledgeStore(seed_dir) as store:
        report = push(store, Endpoints.for_server(server.base), retry=policy, sleep=waits.append)
    assert [g.attempts for g in report.pushed] == [4] + [1] * (len(graphs_of(seed_dir)) - 1)
    assert waits == [0.5, 1.0, 2.0]
    assert len(server.requests) == len(graphs_of(seed_dir)) + 3
    assert server.requests[0].body == server.requests[3].body  # the same PUT, repeated whole


def test_retries_are_bounded_in_count(seed_dir: Path) -> None:
    waits: list[float] = []
    with RecordingServer([500] * 10) as server, KnowledgeStore(seed_dir) as store:
        with pytest.raises(PushError) as info:
            push(store, Endpoints.for_server(server.base), retry=RetryPolicy(attempts=3), sleep=waits.append)
    assert len(server.requests) == 3 and len(waits) == 2
    assert isinstance(info.value.cause, RemoteUnavailableError) and info.value.cause.status == 500
    assert "after 3 attempts" in str(info.value)
    assert info.value.pushed == () and info.value.not_pushed == tuple(graphs_of(seed_dir))


def test_retries_are_bounded_in_time(seed_dir: Path) -> None:
    policy = RetryPolicy(attempts=100, initial_delay=0.1, max_delay=0.1, deadline=0.35)
    start = time.monotonic()
    with RecordingServer([503] * 100) as server, KnowledgeStore(seed_dir) as store:
        with pytest.raises(PushError, match="HTTP 503"):
            push(store, Endpoints.for_server(server.base), retry=policy)
    assert time.monotonic() - start < 2.0
    assert 2 <= len(server.requests) <= 5


def test_refused_push_names_pushed_and_unpushed_graphs(seed_dir: Path) -> None:
    with RecordingServer([204, 403]) as server, KnowledgeStore(seed_dir) as store:
        with pytest.raises(PushError) as info:
            push(store, Endpoints.for_server(server.base), retry=FAST)
    err = info.value
    graphs = graphs_of(seed_dir)
    assert isinstance(err, StoreError) and isinstance(err.cause, RemoteRefusedError)
    assert err.cause.status == 403
    assert len(server.requests) == 2  # a 4xx is not retried
    assert err.pushed == (graphs[0],)
    assert err.not_pushed == tuple(graphs[1:])
    text = str(err)
    assert "HTTP 403" in text and "scripted 403" in text
    assert f"pushed (1): {graphs[0]}" in text
    assert f"not pushed ({len(graphs) - 1}): {', '.join(graphs[1:])}" in text


def test_server_down_is_a_clear_error(seed_dir: Path) -> None:
    down = Endpoints.for_server(f"http://127.0.0.1:{free_port()}")
    start = time.monotonic()
    with KnowledgeStore(seed_dir) as store, pytest.raises(PushError) as info:
        push(store, down, retry=FAST)
    assert time.monotonic() - start < 5
    cause = info.value.cause
    assert isinstance(cause, RemoteUnavailableError) and cause.status is None
    assert "cannot connect" in str(info.value) and "Connection refused" in str(info.value)
    assert info.value.pushed == () and info.value.not_pushed == tuple(graphs_of(seed_dir))


@pytest.mark.server
@pytest.mark.parametrize("protocol", ["gsp", "update"])
def test_server_killed_mid_push_leaves_no_partial_graph(many_dir: Path, tmp_path: Path, protocol: str) -> None:
    """SIGKILL the server while the 3rd graph's request is half sent; restart; push again.

    Every graph is then either its old content (one stand-in triple), or complete. With
    SPARQL Update the killed graph keeps its old content (one transaction). Oxigraph runs a
    GSP PUT as "clear, then load in a transaction", so there the killed graph may be left
    empty: never mixed, never part of the new content.
    """
    expected = local_counts(many_dir)
    graphs = graphs_of(many_dir)
    assert len(graphs) >= 7  # the ontology and at least one graph per patent
    backend = OxigraphServer(tmp_path / "data").start()
    try:
        push_payloads(junk(graphs), backend.endpoints)
        with KillingProxy(backend, kill_on=3) as proxy, KnowledgeStore(many_dir) as store:
            with pytest.raises(PushError) as info:
                push(store, proxy.endpoints, protocol=protocol, retry=FAST)  # type: ignore[arg-type]
        err = info.value
        assert isinstance(err.cause, RemoteUnavailableError)
        assert err.pushed == tuple(graphs[:2]) and err.not_pushed == tuple(graphs[2:])

        backend = OxigraphServer(tmp_path / "data").start()  # the same data, after the crash
        remote = RemoteStore(backend.endpoints.query or "")
        after = remote_counts(remote, graphs)
        assert {g: after[g] for g in err.pushed} == {g: expected[g] for g in err.pushed}
        assert all(after[g] == 1 for g in graphs[3:])
        allowed = {1} if protocol == "update" else {0, 1}
        assert after[graphs[2]] in allowed, f"graph {graphs[2]} holds {after[graphs[2]]} triples"
        print(f"\n{protocol}: killed graph holds {after[graphs[2]]} triple(s) after the crash")

        with KnowledgeStore(many_dir) as store:
            report = push(store, backend.endpoints, protocol=protocol)  # type: ignore[arg-type]
        assert len(report.pushed) == len(graphs)
        assert remote_counts(remote, graphs) == expected
        assert remote.triple_count() == sum(expected.values())
    finally:
        backend.stop()


@pytest.mark.server
def test_remote_store_refuses_a_bad_query(oxigraph: OxigraphServer) -> None:
    remote = RemoteStore(oxigraph.endpoints.query or "", retry=FAST)
    with pytest.raises(RemoteRefusedError) as info:
        remote.query("SELECT WHERE {")
    assert info.value.status == 400
    with pytest.raises(StoreError, match="only SELECT"):
        remote.query("ASK { ?s ?p ?o }")


@pytest.mark.server
def test_cli_push_ok_then_refused(seed_dir: Path, oxigraph: OxigraphServer) -> None:
    runner = CliRunner()
    ok = runner.invoke(push_command, [oxigraph.base, "--store", str(seed_dir), "--verify"])
    assert ok.exit_code == 0, ok.output
    n = len(graphs_of(seed_dir))
    total = sum(local_counts(seed_dir).values())
    assert ok.stdout.splitlines()[-1].startswith(f"pushed {n} graphs, {total} triples to")
    assert f"pushed {patent_graph_iri(ID_002)} (" in ok.stdout

    with RecordingServer([204, 401]) as server:
        bad = runner.invoke(push_command, [server.base, "--store", str(seed_dir), "--token", "t", "--retries", "0"])
    assert bad.exit_code == 1
    assert "HTTP 401" in bad.stderr
    assert f"pushed (1): {ONTOLOGY_GRAPH}" in bad.stderr
    assert f"not pushed ({n - 1}): {', '.join(graphs_of(seed_dir)[1:])}" in bad.stderr

    usage = runner.invoke(push_command, ["http://127.0.0.1:1", "--server", "fuseki", "--store", str(seed_dir)])
    assert usage.exit_code == 2 and "dataset" in usage.stderr


@pytest.mark.server
@pytest.mark.parametrize("protocol", ["update", "gsp"])
def test_push_to_virtuoso(seed_dir: Path, virtuoso: VirtuosoServer, protocol: str) -> None:
    """Virtuoso 7: blank nodes (the ontology's) go through (it refuses them in INSERT DATA,
    so push writes INSERT {...} WHERE {}); queries are URL-encoded (it hangs on direct POST)."""
    ep = Endpoints.for_server(virtuoso.base, "virtuoso")
    remote = RemoteStore(ep.query or "", timeout=30)
    expected, graphs = local_counts(seed_dir), graphs_of(seed_dir)
    for _ in range(2):
        with KnowledgeStore(seed_dir) as store:
            report = push(store, ep, protocol=protocol, verify=True, timeout=30)  # type: ignore[arg-type]
        assert {g.protocol for g in report.pushed} == {protocol}
        assert remote_counts(remote, graphs) == expected
    blank = remote.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> "
                         "{ ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) } }")
    expected_blank = sum(1 for s, _, o in ontology_graph() if isinstance(s, BNode) or isinstance(o, BNode))
    assert expected_blank > 0 and int(blank.rows[0][0]) == expected_blank  # type: ignore[arg-type]


def test_endpoint_presets() -> None:
    assert Endpoints.for_server("http://h:7878/") == Endpoints(
        "http://h:7878/query", "http://h:7878/update", "http://h:7878/store")
    assert Endpoints.for_server("http://h:3030", "fuseki", "ceph") == Endpoints(
        "http://h:3030/ceph/query", "http://h:3030/ceph/update", "http://h:3030/ceph/data")
    assert Endpoints.for_server("http://h:7200", "graphdb", "ceph") == Endpoints(
        "http://h:7200/repositories/ceph", "http://h:7200/repositories/ceph/statements",
        "http://h:7200/repositories/ceph/rdf-graphs/service")
    assert Endpoints.for_server("http://h:8890", "virtuoso") == Endpoints(
        "http://h:8890/sparql", "http://h:8890/sparql", "http://h:8890/sparql-graph-crud")
    with pytest.raises(ValueError, match="repository"):
        Endpoints.for_server("http://h:7200", "graphdb")
