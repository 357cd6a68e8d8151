"""Group terms of patent claims with a machine meaning.

Markush claims define variables with group terms ("R2 is lower alkanoyloxy(lower)-
alkoxycarbonyl"). To decide whether a real compound falls under a claim, each term must
be checkable against the fragment cut out of the molecule at the variable's position.
The vocabulary is data (``cephkg/data/substituents.toml``); the size words "lower" and
"higher" come from ``cephkg/data/conventions.toml`` and can be overridden per patent.

Fragment convention: a SMILES with exactly one dummy atom ``[*]`` standing for the atom
the group is attached to, e.g. ``[*]C(=O)OCOC(=O)C(C)(C)C``; hydrogen is ``[*][H]``.
Ring-atom terms ("Y is CH or nitrogen") are checked on one atom (:meth:`Vocabulary.check_atom`,
or a one-atom SMILES such as ``[cH]`` / ``n``).

Composite terms are not listed one by one but read by a small grammar:
``lower X`` / ``higher X`` / ``C1-C4 X`` bound X's carbon chain; ``A(lower)X`` makes X's
alkyl chain a lower alkyl carrying exactly one A; ``mono(or di or tri)A(lower)X`` allows
one to three A.
"""

from __future__ import annotations

import re
import unicodedata
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, TypeAlias

from rdkit import Chem
from rdkit.rdBase import BlockLogs

from ..errors import DataFileError, InvalidFragment, UninterpretableTerm
from ..resources import load_data

__all__ = [
    "ChebiMapping",
    "InvalidFragment",
    "Term",
    "TermMatch",
    "UninterpretableTerm",
    "Vocabulary",
]


@dataclass(frozen=True, slots=True)
class TermMatch:
    """Whether a fragment satisfies a term, with the reasons, so a verdict can be audited.

    On success ``reasons`` lists the constraints met; on failure ``reasons[0]`` names the
    first failing constraint and the rest give its context, innermost first.
    """

    term: str
    ok: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ChebiMapping:
    """The ChEBI group class a listed term maps to, and the evidence for the mapping.

    ``match`` is a SKOS mapping property's local name (``exactMatch``, ``closeMatch``,
    ``broadMatch``) or ``unverified``; ``evidence`` says how the id was checked
    (``label-verified`` or ``mop-xref``). Only label-verified mappings are published.
    """

    chebi: str
    label: str
    match: str
    evidence: str
    sources: tuple[str, ...]
    reason: str

    @property
    def published(self) -> bool:
        return self.evidence == "label-verified" and self.match in ("exactMatch", "closeMatch", "broadMatch")

    @property
    def number(self) -> str:
        """The digits of the id (``CHEBI:43176`` → ``43176``)."""
        return self.chebi.split(":", 1)[1]


@dataclass(frozen=True, slots=True)
class Term:
    """One listed vocabulary entry, as exported to OWL and SKOS (derived compositions are not listed)."""

    id: str
    label: str
    synonyms: tuple[str, ...]
    definition: str
    parents: tuple[str, ...]
    kind: str
    smarts: str | None  # as in the data: atom 0 is the attachment [#0]
    min_carbons: int | None
    max_carbons: int | None
    chebi: ChebiMapping | None = None


# --------------------------------------------------------------------------- nodes
# A term is compiled to a tree of nodes; each node checks one fragment (a Mol whose atom 0
# is the attachment dummy and atom 1 the atom bonded to it).


@dataclass(frozen=True, slots=True)
class _Limit:
    """An inclusive carbon range with the word that set it ("lower", "C1-C4")."""

    name: str
    lo: int
    hi: int

    def describe(self, noun: str, n: int) -> str:
        return f"{noun} has {_carbons(n)}, {self.name} allows {self.lo} to {self.hi}"


@dataclass(frozen=True, slots=True)
class _Ref:
    """A node with the term text it came from, for reasons."""

    label: str
    node: _Node


@dataclass(frozen=True, slots=True)
class _Hydrogen:
    pass


@dataclass(frozen=True, slots=True, eq=False)
class _Pattern:
    smarts: str
    query: Chem.Mol
    anchored: bool
    shape: str


@dataclass(frozen=True, slots=True)
class _Chain:
    """Alkyl (``acyl=False``) or alkanoyl (``acyl=True``), optionally substituted."""

    acyl: bool
    limit: _Limit | None = None
    substituent: _Ref | None = None
    count: tuple[int, int] = (1, 1)
    unsaturation: str | None = None  # "alkenyl" (C=C, no C#C) or "alkynyl" (C#C)


@dataclass(frozen=True, slots=True, eq=False)
class _Link:
    smarts: str
    query: Chem.Mol
    tail_at: int
    parent_at: int
    tail: _Ref
    shape: str


@dataclass(frozen=True, slots=True)
class _Protected:
    element: int
    group: _Ref


@dataclass(frozen=True, slots=True, eq=False)
class _RingAtom:
    smarts: str
    query: Chem.Mol
    shape: str


@dataclass(frozen=True, slots=True)
class _AnyOf:
    own: _Node | None
    options: tuple[_Ref, ...]


_Node: TypeAlias = "_Hydrogen | _Pattern | _Chain | _Link | _Protected | _RingAtom | _AnyOf"


@dataclass(frozen=True, slots=True)
class _Outcome:
    ok: bool
    reasons: tuple[str, ...]

    def within(self, context: str) -> _Outcome:
        """Add context to a failure (innermost first); successes pass unchanged."""
        return self if self.ok else _Outcome(False, (*self.reasons, context))


def _yes(*reasons: str) -> _Outcome:
    return _Outcome(True, reasons)


def _no(reason: str) -> _Outcome:
    return _Outcome(False, (reason,))


def _carbons(n: int) -> str:
    return f"{n} carbon" if n == 1 else f"{n} carbons"


@dataclass(slots=True)
class _Resolved:
    """A term resolved to its meaning: canonical label, id, node and direct parents."""

    label: str
    id: str
    node: _Node
    parents: tuple[str, ...]
    listed: bool


# --------------------------------------------------------------------------- text

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2212"), "-")
_MULTIPLIER = re.compile(r"^(mono|di|tri)(?:\s*\(or (di|tri)(?: or (tri))?\))?\s*-?\s*")
_MULTIPLIER_COUNT = {"mono": 1, "di": 2, "tri": 3}


def _normalize(text: str) -> str:
    """Fold the spelling variants of claims into one key ("(lower)-alkoxy", ") (lower)")."""
    t = unicodedata.normalize("NFKC", text).translate(_DASHES).lower()
    t = re.sub(r"\s+", " ", t).strip().rstrip(".,;:").strip()
    t = re.sub(r"^(?:a|an|the) ", "", t)
    t = re.sub(r" (?:group|groups|radical|moiety|atom)$", "", t)
    t = re.sub(r"\(\s+", "(", t)
    t = re.sub(r"\s+\)", ")", t)
    t = re.sub(r"\)\s*-\s*(?=[a-z(])", ")", t)
    t = re.sub(r"\)\s+(?=[a-z(])", ")", t)
    t = re.sub(r"(?<=[a-z)])\s+(?=\((?:lower|higher|c\d+-c?\d+)\))", "", t)
    t = re.sub(r"\bc\.sub\.\s*(\d+)", r"c\1", t)                            # C.sub.1-4
    t = re.sub(r"\bc\s*(\d+)\s*(?:-|to)\s*c?\s*(\d+)\b", r"c\1-c\2", t)      # C1-4, C1-C4, C 1 to C 4
    t = re.sub(r"\b(\d+)\s*-\s*(\d+)\s*c\b", r"c\1-c\2", t)                   # 1-6C
    t = re.sub(r"^(.+?)\s+(?:of|having|containing|with)\s+(?:from\s+)?(\d+)\s*(?:-|to)\s*(\d+)\s+carbon atoms?$",
               r"c\2-c\3 \1", t)                                                # alkyl of 1 to 6 carbon atoms
    return t


def _camel(label: str) -> str:
    """CamelCase id for a derived term ("lower alkoxy(lower)alkyl" -> LowerAlkoxyLowerAlkyl)."""
    name = "".join(part[:1].upper() + part[1:] for part in re.findall(r"[a-z0-9]+", label.lower()))
    return name if name[:1].isalpha() else f"Group{name}"


def _levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _split_outer(text: str, markers: re.Pattern[str]) -> tuple[str, str, str] | None:
    """Split "A(lower)B" at the last "(qualifier)" outside parentheses, A non-empty."""
    depth = 0
    found: tuple[str, str, str] | None = None
    for i, ch in enumerate(text):
        if ch == "(":
            m = markers.match(text, i)
            if depth == 0 and m and i > 0:
                found = (text[:i], m.group(1), text[m.end():])
            depth += 1
        elif ch == ")":
            depth -= 1
    return found


def _strip_parens(text: str) -> str | None:
    """"(X)" -> "X" when the parentheses enclose the whole text."""
    if not (text.startswith("(") and text.endswith(")")):
        return None
    depth = 0
    for i, ch in enumerate(text):
        depth += (ch == "(") - (ch == ")")
        if depth == 0 and i < len(text) - 1:
            return None
    return text[1:-1]


# --------------------------------------------------------------------------- molecules


def _fragment_mol(fragment: str | Chem.Mol, display: str) -> Chem.Mol:
    """Validate a one-attachment fragment and rebuild it with dummy = 0, root = 1."""
    if isinstance(fragment, str):
        with BlockLogs():
            mol = Chem.MolFromSmiles(fragment)
        if mol is None:
            raise InvalidFragment(f"fragment SMILES {fragment!r} cannot be parsed")
    else:
        mol = Chem.Mol(fragment)
    with BlockLogs():  # explicit H atoms would read as substituents; an H on [*] is kept
        mol = Chem.RemoveHs(mol, sanitize=False)
    dummies = [a.GetIdx() for a in mol.GetAtoms() if a.GetAtomicNum() == 0]
    if len(dummies) != 1:
        raise InvalidFragment(
            f"fragment {display} must have exactly one [*] attachment, found {len(dummies)}")
    if len(Chem.GetMolFrags(mol)) != 1:
        raise InvalidFragment(f"fragment {display} must be one connected group")
    dummy = mol.GetAtomWithIdx(dummies[0])
    if dummy.GetDegree() != 1:
        raise InvalidFragment(
            f"the [*] of fragment {display} must have exactly one neighbour (hydrogen is [*][H])")
    return _extract(mol, dummy.GetNeighbors()[0].GetIdx(), dummy.GetIdx())


def _component(mol: Chem.Mol, root: int, barrier: set[int]) -> set[int]:
    seen = {root}
    todo = deque([root])
    while todo:
        for nb in mol.GetAtomWithIdx(todo.popleft()).GetNeighbors():
            j = nb.GetIdx()
            if j not in seen and j not in barrier:
                seen.add(j)
                todo.append(j)
    return seen


def _extract(mol: Chem.Mol, root: int, parent: int) -> Chem.Mol:
    """The group hanging from ``root`` (cut from ``parent``) as a fragment with dummy 0."""
    atoms = sorted(_component(mol, root, {parent}), key=lambda i: (i != root, i))
    rw = Chem.RWMol()
    rw.AddAtom(Chem.Atom(0))
    new: dict[int, int] = {}
    for i in atoms:
        old = mol.GetAtomWithIdx(i)
        atom = Chem.Atom(old.GetAtomicNum())
        atom.SetFormalCharge(old.GetFormalCharge())
        atom.SetIsotope(old.GetIsotope())
        atom.SetIsAromatic(old.GetIsAromatic())
        atom.SetNoImplicit(True)
        atom.SetNumExplicitHs(old.GetTotalNumHs())
        new[i] = rw.AddAtom(atom)
    cut = mol.GetBondBetweenAtoms(root, parent)
    rw.AddBond(0, new[root], cut.GetBondType())
    for bond in mol.GetBonds():
        a, b = bond.GetBeginAtomIdx(), bond.GetEndAtomIdx()
        if a in new and b in new:
            rw.AddBond(new[a], new[b], bond.GetBondType())
            rw.GetBondBetweenAtoms(new[a], new[b]).SetIsAromatic(bond.GetIsAromatic())
    out = rw.GetMol()
    out.UpdatePropertyCache(strict=False)
    Chem.FastFindRings(out)
    return out


def _smiles(mol: Chem.Mol) -> str:
    return Chem.MolToSmiles(mol)


def _is_alkyl_carbon(atom: Chem.Atom) -> bool:
    return (atom.GetAtomicNum() == 6 and not atom.GetIsAromatic() and not atom.IsInRing()
            and atom.GetFormalCharge() == 0
            and all(b.GetBondType() == Chem.BondType.SINGLE for b in atom.GetBonds()))


def _alkyl_atoms(mol: Chem.Mol, start: int, barrier: set[int]) -> set[int]:
    seen = {start}
    todo = deque([start])
    while todo:
        for nb in mol.GetAtomWithIdx(todo.popleft()).GetNeighbors():
            j = nb.GetIdx()
            if j not in seen and j not in barrier and _is_alkyl_carbon(nb):
                seen.add(j)
                todo.append(j)
    return seen


def _atom_text(atom: Chem.Atom) -> str:
    symbol = atom.GetSymbol()
    symbol = symbol.lower() if atom.GetIsAromatic() else symbol
    h = atom.GetTotalNumHs()
    return f"[{symbol}{'H' if h else ''}{h if h > 1 else ''}]"


def _one_atom(fragment: str | Chem.Mol | Chem.Atom, term: str) -> Chem.Atom:
    """The atom of a one-atom fragment ("[cH]", "n"); unbracketed aromatic c/n are ring atoms."""
    if isinstance(fragment, Chem.Atom):
        return fragment
    if isinstance(fragment, str):
        with BlockLogs():
            mol = Chem.MolFromSmiles(fragment, sanitize=False)
        if mol is not None and mol.GetNumAtoms() == 1:
            atom = mol.GetAtomWithIdx(0)
            if not atom.GetNoImplicit():
                # Unbracketed: a ring atom with two ring bonds, so c is CH and n is N.
                atom.SetNoImplicit(True)
                atom.SetNumExplicitHs(1 if atom.GetIsAromatic() and atom.GetAtomicNum() == 6 else 0)
            mol.UpdatePropertyCache(strict=False)
            return atom
    elif fragment.GetNumAtoms() == 1:
        return fragment.GetAtomWithIdx(0)
    raise InvalidFragment(
        f"ring-atom term {term!r} is checked on one atom (e.g. '[cH]' or 'n'), not {fragment!r}")


# --------------------------------------------------------------------------- matching


def _match(node: _Node, mol: Chem.Mol) -> _Outcome:
    """Check a fragment (dummy at 0, attachment atom at 1) against a node."""
    if isinstance(node, _Hydrogen):
        root = mol.GetAtomWithIdx(1)
        if root.GetAtomicNum() == 1 and mol.GetNumAtoms() == 2:
            return _yes("the attachment carries hydrogen")
        return _no(f"the attachment carries {root.GetSymbol()}, not hydrogen")
    if isinstance(node, _Pattern):
        return _match_pattern(node, mol)
    if isinstance(node, _Chain):
        return _match_chain(node, mol)
    if isinstance(node, _Link):
        return _match_link(node, mol)
    if isinstance(node, _Protected):
        return _match_protected(node, mol)
    if isinstance(node, _AnyOf):
        return _match_any(node, mol)
    return _no(f"{node.shape} is a single ring atom, not a group with an attachment")


def _dummy_matches(query: Chem.Mol, mol: Chem.Mol) -> list[tuple[int, ...]]:
    return [m for m in mol.GetSubstructMatches(query, uniquify=False, maxMatches=10000)
            if m[0] == 0]


def _match_pattern(node: _Pattern, mol: Chem.Mol) -> _Outcome:
    matches = _dummy_matches(node.query, mol)
    if not matches:
        return _no(f"does not begin with {node.shape}" if node.anchored else f"not {node.shape}")
    if node.anchored:
        return _yes(f"begins with {node.shape}")
    if any(len(set(m)) == mol.GetNumAtoms() for m in matches):
        return _yes(f"is {node.shape}")
    return _no(f"has atoms beyond {node.shape}")


def _is_chain_carbon(atom: Chem.Atom) -> bool:
    return (atom.GetAtomicNum() == 6 and not atom.GetIsAromatic() and not atom.IsInRing()
            and atom.GetFormalCharge() == 0)


def _match_unsaturated(node: _Chain, mol: Chem.Mol) -> _Outcome:
    """Alkenyl / alkynyl: an acyclic hydrocarbon chain with the multiple bond the noun names."""
    noun = node.unsaturation or "alkenyl"
    root = mol.GetAtomWithIdx(1)
    if mol.GetBondBetweenAtoms(0, 1).GetBondType() != Chem.BondType.SINGLE or not _is_chain_carbon(root):
        return _no(f"the attachment atom {_atom_text(root)} is not an acyclic carbon")
    chain, todo = {1}, [1]
    while todo:
        for nb in mol.GetAtomWithIdx(todo.pop()).GetNeighbors():
            j = nb.GetIdx()
            if j in chain or j == 0:
                continue
            if not _is_chain_carbon(nb):
                return _no(f"{noun} carries a substituent ({_atom_text(nb)})")
            chain.add(j)
            todo.append(j)
    kinds = {b.GetBondType() for b in mol.GetBonds() if b.GetBeginAtomIdx() in chain and b.GetEndAtomIdx() in chain}
    if noun == "alkynyl" and Chem.BondType.TRIPLE not in kinds:
        return _no("the chain has no C#C triple bond")
    if noun == "alkenyl" and (Chem.BondType.DOUBLE not in kinds or Chem.BondType.TRIPLE in kinds):
        return _no("the chain has no C=C double bond" if Chem.BondType.DOUBLE not in kinds
                   else "the chain has a C#C triple bond")
    carbons = len(chain)
    if node.limit is not None:
        fact = node.limit.describe(noun, carbons)
        return _yes(fact) if node.limit.lo <= carbons <= node.limit.hi else _no(fact)
    return _yes(f"{noun} has {_carbons(carbons)}")


def _match_chain(node: _Chain, mol: Chem.Mol) -> _Outcome:
    if node.unsaturation is not None:
        return _match_unsaturated(node, mol)
    noun = "alkanoyl" if node.acyl else "alkyl"
    root = mol.GetAtomWithIdx(1)
    if mol.GetBondBetweenAtoms(0, 1).GetBondType() != Chem.BondType.SINGLE:
        return _no(f"{noun} must be singly bonded to the attachment")
    barrier = {0}
    if node.acyl:
        oxo = [b.GetOtherAtom(root) for b in root.GetBonds()
               if b.GetBondType() == Chem.BondType.DOUBLE and b.GetOtherAtom(root).GetAtomicNum() == 8]
        if root.GetAtomicNum() != 6 or root.IsInRing() or len(oxo) != 1 or oxo[0].GetDegree() != 1:
            return _no("the attachment atom is not the carbonyl carbon of an alkanoyl group")
        others = [a for a in root.GetNeighbors() if a.GetIdx() not in (0, oxo[0].GetIdx())]
        if not others:
            chain: set[int] = set()
        elif len(others) == 1 and _is_alkyl_carbon(others[0]):
            chain = _alkyl_atoms(mol, others[0].GetIdx(), {0, 1})
        else:
            what = " and ".join(_atom_text(a) for a in others)
            return _no(f"the carbonyl carbon bears {what}, not hydrogen or an alkyl chain")
        barrier = {0, 1, oxo[0].GetIdx()}
        carbons = len(chain) + 1
    else:
        if not _is_alkyl_carbon(root):
            return _no(f"the attachment atom {_atom_text(root)} is not a saturated acyclic carbon")
        chain = _alkyl_atoms(mol, 1, {0})
        carbons = len(chain)
    reasons: list[str] = []
    if node.limit is not None:
        fact = node.limit.describe(noun, carbons)
        if not node.limit.lo <= carbons <= node.limit.hi:
            return _no(fact)
        reasons.append(fact)
    else:
        reasons.append(f"{noun} has {_carbons(carbons)}")
    branches = [(i, nb.GetIdx()) for i in sorted(chain)
                for nb in mol.GetAtomWithIdx(i).GetNeighbors()
                if nb.GetIdx() not in chain and nb.GetIdx() not in barrier]
    if node.substituent is None:
        if branches:
            at, start = branches[0]
            return _no(f"{noun} carries a substituent ({_smiles(_extract(mol, start, at))})")
        return _yes(*reasons)
    lo, hi = node.count
    if not lo <= len(branches) <= hi:
        expected = f"exactly {lo}" if lo == hi else f"{lo} to {hi}"
        return _no(f"{noun} carries {len(branches)} substituent{'s' * (len(branches) != 1)}, "
                   f"{expected} expected")
    for at, start in branches:
        sub = _extract(mol, start, at)
        out = _match(node.substituent.node, sub)
        if not out.ok:
            return out.within(f"substituent {_smiles(sub)} is not {node.substituent.label}")
        reasons.extend(out.reasons)
    reasons.insert(1, f"{noun} carries {len(branches)} {node.substituent.label}")
    return _yes(*reasons)


def _match_link(node: _Link, mol: Chem.Mol) -> _Outcome:
    failure: _Outcome | None = None
    for m in _dummy_matches(node.query, mol):
        start, at = m[node.tail_at], m[node.parent_at]
        if mol.GetBondBetweenAtoms(start, at).IsInRing():
            continue
        head = set(m) - {start}
        rest = _component(mol, start, {at})
        if rest & head or len(head | rest) != mol.GetNumAtoms():
            failure = failure or _no(f"has atoms beyond {node.shape}")
            continue
        sub = _extract(mol, start, at)
        out = _match(node.tail.node, sub)
        if out.ok:
            return out
        failure = failure or out.within(f"{_smiles(sub)} is not {node.tail.label}")
    return failure or _no(f"not {node.shape}")


def _match_protected(node: _Protected, mol: Chem.Mol) -> _Outcome:
    root = mol.GetAtomWithIdx(1)
    element = Chem.GetPeriodicTable().GetElementName(node.element).lower()
    if root.GetAtomicNum() != node.element:
        return _no(f"the attachment atom is {root.GetSymbol()}, not {element}")
    if root.IsInRing() or root.GetFormalCharge() != 0:
        return _no(f"the {element} is charged or in a ring")
    branches = [nb.GetIdx() for nb in root.GetNeighbors() if nb.GetIdx() != 0]
    if not branches:
        return _no(f"the {element} carries no protecting group")
    reasons = []
    for start in branches:
        if mol.GetBondBetweenAtoms(1, start).GetBondType() != Chem.BondType.SINGLE:
            return _no(f"the {element} is multiply bonded")
        sub = _extract(mol, start, 1)
        out = _match(node.group.node, sub)
        if not out.ok:
            return out.within(f"{_smiles(sub)} on the {element} is not {node.group.label}")
        reasons.append(f"the {element} carries {_smiles(sub)}")
        reasons.extend(out.reasons)
    return _yes(*reasons)


def _match_any(node: _AnyOf, mol: Chem.Mol) -> _Outcome:
    own = _match(node.own, mol) if node.own is not None else None
    if own is not None and own.ok:
        return own
    for option in node.options:
        out = _match(option.node, mol)
        if out.ok:
            return _yes(f"is {option.label}", *out.reasons)
    if own is not None:
        return own
    return _no(f"none of {', '.join(o.label for o in node.options)} matches")


def _head_carbons(query: Chem.Mol, skip: Iterable[int]) -> int:
    return sum(1 for a in query.GetAtoms() if a.GetIdx() not in skip and a.GetAtomicNum() == 6)


# --------------------------------------------------------------------------- vocabulary

_KINDS = frozenset({"hydrogen", "pattern", "alkyl", "alkanoyl", "alkenyl", "alkynyl", "link", "protected",
                    "ring_atom", "union", "compositional"})
_ID = re.compile(r"^[A-Z][A-Za-z0-9]*$")
_ELEMENTS = {"N": 7, "O": 8}


#: term checks a vocabulary keeps (then it starts again): enough for every ester of a large build
_CHECKS_KEPT = 50_000


class Vocabulary:
    """The substituent-class terms, their hierarchy, and a checker for fragments."""

    __slots__ = ("_building", "_cache", "_checks", "_conventions", "_disjoint", "_entries", "_index",
                 "_markers", "_named", "_prefixes", "_qualifier")

    def __init__(self, data: Mapping[str, Any],
                 conventions: Mapping[str, tuple[int, int]],
                 named: Mapping[str, str] | None = None) -> None:
        self._conventions = dict(conventions)
        #: substituent names (normalised) -> OPSIN's fragment with ``*`` at the attachment
        self._named = {_normalize(k): v for k, v in (named or {}).items()}
        words = "|".join(sorted(map(re.escape, self._conventions), key=len, reverse=True))
        self._markers = re.compile(rf"\(({words}|c\d+-c\d+)\)")
        self._qualifier = re.compile(rf"^(?:({words}|c\d+-c\d+) |\(({words}|c\d+-c\d+)\))(.+)$")
        self._entries: dict[str, dict[str, Any]] = {}
        self._index: dict[str, str] = {}
        self._prefixes: dict[str, str] = {}
        self._cache: dict[str, _Resolved | None] = {}
        self._checks: dict[tuple[str, str, str | None], TermMatch] = {}
        self._building: set[str] = set()
        for raw in data.get("term", []):
            self._add_entry(raw)
        for raw in data.get("term", []):
            for parent in raw.get("parents", []):
                if parent not in self._entries:
                    raise DataFileError(f"term {raw['id']}: unknown parent id {parent!r}")
        self._disjoint: tuple[tuple[str, ...], ...] = tuple(
            tuple(self._label_of_id(i) for i in group["members"]) for group in data.get("disjoint", []))
        for entry in self._entries.values():  # compile everything now: data errors surface at load
            if self._lookup(entry["label"]) is None:
                raise DataFileError(f"term {entry['id']}: its definition cannot be interpreted")

    @classmethod
    def load(cls, conventions: Mapping[str, tuple[int, int]] | None = None,
             named: Mapping[str, str] | None = None) -> Vocabulary:
        """Read the packaged vocabulary; ``conventions`` overrides e.g. {"lower": (1, 4)};
        ``named`` gives substituent names OPSIN read (``{"2-carboxyethylthio": "*SCCC(=O)O"}``):
        such a term is satisfied by exactly that group.

        One vocabulary is made per process for each set of conventions and names (patents
        stating the same conventions share it, with what it has worked out).
        """
        key = (tuple(sorted((k, tuple(v)) for k, v in (conventions or {}).items())),
               tuple(sorted((named or {}).items())))
        return _loaded(*key)

    @classmethod
    def _load(cls, conventions: Mapping[str, tuple[int, int]] | None = None,
              named: Mapping[str, str] | None = None) -> Vocabulary:
        data = load_data("substituents.toml")
        defaults = load_data("conventions.toml")
        ranges = {name: (int(v["min_carbons"]), int(v["max_carbons"])) for name, v in defaults.items()}
        for name, value in (conventions or {}).items():
            lo, hi = value
            if not re.fullmatch(r"[a-z]+", name) or not 0 <= lo <= hi:
                raise DataFileError(f"bad convention {name!r}: {value!r} (want a lower-case word "
                                 "and 0 <= min <= max)")
            ranges[name] = (int(lo), int(hi))
        return cls(data, ranges, named)

    # -- public API ---------------------------------------------------------------

    @property
    def conventions(self) -> Mapping[str, tuple[int, int]]:
        """The size words in force, e.g. {"lower": (1, 6), "higher": (7, 20)}."""
        return dict(self._conventions)

    def canonical(self, term: str) -> str | None:
        """The canonical label of a spelling, or None when the term cannot be interpreted."""
        resolved = self._lookup(term)
        return None if resolved is None else resolved.label

    def named(self) -> Mapping[str, str]:
        """The substituent names this vocabulary reads through OPSIN's fragments."""
        return dict(self._named)

    def interpretable(self, term: str) -> bool:
        """Whether ``term`` has a machine meaning here (listed, a synonym, or composed)."""
        return self._lookup(term) is not None

    def closest(self, term: str, max_distance: int = 2) -> str | None:
        """Repair an OCR-damaged term to the one listed term within ``max_distance`` edits.

        Returns None when no listed label or synonym is that close, or when two different
        terms are equally close; at most a third of the letters of either text may change.
        """
        resolved = self._lookup(term)
        if resolved is not None:
            return resolved.label
        key = _normalize(term)
        best: dict[str, int] = {}
        for spelling, term_id in self._index.items():
            d = _levenshtein(key, spelling)
            if d <= max_distance and 3 * d <= min(len(spelling), len(key)):
                label = self._entries[term_id]["label"]
                best[label] = min(d, best.get(label, d))
        if not best:
            return None
        top = min(best.values())
        winners = [label for label, d in best.items() if d == top]
        return winners[0] if len(winners) == 1 else None

    def check(self, term: str, fragment: str | Chem.Mol, *, name: str | None = None) -> TermMatch:
        """Does ``fragment`` (SMILES with one ``[*]``) satisfy ``term``? ``name`` labels reasons.

        The answer for a SMILES is kept (the same ester is checked against the same term in
        claim after claim, patent after patent).
        """
        if isinstance(fragment, str):
            key = (term, fragment, name)
            known = self._checks.get(key)
            if known is None:
                if len(self._checks) >= _CHECKS_KEPT:
                    self._checks.clear()
                known = self._checks[key] = self._check(term, fragment, name)
            return known
        return self._check(term, fragment, name)

    def _check(self, term: str, fragment: str | Chem.Mol, name: str | None) -> TermMatch:
        resolved = self._lookup(term)
        if resolved is None:
            return _uninterpretable(term)
        if isinstance(resolved.node, _RingAtom):
            return self._check_ring_atom(resolved, _one_atom(fragment, resolved.label), name)
        display = name or (fragment if isinstance(fragment, str) else _smiles(fragment))
        out = _match(resolved.node, _fragment_mol(fragment, display))
        return _verdict(resolved.label, display, out)

    def check_atom(self, term: str, atom: Chem.Atom) -> TermMatch:
        """Does one ring atom satisfy a ring-atom term ("CH", "nitrogen")?"""
        resolved = self._lookup(term)
        if resolved is None:
            return _uninterpretable(term)
        if not isinstance(resolved.node, _RingAtom):
            return TermMatch(resolved.label, False,
                             (f"'{resolved.label}' is not a ring-atom term; check it on a fragment",))
        return self._check_ring_atom(resolved, atom, None)

    def is_ring_atom(self, term: str) -> bool:
        """Whether ``term`` is a ring-atom term ("CH", "nitrogen"): the atom itself is the variable."""
        resolved = self._lookup(term)
        return resolved is not None and isinstance(resolved.node, _RingAtom)

    def ring_atom_elements(self, term: str) -> tuple[int, ...]:
        """The atomic numbers a ring-atom term allows ("CH" -> (6,), "nitrogen" -> (7,))."""
        resolved = self._lookup(term)
        if resolved is None or not isinstance(resolved.node, _RingAtom):
            return ()
        return tuple(sorted({int(n) for n in re.findall(r"#(\d+)", resolved.node.smarts)}))

    def sits_on(self, term: str) -> frozenset[int] | None:
        """The elements of the atom a group of this term is attached to, when the term says so
        ("amino protecting group" sits on N), else None."""
        resolved = self._lookup(term)
        if resolved is None or not resolved.listed:
            return None
        elements = self._entries[resolved.id].get("sits_on")
        if not elements:
            return None
        table = Chem.GetPeriodicTable()
        return frozenset(table.GetAtomicNumber(e) for e in elements)

    def ancestors(self, term: str) -> tuple[str, ...]:
        """Canonical labels of all superclasses, nearest first."""
        start = self._require(term)
        seen: list[str] = []
        todo = deque(start.parents)
        while todo:
            label = todo.popleft()
            if label not in seen:
                seen.append(label)
                todo.extend(self._require(label).parents)
        return tuple(seen)

    def term_id(self, term: str) -> str:
        """The CamelCase id, i.e. the OWL class local name."""
        return self._require(term).id

    def is_listed(self, term: str) -> bool:
        """Whether ``term`` is (a spelling of) a listed term, not one the term grammar composed."""
        return self._require(term).listed

    def parents(self, term: str) -> tuple[str, ...]:
        """Canonical labels of the direct superclasses of a listed or composed term.

        A composed term's parents are what the grammar reads: "lower X" is below X, and
        "A(lower)X" has X's parents (it is an X only when A is not a substituent).
        """
        return self._require(term).parents

    def terms(self) -> tuple[str, ...]:
        """Canonical labels of the listed terms, in file order."""
        return tuple(entry["label"] for entry in self._entries.values())

    def entries(self) -> tuple[Term, ...]:
        """The listed terms with their data, for the OWL export."""
        return tuple(self._term(entry) for entry in self._entries.values())

    def disjoint_sets(self) -> tuple[tuple[str, ...], ...]:
        """Groups of labels whose classes are pairwise disjoint."""
        return self._disjoint

    # -- loading ------------------------------------------------------------------

    def _add_entry(self, raw: Mapping[str, Any]) -> None:
        term_id, label, kind = raw.get("id", ""), raw.get("label", ""), raw.get("kind", "")
        if not _ID.match(term_id) or term_id in self._entries:
            raise DataFileError(f"term id {term_id!r} is not a new CamelCase name")
        if kind not in _KINDS:
            raise DataFileError(f"term {term_id}: unknown kind {kind!r}")
        if not raw.get("definition"):
            raise DataFileError(f"term {term_id}: missing definition")
        self._entries[term_id] = dict(raw)
        for spelling in (label, *raw.get("synonyms", [])):
            key = _normalize(spelling)
            if self._index.get(key, term_id) != term_id:
                raise DataFileError(f"term {term_id}: spelling {spelling!r} already means "
                                 f"{self._index[key]}")
            self._index[key] = term_id
        for prefix in raw.get("prefixes", []):
            self._prefixes[_normalize(prefix)] = term_id

    def _label_of_id(self, term_id: str) -> str:
        if term_id not in self._entries:
            raise DataFileError(f"unknown term id {term_id!r}")
        return str(self._entries[term_id]["label"])

    def _require(self, term: str) -> _Resolved:
        resolved = self._lookup(term)
        if resolved is None:
            raise UninterpretableTerm(f"'{term}' is not a term cephkg can interpret")
        return resolved

    def _lookup(self, term: str) -> _Resolved | None:
        key = _normalize(term)
        if key not in self._cache:
            if key in self._building:
                raise DataFileError(f"term {key!r} is defined in terms of itself")
            self._building.add(key)
            try:
                self._cache[key] = self._resolve(key)
            finally:
                self._building.discard(key)
        return self._cache[key]

    def _resolve(self, key: str) -> _Resolved | None:
        term_id = self._index.get(key)
        if term_id is None:
            parsed = self._grammar(key)
            if parsed is None and key in self._named:
                named = _named_pattern(key, self._named[key])
                return None if named is None else _Resolved(key, _camel(key), named, (), False)
            return None if parsed is None else _Resolved(key, _camel(key), parsed[0], parsed[1], False)
        entry = self._entries[term_id]
        if entry["kind"] == "compositional":
            parsed = self._grammar(_normalize(entry["label"]))
            if parsed is None:
                raise DataFileError(f"term {term_id}: compositional label {entry['label']!r} does not parse")
            node = parsed[0]
        else:
            node = self._compile(entry)
        parents = tuple(self._entries[p]["label"] for p in entry.get("parents", []))
        return _Resolved(entry["label"], term_id, node, parents, True)

    def _ref(self, text: str, where: str) -> _Ref:
        resolved = self._lookup(text)
        if resolved is None:
            raise DataFileError(f"{where}: {text!r} is not interpretable")
        return _Ref(resolved.label, resolved.node)

    def _compile(self, entry: Mapping[str, Any]) -> _Node:
        kind, where = entry["kind"], f"term {entry['id']}"
        shape = entry.get("shape", entry["label"])
        node: _Node | None
        if kind == "hydrogen":
            node = _Hydrogen()
        elif kind in ("alkyl", "alkanoyl"):
            node = _Chain(acyl=kind == "alkanoyl")
        elif kind in ("alkenyl", "alkynyl"):
            node = _Chain(acyl=False, unsaturation=kind)
        elif kind in ("pattern", "link", "ring_atom"):
            smarts = entry["smarts"]
            query = Chem.MolFromSmarts(smarts)
            if query is None:
                raise DataFileError(f"{where}: SMARTS {smarts!r} does not parse")
            if kind == "ring_atom":
                if query.GetNumAtoms() != 1:
                    raise DataFileError(f"{where}: a ring-atom SMARTS has one atom")
                node = _RingAtom(smarts, query, shape)
            elif not re.match(r"\[#0\](?:\[|[A-Za-z])", smarts):
                raise DataFileError(f"{where}: SMARTS must start with the attachment [#0], then an atom")
            elif kind == "pattern":
                node = _Pattern(smarts, query, bool(entry.get("anchored", False)), shape)
            else:
                tails = [a for a in query.GetAtoms() if a.GetAtomMapNum() == 1]
                if len(tails) != 1 or tails[0].GetDegree() != 1:
                    raise DataFileError(f"{where}: a link SMARTS needs one terminal [*:1]")
                node = _Link(smarts, query, tails[0].GetIdx(), tails[0].GetNeighbors()[0].GetIdx(),
                             self._ref(entry["tail"], where), shape)
        elif kind == "protected":
            if entry.get("element") not in _ELEMENTS:
                raise DataFileError(f"{where}: element must be N or O")
            node = _Protected(_ELEMENTS[entry["element"]], self._ref(entry["group"], where))
        else:  # union
            node = None
        options = tuple(self._ref(text, where) for text in entry.get("any_of", []))
        if node is None and not options:
            raise DataFileError(f"{where}: a union needs any_of")
        return _AnyOf(node, options) if options else node  # type: ignore[return-value]

    # -- grammar ------------------------------------------------------------------

    def _limit(self, word: str) -> _Limit:
        if word in self._conventions:
            lo, hi = self._conventions[word]
            return _Limit(word, lo, hi)
        lo_s, hi_s = re.fullmatch(r"c(\d+)-c(\d+)", word).groups()  # type: ignore[union-attr]
        return _Limit(f"C{lo_s}-C{hi_s}", int(lo_s), int(hi_s))

    def _grammar(self, text: str) -> tuple[_Node, tuple[str, ...]] | None:
        """Read a composite term; returns its node and direct parents, or None."""
        split = _split_outer(text, self._markers)
        if split is not None:
            prefix, word, base_text = split
            if word.startswith("c") and not self._valid_range(word):
                return None
            base = self._lookup(base_text)
            found = self._substituent(prefix)
            if base is None or found is None:
                return None
            ref, count = found
            node = _substitute(base.node, ref, self._limit(word), count)
            return None if node is None else (node, base.parents)
        m = self._qualifier.match(text)
        if m is not None:
            word = m.group(1) or m.group(2)
            if word.startswith("c") and not self._valid_range(word):
                return None
            base = self._lookup(m.group(3))
            if base is None:
                return None
            node = _qualify(base.node, self._limit(word))
            return None if node is None else (node, (base.label,))
        inner = _strip_parens(text)
        if inner is not None:
            resolved = self._lookup(inner)
            return None if resolved is None else (resolved.node, resolved.parents)
        return None

    @staticmethod
    def _valid_range(word: str) -> bool:
        lo, hi = map(int, re.findall(r"\d+", word))
        return 0 < lo <= hi

    def _substituent(self, text: str) -> tuple[_Ref, tuple[int, int]] | None:
        """The substituent prefix of "A(lower)X": a term, a prefix form, or a multiplied one."""
        inner = _strip_parens(text)
        text = inner if inner is not None else text
        plain = self._prefix_ref(text)
        if plain is not None:
            return plain, (1, 1)
        m = _MULTIPLIER.match(text)
        if m is None or m.end() == len(text):
            return None
        counts = [_MULTIPLIER_COUNT[w] for w in m.groups() if w]
        ref = self._prefix_ref(text[m.end():])
        return None if ref is None else (ref, (counts[0], counts[-1]))

    def _prefix_ref(self, text: str) -> _Ref | None:
        if text in self._prefixes:
            entry = self._entries[self._prefixes[text]]
            resolved = self._lookup(entry["label"])
        else:
            resolved = self._lookup(text)
        return None if resolved is None else _Ref(resolved.label, resolved.node)

    # -- helpers ------------------------------------------------------------------

    def _check_ring_atom(self, resolved: _Resolved, atom: Chem.Atom, name: str | None) -> TermMatch:
        node = resolved.node
        if not isinstance(node, _RingAtom):
            raise UninterpretableTerm(f"'{resolved.label}' is not a ring-atom term")
        display = name or _atom_text(atom)
        if node.query.GetAtomWithIdx(0).Match(atom):
            return TermMatch(resolved.label, True, (f"{display} is {resolved.label}", f"is {node.shape}"))
        return TermMatch(resolved.label, False,
                         (f"{display} is not {resolved.label}: not {node.shape}",))

    def _term(self, entry: Mapping[str, Any]) -> Term:
        resolved = self._require(entry["label"])
        size = _whole_group_limit(resolved.node)
        return Term(
            id=entry["id"],
            label=entry["label"],
            synonyms=tuple(entry.get("synonyms", ())),
            definition=entry["definition"],
            parents=resolved.parents,
            kind=entry["kind"],
            smarts=entry.get("smarts"),
            min_carbons=None if size is None else size.lo,
            max_carbons=None if size is None else size.hi,
            chebi=_chebi(entry.get("chebi")),
        )


def _named_pattern(name: str, smiles: str) -> _Pattern | None:
    """The exact group a substituent name stands for (OPSIN's SMILES, one ``*`` attachment)."""
    with BlockLogs():
        mol: Chem.Mol | None = Chem.MolFromSmiles(smiles)
    if mol is None:
        return None
    dummies = [a.GetIdx() for a in mol.GetAtoms() if a.GetAtomicNum() == 0]
    if len(dummies) != 1:
        return None
    order = dummies + [i for i in range(mol.GetNumAtoms()) if i != dummies[0]]
    query = Chem.RenumberAtoms(mol, order)
    return _Pattern(Chem.MolToSmiles(query), query, False, f"{name} ({Chem.MolToSmiles(mol)}, read by OPSIN)")


def _chebi(raw: Mapping[str, Any] | None) -> ChebiMapping | None:
    if raw is None:
        return None
    return ChebiMapping(raw["id"], raw["label"], raw["match"], raw["evidence"], tuple(raw["sources"]), raw["reason"])


def _qualify(node: _Node, limit: _Limit) -> _Node | None:
    """"lower X": bound the carbon chain X ends in; None if X has none or is bounded."""
    if isinstance(node, _Chain):
        if node.limit is not None or node.substituent is not None:
            return None
        return replace(node, limit=limit)
    if isinstance(node, _Link):
        tail = _qualify(node.tail.node, limit)
        return None if tail is None else replace(
            node, tail=_Ref(f"{limit.name} {node.tail.label}", tail))
    return None


def _substitute(node: _Node, ref: _Ref, limit: _Limit, count: tuple[int, int]) -> _Node | None:
    """"A(lower)X": X's chain becomes a bounded chain carrying ``count`` A groups."""
    if isinstance(node, _Chain):
        if node.limit is not None or node.substituent is not None:
            return None
        return replace(node, limit=limit, substituent=ref, count=count)
    if isinstance(node, _Link):
        tail = _substitute(node.tail.node, ref, limit, count)
        return None if tail is None else replace(
            node, tail=_Ref(f"{ref.label}({limit.name}){node.tail.label}", tail))
    return None


def _whole_group_limit(node: _Node) -> _Limit | None:
    """The carbon range of the whole group, when one unsubstituted chain holds all carbons."""
    if isinstance(node, _Chain):
        return node.limit if node.substituent is None else None
    if isinstance(node, _Link) and _head_carbons(node.query, (0, node.tail_at)) == 0:
        return _whole_group_limit(node.tail.node)
    return None


def _uninterpretable(term: str) -> TermMatch:
    return TermMatch(term, False, (f"'{term}' is not a term cephkg can interpret",))


def _verdict(label: str, display: str, out: _Outcome) -> TermMatch:
    if out.ok:
        return TermMatch(label, True, (f"{display} is {label}", *out.reasons))
    return TermMatch(label, False, (f"{display} is not {label}: {out.reasons[0]}", *out.reasons[1:]))


@lru_cache(maxsize=64)
def _loaded(conventions: tuple[tuple[str, tuple[int, int]], ...], named: tuple[tuple[str, str], ...]) -> Vocabulary:
    return Vocabulary._load(dict(conventions), dict(named))
