"""Drawn generic structures in the formats chemists export: molfiles, SD files, CXSMILES.

A user who has the formula drawing gives it as

* an MDL molfile or SD file (first record), V2000 or V3000, whose variables are R-group
  atoms (``R#`` with ``M  RGP`` / V3000 ``RGROUPS=(1 n)``: R number *n*) or atoms with an alias
  (``A  <atom>`` then ``R1``, ``R2a``, ``Y``...: the alias is the variable's name);
* a CXSMILES whose variables are ``*`` atoms labelled ``_R1`` (ChemAxon's R-group labels) or
  ``R1`` in the ``$…$`` atom-label block, or atom-mapped ``[*:n]`` with a ``variables`` table.

A labelled atom that is not a dummy is a ring-atom variable (``Y`` on the CH that may also be
N); an atom list drawn there (molfile ``M  ALS``, V3000 ``[C,N]``) gives its elements.
:func:`read_drawn` turns either into the text the sidecar format uses (SMILES, or SMARTS when
there are atom lists) with one map number per variable; the stereo drawn (wedges, double-bond
geometry) is kept as a constraint, what is not drawn is left open.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from rdkit import Chem
from rdkit.rdBase import BlockLogs

from ..errors import StructureError

__all__ = ["Drawn", "parse_cxsmiles", "read_drawn", "to_cxsmiles"]

_VARIABLE = re.compile(r"^(?:[A-Z][a-z]?\d*[a-z]?'*|R#?\d+[a-z]?)$")
_MOL_SUFFIXES = (".mol", ".sdf", ".sd", ".mdl")


@dataclass(frozen=True, slots=True)
class Drawn:
    """A drawn structure as sidecar text: SMILES/SMARTS with ``[*:n]``, map number -> variable."""

    text: str
    is_smarts: bool
    variables: tuple[tuple[int, str], ...]
    source: str


def read_drawn(path: str | Path, variables: Mapping[int, str] | None = None,
               atoms: Mapping[int, str] | None = None) -> Drawn:
    """Read a molfile, SD file (its first record) or CXSMILES file; raises :class:`StructureError`.

    ``variables`` names R numbers / map numbers (default: R number *n* is ``Rn``); ``atoms`` names
    atoms by their number in the file (an atom list drawn without a label)."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8", errors="strict")
    except (OSError, UnicodeDecodeError) as exc:
        raise StructureError(f"{path}: cannot read the drawn structure: {exc}") from exc
    if path.suffix.lower() in _MOL_SUFFIXES or "M  END" in raw:
        block = raw.split("$$$$")[0]
        with BlockLogs():
            mol = Chem.MolFromMolBlock(block, sanitize=True, removeHs=False, strictParsing=False)
        if mol is None:
            raise StructureError(f"{path}: not a molfile RDKit can read")
        return _drawn(mol, variables or {}, atoms or {}, str(path))
    return parse_cxsmiles(raw.strip().splitlines()[0] if raw.strip() else "", variables, str(path), atoms)


def parse_cxsmiles(text: str, variables: Mapping[int, str] | None = None, source: str = "<cxsmiles>",
                   atoms: Mapping[int, str] | None = None) -> Drawn:
    """A CXSMILES with R-group labels (``*`` labelled ``_R1`` or ``R1``) or mapped ``[*:n]``."""
    params = Chem.SmilesParserParams()
    params.removeHs = False  # type: ignore[assignment]  # RDKit's stub types the flag wrongly
    with BlockLogs():
        mol = Chem.MolFromSmiles(text, params) if text else None
    if mol is None:
        raise StructureError(f"{source}: {text!r} is not a (CX)SMILES RDKit can read")
    return _drawn(mol, variables or {}, atoms or {}, source)


def _name(atom: Chem.Atom, variables: Mapping[int, str], atoms: Mapping[int, str]) -> str | None:
    """The variable an atom stands for: its R label, alias, CXSMILES label, map number, or
    the name the sidecar gives its atom number (``atoms``: for an unlabelled atom list)."""
    if atom.GetIdx() + 1 in atoms:
        return atoms[atom.GetIdx() + 1]
    if atom.HasProp("_MolFileRLabel"):
        n = atom.GetIntProp("_MolFileRLabel")
        return variables.get(n, f"R{n}")
    for prop in ("molFileAlias", "atomLabel", "dummyLabel"):
        if atom.HasProp(prop):
            label = str(atom.GetProp(prop)).strip().lstrip("_")
            if _VARIABLE.match(label) and label != "*":
                return label.replace("#", "")
    k = atom.GetAtomMapNum()
    if k and k in variables:
        return variables[k]
    return None


def _is_list(atom: Chem.Atom) -> bool:
    return atom.HasQuery() and "," in atom.GetSmarts()


def _elements(atom: Chem.Atom) -> list[int]:
    """The elements an atom (or an atom-list query atom) allows, drawn element first."""
    found = [atom.GetAtomicNum()]
    if atom.HasQuery():
        found += [int(n) for n in re.findall(r"#(\d+)", atom.GetSmarts())]
        found += [Chem.GetPeriodicTable().GetAtomicNumber(s.capitalize())
                  for s in re.findall(r"(?<![#\w])([A-Z][a-z]?|[cnos])(?=[,;\]])", atom.GetSmarts())]
    return [e for e in dict.fromkeys(found) if e > 0]


def _drawn(mol: Chem.Mol, variables: Mapping[int, str], atoms: Mapping[int, str], source: str) -> Drawn:
    numbers: dict[str, int] = {}
    lists: dict[int, list[int]] = {}
    rw = Chem.RWMol(mol)
    for atom in rw.GetAtoms():
        name = _name(atom, variables, atoms)
        atom.SetAtomMapNum(0)
        if name is None:
            if atom.GetAtomicNum() == 0 and not _is_list(atom):
                raise StructureError(f"{source}: atom {atom.GetIdx() + 1} is an R-group or '*' atom without a "
                                     "variable name (give it an R number, an alias or a label)")
            continue
        k = numbers.setdefault(name, len(numbers) + 1)
        atom.SetAtomMapNum(k)
        if atom.GetAtomicNum() == 0 and not _is_list(atom):
            atom.SetIsotope(0)
            if atom.GetDegree() != 1:
                raise StructureError(f"{source}: variable {name} must have exactly one neighbour")
        else:
            lists[k] = _elements(atom)
    if not numbers:
        raise StructureError(f"{source}: the structure has no variable (no R-group atom or labelled atom)")
    for k in lists:  # plain atoms, so the SMILES writer keeps stereo; the lists go back in below
        atom = next(a for a in rw.GetAtoms() if a.GetAtomMapNum() == k)
        if atom.HasQuery():
            plain = Chem.Atom(lists[k][0])
            plain.SetIsAromatic(atom.GetIsAromatic())
            plain.SetAtomMapNum(k)
            rw.ReplaceAtom(atom.GetIdx(), plain)
    plain_mol = rw.GetMol()
    with BlockLogs():
        plain_mol.UpdatePropertyCache(strict=False)
        smiles = Chem.MolToSmiles(Chem.RemoveHs(plain_mol, sanitize=False))
    table = Chem.GetPeriodicTable()

    def atom_list(m: re.Match[str]) -> str:
        k = int(m.group(3))
        elements = lists.get(k)
        if elements is None or (len(elements) == 1 and not m.group(2)):
            return m.group(0)
        aromatic = m.group(1).islower()
        symbols = [table.GetElementSymbol(e) for e in elements]
        return "[" + ",".join(s.lower() if aromatic else s for s in symbols) + f":{k}]"

    is_smarts = any(len(v) > 1 for v in lists.values())
    text = re.sub(r"\[([A-Za-z][a-z]?)(H\d*)?:(\d+)\]", atom_list, smiles) if is_smarts else smiles
    return Drawn(text, is_smarts, tuple(sorted((k, n) for n, k in numbers.items())), source)


class _Structure(Protocol):
    """What :func:`to_cxsmiles` needs of a :class:`~cephkg.chem.structures.GenericStructure`."""

    @property
    def text(self) -> str: ...
    @property
    def is_smarts(self) -> bool: ...
    @property
    def variable_map(self) -> dict[int, str]: ...
    @property
    def reference(self) -> Chem.Mol: ...


def to_cxsmiles(structure: _Structure) -> str:
    """The structure as CXSMILES with each variable's name as its label (``_R1`` for R groups)."""
    names = structure.variable_map
    with BlockLogs():
        parsed: Chem.Mol | None = Chem.MolFromSmiles(structure.text) if not structure.is_smarts else structure.reference
    if parsed is None:
        return structure.text
    mol = Chem.Mol(parsed)
    labelled = False
    for atom in mol.GetAtoms():
        k = atom.GetAtomMapNum()
        if k and k in names:
            atom.SetProp("atomLabel", f"_{names[k]}" if atom.GetAtomicNum() == 0 else names[k])
            atom.SetAtomMapNum(0)
            labelled = True
    if not labelled:
        return structure.text
    flags = Chem.CXSmilesFields.CX_ATOM_LABELS
    text: str = Chem.MolToCXSmiles(mol, Chem.SmilesWriteParams(), flags)
    return text
