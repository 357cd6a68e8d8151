"""OWL reasoning: the seeds are consistent, inferences land only in the inferred graph,
and a graph that contradicts the ontology is refused with the resources and axioms named."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import RDF, Graph, URIRef

from cephkg import parse_text, run_query
from cephkg.cli.owl import reason_command
from cephkg.errors import ReasoningError
from cephkg.owl.reason import (
    InconsistentGraphError,
    ReasoningReport,
    asserted_graph,
    asserted_graph_iris,
    infer,
    reason,
    reason_after_build,
    reason_patent,
)
from cephkg.rdf import patent_graph as build_patent_graph
from cephkg.store.local import KnowledgeStore
from rdfvocab import CEPH, PROV, claim_iri, inferred_graph_iri
from seeds import ID_000, ID_002
from storeput import put_patent

pytestmark = pytest.mark.java

DEMO = ("What is claimed is:\n"
        "1. A compound of the formula\n\nwherein R^1 is amino or protected amino and R2 is carboxy.\n"
        "2. A compound of claim 1, wherein R1 is amino.\n"
        "3. A compound of claim 2, which is cefpodoxime.\n")
CATEGORIES = "DisjointClasses(ceph:CompoundClaim ceph:ProcessClaim ceph:CompositionClaim " \
             "ceph:MethodOfTreatmentClaim ceph:UseClaim ceph:UnclassifiedClaim) [cephkg.ttl]"


def demo_graph(patent_id: str) -> Graph:
    """Three compound claims (1 ← 2 ← 3) with a formula, definitions and a species."""
    return build_patent_graph(parse_text(DEMO, patent_id))


def copy_seeds(source: KnowledgeStore, target: KnowledgeStore) -> None:
    """Both seeds, with their text graphs and their chemistry graphs."""
    target.load_ontology()
    for pid in (ID_000, ID_002):
        claims, chemistry = asserted_graph_iris(pid)
        put_patent(target, pid, source.graph(claims), source.graph(chemistry))


@pytest.fixture(scope="module")
def store(seed_store: KnowledgeStore) -> Iterator[KnowledgeStore]:
    """A copy of the seed store: reasoning writes inferred graphs, the shared store stays as built."""
    copy = KnowledgeStore(None)
    copy_seeds(seed_store, copy)
    yield copy
    copy.close()


@pytest.fixture(scope="module")
def reports(store: KnowledgeStore) -> tuple[ReasoningReport, ...]:
    return reason(store)


def inferred(store: KnowledgeStore, pid: str) -> Graph:
    return store.graph(inferred_graph_iri(pid))


def typed(graph: Graph, cls: URIRef, pid: str) -> set[int]:
    """Numbers of the claims of ``pid`` typed ``cls`` in ``graph``."""
    prefix = str(claim_iri(pid, 0))[:-1]
    return {int(str(s)[len(prefix):]) for s in graph.subjects(RDF.type, cls)
            if str(s).startswith(prefix) and str(s)[len(prefix):].isdigit()}


# ---------------------------------------------------------------------------------------
# The seeds


def test_both_seeds_are_consistent(reports: tuple[ReasoningReport, ...], store: KnowledgeStore) -> None:
    assert [(r.patent_id, r.consistent, r.explanation) for r in reports] == [(ID_000, True, ""), (ID_002, True, "")]
    for r in reports:
        assert r.inferred_triples == len(inferred(store, r.patent_id)) > 0
        assert 0 < r.seconds < 60


def test_claim_6_depends_transitively_on_its_ancestors_only_in_the_inferred_graph(
        reports: tuple[ReasoningReport, ...], store: KnowledgeStore) -> None:
    asserted, derived = asserted_graph(store, ID_002), inferred(store, ID_002)
    c6 = claim_iri(ID_002, 6)
    assert set(derived.objects(c6, CEPH.dependsOnTransitively)) == {claim_iri(ID_002, n) for n in (1, 2, 4, 5)}
    assert set(asserted.objects(c6, CEPH.dependsOnTransitively)) == set()
    assert set(asserted.objects(c6, CEPH.dependsOn)) == {claim_iri(ID_002, 5)}


def test_asserted_types_are_not_repeated_in_the_inferred_graph(
        reports: tuple[ReasoningReport, ...], store: KnowledgeStore) -> None:
    asserted, derived = asserted_graph(store, ID_002), inferred(store, ID_002)
    c2 = claim_iri(ID_002, 2)
    assert (c2, RDF.type, CEPH.DependentClaim) in asserted
    assert (c2, RDF.type, CEPH.DependentClaim) not in derived
    assert (claim_iri(ID_002, 6), CEPH.refersTo, claim_iri(ID_002, 5)) in asserted
    assert set(derived.triples((None, CEPH.refersTo, None))) == set()
    assert [t for t in derived if t in asserted] == []


def test_defined_classes_are_inferred(reports: tuple[ReasoningReport, ...], store: KnowledgeStore) -> None:
    derived = inferred(store, ID_002)
    assert typed(derived, CEPH.SpeciesClaim, ID_002) == {3, 6, 8, 10, 12, 13, 15, 17, 19}
    assert typed(derived, CEPH.MarkushClaim, ID_002) == {1}
    assert typed(derived, CEPH.ClaimReferringToOtherCategory, ID_002) == {21, 22, 23}
    assert typed(derived, PROV.Entity, ID_002) == set(range(1, 24))
    # the process claims of 000 name a species but are no species claims: those are compound claims
    assert typed(inferred(store, ID_000), CEPH.SpeciesClaim, ID_000) == set()


def test_species_mentions_with_a_compound_are_resolved(reports: tuple[ReasoningReport, ...],
                                                       store: KnowledgeStore) -> None:
    for pid in (ID_000, ID_002):
        asserted = asserted_graph(store, pid)
        resolved = set(inferred(store, pid).subjects(RDF.type, CEPH.ResolvedSpeciesMention))
        assert resolved == set(asserted.subjects(CEPH.denotes, None))


def test_reasoning_again_replaces_the_inferred_graph(reports: tuple[ReasoningReport, ...],
                                                     store: KnowledgeStore) -> None:
    before = set(inferred(store, ID_000))
    again = reason_patent(store, ID_000)
    assert (again.consistent, again.inferred_triples) == (True, len(before))
    assert set(inferred(store, ID_000)) == before


def test_parallel_processes_infer_the_same(seed_store: KnowledgeStore, reports: tuple[ReasoningReport, ...],
                                           store: KnowledgeStore) -> None:
    other = KnowledgeStore(None)
    copy_seeds(seed_store, other)
    parallel = reason(other, jobs=2)
    assert [(r.patent_id, r.consistent, r.inferred_triples) for r in parallel] == \
           [(r.patent_id, r.consistent, r.inferred_triples) for r in reports]
    for pid in (ID_000, ID_002):
        assert set(inferred(other, pid)) == set(inferred(store, pid))
    other.close()


def test_reason_after_build_reasons_the_patents_named(seed_store: KnowledgeStore) -> None:
    other = KnowledgeStore(None)
    copy_seeds(seed_store, other)
    assert [r.patent_id for r in reason_after_build(other, [ID_000])] == [ID_000]
    assert len(inferred(other, ID_000)) > 0 and len(inferred(other, ID_002)) == 0
    other.close()


# ---------------------------------------------------------------------------------------
# What the axioms infer on a small graph


def test_depends_on_implies_refers_to_transitive_dependency_and_a_dependent_claim() -> None:
    asserted = demo_graph("demo")
    c1, c2, c3 = (claim_iri("demo", n) for n in (1, 2, 3))
    asserted.remove((None, CEPH.refersTo, None))
    asserted.remove((None, RDF.type, CEPH.DependentClaim))
    result = infer(asserted)
    assert result.consistent
    assert {(s, o) for s, o in result.inferred.subject_objects(CEPH.refersTo)} == {(c2, c1), (c3, c2)}
    assert {(s, o) for s, o in result.inferred.subject_objects(CEPH.dependsOnTransitively)} == \
           {(c2, c1), (c3, c2), (c3, c1)}
    assert set(result.inferred.subjects(RDF.type, CEPH.DependentClaim)) == {c2, c3}


# ---------------------------------------------------------------------------------------
# Querying through the substituent hierarchy


def substituent_rows(store: KnowledgeStore, cls: URIRef) -> list[tuple[object, ...]]:
    result = run_query(store, "claims-by-substituent-class", **{"class": str(cls)})
    return [tuple(v for k, v in row.items() if k != "class") for row in result.as_dicts()]  # "class" echoes the parameter


def test_a_query_for_a_substituent_class_finds_claims_defined_with_its_sub_classes() -> None:
    text = ("What is claimed is:\n"
            "1. A compound of the formula\n\nwherein R^1 is amino or protected amino and R2 is lower alkoxycarbonyl.\n")
    store = KnowledgeStore(None)
    store.load_ontology()
    claims = build_patent_graph(parse_text(text, "subst"))
    definitions = f"{claim_iri('subst', 1)}/formula/index/1/definition"  # the formula has no label: its position
    links = Graph()
    for alternative, cls in (("R1/alternative/amino", CEPH.Amino), ("R1/alternative/protected-amino", CEPH.ProtectedAmino),
                             ("R2/alternative/lower-alkoxycarbonyl", CEPH.LowerAlkoxycarbonyl)):
        links.add((URIRef(f"{definitions}/{alternative}"), CEPH.substituentClass, cls))
    put_patent(store, "subst", claims, links)  # the links live apart from the text's graph
    ester = ("subst", 1, "R2", "lower alkoxycarbonyl", str(CEPH.LowerAlkoxycarbonyl), "lower alkoxycarbonyl")
    assert substituent_rows(store, CEPH.EsterifiedCarboxy) == [ester]
    assert substituent_rows(store, CEPH.ProtectedCarboxy) == [ester]
    assert substituent_rows(store, CEPH.LowerAlkoxycarbonyl) == [ester]
    assert substituent_rows(store, CEPH.Carboxy) == []
    assert [row[2:4] for row in substituent_rows(store, CEPH.SubstituentClass)] == [
        ("R1", "amino"), ("R1", "protected amino"), ("R2", "lower alkoxycarbonyl")]
    store.close()


def test_esterified_carboxy_finds_the_ester_claims_of_the_seed(seed_store: KnowledgeStore) -> None:
    rows = substituent_rows(seed_store, CEPH.EsterifiedCarboxy)
    assert [(row[0], row[1], row[2]) for row in rows] == [(ID_002, n, "R2") for n in (4, 5, 7, 9, 11, 14, 16, 18)]
    assert rows[0][3:5] == ("esterified carboxy", str(CEPH.EsterifiedCarboxy))


# ---------------------------------------------------------------------------------------
# Contradictions


def explanation_of(graph: Graph, pid: str) -> str:
    store = KnowledgeStore(None)
    put_patent(store, pid, graph)
    stale = Graph()
    stale.add((claim_iri(pid, 1), RDF.type, CEPH.Claim))
    store.replace_graph(inferred_graph_iri(pid), stale)
    with pytest.raises(InconsistentGraphError) as caught:
        reason_patent(store, pid)
    assert len(store.graph(inferred_graph_iri(pid))) == 0, "a stale inferred graph survived"
    report = caught.value.report
    assert (report.patent_id, report.consistent, report.inferred_triples) == (pid, False, 0)
    assert str(caught.value) == report.explanation
    assert isinstance(caught.value, ReasoningError)
    store.close()
    return report.explanation


def clashes(explanation: str) -> list[str]:
    """The structural clash lines of an explanation (Pellet's justification follows them)."""
    body = explanation.split("Clashes:\n", 1)[1].split("Pellet's justification", 1)[0]
    return [line for line in body.splitlines() if line]


def test_a_claim_of_two_categories_is_refused() -> None:
    graph = demo_graph("two-categories")
    c3 = claim_iri("two-categories", 3)
    graph.add((c3, RDF.type, CEPH.ProcessClaim))
    explanation = explanation_of(graph, "two-categories")
    assert explanation.startswith("patent two-categories: the graph contradicts the ontology.\n")
    assert clashes(explanation) == [
        f"  - <{c3}> is a ceph:CompoundClaim (asserted) and a ceph:ProcessClaim (asserted), which are disjoint; "
        f"axiom: {CATEGORIES}",
        # claim 3 depends on 2 and 2 on 1, so both must be process claims too: consequences, named apart
        f"  Clashes that follow from these: <{claim_iri('two-categories', 1)}>, <{claim_iri('two-categories', 2)}>",
    ]
    justification = explanation.split("Pellet's justification (the axioms and assertions that cannot all hold):\n")[1]
    assert f"<{c3}> type ProcessClaim" in justification
    assert f"<{c3}> type CompoundClaim" in justification
    assert "DisjointClasses(CompositionClaim" in justification


def test_an_alternative_of_two_disjoint_substituent_classes_is_refused() -> None:
    graph = demo_graph("substituents")
    alternative = URIRef(f"{claim_iri('substituents', 1)}/formula/index/1/definition/R1/alternative/amino")
    graph.add((alternative, RDF.type, CEPH.LowerAlkoxycarbonyl))
    graph.add((alternative, RDF.type, CEPH.ProtectedAmino))
    explanation = explanation_of(graph, "substituents")
    assert clashes(explanation) == [
        f"  - <{alternative}> is a ceph:ProtectedAmino (asserted) and a ceph:ProtectedCarboxy "
        f"(as a ceph:LowerAlkoxycarbonyl), which are disjoint; "
        f"axiom: DisjointClasses(ceph:ProtectedAmino ceph:ProtectedCarboxy) [substituents.ttl]",
    ]
    justification = explanation.split("Pellet's justification")[1]
    for line in (f"<{alternative}> type ProtectedAmino", f"<{alternative}> type LowerAlkoxycarbonyl",
                 "ProtectedAmino disjointWith ProtectedCarboxy", "EsterifiedCarboxy subClassOf ProtectedCarboxy"):
        assert line in justification


def test_a_claim_depending_on_a_claim_of_another_category_is_refused() -> None:
    graph = demo_graph("cross")
    c1, c2, c3 = (claim_iri("cross", n) for n in (1, 2, 3))
    graph.remove((c3, RDF.type, CEPH.CompoundClaim))
    graph.add((c3, RDF.type, CEPH.ProcessClaim))
    assert clashes(explanation_of(graph, "cross")) == [
        f"  - <{c2}> is a ceph:CompoundClaim (asserted) and a ceph:ProcessClaim (<{c3}> ceph:dependsOn it and is a "
        f"ceph:ProcessClaim, which ceph:dependsOn only a ceph:ProcessClaim), which are disjoint; axiom: {CATEGORIES}",
        f"  Clashes that follow from these: <{c1}>",
    ]


def test_an_independent_claim_that_depends_on_another_is_refused() -> None:
    graph = demo_graph("independent")
    c2 = claim_iri("independent", 2)
    graph.remove((c2, RDF.type, CEPH.DependentClaim))
    graph.add((c2, RDF.type, CEPH.IndependentClaim))
    assert clashes(explanation_of(graph, "independent")) == [
        f"  - <{c2}> is a ceph:DependentClaim (by the definition of ceph:DependentClaim) and a "
        f"ceph:IndependentClaim (asserted), which are disjoint; "
        f"axiom: DisjointClasses(ceph:IndependentClaim ceph:DependentClaim) [cephkg.ttl]",
    ]


def test_two_claims_depending_on_each_other_are_refused() -> None:
    graph = demo_graph("cycle")
    c1, c2 = claim_iri("cycle", 1), claim_iri("cycle", 2)
    graph.add((c1, CEPH.dependsOn, c2))
    graph.add((c1, RDF.type, CEPH.DependentClaim))
    assert f"  - <{c1}> ceph:dependsOn <{c2}> and <{c2}> ceph:dependsOn <{c1}>; " \
           f"axiom: AsymmetricObjectProperty(ceph:dependsOn) [cephkg.ttl]" in clashes(explanation_of(graph, "cycle"))


def test_an_inconsistent_patent_does_not_stop_the_others(seed_store: KnowledgeStore) -> None:
    other = KnowledgeStore(None)
    copy_seeds(seed_store, other)
    bad = demo_graph("bad")
    bad.add((claim_iri("bad", 1), RDF.type, CEPH.UseClaim))
    put_patent(other, "bad", bad)
    results = reason(other, [ID_000, "bad"])
    assert [(r.patent_id, r.consistent) for r in results] == [(ID_000, True), ("bad", False)]
    assert "is a ceph:CompoundClaim (asserted) and a ceph:UseClaim (asserted)" in results[1].explanation
    assert len(inferred(other, ID_000)) > 0
    other.close()


def test_the_error_survives_a_trip_between_processes() -> None:
    report = ReasoningReport("p", False, 0, 1.5, "why")
    copy = pickle.loads(pickle.dumps(InconsistentGraphError(report)))
    assert (type(copy), copy.report, str(copy)) == (InconsistentGraphError, report, "why")


# ---------------------------------------------------------------------------------------
# Failures and the command line


def test_an_unknown_patent_is_an_error(store: KnowledgeStore) -> None:
    with pytest.raises(ReasoningError, match=r"patent 'nope' is not in the store \(known: "
                                             + ID_000 + ", " + ID_002 + r"\); run 'cephkg build' first"):
        reason_patent(store, "nope")


def test_missing_java_says_how_to_install_it(store: KnowledgeStore, monkeypatch: pytest.MonkeyPatch,
                                             tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(ReasoningError, match=r"no Java runtime found: .* Run scripts/setup.sh to install one"):
        reason(store, [ID_000])


def test_jobs_must_be_positive(store: KnowledgeStore) -> None:
    with pytest.raises(ReasoningError, match="jobs must be at least 1, not 0"):
        reason(store, [ID_000], jobs=0)


def test_the_reason_command(seed_store: KnowledgeStore, tmp_path: Path) -> None:
    with KnowledgeStore(tmp_path / "store") as target:
        copy_seeds(seed_store, target)
        bad = demo_graph("bad")
        bad.add((claim_iri("bad", 2), RDF.type, CEPH.UseClaim))
        put_patent(target, "bad", bad)
    runner = CliRunner()
    ok = runner.invoke(reason_command, [ID_000, ID_002, "--store", str(tmp_path / "store")])
    assert ok.exit_code == 0, ok.output
    lines = ok.stdout.splitlines()
    assert lines[0].split() == ["patent", "consistent", "inferred", "seconds"]
    assert [line.split()[:2] for line in lines[1:3]] == [[ID_000, "yes"], [ID_002, "yes"]]
    assert lines[3] == "2 of 2 patents consistent"
    failed = runner.invoke(reason_command, ["bad", "--store", str(tmp_path / "store")])
    assert failed.exit_code == 1
    assert failed.stdout.splitlines()[1].split()[:3] == ["bad", "NO", "0"]
    assert "is a ceph:CompoundClaim (asserted) and a ceph:UseClaim (asserted)" in failed.stderr
    unknown = runner.invoke(reason_command, ["nope", "--store", str(tmp_path / "store")])
    assert unknown.exit_code == 1
    assert "error: patent 'nope' is not in the store" in unknown.stderr
