"""Process claims as reactions: routes of both seeds, made-up claims, queries and RDKit reactions."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import URIRef
from rdkit import Chem

from cephkg import InputError, KnowledgeStore, Patent, ResolutionError, build, parse_file, parse_text
from cephkg.chem.reactions import (
    Route,
    apply_reaction,
    build_reaction_smarts,
    canonical_generic_smiles,
    format_route,
    reaction_types,
    route,
    routes,
    substance_names,
)
from cephkg.chem.structures import GenericStructure, StructureFile, structures_for
from cephkg.cli.route import route_command
from cephkg.rdf import claims_graph_triples, iris
from cephkg.rdf.ontology import ontology_graph
from cephkg.rdf.reactions import reaction_compound, route_triples
from cephkg.rdf.vocab import CEPH
from cephkg.store.queries import bind_parameters, get_query
from seeds import EXAMPLES, ID_000, ID_002, SEED_000, SEED_002

CEFDINIR = "C=CC1=C(N2[C@@H]([C@@H](C2=O)NC(=O)/C(=N\\O)/C3=CSC(=N3)N)SC1)C(=O)O"
CEFDINIR_PIVOXIL = "C=CC1=C(N2[C@@H]([C@@H](C2=O)NC(=O)/C(=N\\O)/C3=CSC(=N3)N)SC1)C(=O)OCOC(=O)C(C)(C)C"
BROMO_AMIDE = "C=CC1=C(N2[C@@H]([C@@H](C2=O)NC(=O)/C(=N\\O)C(=O)CBr)SC1)C(=O)O"
THIOUREA = "NC(N)=S"
RXNO = "http://purl.obolibrary.org/obo/"
EXT = "https://w3id.org/cephkg/ontology#"
CEFDINIR_NAME = "7-[2-(2-aminothiazol-4-yl)-2-hydroxyiminoacetamido]-3-vinyl-3-cephem-4-carboxylic acid"
CEFTOBIPROLE_NAME = ("(6R,7R)-7-[(Z)-2-(5-amino-[1,2,4]thiadiazol-3-yl)-2-hydroxyimino-acetylamino]-8-oxo-3-"
                     "[(E)-(R)-2-oxo-[1,3']bipyrrolidinyl-3-ylidenemethyl]-5-thia-1-aza-bicyclo[4.2.0]oct-2-ene-"
                     "2-carboxylic acid")


def inchikey(smiles: str) -> str:
    return Chem.MolToInchiKey(Chem.MolFromSmiles(smiles))


@pytest.fixture(scope="module")
def p000() -> Patent:
    return parse_file(SEED_000)


@pytest.fixture(scope="module")
def p002() -> Patent:
    return parse_file(SEED_002)


@pytest.fixture(scope="module")
def r000(p000: Patent) -> Route:
    return route(p000, 1, structures_for(p000))


@pytest.fixture(scope="module")
def r002(p002: Patent) -> Route:
    return route(p002, 20, structures_for(p002))


def shape(r: Route) -> list[tuple[object, ...]]:
    return [(s.index, s.verb, tuple(p.formula for p in s.reactants), tuple(p.formula for p in s.products),
             tuple((a.role, a.text, a.substances) for a in s.agents),
             s.reaction_type.key if s.reaction_type else None) for s in r.steps]


# --- seed 000 -----------------------------------------------------------------------------

def test_seed_000_claim_1_is_a_three_step_sequence(r000: Route) -> None:
    assert r000.relation == "sequence"
    assert shape(r000) == [
        (1, "converting", (3,), (4,),
         (("reagent", "hydroxylamine or an acid addition salt thereof", ("hydroxylamine",)),),
         "n_hydroxypyrrolidine_formation"),
        (2, "reducing", (4,), (5,),
         (("condition", "hydrogenation", ()), ("catalyst", "Raney nickel", ("raney nickel",))), "hydrogenation"),
        (3, "processing", (2,), (1,), (), None),
    ]
    assert [(t.formula, t.label) for t in r000.targets] == [(1, "A")]
    assert r000.produces_compound_of_claims == ()


def test_seed_000_intermediates_follow_the_text(r000: Route) -> None:
    # step 2 gives formula 5; step 3 starts from "said 3-amino-pyrrolide of formula I": one compound
    assert [(i.formulas, i.produced_by, i.consumed_by) for i in r000.intermediates] == [((4,), 1, 2), ((2, 5), 2, 3)]
    step2, step3 = r000.step(2), r000.step(3)
    assert step2.products[0].compound == step3.reactants[0].compound
    assert step3.reactants[0].compound == "*NC1CCN(*)C1"
    # the IRI is the InChIKey of the structure (variables as xenon), not a hash of RDKit's SMILES
    assert reaction_compound(ID_000, step3.reactants[0].compound) == iris.reaction_compound("ZSAZCVWHAJYWIU-UHFFFAOYSA-N")
    assert reaction_compound(ID_000, step3.reactants[0].compound).value == (
        "https://w3id.org/cephkg/id/reaction-compound/ZSAZCVWHAJYWIU-UHFFFAOYSA-N")


def test_seed_000_claim_2_inherits_the_route_and_names_its_species(p000: Patent) -> None:
    r = route(p000, 2, structures_for(p000))
    assert r.inherits_from == 1
    assert [(i, label) for i, _name, label in r.species] == [(1, "I")]
    assert r.species[0][1] == CEFTOBIPROLE_NAME
    assert format_route(r).splitlines()[0] == f"{ID_000} claim 2: the process of claim 1"


def test_seed_000_steps_1_and_2_apply_to_a_concrete_route(r000: Route) -> None:
    dimesylate = "CS(=O)(=O)OCCC(NC(=O)OC(C)(C)C)COS(C)(=O)=O"  # X = mesyloxy, Z1 = Boc
    assert r000.step(1).apply(dimesylate) == ("CC(C)(C)OC(=O)NC1CCN(O)C1",)
    assert r000.step(2).apply("CC(C)(C)OC(=O)NC1CCN(O)C1") == ("CC(C)(C)OC(=O)NC1CCNC1",)


# --- seed 002 -----------------------------------------------------------------------------

def test_seed_002_claim_20_is_four_alternatives(r002: Route) -> None:
    assert r002.relation == "alternatives"
    assert shape(r002) == [
        (1, "reacting", (2, 3), (4,), (), "hantzsch_thiazole_synthesis"),
        (2, "subjecting", (5,), (6,), (), "carboxy_deprotection"),
        (3, "introducing", (7,), (8,), (), "carboxylic_acid_protection"),
        (4, "subjecting", (9,), (10,), (), "carboxy_deprotection"),
    ]
    assert [s.marker for s in r002.steps] == ["(1)", "(2)", "(3)", "(4)"]
    assert r002.intermediates == ()
    assert r002.produces_compound_of_claims == (1,)
    assert [t.formula for t in r002.targets] == [1]
    # the change of (4) is inside R2: no identity reaction is claimed
    assert [s.smarts is not None for s in r002.steps] == [True, True, True, False]


def test_seed_002_step_2_turns_cefdinir_pivoxil_into_cefdinir(r002: Route) -> None:
    products = r002.step(2).apply(CEFDINIR_PIVOXIL)
    assert [inchikey(p) for p in products] == [inchikey(CEFDINIR)]  # full key: stereo kept


def test_seed_002_step_1_closes_the_aminothiazole_of_cefdinir(r002: Route) -> None:
    products = r002.step(1).apply(BROMO_AMIDE, THIOUREA)
    assert [inchikey(p) for p in products] == [inchikey(CEFDINIR)]
    assert r002.step(1).apply("C=CC1=C(N2[C@@H]([C@@H](C2=O)NC(=O)/C(=N\\O)C(=O)CCl)SC1)C(=O)O", "NC(C)=S") == (
        "C=CC1=C(C(=O)O)N2C(=O)[C@@H](NC(=O)/C(=N\\O)c3csc(C)n3)[C@H]2SC1",)


def test_seed_002_step_1_does_not_apply_without_the_leaving_group(r002: Route) -> None:
    assert r002.step(1).apply(CEFDINIR, THIOUREA) == ()


def test_variables_are_the_mapped_atoms_of_the_reaction_smarts(r002: Route) -> None:
    smarts = r002.step(1).smarts
    assert smarts is not None
    left, right = smarts.split(">>")
    assert left.count("[*:1]") == right.count("[*:1]") == 1  # R1 of the thiourea ends on C-2 of the thiazole
    assert left.count("[*:2]") == right.count("[*:2]") == 1  # R2 stays on C-4 of the cephem
    assert "[*:3]" not in smarts and left.count("[*]") == 1  # X leaves


def test_without_structures_the_route_still_links_claim_1_by_its_definitions(p002: Patent) -> None:
    r = route(p002, 20, None)
    assert r.produces_compound_of_claims == (1,)
    assert [s.reaction_type.key if s.reaction_type else None for s in r.steps] == [
        None, "carboxy_deprotection", "carboxylic_acid_protection", "carboxy_deprotection"]
    assert all(s.smarts is None for s in r.steps)
    with pytest.raises(ResolutionError, match="no structure"):
        r.step(1).apply(BROMO_AMIDE, THIOUREA)


def test_every_process_claim_of_both_seeds_has_a_route(p000: Patent, p002: Patent) -> None:
    assert [(r.patent_id, r.claim) for r in (*routes(p000), *routes(p002))] == [
        (ID_000, 1), (ID_000, 2), (ID_002, 20)]
    with pytest.raises(InputError, match="not a process claim"):
        route(p002, 1)


def test_format_route_of_seed_000(r000: Route) -> None:
    lines = format_route(r000).splitlines()
    assert lines[:6] == [
        f"{ID_000} claim 1: a sequence of 3 steps to formula A (vinylpyrrolidinone-cephalosporin derivative)",
        "  step 1 converting [N-hydroxypyrrolidine formation]",
        "      formula 3",
        "        --[reagent: hydroxylamine or an acid addition salt thereof]-->",
        "      formula 4 (N-hydroxy-pyrrolidine derivative) [intermediate]",
        "      reaction SMARTS: " + str(r000.step(1).smarts),
    ]
    assert "        --[condition: hydrogenation; catalyst: Raney nickel]-->" in lines
    assert lines.count("  then") == 2


# --- made-up claims ---------------------------------------------------------------------------

MADE_UP = """What is claimed is:

1. A process for producing an amine of formula A

wherein R1 is hydrogen or methyl,

comprising:

converting a compound of the formula

wherein X is halogen;

in the presence of triethylamine into the hydroxylamine derivative of the formula

reducing the hydroxylamine derivative to the amine of the formula

by hydrogenation with palladium on carbon; and treating said amine of formula A in a solvent such as methanol or ethanol.

2. A process for producing a compound of the formula:

in which R1 is amino,

which comprises

(1) reacting a compound of the formula :

in which X is halogen, or a salt thereof with a compound of the formula :

in which R1 is as defined above, to give a compound of the formula :

in which R1 is as defined above; or

(2) subjecting a compound of the formula :

in which R1 is as defined above, to the removal reaction of the carboxy-protective group to give a compound of the formula :

in which R1 is as defined above.
"""


@pytest.fixture(scope="module")
def made_up() -> Patent:
    return parse_text(MADE_UP, "made_up_1")


def test_made_up_sequence_with_presence_hydrogenation_and_solvent(made_up: Patent) -> None:
    r = route(made_up, 1)
    assert r.relation == "sequence"
    assert [(s.index, s.verb, tuple((a.role, a.substances) for a in s.agents),
             s.reaction_type.key if s.reaction_type else None) for s in r.steps] == [
        (1, "converting", (("reagent", ("triethylamine",)),), None),
        (2, "reducing", (("condition", ()), ("catalyst", ("palladium on carbon",))), "hydrogenation"),
        (3, "treating", (("solvent", ("methanol", "ethanol")),), None),
    ]
    assert [(s.index, [p.formula for p in s.reactants], [p.formula for p in s.products]) for s in r.steps] == [
        (1, [2], [3]), (2, [3], [4]), (3, [1], [])]
    # "said amine of formula A": the amine step 2 gives is what step 3 treats
    assert [(i.formulas, i.produced_by, i.consumed_by) for i in r.intermediates] == [((3,), 1, 2), ((1, 4), 2, 3)]


def test_made_up_alternatives(made_up: Patent) -> None:
    r = route(made_up, 2)
    assert r.relation == "alternatives"
    assert [(s.marker, [p.formula for p in s.reactants], [p.formula for p in s.products],
             s.reaction_type.key if s.reaction_type else None) for s in r.steps] == [
        ("(1)", [2, 3], [4], None), ("(2)", [5], [6], "carboxy_deprotection")]
    assert r.intermediates == ()
    text = format_route(r).splitlines()
    assert text[0] == "made_up_1 claim 2: alternatives of 2 steps to formula 1"
    assert text.count("  or") == 1


def test_made_up_hantzsch_is_typed_from_structures(made_up: Patent) -> None:
    def gs(formula: int, smiles: str, variables: dict[int, str]) -> GenericStructure:
        return GenericStructure(2, formula, None, smiles, False, tuple(sorted(variables.items())), True, False, "")

    structures = StructureFile("<test>", None, (), (
        gs(2, "O=C(CBr)c1ccccc1", {}), gs(3, "NC(=S)[*:1]", {1: "R1"}), gs(4, "[*:1]c1nc(-c2ccccc2)cs1", {1: "R1"})))
    r = route(made_up, 2, structures)
    step = r.step(1)
    assert step.reaction_type is not None and step.reaction_type.key == "hantzsch_thiazole_synthesis"
    assert step.apply("O=C(CBr)c1ccccc1", THIOUREA) == ("Nc1nc(-c2ccccc2)cs1",)


def test_substance_names() -> None:
    assert substance_names("hydroxylamine or an acid addition salt thereof") == ("hydroxylamine",)
    assert substance_names("Raney nickel") == ("raney nickel",)
    assert substance_names("methanol, ethanol or water") == ("methanol", "ethanol", "water")
    assert substance_names("a salt thereof") == ()
    assert iris.substance("raney nickel") == ox.NamedNode(iris.ID + "substance/raney-nickel")


def test_reaction_smarts_from_structures_directly() -> None:
    ester = GenericStructure(1, 1, None, "[*:1]C(=O)OC", False, ((1, "R"),), True, False, "")
    acid = GenericStructure(1, 2, None, "[*:1]C(=O)O", False, ((1, "R"),), True, False, "")
    smarts = build_reaction_smarts([ester], acid)
    assert apply_reaction(smarts, ["CCC(=O)OC"]) == ("CCC(=O)O",)
    assert canonical_generic_smiles(ester) == "*C(=O)OC"


# --- reaction types and ontology -------------------------------------------------------------

def test_reaction_type_iris_are_declared_with_labels() -> None:
    g = ontology_graph()
    from rdflib import RDFS
    for t in reaction_types().values():
        assert t.iri.startswith((RXNO + "RXNO_", RXNO + "MOP_", EXT)), t.iri
        assert str(g.value(URIRef(t.iri), RDFS.label)) == t.label, t.key


# --- graph and queries ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def store(p000: Patent, p002: Patent) -> Iterator[KnowledgeStore]:
    s = KnowledgeStore(None)
    s.load_ontology()
    for p in (p000, p002):
        s.replace_graph(iris.patent_graph(p.patent_id), claims_graph_triples(p, routes(p, structures_for(p))))
    # the same claims under another id: every compound of its route is shared with 000
    copy = replace(p000, patent_id="copy_000", source=replace(p000.source, patent_id="copy_000"))
    s.replace_graph(iris.patent_graph("copy_000"), claims_graph_triples(copy, routes(copy, structures_for(p000))))
    yield s
    s.close()


def run(store: KnowledgeStore, name: str, **params: str) -> list[dict[str, object]]:
    q = get_query(name)
    return store.query(q.text, bind_parameters(q, params)).as_dicts()


def test_triples_of_seed_000(p000: Patent) -> None:
    triples = set(route_triples(p000, routes(p000, structures_for(p000))))
    step = ox.NamedNode(f"https://w3id.org/cephkg/id/{ID_000}/claim/1/step/2")
    assert ox.Triple(step, CEPH.reactionType, ox.NamedNode(RXNO + "MOP_0000589")) in triples
    assert ox.Triple(ox.NamedNode(f"{step.value}/agent/2"), CEPH.denotesSubstance,
                     iris.substance("raney nickel")) in triples
    assert ox.Triple(ox.NamedNode(f"https://w3id.org/cephkg/id/{ID_000}/claim/1/step/1"), CEPH.nextStep,
                     ox.NamedNode(f"https://w3id.org/cephkg/id/{ID_000}/claim/1/step/2")) in triples
    assert ox.Triple(iris.reaction_compound("ZSAZCVWHAJYWIU-UHFFFAOYSA-N"), CEPH.genericSmiles,
                     ox.Literal("*NC1CCN(*)C1")) in triples


def test_processes_using_raney_nickel(store: KnowledgeStore) -> None:
    for name in ("Raney nickel", "raney nickel", iris.substance("raney nickel").value):
        assert [(r["patent"], r["claim"], r["step"], r["role"], r["agentText"], r["reactionType"])
                for r in run(store, "processes-using", agent=name)] == [
            ("000_50eb0af36841656b", 1, 2, "catalyst", "Raney nickel", RXNO + "MOP_0000589"),
            ("copy_000", 1, 2, "catalyst", "Raney nickel", RXNO + "MOP_0000589")]


def test_processes_using_hydroxylamine(store: KnowledgeStore) -> None:
    assert [(r["patent"], r["step"], r["role"], r["reactionType"])
            for r in run(store, "processes-using", agent="hydroxylamine")] == [
        (ID_000, 1, "reagent", EXT + "NHydroxyPyrrolidineFormation"),
        ("copy_000", 1, "reagent", EXT + "NHydroxyPyrrolidineFormation")]


def test_process_route_query_of_seed_000(store: KnowledgeStore) -> None:
    rows = run(store, "process-route", patent=ID_000, claim="1")
    assert [(r["step"], r["role"], r["formula"], r["what"], r["intermediate"], r["nextStep"]) for r in rows] == [
        (1, "reactant", "3", "compound", False, 2),
        (1, "reagent", None, "hydroxylamine or an acid addition salt thereof", None, 2),
        (1, "product", "4", "N-hydroxy-pyrrolidine derivative", True, 2),
        (2, "reactant", "4", "N-hydroxy-pyrrolidine derivative", True, 3),
        (2, "catalyst", None, "Raney nickel", None, 3),
        (2, "condition", None, "hydrogenation", None, 3),
        (2, "product", "5", "secondary amine", True, 3),
        (3, "reactant", "I", "3-amino-pyrrolidine derivatives", True, None),
        (3, "product", "A", "vinylpyrrolidinone-cephalosporin derivative", False, None),
    ]
    assert rows[2]["smiles"] == "*NC1CCN(O)C1" and rows[2]["reactionType"] == EXT + "NHydroxyPyrrolidineFormation"


def test_process_route_query_of_seed_002(store: KnowledgeStore) -> None:
    rows = run(store, "process-route", patent=ID_002, claim="20")
    assert [(r["step"], r["marker"], r["role"], r["formula"], r["reactionType"]) for r in rows] == [
        (1, "(1)", "reactant", "2", EXT + "HantzschThiazoleSynthesis"),
        (1, "(1)", "reactant", "3", EXT + "HantzschThiazoleSynthesis"),
        (1, "(1)", "product", "4", EXT + "HantzschThiazoleSynthesis"),
        (2, "(2)", "reactant", "5", RXNO + "RXNO_0000433"),  # carboxy group deprotection (RXNO 2021-12-16)
        (2, "(2)", "product", "6", RXNO + "RXNO_0000433"),
        (3, "(3)", "reactant", "7", RXNO + "RXNO_0000325"),
        (3, "(3)", "product", "8", RXNO + "RXNO_0000325"),
        (4, "(4)", "reactant", "9", RXNO + "RXNO_0000433"),
        (4, "(4)", "product", "10", RXNO + "RXNO_0000433"),
    ]
    assert all(r["nextStep"] is None for r in rows)


def test_processes_producing_cefdinir(store: KnowledgeStore) -> None:
    rows = run(store, "processes-producing-compound", compound=CEFDINIR_NAME)
    assert [(r["patent"], r["processClaim"], r["compoundClaim"], r["speciesClaim"], r["step"], r["reactant"])
            for r in rows] == [
        (ID_002, 20, 1, 3, 1, "formula 2"), (ID_002, 20, 1, 3, 1, "formula 3"),
        (ID_002, 20, 1, 3, 2, "formula 5"), (ID_002, 20, 1, 3, 3, "formula 7"),
        (ID_002, 20, 1, 3, 4, "formula 9")]


def test_processes_producing_the_species_of_seed_000(store: KnowledgeStore) -> None:
    rows = run(store, "processes-producing-compound", compound=CEFTOBIPROLE_NAME)
    assert [(r["patent"], r["processClaim"], r["via"], r["speciesClaim"], r["step"], r["reactant"])
            for r in rows] == [
        (ID_000, 2, "named by the process claim", 2, 3, "formula I"),
        ("copy_000", 2, "named by the process claim", 2, 3, "formula I")]


def test_shared_intermediates(store: KnowledgeStore) -> None:
    rows = run(store, "shared-intermediates")
    assert sorted({(r["smiles"], r["patent"], r["formula"], r["role"]) for r in rows}) == sorted(
        {(smiles, patent, formula, role)
         for patent in (ID_000, "copy_000")
         for smiles, formula, role in (("*NC1CCN(O)C1", "4", "product"), ("*NC1CCN(O)C1", "4", "reactant"),
                                       ("*NC1CCN(*)C1", "5", "product"), ("*NC1CCN(*)C1", "I", "reactant"))})


def test_no_intermediate_is_shared_between_the_two_seeds(p000: Patent, p002: Patent) -> None:
    s = KnowledgeStore(None)
    for p in (p000, p002):
        s.replace_graph(iris.patent_graph(p.patent_id), claims_graph_triples(p, routes(p, structures_for(p))))
    assert run(s, "shared-intermediates") == []


# --- CLI ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A closed on-disk store of both seeds (the command opens it itself)."""
    path = tmp_path_factory.mktemp("route-store")
    with KnowledgeStore(path) as s:
        assert not build([EXAMPLES], s).failed
    return str(path)


def test_route_command_prints_the_scheme(store_dir: str) -> None:
    result = CliRunner().invoke(route_command, [ID_002, "20", "--store", store_dir])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:3] == [f"{ID_002} claim 20: alternatives of 4 steps to formula 1",
                         "  produces the compounds of claim 1",
                         "  (1) reacting [Hantzsch thiazole synthesis]"]
    assert lines.count("  or") == 3


def test_route_command_errors(store_dir: str) -> None:
    result = CliRunner().invoke(route_command, [ID_002, "1", "--store", store_dir])
    assert result.exit_code == 1 and "not a process claim" in result.output
    result = CliRunner().invoke(route_command, ["nope", "1", "--store", store_dir])
    assert result.exit_code == 1 and "is not in the store" in result.output
