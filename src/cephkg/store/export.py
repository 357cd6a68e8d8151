"""Export the store's graphs to RDF files, deterministically and atomically.

Deterministic: the chosen quads are gathered into a pyoxigraph ``Dataset`` whose
blank nodes (only the ontology's OWL axioms have any) are renamed by the W3C
RDFC-1.0 canonicalisation, then written in sorted order. Two exports of the same
store are byte-identical in every format, across processes and machines; the line
formats (N-Triples, N-Quads) are additionally one sorted statement per line, so
they diff clean.

Atomic: files are written to a temporary name in the target folder and renamed
into place (:func:`cephkg.files.write_atomically`), so an interrupted export never
leaves a half-written file; the temporary file a killed export leaves behind is
removed by the next export to the same file.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, URIRef

from ..errors import StoreError
from ..files import write_atomically
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
    "write_atomically",
]

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


def export(store: KnowledgeStore, path: Path, fmt: ExportFormat, patent_ids: Sequence[str] | None = None,
           with_ontology: bool = False) -> int:
    """Write the graph to ``path``; returns the number of triples/quads written.

    ``ExportFormat.OWL`` writes the ontology alone as RDF/XML (what Protégé opens);
    ``patent_ids`` and ``with_ontology`` do not apply to it.
    """
    if fmt is ExportFormat.OWL:
        data, count = serialize(ontology_dataset(), ExportFormat.OWL)
    else:
        data, count = serialize(collect(store, patent_ids, with_ontology), fmt)
    write_atomically(Path(path), data)
    return count
