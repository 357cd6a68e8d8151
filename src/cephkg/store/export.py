"""Export the store's graphs to RDF files, deterministically and atomically.

Deterministic: blank nodes (only the ontology's OWL axioms have any) are renamed by
the W3C RDFC-1.0 canonicalisation and statements are written in sorted order. Two
exports of the same store are byte-identical in every format, across processes and
machines; the line formats (N-Triples, N-Quads) are additionally one sorted statement
per line, so they diff clean.

Streaming: the line formats are written graph by graph (Oxigraph serialises each graph)
and sorted in runs of ``export.sort_run_lines`` lines merged from anonymous temporary
files, so their memory stays flat however large the store. Only the graphs that hold
blank nodes are gathered and canonicalised together (RDFC-1.0 labels depend only on
the statements that mention a blank node, so the labels are those of the whole
dataset). The readable formats (Turtle, TriG, JSON-LD, RDF/XML) are built in memory,
which suits a patent or a few; export a landscape as N-Quads.

Atomic: files are written to a temporary name in the target folder and renamed
into place (:func:`cephkg.files.write_atomically`), so an interrupted export never
leaves a half-written file; the temporary file a killed export leaves behind is
removed by the next export to the same file.
"""

from __future__ import annotations

import heapq
import itertools
import tempfile
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import Dataset, URIRef

from ..errors import StoreError
from ..files import replacing, write_atomically
from ..limits import limit
from ..rdf import iris
from ..rdf.ontology import ontology_quads
from ..rdf.vocab import (
    CEPH,
    DCTERMS,
    EPO,
    OA,
    OBO,
    OWL,
    PROV,
    RDF,
    RDFS,
    SIO,
    SKOS,
    XSD,
)
from .local import KnowledgeStore, to_rdflib

__all__ = [
    "PREFIXES",
    "ExportFormat",
    "collect",
    "dataset",
    "export",
    "graph_names",
    "ontology_dataset",
    "serialize",
    "stream_lines",
    "write_atomically",
]

#: Graphs dumped at once by a streaming export (Oxigraph releases the GIL while it dumps:
#: two threads export 1.7 times as fast as one on a 2-core machine; more only add memory).
_DUMP_THREADS = 2

#: Prefixes written by the formats that have them (Turtle, TriG, JSON-LD, RDF/XML).
PREFIXES: dict[str, str] = {
    "ceph": CEPH.NS,
    "id": iris.ID,
    "graph": iris.GRAPH,
    "rdf": RDF.NS,
    "rdfs": RDFS.NS,
    "owl": OWL.NS,
    "xsd": XSD.NS,
    "skos": SKOS.NS,
    "dcterms": DCTERMS.NS,
    "prov": PROV.NS,
    "oa": OA.NS,
    "obo": OBO.NS,
    "sio": SIO.NS,
    "epo": EPO.NS,
}


class ExportFormat(StrEnum):
    TURTLE = "ttl"
    NTRIPLES = "nt"
    NQUADS = "nq"
    TRIG = "trig"
    JSONLD = "jsonld"
    RDFXML = "rdfxml"
    OWL = "owl"

    @property
    def quads(self) -> bool:
        """Whether the format keeps the named graphs (else they are merged into one graph)."""
        return self in (ExportFormat.NQUADS, ExportFormat.TRIG, ExportFormat.JSONLD)

    @property
    def line_based(self) -> bool:
        return self in (ExportFormat.NTRIPLES, ExportFormat.NQUADS)

    @property
    def rdf_format(self) -> ox.RdfFormat:
        return {
            ExportFormat.TURTLE: ox.RdfFormat.TURTLE,
            ExportFormat.NTRIPLES: ox.RdfFormat.N_TRIPLES,
            ExportFormat.NQUADS: ox.RdfFormat.N_QUADS,
            ExportFormat.TRIG: ox.RdfFormat.TRIG,
            ExportFormat.JSONLD: ox.RdfFormat.JSON_LD,
            ExportFormat.RDFXML: ox.RdfFormat.RDF_XML,
            ExportFormat.OWL: ox.RdfFormat.RDF_XML,
        }[self]


def graph_names(store: KnowledgeStore, patent_ids: Sequence[str] | None = None) -> list[ox.NamedNode]:
    """The store's graphs to export or push, in IRI order: every patent's graphs and the
    registered compounds' graph (the ontology and the store's index are not data).

    With ``patent_ids``, the graphs those patents own (``graph/patent/<id>`` and its
    ``/chemistry`` and ``/inferred`` graphs). Unknown ids are an error naming the known ones.
    """
    present = store.graphs()
    if not patent_ids:
        system = {iris.ONTOLOGY_GRAPH.value, iris.INDEX_GRAPH.value}
        return [ox.NamedNode(g) for g in present if g not in system]
    known = store.patent_ids()
    missing = sorted(set(patent_ids) - set(known))
    if missing:
        raise StoreError(f"not in the store: {', '.join(missing)} (known: {', '.join(known) or 'none'})")
    wanted = {g.value for p in patent_ids for g in iris.patent_graphs(p)}
    return [ox.NamedNode(g) for g in present if g in wanted]


def collect(store: KnowledgeStore, patent_ids: Sequence[str] | None = None,
            with_ontology: bool = False) -> ox.Dataset:
    """The chosen patents' graphs (and the ontology graph) with canonical blank-node labels."""
    ds = ox.Dataset(store.quads(graph_names(store, patent_ids)))
    if with_ontology:
        for quad in ontology_quads(iris.ONTOLOGY_GRAPH):
            ds.add(quad)
    ds.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return ds


def ontology_dataset() -> ox.Dataset:
    """The ontology alone, in the default graph, with canonical blank-node labels."""
    ds = ox.Dataset(ontology_quads(ox.DefaultGraph()))
    ds.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return ds


def dataset(store: KnowledgeStore, patent_ids: Sequence[str] | None = None, with_ontology: bool = False) -> Dataset:
    """The same selection as :func:`collect`, as an rdflib dataset (one graph per named graph)."""
    out = Dataset()
    for q in collect(store, patent_ids, with_ontology):
        out.graph(URIRef(q.graph_name.value)).add(
            (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))  # type: ignore[arg-type]
    return out


def serialize(ds: ox.Dataset, fmt: ExportFormat) -> tuple[bytes, int]:
    """Serialise a (canonicalised) dataset; returns the bytes and the statement count.

    Quad formats keep each named graph; triple formats merge them into one graph
    (a triple stated in two graphs is written once).
    """
    if fmt.quads:
        statements: list[ox.Quad] | list[ox.Triple] = sorted(
            ds, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))
    else:
        triples = {q.triple for q in ds}
        statements = sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    prefixes = None if fmt.line_based else PREFIXES
    data = ox.serialize(statements, format=fmt.rdf_format, prefixes=prefixes) or b""
    if fmt.line_based:  # byte order, not term order: `sort` and `diff` agree with it
        lines = sorted(line for line in data.splitlines() if line.strip())
        data = b"\n".join(lines) + b"\n" if lines else b""
    return data, len(statements)


def _has_blank_node(quad: ox.Quad) -> bool:
    return isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)


def _graph_dump(store: KnowledgeStore, graph: ox.NamedNode) -> bytes:
    """One graph as N-Triples, serialised by Oxigraph without Python objects per statement
    (and without the GIL: several graphs are dumped at once on several cores)."""
    return store.oxigraph.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph) or b""


def _graph_lines(store: KnowledgeStore, graph: ox.NamedNode, data: bytes, fmt: ExportFormat) -> list[bytes] | None:
    """One graph's dump as lines of ``fmt`` (each ending in a newline), or ``None`` when the
    graph holds a blank node (its lines need the canonical labels)."""
    if b"_:" in data and any(_has_blank_node(q) for q in store.oxigraph.quads_for_pattern(None, None, None, graph)):
        return None
    lines = data.splitlines(keepends=True)
    if fmt is ExportFormat.NQUADS:  # "<s> <p> <o> .\n" -> "<s> <p> <o> <g> .\n"
        tail = b" <" + graph.value.encode() + b"> .\n"
        lines = [line[:-3] + tail for line in lines]
    return lines


def _dumps(store: KnowledgeStore, graphs: Sequence[ox.NamedNode]) -> Iterator[tuple[ox.NamedNode, bytes]]:
    """Each graph with its dump, in order, dumped ``_DUMP_THREADS`` at a time and at most
    twice that many ahead of the consumer (so memory holds a few graphs, not the store)."""
    with ThreadPoolExecutor(_DUMP_THREADS) as pool:
        window: deque[tuple[ox.NamedNode, Future[bytes]]] = deque()
        todo = iter(graphs)
        for graph in itertools.islice(todo, 2 * _DUMP_THREADS):
            window.append((graph, pool.submit(_graph_dump, store, graph)))
        while window:
            graph, future = window.popleft()
            for following in itertools.islice(todo, 1):
                window.append((following, pool.submit(_graph_dump, store, following)))
            yield graph, future.result()


def _canonical_lines(quads: Iterable[ox.Quad], fmt: ExportFormat) -> list[bytes]:
    """Lines of the statements of the graphs with blank nodes, labelled by RDFC-1.0."""
    ds = ox.Dataset(quads)
    if not len(ds):
        return []
    ds.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    statements: list[ox.Quad] | list[ox.Triple] = list(ds) if fmt.quads else [q.triple for q in ds]
    return (ox.serialize(statements, format=fmt.rdf_format) or b"").splitlines(keepends=True)


class _SortedRuns:
    """Lines sorted in byte order with duplicates dropped, in bounded memory: runs of
    ``run_lines`` lines are sorted and kept in anonymous temporary files (no name, so nothing
    is left behind even when the process is killed), then merged."""

    def __init__(self, files: ExitStack, folder: Path | None, run_lines: int) -> None:
        self.files, self.folder, self.run_lines = files, folder, run_lines
        self.buffer: list[bytes] = []
        self.runs: list[BinaryIO] = []
        self.count = 0  # lines in the runs, each run without duplicates

    def add(self, lines: Iterable[bytes]) -> None:
        self.buffer.extend(lines)
        if len(self.buffer) >= self.run_lines:
            self._spill()

    def _sorted_buffer(self) -> list[bytes]:
        self.buffer.sort()
        unique = list(dict.fromkeys(self.buffer))
        self.count += len(unique)
        self.buffer = []
        return unique

    def _spill(self) -> None:
        run = self.files.enter_context(tempfile.TemporaryFile(dir=self.folder))  # noqa: SIM115 (closed by the stack)
        run.writelines(self._sorted_buffer())
        run.seek(0)
        self.runs.append(run)

    def write(self, out: BinaryIO, *, across_runs: bool) -> int:
        """Write the merged lines; ``across_runs``: a line may be in several runs (a triple
        stated in two graphs, written once by the triple formats). Returns the lines written."""
        if not self.runs:
            out.writelines(self._sorted_buffer())
            return self.count
        if self.buffer:
            self._spill()
        merged = heapq.merge(*self.runs)
        if not across_runs:  # only heapq.merge runs per line
            out.writelines(merged)
            return self.count
        written, previous = 0, None
        for line in merged:
            if line != previous:
                out.write(line)
                written += 1
                previous = line
        return written


def stream_lines(store: KnowledgeStore, out: BinaryIO, fmt: ExportFormat, patent_ids: Sequence[str] | None = None,
                 with_ontology: bool = False, *, workdir: Path | None = None, run_lines: int | None = None) -> int:
    """Write the chosen graphs in a line format (N-Quads or N-Triples) to ``out``, sorted,
    in memory that does not grow with the store; returns the number of statements.

    The bytes are those :func:`serialize` writes for the same selection. Sorted runs go to
    anonymous files in ``workdir`` (default: the system's temporary folder).
    """
    if not fmt.line_based:
        raise ValueError(f"{fmt.value} is not a line format")
    with_blank: list[ox.Quad] = list(ontology_quads(iris.ONTOLOGY_GRAPH)) if with_ontology else []
    with ExitStack() as files:
        runs = _SortedRuns(files, workdir, run_lines or int(limit("export.sort_run_lines")))
        for graph, data in _dumps(store, graph_names(store, patent_ids)):
            lines = _graph_lines(store, graph, data, fmt)
            if lines is None:
                with_blank.extend(store.oxigraph.quads_for_pattern(None, None, None, graph))
            else:
                runs.add(lines)
        runs.add(_canonical_lines(with_blank, fmt))
        # A quad is in one graph, so N-Quads lines never repeat across runs; N-Triples merges graphs.
        return runs.write(out, across_runs=fmt is ExportFormat.NTRIPLES)


def export(store: KnowledgeStore, path: Path, fmt: ExportFormat, patent_ids: Sequence[str] | None = None,
           with_ontology: bool = False) -> int:
    """Write the graph to ``path``; returns the number of triples/quads written.

    ``ExportFormat.OWL`` writes the ontology alone as RDF/XML (what Protégé opens);
    ``patent_ids`` and ``with_ontology`` do not apply to it. N-Quads and N-Triples stream
    (:func:`stream_lines`); the other formats are built in memory.
    """
    if fmt.line_based:
        graph_names(store, patent_ids)  # unknown ids fail before a file is started
        with replacing(Path(path)) as out:
            return stream_lines(store, out, fmt, patent_ids, with_ontology, workdir=Path(path).parent)
    if fmt is ExportFormat.OWL:
        data, count = serialize(ontology_dataset(), ExportFormat.OWL)
    else:
        data, count = serialize(collect(store, patent_ids, with_ontology), fmt)
    write_atomically(Path(path), data)
    return count
