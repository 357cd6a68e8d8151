"""Structure pictures: RDKit's SVG drawer, made safe to inline in a page.

Every picture is an ``<svg>`` of a fixed size in pixels with no external reference (no
fonts, images or scripts: RDKit draws its letters as paths), so a report works opened
from disk. Labels that come from claim text (variable names) are reduced to letters,
digits and primes before RDKit sees them, and the drawer's output is checked to be one
``<svg>`` element, so claim text can never inject markup through a picture.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from markupsafe import Markup, escape
from rdkit import Chem
from rdkit.Chem import rdDepictor
from rdkit.Chem.Draw import rdMolDraw2D
from rdkit.rdBase import BlockLogs

__all__ = ["CORE_COLOUR", "FAIL_COLOUR", "PALETTE", "Highlight", "Picture", "draw_molecule", "draw_structure",
           "hex_colour", "variable_label"]

RGB = tuple[float, float, float]

#: R-group colours (light, distinguishable, dark text stays readable on them).
PALETTE: tuple[RGB, ...] = (
    (0.98, 0.75, 0.45),  # orange
    (0.62, 0.85, 0.55),  # green
    (0.80, 0.70, 0.95),  # violet
    (0.99, 0.85, 0.35),  # yellow
    (0.55, 0.85, 0.90),  # cyan
    (0.95, 0.70, 0.80),  # pink
)
#: The generic structure's core atoms in a coverage picture.
CORE_COLOUR: RGB = (0.78, 0.84, 0.95)
#: The group whose constraint failed (near misses).
FAIL_COLOUR: RGB = (1.0, 0.55, 0.55)

_SAFE_LABEL = re.compile(r"^([A-Za-z]{1,3})(\d{0,3})([A-Za-z']{0,3})$")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>\s*")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_FORBIDDEN = re.compile(r"<\s*(script|foreignObject|image|use|a)\b|\bon[a-z]+\s*=|href\s*=", re.I)


def hex_colour(rgb: RGB) -> str:
    """The colour as RDKit writes it into its SVG (it truncates each channel)."""
    return "#" + "".join(f"{int(c * 255):02X}" for c in rgb)


def variable_label(name: str) -> str:
    """RDKit label markup for a variable name: ``R2a`` → ``R<sub>2a</sub>``; anything else is reduced."""
    m = _SAFE_LABEL.match(name)
    if m is None:
        name = re.sub(r"[^A-Za-z0-9']", "", name)[:6] or "R"
        m = _SAFE_LABEL.match(name)
        if m is None:
            return "R"
    head, digits, tail = m.groups()
    return head + (f"<sub>{digits}{tail}</sub>" if digits or tail else "")


@dataclass(frozen=True, slots=True)
class Highlight:
    """Atoms (and the bonds between them) to fill with one colour."""

    atoms: tuple[int, ...]
    colour: RGB
    bonds: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Picture:
    """An inline SVG, or why there is none."""

    svg: Markup | None
    width: int
    height: int
    failure: str | None = None
    atoms: int = 0
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.svg is not None


def _finish(drawer: rdMolDraw2D.MolDraw2DSVG, title: str, width: int, height: int) -> Markup:
    drawer.FinishDrawing()
    text = _COMMENT.sub("", _XML_DECL.sub("", drawer.GetDrawingText())).strip()
    if not text.startswith("<svg") or text.count("<svg") != 1 or _FORBIDDEN.search(text):
        raise ValueError("the drawer produced unexpected markup")
    head = f"<svg class='mol' role='img' aria-label='{escape(title)}' data-width='{width}' data-height='{height}'"
    return Markup(head + text[len("<svg"):])


def _drawer(width: int, height: int) -> rdMolDraw2D.MolDraw2DSVG:
    drawer = rdMolDraw2D.MolDraw2DSVG(width, height)
    # a fixed bond length keeps small molecules (a thioamide, zinc) at the scale of the others
    _set(drawer.drawOptions(), clearBackground=True, addStereoAnnotation=False, padding=0.08, fixedFontSize=-1,
         minFontSize=11, fixedBondLength=min(30.0, width / 12))
    return drawer


def _parse(smiles: str, *, sanitize: bool = True) -> Chem.Mol | None:
    """RDKit's parser, typed as it behaves (its stubs promise a molecule even when it fails)."""
    mol: Chem.Mol | None = Chem.MolFromSmiles(smiles, sanitize=sanitize)
    return mol


def _set(options: rdMolDraw2D.MolDrawOptions, **values: object) -> None:
    """Set drawing options (RDKit's stubs type every option as the options object itself)."""
    for name, value in values.items():
        setattr(options, name, value)


def _coordinates(mol: Chem.Mol) -> None:
    rdDepictor.SetPreferCoordGen(True)
    rdDepictor.Compute2DCoords(mol)


def draw_structure(text: str, is_smarts: bool, variables: Mapping[int, str], *, title: str,
                   width: int = 380, height: int = 270) -> Picture:
    """A generic structure: each atom-mapped variable drawn with its name (``R1``, ``Y``).

    A SMARTS atom list (``[c,n:9]``) is drawn as its first element, labelled with the variable.
    """
    source = re.sub(r"\[([A-Za-z][a-z]?)(?:,[A-Za-z][a-z]?)+(:\d+)?\]", lambda m: f"[{m.group(1)}{m.group(2) or ''}]",
                    text) if is_smarts else text
    with BlockLogs():
        mol = _parse(source)
        if mol is None:
            mol = _parse(source, sanitize=False)
            if mol is not None:
                try:
                    mol.UpdatePropertyCache(strict=False)
                    Chem.SetAromaticity(mol)
                except Exception:
                    mol = None
    if mol is None:
        return Picture(None, width, height, f"{'SMARTS' if is_smarts else 'SMILES'} {text!r} cannot be drawn")
    labels: dict[int, str] = {}
    for atom in mol.GetAtoms():
        k = atom.GetAtomMapNum()
        if k:
            labels[atom.GetIdx()] = variable_label(variables.get(k, f"R{k}"))
            atom.SetAtomMapNum(0)
    try:
        with BlockLogs():
            _coordinates(mol)
            drawer = _drawer(width, height)
            for idx, label in labels.items():
                drawer.drawOptions().atomLabels[idx] = label
            drawer.DrawMolecule(mol)
            svg = _finish(drawer, title, width, height)
    except Exception as exc:  # RDKit raises its own exception types
        return Picture(None, width, height, f"RDKit could not draw it: {exc}")
    return Picture(svg, width, height, atoms=mol.GetNumAtoms())


def draw_molecule(smiles_or_mol: str | Chem.Mol, *, title: str, highlights: Sequence[Highlight] = (),
                  width: int = 420, height: int = 300) -> Picture:
    """A compound, with groups of atoms filled in colours (a later highlight wins on an atom)."""
    with BlockLogs():
        mol = _parse(smiles_or_mol) if isinstance(smiles_or_mol, str) else Chem.Mol(smiles_or_mol)
    if mol is None:
        return Picture(None, width, height, f"{smiles_or_mol!r} cannot be drawn")
    atom_colours: dict[int, RGB] = {}
    bond_colours: dict[int, RGB] = {}
    for h in highlights:
        for a in h.atoms:
            if a < mol.GetNumAtoms():
                atom_colours[a] = h.colour
        chosen = set(h.atoms)
        for bond in mol.GetBonds():
            if bond.GetBeginAtomIdx() in chosen and bond.GetEndAtomIdx() in chosen:
                bond_colours[bond.GetIdx()] = h.colour
        for b in h.bonds:
            if b < mol.GetNumBonds():
                bond_colours[b] = h.colour
    try:
        with BlockLogs():
            for atom in mol.GetAtoms():
                atom.SetAtomMapNum(0)
            _coordinates(mol)
            drawer = _drawer(width, height)
            _set(drawer.drawOptions(), fillHighlights=True, continuousHighlight=True)
            drawer.DrawMolecule(mol, highlightAtoms=list(atom_colours), highlightAtomColors=atom_colours,
                                highlightBonds=list(bond_colours), highlightBondColors=bond_colours)
            svg = _finish(drawer, title, width, height)
    except Exception as exc:
        return Picture(None, width, height, f"RDKit could not draw it: {exc}")
    return Picture(svg, width, height, atoms=mol.GetNumAtoms())
