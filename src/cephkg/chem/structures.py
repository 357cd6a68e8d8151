"""Generic (Markush) structures for the formula images OCR lost: the sidecar file.

A claims file ``<stem>.txt`` may have a sidecar ``<stem>.structures.toml`` next to it::

    patent = "002_90b12462b97cb7e0"     # optional; must equal the claims file's patent id
    curated = true                     # default for every structure below

    [conventions]                      # optional per-patent size words (Vocabulary.load)
    lower = [1, 6]
    higher = [7, 20]

    [[structure]]
    claim = 1                          # claim number
    formula = 1                        # the formula's position in the claim, from 1 ...
    # label = "A"                      # ... or its label ("formula A", "formula (I)") ...
    # placeholder = "##STR12##"        # ... or the placeholder the text leaves for it ...
    # image = 3                        # ... or the n-th placeholder of the patent (<IMG> 3)
    smiles = "C=CC1=C([*:2])N2C(=O)C(NC(=O)/C(=N\\O)c3csc([*:1])n3)C2SC1"
    # smarts = "...[c,n:9]..."         # instead of smiles when the structure has atom lists
    # file = "claim1.mol"              # instead: a drawn molfile / SD file / CXSMILES file
    # cxsmiles = "*c1ccccc1 |$_R1;;;;;;$|"   # instead: the drawing as CXSMILES with R labels
    # atoms = { 36 = "Y" }             # with file: names an atom list drawn without a label
    variables = { 1 = "R1", 2 = "R2" } # map number -> the claim's variable name
    curated = true                     # drawn by a person, not read from the patent
    inferred = false                   # true: not drawn in the patent either; deduced
    note = "why the structure is what it is"

A drawn structure (``file``, ``cxsmiles``; see :mod:`cephkg.chem.drawn`) names its variables
itself (``R#`` atoms with ``M  RGP``, atom aliases, ``_R1`` labels); ``variables`` then maps
R numbers to names when they differ. Its file is read when the sidecar is read, so the store
keeps the structure after the file is gone.

Variables are atom-mapped dummy atoms ``[*:n]`` (a substituent: the dummy's neighbour is
the core atom it hangs on) or mapped ring atoms such as ``[c,n:9]`` ("Y is CH or
nitrogen": the atom itself is the variable). Written stereo (``/C(=N\\O)`` for a syn oxime,
``@``) is a constraint; what is left open matches any stereo. Every mapped variable must
be one the claim (its formulas, or a claim it depends on) defines; :func:`load_structures`
checks that, and that map numbers and the variables table agree, and raises
:class:`StructureError` naming the file, claim and formula otherwise.

A structure is measured before RDKit reads it (``structure.max_smiles_chars`` and
``structure.max_atoms`` in ``cephkg/data/limits.toml``), and one larger than
``structure.isolate_above_atoms`` is first read in a worker process
(:mod:`cephkg.chem.guard`): a structure RDKit cannot read safely fails its own file,
with a message naming the file, the claim, the formula and the key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from rdkit import Chem
from rdkit.rdBase import BlockLogs

from ..errors import DataFileError, ResolutionError, StructureError
from ..model import Claim, Formula, Patent
from ..resources import load_toml_file
from .guard import check_size, first_reason, needs_isolation, rdkit_messages, run_isolated

__all__ = [
    "GenericStructure",
    "StructureError",
    "StructureFile",
    "effective_structures",
    "load_structures",
    "parse_structures",
    "probe_structure",
    "read_sidecar",
    "sidecar_path",
    "structure_query",
    "structures_for",
]

SUFFIX = ".structures.toml"
_ATOM_LIST = re.compile(r"\[([A-Za-z][a-z]?)(?:,[A-Za-z][a-z]?)+(:\d+)?\]")


@dataclass(frozen=True, slots=True)
class GenericStructure:
    """One curated structure of one formula of one claim."""

    claim: int
    formula: int
    label: str | None
    text: str
    is_smarts: bool
    variables: tuple[tuple[int, str], ...]
    curated: bool
    inferred: bool
    note: str
    #: where the structure comes from: "sidecar" (written in a sidecar), "drawn" (a molfile or
    #: CXSMILES file a sidecar points at) or "inference" (deduced by cephkg from the claims)
    origin: str = "sidecar"
    #: for an inferred structure: the species and definitions that placed each variable
    evidence: tuple[str, ...] = ()
    confidence: float | None = None

    @property
    def source(self) -> str:
        """``curated`` (given by a person: sidecar or drawn file) or ``inferred`` (by cephkg)."""
        return "inferred" if self.origin == "inference" else "curated"

    @property
    def variable_map(self) -> dict[int, str]:
        return dict(self.variables)

    @property
    def query(self) -> Chem.Mol:
        """The structure as a substructure query (dummies match any atom, even H)."""
        return _query(self.text, self.is_smarts)

    @property
    def reference(self) -> Chem.Mol:
        """A molecule with the same atom order whose bonds carry the written stereo."""
        return _reference(self.text, self.is_smarts)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"claim": self.claim, "formula": self.formula, "label": self.label,
                               ("smarts" if self.is_smarts else "smiles"): self.text,
                               "variables": {str(k): v for k, v in self.variables},
                               "curated": self.curated, "inferred": self.inferred, "note": self.note}
        if self.origin != "sidecar":
            out["origin"] = self.origin
        if self.evidence:
            out["evidence"] = list(self.evidence)
        if self.confidence is not None:
            out["confidence"] = self.confidence
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GenericStructure:
        """The inverse of :meth:`to_dict` (for records kept in the store)."""
        is_smarts = "smarts" in data
        return cls(int(data["claim"]), int(data["formula"]), data.get("label"),
                   str(data["smarts" if is_smarts else "smiles"]), is_smarts,
                   tuple(sorted((int(k), str(v)) for k, v in data["variables"].items())),
                   bool(data.get("curated", False)), bool(data.get("inferred", False)), str(data.get("note", "")),
                   str(data.get("origin", "sidecar")), tuple(data.get("evidence", ())), data.get("confidence"))


@dataclass(frozen=True, slots=True)
class StructureFile:
    """A loaded, validated sidecar."""

    path: str
    patent: str | None
    conventions: tuple[tuple[str, tuple[int, int]], ...]
    structures: tuple[GenericStructure, ...]

    def get(self, claim: int, formula: int) -> GenericStructure | None:
        for s in self.structures:
            if s.claim == claim and s.formula == formula:
                return s
        return None

    def for_claim(self, claim: int) -> tuple[GenericStructure, ...]:
        return tuple(s for s in self.structures if s.claim == claim)

    def merged(self, inferred: Iterable[GenericStructure]) -> StructureFile:
        """This file plus the ``inferred`` structures of formulas it does not give (curated wins)."""
        given = {(s.claim, s.formula) for s in self.structures}
        extra = tuple(s for s in inferred if (s.claim, s.formula) not in given)
        return StructureFile(self.path, self.patent, self.conventions, self.structures + extra)


def effective_structures(curated: StructureFile | None, inferred: Iterable[GenericStructure],
                         where: str = "<inferred>") -> StructureFile | None:
    """The structures coverage uses: the curated ones, then inferred ones for the other formulas."""
    extra = tuple(inferred)
    if curated is not None:
        return curated.merged(extra)
    return StructureFile(where, None, (), extra) if extra else None


@lru_cache(maxsize=4096)
def _query(text: str, is_smarts: bool) -> Chem.Mol:
    with BlockLogs():
        if is_smarts:
            return Chem.MolFromSmarts(text)
        adjust = Chem.AdjustQueryParameters.NoAdjustments()
        adjust.makeDummiesQueries = True  # type: ignore[assignment]  # RDKit's stub types the flag wrongly
        return Chem.AdjustQueryProperties(Chem.MolFromSmiles(text), adjust)


@lru_cache(maxsize=4096)
def _reference(text: str, is_smarts: bool) -> Chem.Mol:
    """SMARTS parsing keeps no double-bond geometry, so atom lists are replaced by their
    first element and the text read as SMILES (same atoms in the same order)."""
    if is_smarts:
        text = _ATOM_LIST.sub(lambda m: f"[{m.group(1)}{m.group(2) or ''}]", text)
    with BlockLogs():
        mol = Chem.MolFromSmiles(text)
    if mol is None:
        raise StructureError(f"structure {text!r} has no SMILES reading for its stereo")
    Chem.SetBondStereoFromDirections(mol)
    return mol


def structure_query(text: str, is_smarts: bool) -> Chem.Mol | None:
    """The substructure query of a generic structure's text (as :attr:`GenericStructure.query`)."""
    return _query(text, is_smarts)


def probe_structure(text: str, is_smarts: bool) -> None:
    """Everything cephkg does to read a generic structure (the worker side of the size guard)."""
    query: Chem.Mol | None = _query.__wrapped__(text, is_smarts)
    if query is None:
        return
    Chem.MolToSmiles(query)
    try:
        Chem.MolToSmiles(_reference.__wrapped__(text, is_smarts))
    except StructureError:
        pass


def sidecar_path(claims_path: str | Path) -> Path:
    """``<dir>/<stem>.structures.toml`` for ``<dir>/<stem>.txt``."""
    p = Path(claims_path)
    return p.with_name(p.stem + SUFFIX)


def structures_for(patent: Patent) -> StructureFile | None:
    """The validated sidecar of a parsed patent, or None when there is none."""
    path = sidecar_path(patent.source.path)
    return load_structures(path, patent) if path.is_file() else None


def _ancestors(patent: Patent, claim: Claim) -> list[Claim]:
    seen: list[Claim] = []
    todo = list(claim.depends_on)
    while todo:
        n = todo.pop(0)
        try:
            parent = patent.claim(n)
        except KeyError:
            continue
        if parent not in seen:
            seen.append(parent)
            todo.extend(parent.depends_on)
    return seen


def _defined_variables(patent: Patent, claim: Claim, formula: Formula) -> set[str]:
    names = {d.variable for d in formula.definitions}
    for c in (claim, *_ancestors(patent, claim)):
        names.update(d.variable for d in c.definitions)
        for f in c.formulas:
            names.update(d.variable for d in f.definitions)
    return names


def load_structures(path: str | Path, patent: Patent | None = None) -> StructureFile:
    """Read a sidecar; with ``patent``, also check it against the claims it annotates."""
    path = Path(path)
    return parse_structures(read_sidecar(path), str(path), patent)


def read_sidecar(path: Path) -> dict[str, Any]:
    """A sidecar file's data, decoded and checked against its schema (``StructureError`` if not);
    drawn structures (``file``, ``cxsmiles``) are read and written in as SMILES/SMARTS."""
    try:
        data = load_toml_file(path, "structures")
    except DataFileError as exc:
        raise StructureError(str(exc)) from exc
    for n, raw in enumerate(data.get("structure", []), 1):
        if "file" in raw or "cxsmiles" in raw:
            _inline_drawing(raw, path, n)
    return data


def _inline_drawing(raw: dict[str, Any], path: Path, n: int) -> None:
    from .drawn import parse_cxsmiles, read_drawn

    here = f"{path}: structure #{n}"
    if sum(k in raw for k in ("file", "cxsmiles", "smiles", "smarts")) != 1:
        raise StructureError(f"{here}: give exactly one of 'smiles', 'smarts', 'file' and 'cxsmiles'")
    try:
        names = {int(k): str(v) for k, v in (raw.get("variables") or {}).items()}
        atoms = {int(k): str(v) for k, v in (raw.get("atoms") or {}).items()}
    except ValueError as exc:
        raise StructureError(f"{here}: variable and atom keys must be numbers: {exc}") from exc
    if "file" in raw:
        drawing = read_drawn(path.parent / str(raw["file"]), names, atoms)
    else:
        drawing = parse_cxsmiles(str(raw["cxsmiles"]), names, f"{here} cxsmiles", atoms)
    raw["smarts" if drawing.is_smarts else "smiles"] = drawing.text
    raw["variables"] = {str(k): v for k, v in drawing.variables}
    raw["origin"] = "drawn"
    raw["drawn_from"] = str(raw.get("file") or "cxsmiles")


def parse_structures(data: Mapping[str, Any], where: str, patent: Patent | None = None) -> StructureFile:
    """Sidecar data (as read by :func:`read_sidecar`, or from the store) → checked structures."""
    pid = data.get("patent")
    if pid is not None and patent is not None and pid != patent.patent_id:
        raise StructureError(f"{where}: patent = {pid!r}, but the claims file is {patent.patent_id!r}")
    conventions: list[tuple[str, tuple[int, int]]] = []
    for word, value in (data.get("conventions") or {}).items():
        if (not isinstance(value, list) or len(value) != 2
                or not all(isinstance(v, int) for v in value) or not 0 <= value[0] <= value[1]):
            raise StructureError(f"{where}: conventions.{word} must be [min, max] carbons, not {value!r}")
        conventions.append((word, (value[0], value[1])))
    default_curated = bool(data.get("curated", True))
    structures = [_structure(where, raw, i, default_curated, patent)
                  for i, raw in enumerate(data.get("structure", []), 1)]
    seen: set[tuple[int, int]] = set()
    for s in structures:
        if (s.claim, s.formula) in seen:
            raise StructureError(f"{where}: claim {s.claim} formula {s.formula} is given twice")
        seen.add((s.claim, s.formula))
    return StructureFile(where, pid, tuple(conventions), tuple(structures))


def _structure(where: str, raw: Mapping[str, Any], n: int, curated: bool,
               patent: Patent | None) -> GenericStructure:
    claim_no = raw.get("claim")
    if not isinstance(claim_no, int):
        raise StructureError(f"{where}: structure #{n} needs an integer 'claim'")
    formula_no, label = raw.get("formula"), raw.get("label")
    placeholder, image = raw.get("placeholder"), raw.get("image")
    named = formula_no if formula_no is not None else label if label is not None else placeholder or image
    here = f"{where}: claim {claim_no} formula {named!r}"
    if formula_no is None and label is None and placeholder is None and image is None:
        raise StructureError(f"{here}: give 'formula' (position), 'label', 'placeholder' or 'image'")
    if ("smiles" in raw) == ("smarts" in raw):
        raise StructureError(f"{here}: give exactly one of 'smiles' and 'smarts'")
    is_smarts = "smarts" in raw
    key = "smarts" if is_smarts else "smiles"
    text = str(raw[key])
    try:
        if needs_isolation(check_size(text, f"{here}: {key}")):
            run_isolated(probe_structure, text, is_smarts, what=f"{here}: {key}")
    except ResolutionError as exc:
        raise StructureError(str(exc)) from exc
    with rdkit_messages() as said:
        mol: Chem.Mol | None = Chem.MolFromSmarts(text) if is_smarts else Chem.MolFromSmiles(text)
    if mol is None:
        shown = repr(text) if len(text) <= 80 else f"{text[:60]!r}... ({len(text):,} characters)"
        raise StructureError(f"{here}: {'SMARTS' if is_smarts else 'SMILES'} {shown} does not parse{first_reason(said)}")
    table = raw.get("variables", {})
    if not isinstance(table, Mapping):
        raise StructureError(f"{here}: 'variables' must be a table {{ 1 = \"R1\" }}")
    try:
        variables = {int(k): str(v) for k, v in table.items()}
    except ValueError as exc:
        raise StructureError(f"{here}: variable keys must be map numbers: {exc}") from exc
    mapped = {a.GetAtomMapNum() for a in mol.GetAtoms() if a.GetAtomMapNum()}
    if mapped - set(variables):
        raise StructureError(f"{here}: map number(s) {sorted(mapped - set(variables))} have no variable name")
    if set(variables) - mapped:
        raise StructureError(f"{here}: variable(s) {sorted(set(variables) - mapped)} are not mapped in the structure")
    for atom in mol.GetAtoms():
        if atom.GetAtomMapNum() and atom.GetAtomicNum() == 0 and not is_smarts and atom.GetDegree() != 1:
            raise StructureError(f"{here}: [*:{atom.GetAtomMapNum()}] must have exactly one neighbour")
    if formula_no is None and label is None:
        formula_no = _formula_by_placeholder(here, patent, claim_no, placeholder, image) if patent is not None else 0
    if formula_no is None:
        formula_no = _formula_by_label(here, patent, claim_no, str(label)) if patent is not None else 0
    if patent is not None:
        try:
            claim = patent.claim(claim_no)
        except KeyError:
            raise StructureError(f"{here}: {patent.patent_id} has no claim {claim_no}") from None
        formula = next((f for f in claim.formulas if f.index == formula_no), None)
        if formula is None:
            raise StructureError(f"{here}: claim {claim_no} has no formula {formula_no} "
                                 f"(it has {len(claim.formulas)})")
        if label is not None and formula.label is not None and _label_key(formula.label) != _label_key(str(label)):
            raise StructureError(f"{here}: formula {formula_no} is labelled {formula.label!r}, not {label!r}")
        label = label if label is not None else formula.label
        defined = _defined_variables(patent, claim, formula)
        for k, name in sorted(variables.items()):
            if name not in defined:
                raise StructureError(f"{here}: map {k} = {name!r} is not a variable claim {claim_no} "
                                     f"defines (it defines {', '.join(sorted(defined)) or 'none'})")
        if not is_smarts:
            text, is_smarts = _widen_ring_atoms(text, variables, _ring_alternatives(patent, claim, formula))
    origin = str(raw.get("origin", "sidecar"))
    note = str(raw.get("note", "")).strip()
    if origin == "drawn" and not note:
        note = f"drawn: {raw.get('drawn_from')}"
    return GenericStructure(claim=claim_no, formula=int(formula_no), label=label, text=text,
                            is_smarts=is_smarts, variables=tuple(sorted(variables.items())),
                            curated=bool(raw.get("curated", curated)),
                            inferred=bool(raw.get("inferred", False)), note=note, origin=origin)


def _ring_alternatives(patent: Patent, claim: Claim, formula: Formula) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for c in (claim, *_ancestors(patent, claim)):
        for d in (*formula.definitions, *c.definitions) if c is claim else c.definitions:
            out.setdefault(d.variable, []).extend(d.alternatives)
    return out


def _widen_ring_atoms(text: str, variables: Mapping[int, str],
                      alternatives: Mapping[str, Sequence[str]]) -> tuple[str, bool]:
    """A mapped ring atom drawn as one element ("Y" on a CH) takes every element its
    definition allows ("Y is CH or nitrogen" -> ``[c,n:k]``): the structure becomes SMARTS."""
    from .substituents import Vocabulary

    vocabulary: Vocabulary | None = None
    table = Chem.GetPeriodicTable()
    changed = False

    def widen(m: re.Match[str]) -> str:
        nonlocal vocabulary, changed
        k = int(m.group(3))
        name = variables.get(k)
        if name is None or m.group(1) == "*":
            return m.group(0)
        vocabulary = vocabulary or Vocabulary.load()
        elements = [table.GetAtomicNumber(m.group(1).capitalize())]
        for term in alternatives.get(name, ()):
            elements += [e for e in vocabulary.ring_atom_elements(term) if e not in elements]
        if len(elements) == 1:
            return m.group(0)
        changed = True
        aromatic = m.group(1).islower()
        symbols = [table.GetElementSymbol(e) for e in elements]
        return "[" + ",".join(x.lower() if aromatic else x for x in symbols) + f":{k}]"

    out = re.sub(r"\[([A-Za-z][a-z]?|\*)(H\d*)?:(\d+)\]", widen, text)
    return (out, True) if changed else (text, False)


def _formula_by_placeholder(here: str, patent: Patent, claim_no: int, placeholder: Any, image: Any) -> int:
    """The formula a placeholder (``##STR12##``) or image number (the n-th placeholder) names."""
    try:
        claim = patent.claim(claim_no)
    except KeyError:
        raise StructureError(f"{here}: {patent.patent_id} has no claim {claim_no}") from None
    if placeholder is not None:
        for f in claim.formulas:
            if f.placeholder is not None and f.placeholder.strip() == str(placeholder).strip():
                return f.index
        raise StructureError(f"{here}: claim {claim_no} has no formula with placeholder {placeholder!r}")
    shown = [(c.number, f.index) for c in patent.claims for f in c.formulas if f.placeholder]
    if not isinstance(image, int) or not 1 <= image <= len(shown):
        raise StructureError(f"{here}: the patent has {len(shown)} formula placeholders, not {image!r}")
    number, index = shown[image - 1]
    if number != claim_no:
        raise StructureError(f"{here}: placeholder {image} belongs to claim {number}, not claim {claim_no}")
    return index


def _formula_by_label(here: str, patent: Patent, claim_no: int, label: str) -> int:
    try:
        claim = patent.claim(claim_no)
    except KeyError:
        raise StructureError(f"{here}: {patent.patent_id} has no claim {claim_no}") from None
    for f in claim.formulas:
        if f.label is not None and _label_key(f.label) == _label_key(label):
            return f.index
    raise StructureError(f"{here}: claim {claim_no} has no formula labelled {label!r}")


def _label_key(label: str) -> str:
    """"formula (I)", "(I)" and "I" name the same formula."""
    return re.sub(r"^formula\s*", "", label.strip(), flags=re.I).strip("() ").upper()
