"""Made-up claim texts, one per notation and edge case."""

from __future__ import annotations

import pytest

from cephkg import InputError, parse_text


def codes(patent) -> list[tuple[str, int | None]]:
    return [(d.code, d.claim) for d in patent.diagnostics]


@pytest.mark.parametrize("header", ["What we claim is :", "What is claimed is:", "I claim:", "We claim:", "CLAIMS",
                                    "The invention claimed is:"])
def test_headers_open_the_claims(header: str) -> None:
    text = f"1. A note that is not a claim.\n{header}\n1. A compound of the formula\n\nwherein R1 is amino.\n"
    patent = parse_text(text, "h")
    assert [c.number for c in patent.claims] == [1]
    assert patent.claims[0].definition_map() == {"R1": ["amino"]}


def test_claims_without_header_and_on_one_line() -> None:
    patent = parse_text("1. A compound of the formula wherein R1 is amino. 2. A compound of claim 1, wherein "
                        "R1 is amino. 3. A compound of claim 2 which is methanol.", "inline")
    assert [(c.number, c.depends_on) for c in patent.claims] == [(1, ()), (2, (1,)), (3, (2,))]


def test_margin_numbers_are_not_claim_numbers() -> None:
    text = ("What is claimed is:\n1. A compound of the formula\n\n- 5\nwherein R1 is amino.\n- 10 2. A compound "
            "of claim 1, wherein\n15\nR1 is amino.\n10 *a 20* 3. A compound of claim 2.")
    patent = parse_text(text, "m")
    assert [c.number for c in patent.claims] == [1, 2, 3]
    assert patent.claim(2).definition_map() == {"R1": ["amino"]}


@pytest.mark.parametrize(
    ("citation", "expected"),
    [
        ("claim 1", [1]),
        ("any one of claims 1 to 3", [1, 2, 3]),
        ("claims 1, 2 or 3", [1, 2, 3]),
        ("claim 1 or claim 3", [1, 3]),
        ("any of claims 1-3", [1, 2, 3]),
        ("any one of the preceding claims", [1, 2, 3]),
    ],
)
def test_citation_forms(citation: str, expected: list[int]) -> None:
    text = ("1. A compound X.\n2. A compound Y.\n3. A compound Z.\n"
            f"4. A compound according to {citation}, wherein R1 is amino.\n")
    patent = parse_text(text, "c")
    claim = patent.claim(4)
    assert list(claim.depends_on) == expected
    assert list(claim.refers_to) == expected
    # each citation keeps the words that made it and where they are in the source
    words = citation if "preceding" in citation else citation.rsplit("any one of ", maxsplit=1)[-1].rsplit("any of ", maxsplit=1)[-1]
    quoted = [patent.source.text[c.span[0]:c.span[1]] for c in claim.citations]
    assert [(list(c.claims), q) for c, q in zip(claim.citations, quoted)] == [(expected, words)]


def test_a_citation_span_covers_the_original_text_through_repairs() -> None:
    text = "1. A compound X.\n2. A compound of claim\n- 10\n1, wherein R<sup>1</sup> is amino.\n3. A compound of claim 7.\n"
    patent = parse_text(text, "cs")
    (cite,) = patent.claim(2).citations
    assert list(cite.claims) == [1]
    assert patent.source.text[cite.span[0]:cite.span[1]] == "claim\n- 10\n1"
    # what the words say is kept, even a claim that does not exist; refers_to holds the checked ones
    (missing,) = patent.claim(3).citations
    assert (list(missing.claims), patent.claim(3).refers_to) == ([7], ())


def test_claim_of_another_category_refers_but_does_not_depend() -> None:
    patent = parse_text("1. A compound of the formula\n\nwherein R1 is amino.\n"
                        "2. A pharmaceutical composition comprising a compound of claim 1 and a carrier.\n"
                        "3. The composition of claim 2 in tablet form.", "x")
    assert [(c.number, c.category, c.depends_on, c.refers_to) for c in patent.claims] == [
        (1, "compound", (), ()), (2, "composition", (), (1,)), (3, "composition", (2,), (2,))]


def test_missing_and_self_citations_are_warned_and_dropped() -> None:
    patent = parse_text("1. A compound X.\n2. A compound of claim 2.\n3. A compound of claim 9.\n", "bad", "bad.txt")
    assert [(c.number, c.depends_on, c.refers_to) for c in patent.claims] == [(1, (), ()), (2, (), ()), (3, (), ())]
    assert codes(patent) == [("self-citation", 2), ("missing-claim", 3)]
    messages = [str(d) for d in patent.diagnostics]
    assert messages[1] == "bad.txt, claim 3: warning: claim 3 cites claim 9, which does not exist [missing-claim]"


def test_claim_number_gap_is_warned_and_claims_kept() -> None:
    patent = parse_text("1. A compound X.\n2. A compound of claim 1.\n4. A compound of claim 2.\n", "gap")
    assert [c.number for c in patent.claims] == [1, 2, 4]
    assert codes(patent) == [("claim-number-gap", 4)]


def test_out_of_sequence_and_duplicate_numbers() -> None:
    patent = parse_text("1. A compound X.\n3. A compound Y.\n2. A compound Z.\n3. A compound W.\n", "seq")
    assert [c.number for c in patent.claims] == [1, 3, 2]
    assert codes(patent) == [("claim-number-gap", 3), ("claim-out-of-sequence", 2), ("duplicate-claim-number", 3)]
    assert patent.claim(2).text == "A compound Z. 3. A compound W."


def test_text_without_claims_is_an_error() -> None:
    with pytest.raises(InputError, match="notes.txt: no numbered claims found"):
        parse_text("Just some notes, no claims here.", "n", "notes.txt")


def test_unclassified_claim_is_kept_with_a_warning() -> None:
    patent = parse_text("1. A kit of parts.\n2. The kit of claim 1, with a lid.\n", "k")
    assert [(c.category, c.depends_on) for c in patent.claims] == [("unclassified", ()), ("unclassified", (1,))]
    assert codes(patent) == [("unclassified-claim", 1)]


@pytest.mark.parametrize("placeholder", ["##STR12##", "<IMAGE>", "[chemical formula]"])
def test_formula_placeholders(placeholder: str) -> None:
    claim = parse_text(f"1. A compound of the formula {placeholder} wherein R1 is amino.", "p").claim(1)
    assert [(f.placeholder, f.label) for f in claim.formulas] == [(placeholder, None)]
    assert [d.variable for d in claim.formulas[0].definitions] == ["R1"]


def test_formula_labels_and_references() -> None:
    claim = parse_text("1. A process for producing a compound of formula (I)\n\nwherein R1 is amino, "
                       "which comprises reacting a compound of the formula (II): ##STR2## wherein X is halogen "
                       "to give said compound of formula (I).", "f").claim(1)
    assert [(f.index, f.label) for f in claim.formulas] == [(1, "I"), (2, "II")]
    assert [(s.consumes, s.produces) for s in claim.steps] == [((2,), (1,))]


@pytest.mark.parametrize(
    ("definition", "expected"),
    [
        ("R^1 is amino or a protected amino group", {"R1": ["amino", "protected amino"]}),
        ("R.sub.a.sup.2 is lower alkyl", {"R2a": ["lower alkyl"]}),
        ("R<sup>1</sup> is hydrogen, halogen or lower alkoxy", {"R1": ["hydrogen", "halogen", "lower alkoxy"]}),
        ("Y is CH or nitrogen; and Z1 is an amino protecting group", {"Y": ["CH", "nitrogen"],
                                                                      "Z1": ["amino protecting group"]}),
        ("R1 and R2 are each hydrogen", {"R1": ["hydrogen"], "R2": ["hydrogen"]}),
        ("R2 is (5-lower alkyl-2-oxo-1,3-dioxol-4-yl) (lower)-alkoxycarbonyl",
         {"R2": ["(5-lower alkyl-2-oxo-1,3-dioxol-4-yl)(lower)alkoxycarbonyl"]}),
    ],
)
def test_definition_notations(definition: str, expected: dict[str, list[str]]) -> None:
    claim = parse_text(f"1. A compound of the formula\n\nwherein {definition}.", "d").claim(1)
    assert claim.definition_map() == expected


@pytest.mark.parametrize("inherit", ["as above", "as defined above", "each as defined above", "as defined in claim 1"])
def test_inherited_definitions(inherit: str) -> None:
    claim = parse_text(f"1. A compound X.\n2. A compound of claim 1 of the formula\n\nwherein R1 is {inherit}.",
                       "i").claim(2)
    assert [(d.variable, d.inherited, d.alternatives) for d in claim.definitions] == [("R1", True, ())]
    assert claim.definition_map() == {}


def test_species_with_isomer_and_salt_forms() -> None:
    claim = parse_text("1. A compound X.\n2. A compound of claim 1, which is sodium acetate (anti isomer) "
                       "or its potassium salt or its hydrobromide.", "s").claim(2)
    assert [(s.name, s.isomer, s.salt_forms) for s in claim.species] == [
        ("sodium acetate", "anti", ("potassium", "hydrobromide"))]


def test_species_selected_from_a_list() -> None:
    claim = parse_text("1. A compound selected from 1,3-dioxolane, ethyl acetate and 2-(4-chlorophenyl)ethanol.",
                       "l").claim(1)
    assert [s.name for s in claim.species] == ["1,3-dioxolane", "ethyl acetate", "2-(4-chlorophenyl)ethanol"]


def test_process_sequence_with_agents() -> None:
    claim = parse_text(
        "1. A process for preparing a compound of the formula\n\nwherein R1 is amino, comprising: "
        "treating a compound of the formula\n\nwherein R1 is as defined above with acetic anhydride in a solvent "
        "such as pyridine at room temperature; and then reducing the product by catalytic hydrogenation over "
        "palladium on carbon to give the compound of the formula\n\nwherein R1 is amino.", "proc").claim(1)
    assert claim.steps_relation == "sequence"
    assert [(s.verb, s.consumes, s.produces, [(a.role, a.text) for a in s.agents]) for s in claim.steps] == [
        ("treating", (2,), (), [("reagent", "acetic anhydride"), ("solvent", "pyridine"),
                               ("condition", "at room temperature")]),
        ("reducing", (), (3,), [("condition", "catalytic hydrogenation"), ("catalyst", "palladium on carbon")]),
    ]


def test_process_alternatives() -> None:
    claim = parse_text("1. A process which comprises (a) reacting A with B; or (b) heating C in the presence of "
                       "sodium hydroxide.", "alt").claim(1)
    assert claim.steps_relation == "alternatives"
    assert [(s.marker, s.verb, [(a.role, a.text) for a in s.agents]) for s in claim.steps] == [
        ("(a)", "reacting", [("reactant", "B")]), ("(b)", "heating", [("reagent", "sodium hydroxide")])]


def test_inline_formula_labels_are_introduced_by_their_first_mention() -> None:
    claim = parse_text("1. A process for preparing a compound of formula D which comprises reacting a compound of "
                       "formula B with a compound of formula C to give a compound of formula D.", "inl").claim(1)
    assert [(f.index, f.label) for f in claim.formulas] == [(1, "D"), (2, "B"), (3, "C")]
    assert [(s.verb, s.consumes, s.produces) for s in claim.steps] == [("reacting", (2, 3), (1,))]


def test_a_dependent_claim_refers_to_its_parents_formula_labels() -> None:
    patent = parse_text("1. A compound of formula I\n\nwherein R1 is amino.\n"
                        "2. A compound of claim 1 wherein the compound of formula I is methanol.", "dep")
    assert patent.claim(2).formulas == ()
    assert [d.code for d in patent.diagnostics] == []


def test_reacting_with_names_a_reactant_and_into_names_the_product() -> None:
    claim = parse_text("1. A process which comprises reacting a compound of the formula\n\nwherein R1 is amino "
                       "with thiourea into the thiazole of the formula\n\nwherein R1 is amino.", "r").claim(1)
    assert [(s.consumes, s.produces, [(a.role, a.text) for a in s.agents]) for s in claim.steps] == [
        ((1,), (2,), [("reactant", "thiourea")])]
