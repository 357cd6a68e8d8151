"""Untrusted structures: measured before RDKit reads them, large ones read in a worker first,
RDKit's log kept out of cephkg's output, and a time budget per compound."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cephkg import KnowledgeStore, ResolutionError, build, parse_file
from cephkg.chem import guard
from cephkg.chem.coverage import TimeBudget, covers, parse_compound
from cephkg.chem.structures import StructureError, load_structures
from cephkg.cli import main
from cephkg.limits import limit
from cephkg.store.scopes import load_scopes
from seeds import EXAMPLES, ID_000, ID_002

PROCESS = ("1. A process for preparing a compound of the formula\n\nwherein R1 is amino,\n"
           "which comprises reacting a compound of the formula\n\nwith hydroxylamine.\n")


def nested_cores(n: int) -> str:
    """``n`` cefdinir-pivoxil-like units, each ester carrying the next: 2,113 atoms for n = 65."""
    def unit(k: int) -> str:
        inner = "C" if k == 0 else unit(k - 1)
        a, b, c = (f"%({10 + 3 * k + i})" for i in range(3))
        return f"Nc{a}nc(/C(=N/O)C(=O)NC{b}C(=O)N{c}C(C(=O)OCOC(=O)CC" + inner + f")=C(C=C)CSC{b}{c})cs{a}"
    return unit(n)


# -- measuring ---------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "atoms"), [
    ("CCO", 3),
    ("Nc1nc(/C(=N/O)C(=O)NC2C(=O)N3C(C(=O)O)=C(C=C)CSC23)cs1", 26),
    ("[*:1]C(=O)[O-].[Na+]", 5),
    ("Nc1nc(C(=NO)C(=O)NC2C(=O)N3C(C(=O)O)=C(/C=C4\\CCN(C5CCN([*:1])C5)C4=O)CSC23)[c,n:2]s1", 37),
    ("ClCBr", 3),
    ("InChI=1S/C2H6O/c1-2-3/h3H,2H2,1H3", 3),
    ("InChI=1S/2C2H4O2.Ca/c2*1-2(3)4;/h2*1H3,(H,3,4);/q;;+2/p-2", 9),
])
def test_atoms_are_counted_from_the_text(text: str, atoms: int) -> None:
    assert guard.estimate_atoms(text) == atoms


def test_too_many_atoms_or_characters_are_refused_before_rdkit_reads_them() -> None:
    with pytest.raises(ResolutionError, match=r"^x has 20,000 atoms; cephkg reads structures of at most 3,000 atoms "
                                              r"\(limit structure.max_atoms\)$"):
        guard.check_size("C" * 20000, "x")
    with pytest.raises(ResolutionError, match=r"^x is 20,002 characters long; .* at most 20,000 characters "
                                              r"\(limit structure.max_smiles_chars\)$"):
        guard.check_size("C" + "(C)" * 6667, "x")
    assert guard.check_size("C" * 3000, "x") == 3000
    assert not guard.needs_isolation(250) and guard.needs_isolation(251)


# -- the worker ----------------------------------------------------------------------------

def test_a_crash_in_the_worker_is_an_error_not_the_end_of_the_process() -> None:
    from crashers import segfault

    with pytest.raises(ResolutionError, match=r"^sidecar x: RDKit crashed reading it \(signal SIGSEGV\); "
                                              "the structure is not usable$"):
        guard.run_isolated(segfault, what="sidecar x")


def test_the_worker_answers_and_is_limited_in_time_and_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    from crashers import allocate, echo, sleep

    assert guard.run_isolated(echo, {"atoms": [1, 2]}, what="x") == {"atoms": [1, 2]}
    values = {"structure.worker_timeout_s": 1}
    monkeypatch.setattr(guard, "limit", lambda name: values.get(name, limit(name)))
    with pytest.raises(ResolutionError, match=r"^x: reading it took more than 1 s and was stopped"):
        guard.run_isolated(sleep, 30, what="x")
    values = {"structure.worker_memory_mb": 1024}
    with pytest.raises(ResolutionError, match=r"^x: reading it needs more than 1024 MiB \(limit structure.worker_memory_mb\)"):
        guard.run_isolated(allocate, 2048, what="x")


def test_an_error_in_the_worker_keeps_its_message() -> None:
    from cephkg.chem.structures import probe_structure

    assert guard.run_isolated(probe_structure, "[*:1]" + "C" * 300, False, what="x") is None
    with pytest.raises(ResolutionError, match=r"^x: ModuleNotFoundError"):
        guard.run_isolated(type("F", (), {"__module__": "no_such_module", "__qualname__": "f"}), what="x")  # type: ignore[arg-type]


# -- sidecars ------------------------------------------------------------------------------

def _folder(tmp_path: Path, smiles: str) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(EXAMPLES / f"{ID_000}.txt", folder)
    shutil.copy(EXAMPLES / f"{ID_000}.structures.toml", folder)
    (folder / "bad.txt").write_text(PROCESS)
    (folder / "bad.structures.toml").write_text(
        f'[[structure]]\nclaim = 1\nformula = 1\nsmiles = "{smiles}"\nvariables = {{ 1 = "R1" }}\n')
    return folder


def test_a_20000_atom_sidecar_fails_its_own_file_and_the_rest_builds(tmp_path: Path) -> None:
    """Before the size check, this sidecar crashed the whole build (SIGSEGV, exit 139) in RDKit's SMILES writer."""
    folder = _folder(tmp_path, "[*:1]" + "C" * 20000)
    result = subprocess.run([sys.executable, "-c", "from cephkg.cli import main; main()", "build", str(folder),
                             "--store", str(tmp_path / "store")], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "1 of 2 files built" in result.stdout
    assert (f"error: {folder / 'bad.structures.toml'}: claim 1 formula 1: smiles is 20,005 characters long; cephkg "
            "reads structures of at most 20,000 characters (limit structure.max_smiles_chars)") in result.stderr


def test_a_structure_rdkit_crashes_on_is_read_in_a_worker_and_fails_its_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the size limit lifted, the 20,000-atom chain reaches RDKit, in the worker, which dies; the build does not."""
    values = {"structure.max_atoms": 100_000, "structure.max_smiles_chars": 100_000}
    monkeypatch.setattr(guard, "limit", lambda name: values.get(name, limit(name)))
    folder = _folder(tmp_path, "[*:1]" + "C" * 20000)
    with KnowledgeStore(tmp_path / "store") as store:
        report = build([folder], store)
        assert [r.patent_id for r in report.built] == [ID_000]
        [failed] = report.failed
        assert failed.error == (f"{folder / 'bad.structures.toml'}: claim 1 formula 1: smiles: RDKit crashed reading "
                                "it (signal SIGSEGV); the structure is not usable")
        assert store.patent_ids() == [ID_000]


def test_a_large_structure_that_reads_well_in_the_worker_is_used(tmp_path: Path) -> None:
    claims, side = tmp_path / "p.txt", tmp_path / "p.structures.toml"
    claims.write_text("1. A compound of the formula\n\nwherein R1 is amino.\n")
    side.write_text(f'[[structure]]\nclaim = 1\nformula = 1\nsmiles = "[*:1]{"C" * 400}"\nvariables = {{ 1 = "R1" }}\n')
    structure = load_structures(side, parse_file(claims)).get(1, 1)
    assert structure is not None and structure.query.GetNumAtoms() == 401


def test_a_sidecar_that_does_not_parse_says_why_in_rdkits_words(tmp_path: Path) -> None:
    claims, side = tmp_path / "p.txt", tmp_path / "p.structures.toml"
    claims.write_text("1. A compound of the formula\n\nwherein R1 is amino.\n")
    side.write_text('[[structure]]\nclaim = 1\nformula = 1\nsmiles = "[*:1]C(C)(C)(C)(C)C"\nvariables = { 1 = "R1" }\n')
    with pytest.raises(StructureError) as err:
        load_structures(side, parse_file(claims))
    assert str(err.value) == (f"{side}: claim 1 formula 1: SMILES '[*:1]C(C)(C)(C)(C)C' does not parse: "
                              "Explicit valence for atom # 1 C, 6, is greater than permitted")


# -- RDKit's log ---------------------------------------------------------------------------

def test_rdkits_log_goes_to_logging_not_to_stderr(capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> None:
    from rdkit import Chem

    import cephkg.chem  # noqa: F401  (routes the log on import)

    with caplog.at_level(logging.WARNING, logger="rdkit"):
        Chem.RemoveHs(Chem.MolFromSmiles("[H+]"))
    assert capfd.readouterr().err == ""
    assert {r.getMessage().split("] ", 1)[-1] for r in caplog.records if r.name == "rdkit"} == {
        "WARNING: not removing hydrogen atom without neighbors"}


def test_covers_prints_no_rdkit_line_in_the_middle_of_its_output(seed_store_dir: Path) -> None:
    """A bare proton made RDKit print '[hh:mm:ss] WARNING: not removing hydrogen atom…' on stderr."""
    salt = "Nc1nc(/C(=N/O)C(=O)NC2C(=O)N3C(C(=O)O)=C(C=C)CSC23)cs1.[H+]"
    result = subprocess.run([sys.executable, "-c", "from cephkg.cli import main; main()", "covers", salt,
                             "--store", str(seed_store_dir)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0
    assert result.stderr == ""
    assert result.stdout.startswith("query: C=CC1=C(C(=O)O)N2C(=O)C(NC(=O)/C(=N\\O)c3csc(N)n3)C2SC1.[H+]")


# -- the time budget -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def seed_store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("guard-store") / "store"
    with KnowledgeStore(folder) as store:
        assert not build([EXAMPLES], store).failed
    return folder


def test_a_2113_atom_compound_is_undecided_when_its_budget_is_spent(seed_store_dir: Path) -> None:
    """Before the budget, covers of this molecule ran for 140 s (and scales past minutes with size)."""
    with KnowledgeStore(seed_store_dir) as store:
        scopes = load_scopes(store).scopes
    result = covers(nested_cores(65), scopes, time_budget_s=1.0)
    assert result.undecided, "the budget of 1 s should leave claims undecided"
    decided = {(v.patent, v.claim) for v in (*result.hits, *result.near_misses) if not v.undecided}
    assert not decided & {(v.patent, v.claim) for v in result.undecided}
    for v in result.undecided:
        assert not v.ok and v.undecided and v.decision == "cannot decide"
        assert v.reasons == ("cannot decide: the time budget of 1 s for this compound was spent before this claim "
                             "was decided (limit coverage.time_budget_s)",)
    assert result.to_dict()["undecided"][0]["reasons"] == list(result.undecided[0].reasons)


def test_the_budget_does_not_change_ordinary_answers(seed_store_dir: Path) -> None:
    pivoxil = "Nc1nc(/C(=N/O)C(=O)NC2C(=O)N3C(C(=O)OCOC(=O)C(C)(C)C)=C(C=C)CSC23)cs1"
    with KnowledgeStore(seed_store_dir) as store:
        scopes = load_scopes(store).scopes
    result = covers(pivoxil, scopes)
    assert result.claims(ID_002) == [1, 2, 4, 11, 13] and result.undecided == ()
    assert result.to_dict()["undecided"] == []


def test_a_spent_budget_stops_rdkits_search_from_inside() -> None:
    """A search RDKit would run for ~14 s (a 2,000-carbon chain with its hydrogens, a 14-carbon query
    ending in an oxygen it never finds): the budget's atom-pair check refuses every pair once time is up."""
    from rdkit import Chem

    from cephkg.chem.coverage import _BudgetSpent, _matches

    class Counting(TimeBudget):
        refused = 0

        def atom_check(self, query_atom: Chem.Atom, atom: Chem.Atom) -> bool:
            ok = super().atom_check(query_atom, atom)
            Counting.refused += not ok
            return ok

    target = Chem.AddHs(Chem.MolFromSmiles("C" * 2000))
    query = Chem.MolFromSmarts("C([H])([H])" * 14 + "O")
    with pytest.raises(_BudgetSpent):
        _matches(target, query, Counting(0.05), chirality=False)
    assert Counting.refused > 0
    with pytest.raises(_BudgetSpent):  # spent before it starts: no search at all
        _matches(target, query, TimeBudget(0.0), chirality=False)
    chain = Chem.MolFromSmarts("[CH2]" * 12)
    assert len(_matches(target, chain, TimeBudget(60), chirality=False)) == int(limit("coverage.max_matches"))


def test_cli_covers_reports_undecided_claims(seed_store_dir: Path) -> None:
    result = CliRunner().invoke(main, ["covers", nested_cores(65), "--store", str(seed_store_dir),
                                       "--time-budget", "1", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["undecided"] and all(u["reasons"][0].startswith("cannot decide: the time budget of 1 s")
                                     for u in data["undecided"])
    assert "claim(s) left undecided: the time budget for this compound was spent" in result.stderr


def test_a_compound_too_large_to_read_is_refused_with_the_limit(seed_store_dir: Path) -> None:
    result = CliRunner().invoke(main, ["covers", "C" * 5000, "--store", str(seed_store_dir)])
    assert result.exit_code == 1
    assert ("error: compound 'CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC'... (5,000 characters) "
            "has 5,000 atoms; cephkg reads structures of at most 3,000 atoms (limit structure.max_atoms)") in result.stderr


def test_parse_compound_reads_large_structures_through_the_worker() -> None:
    assert parse_compound("C" * 600).GetNumAtoms() == 600


def test_a_sidecar_with_too_many_atoms_names_file_claim_formula_key_and_limit(tmp_path: Path) -> None:
    claims, side = tmp_path / "p.txt", tmp_path / "p.structures.toml"
    claims.write_text("1. A compound of the formula\n\nwherein R1 is amino.\n")
    side.write_text(f'[[structure]]\nclaim = 1\nformula = 1\nsmiles = "[*:1]{"C" * 4000}"\nvariables = {{ 1 = "R1" }}\n')
    with pytest.raises(StructureError) as err:
        load_structures(side, parse_file(claims))
    assert str(err.value) == (f"{side}: claim 1 formula 1: smiles has 4,001 atoms; cephkg reads structures of at most "
                              "3,000 atoms (limit structure.max_atoms)")
