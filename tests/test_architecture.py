"""The package's shape, checked by machine: one-way stages, one IRI minter, no private reach-ins."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from seeds import ROOT

SRC = ROOT / "src" / "cephkg"


def modules() -> list[tuple[str, Path, ast.Module]]:
    out = []
    for path in sorted(SRC.rglob("*.py")):
        name = ".".join(path.relative_to(SRC.parent).with_suffix("").parts).removesuffix(".__init__")
        out.append((name, path, ast.parse(path.read_text(encoding="utf-8"))))
    return out


def test_import_contracts_hold() -> None:
    """The layers and the no-cycle contracts of pyproject.toml (import-linter)."""
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint), "--config", str(ROOT / "pyproject.toml")], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 kept, 0 broken" in done.stdout


def test_every_stage_is_a_subpackage() -> None:
    packages = sorted(p.name for p in SRC.iterdir() if (p / "__init__.py").is_file())
    assert packages == ["chem", "cli", "model", "owl", "rdf", "reading", "report", "store"]
    top = sorted(p.name for p in SRC.glob("*.py"))
    # under the stages: errors, package data (resources, limits), whole-file writes (files)
    assert top == ["__init__.py", "errors.py", "files.py", "limits.py", "resources.py"]


def test_no_module_imports_a_private_name_of_another() -> None:
    offences = []
    for name, path, tree in modules():
        for node in ast.walk(tree):
            ours = isinstance(node, ast.ImportFrom) and (node.level > 0 or (node.module or "").startswith("cephkg"))
            if ours:
                offences += [f"{path.relative_to(ROOT)}:{node.lineno} imports {a.name} from {node.module}"
                             for a in node.names if a.name.startswith("_")]
    assert offences == []


def test_no_assert_for_control_flow() -> None:
    found = [f"{path.relative_to(ROOT)}:{node.lineno}" for _, path, tree in modules()
             for node in ast.walk(tree) if isinstance(node, ast.Assert)]
    assert found == []


def test_iris_are_minted_in_one_module() -> None:
    """Only rdf/iris.py (and the generated vocabulary) spell cephkg's IRIs."""
    allowed = {SRC / "rdf" / "iris.py", SRC / "rdf" / "vocab.py"}
    spelled = []
    for _, path, tree in modules():
        if path in allowed:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and "w3id.org/cephkg" in node.value:
                spelled.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert spelled == []


def test_every_error_cephkg_defines_derives_from_the_root() -> None:
    import cephkg.errors as errors

    classes = [getattr(errors, n) for n in errors.__all__ if isinstance(getattr(errors, n), type)
               and issubclass(getattr(errors, n), BaseException)]
    assert classes and all(issubclass(c, errors.CephkgError) for c in classes)
    defined_elsewhere = [f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"
                         for _, path, tree in modules() if path.name != "errors.py"
                         for node in ast.walk(tree) if isinstance(node, ast.ClassDef)
                         and any(isinstance(b, ast.Name) and b.id.endswith("Error") for b in node.bases)]
    # one, documented exception: the reasoner's error carries its report, so it lives beside it
    assert [d.split(":")[0] + " " + d.split(" ")[-1] for d in defined_elsewhere] == [
        "src/cephkg/owl/reason.py InconsistentGraphError"]
