"""The model as RDF: deterministic IRIs, provenance spans, atomic per-patent graphs."""

from __future__ import annotations

from pathlib import Path

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from cephkg import KnowledgeStore, Patent, build, parse_file, patent_graph
from rdfvocab import CEPH, OA, PROV, patent_graph_iri
from seeds import ID_002, SEED_000, SEED_002

CLAIM_6 = URIRef(f"https://w3id.org/cephkg/id/{ID_002}/claim/6")


def test_rebuilding_gives_the_same_triples(patent_002: Patent) -> None:
    first = patent_graph(patent_002)
    second = patent_graph(parse_file(SEED_002))
    assert set(first) == set(second)  # no blank nodes: deterministic IRIs, equal as sets


def test_claim_triples(patent_002: Patent) -> None:
    g = patent_graph(patent_002)
    assert set(g.objects(CLAIM_6, RDF.type)) == {CEPH.Claim, CEPH.CompoundClaim, CEPH.DependentClaim}
    assert g.value(CLAIM_6, CEPH.claimNumber) == Literal(6)
    assert set(g.objects(CLAIM_6, CEPH.dependsOn)) == {URIRef(f"https://w3id.org/cephkg/id/{ID_002}/claim/5")}
    species = g.value(CLAIM_6, CEPH.namesSpecies)
    assert str(g.value(species, CEPH.speciesName)).startswith("1-ethoxycarbonyloxyethyl 7-[")
    assert {str(g.value(s, URIRef("http://www.w3.org/2000/01/rdf-schema#label")))
            for s in g.objects(species, CEPH.hasSaltForm)} == {"hydrochloride"}


def test_every_fact_links_to_its_source_span(patent_002: Patent) -> None:
    g = patent_graph(patent_002)
    text = patent_002.source.text
    facts = set(g.subjects(PROV.wasDerivedFrom, None))
    typed = {s for cls in (CEPH.Claim, CEPH.VariableDefinition, CEPH.SpeciesMention, CEPH.GenericStructure,
                           CEPH.ProcessStep, CEPH.SaltsClause, CEPH.TextRepair)
             for s in g.subjects(RDF.type, cls)}
    assert typed <= facts
    for fact in facts:
        where = g.value(fact, PROV.wasDerivedFrom)
        selectors = list(g.objects(where, OA.hasSelector))
        position = next(s for s in selectors if (s, RDF.type, OA.TextPositionSelector) in g)
        quote = next(s for s in selectors if (s, RDF.type, OA.TextQuoteSelector) in g)
        start, end = int(g.value(position, OA.start)), int(g.value(position, OA.end))
        assert text[start:end] == str(g.value(quote, OA.exact))


def test_repairs_are_in_the_graph_with_their_original(patent_002: Patent) -> None:
    g = patent_graph(patent_002)
    originals = {(str(g.value(r, CEPH.repairKind)), str(g.value(r, CEPH.originalText)),
                  str(g.value(r, CEPH.repairedText))) for r in g.subjects(RDF.type, CEPH.TextRepair)}
    assert ("term-repair", "phthalidylloxycarbonyl", "phthalidyloxycarbonyl") in originals
    assert ("ocr-mark", "*a 20* ", "") in originals
    assert ("variable-notation", "R^2_a", "R2a") in originals


def test_rebuild_replaces_the_graph_without_duplicates_or_stale_triples(tmp_path: Path) -> None:
    claims = tmp_path / "p.txt"
    claims.write_text("1. A compound of the formula\n\nwherein R1 is amino.\n2. A compound of claim 1.\n")
    with KnowledgeStore(tmp_path / "store") as store:
        build([claims], store)
        first = len(store.graph(patent_graph_iri("p")))
        build([claims], store)
        assert len(store.graph(patent_graph_iri("p"))) == first
        claims.write_text("1. A compound of the formula\n\nwherein R1 is hydrogen.\n")
        build([claims], store)
        rebuilt = store.graph(patent_graph_iri("p"))
        assert isomorphic(rebuilt, patent_graph(parse_file(claims)))
        assert not any("claim/2" in str(s) for s in rebuilt.subjects())


def test_one_bad_file_does_not_sink_the_others(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02")
    (tmp_path / "noclaims.txt").write_text("nothing numbered here")
    (tmp_path / "good.txt").write_text("1. A compound of the formula\n\nwherein R1 is amino.\n")
    with KnowledgeStore(tmp_path / "store") as store:
        report = build([tmp_path], store)
        assert [(Path(f.path).name, f.built) for f in report.files] == [
            ("binary.txt", False), ("empty.txt", False), ("good.txt", True), ("noclaims.txt", False)]
        assert [f.error for f in report.failed] == [
            f"{tmp_path / 'binary.txt'}: the file is binary (NUL bytes), not claim text",
            f"{tmp_path / 'empty.txt'}: the file is empty",
            f"{tmp_path / 'noclaims.txt'}: no numbered claims found",
        ]
        assert store.patent_ids() == ["good"]


def test_each_patent_has_its_own_named_graph(seed_store: KnowledgeStore) -> None:
    assert seed_store.graphs() == [
        "https://w3id.org/cephkg/graph/patent/000_50eb0af36841656b",
        "https://w3id.org/cephkg/graph/patent/000_50eb0af36841656b/chemistry",
        "https://w3id.org/cephkg/graph/patent/002_90b12462b97cb7e0",
        "https://w3id.org/cephkg/graph/patent/002_90b12462b97cb7e0/chemistry",
        "https://w3id.org/cephkg/graph/system/builds",  # the build activity and what it generated
        "https://w3id.org/cephkg/graph/system/index",
        "https://w3id.org/cephkg/graph/system/ontology",
    ]
    stored = set(seed_store.graph(patent_graph_iri("000_50eb0af36841656b")))
    assert set(patent_graph(parse_file(SEED_000))) <= stored


def test_patent_ids_with_odd_characters_get_safe_iris(tmp_path: Path) -> None:
    claims = tmp_path / "EP 0 123 456 B1.txt"
    claims.write_text("1. A compound X.\n")
    patent = parse_file(claims)
    g: Graph = patent_graph(patent)
    assert URIRef("https://w3id.org/cephkg/id/EP_0_123_456_B1/claim/1") in set(g.subjects())
    assert [(d.code, d.message) for d in patent.diagnostics] == [
        ("patent-id-escaped", "the file name 'EP 0 123 456 B1' is not a safe patent id; the patent is stored as "
                              "'EP_0_123_456_B1'")]
    assert patent.source.publication == "EP-0123456-B1"
