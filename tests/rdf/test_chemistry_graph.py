"""The chemistry stage in the graph: structures, compounds, covers links, registered compounds, queries."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import RDF, Literal, URIRef
from rdkit import Chem

from cephkg import KnowledgeStore, build
from cephkg.rdf import iris
from cephkg.store.scopes import ensure_compound, register_compound
from queryrows import rows
from rdfvocab import CEPH, PROV
from seeds import EXAMPLES, ID_000, ID_002

PIVOXIL = "C=CC1=C(C(=O)OCOC(=O)C(C)(C)C)N2C(=O)C(NC(=O)/C(=N\\O)c3csc(N)n3)C2SC1"
PIVOXIL_KEY = "DRACJONKQLQDIZ-MYKKPKGFSA-N"
C = "https://w3id.org/cephkg/id/"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeStore]:
    s = KnowledgeStore(tmp_path_factory.mktemp("chem-store"))
    assert not build([EXAMPLES], s).failed
    yield s
    s.close()


def test_species_denote_compounds_with_cheminf_descriptors(store: KnowledgeStore) -> None:
    g = store.graph(iris.chemistry_graph(ID_002))
    mention = URIRef(f"{C}{ID_002}/claim/13/species/1")
    k = URIRef(f"{C}compound/{PIVOXIL_KEY}")
    assert (mention, CEPH.denotes, k) in g
    assert str(g.value(URIRef(f"{k}/smiles"), URIRef("http://semanticscience.org/resource/SIO_000300"))) == PIVOXIL
    assert str(g.value(URIRef(f"{k}/inchikey"), URIRef("http://semanticscience.org/resource/SIO_000300"))) == PIVOXIL_KEY
    assert (mention, CEPH.resolvedFrom, Literal("name")) in g
    # the as-written name carried a margin number OPSIN rejects: both outcomes are recorded
    assert str(g.value(mention, CEPH.asWrittenResolutionFailure)) == (
        "Cannot find functional atom with locant: 8 to form an ester with")
    assert (store.path / "opsin-cache.json").is_file()


def test_every_interpretable_alternative_links_its_substituent_class(store: KnowledgeStore) -> None:
    result = store.query(
        "PREFIX ceph: <https://w3id.org/cephkg/ontology#>\n"
        "SELECT ?term (COUNT(?cls) AS ?n) WHERE { GRAPH ?g { ?alt a ceph:Alternative ; ceph:groupTerm ?term } "
        "OPTIONAL { GRAPH ?h { ?alt ceph:substituentClass ?cls } } } GROUP BY ?term ORDER BY ?term")
    counts = {str(r[0]): int(r[1]) for r in result.rows}
    assert all(n > 0 for n in counts.values()), counts
    g = store.graph(iris.chemistry_graph(ID_002))
    # an alternative is named by its group term, not its position (docs/architecture.md, Identifiers)
    alt = URIRef(f"{C}{ID_002}/claim/11/definition/R2/alternative/lower-alkanoyloxy-lower-alkoxycarbonyl")
    assert (alt, CEPH.substituentClass, URIRef("https://w3id.org/cephkg/ontology#LowerAlkanoyloxyLowerAlkoxycarbonyl")) in g


def test_covers_links_with_explanations(store: KnowledgeStore) -> None:
    g = store.graph(iris.chemistry_graph(ID_002))
    k = URIRef(f"{C}compound/{PIVOXIL_KEY}")
    covering = sorted(int(str(c).rsplit("/", 1)[-1]) for c in g.subjects(CEPH.covers, k))
    assert covering == [1, 2, 4, 11, 13]
    e = URIRef(f"{C}{ID_002}/claim/11/coverage/{PIVOXIL_KEY}")
    assert str(g.value(e, CEPH.coverageVia)) == "markush"
    a = URIRef(f"{e}/assignment/R2")
    assert str(g.value(a, CEPH.satisfiesTerm)) == "lower alkanoyloxy(lower)alkoxycarbonyl"
    assert str(g.value(a, CEPH.fragmentSmiles)) == "[*]C(=O)OCOC(=O)C(C)(C)C"


def test_claims_covering_compound_query_by_iri_smiles_and_inchikey(store: KnowledgeStore) -> None:
    iri = f"{C}compound/{PIVOXIL_KEY}"
    expected = [(ID_002, 1, "compound", "covers", "markush", False), (ID_002, 2, "compound", "covers", "markush", True),
                (ID_002, 4, "compound", "covers", "markush", True), (ID_002, 11, "compound", "covers", "markush", True),
                (ID_002, 13, "compound", "covers", "species", True),
                (ID_002, 20, "process", "product_of_process", "markush", False),
                (ID_002, 21, "composition", "composition", "markush", False),
                (ID_002, 22, "method_of_treatment", "method_of_treatment", "markush", False),
                (ID_002, 23, "use", "use", "markush", False)]
    for value in (iri, PIVOXIL, PIVOXIL_KEY):
        assert [r[:6] for r in rows(store, "claims-covering-compound", compound=value)] == expected


def test_dependent_claims_covering_compound_rows(store: KnowledgeStore) -> None:
    got = [r[:8] for r in rows(store, "dependent-claims-covering-compound", compound=PIVOXIL_KEY)]
    assert got == [
        (ID_002, 2, 1, "markush", "R1", "[*]N", "amino", None),
        (ID_002, 2, 1, "markush", "R2", "[*]C(=O)OCOC(=O)C(C)(C)C", "protected carboxy", None),
        (ID_002, 4, 2, "markush", "R1", "[*]N", "amino", None),
        (ID_002, 4, 2, "markush", "R2", "[*]C(=O)OCOC(=O)C(C)(C)C", "esterified carboxy", None),
        (ID_002, 11, 4, "markush", "R1", "[*]N", "amino", None),
        (ID_002, 11, 4, "markush", "R2", "[*]C(=O)OCOC(=O)C(C)(C)C", "lower alkanoyloxy(lower)alkoxycarbonyl", None),
        (ID_002, 13, 11, "species", None, None, None, "the species itself"),
    ]


def test_compounds_across_patents(store: KnowledgeStore) -> None:
    got = rows(store, "compounds-across-patents")
    assert len({r[0] for r in got}) == 10 and {r[1] for r in got} == {1}
    ceftobiprole = [r[:5] for r in got if r[2] == ID_000]
    assert ceftobiprole == [("VOAZJEPQLGBXGO-SDAWRPRTSA-N", 1, ID_000, 1, "product_of_process"),
                            ("VOAZJEPQLGBXGO-SDAWRPRTSA-N", 1, ID_000, 2, "names"),
                            ("VOAZJEPQLGBXGO-SDAWRPRTSA-N", 1, ID_000, 2, "product_of_process")]
    pivoxil = [(r[3], r[4]) for r in got if r[0] == PIVOXIL_KEY]
    assert pivoxil == [(1, "covers"), (2, "covers"), (4, "covers"), (11, "covers"), (13, "covers"), (13, "names"),
                       (20, "product_of_process"), (21, "composition"), (22, "method_of_treatment"), (23, "use")]


def test_registering_a_compound_not_in_the_graph(tmp_path: Path) -> None:
    with KnowledgeStore(tmp_path) as store:
        assert not build([EXAMPLES], store).failed
        salt = "Nc1nc(/C(=N/O)C(=O)NC2C(=O)N3C(C(=O)[O-])=C(C=C)CSC23)cs1.[Na+]"
        assert rows(store, "claims-covering-compound", compound=salt) == []
        iri = ensure_compound(store, salt)
        assert iri.startswith(f"{C}compound/") and ensure_compound(store, iri) == iri
        got = [r[:4] for r in rows(store, "dependent-claims-covering-compound", compound=iri)]
        assert got == [(ID_002, 2, 1, "markush"), (ID_002, 2, 1, "markush"), (ID_002, 3, 2, "species")]
        g = store.graph(iris.REGISTERED_GRAPH)
        k = URIRef(iri)
        assert (k, CEPH.hasSaltForm, URIRef(f"{C}salt-form/sodium")) in g
        assert g.value(k, CEPH.parentCompound) == URIRef(f"{C}compound/RTXOFQZKPXMALH-WSVATBPTSA-N")
        # a rebuild keeps registered compounds and their links
        assert register_compound(store, "CC(=O)Oc1ccccc1C(=O)O", "aspirin").endswith("BSYNRYMUTXBXSQ-UHFFFAOYSA-N")
        assert not build([EXAMPLES], store).failed
        assert len(rows(store, "dependent-claims-covering-compound", compound=iri)) == 3


def test_a_name_opsin_rejects_is_a_recorded_failure(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from cephkg.cli.chem import check_command

    name = "7-[2-(2-aminothiazol-4-yl)-2-frobnoiminoacetamido]-3-vinyl-3-cephem-4-carboxylic acid"
    claims = tmp_path / "z.txt"
    claims.write_text("1. A compound of the formula\n\nwherein R1 is amino.\n"
                      f"2. A compound of claim 1, which is {name} (syn isomer).\n")
    with KnowledgeStore(tmp_path / "store") as store:
        assert not build([claims], store).failed
        g = store.graph(iris.chemistry_graph("z"))
        mention = URIRef(f"{C}z/claim/2/species/1")
        assert str(g.value(mention, CEPH.resolutionFailure)).startswith(
            f"{name} is unparsable due to the following being uninterpretable: 2-frobnoiminoacetamido]")
        assert g.value(mention, CEPH.denotes) is None
    out = CliRunner().invoke(check_command, ["--store", str(tmp_path / "store")])
    assert out.exit_code == 1
    assert "claim 1 [structure] no generic structure is curated for this claim" in out.output
    assert f"claim 2 [resolution] species 1 '{name}' has no structure:" in out.output


def test_inferred_structures_and_undecided_claims_are_in_the_graph(tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(EXAMPLES / f"{ID_002}.txt", folder / f"{ID_002}.txt")
    (folder / "nospecies.txt").write_text("1. A compound of the formula ##STR1## wherein R1 is hydrogen or lower alkyl.\n")
    with KnowledgeStore(tmp_path / "store") as store:
        # links to the compounds other patents name: only when asked (they grow with the square of a build)
        assert not build([folder], store, link_across=True).failed
        g = store.graph(iris.chemistry_graph(ID_002))
        f = URIRef(f"{C}{ID_002}/claim/1/formula/index/1")  # no label, no placeholder: named by position
        assert g.value(f, CEPH.structureSource) == Literal("inferred")
        assert g.value(f, CEPH.structureOrigin) == Literal("inference")
        assert str(g.value(f, CEPH.structureSmiles)).endswith("|$_R2;;;;;;;;;;;;;;;;;;;_R1;;;;$|")
        assert Literal("consistent with all 9 compound(s) at their own claims' definitions") in set(
            g.objects(f, CEPH.inferenceEvidence))
        # the inferred structure is a PROV entity derived from the named species it was inferred from
        node = g.value(f, CEPH.hasInferredStructure)
        assert node == URIRef(f"{f}/inferred-structure")
        assert (node, RDF.type, CEPH.InferredGenericStructure) in g
        assert set(g.objects(node, CEPH.inferenceEvidence)) == set(g.objects(f, CEPH.inferenceEvidence))
        assert Chem.MolFromSmiles(str(g.value(node, CEPH.structureSmiles))) is not None
        sources = sorted(str(s) for s in g.objects(node, PROV.wasDerivedFrom))
        assert sources and all(re.fullmatch(rf"{C}{ID_002}/claim/\d+/species/\d+", s) for s in sources)
        assert (URIRef(sources[0]), RDF.type, CEPH.SpeciesMention) in store.graph(iris.patent_graph(ID_002))
        # a coverage decision made on it is derived from it
        assert any((e, RDF.type, CEPH.CoverageExplanation) in g for e in g.subjects(PROV.wasDerivedFrom, node))
        other = store.graph(iris.chemistry_graph("nospecies"))
        f1 = URIRef(f"{C}nospecies/claim/1/formula/placeholder/STR1")  # named by its image placeholder
        assert other.value(f1, CEPH.inferenceFailure) == Literal(
            "no compound named in the patent resolved to a structure")
        claim = URIRef(f"{C}nospecies/claim/1")
        assert len(set(other.objects(claim, CEPH.undecidedFor))) == 9   # the 9 species of 002: cannot decide
        assert set(other.objects(claim, CEPH.covers)) == set()
