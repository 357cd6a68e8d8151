"""Claim scope: which claims of the seeds cover a compound, by which rule, and near misses."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdkit import Chem
from rdkit.Chem import rdCIPLabeler

from cephkg import KnowledgeStore, build
from cephkg.chem.coverage import CoverageResult, covers
from cephkg.store.scopes import load_scopes
from seeds import EXAMPLES, ID_000, ID_002

CORE = "Nc1nc(/C(=N/O)C(=O)NC2C(=O)N3C(C(=O)O{})=C(C=C)CSC23)cs1"
CEFDINIR = CORE.format("")
PIVOXIL = CORE.format("COC(=O)C(C)(C)C")
PALMITOYL = CORE.format("COC(=O)CCCCCCCCCCCCCCC")
CEFIXIME = "Nc1nc(/C(=N/OCC(=O)O)C(=O)NC2C(=O)N3C(C(=O)O)=C(C=C)CSC23)cs1"
CEFTOBIPROLE = "Nc1nc(/C(=N/O)C(=O)N[C@@H]2C(=O)N3C(C(=O)O)=C(/C=C4\\CCN([C@@H]5CCNC5)C4=O)CS[C@H]23)ns1"


def uncurated_examples(folder: Path) -> Path:
    """Copies of the example claim files without their curated sidecars."""
    for text in EXAMPLES.glob("*.txt"):
        shutil.copy(text, folder / text.name)
    assert not list(folder.glob("*.structures.toml"))
    return folder


@pytest.fixture(scope="module", params=["curated", "inferred"])
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeStore]:
    """The examples built with their curated sidecars, and without them (structures inferred)."""
    source = EXAMPLES if request.param == "curated" else uncurated_examples(tmp_path_factory.mktemp("uncurated"))
    s = KnowledgeStore(tmp_path_factory.mktemp("coverage-store"))
    assert not build([source], s).failed
    yield s
    s.close()


@pytest.fixture(scope="module")
def mode(store: KnowledgeStore) -> str:
    return "curated" if any(s.structures and s.structures.structures and s.structures.structures[0].origin == "sidecar"
                            for s in load_scopes(store).scopes) else "inferred"


@pytest.fixture(scope="module")
def scopes(store: KnowledgeStore) -> list:
    return list(load_scopes(store).scopes)


def run(scopes: list, smiles: str, cache: Path | None = None) -> CoverageResult:
    return covers(smiles, scopes, cache)


def compound_claims(result: CoverageResult, patent: str = ID_002) -> list[int]:
    return result.claims(patent, "covers")


def test_cefdinir_given_is_the_syn_z_isomer() -> None:
    mol = Chem.MolFromSmiles(CEFDINIR)
    rdCIPLabeler.AssignCIPLabels(mol)
    assert [b.GetProp("_CIPCode") for b in mol.GetBonds() if b.HasProp("_CIPCode")] == ["Z"]


@pytest.mark.parametrize(("smiles", "claims"), [
    (CEFDINIR, [1, 2, 3]),
    (PIVOXIL, [1, 2, 4, 11, 13]),
    (PALMITOYL, [1, 2, 4, 14, 15]),
    (CEFIXIME, []),
    (CORE.format("C(C)OC(=O)OCC"), [1, 2, 4, 5, 6]),                 # 1-ethoxycarbonyloxyethyl (claim 6)
    (CORE.format("CC(=O)OC(C)(C)C"), [1, 2, 4, 7, 8]),                # tert-butoxycarbonylmethyl (claim 8)
    (CORE.format("CC(=O)O"), [1, 2, 4, 9, 10]),                       # carboxymethyl (claim 10)
    (CORE.format("C(C)OC(=O)CC"), [1, 2, 4, 11, 12]),                 # 1-propionyloxyethyl (claim 12)
    (CORE.format("Cc8oc(=O)oc8C"), [1, 2, 4, 16, 17]),                # medoxomil-type (claim 17)
    (CORE.format("C8OC(=O)c9ccccc98"), [1, 2, 4, 18, 19]),            # phthalidyl (claim 19)
    (CORE.format("COC(=O)CCC"), [1, 2, 4, 11]),                       # butyryloxymethyl: no species
    (CORE.format("COC(=O)CCCCCCC"), [1, 2, 4, 14]),                   # octanoyloxymethyl: higher, C8
    (CORE.format("C"), [1, 2, 4]),                                    # methyl ester: esterified only
    ("CC(C)(C)OC(=O)Nc1nc(/C(=N/O)C(=O)NC2C(=O)N3C(C(=O)O)=C(C=C)CSC23)cs1", [1]),  # Boc-amino
    ("O=CNc1nc(/C(=N/O)C(=O)NC2C(=O)N3C(C(=O)O)=C(C=C)CSC23)cs1", [1]),              # formylamino
    ("Nc1nc(/C(=N\\O)C(=O)NC2C(=O)N3C(C(=O)O)=C(C=C)CSC23)cs1", []),                 # anti isomer
    ("Nc1nc(C(=NO)C(=O)NC2C(=O)N3C(C(=O)O)=C(C=C)CSC23)cs1", []),                   # geometry open
    ("Nc1nc(/C(=N/O)C(=O)N[C@@H]2C(=O)N3C(C(=O)O)=C(C=C)CS[C@H]23)cs1", [1, 2, 3]),  # 6R,7R given
])
def test_compound_claims_covering(scopes: list, smiles: str, claims: list[int]) -> None:
    assert compound_claims(run(scopes, smiles)) == claims


@pytest.mark.parametrize(("smiles", "salt", "claims"), [
    ("Nc1nc(/C(=N/O)C(=O)NC2C(=O)N3C(C(=O)[O-])=C(C=C)CSC23)cs1.[Na+]", "sodium", [1, 2, 3]),
    ("Nc1nc(/C(=N/O)C(=O)NC2C(=O)N3C(C(=O)[O-])=C(C=C)CSC23)cs1.[K+]", "potassium", [1, 2, 3]),
    (CEFDINIR + ".Cl", "hydrochloride", [1, 2]),
    (PIVOXIL + ".Cl", "hydrochloride", [1, 2, 4, 11]),
    (CORE.format("C(C)OC(=O)OCC") + ".Cl", "hydrochloride", [1, 2, 4, 5, 6]),
    (CORE.format("C(C)OC(=O)OCC") + ".[Na+].[Cl-]", "hydrochloride;sodium", [1, 2, 4, 5]),
])
def test_salts(scopes: list, smiles: str, salt: str, claims: list[int]) -> None:
    result = run(scopes, smiles)
    assert result.query.salt_form == salt
    assert compound_claims(result) == claims


def test_salt_hit_names_the_inherited_clause(scopes: list) -> None:
    hit = next(h for h in run(scopes, PIVOXIL + ".Cl").hits if h.claim == 11)
    assert hit.salt_rule == "salts clause of claim 1 ('and a pharmaceutically acceptable salt thereof'), inherited by claim 11"


def test_species_claims_are_exhaustive_on_salts(scopes: list) -> None:
    near = {n.claim: n for n in run(scopes, PIVOXIL + ".Cl").near_misses}
    assert near[13].reasons[0] == ("salt form hydrochloride is not named: claim 13 names the compound and no salt; "
                                   "a species claim covers exactly what it names")
    near = {n.claim: n for n in run(scopes, CEFDINIR + ".Cl").near_misses}
    assert near[3].reasons[0].startswith("salt form hydrochloride is not named: claim 3 names the compound and "
                                         "sodium salt, potassium salt")


def test_near_miss_reports_the_first_failing_constraint(scopes: list) -> None:
    near = {n.claim: n for n in run(scopes, PALMITOYL).near_misses if n.patent == ID_002}
    assert sorted(near) == [5, 7, 9, 11, 16, 18]
    assert near[11].reasons[0] == ("R2 = [*]C(=O)OCOC(=O)CCCCCCCCCCCCCCC is not lower alkanoyloxy(lower)alkoxycarbonyl: "
                                   "alkanoyl has 16 carbons, lower allows 1 to 6 (claim 11)")
    near = {n.claim: n for n in run(scopes, PIVOXIL).near_misses}
    assert near[14].reasons[0].endswith("alkanoyl has 5 carbons, higher allows 7 to 20 (claim 14)")


def test_near_misses_for_geometry_protected_amine_and_oxime_ether(scopes: list) -> None:
    anti = run(scopes, "Nc1nc(/C(=N\\O)C(=O)NC2C(=O)N3C(C(=O)O)=C(C=C)CSC23)cs1")
    assert {(n.claim, n.reasons[0]) for n in anti.near_misses} == {
        (1, "the oxime C=N geometry is anti; the claim requires syn"),
        (20, "the oxime C=N geometry is anti; the claim requires syn")}
    boc = run(scopes, "CC(C)(C)OC(=O)Nc1nc(/C(=N/O)C(=O)NC2C(=O)N3C(C(=O)O)=C(C=C)CSC23)cs1")
    assert [(n.claim, n.reasons[0]) for n in boc.near_misses] == [(2, "R1 = [*]NC(=O)OC(C)(C)C is not amino: not -NH2 (claim 2)")]
    fix = run(scopes, CEFIXIME)
    assert [n.claim for n in fix.near_misses] == [1, 20]
    assert "carries a substituent in the compound where the structure has hydrogen" in fix.near_misses[0].reasons[0]


def test_markush_hit_assignment_and_reasons(scopes: list, mode: str) -> None:
    hit = next(h for h in run(scopes, PIVOXIL).hits if h.claim == 11)
    first = {"curated": "contains the generic structure of claim 1 formula 1 (curated)",
             "inferred": "contains the generic structure of claim 1 formula 1 (inferred by cephkg from the named "
                         "compounds, confidence 0.90)"}[mode]
    assert hit.to_dict() == {
        "patent": ID_002, "claim": 11, "category": "compound", "relation": "covers", "dependent": True, "via": "markush",
        "assignment": {"R2": {"fragment": "[*]C(=O)OCOC(=O)C(C)(C)C", "term": "lower alkanoyloxy(lower)alkoxycarbonyl"},
                       "R1": {"fragment": "[*]N", "term": "amino"}},
        "reasons": [first,
                    "R2 = [*]C(=O)OCOC(=O)C(C)(C)C is protected carboxy (claim 1)",
                    "R2 = [*]C(=O)OCOC(=O)C(C)(C)C is esterified carboxy (claim 4)",
                    "R2 = [*]C(=O)OCOC(=O)C(C)(C)C is lower alkanoyloxy(lower)alkoxycarbonyl (claim 11)",
                    "R1 = [*]N is amino (claim 1)", "R1 = [*]N is amino (claim 2)"],
        "structure": "claim 1 formula 1"}


def test_composition_treatment_use_and_process_relations(scopes: list) -> None:
    result = run(scopes, CEFDINIR)
    rel = {(h.claim, h.relation, h.dependent) for h in result.hits if h.relation != "covers"}
    assert rel == {(20, "product_of_process", False), (21, "composition", False),
                   (22, "method_of_treatment", False), (23, "use", False)}
    assert compound_claims(run(scopes, CEFIXIME)) == [] and run(scopes, CEFIXIME).hits == ()


def test_ceftobiprole_is_the_product_of_the_000_process(scopes: list) -> None:
    result = run(scopes, CEFTOBIPROLE)
    assert [(h.patent, h.claim, h.relation, h.via) for h in result.hits] == [
        (ID_000, 1, "product_of_process", "markush"), (ID_000, 2, "product_of_process", "species")]
    a = result.hits[0].to_dict()["assignment"]
    assert a == {"R1": {"fragment": "[*][H]", "term": "hydrogen"}, "Y": {"fragment": "[n]", "term": "nitrogen"}}
    # the species fixes (6R,7R) and (R): the enantiomer at the pyrrolidine is only formula A
    other = run(scopes, CEFTOBIPROLE.replace("N([C@@H]5CCNC5)", "N([C@H]5CCNC5)"))
    assert [(h.claim, h.via) for h in other.hits] == [(1, "markush")]
    thiazole = run(scopes, CEFTOBIPROLE.replace("ns1", "cs1").replace("N([C@@H]5CCNC5)", "N([C@@H]5CCN(C(=O)OC(C)(C)C)C5)"))
    assert thiazole.hits[0].to_dict()["assignment"]["Y"] == {"fragment": "[cH1]", "term": "CH"}
    assert thiazole.hits[0].to_dict()["assignment"]["R1"]["term"] == "amino protecting group"


def test_json_shape_and_inputs(scopes: list) -> None:
    inchi = Chem.MolToInchi(Chem.MolFromSmiles(CEFDINIR))
    by_inchi = run(scopes, inchi)
    assert set(by_inchi.to_dict()) == {"query", "hits", "near_misses", "undecided"}
    assert by_inchi.query.input == inchi and by_inchi.query.salt_form is None
    assert compound_claims(by_inchi) == [1, 2, 3]  # the /b layer keeps the syn oxime
    anti = Chem.MolToInchi(Chem.MolFromSmiles(CEFDINIR.replace("/C(=N/O)", "/C(=N\\O)")))
    assert compound_claims(run(scopes, anti)) == []


def test_an_uninterpretable_term_is_never_matched(tmp_path: Path) -> None:
    from cephkg import parse_file
    from cephkg.chem.coverage import PatentScope, check_scope
    from cephkg.chem.structures import load_structures

    claims = tmp_path / "q.txt"
    claims.write_text("1. A compound of the formula\n\nwherein R1 is a frobnicated group.\n")
    side = tmp_path / "q.structures.toml"
    side.write_text('[[structure]]\nclaim = 1\nformula = 1\nsmiles = "c1ccccc1[*:1]"\nvariables = { 1 = "R1" }\n')
    patent = parse_file(claims)
    scope = PatentScope(patent, load_structures(side, patent), {})
    result = covers("c1ccccc1C", [scope])
    assert result.hits == ()
    assert result.near_misses[0].reasons[0] == "'frobnicated' is not a term cephkg can interpret (claim 1)"
    assert [(v.claim, v.rule) for v in check_scope(scope)] == [(1, "term-interpretable")]


def test_cli_covers_json_and_check(tmp_path: Path) -> None:
    import json

    from cephkg.cli.chem import check_command, covers_command

    with KnowledgeStore(tmp_path) as store:
        assert not build([EXAMPLES], store).failed
    runner = CliRunner()
    out = runner.invoke(covers_command, [PIVOXIL, "--store", str(store.path), "--json", "--patent", ID_002])
    data = json.loads(out.output)
    assert [h["claim"] for h in data["hits"] if h["relation"] == "covers"] == [1, 2, 4, 11, 13]
    assert data["query"]["inchikey"] == "DRACJONKQLQDIZ-MYKKPKGFSA-N"
    text = runner.invoke(covers_command, [PALMITOYL, "--store", str(store.path), "--explain"]).output
    assert "near miss 002_90b12462b97cb7e0 claim 11: R2 = [*]C(=O)OCOC(=O)CCCCCCCCCCCCCCC is not lower" in text
    checked = runner.invoke(check_command, ["--store", str(store.path)])
    assert checked.exit_code == 0 and checked.output == f"{ID_000}: ok\n{ID_002}: ok\n"
