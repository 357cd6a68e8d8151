"""The SKOS side of the ontology: the substituent concept scheme (validated with the SKOS
integrity conditions as SHACL, mapped to ChEBI), the enumerations as concept schemes, and
the concepts of a patent's own scheme for the group terms the vocabulary does not list."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import get_args

import pyshacl
import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from cephkg import DiagnosticCode, KnowledgeStore, build, run_query
from cephkg.chem.coverage import Relation, Via
from cephkg.chem.substituents import Vocabulary
from cephkg.model.claims import Category, Role
from cephkg.owl.validate import validate
from cephkg.rdf import iris
from cephkg.rdf.concepts import concept, notations
from cephkg.rdf.ontology import ontology_graph
from cephkg.rdf.vocab import CEPH as OX_CEPH
from cephkg.resources import data_file, ontology_dir
from rdfvocab import CEPH

OBO = "http://purl.obolibrary.org/obo/"


def skos_shapes() -> Graph:
    return Graph().parse(ontology_dir() / "skos-shapes.ttl", format="turtle")


def conforms(data: Graph) -> tuple[bool, list[str]]:
    ok, results, _text = pyshacl.validate(data, shacl_graph=skos_shapes(), inference="none", allow_warnings=True)
    assert isinstance(results, Graph)
    sh = "http://www.w3.org/ns/shacl#"
    messages = sorted(str(results.value(r, URIRef(sh + "resultMessage")))
                      for r in results.subjects(RDF.type, URIRef(sh + "ValidationResult")))
    return bool(ok), messages


# --- the substituent scheme -------------------------------------------------------------

def test_the_concept_schemes_of_the_ontology_satisfy_the_skos_integrity_conditions() -> None:
    assert conforms(ontology_graph()) == (True, [])


@pytest.mark.parametrize(("broken", "message"), [
    ("ex:a a skos:Concept , skos:ConceptScheme .", "S9: a skos:Concept must not also be a skos:ConceptScheme"),
    ('ex:a skos:prefLabel "x"@en ; skos:altLabel "x"@en .',
     "S13: the same literal must not be both skos:prefLabel and skos:altLabel/skos:hiddenLabel"),
    ('ex:a skos:prefLabel "x"@en , "y"@en .', "S14: at most one skos:prefLabel per language tag"),
    ("ex:a skos:broader ex:b . ex:b skos:broader ex:c . ex:a skos:related ex:c .",
     "S27: {$this} is skos:related to {?value}, which is above it through skos:broader+"),
    ("ex:a a skos:Collection , skos:Concept .",
     "S37: a skos:Collection must not also be a skos:Concept or a skos:ConceptScheme"),
    ("ex:a skos:exactMatch ex:b ; skos:broadMatch ex:b .",
     "S46: a concept must not be skos:exactMatch and also skos:broadMatch/skos:relatedMatch to the same concept"),
])
def test_each_skos_integrity_shape_catches_its_condition(broken: str, message: str) -> None:
    data = Graph().parse(data="@prefix skos: <http://www.w3.org/2004/02/skos/core#> . "
                              "@prefix ex: <http://example.org/> . " + broken, format="turtle")
    ok, messages = conforms(data)
    assert not ok
    assert [m for m in messages if m.split(":")[0] == message.split(":", maxsplit=1)[0]], messages
    if "{" not in message:
        assert message in messages


def test_every_listed_term_is_a_concept_whose_broader_concepts_are_its_super_classes() -> None:
    g = ontology_graph()
    vocabulary = Vocabulary.load()
    for term in vocabulary.entries():
        node = CEPH[term.id]
        assert (node, RDF.type, OWL.Class) in g and (node, RDF.type, SKOS.Concept) in g, term.id
        assert (node, SKOS.inScheme, CEPH.SubstituentScheme) in g
        assert g.value(node, SKOS.prefLabel) == Literal(term.label, lang="en")
        supers = {o for o in g.objects(node, RDFS.subClassOf) if o != CEPH.SubstituentClass}
        assert set(g.objects(node, SKOS.broader)) == supers, term.id
        top = (node, SKOS.topConceptOf, CEPH.SubstituentScheme) in g
        assert top == (not supers) == ((CEPH.SubstituentScheme, SKOS.hasTopConcept, node) in g), term.id


def test_smarts_and_carbon_limits_are_typed_notations() -> None:
    g = ontology_graph()
    assert set(g.objects(CEPH.Hydroxy, SKOS.notation)) == {Literal("[OX2H1]", datatype=CEPH.SMARTS)}
    assert set(g.objects(CEPH.LowerAlkyl, SKOS.notation)) == {Literal("C1-C6", datatype=CEPH.CarbonRange)}
    assert set(g.objects(CEPH.HigherAlkanoyl, SKOS.notation)) == {Literal("C7-C20", datatype=CEPH.CarbonRange)}
    assert (CEPH.SMARTS, RDF.type, RDFS.Datatype) in g


def test_the_basic_groups_map_to_chebi() -> None:
    g = ontology_graph()
    assert (CEPH.Hydroxy, SKOS.exactMatch, URIRef(OBO + "CHEBI_43176")) in g  # hydroxy group
    assert (CEPH.Amino, SKOS.exactMatch, URIRef(OBO + "CHEBI_46882")) in g  # amino group
    assert (CEPH.Carboxy, SKOS.exactMatch, URIRef(OBO + "CHEBI_46883")) in g  # carboxy group
    assert (CEPH.Aryl, SKOS.closeMatch, URIRef(OBO + "CHEBI_33338")) in g  # aryl group
    assert (CEPH.LowerAlkanoyl, SKOS.broadMatch, URIRef(OBO + "CHEBI_27207")) in g  # univalent carboacyl group
    # alkyl group (CHEBI:22323) is known only from MOP's cross-references: not published until read in ChEBI
    assert not list(g.objects(CEPH.Alkyl, SKOS.exactMatch))


def test_only_label_verified_mappings_are_published_and_each_target_is_imported_with_that_label() -> None:
    g = ontology_graph()
    data = tomllib.loads(data_file("substituents.toml").read_text(encoding="utf-8"))
    published = 0
    for term in data["term"]:
        mapping = term.get("chebi")
        node = CEPH[term["id"]]
        stated = {(p, o) for p in (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch) for o in g.objects(node, p)}
        if mapping is None or mapping["evidence"] != "label-verified" or mapping["match"] == "unverified":
            assert stated == set(), term["id"]
            continue
        target = URIRef(OBO + mapping["id"].replace(":", "_"))
        assert stated == {(SKOS[mapping["match"]], target)}, term["id"]
        assert (target, RDF.type, OWL.Class) in g and str(g.value(target, RDFS.label)) == mapping["label"], term["id"]
        assert mapping["sources"], term["id"]
        published += 1
    assert published == 11


# --- enumerations ---------------------------------------------------------------------------

def test_every_code_of_the_models_enumerations_has_its_concept() -> None:
    isomers = tomllib.loads(data_file("claim_rules.toml").read_text(encoding="utf-8"))["isomers"]
    for scheme, codes in ((OX_CEPH.ClaimCategoryScheme, get_args(Category)), (OX_CEPH.RoleScheme, get_args(Role)),
                          (OX_CEPH.CoverageRelationScheme, get_args(Relation)), (OX_CEPH.CoverageRouteScheme, get_args(Via)),
                          (OX_CEPH.StepsRelationScheme, ("sequence", "alternatives")), (OX_CEPH.IsomerScheme, tuple(isomers))):
        for code in codes:
            assert concept(scheme, code) is not None, (scheme, code)


def test_notations_are_unique_within_a_scheme_and_category_classes_name_their_concept() -> None:
    seen: dict[str, set[str]] = {}
    for scheme, code in notations():
        assert code not in seen.setdefault(scheme, set())
        seen[scheme].add(code)
    g = ontology_graph()
    for cls in g.subjects(CEPH.categoryCode, None):
        code = str(g.value(cls, CEPH.categoryCode))
        assert g.value(cls, CEPH.categoryConcept) == URIRef(concept(OX_CEPH.ClaimCategoryScheme, code).value)


# --- a patent's own scheme ----------------------------------------------------------------

COMPOSED = ("What is claimed is:\n"
            "1. A compound of the formula\n\nwherein R1 is C1-C4 alkyl or lower alkoxy(lower)alkyl, "
            "and R2 is hydroxy.\n")


@pytest.fixture(scope="module")
def composed_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeStore]:
    folder = tmp_path_factory.mktemp("composed")
    (folder / "composed.txt").write_text(COMPOSED, encoding="utf-8")
    store = KnowledgeStore(folder / "store")
    report = build([folder / "composed.txt"], store)
    assert not report.failed
    store.report = report  # type: ignore[attr-defined]
    yield store
    store.close()


def test_a_term_the_vocabulary_does_not_list_is_a_concept_of_the_patents_scheme(composed_store: KnowledgeStore) -> None:
    g = composed_store.graph(iris.chemistry_graph("composed"))
    scheme = URIRef(iris.group_scheme("composed").value)
    c1c4 = URIRef(iris.group_concept("composed", "C1C4Alkyl").value)
    alkoxyalkyl = URIRef(iris.group_concept("composed", "LowerAlkoxyLowerAlkyl").value)
    assert (scheme, RDF.type, SKOS.ConceptScheme) in g
    for node, label in ((c1c4, "c1-c4 alkyl"), (alkoxyalkyl, "lower alkoxy(lower)alkyl")):
        assert (node, RDF.type, SKOS.Concept) in g and (node, SKOS.inScheme, scheme) in g
        assert g.value(node, SKOS.prefLabel) == Literal(label, lang="en")
    assert set(g.objects(c1c4, SKOS.broader)) == {CEPH.Alkyl}
    assert (alkoxyalkyl, SKOS.topConceptOf, scheme) in g  # the grammar gives it no parent
    # the alternatives link to these concepts, never to undeclared ceph: IRIs
    linked = set(g.objects(None, CEPH.substituentClass))
    assert linked == {c1c4, alkoxyalkyl, CEPH.Hydroxy}
    assert not [o for o in linked if str(o).startswith(str(CEPH)) and (o, RDF.type, OWL.Class) not in ontology_graph()]


def test_each_unlisted_term_is_reported(composed_store: KnowledgeStore) -> None:
    (report,) = composed_store.report.files  # type: ignore[attr-defined]
    notes = [d for d in report.diagnostics if d.code == DiagnosticCode.GROUP_TERM_NOT_LISTED]
    assert [(d.severity, d.claim, d.message.split("'")[1]) for d in notes] == [
        ("info", 1, "C1-C4 alkyl"), ("info", 1, "lower alkoxy(lower)alkyl")]  # the claim's spelling
    assert Path(notes[0].source).name == "composed.txt"


def test_a_class_query_finds_the_composed_terms_below_it(composed_store: KnowledgeStore) -> None:
    rows = run_query(composed_store, "claims-by-substituent-class", **{"class": str(CEPH.Alkyl)}).as_dicts()
    assert [(r["claim"], r["variable"], r["term"], r["substituentClass"], r["classLabel"]) for r in rows] == [
        (1, "R1", "C1-C4 alkyl", iris.group_concept("composed", "C1C4Alkyl").value, "c1-c4 alkyl")]


def test_the_patents_scheme_validates(composed_store: KnowledgeStore) -> None:
    report = validate(composed_store)
    assert report.conforms, str(report)
