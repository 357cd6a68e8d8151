"""The group language of real claims, decided: carbon ranges in every notation, the new group
terms (each with a fragment that satisfies it and a near one that does not), substituent names
read through OPSIN, shared definitions, provisos and salt types - each written from the claim
language of the real corpus (tests/data/real-claims, the development corpus's LANGUAGE.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cephkg import parse_text
from cephkg.chem.coverage import PatentScope, covers
from cephkg.chem.provisos import Condition, NumericVariable, Proviso, check_numeric, evaluate_provisos
from cephkg.chem.salts import check_salt_types, salt_type_for_phrase, salt_types
from cephkg.chem.structures import parse_structures
from cephkg.chem.substituents import Vocabulary
from cephkg.resources import load_data


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return Vocabulary.load()


@pytest.mark.parametrize(("written", "canonical"), [
    ("C1-4 alkyl", "c1-c4 alkyl"),                      # EPO_T0106_95 "C1-4 alkoxy"
    ("C.sub.1-4 alkyl", "c1-c4 alkyl"),                 # US4602012 "C.sub.1 -4 alkyl"
    ("C.sub.1 -4 alkyl", "c1-c4 alkyl"),
    ("C1-C6 alkyl", "c1-c6 alkyl"),
    ("C.sub.1 -C.sub.4 alkoxy", "c1-c4 alkoxy"),        # trea_8485daa3
    ("1-6C alkyl", "c1-c6 alkyl"),
    ("C2-C10 alkyl", "c2-c10 alkyl"),
    ("C 1 to C 4 alkyl", "c1-c4 alkyl"),                # US4640798A
    ("alkyl of 1 to 6 carbon atoms", "c1-c6 alkyl"),    # trea_e3cc13a7
    ("alkyl having from 1-6 carbon atoms", "c1-c6 alkyl"),  # US4255424
    ("a hydrogen atom", "hydrogen"), ("a halogen atom", "halogen"),
])
def test_carbon_ranges_and_atoms_in_every_notation(vocab: Vocabulary, written: str, canonical: str) -> None:
    assert vocab.canonical(written) == canonical


@pytest.mark.parametrize(("term", "fragment", "ok"), [
    ("C1-4 alkyl", "[*]C(C)(C)C", True), ("C1-4 alkyl", "[*]CCCCC", False),
    ("C2-C10 alkyl", "[*]C", False), ("C2-C10 alkyl", "[*]CCCCCCCCCC", True),
    ("1-6C alkyl", "[*]CCCCCC", True), ("1-6C alkyl", "[*]CCCCCCC", False),
    ("lower alkenyl", "[*]CC=C", True), ("lower alkenyl", "[*]CC#C", False),
    ("lower alkynyl", "[*]CC#C", True), ("lower alkynyl", "[*]CCCCCCC#C", False),
    ("cyclo(lower)alkyl", "[*]C1CC1", True), ("cyclo(lower)alkyl", "[*]C1CCCCCC1", False),
    ("cycloalkyl", "[*]C1CCCCCC1", True), ("cycloalkyl", "[*]c1ccccc1", False),
    ("aryl", "[*]c1ccc(O)cc1", True), ("aryl", "[*]C1CCCCC1", False),
    ("ar(lower)alkyl", "[*]Cc1ccccc1", True), ("ar(lower)alkyl", "[*]c1ccccc1", False),
    ("phenyl(lower)alkoxycarbonyl", "[*]C(=O)OCc1ccccc1", True),                  # benzyl ester
    ("phenyl(lower)alkoxycarbonyl", "[*]C(=O)OC(c1ccccc1)c1ccccc1", False),        # two phenyls
    ("mono(or di)phenyl(lower)alkoxycarbonyl", "[*]C(=O)OC(c1ccccc1)c1ccccc1", True),  # benzhydryl
    ("mono(or di)phenyl(lower)alkoxycarbonyl", "[*]C(=O)OC(c1ccccc1)(c1ccccc1)c1ccccc1", False),  # trityl
    ("acylamino", "[*]NC(=O)Cc1ccccc1", True), ("acylamino", "[*]NC", False),
    ("acyloxy", "[*]OC(C)=O", True), ("acyloxy", "[*]OC", False),
    ("heterocyclicthio", "[*]Sc1nnnn1C", True), ("heterocyclicthio", "[*]Sc1ccccc1", False),
    ("carbamoyloxy", "[*]OC(N)=O", True), ("carbamoyloxy", "[*]OC(C)=O", False),
    ("phenyl(lower)alkanoylamino", "[*]NC(=O)Cc1ccccc1", True),                  # trea_c798ee39 R1
    ("phenyl(lower)alkanoylamino", "[*]NC(=O)c1ccccc1", False),
    ("lower alkylthio", "[*]SC", True), ("lower alkylthio", "[*]OC", False),
    ("methyl", "[*]C", True), ("methyl", "[*]CC", False),
])
def test_real_claim_terms(vocab: Vocabulary, term: str, fragment: str, ok: bool) -> None:
    assert vocab.check(term, fragment).ok is ok


def test_every_example_and_counter_example_in_the_data(vocab: Vocabulary) -> None:
    entries = load_data("substituents.toml")["term"]
    checked = 0
    for e in entries:
        for fragment in e.get("examples", []):
            assert vocab.check(e["label"], fragment).ok, (e["id"], fragment)
            checked += 1
        for fragment in e.get("counter_examples", []):
            assert not vocab.check(e["label"], fragment).ok, (e["id"], fragment)
            checked += 1
    assert checked >= 50


@pytest.mark.parametrize(("written", "label"), [
    ("--S--", "-S-"), ("S", "-S-"), ("SO", "-SO-"), ("O", "-O-"), ("CH2", "-CH2-"), ("CH", "CH"), ("N", "nitrogen")])
def test_ring_atom_variables(vocab: Vocabulary, written: str, label: str) -> None:
    """"X is S, O or SO", "Y is CH or N", "X is --S--": the atom itself is the variable."""
    assert vocab.canonical(written) == label and vocab.is_ring_atom(written)


def test_sulfoxide_ring_atom_is_told_from_the_sulfide(vocab: Vocabulary) -> None:
    from rdkit import Chem
    ring_sulfoxide, ring_sulfide = Chem.MolFromSmiles("C1CS(=O)C1"), Chem.MolFromSmiles("C1CSC1")
    sulfoxide, sulfide = ring_sulfoxide.GetAtomWithIdx(2), ring_sulfide.GetAtomWithIdx(2)
    assert vocab.check_atom("SO", sulfoxide).ok and not vocab.check_atom("SO", sulfide).ok
    assert vocab.check_atom("--S--", sulfide).ok and not vocab.check_atom("--S--", sulfoxide).ok


def test_named_substituents_are_checked_against_opsins_structure() -> None:
    named = {"1-(2-propynyl)-1H-tetrazol-5-yl": "*C1=NN=NN1CC#C", "2-carboxyethylthio": "*SCCC(=O)O",
             "1-methyl-1H-tetrazol-5-ylthio": "*SC1=NN=NN1C"}
    vocab = Vocabulary.load(named=named)
    assert vocab.check("1-(2-propynyl)-1H-tetrazol-5-yl", "[*]c1nnnn1CC#C").ok
    assert not vocab.check("1-(2-propynyl)-1H-tetrazol-5-yl", "[*]c1nnn(CC#C)n1").ok   # the 2-isomer
    assert vocab.check("a 2-carboxyethylthio group", "[*]SCCC(=O)O").ok               # US4126745A
    assert not vocab.check("a 2-carboxyethylthio group", "[*]SCC(=O)O").ok
    assert vocab.check("1-methyl-1H-tetrazol-5-ylthio", "[*]Sc1nnnn1C").ok
    assert not Vocabulary.load().interpretable("1-methyl-1H-tetrazol-5-ylthio")       # only through OPSIN


def test_named_group_terms_are_picked_from_the_definitions() -> None:
    from cephkg.chem.named_groups import named_group_terms

    patent = parse_text("1. A compound of the formula ##STR1## wherein R3 is 1-(2-propynyl)-1H-tetrazol-5-yl "
                        "or lower alkyl, and Y is a 2-carboxyethylthio group.\n", "n", "<n>")
    assert named_group_terms(patent, Vocabulary.load()) == ["1-(2-propynyl)-1H-tetrazol-5-yl", "2-carboxyethylthio"]


# --- shared definitions: "R, R1 and R2, which may be the same or different, each represents" -----

SHARED = ("1. A compound of the formula ##STR1## wherein R is a C1-4 alkyl group, R1 is a C1-4 alkyl group, "
          "and R2 is a C1-4 alkyl group.\n")


def test_one_definition_shared_by_several_variables_is_checked_per_variable() -> None:
    """US4602012 claim 1 states one definition for R, R1 and R2 ("each represents ... independently");
    the reading stage (issue 10) gives each variable that definition, as the analyst's truth does."""
    patent = parse_text(SHARED, "s", "<s>")
    # the claim's own spelling is kept; the vocabulary reads it as the C1-C4 range
    assert [(d.variable, d.alternatives) for d in patent.claim(1).definitions] == [
        ("R", ("C1-4 alkyl",)), ("R1", ("C1-4 alkyl",)), ("R2", ("C1-4 alkyl",))]
    assert Vocabulary.load().canonical("C1-4 alkyl") == "c1-c4 alkyl"
    structures = parse_structures({"structure": [{"claim": 1, "formula": 1, "smiles": "[*:1]OC(=O)C([*:2])([*:3])N",
                                                  "variables": {"1": "R", "2": "R1", "3": "R2"}}]}, "<s>", patent)
    scope = PatentScope(patent, structures, {})
    assert covers("CCOC(=O)C(C)(CC)N", [scope]).claims("s") == [1]       # independently: different groups
    near = covers("CCOC(=O)C(C)(CCCCC)N", [scope]).near_misses[0]
    assert near.reasons[0].startswith("R")
    assert "alkyl has 5 carbons, C1-C4 allows 1 to 4" in near.reasons[0]


# --- provisos --------------------------------------------------------------------------------

US4602012 = ("with the proviso that, when both R1 and R2 represent hydrogen atoms, "
             "R3 represents other than a methyl group")
PROVISO = Proviso(when=(Condition("R1", ("hydrogen",)), Condition("R2", ("hydrogen",))),
                  then=(Condition("R3", ("methyl",), negated=True),), text=US4602012)


@pytest.mark.parametrize(("assignment", "ok"), [
    ({"R1": "[*][H]", "R2": "[*][H]", "R3": "[*]C"}, False),
    ({"R1": "[*][H]", "R2": "[*][H]", "R3": "[*]CC"}, True),
    ({"R1": "[*][H]", "R2": "[*]C", "R3": "[*]C"}, True),
])
def test_proviso_is_evaluated_on_the_assignment(vocab: Vocabulary, assignment: dict[str, str], ok: bool) -> None:
    assert evaluate_provisos([PROVISO], assignment, vocab).ok is ok


def test_a_compound_the_proviso_excludes_is_a_near_miss_that_says_so() -> None:
    patent = parse_text("1. A compound of the formula ##STR1## wherein R1 is hydrogen or lower alkyl, R2 is "
                        "hydrogen or lower alkyl, and R3 is lower alkyl.\n", "p", "<p>")
    structures = parse_structures({"structure": [{"claim": 1, "formula": 1, "smiles": "[*:3]C(=O)N([*:1])c1ccc([*:2])cc1",
                                                  "variables": {"1": "R1", "2": "R2", "3": "R3"}}]}, "<p>", patent)
    scope = PatentScope(patent, structures, {}, provisos={1: [PROVISO]})
    assert covers("CC(=O)Nc1ccccc1", [scope]).near_misses[0].reasons[0] == (
        f"excluded by the proviso '{US4602012}': R1 = [*][H] is hydrogen; R2 = [*][H] is hydrogen, "
        "and R3 = [*]C is methyl")
    assert covers("CCC(=O)Nc1ccccc1", [scope]).claims("p") == [1]
    assert covers("CC(=O)Nc1ccc(C)cc1", [scope]).claims("p") == [1]


def test_numeric_variables_and_undecidable_provisos(vocab: Vocabulary) -> None:
    n = NumericVariable("n", (0, 1, 2))                                   # "n is 0, 1 or 2"
    assert check_numeric(n, 2).ok and check_numeric(n, 3).reason == "n = 3; the claim allows 0, 1, 2"
    p_not_zero = Proviso(when=(Condition("Het", ("tetrazolyl",)),), then=(Condition("p", values=(0,), negated=True),),
                         text="p is not zero when Het is tetrazolyl")    # trea_3124a25b
    decision = evaluate_provisos([p_not_zero], {"Het": "[*]c1nnn[nH]1", "p": 0}, vocab)
    assert decision.undecided and "'tetrazolyl' is not a term cephkg can interpret" in (decision.reason or "")
    numeric = Proviso(when=(), then=(Condition("p", values=(0,), negated=True),), text="p is not zero")
    assert not evaluate_provisos([numeric], {"p": 0}, vocab).ok
    assert evaluate_provisos([numeric], {"p": 1}, vocab).ok


# --- salt types --------------------------------------------------------------------------

US4126745_TYPES = ["an alkali metal salt", "an alkaline earth metal salt", "an aluminum salt", "an ammonium salt",
                   "a substituted ammonium salt"]


@pytest.mark.parametrize(("salt", "ok"), [
    ("sodium", True), ("potassium", True), ("calcium", True), ("magnesium", True), ("aluminum", True),
    ("ammonium", True), ("triethylamine", True), ("hydrochloride", False), ("sulfate", False), (None, False),
    ("hydrochloride;sodium", False),
])
def test_salt_types_of_a_salt_claim(salt: str | None, ok: bool) -> None:
    assert check_salt_types(salt, US4126745_TYPES).ok is ok


def test_salt_type_data() -> None:
    assert salt_type_for_phrase("an alkali metal salt").id == "alkali-metal"    # type: ignore[union-attr]
    assert salt_type_for_phrase("salts with bases").id == "base-addition"        # type: ignore[union-attr]
    assert salt_type_for_phrase("a frobnicate salt") is None
    assert all(t.source for t in salt_types())
    assert check_salt_types("sodium", US4126745_TYPES).reason == (
        "the sodium salt is an alkali metal salt, a type the claim allows")
    unknown = check_salt_types("unknown:[Zn+2]", US4126745_TYPES)
    assert unknown.undecided and not unknown.ok


def test_a_salt_claim_limited_to_types_decides_the_salt_form(tmp_path: Path) -> None:
    """US4126745A claim 3: 'A salt of said 7-methoxycephalosporin of claim 1 selected from ... an alkali
    metal salt ...' - a sodium salt is covered by claim 3, a hydrochloride is not."""
    patent = parse_text("1. A compound of the formula ##STR1## or a pharmaceutically acceptable salt thereof, "
                        "wherein Y is a carboxy group.\n2. A compound of claim 1, wherein Y is carboxy.\n",
                        "u", "<u>")
    assert patent.claim(1).salts_clause is not None
    structures = parse_structures({"structure": [{"claim": 1, "formula": 1, "smiles": "[*:1]c1ccccc1",
                                                  "variables": {"1": "Y"}}]}, "<u>", patent)
    scope = PatentScope(patent, structures, {}, salt_types={2: US4126745_TYPES})
    assert covers("O=C([O-])c1ccccc1.[Na+]", [scope]).claims("u") == [1, 2]
    result = covers("OC(=O)c1ccccc1.Cl", [scope])
    assert result.claims("u") == [1]
    assert result.near_misses[0].reasons[0].startswith("hydrochloride salt is not an alkali metal salt")


# --- the reader's own records, decided without being restated ----------------------------

US4602012_CLAIM_1 = (  # tests/data/real-claims/US4602012.txt, claim 1, as the page gives it
    "1. Compounds of the formula (I) ##STR18## wherein R, R.sub.1 and R.sub.2, which may be the same or different, "
    "each represents a hydrogen atom or a C.sub.1 -4 alkyl group and R.sub.3represents a C.sub.1 -4 alkyl group, "
    "with the proviso that, when both R.sub.1 and R.sub.2 represent hydrogen atoms, R.sub.3 represents other than "
    "a methyl group.\n2. A compound as claimed in claim 1 wherein R is hydrogen.\n")
#: A stand-in for the lost drawing that keeps the three variables of the proviso.
ACYLOXYMETHYL = "[*:3]C(=O)OC([*:1])([*:2])OC(=O)c1ccccc1"


def _us4602012_scope() -> PatentScope:
    patent = parse_text(US4602012_CLAIM_1, "us4602012", "<us4602012>")
    structures = parse_structures({"structure": [{"claim": 1, "formula": 1, "smiles": ACYLOXYMETHYL,
                                                  "variables": {"1": "R1", "2": "R2", "3": "R3"}}]},
                                  "<us4602012>", patent)
    return PatentScope(patent, structures, {})  # provisos and salt types: the reader's


@pytest.mark.parametrize(("smiles", "claims", "reason"), [
    ("CC(=O)OCOC(=O)c1ccccc1", [], "excluded by the proviso 'with the proviso that, when both R1 and R2 "
     "represent hydrogen atoms, R3 represents other than a methyl group': R1 = [*][H] is hydrogen; "
     "R2 = [*][H] is hydrogen, and R3 = [*]C is methyl"),
    ("CCC(=O)OCOC(=O)c1ccccc1", [1, 2], None),        # R3 ethyl: the proviso is met
    ("CC(=O)OC(C)OC(=O)c1ccccc1", [1, 2], None),      # R1 methyl: the proviso is not triggered
])
def test_the_provisos_the_reader_found_decide_coverage(smiles: str, claims: list[int], reason: str | None) -> None:
    scope = _us4602012_scope()
    assert scope.provisos.keys() == {1}
    answer = covers(smiles, [scope])
    assert answer.claims("us4602012") == claims
    if reason is not None:
        assert [(v.claim, v.decision, v.reasons[0]) for v in answer.near_misses] == [(1, "does not cover", reason)]


def _conditions(text: str) -> PatentScope:
    patent = parse_text(f"1. A compound of the formula ##STR1## wherein R1, R2 and R3 are each hydrogen or lower "
                        f"alkyl, {text}.\n", "p", "<p>")
    structures = parse_structures({"structure": [{"claim": 1, "formula": 1, "smiles": ACYLOXYMETHYL,
                                                  "variables": {"1": "R1", "2": "R2", "3": "R3"}}]}, "<p>", patent)
    return PatentScope(patent, structures, {})


def test_either_of_two_variables_triggers_a_proviso() -> None:
    scope = _conditions("with the proviso that when either R1 or R2 is hydrogen, R3 is other than methyl")
    (proviso,) = scope.provisos[1]
    assert [(c.variables, c.quantifier) for c in proviso.when] == [(("R1", "R2"), "any")]  # type: ignore[union-attr]
    assert covers("CC(=O)OC(C)OC(=O)c1ccccc1", [scope]).claims("p") == []          # R2 hydrogen, R3 methyl
    assert covers("CC(=O)OC(C)(C)OC(=O)c1ccccc1", [scope]).claims("p") == [1]      # neither is hydrogen
    assert covers("CCC(=O)OCOC(=O)c1ccccc1", [scope]).claims("p") == [1]           # R3 is not methyl


def test_a_proviso_in_words_the_reader_could_not_put_in_conditions_is_undecided_not_ignored() -> None:
    scope = _conditions("with the proviso that the compound is not a racemate")
    answer = covers("CCC(=O)OCOC(=O)c1ccccc1", [scope])
    assert answer.claims("p") == [] and [v.decision for v in answer.undecided] == ["cannot decide"]
    assert answer.undecided[0].reasons[0].startswith("cannot evaluate the proviso 'with the proviso that the "
                                                     "compound is not a racemate'")


def test_the_salt_types_the_reader_found_decide_the_salt_form() -> None:
    """US4126745A claim 3 as the page gives it; the reader records 'alkali metal', ... without 'salt'."""
    patent = parse_text("1. A 7-methoxycephalosporin of the formula ##STR1## wherein Y is carboxy, or a "
                        "pharmaceutically acceptable salt thereof.\n3. A salt of said 7-methoxycephalosporin of "
                        "claim 1 selected from the group consisting of an alkali metal salt, an alkaline earth metal "
                        "salt, an aluminum salt, an ammonium salt and a substituted ammonium salt.\n", "u", "<u>")
    structures = parse_structures({"structure": [{"claim": 1, "formula": 1, "smiles": "[*:1]c1ccccc1",
                                                  "variables": {"1": "Y"}}]}, "<u>", patent)
    scope = PatentScope(patent, structures, {})
    assert scope.salt_types == {3: ["alkali metal", "alkaline earth metal", "aluminum", "ammonium",
                                    "substituted ammonium"]}
    assert covers("O=C([O-])c1ccccc1.[Na+]", [scope]).claims("u") == [1, 3]
    hydrochloride = covers("OC(=O)c1ccccc1.Cl", [scope])
    assert hydrochloride.claims("u") == [1]
    assert hydrochloride.near_misses[0].reasons[0] == (
        "hydrochloride salt is not an alkali metal salt, an alkaline earth metal salt, an aluminum salt, an ammonium "
        "salt or a substituted ammonium salt (claim 3)")
    assert covers("OC(=O)c1ccccc1", [scope]).claims("u") == [1]  # the free acid is no salt of claim 3
