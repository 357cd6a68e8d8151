"""The embedded on-disk triple store (Oxigraph through pyoxigraph).

A patent lives in its own named graphs (``graph/patent/<id>`` and ``…/chemistry``, plus
``…/inferred`` once reasoned) and has one entry in the store's index graph holding its
*record*: the parsed model, its curated structures and its resolved species, so the
commands that decide coverage need nothing but the store.

A patent is written atomically: its index entry is removed first, its old graphs dropped,
then its new graphs *and* its index entry are added in one transaction (with, in the
builds graph, which build generated them). A build killed at any point leaves the patent
either complete and indexed, or not indexed; commands read only indexed patents and name
any graphs left without an entry (:meth:`incomplete_patents`).

Queries are read-only and bounded in memory: :meth:`KnowledgeStore.stream` yields the rows
as the engine produces them (``query`` collects them); a query holding a SERVICE clause is
refused (:mod:`cephkg.store.sparql`), and a syntax error is one line with its position.
Opening a store another process is writing is a :class:`StoreLockedError` saying so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Identifier

from ..errors import QueryError, StoreError, StoreLockedError
from ..rdf import iris
from ..rdf.ontology import ontology_quads
from ..rdf.provenance import graph_provenance
from ..rdf.terms import from_rdflib
from .sparql import refuse_service, syntax_message

__all__ = ["DEFAULT_STORE", "KnowledgeStore", "PatentData", "QueryResult", "QueryStream", "Term", "python_value", "to_rdflib"]

DEFAULT_STORE = Path(".cephkg")
Term = ox.NamedNode | ox.BlankNode | ox.Literal

#: The index graph's predicates: patent IRI → its record (JSON), and its coverage screen
#: (JSON; what ``covers`` decides without reading the record). Internal to the store; the
#: index graph is never exported or pushed.
RECORD = ox.NamedNode(iris.BASE + "store#record")
SCREEN = ox.NamedNode(iris.BASE + "store#screen")


def to_rdflib(term: Any) -> Identifier | None:
    """A pyoxigraph term as the rdflib term of the same RDF term."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"not an Oxigraph term: {term!r}")


_NUMBERS = {"http://www.w3.org/2001/XMLSchema#" + t: int for t in
            ("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
             "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong", "unsignedShort",
             "unsignedByte")}


def python_value(term: Any) -> Any:
    """A result term as a plain Python value: numbers and booleans converted, IRIs as strings."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if datatype in _NUMBERS:
            try:
                return int(term.value)
            except ValueError:
                return term.value
        if datatype.endswith(("#decimal", "#double", "#float")):
            try:
                return float(term.value)
            except ValueError:
                return term.value
        if datatype.endswith("#boolean"):
            return term.value in ("true", "1")
        return term.value
    return term.value


@dataclass(frozen=True, slots=True)
class QueryResult:
    """Rows of a SELECT query: ``terms`` as pyoxigraph terms (``None`` for unbound).

    ``rows`` gives the same rows as rdflib terms, for code that works with rdflib.
    """

    columns: tuple[str, ...]
    terms: tuple[tuple[Term | None, ...], ...]
    _rows: list[tuple[Identifier | None, ...]] = field(default_factory=list, repr=False, compare=False)

    @property
    def rows(self) -> tuple[tuple[Identifier | None, ...], ...]:
        if not self._rows and self.terms:
            self._rows.extend(tuple(to_rdflib(t) for t in row) for row in self.terms)
        return tuple(self._rows)

    def as_dicts(self) -> list[dict[str, Any]]:
        """Rows as plain Python values (numbers and booleans converted, IRIs as strings)."""
        return [{c: python_value(v) for c, v in zip(self.columns, row)} for row in self.terms]

    def __len__(self) -> int:
        return len(self.terms)


class QueryStream:
    """The rows of a SELECT query as the engine produces them (iterate once).

    Holds no row after it has been yielded, so a query of any size runs in constant
    memory unless it sorts or groups (``ORDER BY``, ``GROUP BY``), which the engine
    must see whole first. Errors met while rows are produced are :class:`QueryError`.
    """

    def __init__(self, columns: tuple[str, ...], rows: Iterator[tuple[Term | None, ...]]) -> None:
        self.columns = columns
        self._rows = rows

    def __iter__(self) -> Iterator[tuple[Term | None, ...]]:
        try:
            yield from self._rows
        except OSError as exc:
            raise QueryError(f"the query failed: {_one_line(exc)}") from exc

    def dicts(self, convert: Callable[[Any], Any] = python_value) -> Iterator[dict[str, Any]]:
        """Rows as ``{column: value}`` (plain Python values by default)."""
        for row in self:
            yield {c: convert(v) for c, v in zip(self.columns, row)}


def _named(graph_iri: ox.NamedNode | str) -> ox.NamedNode:
    return graph_iri if isinstance(graph_iri, ox.NamedNode) else ox.NamedNode(str(graph_iri))


def _one_line(exc: BaseException) -> str:
    """An engine's message as one line of at most 300 characters."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 300 else text[:297] + "..."


@dataclass(frozen=True, slots=True)
class PatentData:
    """One patent ready to be written by :meth:`KnowledgeStore.write_patents`: its record
    (JSON text), its graphs as N-Quads (only graphs it owns, no blank nodes) and their IRIs."""

    patent_id: str
    record: str
    nquads: bytes
    graphs: tuple[str, ...]
    #: the patent's coverage screen (JSON, :class:`cephkg.chem.coverage.Screen`), kept in the index
    screen: str | None = None


class KnowledgeStore:
    """An Oxigraph store in a folder (or in memory when ``path`` is ``None``).

    ``create=False`` makes a missing folder an error instead of a new empty store.
    """

    def __init__(self, path: Path | str | None = DEFAULT_STORE, *, create: bool = True) -> None:
        self.path = Path(path) if path is not None else None
        self._store: ox.Store | None
        try:
            if self.path is None:
                self._store = ox.Store()
            else:
                if not (self.path / "oxigraph").is_dir():
                    if not create:
                        raise StoreError(f"there is no cephkg store at {self.path} (run 'cephkg build' to make one)")
                    self.path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(self.path / "oxigraph"))
        except OSError as exc:
            if "lock" in str(exc).lower():
                raise StoreLockedError(f"another cephkg is writing to this store ({self.path}): wait for it "
                                       "to finish, or use another --store") from exc
            raise StoreError(f"cannot open the store at {self.path}: {_one_line(exc)}") from exc

    def __enter__(self) -> KnowledgeStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._store is not None:
            self._store.flush()
        self._store = None

    @property
    def opsin_cache(self) -> Path | None:
        """Where the store keeps OPSIN's answers (None for an in-memory store)."""
        return self.path / "opsin-cache.json" if self.path is not None else None

    @property
    def oxigraph(self) -> ox.Store:
        if self._store is None:
            raise StoreError("the store is closed")
        return self._store

    # -- graphs ---------------------------------------------------------------------

    def replace_graph(self, graph_iri: ox.NamedNode | str, triples: Iterable[ox.Triple] | Graph) -> int:
        """Make ``graph_iri`` hold exactly ``triples`` (or an rdflib graph's); returns the triple count.

        The old graph is dropped, then the new triples added in one transaction.
        """
        graph_iri = _named(graph_iri)
        if isinstance(triples, Graph):
            triples = from_rdflib(triples)
        quads = [ox.Quad(t.subject, t.predicate, t.object, graph_iri) for t in dict.fromkeys(triples)]
        try:
            self.oxigraph.remove_graph(graph_iri)
            self.oxigraph.extend(quads)
        except OSError as exc:
            raise StoreError(f"cannot write graph <{graph_iri.value}>: {_one_line(exc)}") from exc
        return len(quads)

    def drop_graph(self, graph_iri: ox.NamedNode | str) -> None:
        self.oxigraph.remove_graph(_named(graph_iri))

    def add_triples(self, graph_iri: ox.NamedNode | str, triples: Iterable[ox.Triple]) -> int:
        """Add ``triples`` to a graph (what it holds already stays), in one transaction."""
        graph_iri = _named(graph_iri)
        quads = [ox.Quad(t.subject, t.predicate, t.object, graph_iri) for t in dict.fromkeys(triples)]
        try:
            self.oxigraph.extend(quads)
        except OSError as exc:
            raise StoreError(f"cannot write graph <{graph_iri.value}>: {_one_line(exc)}") from exc
        return len(quads)

    def load_ontology(self) -> int:
        """(Re)load the ontology files into the ontology graph."""
        quads = ontology_quads(iris.ONTOLOGY_GRAPH)
        self.oxigraph.remove_graph(iris.ONTOLOGY_GRAPH)
        self.oxigraph.extend(quads)
        return len(quads)

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self.oxigraph.named_graphs() if isinstance(g, ox.NamedNode))

    def graph(self, graph_iri: ox.NamedNode | str) -> Graph:
        """One named graph as an rdflib graph (for rdflib-based tools)."""
        data = self.oxigraph.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=_named(graph_iri))
        out = Graph()
        if data:
            out.parse(data=data, format="nt")
        return out

    def triples(self, graph_iri: ox.NamedNode | str) -> list[ox.Triple]:
        return [q.triple for q in self.oxigraph.quads_for_pattern(None, None, None, _named(graph_iri))]

    def quads(self, graph_iris: Sequence[ox.NamedNode] | None = None) -> Iterator[ox.Quad]:
        if graph_iris is None:
            yield from self.oxigraph.quads_for_pattern(None, None, None, None)
            return
        for g in graph_iris:
            yield from self.oxigraph.quads_for_pattern(None, None, None, g)

    # -- patents ----------------------------------------------------------------------

    def write_patent(self, patent_id: str, record: str, graphs: Mapping[ox.NamedNode, Iterable[ox.Triple]],
                     build: ox.NamedNode | None = None, derived_from: ox.NamedNode | None = None) -> int:
        """Replace one patent atomically: its graphs and its index entry appear together.

        ``record`` is the patent's record (JSON text); ``graphs`` maps each of the patent's
        graphs to its triples; ``build`` is the build activity writing them and
        ``derived_from`` the input file they were read from (its ``ceph:SourceDocument``),
        recorded in the builds graph (``<graph> prov:wasGeneratedBy <build>``,
        ``<graph> prov:wasDerivedFrom <file>``) in the same transaction, in place of what
        was recorded for the patent before. Returns the number of triples written to the
        patent's graphs.
        """
        patent = iris.patent(patent_id)
        owned = set(iris.patent_graphs(patent_id))
        stray = [g for g in graphs if g not in owned]
        if stray:
            raise StoreError(f"patent {patent_id!r} cannot write graph(s) it does not own: "
                             f"{', '.join(g.value for g in stray)}")
        quads = [ox.Quad(t.subject, t.predicate, t.object, g) for g, ts in graphs.items() for t in dict.fromkeys(ts)]
        generated = graph_provenance(graphs, build, derived_from)
        try:
            self._unindex(patent)
            self._forget_generation(owned)
            for g in owned:
                self.oxigraph.remove_graph(g)
            self.oxigraph.extend([*quads, *generated, ox.Quad(patent, RECORD, ox.Literal(record), iris.INDEX_GRAPH)])
        except OSError as exc:
            raise StoreError(f"cannot write patent {patent_id!r}: {_one_line(exc)}") from exc
        return len(quads)

    def write_patents(self, patents: Sequence[PatentData], build: ox.NamedNode | None = None) -> None:
        """Write many patents at once, each whole, through Oxigraph's bulk loader.

        For each patent its index entry, what the builds graph says of its graphs and its
        old graphs are removed first; then every patent's graphs (N-Quads, with ``build``'s
        ``prov:wasGeneratedBy`` and each input file's ``prov:wasDerivedFrom`` in the builds
        graph) are bulk-loaded; last the index entries are added in one transaction. A
        write cut short at any point leaves each patent indexed and complete, or not
        indexed (named by :meth:`incomplete_patents`), as :meth:`write_patent` does.
        """
        if not patents:
            return
        provenance: list[ox.Quad] = []
        try:
            for p in patents:
                owned = iris.patent_graphs(p.patent_id)
                patent = iris.patent(p.patent_id)
                if any(True for _ in self.oxigraph.quads_for_pattern(patent, RECORD, None, iris.INDEX_GRAPH)) or any(
                        self.oxigraph.contains_named_graph(g) for g in owned):
                    self._unindex(patent)
                    self._forget_generation(owned)
                    for g in owned:
                        self.oxigraph.remove_graph(g)
                provenance += graph_provenance(map(ox.NamedNode, p.graphs), build, iris.source(p.patent_id))
            data = b"".join(p.nquads for p in patents) + (ox.serialize(provenance, format=ox.RdfFormat.N_QUADS) or b"")
            self.oxigraph.bulk_load(data, format=ox.RdfFormat.N_QUADS)
            self.oxigraph.extend([
                *(ox.Quad(iris.patent(p.patent_id), SCREEN, ox.Literal(p.screen), iris.INDEX_GRAPH)
                  for p in patents if p.screen is not None),
                *(ox.Quad(iris.patent(p.patent_id), RECORD, ox.Literal(p.record), iris.INDEX_GRAPH) for p in patents)])
        except (OSError, SyntaxError) as exc:
            raise StoreError(f"cannot write patents {', '.join(p.patent_id for p in patents[:5])}"
                             f"{' ...' if len(patents) > 5 else ''}: {_one_line(exc)}") from exc

    def remove_patent(self, patent_id: str) -> None:
        self._unindex(iris.patent(patent_id))
        self._forget_generation(iris.patent_graphs(patent_id))
        for g in iris.patent_graphs(patent_id):
            self.oxigraph.remove_graph(g)

    def _unindex(self, patent: ox.NamedNode) -> None:
        """Remove a patent's index entry (its record first: without it the patent is not indexed)."""
        for q in list(self.oxigraph.quads_for_pattern(patent, RECORD, None, iris.INDEX_GRAPH)):
            self.oxigraph.remove(q)
        for q in list(self.oxigraph.quads_for_pattern(patent, SCREEN, None, iris.INDEX_GRAPH)):
            self.oxigraph.remove(q)

    def screens(self) -> dict[str, str]:
        """The coverage screen (JSON) of every indexed patent that has one."""
        out: dict[str, str] = {}
        for q in self.oxigraph.quads_for_pattern(None, SCREEN, None, iris.INDEX_GRAPH):
            pid = iris.patent_id_of(q.subject.value) if isinstance(q.subject, ox.NamedNode) else None
            if pid is not None and isinstance(q.object, ox.Literal):
                out[pid] = q.object.value
        return out

    def _forget_generation(self, graphs: Iterable[ox.NamedNode]) -> None:
        """Remove what the builds graph says of these graphs (they are about to be replaced or dropped)."""
        for g in graphs:
            for q in list(self.oxigraph.quads_for_pattern(g, None, None, iris.BUILDS_GRAPH)):
                self.oxigraph.remove(q)

    def patent_ids(self) -> list[str]:
        """Ids of the complete (indexed) patents in the store."""
        ids = []
        for q in self.oxigraph.quads_for_pattern(None, RECORD, None, iris.INDEX_GRAPH):
            pid = iris.patent_id_of(q.subject.value) if isinstance(q.subject, ox.NamedNode) else None
            if pid is not None:
                ids.append(pid)
        return sorted(ids)

    def incomplete_patents(self) -> list[str]:
        """Patents with graphs in the store but no index entry (a write was interrupted)."""
        indexed = set(self.patent_ids())
        found = {iris.patent_of_graph(g) for g in self.graphs()}
        return sorted(p for p in found if p is not None and p not in indexed)

    def record(self, patent_id: str) -> str:
        """The record (JSON text) of an indexed patent; :class:`StoreError` naming the known ones if absent."""
        for q in self.oxigraph.quads_for_pattern(iris.patent(patent_id), RECORD, None, iris.INDEX_GRAPH):
            if isinstance(q.object, ox.Literal):
                return q.object.value
        known = ", ".join(self.patent_ids()) or "none"
        incomplete = " (its last build did not finish; build it again)" if patent_id in self.incomplete_patents() else ""
        raise StoreError(f"patent {patent_id!r} is not in the store{incomplete} (known: {known}); "
                         "run 'cephkg build' first")

    # -- queries ----------------------------------------------------------------------

    def stream(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> QueryStream:
        """Start a SELECT query; its rows come as the engine produces them.

        ``bindings`` are substituted as RDF terms, never as text. A query with a SERVICE
        clause, or that does not parse, is a :class:`QueryError` before anything runs.
        """
        solutions = self._run(sparql, bindings)
        if not isinstance(solutions, ox.QuerySolutions):
            raise QueryError("only SELECT queries return rows")
        columns = tuple(v.value for v in solutions.variables)
        return QueryStream(columns, (tuple(sol[c] for c in columns) for sol in solutions))

    def query(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> QueryResult:
        """Run a SELECT query and collect its rows; ``bindings`` are substituted as RDF terms, never as text."""
        rows = self.stream(sparql, bindings)
        return QueryResult(rows.columns, tuple(rows))

    def ask(self, sparql: str) -> bool:
        return bool(self._run(sparql, None))

    def _run(self, sparql: str, bindings: Mapping[str, Term] | None) -> Any:
        refuse_service(sparql)
        substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
            ox.Variable(k): v for k, v in (bindings or {}).items()}
        try:
            return self.oxigraph.query(sparql, substitutions=substitutions or None)
        except SyntaxError as exc:
            raise QueryError(f"the query does not parse: {syntax_message(exc, sparql)}") from exc
        except RuntimeError as exc:  # a substitution of a variable the query does not project
            raise QueryError(f"cannot bind {', '.join('?' + k for k in bindings or {})}: {_one_line(exc)} "
                             "(a parameter must be a result column)") from exc
        except OSError as exc:
            raise QueryError(f"the query failed: {_one_line(exc)}") from exc
