"""Push the graph to a running triple store, and query one, over standard HTTP protocols.

Push: each patent's named graph (and the ontology's) is replaced *whole* with one
request, so a re-push never duplicates and a failed push never leaves a graph
holding a mix of old and new triples:

* SPARQL 1.1 Graph Store HTTP Protocol: ``PUT <graph-store>?graph=<iri>`` with the
  graph as N-Triples (sent as ``text/turtle``, of which N-Triples is a subset, because
  every GSP server accepts Turtle);
* SPARQL 1.1 Update, for stores without a graph store endpoint, or when asked:
  ``DROP SILENT GRAPH <iri> ; INSERT DATA { GRAPH <iri> { … } }`` in ONE request,
  which SPARQL 1.1 stores run as one transaction (``INSERT {…} WHERE {}`` for a graph
  with blank nodes: Virtuoso refuses them in ``INSERT DATA``).

Atomicity of a GSP ``PUT`` is the server's: Fuseki and GraphDB run it as one
transaction; Oxigraph clears the graph, then loads the body in a transaction, so a
crash between the two leaves the graph empty (never mixed). ``protocol="update"`` is
one transaction on every SPARQL 1.1 store.

When the graph store endpoint answers the first PUT with 404/405/501 (no GSP there)
and an update endpoint is known, the push falls back to SPARQL Update.

Connection errors, timeouts, 408/429 and 5xx answers are retried with exponential
backoff, bounded in count and in time; other 4xx answers are not (the request
itself is wrong: credentials, endpoint, payload). A failed push raises
:class:`PushError` naming the graphs pushed and the graphs not pushed.

Query: :class:`RemoteStore` runs SELECT queries over the SPARQL 1.1 Protocol (URL-encoded
POST, which Virtuoso needs; direct ``application/sparql-query`` POST on request) and
returns the same :class:`~cephkg.store.QueryResult` (rdflib terms) as the
embedded store, bindings included (the same ``VALUES`` block).

Only the standard library is used (``urllib.request``).
"""

from __future__ import annotations

import base64
import http.client
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal as TypingLiteral

import pyoxigraph as ox

from ..errors import (
    PushError,
    RemoteError,
    RemoteRefusedError,
    RemoteUnavailableError,
    StoreError,
)
from ..rdf.iris import ONTOLOGY_GRAPH
from ..rdf.ontology import ontology_quads
from .export import graph_names
from .local import KnowledgeStore, QueryResult, Term

__all__ = [
    "Auth",
    "BasicAuth",
    "BearerToken",
    "Endpoints",
    "GraphPayload",
    "GraphPush",
    "Protocol",
    "PushError",
    "PushReport",
    "RemoteError",
    "RemoteRefusedError",
    "RemoteStore",
    "RemoteUnavailableError",
    "RetryPolicy",
    "ServerKind",
    "push",
    "push_payloads",
    "with_values",
]

Protocol = TypingLiteral["gsp", "update"]
ServerKind = TypingLiteral["oxigraph", "fuseki", "graphdb", "virtuoso"]

_NO_GSP = frozenset({404, 405, 501})
_RETRY_STATUS = frozenset({408, 429})


# --- configuration --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BasicAuth:
    user: str
    password: str = field(repr=False)

    def header(self) -> str:
        token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode("ascii")
        return f"Basic {token}"


@dataclass(frozen=True, slots=True)
class BearerToken:
    token: str = field(repr=False)

    def header(self) -> str:
        return f"Bearer {self.token}"


Auth = BasicAuth | BearerToken


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to try one request: ``attempts`` tries in all (the first included), waiting
    ``initial_delay`` then doubling up to ``max_delay`` between them, and giving up when the
    next wait would end more than ``deadline`` seconds after the first try (so one request
    takes at most ``deadline`` plus one HTTP timeout)."""

    attempts: int = 5
    initial_delay: float = 0.5
    max_delay: float = 8.0
    deadline: float = 60.0

    def delay(self, retry: int) -> float:
        """The wait before retry number ``retry`` (1 for the first retry)."""
        return float(min(self.initial_delay * (2 ** (retry - 1)), self.max_delay))


@dataclass(frozen=True, slots=True)
class Endpoints:
    """The URLs of one store's SPARQL services (any may be unknown)."""

    query: str | None = None
    update: str | None = None
    graph_store: str | None = None

    @classmethod
    def for_server(cls, base_url: str, kind: ServerKind = "oxigraph", dataset: str | None = None) -> Endpoints:
        """The usual endpoints of a known server at ``base_url`` (scheme, host and port).

        ``dataset`` is the Fuseki dataset or the GraphDB repository (required for those).
        Virtuoso's anonymous endpoints need SPARQL_UPDATE granted to ``SPARQL`` (see
        docs/triple-stores.md); its ``-auth`` endpoints use HTTP Digest, not supported here.
        """
        base = base_url.rstrip("/")
        if kind in ("fuseki", "graphdb") and not dataset:
            raise ValueError(f"a {kind} server needs the {'dataset' if kind == 'fuseki' else 'repository'} name")
        if kind == "oxigraph":
            return cls(f"{base}/query", f"{base}/update", f"{base}/store")
        if kind == "fuseki":
            ds = urllib.parse.quote(dataset or "", safe="")
            return cls(f"{base}/{ds}/query", f"{base}/{ds}/update", f"{base}/{ds}/data")
        if kind == "graphdb":
            repo = f"{base}/repositories/{urllib.parse.quote(dataset or '', safe='')}"
            return cls(repo, f"{repo}/statements", f"{repo}/rdf-graphs/service")
        if kind == "virtuoso":
            return cls(f"{base}/sparql", f"{base}/sparql", f"{base}/sparql-graph-crud")
        raise ValueError(f"unknown server kind {kind!r}")


# --- HTTP with retries ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Response:
    status: int
    body: bytes
    content_type: str
    attempts: int


class _Http:
    """One place for auth headers, timeouts and the retry loop."""

    def __init__(self, auth: Auth | None, timeout: float, retry: RetryPolicy,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.auth = auth
        self.timeout = timeout
        self.retry = retry
        self.sleep = sleep

    def send(self, method: str, url: str, body: bytes | None, headers: Mapping[str, str]) -> _Response:
        all_headers = dict(headers)
        if self.auth is not None:
            all_headers["Authorization"] = self.auth.header()
        start = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            status, problem, response = self._once(method, url, body, all_headers)
            if response is not None and response.status < 400:
                return _Response(response.status, response.body, response.content_type, attempt)
            retryable = status is None or status >= 500 or status in _RETRY_STATUS
            if not retryable:
                raise RemoteRefusedError(f"{method} {_safe(url)} was refused: {problem}", url, status)
            wait = self.retry.delay(attempt)
            out_of_time = time.monotonic() - start + wait > self.retry.deadline
            if attempt >= self.retry.attempts or out_of_time:
                why = f"after {attempt} attempt{'s' if attempt > 1 else ''} in {time.monotonic() - start:.1f} s"
                raise RemoteUnavailableError(f"{method} {_safe(url)} failed {why}: {problem}", url, status)
            self.sleep(wait)

    def _once(self, method: str, url: str, body: bytes | None,
              headers: Mapping[str, str]) -> tuple[int | None, str, _Response | None]:
        request = urllib.request.Request(url, data=body, method=method, headers=dict(headers))
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as resp:
                data = resp.read()
                return resp.status, "", _Response(resp.status, data, resp.headers.get("Content-Type", ""), 1)
        except urllib.error.HTTPError as exc:
            detail = _excerpt(exc.read() if exc.fp is not None else b"")
            return exc.code, f"HTTP {exc.code} {exc.reason}" + (f": {detail}" if detail else ""), None
        except urllib.error.URLError as exc:
            return None, f"cannot connect: {exc.reason}", None
        except (http.client.HTTPException, OSError) as exc:
            return None, f"connection failed: {exc!r}", None


def _excerpt(body: bytes, limit: int = 300) -> str:
    text = " ".join(body.decode("utf-8", "replace").split())
    return text if len(text) <= limit else text[:limit] + "…"


def _safe(url: str) -> str:
    """The URL without any user:password part (never print credentials)."""
    parts = urllib.parse.urlsplit(url)
    if parts.username or parts.password:
        host = parts.hostname or ""
        netloc = f"{host}:{parts.port}" if parts.port else host
        return urllib.parse.urlunsplit(parts._replace(netloc=netloc))
    return url


# --- push -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GraphPayload:
    """One named graph, serialised as N-Triples."""

    graph: str
    ntriples: bytes
    triples: int
    blank_nodes: bool = False


@dataclass(frozen=True, slots=True)
class GraphPush:
    graph: str
    triples: int
    protocol: Protocol
    attempts: int
    seconds: float


@dataclass(frozen=True, slots=True)
class PushReport:
    pushed: tuple[GraphPush, ...]
    seconds: float

    @property
    def triples(self) -> int:
        return sum(g.triples for g in self.pushed)


def _payload(graph: str, triples: Iterable[ox.Triple]) -> GraphPayload:
    items = list(triples)
    data = ox.serialize(items, format=ox.RdfFormat.N_TRIPLES) or b""
    blank = any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in items)
    return GraphPayload(graph, data, len(items), blank)


def _ontology_payload() -> GraphPayload:
    return _payload(ONTOLOGY_GRAPH.value, (q.triple for q in ontology_quads(ox.DefaultGraph())))


def _store_payload(store: KnowledgeStore, graph: str) -> GraphPayload:
    return _payload(graph, (q.triple for q in store.quads([ox.NamedNode(graph)])))


def _gsp_url(graph_store: str, graph: str) -> str:
    sep = "&" if "?" in graph_store else "?"
    return f"{graph_store}{sep}graph={urllib.parse.quote(graph, safe='')}"


_BLANK_LINE = re.compile(rb"^_:|\s_:[A-Za-z0-9_.\-]+\s*\.\s*$")


def _replace_update(graph: GraphPayload) -> bytes:
    """One SPARQL Update request replacing the graph: SPARQL 1.1 stores run it as one transaction.

    ``INSERT DATA`` for the triples without blank nodes; the triples with blank nodes,
    which Virtuoso refuses in ``INSERT DATA``, go in an ``INSERT {…} WHERE {}`` of the
    same request (same effect: the template is instantiated once, so the blank nodes stay
    shared). Virtuoso compiles a template to SQL and refuses one of more than 10000 lines,
    so the template holds only the few triples that need it (the ontology's OWL axioms).
    """
    g = graph.graph
    lines = graph.ntriples.splitlines(keepends=True)
    blank = [line for line in lines if graph.blank_nodes and _BLANK_LINE.search(line)]
    ground = [line for line in lines if line.strip() and not (graph.blank_nodes and _BLANK_LINE.search(line))]
    out = f"DROP SILENT GRAPH <{g}> ;\n".encode()
    if ground or not blank:
        out += f"INSERT DATA {{ GRAPH <{g}> {{\n".encode() + b"".join(ground) + b"\n} }"
    if blank:
        out += (b" ;\n" if ground else b"") + f"INSERT {{ GRAPH <{g}> {{\n".encode() + b"".join(blank) + b"\n} } WHERE {}"
    return out + b"\n"


def _push_one(http: _Http, endpoints: Endpoints, graph: GraphPayload, protocol: Protocol) -> int:
    """Send one graph; returns the number of attempts it took."""
    if protocol == "gsp":
        if endpoints.graph_store is None:
            raise StoreError("no Graph Store Protocol endpoint to push to (give --graph-store-url)")
        return http.send("PUT", _gsp_url(endpoints.graph_store, graph.graph), graph.ntriples,
                         {"Content-Type": "text/turtle; charset=utf-8"}).attempts
    if endpoints.update is None:
        raise StoreError("no SPARQL Update endpoint to push to (give --update-url)")
    return http.send("POST", endpoints.update, _replace_update(graph),
                     {"Content-Type": "application/sparql-update; charset=utf-8"}).attempts


def _push_all(names: Sequence[str], load: Callable[[str], GraphPayload], endpoints: Endpoints, *,
              protocol: Protocol, auth: Auth | None, retry: RetryPolicy, timeout: float, verify: bool,
              on_graph: Callable[[GraphPush], None] | None, sleep: Callable[[float], None]) -> PushReport:
    """Replace each graph on the server, in order, serialising one at a time; stop at the first failure."""
    if protocol == "gsp" and endpoints.graph_store is None:
        protocol = "update"
    if protocol == "update" and endpoints.update is None:
        raise ValueError("no endpoint to push to: give a graph store URL or an update URL")
    if verify and endpoints.query is None:
        raise ValueError("verify needs the query endpoint")
    http = _Http(auth, timeout, retry, sleep)
    checker = RemoteStore(endpoints.query, auth=auth, timeout=timeout, retry=retry, sleep=sleep) \
        if verify and endpoints.query else None
    done: list[GraphPush] = []
    start = time.monotonic()
    for name in names:
        t0 = time.monotonic()
        payload = load(name)
        try:
            try:
                attempts = _push_one(http, endpoints, payload, protocol)
            except RemoteRefusedError as exc:
                # No graph store there (first graph only: a GSP that worked once does not vanish).
                if not (protocol == "gsp" and not done and exc.status in _NO_GSP and endpoints.update):
                    raise
                protocol = "update"
                attempts = _push_one(http, endpoints, payload, protocol)
            if checker is not None:
                on_server = checker.triple_count(name)
                if on_server != payload.triples:
                    raise RemoteError(f"graph <{name}> has {on_server} triples on the server after the push, "
                                      f"expected {payload.triples}", endpoints.query or "")
        except RemoteError as exc:
            raise PushError(exc, [g.graph for g in done], list(names[len(done):])) from exc
        report = GraphPush(name, payload.triples, protocol, attempts, time.monotonic() - t0)
        done.append(report)
        if on_graph is not None:
            on_graph(report)
    return PushReport(tuple(done), time.monotonic() - start)


def push_payloads(graphs: Sequence[GraphPayload], endpoints: Endpoints, *, protocol: Protocol = "gsp",
                  auth: Auth | None = None, retry: RetryPolicy = RetryPolicy(), timeout: float = 60.0,
                  verify: bool = False, on_graph: Callable[[GraphPush], None] | None = None,
                  sleep: Callable[[float], None] = time.sleep) -> PushReport:
    """Push graphs already serialised (see :func:`push` for the semantics)."""
    by_name = {g.graph: g for g in graphs}
    return _push_all([g.graph for g in graphs], by_name.__getitem__, endpoints, protocol=protocol, auth=auth,
                     retry=retry, timeout=timeout, verify=verify, on_graph=on_graph, sleep=sleep)


def push(store: KnowledgeStore, endpoints: Endpoints, *, patent_ids: Sequence[str] | None = None,
         with_ontology: bool = True, protocol: Protocol = "gsp", auth: Auth | None = None,
         retry: RetryPolicy = RetryPolicy(), timeout: float = 60.0, verify: bool = False,
         on_graph: Callable[[GraphPush], None] | None = None,
         sleep: Callable[[float], None] = time.sleep) -> PushReport:
    """Replace, on the server, the chosen patents' graphs (all graphs when ``None``) and the ontology's.

    Graphs go one request each, the ontology first then the store's graphs in IRI order
    (see :func:`cephkg.store.export.graph_names`), serialised one at a time. The first failure
    stops the push with :class:`PushError` naming the
    graphs pushed and not pushed (the failed one included: it may or may not have been
    applied, but never in part, and a re-push makes it right). ``verify`` counts each
    graph's triples on the server afterwards (needs the query endpoint; a store that
    adds inferred triples to the graph will not match).
    """
    names = [n.value for n in graph_names(store, patent_ids)]  # unknown ids fail before anything is sent
    if not names:
        raise StoreError(f"nothing to push: the store at {store.path} holds no graphs (run 'cephkg build' first)")
    if with_ontology:
        names.insert(0, ONTOLOGY_GRAPH.value)

    def load(name: str) -> GraphPayload:
        return _ontology_payload() if with_ontology and name == ONTOLOGY_GRAPH.value else _store_payload(store, name)

    return _push_all(names, load, endpoints, protocol=protocol, auth=auth, retry=retry, timeout=timeout,
                     verify=verify, on_graph=on_graph, sleep=sleep)


# --- remote queries -------------------------------------------------------------------------


class RemoteStore:
    """A SPARQL 1.1 Protocol query endpoint answering like :class:`~cephkg.store.KnowledgeStore`.

    Queries go as URL-encoded POST (``query=…``) by default: the one form every SPARQL
    1.1 service must accept and every server tried does (Virtuoso 7.2 hangs on a direct
    ``application/sparql-query`` POST); ``direct=True`` sends that instead.
    """

    def __init__(self, query_url: str, *, auth: Auth | None = None, timeout: float = 60.0,
                 retry: RetryPolicy = RetryPolicy(), direct: bool = False,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.query_url = query_url
        self.direct = direct
        self._http = _Http(auth, timeout, retry, sleep)

    def __repr__(self) -> str:
        return f"RemoteStore({_safe(self.query_url)!r})"

    def query(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> QueryResult:
        """Run a SELECT query; ``bindings`` are sent as a ``VALUES`` block of RDF terms."""
        text = with_values(sparql, bindings or {})
        if self.direct:
            body, content_type = text.encode("utf-8"), "application/sparql-query; charset=utf-8"
        else:
            body, content_type = urllib.parse.urlencode({"query": text}).encode("ascii"), \
                "application/x-www-form-urlencoded"
        resp = self._http.send("POST", self.query_url, body,
                               {"Content-Type": content_type, "Accept": "application/sparql-results+json"})
        try:
            results = ox.parse_query_results(resp.body, format=ox.QueryResultsFormat.JSON)
            if not isinstance(results, ox.QuerySolutions):
                raise StoreError("only SELECT queries return rows")
            columns = tuple(v.value for v in results.variables)
            rows = tuple(tuple(solution[c] for c in columns) for solution in results)
        except (SyntaxError, ValueError) as exc:
            raise RemoteError(f"{_safe(self.query_url)} did not answer SPARQL JSON results "
                              f"({resp.content_type or 'no content type'}): {str(exc).splitlines()[0]}",
                              self.query_url, resp.status) from exc
        return QueryResult(columns, rows)

    def triple_count(self, graph_iri: str | None = None) -> int:
        """Triples in one named graph, or in all named graphs."""
        graph = f"<{graph_iri}>" if graph_iri is not None else "?g"
        result = self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
        value = result.as_dicts()[0]["n"] if len(result) else 0
        return int(value)

    def graphs(self) -> list[str]:
        """The named graphs holding at least one triple."""
        result = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(str(r["g"]) for r in result.as_dicts())


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def with_values(sparql: str, bindings: Mapping[str, Term]) -> str:
    """Bind variables with a ``VALUES`` block of serialised RDF terms, for a remote endpoint.

    SPARQL 1.1's own way to bind (inline data), for stores that have no other: terms are
    written in N-Triples syntax by pyoxigraph, which escapes them, so a value can never
    change the query's shape. The block opens the outer WHERE group, so FILTERs in the
    query see the bound values. (The embedded store binds with pyoxigraph's substitutions.)
    """
    if not bindings:
        return sparql
    names = " ".join(f"?{k}" for k in bindings)
    values = " ".join(str(v) for v in bindings.values())
    block = f"\n  VALUES ({names}) {{ ({values}) }}\n"
    where = _WHERE.search(sparql)
    if where is None:
        return f"{sparql.rstrip()}\nVALUES ({names}) {{ ({values}) }}\n"
    return sparql[:where.end()] + block + sparql[where.end():]
