"""Every named query: it parses, documents its parameters, and returns exact rows on the seeds."""

from __future__ import annotations

import pytest
from rdflib.plugins.sparql import prepareQuery

from cephkg import KnowledgeStore, QueryError, named_queries
from cephkg.store.queries import bind_parameters, get_query
from queryrows import rows
from seeds import ID_000, ID_002


@pytest.mark.parametrize("name", sorted(named_queries()))
def test_every_query_parses_and_has_a_header(name: str) -> None:
    query = named_queries()[name]
    prepareQuery(query.text)
    assert query.title and query.description
    for p in query.parameters:
        assert f"?{p.name}" in query.text, f"{name}: parameter {p.name} is not a variable of the query"


def test_claim_tree(seed_store: KnowledgeStore) -> None:
    assert rows(seed_store, "claim-tree", patent=ID_002) == [
        (1, "compound", None, 0), (2, "compound", 1, 1), (3, "compound", 2, 2), (4, "compound", 2, 2),
        (5, "compound", 4, 3), (6, "compound", 5, 4), (7, "compound", 4, 3), (8, "compound", 7, 4),
        (9, "compound", 4, 3), (10, "compound", 9, 4), (11, "compound", 4, 3), (12, "compound", 11, 4),
        (13, "compound", 11, 4), (14, "compound", 4, 3), (15, "compound", 14, 4), (16, "compound", 4, 3),
        (17, "compound", 16, 4), (18, "compound", 4, 3), (19, "compound", 18, 4), (20, "process", None, 0),
        (21, "composition", None, 0), (22, "method_of_treatment", None, 0), (23, "use", None, 0),
    ]
    assert rows(seed_store, "claim-tree", patent=ID_000) == [(1, "process", None, 0), (2, "process", 1, 1)]


def test_claims_by_category(seed_store: KnowledgeStore) -> None:
    assert rows(seed_store, "claims-by-category", category="process") == [
        (ID_000, "process", 1, True), (ID_000, "process", 2, False), (ID_002, "process", 20, True)]
    assert len(rows(seed_store, "claims-by-category")) == 25


def test_effective_definitions_inherit_along_depends_on(seed_store: KnowledgeStore) -> None:
    assert rows(seed_store, "effective-definitions", patent=ID_002, claim="13") == [
        (ID_002, 13, "R1", 2, 1, "amino"),
        (ID_002, 13, "R2", 11, 1, "lower alkanoyloxy(lower)alkoxycarbonyl"),
    ]
    assert rows(seed_store, "effective-definitions", patent=ID_002, claim="3") == [
        (ID_002, 3, "R1", 2, 1, "amino"), (ID_002, 3, "R2", 1, 1, "carboxy"), (ID_002, 3, "R2", 1, 2, "protected carboxy")]
    assert rows(seed_store, "effective-definitions", patent=ID_000, claim="2") == [
        (ID_000, 2, "R1", 1, 1, "hydrogen"), (ID_000, 2, "R1", 1, 2, "amino protecting group"),
        (ID_000, 2, "X", 1, 1, "protected hydroxy"), (ID_000, 2, "Y", 1, 1, "CH"), (ID_000, 2, "Y", 1, 2, "nitrogen"),
        (ID_000, 2, "Z", 1, 1, "hydrogen"), (ID_000, 2, "Z", 1, 2, "amino protecting group"),
        (ID_000, 2, "Z1", 1, 1, "amino protecting group"),
    ]
    assert len(rows(seed_store, "effective-definitions", patent=ID_002)) == 48


def test_species_with_salt_forms_and_isomer(seed_store: KnowledgeStore) -> None:
    got = [(claim, isomer, salt) for _p, claim, _i, _n, isomer, salt, _w in rows(seed_store, "species", patent=ID_002)]
    assert got == [(3, "syn", "potassium"), (3, "syn", "sodium"), (6, "syn", "hydrochloride"), (8, "syn", None),
                   (10, "syn", None), (12, "syn", None), (13, "syn", None), (15, "syn", None), (17, "syn", None),
                   (19, "syn", None)]
    [(p, claim, index, name, isomer, salt, written)] = rows(seed_store, "species", patent=ID_000)
    assert (p, claim, index, isomer, salt) == (ID_000, 2, 1, None, None)
    assert name == written and name.startswith("(6R,7R)-7-[(Z)-2-(5-amino-[1,2,4]thiadiazol-3-yl)")


def test_process_steps_with_reagents_and_catalysts(seed_store: KnowledgeStore) -> None:
    assert rows(seed_store, "process-steps", patent=ID_000) == [
        (ID_000, 1, "sequence", 1, "converting", "reagent", "hydroxylamine or an acid addition salt thereof"),
        (ID_000, 1, "sequence", 2, "reducing", "catalyst", "Raney nickel"),
        (ID_000, 1, "sequence", 2, "reducing", "condition", "hydrogenation"),
        (ID_000, 1, "sequence", 3, "processing", None, None),
    ]
    assert rows(seed_store, "process-steps", patent=ID_002) == [
        (ID_002, 20, "alternatives", 1, "reacting", None, None),
        (ID_002, 20, "alternatives", 2, "subjecting", None, None),
        (ID_002, 20, "alternatives", 3, "introducing", None, None),
        (ID_002, 20, "alternatives", 4, "subjecting", None, None),
    ]


def test_cross_category_references(seed_store: KnowledgeStore) -> None:
    assert rows(seed_store, "cross-category-references") == [
        (ID_002, 21, "composition", 1, "compound"), (ID_002, 22, "method_of_treatment", 1, "compound"),
        (ID_002, 23, "use", 1, "compound")]


def test_parameters_are_bound_as_terms_not_pasted(seed_store: KnowledgeStore) -> None:
    hostile = '002" } } UNION { GRAPH ?g { ?p ?q ?r } } #'
    assert rows(seed_store, "claim-tree", patent=hostile) == []


def test_parameter_errors() -> None:
    query = get_query("claim-tree")
    with pytest.raises(QueryError, match="needs parameter patent"):
        bind_parameters(query, {})
    with pytest.raises(QueryError, match="takes no parameter colour"):
        bind_parameters(query, {"patent": "x", "colour": "red"})
    with pytest.raises(QueryError, match="'x' is not an integer"):
        bind_parameters(get_query("effective-definitions"), {"claim": "x"})
    with pytest.raises(QueryError, match="no query named 'nope'"):
        get_query("nope")


def test_all_dependent_claims_answers_through_the_inferred_transitive_property(tmp_path) -> None:
    from cephkg import build
    from cephkg.owl.reason import reason
    from seeds import EXAMPLES

    with KnowledgeStore(tmp_path / "store") as store:
        build([EXAMPLES], store)
        assert rows(store, "all-dependent-claims", patent=ID_002, claim="11") == []  # nothing inferred yet
        [report] = reason(store, [ID_002])
        assert report.consistent
        assert rows(store, "all-dependent-claims", patent=ID_002, claim="11") == [(11, 12, True), (11, 13, True)]
        assert rows(store, "all-dependent-claims", patent=ID_002, claim="2") == [
            (2, n, n in (3, 4)) for n in range(3, 20)]


def test_every_parameter_is_a_result_column() -> None:
    """Parameters are bound with SPARQL substitution (SEP-0007), which binds projected variables."""
    import re

    for q in named_queries().values():
        select = re.search(r"^SELECT[^\n]*$", q.text, re.M)
        assert select is not None, q.name
        for p in q.parameters:
            assert re.search(rf"\?{p.name}\b", select.group(0)), (q.name, p.name)


# --- joining the graph with ChEBI and PubChem -----------------------------------------------

CEPH_NS = "https://w3id.org/cephkg/ontology#"
SKOS_NS = "http://www.w3.org/2004/02/skos/core#"
CHEBI = "http://purl.obolibrary.org/obo/CHEBI_"


def test_claims_by_chebi_class_follow_the_scheme_mappings(seed_store: KnowledgeStore) -> None:
    amino = (CEPH_NS + "Amino", CEPH_NS + "Amino", SKOS_NS + "exactMatch", CHEBI + "46882")
    assert rows(seed_store, "claims-by-chebi-class", chebi=CHEBI + "46882") == [
        (ID_002, n, "R1", "amino", *amino) for n in (1, 2, 20)]
    carboxy = rows(seed_store, "claims-by-chebi-class", chebi=CHEBI + "46883")  # carboxy group
    assert {(r[1], r[2], r[3], r[6]) for r in carboxy} == {(n, "R2", "carboxy", SKOS_NS + "exactMatch") for n in (1, 20)}
    assert rows(seed_store, "claims-by-chebi-class", chebi=CHEBI + "22323") == []  # alkyl group: not mapped (unverified)


def test_compound_identifiers_give_the_keys_to_join_pubchem_on(seed_store: KnowledgeStore) -> None:
    found = rows(seed_store, "compound-identifiers")
    assert len(found) == 10
    pivoxil = next(r for r in found if r[0] == "DRACJONKQLQDIZ-MYKKPKGFSA-N")
    assert pivoxil[1].startswith("InChI=1S/C20H23N5O7S2/")
    assert pivoxil[2].startswith("C=CC1=C(C(=O)OCOC(=O)C(C)(C)C)N2C(=O)")
    assert pivoxil[4] == "https://w3id.org/cephkg/id/compound/DRACJONKQLQDIZ-MYKKPKGFSA-N"
    assert pivoxil[5] == 1
    assert [r[0] for r in found] == sorted(r[0] for r in found)
