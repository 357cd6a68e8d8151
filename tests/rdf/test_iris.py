"""Stable IRIs: what names a formula, an alternative, a step and a reaction compound is what
the text (or the structure) says of it, not where a parser happened to find it."""

from __future__ import annotations

from dataclasses import replace

from cephkg import parse_file
from cephkg.chem.reactions import reaction_compound_key
from cephkg.model import Formula, Step
from cephkg.rdf import iris
from seeds import ID_000, ROOT, SEED_000, SEED_002

REAL = ROOT / "tests" / "data" / "real-claims"


def formula(index: int, label: str | None = None, placeholder: str | None = None) -> Formula:
    return Formula(index, label, False, placeholder, "", None, (), False, (0, 1))


def step(index: int, marker: str | None = None, text: str = "reacting") -> Step:
    return Step(index, marker, "reacting", text, (), (), (), (0, 1))


def test_a_formula_is_named_by_its_label_then_its_placeholder_then_its_position() -> None:
    keys = iris.formula_keys((formula(1, "A"), formula(2, None, "##STR5##"), formula(3), formula(4, "I")))
    assert keys == {1: "label/A", 2: "placeholder/STR5", 3: "index/3", 4: "label/I"}
    assert iris.formula("p", 7, keys[2]).value == "https://w3id.org/cephkg/id/p/claim/7/formula/placeholder/STR5"


def test_a_label_twice_in_a_claim_is_told_apart_and_a_numeric_label_is_not_a_position() -> None:
    # US5977352A claim 1 labels its formulas "2" and "1": a label, not an index
    assert iris.formula_keys((formula(1, "2"), formula(2, "1"), formula(3))) == {
        1: "label/2", 2: "label/1", 3: "index/3"}
    assert iris.formula_keys((formula(1, None, "<IMAGE>"), formula(2, None, "<IMAGE>"))) == {
        1: "placeholder/IMAGE", 2: "placeholder/IMAGE~2"}


def test_a_new_formula_before_the_others_does_not_rename_them() -> None:
    before = iris.formula_keys((formula(1, "A"), formula(2, None, "##STR6##")))
    after = iris.formula_keys((formula(1, None, "##STR4##"), formula(2, "A"), formula(3, None, "##STR6##")))
    assert set(before.values()) <= set(after.values())


def test_an_alternative_is_named_by_its_group_term() -> None:
    d = iris.definition("p", 1, "R2", "label/I")
    terms = ("lower alkanoyloxy(lower)alkoxycarbonyl", "hydrogen", "Hydrogen")
    assert [iris.alternative(d, terms, i).value.rsplit("/", 1)[1] for i in (1, 2, 3)] == [
        "lower-alkanoyloxy-lower-alkoxycarbonyl", "hydrogen", "hydrogen~2"]
    assert iris.alternative(d, terms, 2) == iris.alternative(d, ("hydrogen",), 1)  # order does not matter


def test_a_step_is_named_by_its_mark_its_place_in_a_sequence_or_its_text() -> None:
    assert iris.step_keys((step(1, "(1)"), step(2, "(b)"), step(3, "Step c")), "alternatives") == {1: "1", 2: "b", 3: "c"}
    assert iris.step_keys((step(1), step(2)), "sequence") == {1: "1", 2: "2"}
    unmarked = iris.step_keys((step(1, text="hydrolysing the ester"), step(2, text="reducing")), "alternatives")
    swapped = iris.step_keys((step(1, text="reducing"), step(2, text="hydrolysing the ester")), "alternatives")
    assert unmarked[1] == swapped[2] and unmarked[2] == swapped[1]
    assert unmarked[1].startswith("text-") and len(unmarked[1]) == len("text-") + 12


def test_the_seed_and_real_claims_get_these_keys() -> None:
    p000, p002 = parse_file(SEED_000), parse_file(SEED_002)
    c1 = next(c for c in p000.claims if c.number == 1)
    assert list(iris.formula_keys(c1.formulas).values()) == [
        "label/A", "label/I", "index/3", "index/4", "index/5"]
    c20 = next(c for c in p002.claims if c.number == 20)
    assert list(iris.step_keys(c20.steps, c20.steps_relation).values()) == ["1", "2", "3", "4"]
    us = parse_file(REAL / "US5159073A.txt")
    assert list(iris.formula_keys(us.claims[0].formulas).values()) == [
        "placeholder/STR15", "placeholder/STR16", "placeholder/STR17", "index/4"]
    assert iris.formula(ID_000, 1, "label/I").value.startswith(f"https://w3id.org/cephkg/id/{ID_000}/claim/1/")


def test_a_reaction_compound_is_named_by_the_inchikey_of_its_structure() -> None:
    # variables (dummy atoms) are written as xenon for InChI: equal scaffolds, equal key
    assert reaction_compound_key("*NC1CCN(*)C1") == "ZSAZCVWHAJYWIU-UHFFFAOYSA-N"
    assert reaction_compound_key("C1CN(*)CC1N*") == "ZSAZCVWHAJYWIU-UHFFFAOYSA-N"  # another SMILES, same structure
    assert reaction_compound_key("ON1CCC(N*)C1") != reaction_compound_key("*NC1CCN(*)C1")
    assert reaction_compound_key("smarts:[*]c1nc[c,n]s1").startswith("smarts-")
    assert iris.reaction_compound(reaction_compound_key("*NC1CCN(*)C1")).value == (
        "https://w3id.org/cephkg/id/reaction-compound/ZSAZCVWHAJYWIU-UHFFFAOYSA-N")


def test_keys_do_not_depend_on_the_records_other_fields() -> None:
    f = formula(1, "A")
    assert iris.formula_keys((f,)) == iris.formula_keys((replace(f, description="another description", span=(5, 9)),))
