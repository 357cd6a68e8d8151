"""Drawn structures: molfiles (V2000, V3000), SD files and CXSMILES with R-group labels, and
sidecars that point at them or name a formula by its label or placeholder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cephkg import KnowledgeStore, build, parse_text
from cephkg.chem.coverage import PatentScope, covers
from cephkg.chem.drawn import parse_cxsmiles, read_drawn, to_cxsmiles
from cephkg.chem.structures import load_structures
from cephkg.errors import StructureError
from cephkg.store.scopes import load_scopes
from seeds import EXAMPLES, ID_000, ID_002

DRAWN = Path(__file__).resolve().parents[1] / "data" / "drawn"
CEFDINIR_CORE = "C=CC1=C([*:1])N2C(=O)C(NC(=O)/C(=N\\O)c3csc([*:2])n3)C2SC1"
FORMULA_A = "Nc1nc(C(=NO)C(=O)NC2C(=O)N3C(C(=O)O)=C(/C=C4\\CCN(C5CCN([*:1])C5)C4=O)CSC23)"
CORE = "Nc1nc(/C(=N/O)C(=O)NC2C(=O)N3C(C(=O)O{})=C(C=C)CSC23)cs1"
CEFTOBIPROLE = "Nc1nc(/C(=N/O)C(=O)N[C@@H]2C(=O)N3C(C(=O)O)=C(/C=C4\\CCN([C@@H]5CCNC5)C4=O)CS[C@H]23)ns1"


@pytest.mark.parametrize(("name", "text", "variables"), [
    ("phenyl-r1-v2000.mol", "c1ccc([*:1])cc1", ((1, "R1"),)),
    ("ep002-claim1.mol", CEFDINIR_CORE, ((1, "R2"), (2, "R1"))),
    ("ep002-claim1-alias.mol", CEFDINIR_CORE, ((1, "R2"), (2, "R1"))),
    ("ep000-formula-a.cxsmi", FORMULA_A + "[cH:2]s1", ((1, "R1"), (2, "Y"))),
])
def test_drawn_files_give_the_sidecar_text(name: str, text: str, variables: tuple) -> None:
    drawn = read_drawn(DRAWN / name)
    assert (drawn.text, drawn.variables) == (text, variables)


def test_v3000_atom_list_is_a_ring_atom_variable() -> None:
    drawn = read_drawn(DRAWN / "ep000-formula-a.mol", atoms={36: "Y"})
    assert drawn.is_smarts and drawn.text == FORMULA_A + "[c,n:2]s1"
    assert drawn.variables == ((1, "R1"), (2, "Y"))


def test_r_numbers_can_be_renamed_and_unnamed_dummies_are_refused(tmp_path: Path) -> None:
    assert read_drawn(DRAWN / "phenyl-r1-v2000.mol", {1: "R2a"}).variables == ((1, "R2a"),)
    assert parse_cxsmiles("*c1ccccc1 |$_R3;;;;;;$|").variables == ((1, "R3"),)
    with pytest.raises(StructureError, match="atom 1 is an R-group or '\\*' atom without a variable name"):
        parse_cxsmiles("*c1ccccc1")
    with pytest.raises(StructureError, match="no variable"):
        parse_cxsmiles("c1ccccc1")
    bad = tmp_path / "bad.mol"
    bad.write_text("nothing\n\n\n  1  0  0  0  0  0  0  0  0  0999 V2000\nM  END\n")
    with pytest.raises(StructureError, match="bad.mol"):
        read_drawn(bad)


def test_to_cxsmiles_labels_the_variables() -> None:
    structure = load_structures(EXAMPLES / f"{ID_002}.structures.toml").structures[0]
    assert to_cxsmiles(structure) == "*C1=C(C=C)CSC2C(NC(=O)/C(=N\\O)c3csc(*)n3)C(=O)N12 |$_R2;;;;;;;;;;;;;;;;;;;_R1;;;;$|"


def _examples_with(tmp_path: Path, sidecars: dict[str, str]) -> Path:
    tmp_path.mkdir()
    for text in EXAMPLES.glob("*.txt"):
        shutil.copy(text, tmp_path / text.name)
    for stem, body in sidecars.items():
        (tmp_path / f"{stem}.structures.toml").write_text(body)
    for f in DRAWN.iterdir():
        shutil.copy(f, tmp_path / f.name)
    return tmp_path


def test_sidecars_pointing_at_drawings_give_the_curated_answers(tmp_path: Path) -> None:
    folder = _examples_with(tmp_path / "in", {
        ID_002: '[[structure]]\nclaim = 1\nformula = 1\nfile = "ep002-claim1.mol"\n',
        ID_000: '[[structure]]\nclaim = 1\nlabel = "formula (A)"\nfile = "ep000-formula-a.cxsmi"\n',
    })
    with KnowledgeStore(tmp_path / "store") as store:
        assert not build([folder], store).failed
        scopes = list(load_scopes(store).scopes)
    by_id = {s.patent.patent_id: s for s in scopes}
    drawn = by_id[ID_002].structure_for(by_id[ID_002].patent.claim(1))
    assert drawn is not None and (drawn.origin, drawn.source) == ("drawn", "curated")
    assert covers(CORE.format("COC(=O)C(C)(C)C"), scopes).claims(ID_002) == [1, 2, 4, 11, 13]
    assert covers(CORE.format(""), scopes).claims(ID_002) == [1, 2, 3]
    hit = covers(CEFTOBIPROLE, scopes).hits[0]
    assert (hit.patent, hit.claim, hit.via) == (ID_000, 1, "markush")
    assert hit.to_dict()["assignment"]["Y"] == {"fragment": "[n]", "term": "nitrogen"}  # CH widened to CH or N
    assert hit.reasons[0] == "contains the generic structure of claim 1 formula 1 (drawn)"


PLACEHOLDERS = """1. A compound of the formula ##STR1## wherein R1 is hydrogen or lower alkyl.
2. A compound of the formula ##STR2## wherein R2 is halogen.
"""


@pytest.mark.parametrize("where", ['placeholder = "##STR2##"', "image = 2"])
def test_formulas_named_by_placeholder_or_image_number(tmp_path: Path, where: str) -> None:
    patent = parse_text(PLACEHOLDERS, "p", str(tmp_path / "p.txt"))
    side = tmp_path / "p.structures.toml"
    side.write_text(f'[[structure]]\nclaim = 2\n{where}\ncxsmiles = "*c1ccncc1 |$_R2;;;;;;$|"\n')
    structures = load_structures(side, patent)
    assert [(s.claim, s.formula, s.origin) for s in structures.structures] == [(2, 1, "drawn")]
    scope = PatentScope(patent, structures, {})
    assert covers("Clc1ccncc1", [scope]).claims("p") == [2]
    assert covers("Oc1ccncc1", [scope]).claims("p") == []


def test_placeholder_errors_name_the_formula(tmp_path: Path) -> None:
    patent = parse_text(PLACEHOLDERS, "p", str(tmp_path / "p.txt"))
    side = tmp_path / "p.structures.toml"
    side.write_text('[[structure]]\nclaim = 1\nimage = 2\nsmiles = "[*:1]C"\nvariables = { 1 = "R1" }\n')
    with pytest.raises(StructureError, match="placeholder 2 belongs to claim 2, not claim 1"):
        load_structures(side, patent)
    side.write_text('[[structure]]\nclaim = 1\nplaceholder = "##STR9##"\nsmiles = "[*:1]C"\nvariables = { 1 = "R1" }\n')
    with pytest.raises(StructureError, match="no formula with placeholder '##STR9##'"):
        load_structures(side, patent)
