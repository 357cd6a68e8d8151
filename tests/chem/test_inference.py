"""Generic structures inferred from the claims: the examples without their sidecars, real claim
language, and every way an inference can fail and say why."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cephkg import KnowledgeStore, build, parse_text
from cephkg.chem.coverage import PatentScope, check_scope, covers
from cephkg.chem.inference import infer_structures, scope_for, scope_with_inference
from cephkg.chem.structures import load_structures, read_sidecar
from cephkg.store.scopes import load_scopes
from seeds import EXAMPLES, ID_000, ID_002

REAL = Path(__file__).resolve().parents[1] / "data" / "real-claims"
CORE = "Nc1nc(/C(=N/O)C(=O)NC2C(=O)N3C(C(=O)O{})=C(C=C)CSC23)cs1"


@pytest.fixture(scope="module")
def uncurated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("uncurated")
    for text in EXAMPLES.glob("*.txt"):
        shutil.copy(text, folder / text.name)
    return folder


@pytest.fixture(scope="module")
def store_dir(uncurated: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("inferred-store")
    with KnowledgeStore(path) as store:
        assert not build([uncurated], store).failed
    return path


def test_the_inferred_cefdinir_core_is_the_curated_one(store_dir: Path) -> None:
    curated = load_structures(EXAMPLES / f"{ID_002}.structures.toml").get(1, 1)
    with KnowledgeStore(store_dir) as store:
        scope = next(s for s in load_scopes(store).scopes if s.patent.patent_id == ID_002)
    inferred = scope.structure_for(scope.patent.claim(13))
    assert curated is not None and inferred is not None
    assert (inferred.text, inferred.variables) == (curated.text, curated.variables)
    assert (inferred.origin, inferred.source, inferred.confidence) == ("inference", "inferred", 0.9)
    assert inferred.evidence[-4:-1] == (
        "R1 at atom 21 (C) of the reference: group [*]N in the reference, amino by "
        "'amino or protected amino' (claim 1)",
        "R2 at cephem 4 (C): group [*]C(=O)O in the reference, carboxy by "
        "'carboxy or protected carboxy' (claim 1)",
        "oxime drawn syn, as the claim states; other stereo left open")
    assert inferred.evidence[-1] == "consistent with all 9 compound(s) at their own claims' definitions"


def test_formula_a_places_y_by_the_known_site_and_r1_by_formula_i(store_dir: Path) -> None:
    with KnowledgeStore(store_dir) as store:
        scope = next(s for s in load_scopes(store).scopes if s.patent.patent_id == ID_000)
    a = scope.structures.get(1, 1) if scope.structures else None
    assert a is not None and a.is_smarts
    assert a.text == "Nc1nc(C(=NO)C(=O)NC2C(=O)N3C(C(=O)O)=C(C=C4CCN(C5CCN([*:2])C5)C4=O)CSC23)[n,c:1]s1"
    assert a.variable_map == {1: "Y", 2: "R1"}
    assert any("a known ring-atom site of the field" in e for e in a.evidence)
    assert any("inside the part another formula of the claim names" in e for e in a.evidence)


def test_check_finds_every_named_species_covered_without_a_hand_written_structure(store_dir: Path) -> None:
    from cephkg.cli.chem import check_command

    out = CliRunner().invoke(check_command, ["--store", str(store_dir)])
    assert (out.exit_code, out.output) == (0, f"{ID_000}: ok\n{ID_002}: ok\n")


def test_structures_command_shows_source_and_evidence_and_writes_an_editable_sidecar(store_dir: Path,
                                                                                     tmp_path: Path) -> None:
    from cephkg.cli.structures import structures_command

    runner = CliRunner()
    out = runner.invoke(structures_command, [ID_002, "--store", str(store_dir)])
    assert out.exit_code == 0
    assert out.output.startswith("claim 1 formula 1: inferred, confidence 0.9\n"
                                 "  *C1=C(C=C)CSC2C(NC(=O)/C(=N\\O)c3csc(*)n3)C(=O)N12 |$_R2;")
    assert "  - consistent with all 9 compound(s) at their own claims' definitions\n" in out.output
    target = tmp_path / "002.structures.toml"
    wrote = runner.invoke(structures_command, [ID_002, "--store", str(store_dir), "--write", "-o", str(target)])
    assert wrote.exit_code == 0 and wrote.output == f"wrote {target}\n"
    data = read_sidecar(target)
    assert [(s["claim"], s["formula"], s["inferred"], s["curated"]) for s in data["structure"]] == [
        (1, 1, True, False), (20, 1, True, False), (20, 4, True, False), (20, 6, True, False),
        (20, 8, True, False), (20, 10, True, False)]
    again = runner.invoke(structures_command, [ID_002, "--store", str(store_dir), "--write", "-o", str(target)])
    assert again.exit_code == 1 and "exists; use --force" in again.output
    missing = runner.invoke(structures_command, [ID_000, "--store", str(store_dir), "--json"])
    assert '"why_none": "the formula has no variables the text defines"' in missing.output


# --- real claim language ---------------------------------------------------------------------

def _real(name: str, lines: int) -> str:
    """A real claim set with the page's list markers ("- ") taken off, as the reader will."""
    text = (Path(__file__).resolve().parents[1] / "data" / "real-claims-reading" / name).read_text()
    return "\n".join(line.removeprefix("- ") for line in text.splitlines()[1:lines + 1]) + "\n"


def test_real_cephem_claims_get_their_core_from_the_named_species(tmp_path: Path) -> None:
    patent = parse_text(_real("trea_c798ee39.txt", 15), "c798", str(tmp_path / "c798.txt"))
    scope = scope_for(patent, tmp_path / "opsin.json")
    s = scope.structures.get(1, 1) if scope.structures else None
    assert s is not None and s.text == "O=C1C([*:1])C2N1C([*:2])=C(CS[*:3])C[S:4]2"
    assert s.variable_map == {1: "R1", 2: "R2", 3: "R3", 4: "X"}
    assert s.evidence[-1].startswith("R7 not placed: the claim names it inside another variable's definition")
    # R3 is a substituent NAME: the other tetrazole isomer is covered, an allyl one is not
    two = "NC1C(=O)N2C(C(=O)O)=C(CSc3nnn(CC#C)n3)CSC12"
    allyl = "NC1C(=O)N2C(C(=O)O)=C(CSc3nnnn3CC=C)CSC12"
    # claim 1's proviso excludes a group drawn in a lost image (##STR13##): with it, claims 1-4
    # cannot be decided, and the answer says which proviso; the structure itself fits
    answer = covers(two, [scope])
    assert answer.claims("c798") == [] and [v.claim for v in answer.undecided] == [1, 2, 3, 4]
    assert answer.undecided[0].reasons[0] == (
        "cannot evaluate the proviso 'with the proviso that R1 is not the group of the formula: ##STR13## wherein R7 "
        "is lower alkyl, lower alkenyl, lower alkynyl, cycloalkyl, cyclo(lower)alkenyl, phenyl(lower)alkyl, or "
        "carboxy(lower)alkyl': 'group of the formula: ##STR13##' is not a term cephkg can interpret")
    scope = PatentScope(scope.patent, scope.structures, scope.species, scope.vocabulary, scope.missing, provisos={})
    assert covers(two, [scope]).claims("c798") == [1, 2, 3, 4]
    near = covers(allyl, [scope]).near_misses[0]
    assert near.claim == 1 and near.reasons[0].startswith(
        "R3 = [*]c1nnnn1CC=C is not 1-(2-propynyl)-1H-tetrazol-5-yl or 2-(2-propynyl)-2H-tetrazol-5-yl")


def test_a_dependent_claim_that_contradicts_the_strict_reading_is_reported(tmp_path: Path) -> None:
    # claim 3 allows phenyl(lower)alkoxycarbonyl (one phenyl); claim 8 names the benzhydryl ester
    patent = parse_text(_real("trea_c798ee39.txt", 19), "c798", str(tmp_path / "c798.txt"))
    scope = scope_for(patent, tmp_path / "opsin.json")
    assert scope.missing[(1, 1)].startswith(
        "no placement fits every named compound: claim 8 #1 (benzhydryl 7-amino-3-[1-(2-propynyl)-1H-tetrazol-5-yl]"
        "thiomethyl-3-cephem-4-carboxylate): R2 = [*]C(=O)OC(c1ccccc1)c1ccccc1 is not carboxy or "
        "phenyl(lower)alkoxycarbonyl")
    verdict = covers("NC1C(=O)N2C(C(=O)O)=C(CSc3nnnn3CC#C)CSC12", [scope]).near_misses
    assert [(v.claim, v.decision) for v in verdict][:1] == [(1, "cannot decide")]


# --- failures say why ------------------------------------------------------------------------

def _scope(text: str) -> PatentScope:
    patent = parse_text(text, "t", "<t>")
    return scope_with_inference(PatentScope(patent, None, {}), {})[0]


def test_no_named_compound_means_cannot_decide() -> None:
    scope = _scope("1. A compound of the formula ##STR1## wherein R1 is hydrogen or lower alkyl.\n")
    assert scope.missing == {(1, 1): "no compound named in the patent resolved to a structure"}
    result = covers("CCc1ccccc1", [scope])
    assert result.hits == () and [v.decision for v in result.undecided] == ["cannot decide"]
    assert result.undecided[0].reasons[0] == ("no generic structure for claim 1 formula 1: no compound named in "
                                              "the patent resolved to a structure")
    assert result.to_dict()["undecided"][0]["decision"] == "cannot decide"
    [violation] = [v for v in check_scope(scope) if v.rule == "structure"]
    assert violation.undecided and violation.kind == "cannot decide"


def test_an_ambiguous_placement_is_not_used(tmp_path: Path) -> None:
    # every named compound has hydrogen at both ring NHs: R1 could sit on either
    text = ("1. A compound of the formula ##STR1## wherein R1 is hydrogen or an amino protecting group.\n"
            "2. A compound of claim 1, which is piperazine-2-carboxylic acid.\n")
    patent = parse_text(text, "amb", str(tmp_path / "amb.txt"))
    scope = scope_for(patent, tmp_path / "opsin.json")
    assert scope.missing[(1, 1)].startswith("cannot place R1: ")
    assert scope.missing[(1, 1)].endswith("placements fit every named compound equally well")
    assert covers("OC(=O)C1CNCCN1", [scope]).undecided[0].claim == 1


def test_a_curated_structure_always_wins(tmp_path: Path) -> None:
    text = (EXAMPLES / f"{ID_002}.txt").read_text()
    (tmp_path / "p.txt").write_text(text)
    (tmp_path / "p.structures.toml").write_text(
        '[[structure]]\nclaim = 1\nformula = 1\nsmiles = "C=CC1=C([*:2])N2C(=O)C(NC(=O)C(=NO)c3csc([*:1])n3)C2SC1"\n'
        'variables = { 1 = "R1", 2 = "R2" }\n')
    patent = parse_text(text, "p", str(tmp_path / "p.txt"))
    scope = scope_for(patent, tmp_path / "opsin.json")
    s = scope.structure_for(patent.claim(13))
    assert s is not None and s.origin == "sidecar" and "/" not in s.text
    assert {(o.claim, o.formula) for o in infer_structures(scope)} == set()
    assert covers(CORE.format(""), [scope]).claims("p") == [1, 2, 3]


def test_the_real_corpus_has_no_contradiction_only_what_cannot_be_decided(tmp_path: Path) -> None:
    """Without hand-written structures, the real claim sets give no false 'not covered': every open
    question is reported as 'cannot decide', with its reason."""
    with KnowledgeStore(tmp_path / "store") as store:
        report = build([REAL], store)
        assert len(report.built) == len(list(REAL.glob("*.txt")))
        violations = [v for s in load_scopes(store).scopes for v in check_scope(s)]
    assert violations and all(v.undecided for v in violations)
