"""The language of real claims, one small made-up claim per wording (issue 10).

Each pattern comes from a real claim set of tests/data/real-claims (docs/real-claims.md
catalogues them); the claims here are minimal so that each test shows one rule.
"""

from __future__ import annotations

import pytest

from cephkg import InputError, Patent, parse_text


def claim1(text: str):  # type: ignore[no-untyped-def]
    return parse_text(f"1. {text}", "t").claim(1)


def codes(patent: Patent) -> list[tuple[str, int | None]]:
    return [(str(d.code), d.claim) for d in patent.diagnostics]


# -- categories -----------------------------------------------------------------------------

@pytest.mark.parametrize(("preamble", "category"), [
    ("Compounds of the formula (I) ##STR18## wherein R1 is amino.", "compound"),
    ("A cephem compound of the formula: ##STR11## wherein R1 is amino.", "compound"),
    ("A 7-methoxycephalosporin having the formula ##STR10## wherein Y is amino.", "compound"),
    ("An azetidinone derivative represented by the formula ##STR1## wherein X is a halogen.", "compound"),
    ("A temperature and moisture stable crystalline form of cefixime.", "compound"),
    ("A crystalline hydrate of cefdinir.", "compound"),
    ("7β-(2-Carboxyethylthioacetamido)-7α-methoxy-3-cephem-4-carboxylic acid.", "compound"),
    ("In the process for preparing a cephem by heating a sulfoxide, the improvement which comprises heating it "
     "in an inert solvent.", "process"),
    ("A method of preparing an alkali metal salt of ampicillin, which comprises the steps of freezing.", "process"),
    ("A process for the preparation of a crystalline hydrate of cefdinir, which comprises drying.", "process"),
    ("Process for preparing a cephem, characterized in that a hydride reagent is used.", "process"),
    ("A pharmaceutical composition comprising cefdinir and a carrier.", "composition"),
    ("Composition comprising from 97% of amoxicillin trihydrate.", "composition"),
    ("A dosage form comprising cefixime.", "composition"),
    ("A method of treating a bacterial infection comprising administering cefdinir.", "method_of_treatment"),
    ("A method of combating bacteria in a mammal comprising administering cefdinir.", "method_of_treatment"),
    ("Use of cefdinir for the manufacture of a medicament.", "use"),
])
def test_categories_from_the_preamble(preamble: str, category: str) -> None:
    assert claim1(preamble).category == category


def test_a_bare_preamble_takes_the_category_of_the_claim_it_narrows() -> None:
    patent = parse_text("1. A process for preparing cefdinir which comprises drying.\n2. Claim 1, wherein the "
                        "drying is done in air.\n3. The product of claim 2.", "bare")
    assert [(c.number, c.category) for c in patent.claims] == [(1, "process"), (2, "process"), (3, "process")]


# -- dependencies and references -------------------------------------------------------------

BASE = "1. A compound X.\n2. A compound Y.\n3. A compound Z.\n"


@pytest.mark.parametrize(("citation", "expected"), [
    ("according to claim 1 or 2", [1, 2]),
    ("according to any one of claims 1 to 3", [1, 2, 3]),
    ("according to any preceding claim", [1, 2, 3]),
    ("as claimed in claim 2", [2]),
    ("according claim 3", [3]),
    ("of the formula of claim 1", [1]),
    ("as recited in claim 1", [1]),
])
def test_dependency_forms(citation: str, expected: list[int]) -> None:
    claim = parse_text(f"{BASE}4. A compound {citation}, wherein R1 is amino.\n", "d").claim(4)
    assert list(claim.depends_on) == expected


def test_another_category_is_referred_to_not_depended_on() -> None:
    patent = parse_text(f"{BASE}4. A process for preparing the compound of claim 1, which comprises drying.\n"
                        "5. A composition comprising the compound of claim 2.\n", "r")
    assert [(c.depends_on, c.refers_to) for c in patent.claims[3:]] == [((), (1,)), ((), (2,))]


def test_a_species_claim_of_the_formula_of_claim_1_narrows_it_and_names_its_compound() -> None:
    patent = parse_text("1. A 7-methoxycephalosporin having the formula ##STR10## wherein Y is a "
                        "2-carboxyethylthio group and a nontoxic pharmaceutically acceptable salt thereof.\n"
                        "2. 7β-(2-Carboxyethylthioacetamido)-7α-methoxy-3-cephem-4-carboxylic acid of the formula "
                        "of claim 1.", "s")
    c1, c2 = patent.claims
    assert c1.definition_map() == {"Y": ["2-carboxyethylthio"]} and c1.salts_clause is not None
    assert (c2.category, c2.depends_on) == ("compound", (1,))
    assert [s.name for s in c2.species] == ["7β-(2-Carboxyethylthioacetamido)-7α-methoxy-3-cephem-4-carboxylic acid"]


# -- definitions ------------------------------------------------------------------------------

@pytest.mark.parametrize(("definition", "expected"), [
    ("R2 is selected from the group consisting of hydrogen, methyl and ethyl",
     {"R2": ["hydrogen", "methyl", "ethyl"]}),
    ("R3 and R4 are independently hydrogen or lower alkyl", {"R3": ["hydrogen", "lower alkyl"],
                                                            "R4": ["hydrogen", "lower alkyl"]}),
    ("each R3 is independently H or C1-C4 alkyl", {"R3": ["H", "C1-C4 alkyl"]}),
    ("R1 and R2 each represents a methyl group", {"R1": ["methyl"], "R2": ["methyl"]}),
    ("R.sup.1 is benzyl, 2(p-chlorophenyl)ethyl or 2,2,2-trichloroethyl",
     {"R1": ["benzyl", "2(p-chlorophenyl)ethyl", "2,2,2-trichloroethyl"]}),
    ("R1 is benzyl or phenethyl, or R1 is phenoxymethyl", {"R1": ["benzyl", "phenethyl", "phenoxymethyl"]}),
    ("R' is hydrogen and R\" is methyl", {"R'": ["hydrogen"], 'R"': ["methyl"]}),
    ("R.sub.a is amino", {"Ra": ["amino"]}),
    ("R.sub.1 .degree. is amino", {"R1°": ["amino"]}),
    ("r1 is phenyl or substituted phenyl", {"r1": ["phenyl", "substituted phenyl"]}),
    ("Het is thiazolyl or furyl", {"Het": ["thiazolyl", "furyl"]}),
    ("R 1 is a hydrogen atom, amino group or protected amino group", {"R1": ["hydrogen", "amino", "protected amino"]}),
    ("R.sub.3represents a C.sub.1 -4 alkyl group", {"R3": ["C1-4 alkyl"]}),
    ("R1 is C.sub.1 -C.sub.4 alkoxy or alkyl of 1 to 4 carbon atoms", {"R1": ["C1-C4 alkoxy",
                                                                          "alkyl of 1 to 4 carbon atoms"]}),
])
def test_definition_forms(definition: str, expected: dict[str, list[str]]) -> None:
    assert claim1(f"A compound of the formula ##STR1## wherein {definition}.").definition_map() == expected


def test_which_may_be_the_same_or_different_is_one_shared_definition() -> None:
    claim = claim1("Compounds of the formula (I) ##STR18## wherein R, R.sub.1 and R.sub.2, which may be the same or "
                   "different, each represents a hydrogen atom or a C.sub.1 -4 alkyl group and R.sub.3 represents a "
                   "C.sub.1 -4 alkyl group.")
    assert claim.definition_map() == {"R": ["hydrogen", "C1-4 alkyl"], "R1": ["hydrogen", "C1-4 alkyl"],
                                      "R2": ["hydrogen", "C1-4 alkyl"], "R3": ["C1-4 alkyl"]}
    [shared] = claim.shared_definitions
    assert (shared.variables, shared.alternatives, shared.independently) == (
        ("R", "R1", "R2"), ("hydrogen", "C1-4 alkyl"), True)


def test_a_joint_definition() -> None:
    claim = claim1("A compound of the formula ##STR1## wherein R5 and R6 together with the carbon atom to which they "
                   "are attached form a cycloalkyl or cycloalkenyl ring, and X is sulfur.")
    [joint] = claim.joint_definitions
    assert (joint.variables, joint.alternatives, joint.with_) == (
        ("R5", "R6"), ("cycloalkyl", "cycloalkenyl ring"), "the carbon atom to which they are attached")
    assert claim.variables == ("X", "R5", "R6")
    assert claim.definition_map() == {"X": ["sulfur"]}


def test_a_nested_qualifier_stays_with_its_alternative_and_a_list_ends_after_its_last_item() -> None:
    claim = claim1("A cephem compound of the formula: ##STR11## wherein R1 is amino, phenyl(lower)alkanoylamino "
                   "which may have hydroxy, protected hydroxy, amino or protected amino, tetrazolyl(lower)alkanoylamino "
                   "having a group of the formula: =N--OR7 wherein R7 is lower alkyl, lower alkenyl or "
                   "carboxy(lower)alkyl, thiadiazolyl(lower)alkanoylamino; R2 is carboxy.")
    defs = claim.definition_map()
    assert defs["R1"][:2] == ["amino", "phenyl(lower)alkanoylamino which may have hydroxy, protected hydroxy, amino "
                                       "or protected amino"]
    # a variable defined inside another's definition; its list ends after "or carboxy(lower)alkyl"
    assert defs["R7"] == ["lower alkyl", "lower alkenyl", "carboxy(lower)alkyl"]
    assert defs["R2"] == ["carboxy"]


def test_unsubstituted_or_substituted_by_is_one_alternative_with_its_list() -> None:
    claim = claim1("A compound of the formula ##STR98## wherein R6 is hydrogen or phenyl unsubstituted or substituted "
                   "by fluoro, chloro or methoxy; R8 is methyl.")
    assert claim.definition_map() == {
        "R6": ["hydrogen", "phenyl unsubstituted or substituted by fluoro, chloro or methoxy"], "R8": ["methyl"]}


@pytest.mark.parametrize(("statement", "ranges"), [
    ("n is 0, 1 or 2", ((0, 2),)),
    ("m is an integer of 1 to 4", ((1, 4),)),
    ("n is an integer selected from 0 to 3", ((0, 3),)),
    ("n is 0 to 2", ((0, 2),)),
    ("n is an integer from one through five", ((1, 5),)),
    ("p is 1 or 3", ((1, 1), (3, 3))),
    ("q is zero", ((0, 0),)),
])
def test_integer_variables(statement: str, ranges: tuple[tuple[int, int], ...]) -> None:
    claim = claim1(f"A compound of the formula ##STR1## wherein R1 is amino, {statement}; and X is sulfur.")
    [numeric] = [d for d in claim.definitions if d.numeric]
    assert (numeric.numeric, numeric.alternatives) == (ranges, ())
    assert claim.definition_map()["X"] == ["sulfur"]


def test_a_lower_case_letter_that_is_no_integer_variable_is_not_a_variable() -> None:
    claim = claim1("A compound of the formula ##STR1## wherein R1 is amino and a is the other group.")
    assert claim.variables == ("R1",)


@pytest.mark.parametrize("end", ["; and X is sulfur", ", and a pharmaceutically acceptable salt thereof",
                                 ", with the proviso that R1 is not methyl", ", and * denotes an asymmetric carbon",
                                 "; or a salt thereof"])
def test_where_a_definition_ends(end: str) -> None:
    claim = claim1(f"A compound of the formula ##STR1## wherein R1 is amino or lower alkyl{end}.")
    assert claim.definition_map()["R1"] == ["amino", "lower alkyl"]


def test_the_salts_clause_is_kept_out_of_the_definition() -> None:
    claim = claim1("A 7-methoxycephalosporin having the formula ##STR10## wherein Y is a 2-carboxyethylthio group "
                   "and a nontoxic pharmaceutically acceptable salt thereof.")
    assert claim.definition_map() == {"Y": ["2-carboxyethylthio"]}
    assert claim.salts_clause is not None and claim.salts_clause.pharmaceutically_acceptable


@pytest.mark.parametrize("clause", ["and the pharmaceutically acceptable salts and esters thereof",
                                    "or a salt or ester thereof", "or a pharmaceutically-acceptable cationic salt thereof",
                                    "and physiologically acceptable salts thereof", "and salts thereof with bases"])
def test_salts_clauses(clause: str) -> None:
    assert claim1(f"A compound of the formula ##STR1## {clause} wherein R1 is amino.").salts_clause is not None


def test_a_salt_as_the_value_of_a_variable_is_no_salts_clause() -> None:
    assert claim1("A compound of the formula ##STR1## wherein R3 is hydrogen, a salt ion or an ester-forming "
                  "group.").salts_clause is None


# -- provisos -----------------------------------------------------------------------------------

def test_a_proviso_with_when_and_then() -> None:
    claim = claim1("Compounds of the formula (I) ##STR18## wherein R1, R2 and R3 are hydrogen or methyl, with the "
                   "proviso that, when both R1 and R2 represent hydrogen atoms, R3 represents other than a methyl "
                   "group.")
    [p] = claim.provisos
    assert p.text == ("with the proviso that, when both R1 and R2 represent hydrogen atoms, R3 represents other "
                      "than a methyl group")
    assert [(c.variables, c.quantifier, c.relation, c.values) for c in p.when] == [
        (("R1", "R2"), "all", "in", ("hydrogen",))]
    assert [(c.variables, c.quantifier, c.relation, c.values) for c in p.then] == [
        (("R3",), "all", "not-in", ("methyl",))]
    assert p.decidable
    # the proviso's words define nothing
    assert claim.definition_map() == {"R1": ["hydrogen", "methyl"], "R2": ["hydrogen", "methyl"],
                                      "R3": ["hydrogen", "methyl"]}


def test_a_proviso_on_an_integer_variable_with_its_condition_after() -> None:
    claim = claim1("A cephalosporin having the formula ##STR31## wherein p is 0, 1, 2 or 3 and Het is tetrazolyl or "
                   "thiazolyl, with the proviso that p is not zero when Het is tetrazolyl; or a salt thereof.")
    [p] = claim.provisos
    assert [(c.variables, c.relation, c.values) for c in p.when] == [(("Het",), "in", ("tetrazolyl",))]
    assert [(c.variables, c.relation, c.numeric) for c in p.then] == [(("p",), "not-in", ((0, 0),))]
    assert claim.definition_map()["Het"] == ["tetrazolyl", "thiazolyl"]
    assert claim.salts_clause is not None


def test_a_proviso_that_cannot_be_read_is_kept_as_text_with_a_warning() -> None:
    patent = parse_text("1. A compound of the formula ##STR97## wherein R1 is OSO3H, with the proviso that when R1 "
                        "is OSO3H, the C-6 and C-5 hydrogen atoms are cis.", "p")
    [p] = patent.claim(1).provisos
    assert [c.relation for c in p.then] == ["statement"] and not p.decidable
    assert codes(patent) == [("unread-proviso", 1)]


def test_either_makes_a_condition_on_any_variable() -> None:
    [p] = claim1("A compound of the formula ##STR1## wherein R1 and R2 are hydrogen or methyl, provided that when "
                 "either R1 or R2 is methyl, X is oxygen.").provisos
    assert [(c.variables, c.quantifier) for c in p.when] == [(("R1", "R2"), "any")]


# -- species, salt types, agents ------------------------------------------------------------------

def test_a_salt_type_list_is_a_constraint_not_species() -> None:
    patent = parse_text("1. A compound X.\n2. A salt of said compound of claim 1 selected from the group consisting "
                        "of an alkali metal salt, an alkaline earth metal salt, an aluminum salt, an ammonium salt and "
                        "a substituted ammonium salt.", "st")
    claim = patent.claim(2)
    assert claim.species == ()
    assert [t.type for t in claim.salt_types] == ["alkali metal", "alkaline earth metal", "aluminum", "ammonium",
                                                  "substituted ammonium"]
    assert claim.depends_on == (1,)


def test_in_the_form_of_a_salt_type() -> None:
    claim = parse_text("1. A compound X.\n2. A compound according to claim 1 wherein R1 is in the form of a "
                       "quaternary ammonium salt of the sulphate moiety.", "q").claim(2)
    assert [t.type for t in claim.salt_types] == ["quaternary ammonium"]


def test_reagents_and_solvents_of_a_process_are_never_species() -> None:
    claim = claim1("A new process for preparing 3-methylenecepham compounds which comprises reducing a compound with a "
                   "combination of a metal selected from the group consisting of zinc, tin and iron, in methanol.")
    assert claim.species == ()


def test_which_is_inside_a_definition_names_no_species() -> None:
    claim = claim1("A cephalosporin having the formula ##STR31## wherein Het is a heterocyclic group which is a "
                   "triazolyl or tetrazolyl group.")
    assert claim.species == ()


def test_a_compound_claim_names_its_species() -> None:
    patent = parse_text("1. A compound X.\n2. The compound of claim 1, which is 7-amino-3-cephem-4-carboxylic acid.\n"
                        "3. A compound selected from the group consisting of cefdinir; cefixime; and cefotaxime.", "sp")
    assert [s.name for s in patent.claim(2).species] == ["7-amino-3-cephem-4-carboxylic acid"]
    assert [s.name for s in patent.claim(3).species] == ["cefdinir", "cefixime", "cefotaxime"]


# -- claim sets as pages give them ------------------------------------------------------------------

@pytest.mark.parametrize("layout", [
    "Claims\n- 1. A compound X.\n- 2. A compound of claim 1, wherein\n- R1 is amino.\n",
    "Claims\n1) A compound X.\n2) A compound of claim 1, wherein R1 is amino.\n",
    "Claim 1. A compound X.\nClaim 2. A compound of claim 1, wherein R1 is amino.\n",
    "Abstract\nA compound X wherein R1 is amino.\nWhat is claimed is:\n1. A compound X.\n2. A compound of claim 1, "
    "wherein R1 is amino.\n",
    "exact text as granted — not AI-modifiedWhat is claimed is:\n1. A compound X.\n2. A compound of claim 1, wherein "
    "R1 is amino.Cited by (0)\nNo later patents cite this yet.",
])
def test_claim_markers_and_page_layouts(layout: str) -> None:
    patent = parse_text(layout, "l")
    assert [(c.number, c.depends_on) for c in patent.claims] == [(1, ()), (2, (1,))]
    assert patent.claim(2).definition_map() == {"R1": ["amino"]}


def test_stub_claims_are_kept_with_a_warning() -> None:
    patent = parse_text("1. In the process for preparing a cephem, the improvement which comprises heating it.\n"
                        "2. The process of\n3. The process of\n5. The process of\n", "stubs")
    assert [(c.number, c.category, c.cut) for c in patent.claims] == [
        (1, "process", False), (2, "process", True), (3, "process", True), (5, "process", True)]
    assert ("cut-claim", 2) in codes(patent) and ("claim-number-gap", 5) in codes(patent)


def test_a_claim_quoted_in_a_board_of_appeal_decision() -> None:
    text = ("Case number: T 0106/95\nI. The appeal relates to European patent application No. 89 306 760.3, "
            "published under No. 0 351 121.\nII. The only independent Claim 1 reading as follows:\n\n"
            "\"A process for preparing a compound of the formula\n\nFORMULA (I)\n\nin which\n\nR1 is an amino group,"
            "\n\nR² is hydrogen,\n\nwhich comprises reacting it.\n\nIII. The Examining Division held that ...")
    patent = parse_text(text, "T0106_95")
    [claim] = patent.claims
    assert (claim.number, claim.category) == (1, "process")
    assert claim.definition_map() == {"R1": ["amino"], "R2": ["hydrogen"]}
    assert patent.source.publication == "EP-0351121"


def test_a_claim_number_of_20_digits_is_reported_not_dropped() -> None:
    patent = parse_text("1. A compound X.\n99999999999999999999. A compound of claim 1.\n", "big")
    assert [c.number for c in patent.claims] == [1]
    assert codes(patent)[0] == ("claim-number-too-large", None)
    assert "99999999999999999999" in patent.claim(1).text


def test_a_page_without_claims_is_an_error() -> None:
    with pytest.raises(InputError, match="no numbered claims found"):
        parse_text("Cephem compounds\nSkip to: Description · Claims · References\nThe present invention relates.", "j")
