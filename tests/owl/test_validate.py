"""SHACL validation: the seeds conform, and each shape catches the graph it is written against
with a message that says what is wrong and where."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import RDF, Graph, Literal, URIRef

from cephkg import parse_text
from cephkg.cli.owl import validate_command
from cephkg.owl.reason import asserted_graph_iris
from cephkg.owl.validate import ValidationError, ValidationReport, Violation, shapes_graph, validate, validate_graph
from cephkg.rdf import patent_graph as build_patent_graph
from cephkg.store.local import KnowledgeStore
from rdfvocab import CEPH, CHEMINF, DCTERMS, OA, PROV, SIO, claim_iri, patent_iri
from seeds import ID_000, ID_002
from storeput import put_patent

DEMO = ("What is claimed is:\n"
        "1. A compound of the formula\n\nwherein R^1 is amino or protected amino and R2 is carboxy.\n"
        "2. A compound of claim 1, wherein R1 is amino.\n"
        "3. A compound of claim 2, which is cefpodoxime.\n"
        # claims 4 and 5: the language of real claims (issue 10), each fact of which a shape checks
        "4. A compound of the formula ##STR1## wherein R, R3 and R4, which may be the same or different, each "
        "represents hydrogen or methyl, n is 0, 1 or 2, and R5 and R6 together with the carbon atom to which they "
        "are attached form a cyclopropyl ring, with the proviso that when R3 and R4 are both hydrogen, R is other "
        "than methyl.\n"
        "5. A salt of the compound of claim 4 selected from the group consisting of an alkali metal salt and an "
        "ammonium salt.\n")
ID = "https://w3id.org/cephkg/id/demo"
C1, C2, C3 = (claim_iri("demo", n) for n in (1, 2, 3))
SPAN1 = URIRef(f"{C1}/source-span")
POSITION1 = URIRef(f"{C1}/source-span/position")
DEFINITION_R2 = URIRef(f"{C1}/formula/index/1/definition/R2")
ALTERNATIVE = URIRef(f"{C1}/formula/index/1/definition/R1/alternative/amino")
SPECIES = URIRef(f"{C3}/species/1")
# (not rdflib's XSD namespace: pytest probes module globals, and that namespace warns at unknown names)
NON_NEGATIVE_INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#nonNegativeInteger")
INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#integer")
C4, C5 = claim_iri("demo", 4), claim_iri("demo", 5)
RANGE_N = URIRef(f"{C4}/formula/placeholder/STR1/definition/n/range/1")  # the formula named by its image placeholder
SHARED = URIRef(f"{C4}/shared-definition/1")
JOINT = URIRef(f"{C4}/joint-definition/1")
PROVISO = URIRef(f"{C4}/proviso/1")
WHEN, THEN = URIRef(f"{PROVISO}/when/1"), URIRef(f"{PROVISO}/then/1")
SALT_TYPE = URIRef(f"{C5}/salt-type/1")
COMPOUND = URIRef("https://w3id.org/cephkg/id/compound/TEST")
INCHIKEY = URIRef(f"{COMPOUND}/inchikey")


def demo_graph() -> Graph:
    """Three compound claims (1 ← 2 ← 3): a formula with R1 and R2, then a named species.

    Its species mention is resolved to a compound with an InChIKey, as the chemistry stage
    would do, so that the graph conforms before each test breaks one thing.
    """
    graph = build_patent_graph(parse_text(DEMO, "demo"))
    graph.add((SPECIES, CEPH.denotes, COMPOUND))
    graph.add((COMPOUND, RDF.type, CEPH.SpecificCompound))
    graph.add((COMPOUND, SIO.SIO_000008, INCHIKEY))
    graph.add((INCHIKEY, RDF.type, CHEMINF.CHEMINF_000059))
    graph.add((INCHIKEY, SIO.SIO_000300, Literal("WYUSVOMTXWRGEK-HBWVYFAYSA-N")))
    return graph


def lines(graph: Graph) -> list[str]:
    return [str(v) for v in validate_graph(graph, "demo")]


def add_foreign_claim(g: Graph) -> None:
    """Claim 2 depends on claim 1 of another patent, whose (well-formed) graph is in the same graph."""
    g += build_patent_graph(parse_text("What is claimed is:\n1. A compound of the formula\n\nwherein R1 is amino.\n",
                                       "other"))
    g.add((C2, CEPH.dependsOn, claim_iri("other", 1)))


def add_compound_without_inchikey(g: Graph) -> None:
    g.remove((COMPOUND, SIO.SIO_000008, INCHIKEY))


# (mutation, the violations it must cause: exactly these lines)
CASES: dict[str, tuple[Callable[[Graph], object], list[str]]] = {
    "claim-number": (lambda g: g.remove((C2, CEPH.claimNumber, None)), [
        f"demo: patent: a claim has exactly one claim number, a positive xsd:integer (at <{C2}>) [cephsh:ClaimNumberShape]",
        f"demo: claim 3: depends on {C2}, which is not a numbered claim of the graph [cephsh:DependsOnShape]",
    ]),
    "claim-number-zero": (lambda g: g.set((C2, CEPH.claimNumber, Literal(0))), [
        "demo: claim 0: a claim has exactly one claim number, a positive xsd:integer [cephsh:ClaimNumberShape]",
        "demo: claim 0: claim 0 depends on claim 1, which does not come before it [cephsh:DependsOnShape]",
    ]),
    "two-category-classes": (lambda g: g.add((C2, RDF.type, CEPH.ProcessClaim)), [
        "demo: claim 2: the category code compound disagrees with the category class "
        "https://w3id.org/cephkg/ontology#ProcessClaim [cephsh:ClaimCategoryAgreement]",
        "demo: claim 2: a claim has exactly one category class (compound, process, composition, method-of-treatment, "
        "use or unclassified claim) [cephsh:ClaimCategoryClassShape]",
        "demo: claim 2: the category concept https://w3id.org/cephkg/ontology#CompoundCategory disagrees with the "
        "category class https://w3id.org/cephkg/ontology#ProcessClaim [cephsh:ClaimCategoryConceptAgreement]",
    ]),
    "category-concept": (lambda g: g.set((C2, CEPH.hasCategory, CEPH.ProcessCategory)), [
        "demo: claim 2: the category concept https://w3id.org/cephkg/ontology#ProcessCategory disagrees with the "
        "category class https://w3id.org/cephkg/ontology#CompoundClaim [cephsh:ClaimCategoryConceptAgreement]",
    ]),
    "category-concept-missing": (lambda g: g.remove((C2, CEPH.hasCategory, None)), [
        "demo: claim 2: a claim has exactly one category concept of ceph:ClaimCategoryScheme (ceph:hasCategory) "
        "[cephsh:ClaimCategoryConceptShape]",
    ]),
    "category-code": (lambda g: g.set((C2, CEPH.category, Literal("compounds"))), [
        "demo: claim 2: the category code compounds disagrees with the category class "
        "https://w3id.org/cephkg/ontology#CompoundClaim [cephsh:ClaimCategoryAgreement]",
        "demo: claim 2: a claim has exactly one category code: compound, process, composition, method_of_treatment, "
        "use or unclassified [cephsh:ClaimCategoryCodeShape]",
    ]),
    "category-disagrees": (lambda g: g.set((C2, CEPH.category, Literal("process"))), [
        "demo: claim 2: the category code process disagrees with the category class "
        "https://w3id.org/cephkg/ontology#CompoundClaim [cephsh:ClaimCategoryAgreement]",
    ]),
    "claim-text": (lambda g: g.remove((C2, CEPH.claimText, None)), [
        "demo: claim 2: a claim has exactly one non-empty claim text [cephsh:ClaimTextShape]",
    ]),
    "claim-span": (lambda g: g.remove((C1, PROV.wasDerivedFrom, None)), [
        "demo: claim 1: a claim is derived from exactly one span of the source text (prov:wasDerivedFrom) "
        "[cephsh:ClaimSpanShape]",
    ]),
    "claim-patent": (lambda g: g.remove((C1, CEPH.claimOf, None)), [
        "demo: claim 1: a claim belongs to exactly one patent (ceph:claimOf a ceph:Patent) [cephsh:ClaimPatentShape]",
    ]),
    "span-resource": (lambda g: g.remove((SPAN1, RDF.type, OA.SpecificResource)), [
        f"demo: claim 1: a source span is an oa:SpecificResource (at <{SPAN1}>) [cephsh:SpanShape]",
    ]),
    "span-selector": (lambda g: g.remove((SPAN1, OA.hasSelector, POSITION1)), [
        f"demo: claim 1: a source span has exactly one oa:TextPositionSelector (at <{SPAN1}>) [cephsh:SpanShape]",
    ]),
    "span-order": (lambda g: g.set((POSITION1, OA.start, Literal(500, datatype=NON_NEGATIVE_INTEGER))), [
        f"demo: claim 1: a text position starts at or before its end (oa:start <= oa:end) (at <{POSITION1}>) "
        "[cephsh:TextPositionShape]",
    ]),
    "span-end": (lambda g: g.remove((POSITION1, OA.end, None)), [
        f"demo: claim 1: a text position has exactly one oa:end, a non-negative integer (at <{POSITION1}>) "
        "[cephsh:TextPositionShape]",
    ]),
    "span-negative": (lambda g: g.set((POSITION1, OA.start, Literal(-1, datatype=INTEGER))), [
        f"demo: claim 1: a text position has exactly one oa:start, a non-negative integer (at <{POSITION1}>) "
        "[cephsh:TextPositionShape]",
    ]),
    "depends-on-missing": (lambda g: g.add((C2, CEPH.dependsOn, claim_iri("demo", 9))), [
        f"demo: claim 2: depends on {ID}/claim/9, which is not a numbered claim of the graph [cephsh:DependsOnShape]",
    ]),
    "depends-on-other-patent": (add_foreign_claim, [
        "demo: claim 2: depends on claim 1, which belongs to another patent "
        "(https://w3id.org/cephkg/id/other) [cephsh:DependsOnShape]",
    ]),
    "depends-on-later": (lambda g: g.add((C2, CEPH.dependsOn, C3)), [
        "demo: claim 2: claim 2 depends on claim 3, which does not come before it [cephsh:DependsOnShape]",
    ]),
    "defines-variable": (lambda g: g.remove((DEFINITION_R2, CEPH.definesVariable, None)), [
        f"demo: claim 1: a variable definition defines exactly one ceph:Variable (at <{DEFINITION_R2}>) "
        "[cephsh:VariableDefinitionShape]",
        f"demo: claim 1: the variable of a definition has exactly one variable name (at <{DEFINITION_R2}>) "
        "[cephsh:VariableDefinitionShape]",
    ]),
    "variable-name": (lambda g: g.remove((URIRef(f"{C1}/variable/R2"), CEPH.variableName, None)), [
        f"demo: claim 1: the variable of a definition has exactly one variable name (at <{DEFINITION_R2}>) "
        "[cephsh:VariableDefinitionShape]",
    ]),
    "no-effective-definition": (lambda g: g.set((DEFINITION_R2, CEPH.inherited, Literal(True))), [
        f"demo: claim {n}: variable R2 of the generic structure of claim 1 has no effective definition at claim {n}: "
        "no claim it depends on defines it other than by reference [cephsh:EffectiveDefinitionShape]"
        for n in (1, 2, 3)
    ]),
    "group-term": (lambda g: g.remove((ALTERNATIVE, CEPH.groupTerm, None)), [
        f"demo: claim 1: an alternative has exactly one non-empty group term (at <{ALTERNATIVE}>) "
        "[cephsh:AlternativeShape]",
    ]),
    "not-a-substituent-class": (lambda g: g.add((ALTERNATIVE, CEPH.substituentClass, CEPH.Claim)), [
        "demo: claim 1: the substituent class https://w3id.org/cephkg/ontology#Claim is not a sub-class of "
        f"ceph:SubstituentClass in the ontology (at <{ALTERNATIVE}>) [cephsh:AlternativeShape]",
    ]),
    "disjoint-substituent-classes": (lambda g: (g.add((ALTERNATIVE, CEPH.substituentClass, CEPH.Amino)),
                                                g.add((ALTERNATIVE, CEPH.substituentClass, CEPH.LowerAlkoxycarbonyl))), [
        "demo: claim 1: the substituent classes https://w3id.org/cephkg/ontology#Amino and "
        "https://w3id.org/cephkg/ontology#LowerAlkoxycarbonyl of one alternative are disjoint "
        f"(at <{ALTERNATIVE}>) [cephsh:AlternativeShape]",
    ]),
    "species-name": (lambda g: g.remove((SPECIES, CEPH.speciesName, None)), [
        f"demo: claim 3: a species mention has exactly one non-empty species name (at <{SPECIES}>) "
        "[cephsh:SpeciesMentionShape]",
    ]),
    "species-unresolved": (lambda g: g.remove((SPECIES, CEPH.denotes, None)), [
        "demo: claim 3: a species mention either denotes a specific compound or records why its name did not "
        f"resolve (ceph:resolutionFailure), not both (at <{SPECIES}>) [cephsh:SpeciesResolutionShape]",
    ]),
    "species-resolved-and-failed": (lambda g: g.add((SPECIES, CEPH.resolutionFailure, Literal("no such name"))), [
        "demo: claim 3: a species mention either denotes a specific compound or records why its name did not "
        f"resolve (ceph:resolutionFailure), not both (at <{SPECIES}>) [cephsh:SpeciesResolutionShape]",
    ]),
    "compound-without-inchikey": (add_compound_without_inchikey, [
        "demo: claim 3: a specific compound has exactly one InChIKey (sio:SIO_000008 to a cheminf:CHEMINF_000059) "
        f"(at <{COMPOUND}>) [cephsh:SpecificCompoundShape]",
    ]),
    "malformed-inchikey": (lambda g: g.set((INCHIKEY, SIO.SIO_000300, Literal("not-a-key"))), [
        "demo: claim 3: an InChIKey has exactly one value (sio:SIO_000300) of the form AAAAAAAAAAAAAA-BBBBBBBBBB-C "
        f"(at <{INCHIKEY}>) [cephsh:InChIKeyShape]",
    ]),
    "patent-identifier": (lambda g: g.remove((patent_iri("demo"), DCTERMS.identifier, None)), [
        f"demo: patent: a patent has exactly one identifier (dcterms:identifier) (at <{ID}>) [cephsh:PatentShape]",
    ]),
    "integer-range-order": (lambda g: g.set((RANGE_N, CEPH.minInclusiveValue, Literal(5))), [
        f"demo: claim 4: an integer range has exactly one minimum, an integer not above its maximum (at <{RANGE_N}>) "
        "[cephsh:IntegerRangeShape]",
    ]),
    "integer-range-maximum": (lambda g: g.remove((RANGE_N, CEPH.maxInclusiveValue, None)), [
        f"demo: claim 4: an integer range has exactly one maximum, an integer (at <{RANGE_N}>) [cephsh:IntegerRangeShape]",
    ]),
    "shared-definition-variables": (lambda g: (g.remove((SHARED, CEPH.aboutVariable, URIRef(f"{C4}/variable/R3"))),
                                               g.remove((SHARED, CEPH.aboutVariable, URIRef(f"{C4}/variable/R4")))), [
        f"demo: claim 4: a shared definition is about at least two variables (at <{SHARED}>) "
        "[cephsh:SharedDefinitionShape]",
    ]),
    "shared-definition-independently": (lambda g: g.remove((SHARED, CEPH.variesIndependently, None)), [
        f"demo: claim 4: a shared definition says once whether its variables vary independently (at <{SHARED}>) "
        "[cephsh:SharedDefinitionShape]",
    ]),
    "joint-definition-variables": (lambda g: g.remove((JOINT, CEPH.aboutVariable, URIRef(f"{C4}/variable/R6"))), [
        f"demo: claim 4: a joint definition is about at least two variables (at <{JOINT}>) [cephsh:JointDefinitionShape]",
    ]),
    "proviso-text": (lambda g: g.remove((PROVISO, CEPH.text, None)), [
        f"demo: claim 4: a proviso has exactly one non-empty text (at <{PROVISO}>) [cephsh:ProvisoShape]",
    ]),
    "proviso-decidable-with-a-statement": (lambda g: g.set((THEN, CEPH.conditionRelation, Literal("statement"))), [
        "demo: claim 4: a proviso marked decidable requires something and keeps no condition as text only "
        f"(at <{PROVISO}>) [cephsh:DecidableProvisoShape]",
    ]),
    "condition-relation": (lambda g: g.set((WHEN, CEPH.conditionRelation, Literal("is"))), [
        f"demo: claim 4: a proviso condition has exactly one relation: in, not-in or statement (at <{WHEN}>) "
        "[cephsh:ProvisoConditionShape]",
    ]),
    "condition-without-values": (lambda g: g.remove((WHEN, CEPH.conditionValue, None)), [
        "demo: claim 4: a proviso condition not kept as text is about a variable and names values or integer ranges "
        f"(at <{WHEN}>) [cephsh:ReadConditionShape]",
    ]),
    "salt-type": (lambda g: g.remove((SALT_TYPE, CEPH.saltType, None)), [
        f"demo: claim 5: a salt-type constraint names exactly one salt type (at <{SALT_TYPE}>) "
        "[cephsh:SaltTypeConstraintShape]",
    ]),
    "patent-claims": (lambda g: g.remove((patent_iri("demo"), CEPH.hasClaim, None)), [
        f"demo: patent: a patent has at least one claim (at <{ID}>) [cephsh:PatentShape]",
    ]),
}


def test_the_demo_graph_conforms() -> None:
    assert lines(demo_graph()) == []


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_shape_catches_its_broken_graph(case: str) -> None:
    mutate, expected = CASES[case]
    graph = demo_graph()
    mutate(graph)
    assert lines(graph) == expected


def test_every_shape_is_exercised() -> None:
    """A shape added to shapes.ttl without a broken graph here fails this test."""
    from cephkg.owl.validate import CEPHSH, SH

    named = {str(s).removeprefix(str(CEPHSH)) for kind in (SH.NodeShape, SH.PropertyShape, SH.SPARQLConstraint)
             for s in shapes_graph().subjects(RDF.type, kind) if str(s).startswith(str(CEPHSH))}
    caught = {line.rsplit("[cephsh:", 1)[1].rstrip("]") for _mutate, expected in CASES.values() for line in expected}
    assert named - caught == {"ClaimShape"}  # it only groups the claim's property shapes and constraint


def test_seeds_conform(seed_store: KnowledgeStore) -> None:
    report = validate(seed_store)
    assert report.conforms
    assert report.lines() == [f"{ID_000}: conforms", f"{ID_002}: conforms"]


def test_a_report_groups_violations_by_patent_and_claim() -> None:
    v = Violation("p", 2, f"{ID}/claim/2", True, "cephsh:ClaimTextShape", "a message")
    w = Violation("p", None, f"{ID}", False, "cephsh:PatentShape", "another")
    report = ValidationReport(("p", "q"), (v, w))
    assert not report.conforms
    assert str(report) == ("p: 2 violations\n"
                           "  p: claim 2: a message [cephsh:ClaimTextShape]\n"
                           f"  p: patent: another (at <{ID}>) [cephsh:PatentShape]\n"
                           "q: conforms")


def test_an_unknown_patent_is_an_error(seed_store: KnowledgeStore) -> None:
    with pytest.raises(ValidationError, match=r"patent 'nope' is not in the store \(known: "
                                              + ID_000 + ", " + ID_002 + r"\); run 'cephkg build' first"):
        validate(seed_store, ["nope"])


def test_the_validate_command(seed_store: KnowledgeStore, tmp_path: Path) -> None:
    folder = tmp_path / "store"
    with KnowledgeStore(folder) as target:
        for pid in (ID_000, ID_002):
            claims, chemistry = asserted_graph_iris(pid)
            put_patent(target, pid, seed_store.graph(claims), seed_store.graph(chemistry))
        broken = demo_graph()
        broken.add((C2, CEPH.dependsOn, C3))
        put_patent(target, "demo", broken)
    runner = CliRunner()
    ok = runner.invoke(validate_command, [ID_000, ID_002, "--store", str(folder)])
    assert (ok.exit_code, ok.stdout) == (0, f"{ID_000}: conforms\n{ID_002}: conforms\n0 violations in 0 of 2 patents\n")
    failed = runner.invoke(validate_command, ["--store", str(folder)])
    assert failed.exit_code == 1
    assert failed.stdout.splitlines() == [
        f"{ID_000}: conforms",
        f"{ID_002}: conforms",
        "demo: 1 violation",
        "  demo: claim 2: claim 2 depends on claim 3, which does not come before it [cephsh:DependsOnShape]",
        "1 violation in 1 of 3 patents",
    ]
    missing = runner.invoke(validate_command, ["--store", str(tmp_path / "missing")])
    assert missing.exit_code == 1
    assert f"error: there is no cephkg store at {tmp_path / 'missing'}" in missing.stderr
    KnowledgeStore(tmp_path / "empty").close()
    empty = runner.invoke(validate_command, ["--store", str(tmp_path / "empty")])
    assert empty.exit_code == 1
    assert "error: no patents in the store" in empty.stderr
