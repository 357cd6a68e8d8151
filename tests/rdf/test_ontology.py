"""The ontology file itself: it parses, every term is labelled and defined, code uses only its terms."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, Graph, URIRef
from rdflib.namespace import SKOS

from cephkg.resources import ontology_dir
from rdfvocab import CEPH, ontology_graph

KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.NamedIndividual)


def terms(graph: Graph) -> set[URIRef]:
    return {s for kind in KINDS for s in graph.subjects(RDF.type, kind) if isinstance(s, URIRef)}


def test_the_ontology_parses_and_declares_itself() -> None:
    g = Graph().parse(ontology_dir() / "cephkg.ttl")
    assert (URIRef("https://w3id.org/cephkg/ontology"), RDF.type, OWL.Ontology) in g


def test_every_term_has_a_label_and_a_definition() -> None:
    g = ontology_graph()
    missing = sorted(str(t) for t in terms(g)
                     if g.value(t, RDFS.label) is None or g.value(t, SKOS.definition) is None)
    assert missing == []


def test_claim_categories_are_disjoint_classes_with_codes() -> None:
    g = ontology_graph()
    codes = {str(g.value(c, CEPH.categoryCode)) for c in g.subjects(CEPH.categoryCode, None)}
    assert codes == {"compound", "process", "composition", "method_of_treatment", "use", "unclassified"}


def test_depends_on_has_a_transitive_super_property() -> None:
    g = ontology_graph()
    assert (CEPH.dependsOn, RDFS.subPropertyOf, CEPH.dependsOnTransitively) in g
    assert (CEPH.dependsOnTransitively, RDF.type, OWL.TransitiveProperty) in g


def test_reused_vocabularies() -> None:
    g = ontology_graph()
    used = {str(t) for t in terms(g)}
    for iri in ("http://www.w3.org/ns/oa#TextPositionSelector", "http://www.w3.org/ns/prov#wasDerivedFrom",
                "http://purl.obolibrary.org/obo/CHEMINF_000018", "http://purl.obolibrary.org/obo/CHEMINF_000113",
                "http://purl.obolibrary.org/obo/CHEMINF_000059", "http://data.epo.org/linked-data/def/patent/Publication",
                "http://purl.org/dc/terms/identifier"):
        assert iri in used


def test_a_term_not_in_the_ontology_cannot_be_used_in_code() -> None:
    with pytest.raises(AttributeError):
        CEPH.Clam
