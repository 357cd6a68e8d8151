"""Every IRI the data uses as a class or property, and every ceph: IRI it names, is declared
in the ontology or its import slices; over the graphs of both examples and the real claim
sets, which also validate (SHACL) and reason consistently (HermiT)."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from rdflib import OWL, RDF, RDFS, Graph, URIRef

from cephkg import KnowledgeStore, build
from cephkg.owl.reason import reason
from cephkg.owl.validate import validate
from cephkg.rdf import iris
from cephkg.rdf.ontology import ontology_graph
from cephkg.rdf.vocab import CEPH, OA, XSD
from cephkg.rdf.vocab import RDF as OX_RDF
from seeds import EXAMPLES, ROOT

REAL = ROOT / "tests" / "data" / "real-claims"
CLASSES = (OWL.Class, RDFS.Class)
PROPERTIES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)
BUILT_IN = (str(RDF), str(RDFS), str(OWL))
XSD_NS = "http://www.w3.org/2001/XMLSchema#"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeStore]:
    store = KnowledgeStore(tmp_path_factory.mktemp("corpus"))
    report = build([EXAMPLES, REAL], store)
    assert not report.failed, report.failed
    assert len(report.built) == 2 + len(list(REAL.glob("*.txt")))
    yield store
    store.close()


@pytest.fixture(scope="module")
def data(corpus: KnowledgeStore) -> list[ox.Quad]:
    """Every quad of the data: the patents' graphs, the builds graph, the registered compounds."""
    return [q for q in corpus.quads() if q.graph_name not in (iris.ONTOLOGY_GRAPH, iris.INDEX_GRAPH)]


def declared(kinds: tuple[URIRef, ...]) -> set[str]:
    g = ontology_graph()
    return {str(s) for k in kinds for s in g.subjects(RDF.type, k) if isinstance(s, URIRef)}


def test_every_property_the_data_uses_is_declared(data: list[ox.Quad]) -> None:
    used = {q.predicate.value for q in data}
    assert sorted(p for p in used - declared(PROPERTIES) if not p.startswith(BUILT_IN)) == []


def test_every_class_the_data_uses_is_declared(data: list[ox.Quad]) -> None:
    used = {q.object.value for q in data if q.predicate == OX_RDF.type}
    assert sorted(c for c in used - declared(CLASSES) if not c.startswith(BUILT_IN)) == []


def test_every_ceph_iri_the_data_names_is_declared(data: list[ox.Quad]) -> None:
    """ceph: is the ontology's namespace: an individual (a concept, a role) or a term named
    in the data must be in the ontology; instances live under id/, never under ceph:."""
    g = ontology_graph()
    named = {t.value for q in data for t in (q.subject, q.predicate, q.object)
             if isinstance(t, ox.NamedNode) and t.value.startswith(CEPH.NS)}
    assert named
    assert sorted(n for n in named if (URIRef(n), RDF.type, None) not in g) == []


def test_every_datatype_is_xsd_or_declared(data: list[ox.Quad]) -> None:
    used = {q.object.datatype.value for q in data if isinstance(q.object, ox.Literal) and not q.object.language}
    assert sorted(d for d in used if not d.startswith(XSD_NS) and d not in declared((RDFS.Datatype,))) == []


def test_text_positions_are_non_negative_integers_as_the_shapes_and_web_annotation_say(data: list[ox.Quad]) -> None:
    offsets = [q.object for q in data if q.predicate in (OA.start, OA.end)]
    assert offsets
    assert {o.datatype for o in offsets} == {XSD.integer}
    assert min(int(o.value) for o in offsets) >= 0


def test_every_repair_and_claim_links_its_concept(data: list[ox.Quad]) -> None:
    subjects = lambda p: {q.subject for q in data if q.predicate == p}  # noqa: E731
    repairs = {q.subject for q in data if q.predicate == OX_RDF.type and q.object == CEPH.TextRepair}
    assert repairs and repairs <= subjects(CEPH.hasRepairKind)
    claims = {q.subject for q in data if q.predicate == CEPH.claimNumber}
    assert claims <= subjects(CEPH.hasCategory)
    assert subjects(CEPH.isomer) <= subjects(CEPH.hasIsomer)
    assert subjects(CEPH.stepsRelation) <= subjects(CEPH.hasStepsRelation)
    assert subjects(CEPH.coverageRelation) <= subjects(CEPH.hasCoverageRelation)
    assert subjects(CEPH.coverageVia) <= subjects(CEPH.hasCoverageRoute)


def test_every_patent_of_the_corpus_validates(corpus: KnowledgeStore) -> None:
    report = validate(corpus)
    assert report.conforms, str(report)
    assert len(report.patent_ids) == 2 + len(list(REAL.glob("*.txt")))


def test_every_patent_of_the_corpus_reasons_consistently(corpus: KnowledgeStore) -> None:
    reports = reason(corpus)
    assert [(r.patent_id, r.consistent) for r in reports] == [(pid, True) for pid in corpus.patent_ids()]
    # what was inferred is in the patents' inferred graphs and uses declared terms only
    inferred = Graph()
    for pid in corpus.patent_ids():
        inferred += corpus.graph(iris.inferred_graph(pid))
    assert len(inferred) > 0
    used = {str(p) for p in inferred.predicates()} - declared(PROPERTIES)
    assert sorted(p for p in used if not p.startswith(BUILT_IN)) == []
