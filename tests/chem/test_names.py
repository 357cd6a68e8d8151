"""Tests for cephkg.resolve: OPSIN batching, failure messages, the persistent cache."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rdkit import Chem
from rdkit.Chem import rdCIPLabeler

from cephkg.chem import names as resolve_mod
from cephkg.chem.names import NameCache, NameResolution, opsin_version, resolve_names
from cephkg.chem.standardise import apply_oxime_geometry, identifiers, standardise
from cephkg.errors import ResolutionError

CEFDINIR_NAME = "7-[2-(2-aminothiazol-4-yl)-2-hydroxyiminoacetamido]-3-vinyl-3-cephem-4-carboxylic acid"
CARBOXYLATE = "7-[2-(2-aminothiazol-4-yl)-2-hydroxyiminoacetamido]-3-vinyl-3-cephem-4-carboxylate"
ESTER_GROUPS = (
    "pivaloyloxymethyl",
    "1-ethoxycarbonyloxyethyl",
    "palmitoyloxymethyl",
    "phthalid-3-yl",
    "(5-methyl-2-oxo-1,3-dioxol-4-yl)methyl",
    "carboxymethyl",
    "tert-butoxycarbonylmethyl",
    "1-propionyloxyethyl",
)
SEED_NAMES = (CEFDINIR_NAME, *(f"{group} {CARBOXYLATE}" for group in ESTER_GROUPS))
#: Cefdinir drawn with its syn (Z) oxime and 6R only - the stereo OPSIN's "3-cephem" gives.
CEFDINIR_SYN_6R = "Nc1nc(/C(=N/O)C(=O)NC2C(=O)N3C(C(=O)O)=C(C=C)CS[C@H]23)cs1"
CEFDINIR_6R7R = "Nc1nc(/C(=N/O)C(=O)N[C@@H]2C(=O)N3C(C(=O)O)=C(C=C)CS[C@H]23)cs1"
CEFDINIR_INCHIKEY = "RTXOFQZKPXMALH-GHXIOONMSA-N"
GARBAGE = "flurbleglorp XYZZY"


def _is_opsin(command: Any) -> bool:
    return isinstance(command, list) and "-osmi" in command


@pytest.fixture
def opsin_calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Count the OPSIN processes started (one call = one JVM), with the names each was given."""
    real = subprocess.run
    calls: list[dict[str, Any]] = []

    def counting(command: Any, *args: Any, **kwargs: Any) -> Any:
        if _is_opsin(command):
            names_file = Path(command[-1])
            calls.append({"names": names_file.read_text(encoding="utf-8").splitlines(), "file": names_file,
                          "timeout": kwargs.get("timeout"), "command": command})
        return real(command, *args, **kwargs)

    monkeypatch.setattr(resolve_mod.subprocess, "run", counting)
    return calls


def _forbid_java(monkeypatch: pytest.MonkeyPatch) -> None:
    real = subprocess.run

    def boom(command: Any, *args: Any, **kwargs: Any) -> Any:
        if _is_opsin(command):
            raise AssertionError("OPSIN must not be started")
        return real(command, *args, **kwargs)

    monkeypatch.setattr(resolve_mod.subprocess, "run", boom)
    monkeypatch.setattr(resolve_mod.shutil, "which", lambda _name: None)


def _fake_opsin(output: list[str] | None, stderr: str, returncode: int = 0) -> Callable[..., Any]:
    """An OPSIN process stand-in: one stdout line per name (empty when it failed), stderr as given."""

    def fake(command: Any, *args: Any, **kwargs: Any) -> Any:
        stdout = "".join(line + "\n" for line in output or [])
        return subprocess.CompletedProcess(command, returncode, stdout.encode(), stderr.encode())

    return fake


def _oxime_cip(mol: Chem.Mol) -> list[str]:
    mol = Chem.Mol(mol)
    rdCIPLabeler.AssignCIPLabels(mol)
    return [b.GetProp("_CIPCode") for b in mol.GetBonds()
            if b.HasProp("_CIPCode") and {b.GetBeginAtom().GetSymbol(), b.GetEndAtom().GetSymbol()} == {"C", "N"}]


def test_opsin_version_read_from_bundled_jar() -> None:
    assert opsin_version() == "2.9.0"


@pytest.mark.java
def test_cefdinir_name_with_syn_is_cefdinir(tmp_path: Path) -> None:
    res = resolve_names([CEFDINIR_NAME], NameCache(tmp_path / "opsin-cache.json"))[CEFDINIR_NAME]
    assert res.status == "ok" and res.smiles and res.message == "" and res.opsin_version == "2.9.0"
    mol = Chem.MolFromSmiles(res.smiles)
    geo = apply_oxime_geometry(mol, "syn")
    assert (geo.sites, geo.changed, geo.conflicts) == (1, 1, ())
    assert _oxime_cip(geo.mol) == ["Z"]

    # The reference: syn oxime is Z (checked, not assumed), and with 6R,7R it is cefdinir.
    expected = Chem.MolFromSmiles(CEFDINIR_SYN_6R)
    assert _oxime_cip(expected) == ["Z"]
    assert identifiers(Chem.MolFromSmiles(CEFDINIR_6R7R))[2] == CEFDINIR_INCHIKEY
    got = standardise(geo.mol)
    assert got.parent_inchikey == identifiers(expected)[2]
    assert got.parent_inchikey is not None and got.parent_inchikey.split("-")[0] == CEFDINIR_INCHIKEY.split("-", maxsplit=1)[0]
    assert got.salt_form is None


@pytest.mark.java
def test_seed_names_resolve_in_one_jvm_call(tmp_path: Path, opsin_calls: list[dict[str, Any]],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    results = resolve_names(SEED_NAMES, NameCache(tmp_path / "store" / "opsin-cache.json"))

    assert len(opsin_calls) == 1
    assert opsin_calls[0]["names"] == list(SEED_NAMES)
    assert opsin_calls[0]["timeout"] == 120  # limit names.opsin_timeout_s: Java never hangs a command
    tmp_input = opsin_calls[0]["file"]
    assert tmp_input.parent != workdir and not tmp_input.exists()
    assert list(workdir.iterdir()) == []  # the names file did not land in the CWD

    assert list(results) == list(SEED_NAMES)
    acid_key = identifiers(Chem.MolFromSmiles(results[CEFDINIR_NAME].smiles or ""))[2]
    core = Chem.MolFromSmarts("Nc1nc(C(=NO)C(=O)NC2C(=O)N3C(C(=O)O*)=C(C=C)CSC23)cs1")
    keys = {acid_key}
    for name in SEED_NAMES[1:]:
        res = results[name]
        assert res.status == "ok", res.message
        mol = Chem.MolFromSmiles(res.smiles or "")
        assert mol is not None and mol.HasSubstructMatch(core), name
        keys.add(identifiers(mol)[2])
    assert len(keys) == len(SEED_NAMES)  # nine distinct compounds


@pytest.mark.java
def test_garbage_name_fails_with_opsin_message_and_is_cached(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    cache_path = tmp_path / "opsin-cache.json"
    names = ["ethanol", GARBAGE, "benzoic acid", "zorblax acid"]
    first = resolve_names(names, NameCache(cache_path))
    assert first["ethanol"].status == "ok" and first["benzoic acid"].status == "ok"
    assert first[GARBAGE] == NameResolution(GARBAGE, "failed", None, first[GARBAGE].message, "2.9.0")
    assert GARBAGE in first[GARBAGE].message and "unparsable" in first[GARBAGE].message
    assert "zorblax" in first["zorblax acid"].message and GARBAGE not in first["zorblax acid"].message

    _forbid_java(monkeypatch)  # no Java at all: everything must come from the file
    second = resolve_names(names, NameCache(cache_path))
    assert second == first


def test_missing_java_raises(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(resolve_mod.shutil, "which", lambda _name: None)
    with pytest.raises(ResolutionError, match="Java runtime not found; run scripts/setup.sh"):
        resolve_names(["ethanol"], NameCache(tmp_path / "c.json"))


def test_blank_names_need_no_java(monkeypatch: pytest.MonkeyPatch) -> None:
    _forbid_java(monkeypatch)
    out = resolve_names(["", "  "])
    assert [r.status for r in out.values()] == ["failed", "failed"]


def test_messages_follow_failed_names(monkeypatch: pytest.MonkeyPatch) -> None:
    stderr = "foo is unparsable due to X\nCannot find in scope fragment with atom with locant alpha.\n"
    monkeypatch.setattr(resolve_mod.subprocess, "run", _fake_opsin(["C", "", "CC", ""], stderr))
    out = resolve_names(["methane", "foo", "ethane", "α-bar"])
    assert out["foo"].message == "foo is unparsable due to X"
    assert out["α-bar"].message.startswith("Cannot find in scope")
    assert out["ethane"].smiles == "CC" and out["ethane"].message == ""


def test_unpaired_messages_matched_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    stderr = "Picked up JAVA_TOOL_OPTIONS: -Xmx1g\nsome log line\nfoo is unparsable due to X\n"
    monkeypatch.setattr(resolve_mod.subprocess, "run", _fake_opsin(["", "C"], stderr))
    assert resolve_names(["foo", "methane"])["foo"].message == "foo is unparsable due to X"


def test_opsin_crash_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resolve_mod.subprocess, "run", _fake_opsin(None, "Exception in thread main\n", 1))
    with pytest.raises(ResolutionError, match="OPSIN exited with status 1 and 0 answers for 1 names: Exception in thread main"):
        resolve_names(["methane"])


def test_a_java_that_never_answers_fails_the_batch_naming_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    def stuck(command: Any, *args: Any, **kwargs: Any) -> Any:
        raise subprocess.TimeoutExpired(command, kwargs["timeout"])

    monkeypatch.setattr(resolve_mod.subprocess, "run", stuck)
    with pytest.raises(ResolutionError, match=r"OPSIN did not answer within 120 s for 2 names "
                                              r"\(limit names.opsin_timeout_s\); the first: 'methane'"):
        resolve_names(["methane", "ethane"])


@pytest.mark.java
def test_more_names_than_a_batch_take_several_bounded_processes(tmp_path: Path, opsin_calls: list[dict[str, Any]],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resolve_mod, "limit", lambda name: 2 if name == "names.opsin_batch_names" else 120)
    names = ["methane", "ethane", "propane", GARBAGE, "butane"]
    out = resolve_names(names, NameCache(tmp_path / "c.json"))
    assert [call["names"] for call in opsin_calls] == [["methane", "ethane"], ["propane", GARBAGE], ["butane"]]
    assert [out[n].smiles for n in names] == ["C", "CC", "CCC", None, "CCCC"]
    assert GARBAGE in out[GARBAGE].message


def test_cache_is_keyed_by_opsin_version(tmp_path: Path) -> None:
    cache = NameCache(tmp_path / "c.json")
    cache.put([NameResolution("ethanol", "ok", "CCO", "", "2.9.0")])
    reopened = NameCache(tmp_path / "c.json")
    assert reopened.get("ethanol", "2.9.0") == NameResolution("ethanol", "ok", "CCO", "", "2.9.0")
    assert reopened.get("ethanol", "2.10.0") is None


def test_cache_survives_interrupted_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "store" / "opsin-cache.json"
    cache = NameCache(path)
    cache.put([NameResolution("ethanol", "ok", "CCO", "", "2.9.0")])
    before = path.read_bytes()

    def crash(_fd: int) -> None:
        raise KeyboardInterrupt  # as if the process died after a partial write

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(KeyboardInterrupt):
        cache.put([NameResolution("x" * 10_000, "failed", None, "nope", "2.9.0")])
    monkeypatch.undo()

    assert path.read_bytes() == before
    assert json.loads(before)["entries"]["2.9.0"]["ethanol"]["smiles"] == "CCO"
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp file left
    assert NameCache(path).get("ethanol", "2.9.0") is not None


def test_cache_merges_concurrent_writers(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    a, b = NameCache(path), NameCache(path)
    a.put([NameResolution("ethanol", "ok", "CCO", "", "2.9.0")])
    b.put([NameResolution("methane", "ok", "C", "", "2.9.0")])
    reopened = NameCache(path)
    assert len(reopened) == 2


def test_unreadable_cache_starts_empty(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.warns(RuntimeWarning, match="unreadable"):
        cache = NameCache(path)
    assert len(cache) == 0
    cache.put([NameResolution("ethanol", "ok", "CCO", "", "2.9.0")])
    assert NameCache(path).get("ethanol", "2.9.0") is not None
