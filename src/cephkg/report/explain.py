"""Coverage explained on the drawing: which atoms of the query are the core, which are R2.

A verdict says which substituent each variable took (``assignment``: variable → fragment
SMILES and the group term it satisfied) and which structure matched (``"claim 1 formula
1"``). To colour the query, the structure is matched onto the query again (the same
substructure search coverage made, on the query with explicit hydrogens) and each
variable's atoms are the part of the query the structure's dummy atom reaches without
crossing the core. Of several matches, the one whose groups have the elements of the
verdict's fragments is taken, so the colours show what the verdict decided.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from rdkit import Chem
from rdkit.rdBase import BlockLogs

from ..chem.coverage import Target
from ..chem.structures import GenericStructure
from .structures import StructureView

__all__ = ["Located", "Region", "as_generic", "failing_variable", "locate"]

_POSITION = re.compile(r"at position (\d+) of the generic structure")


@dataclass(frozen=True, slots=True)
class Region:
    """The atoms of the query one variable of the structure took (heavy atoms, parent numbering)."""

    label: str          # "R2", or "R2#2" for a variable's second place, as in the verdict
    variable: str
    atoms: tuple[int, ...]
    bond: int | None    # the bond from the core to the group, when the group has heavy atoms
    hydrogen: bool      # the group is a hydrogen atom (nothing to colour)


@dataclass(frozen=True, slots=True)
class Located:
    core: tuple[int, ...]
    regions: tuple[Region, ...]
    marked: tuple[int, ...]  # core atoms a reason points at ("the C at position 12 …")


def as_generic(view: StructureView) -> GenericStructure:
    if view.source is not None:
        return view.source
    return GenericStructure(view.claim, view.formula, view.label, view.text, view.is_smarts, view.variables,
                            view.curated, view.inferred, view.note)


def _is_dummy(atom: Chem.Atom, structure: GenericStructure) -> bool:
    if not atom.GetAtomMapNum():
        return False
    if structure.is_smarts:
        return bool(structure.reference.GetAtomWithIdx(atom.GetIdx()).GetAtomicNum() == 0)
    return bool(atom.GetAtomicNum() == 0)


def _elements(smiles: str) -> Counter[str] | None:
    with BlockLogs():
        mol: Chem.Mol | None = Chem.MolFromSmiles(smiles)
        if mol is None:
            raw: Chem.Mol | None = Chem.MolFromSmiles(smiles, sanitize=False)
            if raw is None:
                return None
            mol = raw
        else:
            mol = Chem.AddHs(mol)
    return Counter(a.GetSymbol() for a in mol.GetAtoms() if a.GetAtomicNum() != 0)


def _reach(mol: Chem.Mol, root: int, core: set[int]) -> set[int]:
    seen = {root}
    todo = [root]
    while todo:
        i = todo.pop()
        for nb in mol.GetAtomWithIdx(i).GetNeighbors():
            j = nb.GetIdx()
            if j not in core and j not in seen:
                seen.add(j)
                todo.append(j)
    return seen


def locate(view: StructureView, target: Target, assignment: Mapping[str, Mapping[str, str]],
           reasons: tuple[str, ...] = ()) -> Located | None:
    """The core and each variable's atoms in ``target.parent``; None when the structure does not match."""
    structure = as_generic(view)
    try:
        query: Chem.Mol | None = structure.query
    except Exception:
        return None
    if query is None:
        return None
    explicit = target.explicit
    heavy = target.parent.GetNumAtoms()
    with BlockLogs():
        matches = explicit.GetSubstructMatches(query, uniquify=False, useChirality=False, maxMatches=2000)
    if not matches:
        return None
    names = structure.variable_map
    wanted = {label: _elements(str(a.get("fragment", ""))) for label, a in assignment.items()}
    best: tuple[int, Located] | None = None
    for match in matches:
        core = {match[a.GetIdx()] for a in query.GetAtoms() if not _is_dummy(a, structure)}
        regions: list[Region] = []
        counts: dict[str, int] = {}
        score = 0
        for atom in query.GetAtoms():
            k = atom.GetAtomMapNum()
            if not k:
                continue
            var = names.get(k, f"R{k}")
            counts[var] = counts.get(var, 0) + 1
            label = var if counts[var] == 1 else f"{var}#{counts[var]}"
            t = match[atom.GetIdx()]
            if _is_dummy(atom, structure):
                atoms = _reach(explicit, t, core)
                found = Counter(explicit.GetAtomWithIdx(i).GetSymbol() for i in atoms)
                anchor = match[atom.GetNeighbors()[0].GetIdx()] if atom.GetDegree() else None
                bond = explicit.GetBondBetweenAtoms(anchor, t) if anchor is not None and t < heavy else None
                regions.append(Region(label, var, tuple(sorted(i for i in atoms if i < heavy)),
                                      bond.GetIdx() if bond is not None and bond.GetIdx() < target.parent.GetNumBonds()
                                      else None, t >= heavy))
            else:
                found = Counter([explicit.GetAtomWithIdx(t).GetSymbol()])
                regions.append(Region(label, var, (t,), None, False))
            expected = wanted.get(label)
            if expected is not None:
                if not _is_dummy(atom, structure):  # a ring atom: its element, not its hydrogens
                    expected = Counter({s: n for s, n in expected.items() if s != "H"})
                    found = Counter({s: n for s, n in found.items() if s != "H"})
                score += 1 if found == expected else 0
        marked = tuple(match[int(m.group(1)) - 1] for r in reasons[:1] for m in _POSITION.finditer(r)
                       if 0 < int(m.group(1)) <= len(match) and match[int(m.group(1)) - 1] < heavy)
        located = Located(tuple(sorted(i for i in core if i < heavy)), tuple(regions), marked)
        if best is None or score > best[0]:
            best = (score, located)
        if score == len(wanted):
            break
    return best[1] if best is not None else None


def failing_variable(located: Located, assignment: Mapping[str, object], reasons: tuple[str, ...]) -> str | None:
    """The place whose constraint failed: the first not decided, when the first reason names it.

    Coverage decides the variables in the structure's atom order and stops at the first
    failure, so the failing one is the first without an assignment; it is only marked when
    the reason is about it (``"R2 = … is not …"``, ``"R2 has no definition …"``).
    """
    first = reasons[0] if reasons else ""
    for region in located.regions:
        if region.label in assignment:
            continue
        if first.startswith((region.variable + " ", region.label + " ")):
            return region.label
        return None
    return None
