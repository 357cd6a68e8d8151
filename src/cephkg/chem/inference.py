"""Generic structures inferred from the claims, for formulas nobody drew.

OCR loses every formula image, but a claim set says a great deal about it: the compounds
its claims name (species of the claim and of every claim depending on it), what each
variable may be (the definitions of the claim and its ancestors) and often where (a name
such as ``3-amino-pyrrolidine derivatives of the formula``). :func:`infer_structures`
recovers, for every compound formula of a claim and every product formula of a process
claim, the core and the attachment point of each variable:

1. gather the named compounds under the claim (resolved by OPSIN); when there are none,
   the other named compounds of the patent, keeping those that share the core;
2. in the smallest of them (the *reference*), list for each variable every place its
   definition allows: a bond whose far side is a group satisfying every definition of the
   variable (a hydrogen counts as a group: ``R1 is hydrogen or ...``), or a ring atom for
   ring-atom variables (``Y is CH or nitrogen``);
3. rank the combinations: a variable the claim's other formulas also carry sits in the part
   named by their description, a ring atom at a known ring-atom site of the field, the
   largest core (the smallest groups), the cephem positions (1, 3, 4, 7), aromatic ring atoms;
4. accept the best combination only when every gathered compound is the core plus, at each
   variable, a group satisfying the variable's definitions at the compound's own claim
   (decided by the coverage matcher itself, so ``cephkg check`` agrees by construction), and
   no other combination is as good (otherwise the variable cannot be placed, and says so).

The written stereo of the core is only what the claim states: the oxime drawn syn or anti
when the claim says so; stereocentres and other double bonds are left open. A curated
structure always wins over an inferred one (:func:`~cephkg.chem.structures.effective_structures`).
Work is bounded: at most ``MAX_COMBINATIONS`` placements are tried per formula and a formula
gives up after ``time_budget`` seconds, saying so.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from rdkit import Chem
from rdkit.Chem import rdFMCS
from rdkit.rdBase import BlockLogs

from ..errors import ResolutionError
from ..model import Claim, Formula, Patent
from ..resources import load_data
from .coverage import PatentScope, SpeciesTarget, Target, fragment_smiles
from .coverage import scope_for as curated_scope_for
from .named_groups import resolve_named_groups, vocabulary_for
from .names import NameCache, open_cache, resolve_names
from .structures import GenericStructure, StructureFile, effective_structures
from .substituents import Vocabulary

__all__ = [
    "InferenceOutcome",
    "description_name",
    "description_names",
    "infer_structures",
    "target_formulas",
]

#: placements tried per formula, at most
MAX_COMBINATIONS = 400
#: the candidate places kept per variable, best first
MAX_SITES = 24
Kind = Literal["group", "ring-atom"]


@dataclass(frozen=True, slots=True)
class InferenceOutcome:
    """The inferred structure of one formula, or why there is none."""

    claim: int
    formula: int
    structure: GenericStructure | None
    failure: str | None
    species: tuple[str, ...] = ()   # "claim N #k" of the compounds used

    @property
    def species_used(self) -> tuple[tuple[int, int], ...]:
        """(claim, index) of each named species the structure was inferred from."""
        return tuple((int(m.group(1)), int(m.group(2))) for m in map(_SPECIES_LABEL.fullmatch, self.species) if m)

    def to_dict(self) -> dict[str, Any]:
        return {"claim": self.claim, "formula": self.formula,
                "structure": None if self.structure is None else self.structure.to_dict(),
                "failure": self.failure, "species": list(self.species)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> InferenceOutcome:
        s = data.get("structure")
        return cls(int(data["claim"]), int(data["formula"]), None if s is None else GenericStructure.from_dict(s),
                   data.get("failure"), tuple(data.get("species", ())))


# ----------------------------------------------------------------------------- knowledge

@dataclass(frozen=True, slots=True, eq=False)
class _Numbering:
    name: str
    query: Chem.Mol
    positions: dict[int, str]
    preferred: frozenset[str]


@dataclass(frozen=True, slots=True, eq=False)
class _RingSite:
    id: str
    query: Chem.Mol
    site: int
    terms: frozenset[str]


@lru_cache(maxsize=1)
def _knowledge() -> tuple[tuple[_Numbering, ...], tuple[_RingSite, ...]]:
    data = load_data("inference.toml")
    numberings = tuple(_Numbering(n["name"], Chem.MolFromSmarts(n["smarts"]),
                                  {int(k): v for k, v in n["positions"].items()}, frozenset(n["preferred"]))
                       for n in data.get("numbering", []))
    sites = []
    for r in data.get("ring_site", []):
        q = Chem.MolFromSmarts(r["smarts"])
        site = next(a.GetIdx() for a in q.GetAtoms() if a.GetAtomMapNum() == 1)
        sites.append(_RingSite(r["id"], q, site, frozenset(t.lower() for t in r["terms"])))
    return numberings, tuple(sites)


# ----------------------------------------------------------------------------- formulas

_DESCRIPTION_NOISE = re.compile(r"\b(?:derivatives?|compounds?|of|the|a|an|said|formula|novel|new)\b", re.I)


def description_name(description: str) -> str | None:
    """The compound class a formula's description names ("3-amino-pyrrolidine derivatives" ->
    "3-amino-pyrrolidine"), or None when nothing name-like is left."""
    text = _DESCRIPTION_NOISE.sub(" ", description)
    text = re.sub(r"\s+", " ", text).strip(" ,;:")
    if len(text) < 4 or not re.search(r"[a-z]{4}", text):
        return None
    return text


def description_names(patent: Patent) -> list[str]:
    """Every formula description of ``patent`` worth giving to OPSIN (for placement hints)."""
    found = [description_name(f.description) for c in patent.claims for f in c.formulas]
    return list(dict.fromkeys(n for n in found if n))


def target_formulas(patent: Patent) -> list[tuple[Claim, Formula]]:
    """The formulas coverage asks a structure for: the first formula of a compound claim, and
    the product formulas of a process claim (formula 1 and what a step produces, not consumed)."""
    out: list[tuple[Claim, Formula]] = []
    for claim in patent.claims:
        if not claim.formulas or claim.species:  # a species claim is decided by its names
            continue
        if claim.category == "compound":
            out.append((claim, claim.formulas[0]))
        elif claim.category == "process":
            consumed = {i for s in claim.steps for i in s.consumes}
            produced = {i for s in claim.steps for i in s.produces}
            out.extend((claim, f) for f in claim.formulas
                       if f.index not in consumed and (f.index == 1 or f.index in produced))
    return out


# ----------------------------------------------------------------------------- places

@dataclass(frozen=True, slots=True)
class _Site:
    variable: str
    kind: Kind
    atom: int                 # the core atom (group) or the variable atom itself (ring atom)
    root: int | None          # first atom of the group (an explicit H for hydrogen)
    branch: frozenset[int]    # atoms of the group in the reference (explicit-H indices)
    fragment: str
    terms: tuple[str, ...]    # the term each definition was satisfied by
    hint: bool                # inside the part another formula with this variable names
    known: bool               # a known ring-atom site of the field
    position: str | None      # cephem locant of the core atom
    heavy: int                # heavy atoms of the group

    @property
    def placed(self) -> bool:
        return self.atom >= 0

    def rank(self) -> tuple[int, int, int, int, int]:
        if not self.placed:  # a nested variable left off the core: only when placing it fails
            return (0, 0, -1000, 0, 0)
        return (int(self.hint), int(self.known), -self.heavy, int(self.position is not None),
                int(self.kind == "ring-atom"))


def _unplaced(variable: str) -> _Site:
    return _Site(variable, "group", -1, None, frozenset(), "", (), False, False, None, 0)


@dataclass(slots=True)
class _Work:
    """One formula's inference: inputs and the running budget."""

    scope: PatentScope
    claim: Claim
    formula: Formula
    variables: list[str]
    deadline: float
    notes: list[str] = field(default_factory=list)

    def late(self) -> bool:
        return time.monotonic() > self.deadline


def _variables(claim: Claim, formula: Formula) -> list[str]:
    """The formula's variables: its own definitions; for a compound claim, every variable the
    claim defines (its formulas after the first are often groups inside a definition)."""
    names = [d.variable for d in formula.definitions]
    if claim.category == "compound" and formula.index == 1:
        names += [d.variable for d in claim.definitions]
    return list(dict.fromkeys(names))


def _nested(patent: Patent, claim: Claim, variable: str) -> bool:
    """Whether the claim names ``variable`` inside another definition before defining it
    (``a group of the formula =N-OR7 wherein R7 is ...``): a variable of a group, not of the core."""
    own = next((d for d in claim.definitions if d.variable == variable and not d.inherited), None)
    m = re.fullmatch(r"([A-Za-z]+)(\d*)([a-z]?)", variable)
    if own is None or m is None:
        return False
    letters, digits, tail = m.groups()
    notation = r"(?:\.sup\.|\.sub\.|\^|<sup>|<sub>|\s)?" if digits else ""
    token = re.compile(rf"(?<![a-z]){re.escape(letters)}{notation}{digits}{re.escape(tail)}(?![0-9a-z])")
    first = token.search(patent.source.text, claim.span[0], claim.span[1])
    return first is not None and first.start() < own.span[0]


def _descendants(scope: PatentScope, claim: Claim) -> list[Claim]:
    group = ("compound",) if claim.category == "compound" else ("process",)
    out = [claim]
    for c in scope.patent.claims:
        if c is not claim and c.category in group and claim in scope.ancestors(c):
            out.append(c)
    return out


def _heavy(mol: Chem.Mol, atoms: Iterable[int]) -> int:
    return sum(1 for i in atoms if mol.GetAtomWithIdx(i).GetAtomicNum() > 1)


def _branch(mol: Chem.Mol, root: int, site: int) -> frozenset[int]:
    """The atoms reached from ``root`` without passing ``site`` (the bond is acyclic)."""
    seen, todo = {root}, [root]
    while todo:
        for nb in mol.GetAtomWithIdx(todo.pop()).GetNeighbors():
            j = nb.GetIdx()
            if j != site and j not in seen:
                seen.add(j)
                todo.append(j)
    return frozenset(seen)


def _positions(mol: Chem.Mol) -> dict[int, str]:
    numberings, _ = _knowledge()
    out: dict[int, str] = {}
    for n in numberings:
        for match in mol.GetSubstructMatches(n.query, maxMatches=4):
            for q, locant in n.positions.items():
                if locant in n.preferred:
                    out.setdefault(match[q], f"{n.name} {locant}")
            break
    return out


def _known_sites(mol: Chem.Mol, terms: set[str]) -> set[int]:
    _, sites = _knowledge()
    out: set[int] = set()
    for s in sites:
        if not terms <= s.terms and not s.terms <= terms:
            continue
        for match in mol.GetSubstructMatches(s.query, maxMatches=16):
            out.add(match[s.site])
    return out


class _Checker:
    """Term checks with a cache (the same fragment is checked for many placements)."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self._cache: dict[tuple[str, str], bool] = {}

    def group(self, term: str, fragment: str) -> bool:
        key = (term, fragment)
        if key not in self._cache:
            try:
                self._cache[key] = self.vocabulary.check(term, fragment).ok
            except Exception:  # a fragment the vocabulary refuses (two attachments...) is no match
                self._cache[key] = False
        return self._cache[key]


def _site_candidates(work: _Work, ref: Target, var: str, alternatives: Sequence[tuple[int, tuple[str, ...]]],
                     hints: set[int], positions: Mapping[int, str], checker: _Checker) -> list[_Site]:
    """Every place of ``var`` in the reference its definitions allow, best first."""
    vocabulary = work.scope.vocabulary
    mol, parent = ref.explicit, ref.parent
    n_heavy = parent.GetNumAtoms()
    # an alternative cephkg cannot interpret (a lost image, "##STR12##") says nothing of the
    # variable's kind: the interpretable ones decide whether it is a ring atom or a substituent
    all_terms = [t for _, alts in alternatives for t in alts if vocabulary.interpretable(t)]
    out: list[_Site] = []
    ring_terms = [t for t in all_terms if vocabulary.is_ring_atom(t)]
    if ring_terms and len(ring_terms) == len(all_terms):
        known = _known_sites(parent, {vocabulary.canonical(t) or t for t in ring_terms} | {t.lower() for t in ring_terms})
        for atom in parent.GetAtoms():
            if not atom.IsInRing():
                continue
            terms: list[str] = []
            for _, alts in alternatives:
                ok = next((t for t in alts if vocabulary.check_atom(t, atom).ok), None)
                if ok is None:
                    break
                terms.append(ok)
            else:
                i = atom.GetIdx()
                out.append(_Site(var, "ring-atom", i, None, frozenset(), _atom_token(atom), tuple(terms),
                                 i in hints, i in known, positions.get(i), 0))
        return sorted(out, key=lambda s: s.rank(), reverse=True)[:MAX_SITES]
    sits: frozenset[int] | None = None
    others = [t for t in all_terms if vocabulary.canonical(t) != "hydrogen"]
    if others and all(vocabulary.sits_on(t) is not None for t in others):
        sits = frozenset().union(*(vocabulary.sits_on(t) or frozenset() for t in others))
    seen_h: set[int] = set()
    for bond in mol.GetBonds():
        if bond.IsInRing() or bond.GetBondType() != Chem.BondType.SINGLE:
            continue
        for site, root in ((bond.GetBeginAtomIdx(), bond.GetEndAtomIdx()),
                           (bond.GetEndAtomIdx(), bond.GetBeginAtomIdx())):
            site_atom = mol.GetAtomWithIdx(site)
            if site_atom.GetAtomicNum() <= 1:
                continue
            if sits is not None and site_atom.GetAtomicNum() not in sits:
                continue
            hydrogen = mol.GetAtomWithIdx(root).GetAtomicNum() == 1
            if hydrogen and site in seen_h:
                continue
            branch = _branch(mol, root, site)
            heavy = _heavy(mol, branch)
            if heavy * 2 >= n_heavy:
                continue
            fragment = "[*][H]" if hydrogen else fragment_smiles(mol, root, site, set(range(mol.GetNumAtoms())) - branch)
            if fragment is None:
                continue
            terms = []
            for _, alts in alternatives:
                ok = next((t for t in alts if checker.group(t, fragment)), None)
                if ok is None:
                    break
                terms.append(ok)
            else:
                if hydrogen:
                    seen_h.add(site)
                out.append(_Site(var, "group", site, root, branch, fragment, tuple(terms), site in hints,
                                 False, positions.get(site), heavy))
        if work.late():
            break
    return sorted(out, key=lambda s: s.rank(), reverse=True)[:MAX_SITES]


def _atom_token(atom: Chem.Atom) -> str:
    symbol = atom.GetSymbol().lower() if atom.GetIsAromatic() else atom.GetSymbol()
    h = atom.GetTotalNumHs()
    return f"[{symbol}{'H' if h else ''}{h if h > 1 else ''}]"


def _compatible(chosen: Sequence[_Site], site: _Site) -> bool:
    if not site.placed:
        return True
    for other in chosen:
        if not other.placed:
            continue
        if site.branch & other.branch:
            return False
        if site.atom in other.branch or other.atom in site.branch:
            return False
        if site.kind == "ring-atom" and other.kind == "ring-atom" and site.atom == other.atom:
            return False
    return True


def _combinations(per_var: Sequence[Sequence[_Site]]) -> list[tuple[_Site, ...]]:
    out: list[tuple[_Site, ...]] = []

    def walk(i: int, chosen: list[_Site]) -> None:
        if len(out) >= MAX_COMBINATIONS:
            return
        if i == len(per_var):
            out.append(tuple(chosen))
            return
        for site in per_var[i]:
            if _compatible(chosen, site):
                chosen.append(site)
                walk(i + 1, chosen)
                chosen.pop()

    walk(0, [])
    return out


def _score(combo: Sequence[_Site]) -> tuple[int, ...]:
    ranks = [s.rank() for s in combo]
    return tuple(sum(r[k] for r in ranks) for k in range(5))


# ----------------------------------------------------------------------------- the core

def _isomer(scope: PatentScope, claim: Claim, formula: Formula) -> str | None:
    for c in (claim, *scope.ancestors(claim)):
        for value in ((formula.isomer if c is claim else None), c.isomer):
            if value in ("syn", "anti"):
                return value
    return None


_OXIME_CN = Chem.MolFromSmarts("[CX3]=[NX2][OX2,OX1-]")


def _core(ref: Target, combo: Sequence[_Site], numbers: Mapping[str, int], vocabulary: Vocabulary,
          keep_oxime: bool, alternatives: Mapping[str, Sequence[str]]) -> tuple[str, bool]:
    """The core as SMILES (or SMARTS when a ring atom is a variable) with [*:n] per variable."""
    rw = Chem.RWMol(ref.explicit)
    drop: set[int] = set()
    lists: dict[int, str] = {}
    for site in combo:
        k = numbers[site.variable]
        if site.kind == "ring-atom":
            rw.GetAtomWithIdx(site.atom).SetAtomMapNum(k)
            lists[k] = site.variable
            continue
        if site.root is None:
            continue
        root = rw.GetAtomWithIdx(site.root)
        root.SetAtomicNum(0)
        root.SetFormalCharge(0)
        root.SetIsotope(0)
        root.SetNoImplicit(True)
        root.SetNumExplicitHs(0)
        root.SetIsAromatic(False)
        root.SetChiralTag(Chem.ChiralType.CHI_UNSPECIFIED)
        root.SetAtomMapNum(k)
        drop |= set(site.branch) - {site.root}
    for i in sorted(drop, reverse=True):
        rw.RemoveAtom(i)
    mol = rw.GetMol()
    with BlockLogs():
        mol = Chem.RemoveHs(mol, sanitize=False)
        mol.UpdatePropertyCache(strict=False)
    for atom in mol.GetAtoms():
        atom.SetChiralTag(Chem.ChiralType.CHI_UNSPECIFIED)
    oxime_bonds: set[int] = set()
    if keep_oxime:
        for m in mol.GetSubstructMatches(_OXIME_CN):
            oxime_bonds.add(mol.GetBondBetweenAtoms(m[0], m[1]).GetIdx())
    for bond in mol.GetBonds():
        if bond.GetBondType() == Chem.BondType.DOUBLE and bond.GetIdx() not in oxime_bonds:
            bond.SetStereo(Chem.BondStereo.STEREONONE)
        if bond.GetBondDir() in (Chem.BondDir.ENDUPRIGHT, Chem.BondDir.ENDDOWNRIGHT):
            bond.SetBondDir(Chem.BondDir.NONE)  # rewritten from the stereo kept
    Chem.SetDoubleBondNeighborDirections(mol)
    smiles = Chem.MolToSmiles(mol)
    if not lists:
        return smiles, False
    by_var = {numbers[s.variable]: s for s in combo if s.kind == "ring-atom"}

    def atom_list(m: re.Match[str]) -> str:
        k = int(m.group(3))
        site = by_var.get(k)
        if site is None:
            return m.group(0)
        aromatic = m.group(1).islower()
        table = Chem.GetPeriodicTable()
        first = table.GetAtomicNumber(m.group(1).capitalize())
        elements = [first, *(e for t in alternatives.get(site.variable, ()) for e in vocabulary.ring_atom_elements(t))]
        symbols = [table.GetElementSymbol(e) for e in dict.fromkeys(elements)]
        return "[" + ",".join(s.lower() if aromatic else s for s in symbols) + f":{k}]"

    return re.sub(r"\[([A-Za-z][a-z]?)(H\d*)?:(\d+)\]", atom_list, smiles), True


# ----------------------------------------------------------------------------- inference

def infer_structures(scope: PatentScope, descriptions: Mapping[str, str | None] | None = None,
                     time_budget: float = 20.0) -> list[InferenceOutcome]:
    """An outcome for every formula coverage needs that ``scope`` has no curated structure for."""
    out: list[InferenceOutcome] = []
    curated = scope.structures
    for claim, formula in target_formulas(scope.patent):
        if curated is not None and curated.get(claim.number, formula.index) is not None:
            continue
        work = _Work(scope, claim, formula, _variables(claim, formula), time.monotonic() + time_budget)
        try:
            out.append(_infer(work, descriptions or {}))
        except Exception as exc:  # one formula's inference never sinks the build
            out.append(InferenceOutcome(claim.number, formula.index, None, f"inference failed: {exc!r}"))
    return out


def _label(sp: SpeciesTarget) -> str:
    return f"claim {sp.claim} #{sp.index}"


_SPECIES_LABEL = re.compile(r"claim (\d+) #(\d+)")


def _infer(work: _Work, descriptions: Mapping[str, str | None]) -> InferenceOutcome:
    scope, claim, formula = work.scope, work.claim, work.formula
    here = (claim.number, formula.index)
    if not work.variables:
        return InferenceOutcome(*here, None, "the formula has no variables the text defines")
    constraints = scope.constraints(claim, work.variables, formula.definitions)
    undefined = [v for v, found in constraints.items() if not found]
    if undefined:
        return InferenceOutcome(*here, None, f"{', '.join(undefined)} has no definition at this claim")
    uninterpretable = sorted({f"{v}: '{t}'" for v, found in constraints.items() for c in found
                              for t in c.alternatives if not scope.vocabulary.interpretable(t)})
    pool = [sp for c in _descendants(scope, claim) for sp in scope.species_of(c) if sp.target is not None]
    fallback = not pool
    if fallback:
        pool = [sp for sp in scope.species.values() if sp.target is not None]
    if not pool:
        return InferenceOutcome(*here, None, "no compound named in the patent resolved to a structure")
    distinct: dict[str, SpeciesTarget] = {}
    for sp in sorted(pool, key=lambda s: (s.target.parent.GetNumAtoms() if s.target else 0, s.claim, s.index)):
        if sp.target is not None:
            distinct.setdefault(Chem.MolToSmiles(sp.target.parent), sp)
    ordered = list(distinct.values())
    ref_sp = ordered[0]
    ref = ref_sp.target
    if ref is None:  # pragma: no cover - filtered above
        return InferenceOutcome(*here, None, "no resolved compound")
    if fallback:
        ordered = _sharing_core(ordered)
    hints = _hint_atoms(work, ref, descriptions)
    positions = _positions(ref.parent)
    checker = _Checker(scope.vocabulary)
    per_var: list[list[_Site]] = []
    skipped: list[str] = []
    for var in list(work.variables):
        alternatives = [(c.claim, c.alternatives) for c in constraints[var]]
        sites = _site_candidates(work, ref, var, alternatives, hints.get(var, set()), positions, checker)
        nested = _nested(scope.patent, claim, var)
        if not sites and nested:
            work.variables.remove(var)
            skipped.append(var)
            continue
        if nested:
            sites = [*sites, _unplaced(var)]
        if not sites:
            lost = [u for u in uninterpretable if u.startswith(f"{var}:")]
            why = (f"{var}: no place in {_label(ref_sp)} ({ref_sp.name}) satisfies "
                   + " and ".join(f"'{' or '.join(alts)}' (claim {n})" for n, alts in alternatives))
            if lost:
                why += f"; {', '.join(lost)} is not a term cephkg can interpret"
            return InferenceOutcome(*here, None, why, tuple(_label(s) for s in ordered))
        per_var.append(sites)
        if work.late():
            return InferenceOutcome(*here, None, "time budget spent listing places")
    ring_alternatives = {v: [t for c in constraints[v] for t in c.alternatives] for v in work.variables}
    keep_oxime = _isomer(scope, claim, formula) is not None
    combos = sorted(_combinations(per_var), key=_score, reverse=True)
    if not combos:
        return InferenceOutcome(*here, None, "the variables' places overlap in every combination",
                                tuple(_label(s) for s in ordered))
    best: tuple[tuple[_Site, ...], GenericStructure, list[SpeciesTarget]] | None = None
    rivals: list[tuple[_Site, ...]] = []
    first_problem: str | None = None
    for combo in combos:
        if best is not None and _score(combo) < _score(best[0]):
            break
        if work.late():
            return InferenceOutcome(*here, None, "time budget spent checking placements",
                                    tuple(_label(s) for s in ordered))
        combo = tuple(s for s in combo if s.placed)
        numbers = {s.variable: i for i, s in enumerate(combo, 1)}
        text, is_smarts = _core(ref, combo, numbers, scope.vocabulary, keep_oxime, ring_alternatives)
        structure = GenericStructure(claim.number, formula.index, formula.label, text, is_smarts,
                                     tuple(sorted((k, v) for v, k in numbers.items())), False, True, "",
                                     "inference")
        fitting, problem = _consistent(scope, claim, formula, structure, ordered, ref_sp, fallback)
        if problem is not None:
            first_problem = first_problem or problem
            continue
        if best is None:
            best = (combo, structure, fitting)
        elif {(s.variable, s.atom, s.root) for s in combo} != {(s.variable, s.atom, s.root) for s in best[0]}:
            rivals.append(combo)
    if best is None:
        return InferenceOutcome(*here, None, f"no placement fits every named compound: {first_problem}",
                                tuple(_label(s) for s in ordered))
    combo, structure, fitting = best
    if rivals:
        differing = sorted({s.variable for r in rivals for s, t in zip(r, combo, strict=True)
                            if (s.atom, s.root) != (t.atom, t.root)})
        return InferenceOutcome(*here, None, f"cannot place {', '.join(differing)}: "
                                f"{len(rivals) + 1} placements fit every named compound equally well",
                                tuple(_label(s) for s in fitting))
    evidence = _evidence(scope, claim, formula, combo, fitting, ordered, ref_sp, constraints, keep_oxime, fallback)
    skipped += [v for v in work.variables if v not in {s.variable for s in combo}]
    evidence += [f"{v} not placed: the claim names it inside another variable's definition (a variable of a "
                 "group), and no named compound shows it on the core" for v in skipped]
    confidence = round(max(0.1, _confidence(combo, fitting) - 0.05 * len(skipped)), 2)
    note = (f"Inferred by cephkg from {len(fitting)} named compound(s); "
            "not drawn by a person: check it, or give a curated structure.")
    structure = GenericStructure(structure.claim, structure.formula, structure.label, structure.text,
                                 structure.is_smarts, structure.variables, False, True, note, "inference",
                                 tuple(evidence), confidence)
    return InferenceOutcome(*here, structure, None, tuple(_label(s) for s in fitting))


def _sharing_core(species: Sequence[SpeciesTarget]) -> list[SpeciesTarget]:
    """The named compounds that share most of the smallest one's atoms (MCS)."""
    ref = species[0].target
    if ref is None or len(species) == 1:
        return list(species)
    out = [species[0]]
    for sp in species[1:]:
        if sp.target is None:
            continue
        key = (ref.standardised.parent_smiles, sp.target.standardised.parent_smiles)
        shares = _SHARING.get(key)
        if shares is None:
            shares = _contains_whole(sp.target.parent, ref.parent) or _mcs_reaches(
                ref.parent, sp.target.parent, -(-ref.parent.GetNumAtoms() * 7 // 10))
            if len(_SHARING) >= 100_000:
                _SHARING.clear()
            _SHARING[key] = shares
        if shares:
            out.append(sp)
    return out


#: (smallest compound, other compound) -> whether they share the core, as worked out before
#: (each formula of a patent asks again about the same compounds, and patents name the same ones)
_SHARING: dict[tuple[str, str], bool] = {}


def _contains_whole(mol: Chem.Mol, ref: Chem.Mol) -> bool:
    """Whether all of ``ref`` is in ``mol`` with ring bonds on ring bonds and chain bonds on chain
    bonds: then their MCS (ring matches ring only) is ``ref`` itself, without searching for it."""
    with BlockLogs():
        matches = mol.GetSubstructMatches(ref, uniquify=False, maxMatches=64)
    bonds = [(b.GetBeginAtomIdx(), b.GetEndAtomIdx(), b.IsInRing()) for b in ref.GetBonds()]
    atoms = [a.IsInRing() for a in ref.GetAtoms()]
    for match in matches:
        if all(mol.GetAtomWithIdx(match[i]).IsInRing() == ring for i, ring in enumerate(atoms)) and all(
                (found := mol.GetBondBetweenAtoms(match[a], match[b])) is not None and found.IsInRing() == ring
                for a, b, ring in bonds):
            return True
    return False


class _Enough(rdFMCS.MCSProgress):
    """Stops the MCS search once a common substructure of ``need`` atoms is found."""

    def __init__(self, need: int) -> None:
        super().__init__()
        self.need = need
        self.best = 0

    def __call__(self, stat: Any, _params: Any) -> bool:
        self.best = max(self.best, int(stat.numAtoms))
        return self.best < self.need


def _mcs_reaches(ref: Chem.Mol, mol: Chem.Mol, need: int) -> bool:
    """Whether the maximum common substructure (ring bonds on ring bonds, 2 s at most) has
    ``need`` atoms or more; the search stops as soon as it has found that many."""
    params: Any = rdFMCS.MCSParameters()  # RDKit's stub types its fields as the class itself
    params.Timeout = 2
    params.AtomCompareParameters.RingMatchesRingOnly = True
    params.BondCompareParameters.RingMatchesRingOnly = True
    enough = _Enough(need)
    params.ProgressCallback = enough
    with BlockLogs():
        found = rdFMCS.FindMCS([ref, mol], params)
    return max(int(found.numAtoms), enough.best) >= need


def _hint_atoms(work: _Work, ref: Target, descriptions: Mapping[str, str | None]) -> dict[str, set[int]]:
    """Per variable: the reference atoms inside the class another formula of the claim names."""
    out: dict[str, set[int]] = {}
    for other in work.claim.formulas:
        if other.index == work.formula.index:
            continue
        name = description_name(other.description)
        smiles = descriptions.get(name) if name else None
        if not smiles:
            continue
        with BlockLogs():
            mol = Chem.MolFromSmiles(smiles)
        if mol is None or mol.GetNumAtoms() < 3:
            continue
        atoms = {i for m in ref.parent.GetSubstructMatches(mol, maxMatches=16) for i in m}
        if not atoms:
            continue
        for d in other.definitions:
            if d.variable in work.variables:
                out.setdefault(d.variable, set()).update(atoms)
    return out


def _consistent(scope: PatentScope, claim: Claim, formula: Formula, structure: GenericStructure,
                species: Sequence[SpeciesTarget], ref_sp: SpeciesTarget,
                fallback: bool) -> tuple[list[SpeciesTarget], str | None]:
    """The compounds the structure fits (all of them, unless gathered from the whole patent)."""
    fitting: list[SpeciesTarget] = []
    for sp in species:
        if sp.target is None:
            continue
        own_claim = claim if fallback else scope.patent.claim(sp.claim)
        verdict = scope.match_structure(own_claim, sp.target, structure,
                                        formula.definitions if own_claim is claim else ())
        if verdict is not None and verdict.ok:
            fitting.append(sp)
            continue
        if fallback and sp is not ref_sp:
            continue
        why = verdict.reasons[0] if verdict is not None and verdict.reasons else "the core is not in it"
        return fitting, f"{_label(sp)} ({sp.name}): {why}"
    return fitting, None


def _evidence(scope: PatentScope, claim: Claim, formula: Formula, combo: Sequence[_Site],
              fitting: Sequence[SpeciesTarget], pool: Sequence[SpeciesTarget], ref_sp: SpeciesTarget,
              constraints: Mapping[str, Any], keep_oxime: bool, fallback: bool) -> list[str]:
    out = [("named compounds of the patent sharing the core" if fallback else
            f"named compounds under claim {claim.number}") + ": "
           + "; ".join(f"{_label(s)} {s.name}" for s in fitting)]
    if fallback and len(fitting) < len(pool):
        out.append(f"{len(pool) - len(fitting)} other named compound(s) of the patent do not fit this formula")
    out.append(f"reference compound: {_label(ref_sp)}")
    ref = ref_sp.target
    for site in combo:
        symbol = ref.explicit.GetAtomWithIdx(site.atom).GetSymbol() if ref is not None else "?"
        where = f"{site.position} ({symbol})" if site.position else f"atom {site.atom + 1} ({symbol}) of the reference"
        defs = "; ".join(f"'{' or '.join(c.alternatives)}' (claim {c.claim})" for c in constraints[site.variable])
        how = ("ring atom" if site.kind == "ring-atom" else "group") + f" {site.fragment} in the reference"
        extra = []
        if site.hint:
            extra.append("inside the part another formula of the claim names")
        if site.known:
            extra.append("a known ring-atom site of the field")
        out.append(f"{site.variable} at {where}: {how}, {' / '.join(site.terms)} by {defs}"
                   + (f" ({', '.join(extra)})" if extra else ""))
    if keep_oxime:
        out.append(f"oxime drawn {_isomer(scope, claim, formula)}, as the claim states; other stereo left open")
    else:
        out.append("stereo left open: the claim states none")
    out.append(f"consistent with all {len(fitting)} compound(s) at their own claims' definitions")
    return out


def _confidence(combo: Sequence[_Site], fitting: Sequence[SpeciesTarget]) -> float:
    """A rough figure: more compounds agreeing raise it; placements resting on hints lower it."""
    value = 0.5 + min(0.4, 0.1 * (len(fitting) - 1))
    if any(s.hint for s in combo):
        value -= 0.1
    if any(s.known for s in combo):
        value -= 0.05
    if all(s.fragment == "[*][H]" for s in combo if s.kind == "group") and any(s.kind == "group" for s in combo):
        value -= 0.1
    return round(max(0.1, min(0.95, value)), 2)


__all__ += ["MAX_COMBINATIONS", "MAX_SITES"]


# ----------------------------------------------------------------------------- wiring

def resolve_descriptions(patents: Sequence[Patent], cache_path: Path | NameCache | None) -> dict[str, str | None]:
    """OPSIN's structure for every formula description of ``patents`` (None where it reads none)."""
    names = list(dict.fromkeys(n for p in patents for n in description_names(p)))
    if not names:
        return {}
    try:
        results = resolve_names(names, open_cache(cache_path))
    except ResolutionError:
        return {}
    return {n: (r.smiles if r.ok and r.smiles else None) for n, r in results.items()}


def scope_with_inference(scope: PatentScope, descriptions: Mapping[str, str | None] | None = None,
                         outcomes: Sequence[InferenceOutcome] | None = None,
                         time_budget: float = 20.0) -> tuple[PatentScope, tuple[InferenceOutcome, ...]]:
    """``scope`` with inferred structures for the formulas it has none for (curated ones win).

    ``outcomes`` are earlier results (from the store); without them the inference runs now.
    """
    found = tuple(outcomes) if outcomes is not None else tuple(infer_structures(scope, descriptions, time_budget))
    structures = effective_structures(scope.structures, (o.structure for o in found if o.structure is not None),
                                      f"<inferred for {scope.patent.patent_id}>")
    missing = {(o.claim, o.formula): o.failure for o in found if o.failure}
    given = {(s.claim, s.formula) for s in structures.structures} if structures is not None else set()
    missing = {k: v for k, v in missing.items() if k not in given}
    return PatentScope(scope.patent, structures, scope.species, scope.vocabulary, missing,
                       provisos=scope.provisos, salt_types=scope.salt_types), found


def scope_for(patent: Patent, cache_path: Path | None, structures: StructureFile | None = None) -> PatentScope:
    """A scope for a parsed patent: species through the OPSIN cache, the sidecar's curated
    structures (``structures``, or the sidecar next to the source file), inferred ones for the rest."""
    named = resolve_named_groups([patent], cache_path)
    base = curated_scope_for(patent, cache_path, structures, named)
    if named:
        conventions = dict(base.structures.conventions) if base.structures else None
        base = PatentScope(patent, base.structures, base.species, vocabulary_for(conventions, named),
                           provisos=base.provisos, salt_types=base.salt_types)
    return scope_with_inference(base, resolve_descriptions([patent], cache_path))[0]


__all__ += ["resolve_descriptions", "scope_for", "scope_with_inference"]
