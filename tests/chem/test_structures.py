"""The sidecar structures file: format, validation against the claims, the shipped seeds."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdkit import Chem

from cephkg import parse_file
from cephkg.chem.structures import StructureError, load_structures, sidecar_path, structures_for
from seeds import SEED_000, SEED_002


def test_sidecar_path_is_next_to_the_claims_file() -> None:
    assert sidecar_path(SEED_002) == SEED_002.with_name("002_90b12462b97cb7e0.structures.toml")


def test_seed_002_structures() -> None:
    s = structures_for(parse_file(SEED_002))
    assert s is not None and s.patent == "002_90b12462b97cb7e0"
    assert dict(s.conventions) == {"lower": (1, 6), "higher": (7, 20)}
    claim1 = s.get(1, 1)
    assert claim1 is not None and claim1.variable_map == {1: "R1", 2: "R2"} and claim1.curated and not claim1.inferred
    assert [x.formula for x in s.for_claim(20)] == list(range(1, 11))
    assert s.get(20, 2).variable_map == {2: "R2", 3: "X"}
    assert s.get(20, 3).text == "NC(=S)[*:1]"
    assert s.get(20, 5).variable_map == {1: "R1", 2: "R2a"}


def test_the_claim_1_oxime_is_drawn_syn_which_is_z() -> None:
    from rdkit.Chem import rdCIPLabeler

    ref = Chem.MolFromSmiles(structures_for(parse_file(SEED_002)).get(1, 1).text.replace("[*:1]", "N").replace("[*:2]", "C(=O)O"))
    rdCIPLabeler.AssignCIPLabels(ref)
    labels = [b.GetProp("_CIPCode") for b in ref.GetBonds() if b.HasProp("_CIPCode")]
    assert labels == ["Z"]


def test_seed_000_structures_by_label_and_inferred() -> None:
    s = structures_for(parse_file(SEED_000))
    a = s.get(1, 1)
    assert a.label == "A" and a.is_smarts and a.variable_map == {1: "R1", 2: "Y"}
    assert s.get(1, 2).label == "I" and s.get(1, 2).variable_map == {1: "R1", 2: "Z"}
    assert [(x.formula, x.inferred) for x in s.for_claim(1)] == [(1, False), (2, False), (3, True), (4, True), (5, True)]
    assert "hydroxylamine" in s.get(1, 3).note.lower()
    assert a.query.GetNumAtoms() == a.reference.GetNumAtoms()


def _write(tmp_path: Path, body: str) -> tuple[Path, Path]:
    claims = tmp_path / "p.txt"
    claims.write_text("1. A compound of the formula\n\nwherein R1 is amino and R2 is carboxy.\n")
    side = tmp_path / "p.structures.toml"
    side.write_text(body)
    return claims, side


def test_a_variable_the_claim_does_not_define_is_an_error_naming_file_claim_and_formula(tmp_path: Path) -> None:
    claims, side = _write(tmp_path, '[[structure]]\nclaim = 1\nformula = 1\nsmiles = "[*:1]C[*:3]"\nvariables = { 1 = "R1", 3 = "R3" }\n')
    with pytest.raises(StructureError) as err:
        load_structures(side, parse_file(claims))
    assert str(err.value).startswith(f"{side}: claim 1 formula 1: map 3 = 'R3' is not a variable claim 1 defines")


@pytest.mark.parametrize(("body", "message"), [
    ('[[structure]]\nclaim = 1\nformula = 1\nsmiles = "[*:1]C[*:2]"\nvariables = { 1 = "R1" }\n', "map number(s) [2] have no variable name"),
    ('[[structure]]\nclaim = 1\nformula = 1\nsmiles = "[*:1]C"\nvariables = { 1 = "R1", 2 = "R2" }\n', "variable(s) [2] are not mapped"),
    ('[[structure]]\nclaim = 1\nformula = 1\nsmiles = "C1CC"\n', "does not parse"),
    ('[[structure]]\nclaim = 1\nformula = 2\nsmiles = "C"\n', "claim 1 has no formula 2"),
    ('[[structure]]\nclaim = 9\nformula = 1\nsmiles = "C"\n', "has no claim 9"),
    ('[[structure]]\nclaim = 1\nlabel = "B"\nsmiles = "C"\n', "no formula labelled 'B'"),
    ('[[structure]]\nclaim = 1\nformula = 1\nsmiles = "C"\nsmarts = "C"\n', "exactly one of 'smiles' and 'smarts'"),
    ('patent = "other"\n', "patent = 'other'"),
    ('[conventions]\nlower = [6, 1]\n', "conventions.lower"),
    ('[[structure]]\nclaim = 1\nformula = 1\nsmiles = "C"\ncolour = "red"\n', "unknown key(s) colour"),
])
def test_malformed_sidecars_are_reported(tmp_path: Path, body: str, message: str) -> None:
    claims, side = _write(tmp_path, body)
    with pytest.raises(StructureError, match=None) as err:
        load_structures(side, parse_file(claims))
    assert message in str(err.value) and str(side) in str(err.value)


def test_atom_list_variables_and_a_good_file(tmp_path: Path) -> None:
    claims = tmp_path / "p.txt"
    claims.write_text("1. A compound of the formula\n\nwherein Y is CH or nitrogen; R1 is amino.\n")
    side = tmp_path / "p.structures.toml"
    side.write_text('[[structure]]\nclaim = 1\nformula = 1\nsmarts = "[*:1]c1[c,n:2]sc(C)n1"\nvariables = { 1 = "R1", 2 = "Y" }\nnote = "x"\n')
    s = load_structures(side, parse_file(claims))
    assert s.structures[0].to_dict() == {"claim": 1, "formula": 1, "label": None, "smarts": "[*:1]c1[c,n:2]sc(C)n1",
                                         "variables": {"1": "R1", "2": "Y"}, "curated": True, "inferred": False, "note": "x"}
