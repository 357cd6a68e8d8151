"""The two seed claim sets, claim by claim, with exact expectations."""

from __future__ import annotations

import pytest

from cephkg import Patent

ACID = "7-[2-(2-aminothiazol-4-yl)-2-hydroxyiminoacetamido]-3-vinyl-3-cephem-4-carboxylic acid"
ESTER = "{} 7-[2-(2-aminothiazol-4-yl)-2-hydroxyiminoacetamido]-3-vinyl-3-cephem-4-carboxylate"

# number: (category, depends_on, refers_to, own definitions)
SEED_002 = {
    1: ("compound", [], [], {"R1": ["amino", "protected amino"], "R2": ["carboxy", "protected carboxy"]}),
    2: ("compound", [1], [1], {"R1": ["amino"]}),
    3: ("compound", [2], [2], {}),
    4: ("compound", [2], [2], {"R2": ["esterified carboxy"]}),
    5: ("compound", [4], [4], {"R2": ["lower alkoxycarbonyloxy(lower)alkoxycarbonyl"]}),
    6: ("compound", [5], [5], {}),
    7: ("compound", [4], [4], {"R2": ["lower alkoxycarbonyl(lower)alkoxycarbonyl"]}),
    8: ("compound", [7], [7], {}),
    9: ("compound", [4], [4], {"R2": ["carboxy(lower)alkoxycarbonyl"]}),
    10: ("compound", [9], [9], {}),
    11: ("compound", [4], [4], {"R2": ["lower alkanoyloxy(lower)alkoxycarbonyl"]}),
    12: ("compound", [11], [11], {}),
    13: ("compound", [11], [11], {}),
    14: ("compound", [4], [4], {"R2": ["higher alkanoyloxy(lower)alkoxycarbonyl"]}),
    15: ("compound", [14], [14], {}),
    16: ("compound", [4], [4], {"R2": ["(5-lower alkyl-2-oxo-1,3-dioxol-4-yl)(lower)alkoxycarbonyl"]}),
    17: ("compound", [16], [16], {}),
    18: ("compound", [4], [4], {"R2": ["phthalidyloxycarbonyl"]}),
    19: ("compound", [18], [18], {}),
    20: ("process", [], [], {"R1": ["amino", "protected amino"], "R2": ["carboxy", "protected carboxy"],
                             "X": ["halogen"], "R2a": ["protected carboxy"]}),
    21: ("composition", [], [1], {}),
    22: ("method_of_treatment", [], [1], {}),
    23: ("use", [], [1], {}),
}

# number: (name, name as written, isomer, salt forms)
SPECIES_002 = {
    3: (ACID, "7-[2-(2-aminothiazol-4-yl)-2-hydroxyiminoacetamido]-\n3-vinyl-3-cephem-4-carboxylic acid",
        "syn", ["sodium", "potassium"]),
    6: (ESTER.format("1-ethoxycarbonyloxyethyl"),
        "1-ethoxycarbonyloxyethyl 7-[2-(2-aminothiazol-4-yl)-\n2-hydroxyiminoacetamido]-3-vinyl-3-cephem-4-\ncarboxylate",
        "syn", ["hydrochloride"]),
    8: (ESTER.format("tert-butoxycarbonylmethyl"), "8 " + ESTER.format("tert-butoxycarbonylmethyl"), "syn", []),
    10: (ESTER.format("carboxymethyl"), "8 " + ESTER.format("carboxymethyl"), "syn", []),
    12: (ESTER.format("1-propionyloxyethyl"), "8 9 " + ESTER.format("1 l-propionyloxyethyl"), "syn", []),
    13: (ESTER.format("pivaloyloxymethyl"), "8 " + ESTER.format("pivaloyloxymethyl"), "syn", []),
    15: (ESTER.format("palmitoyloxymethyl"), "8 9 " + ESTER.format("palmitoyloxymethyl"), "syn", []),
    17: (ESTER.format("(5-methyl-2-oxo-1,3-dioxol-4-yl)methyl"),
         "5 \\checkmark " + ESTER.format("(5-methyl-2-oxo-1,3-dioxol-4-yl)methyl"), "syn", []),
    19: (ESTER.format("phthalid-3-yl"), "\\checkmark " + ESTER.format("phthalid-3-yl"), "syn", []),
}


def test_seed_002_has_23_claims_in_order(patent_002: Patent) -> None:
    assert [c.number for c in patent_002.claims] == list(range(1, 24))
    assert patent_002.header == "What we claim is"


@pytest.mark.parametrize("number", sorted(SEED_002))
def test_seed_002_claim(patent_002: Patent, number: int) -> None:
    claim = patent_002.claim(number)
    category, depends_on, refers_to, definitions = SEED_002[number]
    assert claim.category == category
    assert list(claim.depends_on) == depends_on
    assert list(claim.refers_to) == refers_to
    assert claim.definition_map() == definitions
    assert claim.independent == (not depends_on)
    species = [(s.name, s.name_as_written, s.isomer, list(s.salt_forms)) for s in claim.species]
    assert species == ([SPECIES_002[number]] if number in SPECIES_002 else [])
    # the claim text and span cover the claim as written in the source
    assert patent_002.source.text[slice(*claim.span)].startswith(f"{number}. ")


def test_seed_002_salts_clauses(patent_002: Patent) -> None:
    clauses = {c.number: (c.salts_clause.text, c.salts_clause.pharmaceutically_acceptable)
               for c in patent_002.claims if c.salts_clause}
    assert clauses == {
        1: ("and a pharmaceutically acceptable salt thereof", True),
        20: ("and a salt thereof", False),
        21: ("and a pharmaceutically acceptable salt thereof", True),
        22: ("and a pharmaceutically acceptable salt thereof", True),
        23: ("and pharmaceutically acceptable salt thereof", True),
    }


def test_seed_002_claim_1_is_a_syn_isomer_of_one_formula(patent_002: Patent) -> None:
    claim = patent_002.claim(1)
    assert claim.isomer == "syn"
    assert [(f.index, f.label, f.isomer, [d.variable for d in f.definitions]) for f in claim.formulas] == [
        (1, None, "syn", ["R1", "R2"])]
    assert patent_002.source.text[slice(*claim.formulas[0].span)] == "of the formula"


def test_seed_002_claim_16_term_spacing_repair_is_recorded(patent_002: Patent) -> None:
    repairs = [(r.kind, r.original, r.replacement) for r in patent_002.claim(16).repairs if r.kind == "term-repair"]
    assert repairs == [("term-repair", "(5-lower alkyl-2-oxo-1,3-dioxol-4-yl) (lower)-alkoxycarbonyl",
                        "(5-lower alkyl-2-oxo-1,3-dioxol-4-yl)(lower)alkoxycarbonyl")]


def test_seed_002_claim_18_ocr_typo_in_group_term_is_repaired(patent_002: Patent) -> None:
    repairs = [(r.original, r.replacement) for r in patent_002.claim(18).repairs if r.kind == "term-repair"]
    assert repairs == [("phthalidylloxycarbonyl", "phthalidyloxycarbonyl")]


def test_seed_002_claim_12_name_repairs_are_recorded(patent_002: Patent) -> None:
    species = patent_002.claim(12).species[0]
    assert [(r.kind, r.original, r.replacement) for r in species.repairs] == [
        ("margin-number", "8 9 ", ""), ("name-fix", " l-", "-")]


def test_seed_002_claim_20_formulas_and_steps(patent_002: Patent) -> None:
    claim = patent_002.claim(20)
    assert claim.steps_relation == "alternatives"
    defs = [[(d.variable, list(d.alternatives), d.inherited) for d in f.definitions] for f in claim.formulas]
    assert defs == [
        [("R1", ["amino", "protected amino"], False), ("R2", ["carboxy", "protected carboxy"], False)],
        [("R2", [], True), ("X", ["halogen"], False)],
        [("R1", [], True)],
        [("R1", [], True), ("R2", [], True)],
        [("R1", [], True), ("R2a", ["protected carboxy"], False)],
        [("R1", [], True)],
        [("R1", [], True)],
        [("R1", [], True), ("R2", [], True)],
        [("R1", [], True), ("R2", ["protected carboxy(lower)alkoxycarbonyl"], False)],
        [("R1", [], True), ("R2", ["carboxy(lower)alkoxycarbonyl"], False)],
    ]
    steps = [(s.index, s.marker, s.verb, list(s.consumes), list(s.produces)) for s in claim.steps]
    assert steps == [
        (1, "(1)", "reacting", [2, 3], [4]),
        (2, "(2)", "subjecting", [5], [6]),
        (3, "(3)", "introducing", [7], [8]),
        (4, "(4)", "subjecting", [9], [10]),
    ]


def test_seed_000_claim_1(patent_000: Patent) -> None:
    claim = patent_000.claim(1)
    assert (claim.category, claim.depends_on, claim.refers_to) == ("process", (), ())
    assert claim.definition_map() == {
        "Y": ["CH", "nitrogen"],
        "R1": ["hydrogen", "amino protecting group"],
        "Z": ["hydrogen", "amino protecting group"],
        "X": ["protected hydroxy"],
        "Z1": ["amino protecting group"],
    }
    formulas = [(f.index, f.label, f.label_inferred, f.description, f.stereocentres_marked,
                 [(d.variable, d.inherited) for d in f.definitions]) for f in claim.formulas]
    assert formulas == [
        (1, "A", False, "vinylpyrrolidinone-cephalosporin derivative", True, [("Y", False), ("R1", False)]),
        (2, "I", True, "3-amino-pyrrolidine derivatives", True, [("R1", True), ("Z", False)]),
        (3, None, False, "compound", False, [("X", False), ("Z1", False)]),
        (4, None, False, "N-hydroxy-pyrrolidine derivative", False, []),
        (5, None, False, "secondary amine", False, []),
    ]
    assert claim.steps_relation == "sequence"
    steps = [(s.verb, list(s.consumes), list(s.produces), [(a.role, a.text) for a in s.agents])
             for s in claim.steps]
    assert steps == [
        ("converting", [3], [4], [("reagent", "hydroxylamine or an acid addition salt thereof")]),
        ("reducing", [4], [5], [("condition", "hydrogenation"), ("catalyst", "Raney nickel")]),
        ("processing", [2], [1], []),
    ]
    for step in claim.steps:
        for agent in step.agents:
            assert patent_000.source.text[slice(*agent.span)] == agent.text


def test_seed_000_claim_2_names_the_compound_of_formula_i(patent_000: Patent) -> None:
    claim = patent_000.claim(2)
    assert (claim.category, claim.depends_on) == ("process", (1,))
    [species] = claim.species
    assert species.formula_label == "I"
    assert species.name == (
        "(6R,7R)-7-[(Z)-2-(5-amino-[1,2,4]thiadiazol-3-yl)-2-hydroxyimino-acetylamino]-8-oxo-3-"
        "[(E)-(R)-2-oxo-[1,3']bipyrrolidinyl-3-ylidenemethyl]-5-thia-1-aza-bicyclo[4.2.0]oct-2-ene-"
        "2-carboxylic acid")
    assert species.isomer is None and species.salt_forms == ()


def test_seeds_raise_no_warnings_but_their_two_ocr_repairs(patent_000: Patent, patent_002: Patent) -> None:
    # Issue 10: a repair that changes the letters of a group term or a compound's name is
    # shown as a warning; seed 002 has exactly two (the spacing repairs of claims 16 and 20
    # change no letter and stay silent).
    assert [(d.code, d.claim, d.message) for d in patent_002.diagnostics if d.severity != "info"] == [
        ("text-repaired", 18, "the group term 'phthalidylloxycarbonyl' is read as 'phthalidyloxycarbonyl' "
                              "(an OCR repair)"),
        ("text-repaired", 12, "the name of compound 1 is read with ' l-' as '-' (an OCR repair)"),
    ]
    assert [d.code for d in patent_000.diagnostics] == ["formula-label-inferred"]
