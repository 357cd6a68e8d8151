"""The ontology files themselves: they parse, every term is labelled and defined, external
terms come from the import slices only, and code uses only declared terms."""

from __future__ import annotations

import importlib.util
import re

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from cephkg.rdf.ontology import import_files, ontology_files
from cephkg.resources import ontology_dir
from rdfvocab import CEPH, ontology_graph
from seeds import ROOT

KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.NamedIndividual)
CEPHKG = "https://w3id.org/cephkg/"
OBO = "http://purl.obolibrary.org/obo/"
EPO = "http://data.epo.org/linked-data/def/patent/"
#: The annotation property each source writes its definitions with (what the slices keep).
SOURCE_DEFINITIONS = {
    "http://www.w3.org/ns/prov#": (URIRef("http://www.w3.org/ns/prov#definition"), RDFS.comment),
    "http://www.w3.org/ns/oa#": (RDFS.comment,),
    "http://purl.org/dc/terms/": (RDFS.comment,),
    "http://www.w3.org/2004/02/skos/core#": (SKOS.definition,),
    "http://semanticscience.org/resource/CHEMINF_": (URIRef("http://purl.org/dc/elements/1.1/description"),),
    "http://semanticscience.org/resource/SIO_": (URIRef("http://purl.org/dc/terms/description"),),
    OBO: (URIRef(OBO + "IAO_0000115"),),
}


def terms(graph: Graph) -> set[URIRef]:
    return {s for kind in KINDS for s in graph.subjects(RDF.type, kind) if isinstance(s, URIRef)}


def own_graph() -> Graph:
    g = Graph()
    for path in ontology_files():
        if path not in import_files():
            g.parse(path, format="turtle")
    return g


def imports_graph() -> Graph:
    g = Graph()
    for path in import_files():
        g.parse(path, format="turtle")
    return g


def test_the_ontology_parses_and_declares_itself() -> None:
    g = Graph().parse(ontology_dir() / "cephkg.ttl")
    assert (URIRef("https://w3id.org/cephkg/ontology"), RDF.type, OWL.Ontology) in g


def test_every_term_has_a_label_and_a_definition() -> None:
    """cephkg's own terms carry skos:definition; an imported term its source's label and,
    where the source gives one, its definition under the source's own property."""
    g = ontology_graph()
    own = {t for t in terms(g) if str(t).startswith(CEPHKG)}
    missing = sorted(str(t) for t in own if g.value(t, RDFS.label) is None or g.value(t, SKOS.definition) is None)
    assert missing == []
    # the EPO's ontology file was not obtained: its slice has IRIs and types only (see sources.toml)
    # (nor do the slices label the annotation properties their headers and definitions use)
    plumbing = {URIRef("http://purl.org/pav/retrievedFrom"), URIRef("http://purl.org/pav/importedFrom"),
                URIRef("http://purl.org/dc/elements/1.1/description"), URIRef(OBO + "IAO_0000115"),
                URIRef("http://www.w3.org/ns/prov#definition")}
    unlabelled = sorted(str(t) for t in terms(g) - own - plumbing
                        if g.value(t, RDFS.label) is None and not str(t).startswith(EPO))
    assert unlabelled == []
    for prefix, properties in SOURCE_DEFINITIONS.items():
        defined = [t for t in terms(g) - own if str(t).startswith(prefix)
                   and any(g.value(t, p) is not None for p in properties)]
        assert defined, prefix


def test_each_class_and_property_is_declared_in_one_file_with_one_label() -> None:
    """Two declarations of one term in two files give it two domains, and the reasoner types
    every subject with both (a formula with a structureSmiles became a CuratedStructure)."""
    declared: dict[URIRef, list[str]] = {}
    for path in ontology_files():
        g = Graph().parse(path)
        for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty):
            for term in g.subjects(RDF.type, kind):
                if isinstance(term, URIRef) and str(term).startswith(CEPHKG):
                    declared.setdefault(term, []).append(path.name)
    assert {str(t): files for t, files in declared.items() if len(files) > 1} == {}
    g = ontology_graph()
    labels: dict[str, list[str]] = {}
    for term in declared:
        for label in g.objects(term, RDFS.label):
            labels.setdefault(str(label).lower(), []).append(str(term))
    assert {label: ts for label, ts in labels.items() if len(ts) > 1} == {}


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
                "http://semanticscience.org/resource/CHEMINF_000018", "http://semanticscience.org/resource/CHEMINF_000113",
                "http://semanticscience.org/resource/CHEMINF_000059", "http://data.epo.org/linked-data/def/patent/Publication",
                "http://purl.org/dc/terms/identifier", "http://www.w3.org/2004/02/skos/core#Concept",
                "http://purl.obolibrary.org/obo/RXNO_0000433", "http://purl.obolibrary.org/obo/CHEBI_46883"):
        assert iri in used
    # CHEMINF's terms live in SIO's namespace (as in CHEMINF itself and PubChem RDF), never under obo:
    assert not [t for t in used if t.startswith(OBO + "CHEMINF_")]
    # the labels are the sources' own, not cephkg's rewording
    assert g.value(URIRef("http://www.w3.org/ns/prov#Entity"), RDFS.label) == Literal("Entity")
    assert str(g.value(URIRef(OBO + "RXNO_0000349"), RDFS.label)) == "heterocycle synthesis"
    assert str(g.value(URIRef(OBO + "MOP_0000589"), URIRef(OBO + "IAO_0000115"))) == (
        "A reduction process that involves addition of hydrogen atoms across a double bond.")


def test_no_external_term_is_declared_in_cephkgs_own_files() -> None:
    """cephkg's files say nothing about another vocabulary's terms: no type, label,
    definition or range. What they use of them is declared in the import slices."""
    own = own_graph()
    foreign = sorted({str(s) for s in own.subjects() if isinstance(s, URIRef) and not str(s).startswith(CEPHKG)})
    assert foreign == []
    external_objects = {o for o in own.objects() if isinstance(o, URIRef) and not str(o).startswith(CEPHKG)
                        and not str(o).startswith((str(OWL), str(RDF), str(RDFS), "http://www.w3.org/2001/XMLSchema#"))}
    declared = terms(imports_graph())
    licences = {URIRef("https://opensource.org/licenses/MIT")}
    assert sorted(str(o) for o in external_objects - declared - licences) == []


def test_every_slice_records_its_source_version_and_licence() -> None:
    for path in import_files():
        g = Graph().parse(path, format="turtle")
        (slice_iri,) = list(g.subjects(RDF.type, OWL.Ontology))
        assert str(slice_iri) == f"{CEPHKG}ontology/imports/{path.stem}", path.name
        assert g.value(slice_iri, URIRef("http://purl.org/dc/terms/source")) is not None, path.name
        assert g.value(slice_iri, OWL.versionIRI) is not None, path.name
        comment = str(g.value(slice_iri, RDFS.comment))
        # either generated from a source file (named with its SHA-256) or hand-written from verified facts
        assert re.search(r"sha256:[0-9a-f]{64}", comment) or comment.startswith("Hand-written from verified facts"), path.name


def test_the_vocabulary_generator_reads_the_same_files_as_the_package() -> None:
    spec = importlib.util.spec_from_file_location("gen_vocab", ROOT / "scripts" / "gen_vocab.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert [p.resolve() for p in module.ontology_files(ROOT / "ontology")] == [p.resolve() for p in ontology_files()]


def test_a_term_not_in_the_ontology_cannot_be_used_in_code() -> None:
    with pytest.raises(AttributeError):
        CEPH.Clam
