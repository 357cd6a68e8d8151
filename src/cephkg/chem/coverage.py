"""Which claims cover a given compound, and why.

A compound (SMILES, InChI, or a name OPSIN reads) is standardised into a neutral parent
plus a salt form. Each claim is then decided by the rules of issue 3:

* Markush compound claims: the claim's generic structure (a curated sidecar, see
  :mod:`cephkg.chem.structures`, taken from the nearest claim up the ``depends_on`` chain that
  has one) must be a substructure; the substituent at every variable is cut out and must
  satisfy the claim's *effective* definition, i.e. the definitions of the claim and of
  every claim it depends on (all must hold). Stereo drawn in the structure must match;
  stereo left open matches anything.
* Species claims: the parent equals a named species (stereo the name leaves open matches
  anything). A species claim is exhaustive on salts: the compound itself and the salt
  forms it lists, nothing else. Markush claims cover salts when they, or a claim they
  depend on, have a salts clause.
* Process claims cover nothing but are reported ``product_of_process`` when a product
  formula (or a species the claim names) matches; composition, method-of-treatment and use
  claims are reported with their category when they refer to a covering claim.

Near misses are the claims whose compound-claim ancestors all cover the compound but which
fail themselves, with the first failing constraint first in ``reasons``.

The work is bounded per compound: a :class:`TimeBudget` (``coverage.time_budget_s`` in
``cephkg/data/limits.toml``) is checked between claims and matches and, for large
compounds, inside RDKit's substructure search; the claims it does not reach are
*cannot decide* (``undecided``), said so in their reason, never left running.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Literal

from rdkit import Chem
from rdkit.Chem.rdMolDescriptors import CalcMolFormula
from rdkit.rdBase import BlockLogs

from ..errors import InputError, InvalidFragment
from ..limits import limit
from ..model import Claim, Definition, Patent
from ..model import Proviso as ClaimProviso
from .compounds import resolve_species
from .guard import check_size, needs_isolation, run_isolated
from .names import NameCache, resolve_names
from .provisos import ProvisoLike, evaluate_provisos
from .salts import check_salt_types
from .standardise import Standardised, salt_forms, standardise
from .structures import GenericStructure, StructureFile, structure_query, structures_for
from .substituents import TermMatch, Vocabulary

__all__ = [
    "Assignment",
    "CoverageResult",
    "PatentScope",
    "QueryCompound",
    "Screen",
    "SpeciesTarget",
    "Target",
    "TimeBudget",
    "Verdict",
    "covers",
    "fragment_smiles",
    "parse_compound",
    "prepare_target",
]

Relation = Literal["covers", "product_of_process", "composition", "method_of_treatment", "use"]
Via = Literal["markush", "species"]
_REFERRING = ("composition", "method_of_treatment", "use")
_OXIME = Chem.MolFromSmarts("[CX3](=O)[CX3](=[NX2][OX2,OX1-])")


# ----------------------------------------------------------------------------- model

@dataclass(frozen=True, slots=True)
class Assignment:
    """The substituent a variable took and the group term of the claim it satisfies."""

    variable: str
    fragment: str
    term: str

    def to_dict(self) -> dict[str, str]:
        return {"fragment": self.fragment, "term": self.term}


@dataclass(frozen=True, slots=True)
class Verdict:
    """One claim's answer for one compound: ``covers`` (``ok``), ``does not cover`` (a near miss,
    the first failing constraint first) or ``cannot decide`` (``undecided``: no generic structure,
    an alternative cephkg cannot interpret, a time budget spent)."""

    patent: str
    claim: int
    category: str
    relation: Relation
    dependent: bool
    via: Via
    ok: bool
    assignment: tuple[Assignment, ...] = ()
    reasons: tuple[str, ...] = ()
    salt_rule: str | None = None
    structure: str | None = None  # "claim N formula M" of the structure used
    undecided: bool = False

    @property
    def decision(self) -> str:
        return "covers" if self.ok else "cannot decide" if self.undecided else "does not cover"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"patent": self.patent, "claim": self.claim, "category": self.category,
                               "relation": self.relation, "dependent": self.dependent, "via": self.via,
                               "assignment": {a.variable: a.to_dict() for a in self.assignment},
                               "reasons": list(self.reasons)}
        if self.salt_rule:
            out["salt_rule"] = self.salt_rule
        if self.structure:
            out["structure"] = self.structure
        if not self.ok:
            out["decision"] = self.decision
        return out


@dataclass(frozen=True, slots=True)
class QueryCompound:
    input: str
    smiles: str
    inchikey: str | None
    salt_form: str | None
    parent_smiles: str
    parent_inchikey: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"input": self.input, "smiles": self.smiles, "inchikey": self.inchikey,
                "salt_form": self.salt_form, "parent_smiles": self.parent_smiles,
                "parent_inchikey": self.parent_inchikey}


@dataclass(frozen=True, slots=True)
class CoverageResult:
    """``hits``: the claims that cover the compound; ``near_misses``: the claims that do not
    (every compound-claim ancestor covering or undecided), as before; ``undecided``: those of
    the near misses whose answer is "cannot decide"."""

    query: QueryCompound
    hits: tuple[Verdict, ...]
    near_misses: tuple[Verdict, ...]

    @property
    def undecided(self) -> tuple[Verdict, ...]:
        return tuple(n for n in self.near_misses if n.undecided)

    def to_dict(self) -> dict[str, Any]:
        return {"query": self.query.to_dict(), "hits": [h.to_dict() for h in self.hits],
                "near_misses": [n.to_dict() for n in self.near_misses],
                "undecided": [n.to_dict() for n in self.undecided]}

    def claims(self, patent: str | None = None, relation: str = "covers") -> list[int]:
        return [h.claim for h in self.hits if h.relation == relation and (patent is None or h.patent == patent)]


@dataclass(frozen=True, slots=True)
class Target:
    """A standardised compound ready for matching (parent with stereo, salt form apart)."""

    parent: Chem.Mol
    explicit: Chem.Mol
    formula: str
    salt_form: str | None
    standardised: Standardised
    #: what matching has worked out on this compound (substructure matches per generic
    #: structure, substituent fragments per cut), shared by every claim that asks again
    memo: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class SpeciesTarget:
    """A species a claim names, as a structure (None when its name did not resolve)."""

    claim: int
    index: int
    name: str
    salt_forms: tuple[str, ...]
    target: Target | None
    failure: str | None = None


class TimeBudget:
    """The time one compound may spend being decided against claims (``coverage.time_budget_s``).

    Checked between claims and between substructure matches, and inside RDKit's search
    for large compounds (an atom-pair check that fails every pair once time is up, so the
    search ends at once). ``seconds=None`` takes the limit's value.
    """

    __slots__ = ("deadline", "seconds")

    def __init__(self, seconds: float | None = None) -> None:
        self.seconds = float(limit("coverage.time_budget_s")) if seconds is None else float(seconds)
        self.deadline = time.monotonic() + self.seconds

    def left(self) -> bool:
        return time.monotonic() < self.deadline

    def check(self) -> None:
        if not self.left():
            raise _BudgetSpent

    def atom_check(self, _query_atom: Chem.Atom, _atom: Chem.Atom) -> bool:
        return time.monotonic() < self.deadline

    @property
    def reason(self) -> str:
        return (f"cannot decide: the time budget of {self.seconds:g} s for this compound was spent before this "
                "claim was decided (limit coverage.time_budget_s)")


class _BudgetSpent(Exception):
    """The time budget ran out (internal: turned into undecided verdicts)."""


def _matches(target: Chem.Mol, query: Chem.Mol, budget: TimeBudget | None, *, chirality: bool) -> tuple[tuple[int, ...], ...]:
    """Substructure matches (not uniquified, at most ``coverage.max_matches``) within the budget."""
    params: Any = Chem.SubstructMatchParameters()  # RDKit's stub types its fields as the class itself
    params.uniquify = False
    params.useChirality = chirality
    params.maxMatches = int(limit("coverage.max_matches"))
    if budget is not None:
        budget.check()
        if needs_isolation(target.GetNumAtoms()):  # small molecules match in microseconds: no per-pair callback
            params.setExtraAtomCheckFunc(budget.atom_check)
    with BlockLogs():
        found = target.GetSubstructMatches(query, params)
    if budget is not None:
        budget.check()  # the search may have been cut short: what it found is not the whole answer
    return tuple(found)


def _memo_matches(target: Target, structure: GenericStructure, budget: TimeBudget | None, *,
                  chirality: bool) -> tuple[tuple[int, ...], ...]:
    """:func:`_matches` of a generic structure, worked out once per compound (the claims of a
    chain share their structure); the budget is still checked on every call."""
    key = ("matches", structure.text, structure.is_smarts, chirality)
    found: tuple[tuple[int, ...], ...] | None = target.memo.get(key)
    if found is None:
        query = _tetrahedral_only(structure.query) if chirality else structure.query
        found = _matches(target.explicit, query, budget, chirality=chirality)
        target.memo[key] = found
    elif budget is not None:
        budget.check()
    return found


# ----------------------------------------------------------------------------- inputs

def _stereo_mol(smiles: str) -> Chem.Mol:
    with BlockLogs():
        mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        raise InputError(f"{smiles!r} is not a SMILES RDKit can read")
    Chem.SetBondStereoFromDirections(mol)
    return mol


def prepare_target(mol_or_smiles: Chem.Mol | str) -> Target:
    """Standardise and keep what matching needs (a SMILES is prepared once per process)."""
    if isinstance(mol_or_smiles, str):
        return _prepared(mol_or_smiles)
    return _prepare(mol_or_smiles)


@lru_cache(maxsize=16384)
def _prepared(smiles: str) -> Target:
    return _prepare(smiles)


def _prepare(mol_or_smiles: Chem.Mol | str) -> Target:
    std = standardise(mol_or_smiles)
    parent = _stereo_mol(std.parent_smiles)
    return Target(parent=parent, explicit=Chem.AddHs(parent), formula=CalcMolFormula(parent),
                  salt_form=std.salt_form, standardised=std)


def _short(text: str) -> str:
    return repr(text) if len(text) <= 80 else f"{text[:60]!r}... ({len(text):,} characters)"


def _read_structure(text: str) -> Chem.Mol | None:
    """The molecule of an InChI or SMILES (None if it is neither)."""
    with BlockLogs():
        if text.startswith("InChI="):
            mol = Chem.MolFromInchi(text)
            if mol is None:
                raise InputError(f"{_short(text)} is not an InChI RDKit can read")
            return _from_inchi(mol, text)
        mol = Chem.MolFromSmiles(text) if " " not in text else None
    return mol if mol is not None and mol.GetNumAtoms() else None


def probe_compound(text: str) -> None:
    """Everything ``covers`` does to read a compound (worker side of :func:`parse_compound`)."""
    mol = _read_structure(text)
    if mol is not None:
        target = prepare_target(mol)
        Chem.MolToSmiles(target.explicit)


def _guarded(text: str, what: str) -> None:
    """Size checks; a large structure is read once in a worker first (a crash there fails only this)."""
    if needs_isolation(check_size(text, what)):
        run_isolated(probe_compound, text, what=what)


def parse_compound(value: str, cache_path: Path | None = None) -> Chem.Mol:
    """A compound given as InChI, SMILES, or (failing both) a name OPSIN can read.

    The text is measured first (``structure.max_smiles_chars``, ``structure.max_atoms``)
    and a large structure is read in a worker process before it is read here.
    """
    text = value.strip()
    if text.startswith("InChI=") or " " not in text:
        _guarded(text, f"compound {_short(text)}")
    mol = _read_structure(text)
    if mol is not None:
        return mol
    res = resolve_names([text], NameCache(cache_path) if cache_path else None)[text]
    if not res.ok or not res.smiles:
        raise InputError(f"{value!r} is neither SMILES nor InChI, and OPSIN cannot read it as a name: {res.message}")
    _guarded(res.smiles, f"the structure OPSIN gives for {_short(text)}")
    return Chem.MolFromSmiles(res.smiles)


def _layers(inchi: str, drop: tuple[str, ...]) -> str:
    return "/".join(part for part in inchi.split("/") if not part.startswith(drop))


def _from_inchi(mol: Chem.Mol, inchi: str) -> Chem.Mol:
    """The usual tautomer of an InChI structure, with the InChI's double-bond geometry.

    InChI's mobile hydrogens come back as e.g. an imidic acid; RDKit's canonical tautomer
    is the amide, but tautomer canonicalisation drops C=N geometry, so the geometry is put
    back by choosing the stereoisomer whose InChI has the input's /b layer.
    """
    from rdkit.Chem.EnumerateStereoisomers import (
        EnumerateStereoisomers,
        StereoEnumerationOptions,
    )
    from rdkit.Chem.MolStandardize import rdMolStandardize

    with BlockLogs():
        canon = rdMolStandardize.TautomerEnumerator().Canonicalize(mol)
        drop = ("t", "m", "s") if "/t" not in inchi else ()
        wanted = _layers(inchi, drop)
        options = StereoEnumerationOptions(onlyUnassigned=True, unique=True, maxIsomers=256)
        for isomer in EnumerateStereoisomers(canon, options=options):
            if _layers(Chem.MolToInchi(isomer), drop) == wanted:
                if drop:
                    for atom in isomer.GetAtoms():
                        atom.SetChiralTag(Chem.ChiralType.CHI_UNSPECIFIED)
                return Chem.MolFromSmiles(Chem.MolToSmiles(isomer))
    return canon


# ----------------------------------------------------------------------------- stereo

def _cis(mol: Chem.Mol, a: int, b: int, na: int, nb: int) -> bool | None:
    """Are ``na`` (bonded to ``a``) and ``nb`` (bonded to ``b``) cis across a=b? None if open."""
    bond = mol.GetBondBetweenAtoms(a, b)
    if bond is None or bond.GetBondType() != Chem.BondType.DOUBLE:
        return None
    stereo = bond.GetStereo()
    if stereo in (Chem.BondStereo.STEREONONE, Chem.BondStereo.STEREOANY):
        return None
    atoms = list(bond.GetStereoAtoms())
    if len(atoms) != 2:
        return None
    cis = stereo in (Chem.BondStereo.STEREOCIS, Chem.BondStereo.STEREOZ)
    if bond.GetBeginAtomIdx() != a:
        na, nb = nb, na
    s1, s2 = atoms
    if na != s1:
        cis = not cis
    if nb != s2:
        cis = not cis
    return cis


def _geometry_word(mol: Chem.Mol, a: int, b: int, na: int, nb: int, cis: bool | None) -> str:
    if cis is None:
        return "unspecified"
    atom_a, atom_b = mol.GetAtomWithIdx(a), mol.GetAtomWithIdx(b)
    if {atom_a.GetSymbol(), atom_b.GetSymbol()} == {"C", "N"}:
        nc, nn = (na, nb) if atom_a.GetSymbol() == "C" else (nb, na)
        oxygen = mol.GetAtomWithIdx(nn).GetSymbol() == "O"
        carbonyl = any(bd.GetBondType() == Chem.BondType.DOUBLE and bd.GetOtherAtom(mol.GetAtomWithIdx(nc)).GetSymbol() == "O"
                       for bd in mol.GetAtomWithIdx(nc).GetBonds())
        if oxygen and carbonyl:
            return "syn" if cis else "anti"
    return "cis" if cis else "trans"


def _check_geometry(reference: Chem.Mol, target: Chem.Mol, match: Sequence[int]) -> str | None:
    """None when every double bond drawn with geometry in ``reference`` has it in ``target``."""
    for bond in reference.GetBonds():
        if bond.GetStereo() not in (Chem.BondStereo.STEREOCIS, Chem.BondStereo.STEREOTRANS,
                                    Chem.BondStereo.STEREOE, Chem.BondStereo.STEREOZ):
            continue
        a, b = bond.GetBeginAtomIdx(), bond.GetEndAtomIdx()
        na, nb = bond.GetStereoAtoms()
        want = _cis(reference, a, b, na, nb)
        got = _cis(target, match[a], match[b], match[na], match[nb])
        if got != want:
            wanted = _geometry_word(reference, a, b, na, nb, want)
            found = _geometry_word(target, match[a], match[b], match[na], match[nb], got)
            what = "oxime C=N" if "syn" in (wanted, found) or "anti" in (wanted, found) or {
                reference.GetAtomWithIdx(a).GetSymbol(), reference.GetAtomWithIdx(b).GetSymbol()} == {"C", "N"} else "C=C"
            if what == "oxime C=N" and wanted in ("cis", "trans"):
                wanted = _geometry_word(target, match[a], match[b], match[na], match[nb], want)
            return f"the {what} geometry is {found}; the claim requires {wanted}"
    return None


# ----------------------------------------------------------------------------- matching

def fragment_smiles(mol: Chem.Mol, root: int, core_neighbour: int, core: set[int]) -> str | None:
    """SMILES of the substituent at ``root`` with ``[*]`` for the core; None if it rejoins the core."""
    seen = {root}
    todo = [root]
    while todo:
        i = todo.pop()
        for nb in mol.GetAtomWithIdx(i).GetNeighbors():
            j = nb.GetIdx()
            if j == core_neighbour and i == root:
                continue
            if j in core and j != root:
                return None
            if j not in seen:
                seen.add(j)
                todo.append(j)
    rw = Chem.RWMol(mol)
    attach = rw.GetAtomWithIdx(core_neighbour)
    attach.SetAtomicNum(0)
    attach.SetFormalCharge(0)
    attach.SetIsotope(0)
    attach.SetNoImplicit(True)
    attach.SetNumExplicitHs(0)
    attach.SetChiralTag(Chem.ChiralType.CHI_UNSPECIFIED)
    keep = seen | {core_neighbour}
    rw.BeginBatchEdit()  # one renumbering at the end, not one per atom removed (quadratic on large molecules)
    for idx in sorted((a.GetIdx() for a in rw.GetAtoms() if a.GetIdx() not in keep), reverse=True):
        rw.RemoveAtom(idx)
    rw.CommitBatchEdit()
    frag = rw.GetMol()
    with BlockLogs():
        if frag.GetNumAtoms() == 2 and any(a.GetAtomicNum() == 1 for a in frag.GetAtoms()):
            return "[*][H]"
        frag = Chem.RemoveHs(frag, sanitize=False)
        try:
            Chem.SanitizeMol(frag)
        except Exception:
            pass
        smiles = Chem.MolToSmiles(frag)
        return smiles if "[*" in smiles else smiles.replace("*", "[*]")


@dataclass(frozen=True, slots=True)
class _Constraint:
    claim: int
    variable: str
    alternatives: tuple[str, ...]


@dataclass(slots=True)
class _Attempt:
    ok: bool
    passed: int
    reasons: list[str] = field(default_factory=list)
    assignment: list[Assignment] = field(default_factory=list)
    undecided: bool = False


class PatentScope:
    """One patent's claims, structures and species, ready to decide coverage."""

    def __init__(self, patent: Patent, structures: StructureFile | None,
                 species: Mapping[tuple[int, int], SpeciesTarget], vocabulary: Vocabulary | None = None,
                 missing: Mapping[tuple[int, int], str] | None = None, *,
                 provisos: Mapping[int, Sequence[ProvisoLike | ClaimProviso]] | None = None,
                 salt_types: Mapping[int, Sequence[str]] | None = None) -> None:
        self.patent = patent
        self.structures = structures
        #: per claim: the provisos it states (evaluated on the assignment, with its ancestors');
        #: by default those the reader found in the claim's text
        self.provisos: dict[int, Sequence[ProvisoLike | ClaimProviso]] = (
            dict(provisos) if provisos is not None else {c.number: c.provisos for c in patent.claims if c.provisos})
        #: per claim: the salt types it is limited to ("an alkali metal salt", ...); by default
        #: those the reader found
        self.salt_types: dict[int, Sequence[str]] = (
            dict(salt_types) if salt_types is not None
            else {c.number: [t.type for t in c.salt_types] for c in patent.claims if c.salt_types})
        #: why a formula has no structure (claim, formula) -> the inference's reason
        self.missing = dict(missing or {})
        self.species = dict(species)
        conventions = dict(structures.conventions) if structures else None
        self.vocabulary = vocabulary if vocabulary is not None else Vocabulary.load(conventions)
        self._claims = {c.number: c for c in patent.claims}

    # -- claim structure ------------------------------------------------------------

    def ancestors(self, claim: Claim) -> list[Claim]:
        """Claims ``claim`` depends on, nearest first (transitively)."""
        out: list[Claim] = []
        todo = list(claim.depends_on)
        while todo:
            n = todo.pop(0)
            parent = self._claims.get(n)
            if parent is not None and parent not in out:
                out.append(parent)
                todo.extend(parent.depends_on)
        return out

    def structure_for(self, claim: Claim) -> GenericStructure | None:
        """The first formula's structure of the claim or its nearest ancestor that has one."""
        if self.structures is None:
            return None
        for c in (claim, *self.ancestors(claim)):
            for f in c.formulas:
                s = self.structures.get(c.number, f.index)
                if s is not None:
                    return s
        return None

    def constraints(self, claim: Claim, variables: Iterable[str],
                    own: Sequence[Definition] = ()) -> dict[str, list[_Constraint]]:
        """Every explicit definition of each variable along the chain, root claim first."""
        chain = [*reversed(self.ancestors(claim)), claim]
        out: dict[str, list[_Constraint]] = {v: [] for v in variables}
        for c in chain:
            defs = list(c.definitions) + (list(own) if c is claim else [])
            seen: set[str] = set()
            for d in defs:
                if d.variable in out and not d.inherited and d.alternatives and d.variable not in seen:
                    seen.add(d.variable)
                    out[d.variable].append(_Constraint(c.number, d.variable, d.alternatives))
        return out

    def salts_clause_claim(self, claim: Claim) -> Claim | None:
        for c in (claim, *self.ancestors(claim)):
            if c.salts_clause is not None:
                return c
        return None

    def screen(self) -> Screen:
        """The patent's :class:`Screen`: its structures, its species' formulas, and what it
        answers for a compound that reaches neither."""
        structures = tuple(dict.fromkeys((s.text, s.is_smarts) for s in self.structures.structures)) \
            if self.structures is not None else ()
        formulas = tuple(sorted({sp.target.formula for sp in self.species.values() if sp.target is not None}))
        nothing = prepare_target(_NOTHING)
        always = any(_has_match(nothing, text, smarts, None) for text, smarts in structures)
        return Screen(structures, formulas, tuple(self.evaluate(nothing)), tuple(self.evaluate(nothing, TimeBudget(0))),
                      always)

    # -- decisions --------------------------------------------------------------------

    def evaluate(self, target: Target, budget: TimeBudget | None = None) -> list[Verdict]:
        """A verdict for every claim that matters: hits, near misses and undecided claims, claim order.

        ``budget`` bounds the time spent (a fresh ``coverage.time_budget_s`` when omitted);
        the claims it does not reach get a "cannot decide" verdict saying so.
        """
        budget = budget if budget is not None else TimeBudget()
        verdicts: dict[int, Verdict] = {}
        undecided: set[int] = set()
        for claim in sorted(self.patent.claims, key=lambda c: c.number):
            if claim.category not in ("compound", "process"):
                continue
            if undecided:
                undecided.add(claim.number)
                continue
            verdict: Verdict | None = None
            try:
                if claim.category == "compound":
                    verdict = (self._species(claim, target, "covers", budget) if claim.species
                               else self._markush(claim, target, "covers", budget=budget))
                else:
                    verdict = self._process(claim, target, budget)
            except _BudgetSpent:
                undecided.add(claim.number)
                continue
            if verdict is not None:
                verdicts[claim.number] = verdict
        for claim in self.patent.claims:
            if claim.category in ("compound", "process") and claim.number in undecided:
                verdicts[claim.number] = self._verdict(claim, "covers" if claim.category == "compound" else
                                                       "product_of_process", "species" if claim.species else "markush",
                                                       False, (budget.reason,), undecided=True)
        for claim in self.patent.claims:
            if claim.category in _REFERRING:
                covering = [verdicts[n] for n in claim.refers_to if n in verdicts and verdicts[n].ok
                            and verdicts[n].relation == "covers"]
                if not covering and any(n in undecided for n in claim.refers_to):
                    verdicts[claim.number] = self._verdict(claim, claim.category, "markush", False,  # type: ignore[arg-type]
                                                           (budget.reason,), undecided=True)
                if covering:
                    first = covering[0]
                    verdicts[claim.number] = Verdict(
                        self.patent.patent_id, claim.number, claim.category, claim.category,  # type: ignore[arg-type]
                        bool(claim.depends_on), first.via, True, first.assignment,
                        (f"claim {claim.number} ({claim.category.replace('_', ' ')}) refers to claim "
                         f"{first.claim}, which covers the compound",), first.salt_rule, first.structure)
        return [v for v in sorted(verdicts.values(), key=lambda v: v.claim)
                if v.ok or v.claim in undecided or self._is_frontier(v, verdicts)]

    def _is_frontier(self, v: Verdict, verdicts: Mapping[int, Verdict]) -> bool:
        """A failure is a near miss when every compound claim it depends on covers the compound
        (or, for a claim that cannot be decided, covers it or cannot be decided either)."""
        if not v.reasons:
            return False
        claim = self._claims[v.claim]
        for a in self.ancestors(claim):
            prior = verdicts.get(a.number)
            if a.category in ("compound", "process") and (
                    prior is None or not (prior.ok or (v.undecided and prior.undecided))):
                return False
        return True

    def _verdict(self, claim: Claim, relation: Relation, via: Via, ok: bool, reasons: Sequence[str],
                 assignment: Sequence[Assignment] = (), salt_rule: str | None = None,
                 structure: str | None = None, undecided: bool = False) -> Verdict:
        return Verdict(self.patent.patent_id, claim.number, claim.category, relation, bool(claim.depends_on),
                       via, ok, tuple(assignment), tuple(reasons), salt_rule, structure, undecided and not ok)

    def missing_reason(self, claim: Claim) -> str:
        """Why ``claim`` (and its ancestors) have no generic structure, for a "cannot decide"."""
        for c in (claim, *self.ancestors(claim)):
            for f in c.formulas:
                why = self.missing.get((c.number, f.index))
                if why:
                    return f"no generic structure for claim {c.number} formula {f.index}: {why}"
        return f"no generic structure is curated for claim {claim.number} (its formula image was lost)"

    def match_structure(self, claim: Claim, target: Target, structure: GenericStructure,
                        own: Sequence[Definition] = ()) -> Verdict | None:
        """Decide ``claim`` for ``target`` with the given structure (None: the core is not there).

        Provisos and salt types are left out: they narrow what the claim covers, not the
        structure it is drawn from, and a structure is judged by the compounds it must contain."""
        return self._markush(claim, target, "covers", structure, own, scope_limits=False)

    def _species(self, claim: Claim, target: Target, relation: Relation,
                 budget: TimeBudget | None = None) -> Verdict | None:
        near: Verdict | None = None
        for sp in sorted(self.species_of(claim), key=lambda s: s.index):
            if sp.target is None:
                continue
            same, why = _same_compound(sp.target, target, budget)
            if not same:
                if why is not None and near is None:
                    near = self._verdict(claim, relation, "species", False, (f"{why} (claim {claim.number} names {sp.name})",))
                continue
            reasons = [f"the parent equals the species claim {claim.number} names: {sp.name}"]
            if target.salt_form is None:
                rule = "the species itself"
            elif target.salt_form in sp.salt_forms:
                rule = f"claim {claim.number} names its {_salt_label(target.salt_form)}"
            else:
                listed = ", ".join(_salt_label(s) for s in sp.salt_forms) or "no salt"
                return self._verdict(claim, relation, "species", False, (
                    f"salt form {target.salt_form} is not named: claim {claim.number} names the compound "
                    f"and {listed}; a species claim covers exactly what it names",))
            reasons.append(rule)
            return self._verdict(claim, relation, "species", True, reasons, salt_rule=rule)
        return near

    def species_of(self, claim: Claim) -> list[SpeciesTarget]:
        return [sp for (c, _), sp in self.species.items() if c == claim.number]

    def _process(self, claim: Claim, target: Target, budget: TimeBudget | None = None) -> Verdict | None:
        if claim.species:
            return self._species(claim, target, "product_of_process", budget)
        consumed = {i for s in claim.steps for i in s.consumes}
        produced = {i for s in claim.steps for i in s.produces}
        best: Verdict | None = None
        for f in claim.formulas:
            if f.index in consumed or not (f.index == 1 or f.index in produced):
                continue
            structure = self.structures.get(claim.number, f.index) if self.structures is not None else None
            if structure is None:
                # Only the product the claim's preamble names (formula 1) makes the claim
                # undecidable; an intermediate without a structure does not.
                why = self.missing.get((claim.number, f.index)) if f.index == 1 else None
                if best is None and why:
                    best = self._verdict(claim, "product_of_process", "markush", False, (
                        f"no generic structure for claim {claim.number} formula {f.index}: {why}",), undecided=True)
                continue
            verdict = self._markush(claim, target, "product_of_process", structure, f.definitions, budget)
            if verdict is not None and verdict.ok:
                return verdict
            best = best or verdict
        return best

    def _markush(self, claim: Claim, target: Target, relation: Relation,
                 structure: GenericStructure | None = None, own: Sequence[Definition] = (),
                 budget: TimeBudget | None = None, *, scope_limits: bool = True) -> Verdict | None:
        structure = structure or self.structure_for(claim)
        if structure is None:
            return self._verdict(claim, relation, "markush", False, (self.missing_reason(claim),), undecided=True)
        where = f"claim {structure.claim} formula {structure.formula}"
        names = structure.variable_map
        constraints = self.constraints(claim, set(names.values()), own)
        query = structure.query
        matches = _memo_matches(target, structure, budget, chirality=False)
        chiral = (set(_memo_matches(target, structure, budget, chirality=True))
                  if matches and _has_centres(structure.reference) else None)
        if not matches:
            return None
        best: _Attempt | None = None
        seen: set[tuple[int, ...]] = set()
        for match in matches:
            if budget is not None:
                budget.check()
            key = tuple(match[a.GetIdx()] for a in query.GetAtoms()
                        if a.GetAtomMapNum() or target.explicit.GetAtomWithIdx(match[a.GetIdx()]).GetAtomicNum() != 1)
            if key in seen:
                continue
            seen.add(key)
            attempt = self._attempt(structure, target, match, names, constraints)
            if attempt.ok and chiral is not None and tuple(match) not in chiral:
                attempt = _Attempt(False, 1, [f"a stereocentre {where} fixes differs or is unspecified in the compound"])
            if attempt.ok and scope_limits:
                attempt = self._apply_provisos(claim, attempt)
            if attempt.ok:
                salt_rule, salt_problem = self._salt_rule(claim, target, salt_types=scope_limits)
                if salt_problem is not None:
                    return self._verdict(claim, relation, "markush", False, (salt_problem,), attempt.assignment,
                                         structure=where)
                reasons = [f"contains the generic structure of {where}" + _provenance(structure), *attempt.reasons]
                if salt_rule:
                    reasons.append(f"salt form {target.salt_form}: covered by the {salt_rule}")
                return self._verdict(claim, relation, "markush", True, reasons, attempt.assignment, salt_rule, where)
            if best is None or attempt.passed > best.passed:
                best = attempt
        if best is None:  # every match repeated one already tried
            return None
        return self._verdict(claim, relation, "markush", False, best.reasons, best.assignment, None, where,
                             best.undecided)

    def _apply_provisos(self, claim: Claim, attempt: _Attempt) -> _Attempt:
        """The attempt, or a failure naming the proviso (of the claim or an ancestor) that excludes it."""
        provisos = [p for c in (claim, *self.ancestors(claim)) for p in self.provisos.get(c.number, ())]
        if not provisos:
            return attempt
        values = {a.variable: a.fragment for a in attempt.assignment}
        decision = evaluate_provisos(provisos, values, self.vocabulary)
        if decision.ok:
            return attempt
        return _Attempt(False, attempt.passed, [decision.reason or "excluded by a proviso"], attempt.assignment,
                        undecided=decision.undecided)

    def _salt_rule(self, claim: Claim, target: Target, *, salt_types: bool = True) -> tuple[str | None, str | None]:
        """(the rule that lets the claim reach the salt form, or why it cannot)."""
        limited = next(((c, self.salt_types[c.number]) for c in (claim, *self.ancestors(claim))
                        if salt_types and self.salt_types.get(c.number)), None)
        if limited is not None:
            limiter, allowed = limited
            decision = check_salt_types(target.salt_form, allowed)
            if not decision.ok:
                return None, f"{decision.reason} (claim {limiter.number})"
            return f"salt types of claim {limiter.number}: {decision.reason}", None
        if target.salt_form is None:
            return None, None
        owner = self.salts_clause_claim(claim)
        if owner is None or owner.salts_clause is None:
            return None, (f"the compound is a salt ({target.salt_form}) and neither claim {claim.number} nor a "
                          "claim it depends on has a salts clause")
        bad = _unsalted(target.salt_form)
        if bad:
            return None, bad
        return (f"salts clause of claim {owner.number} ('{owner.salts_clause.text}')"
                + ("" if owner is claim else f", inherited by claim {claim.number}")), None

    def _check_fragment(self, term: str, *, fragment: str, display: str) -> TermMatch:
        try:
            return self.vocabulary.check(term, fragment, name=display)
        except InvalidFragment:  # a ring-atom term among group terms ("X is --S-- or amino")
            return TermMatch(term, False, (f"{display} is not {term}: '{term}' is a ring atom, not a group",))

    def _attempt(self, structure: GenericStructure, target: Target, match: Sequence[int],
                 names: Mapping[int, str], constraints: Mapping[str, list[_Constraint]]) -> _Attempt:
        query = structure.query
        core = {match[a.GetIdx()] for a in query.GetAtoms() if not _is_dummy(a, structure)}
        attempt = _Attempt(True, 0)
        image = set(match)
        for atom in query.GetAtoms():
            if _is_dummy(atom, structure) or atom.GetAtomMapNum():  # a ring-atom variable's term judges it
                continue
            got = target.explicit.GetAtomWithIdx(match[atom.GetIdx()])
            if any(n.GetAtomicNum() != 1 and n.GetIdx() not in image for n in got.GetNeighbors()):
                return _Attempt(False, 0, [
                    f"the {got.GetSymbol()} at position {atom.GetIdx() + 1} of the generic structure carries a "
                    "substituent in the compound where the structure has hydrogen (no variable there)"])
        geometry = _check_geometry(structure.reference, target.explicit, match)
        if geometry is not None:
            return _Attempt(False, 0, [geometry])
        attempt.passed += 1
        seen_vars: dict[str, int] = {}
        for atom in query.GetAtoms():
            k = atom.GetAtomMapNum()
            if not k:
                continue
            var = names[k]
            seen_vars[var] = seen_vars.get(var, 0) + 1
            label = var if seen_vars[var] == 1 else f"{var}#{seen_vars[var]}"
            t = match[atom.GetIdx()]
            if _is_dummy(atom, structure):
                nbrs = [n.GetIdx() for n in atom.GetNeighbors()]
                cut = ("fragment", t, match[nbrs[0]], frozenset(core))
                if cut not in target.memo:
                    target.memo[cut] = fragment_smiles(target.explicit, t, match[nbrs[0]], core)
                frag = target.memo[cut]
                if frag is None:
                    return _Attempt(False, attempt.passed, [f"{var} forms a ring with the rest of the structure"])
                display = f"{var} = {frag}"
                check: Callable[[str], TermMatch] = partial(self._check_fragment, fragment=frag, display=display)
            else:
                heavy = target.parent.GetAtomWithIdx(t)
                frag = f"[{heavy.GetSymbol() if not heavy.GetIsAromatic() else heavy.GetSymbol().lower()}" + \
                       (f"H{heavy.GetTotalNumHs()}" if heavy.GetTotalNumHs() else "") + "]"
                display = f"{var} = {frag}"
                check = partial(_ring_check, self.vocabulary, atom=heavy, display=display)
            terms: list[str] = []
            if not constraints.get(var):
                return _Attempt(False, attempt.passed, [f"{var} has no definition at this claim"])
            for c in constraints[var]:
                results = [check(term) for term in c.alternatives]
                passed = [r for r in results if r.ok]
                if not passed:
                    if len(results) == 1:
                        first = results[0].reasons[0]
                    else:
                        details = "; ".join(r.reasons[0].split(": ", 1)[-1] for r in results)
                        first = f"{display} is not {' or '.join(c.alternatives)}: {details}"
                    lost = [t for t, r in zip(c.alternatives, results, strict=True) if _uninterpretable(r)]
                    return _Attempt(False, attempt.passed, [f"{first} (claim {c.claim})", *results[0].reasons[1:]],
                                    attempt.assignment, undecided=bool(lost))
                attempt.passed += 1
                terms.append(passed[0].term)
                attempt.reasons.append(f"{passed[0].reasons[0]} (claim {c.claim})")
            attempt.assignment.append(Assignment(label, frag, terms[-1]))
        return attempt


def _uninterpretable(result: TermMatch) -> bool:
    return not result.ok and result.reasons[0].endswith("is not a term cephkg can interpret")


def _provenance(structure: GenericStructure) -> str:
    if structure.origin == "inference":
        return " (inferred by cephkg from the named compounds" + (
            f", confidence {structure.confidence:.2f}" if structure.confidence is not None else "") + ")"
    if structure.origin == "drawn":
        return " (drawn)"
    return " (curated" + (", inferred" if structure.inferred else "") + ")" if structure.curated else ""


def _has_centres(mol: Chem.Mol) -> bool:
    return any(a.GetChiralTag() != Chem.ChiralType.CHI_UNSPECIFIED for a in mol.GetAtoms())


def _tetrahedral_only(mol: Chem.Mol) -> Chem.Mol:
    """A copy without double-bond stereo, so chiral matching judges only stereocentres."""
    out = Chem.Mol(mol)
    for bond in out.GetBonds():
        bond.SetStereo(Chem.BondStereo.STEREONONE)
        if bond.GetBondDir() != Chem.BondDir.NONE:
            bond.SetBondDir(Chem.BondDir.NONE)
    return out


def _is_dummy(atom: Chem.Atom, structure: GenericStructure) -> bool:
    if not atom.GetAtomMapNum():
        return False
    if structure.is_smarts:
        ref = structure.reference.GetAtomWithIdx(atom.GetIdx())
        return ref.GetAtomicNum() == 0
    return atom.GetAtomicNum() == 0


def _ring_check(vocabulary: Vocabulary, term: str, *, atom: Chem.Atom, display: str) -> TermMatch:
    """check_atom with the variable named in the reasons ("Y = [n] is nitrogen")."""
    result = vocabulary.check_atom(term, atom)
    first = result.reasons[0]
    if first.startswith("["):
        first = f"{display} {first.split(' ', 1)[1]}"
    return TermMatch(result.term, result.ok, (first, *result.reasons[1:]))


def _salt_label(form: str) -> str:
    for f in salt_forms():
        if f.id == form:
            return f.label
    return form


def _unsalted(salt_form: str) -> str | None:
    """Why a salt form is outside a salts clause, or None when it is a salt."""
    kinds = {f.id: f.kind for f in salt_forms()}
    for part in salt_form.split(";"):
        if part.startswith("unknown:"):
            return (f"counter-ion {part[8:]} is not in the salt-form vocabulary, so it cannot be judged a "
                    "(pharmaceutically acceptable) salt")
        if kinds.get(part) == "solvate":
            return f"{part} is a solvate, not a salt; the salts clause does not reach it"
    return None


def _same_compound(species: Target, target: Target, budget: TimeBudget | None = None) -> tuple[bool, str | None]:
    """Equal parents, stereo the species leaves open matching anything.

    Returns (False, reason) when the constitution is the same but stereo differs, and
    (False, None) when the compounds are simply different.
    """
    if species.formula != target.formula or species.parent.GetNumAtoms() != target.parent.GetNumAtoms():
        return False, None
    if budget is not None:
        budget.check()
    with BlockLogs():
        flat = target.parent.GetSubstructMatches(species.parent, useChirality=False, uniquify=False, maxMatches=200)
        chiral = target.parent.GetSubstructMatches(_tetrahedral_only(species.parent), useChirality=True,
                                                   uniquify=False, maxMatches=200)
    if not flat:
        return False, None
    if not chiral:
        return False, "same constitution, but a stereocentre the species fixes differs or is unspecified"
    why = None
    for match in chiral:
        why = _check_geometry(species.parent, target.parent, match)
        if why is None:
            return True, None
    return False, why


# ----------------------------------------------------------------------------- screen

#: a compound no generic structure matches and no species equals: what a patent answers for
#: it is the same for every such compound (its claims without a structure cannot decide it)
_NOTHING = "[He]"


@dataclass(frozen=True, slots=True)
class Screen:
    """What a patent answers for a compound, decided without its claims where possible.

    A compound that contains none of the patent's generic structures (``structures``: their
    text and whether it is SMARTS) and has the molecular formula of none of its species
    (``formulas``) reaches no claim by matching: the patent's verdicts for it are
    ``default`` (the claims without a structure, which cannot decide any compound), or
    ``spent`` when the compound's time budget is already spent. ``always``: a structure so
    general that every compound must be decided in full. Built once per patent at build
    time (:meth:`PatentScope.screen`), kept in the store's index, so ``covers`` decides in
    full only the patents a compound can reach.
    """

    structures: tuple[tuple[str, bool], ...]
    formulas: tuple[str, ...]
    default: tuple[Verdict, ...]
    spent: tuple[Verdict, ...]
    always: bool = False

    def reaches(self, target: Target, budget: TimeBudget | None = None) -> bool:
        """Whether ``target`` may get more than the default verdicts (a structure or species formula matches)."""
        if self.always or target.formula in self.formulas:
            return True
        return any(_has_match(target, text, is_smarts, budget) for text, is_smarts in self.structures)

    def verdicts(self, budget: TimeBudget) -> tuple[Verdict, ...]:
        """The default verdicts, or those of a spent budget (with this budget's reason)."""
        if budget.left():
            return self.default
        spent_reason = TimeBudget(0).reason
        return tuple(v if v.reasons != (spent_reason,) else replace(v, reasons=(budget.reason,)) for v in self.spent)

    def to_dict(self) -> dict[str, Any]:
        return {"structures": [[t, m] for t, m in self.structures], "formulas": list(self.formulas),
                "default": [_verdict_row(v) for v in self.default], "spent": [_verdict_row(v) for v in self.spent],
                "always": self.always}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Screen:
        return cls(tuple((str(t), bool(m)) for t, m in data["structures"]), tuple(data["formulas"]),
                   tuple(_verdict_of(r) for r in data["default"]), tuple(_verdict_of(r) for r in data["spent"]),
                   bool(data.get("always", False)))


def _verdict_row(v: Verdict) -> list[Any]:
    return [v.patent, v.claim, v.category, v.relation, v.dependent, v.via, v.ok,
            [[a.variable, a.fragment, a.term] for a in v.assignment], list(v.reasons), v.salt_rule, v.structure,
            v.undecided]


def _verdict_of(row: Sequence[Any]) -> Verdict:
    return Verdict(row[0], int(row[1]), row[2], row[3], bool(row[4]), row[5], bool(row[6]),
                   tuple(Assignment(*a) for a in row[7]), tuple(row[8]), row[9], row[10], bool(row[11]))


def _has_match(target: Target, text: str, is_smarts: bool, budget: TimeBudget | None) -> bool:
    """Whether a generic structure is in the compound: the search :meth:`PatentScope._markush`
    starts with, and remembers, so a patent the screen lets through does not search again."""
    key = ("matches", text, is_smarts, False)
    known = target.memo.get(key)
    if known is None:
        query = structure_query(text, is_smarts)
        if query is None:
            return True  # a structure RDKit cannot read: let the patent decide in full
        known = target.memo[key] = _matches(target.explicit, query, budget, chirality=False)
    return bool(known)


# ----------------------------------------------------------------------------- stores

def species_targets(patent: Patent, structures: Mapping[tuple[int, int], str | None],
                    failures: Mapping[tuple[int, int], str] | None = None) -> dict[tuple[int, int], SpeciesTarget]:
    """Species of ``patent`` with their resolved parent SMILES (keys: claim, species index)."""
    out: dict[tuple[int, int], SpeciesTarget] = {}
    for claim in patent.claims:
        for sp in claim.species:
            key = (claim.number, sp.index)
            smiles = structures.get(key)
            target = prepare_target(smiles) if smiles else None
            out[key] = SpeciesTarget(claim.number, sp.index, sp.name, sp.salt_forms, target,
                                     (failures or {}).get(key))
    return out


def scope_for(patent: Patent, cache_path: Path | None, structures: StructureFile | None = None,
              named: Mapping[str, str] | None = None) -> PatentScope:
    """A scope for a parsed patent, its species resolved through the OPSIN cache.

    ``structures`` defaults to the patent's sidecar next to its source file, if any.
    """
    resolved = resolve_species([patent], cache_path, named)
    smiles = {k[1:]: r.smiles for k, r in resolved.items() if k[0] == patent.patent_id}
    failures = {k[1:]: r.failure for k, r in resolved.items() if k[0] == patent.patent_id and r.failure}
    if structures is None:
        structures = structures_for(patent)
    return PatentScope(patent, structures, species_targets(patent, smiles, failures))


def covers(value: str | Chem.Mol, scopes: Sequence[PatentScope], cache_path: Path | None = None,
           time_budget_s: float | None = None) -> CoverageResult:
    """Decide every claim of ``scopes`` for one compound.

    The compound gets one time budget for all scopes (``time_budget_s``, else the limit
    ``coverage.time_budget_s``); claims it does not reach are "cannot decide" (``undecided``).
    """
    mol = value if isinstance(value, Chem.Mol) else parse_compound(value, cache_path)
    budget = TimeBudget(time_budget_s)
    target = prepare_target(mol)
    query = _query_compound(value, target)
    hits: list[Verdict] = []
    near: list[Verdict] = []
    for scope in scopes:
        for v in scope.evaluate(target, budget):
            (hits if v.ok else near).append(v)
    return CoverageResult(query, tuple(hits), tuple(near))


def _query_compound(value: object, target: Target) -> QueryCompound:
    """What the answer says of the compound asked about (its input as given, when it was text)."""
    std = target.standardised
    return QueryCompound(input=value if isinstance(value, str) else std.smiles, smiles=std.smiles,
                         inchikey=std.inchikey, salt_form=std.salt_form,
                         parent_smiles=std.parent_smiles, parent_inchikey=std.parent_inchikey)


def covers_screened(value: str | Chem.Mol | Target, patents: Sequence[tuple[str, Screen | None]],
                    scope: Callable[[str], PatentScope], cache_path: Path | None = None,
                    time_budget_s: float | None = None) -> CoverageResult:
    """:func:`covers` over many patents, each decided in full only when the compound reaches it.

    ``patents`` are (patent id, its :class:`Screen` or None) in the order to answer; ``scope``
    gives a patent's scope when it must be decided in full (a structure or a species formula
    matched, or no screen). The answer is the one :func:`covers` gives with every scope.
    ``value`` may be a compound already prepared (:func:`prepare_target`).
    """
    if isinstance(value, Target):
        target = value
    else:
        target = prepare_target(value if isinstance(value, Chem.Mol) else parse_compound(value, cache_path))
    budget = TimeBudget(time_budget_s)
    query = _query_compound(value, target)
    hits: list[Verdict] = []
    near: list[Verdict] = []
    for patent_id, screen in patents:
        full = screen is None
        if screen is not None and budget.left():
            try:
                full = screen.reaches(target, budget)
            except _BudgetSpent:
                full = False
        if screen is not None and not budget.left():  # what the claims say once the budget is spent
            full = target.formula in screen.formulas or screen.always
        verdicts = scope(patent_id).evaluate(target, budget) if full or screen is None else screen.verdicts(budget)
        for v in verdicts:
            (hits if v.ok else near).append(v)
    return CoverageResult(query, tuple(hits), tuple(near))


__all__ += ["covers_screened", "scope_for", "species_targets"]


# ----------------------------------------------------------------------------- check

@dataclass(frozen=True, slots=True)
class Violation:
    """One failed self-consistency rule of ``cephkg check``: a contradiction (a named species
    its own claim does not cover, a variable without definition) or, with ``undecided``, a
    question cephkg cannot decide (no structure, a term it cannot interpret, a name OPSIN
    cannot read)."""

    patent: str
    claim: int
    rule: Literal["species-covered", "variable-defined", "term-interpretable", "structure", "resolution"]
    message: str
    undecided: bool = False

    @property
    def kind(self) -> str:
        return "cannot decide" if self.undecided else "contradiction"

    def to_dict(self) -> dict[str, Any]:
        return {"patent": self.patent, "claim": self.claim, "rule": self.rule, "message": self.message,
                "kind": self.kind}


def check_scope(scope: PatentScope) -> list[Violation]:
    """Species covered by their claim and its ancestors; variables defined; terms interpretable."""
    pid = scope.patent.patent_id
    out: list[Violation] = []
    for claim in scope.patent.claims:
        for f in claim.formulas:
            for d in f.definitions:
                out += [Violation(pid, claim.number, "term-interpretable",
                                  f"{d.variable}: '{t}' is not a term cephkg can interpret", True)
                        for t in d.alternatives if not scope.vocabulary.interpretable(t)]
        formula_defs = {(d.span, d.variable) for f in claim.formulas for d in f.definitions}
        for d in claim.definitions:
            if (d.span, d.variable) not in formula_defs:
                out += [Violation(pid, claim.number, "term-interpretable",
                                  f"{d.variable}: '{t}' is not a term cephkg can interpret", True)
                        for t in d.alternatives if not scope.vocabulary.interpretable(t)]
        if claim.category == "compound" and not claim.species:
            structure = scope.structure_for(claim)
            if structure is None:
                why = scope.missing_reason(claim).split(": ", 1)[-1]
                out.append(Violation(pid, claim.number, "structure",
                                     f"no generic structure is curated for this claim, and none could be inferred: {why}",
                                     True))
            else:
                names = set(structure.variable_map.values())
                for var, found in sorted(scope.constraints(claim, names).items()):
                    if not found:
                        out.append(Violation(pid, claim.number, "variable-defined",
                                             f"{var} (in claim {structure.claim} formula {structure.formula}) "
                                             "has no definition at this claim"))
        for sp in scope.species_of(claim):
            if sp.target is None:
                out.append(Violation(pid, claim.number, "resolution",
                                     f"species {sp.index} '{sp.name}' has no structure: {sp.failure or 'unresolved'}",
                                     True))
                continue
            for salt in (None, *sp.salt_forms):
                target = replace(sp.target, salt_form=salt)
                verdicts = {v.claim: v for v in scope.evaluate(target)}
                for c in (claim, *scope.ancestors(claim)):
                    if c.category not in ("compound", "process"):
                        continue
                    v = verdicts.get(c.number)
                    if v is None or not v.ok:
                        what = sp.name + (f" ({salt})" if salt else "")
                        why = v.reasons[0] if v is not None and v.reasons else "not matched"
                        undecided = v is not None and v.undecided
                        verb = "cannot be decided for" if undecided else "is not covered by"
                        out.append(Violation(pid, claim.number, "species-covered",
                                             f"species {sp.index} {what} {verb} claim {c.number}: {why}", undecided))
    return out


__all__ += ["Violation", "check_scope"]
