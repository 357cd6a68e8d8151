"""Process claims as reactions: steps, roles, intermediates and routes.

The claims parser gives each process claim its steps (verb, consumed and produced
formulas, named agents) and says whether they are a sequence or alternatives. This
module turns that into a route a chemist can use:

* each step becomes a reaction: reactants and products are *reaction compounds* (the
  formula's curated generic structure from the sidecar file when there is one, so the same
  compound in two patents is one resource), agents keep their Open Reaction Database role
  and name shared *substances*, and the step gets a reaction type (RXNO/MOP, or the cephkg
  extension) from the rules of ``data/reaction_types.toml``;
* steps of a sequence are chained; a product of step n that step n+1 picks up again
  ("said 3-amino-pyrrolidine of formula I") is one intermediate with the formula it is
  called there;
* a process claim is linked to the compound claims whose structure it produces and to the
  species its dependent claims name;
* where every reactant and the product have structures, the step is an RDKit reaction
  (reaction SMARTS with the claim's variables as mapped dummy atoms) that can be applied
  to concrete molecules: :meth:`ReactionStep.apply`.

``cephkg.rdf.reactions`` turns routes into triples.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Literal

from rdkit import Chem
from rdkit.Chem import rdChemReactions, rdFMCS
from rdkit.rdBase import BlockLogs

from ..errors import DataFileError, InputError, ResolutionError
from ..model import Claim, Formula, Patent, Role, Step
from ..resources import load_data
from .structures import GenericStructure, StructureFile

__all__ = [
    "AgentUse",
    "Intermediate",
    "Participant",
    "ReactionStep",
    "ReactionType",
    "Route",
    "TypeRule",
    "apply_reaction",
    "build_reaction_smarts",
    "canonical_generic_smiles",
    "format_route",
    "local_compound_key",
    "reaction_compound_key",
    "reaction_types",
    "route",
    "routes",
    "substance_names",
    "type_rules",
]

# ---------------------------------------------------------------------------------------
# Reaction types (data file)

@dataclass(frozen=True, slots=True)
class ReactionType:
    """One reaction class a step can be (RXNO/MOP or a cephkg extension class)."""

    key: str
    iri: str
    label: str
    source: str


@dataclass(frozen=True, slots=True)
class TypeRule:
    """When a step is of a type: every condition given must hold."""

    type: str
    text: re.Pattern[str] | None
    agent: re.Pattern[str] | None
    reactant_has: str | None
    product_gains: str | None
    note: str


@cache
def reaction_types() -> dict[str, ReactionType]:
    data = load_data("reaction_types.toml")
    return {k: ReactionType(k, v["iri"], v["label"], v["source"]) for k, v in data["type"].items()}


@cache
def type_rules() -> tuple[TypeRule, ...]:
    data = load_data("reaction_types.toml")
    types = reaction_types()
    rules = []
    for raw in data["rule"]:
        if raw["type"] not in types:
            raise DataFileError(f"cephkg/data/reaction_types.toml: rule names unknown type {raw['type']!r}")
        rules.append(TypeRule(
            raw["type"],
            re.compile(raw["text"], re.I) if "text" in raw else None,
            re.compile(raw["agent"], re.I) if "agent" in raw else None,
            raw.get("reactant_has"), raw.get("product_gains"), raw.get("note", "")))
    return tuple(rules)


# ---------------------------------------------------------------------------------------
# Records

@dataclass(frozen=True, slots=True)
class Participant:
    """A formula of the claim as reactant or product, resolved to its compound."""

    formula: int
    label: str | None
    description: str
    structure: GenericStructure | None
    compound: str  # canonical generic SMILES, or a claim-local key (local_compound_key)

    @property
    def name(self) -> str:
        """``formula A`` / ``formula 3``, as a chemist would point at it."""
        return f"formula {self.label}" if self.label else f"formula {self.formula}"


@dataclass(frozen=True, slots=True)
class AgentUse:
    """A named agent of a step with its ORD role and the substances it names."""

    index: int
    role: Role
    text: str
    substances: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReactionStep:
    """One step (or one alternative) of a process claim as a reaction."""

    index: int
    marker: str | None
    verb: str
    text: str
    reactants: tuple[Participant, ...]
    products: tuple[Participant, ...]
    agents: tuple[AgentUse, ...]
    reaction_type: ReactionType | None
    smarts: str | None

    @cached_property
    def reaction(self) -> rdChemReactions.ChemicalReaction | None:
        """The RDKit reaction of :attr:`smarts` (None without structures on both sides)."""
        if self.smarts is None:
            return None
        rxn = rdChemReactions.ReactionFromSmarts(self.smarts)
        rxn.Initialize()
        return rxn

    def apply(self, *reactant_smiles: str) -> tuple[str, ...]:
        """Canonical SMILES of every product of running the step on concrete reactants."""
        if self.smarts is None:
            raise ResolutionError(f"step {self.index} has no reaction: a reactant or the product has no structure")
        return apply_reaction(self.smarts, reactant_smiles)


@dataclass(frozen=True, slots=True)
class Intermediate:
    """A compound one step produces and a later step consumes."""

    compound: str
    formulas: tuple[int, ...]
    produced_by: int
    consumed_by: int


@dataclass(frozen=True, slots=True)
class Route:
    """The reaction model of one process claim."""

    patent_id: str
    claim: int
    relation: Literal["sequence", "alternatives"] | None
    steps: tuple[ReactionStep, ...]
    targets: tuple[Participant, ...]
    intermediates: tuple[Intermediate, ...]
    inherits_from: int | None
    produces_compound_of_claims: tuple[int, ...]
    species: tuple[tuple[int, str, str | None], ...]
    compounds: tuple[tuple[str, str | None], ...]

    def step(self, index: int) -> ReactionStep:
        for s in self.steps:
            if s.index == index:
                return s
        raise KeyError(f"claim {self.claim} has no step {index}")


# ---------------------------------------------------------------------------------------
# Structures

def _structure_mol(structure: GenericStructure) -> Chem.Mol:
    """The structure as a molecule (atom lists read as their first element)."""
    return Chem.Mol(structure.reference)


_MAP_NUMBER = re.compile(r":\d+\]")
#: The element written for a variable when an InChI is made (InChI has no attachment
#: points); xenon never occurs in the structures cephkg handles.
_VARIABLE_STAND_IN = 54


def canonical_generic_smiles(structure: GenericStructure) -> str:
    """Canonical SMILES with the variables as unlabelled dummies: equal scaffolds, equal text.

    Map numbers are local to a sidecar (1 = R1 in one patent, 1 = Z in another), so they
    are dropped; a SMARTS (atom lists, as ``[c,n]``) has no canonical form, so it is
    kept as the sidecar writes it, map numbers dropped (``smarts:`` before it).
    """
    if structure.is_smarts:
        return "smarts:" + _MAP_NUMBER.sub("]", structure.text)
    mol = _structure_mol(structure)
    for atom in mol.GetAtoms():
        atom.SetAtomMapNum(0)
    return Chem.MolToSmiles(mol)


@cache
def reaction_compound_key(canonical: str) -> str:
    """A key of a generic structure that does not depend on RDKit's version (for its IRI).

    A SMILES structure is keyed by its standard InChIKey, each variable (dummy atom)
    written as xenon since InChI has no attachment points: InChI is a standard with a
    stable output, where RDKit's canonical SMILES may change between releases. A SMARTS
    structure is keyed by a hash of its text as the sidecar writes it (``smarts-…``);
    a structure InChI cannot write, by a hash of its canonical SMILES (``smiles-…``).

    >>> reaction_compound_key("*NC1CCN(*)C1")
    'ZSAZCVWHAJYWIU-UHFFFAOYSA-N'
    """
    if canonical.startswith("smarts:"):
        return "smarts-" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:20]
    with BlockLogs():
        mol = Chem.MolFromSmiles(canonical)
        if mol is not None:
            for atom in mol.GetAtoms():
                if atom.GetAtomicNum() == 0:
                    atom.SetAtomicNum(_VARIABLE_STAND_IN)
                    atom.SetNoImplicit(True)
            key = Chem.MolToInchiKey(mol)
            if key:
                return str(key)
    return "smiles-" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:20]


def local_compound_key(claim: int, group: int) -> str:
    """The key of a compound known only by its formula in one claim (no structure)."""
    return f"@{claim}:{group}"


def _variable_numbers(structures: Sequence[GenericStructure]) -> dict[str, int]:
    """Variable name → map number for one step: the sidecar's number where unambiguous."""
    names: dict[str, set[int]] = {}
    for s in structures:
        for k, v in s.variables:
            names.setdefault(v, set()).add(k)
    numbers: dict[str, int] = {}
    used: set[int] = set()
    for name in sorted(names, key=lambda n: (min(names[n]), n)):
        wanted = min(names[name])
        if len(names[name]) == 1 and wanted not in used:
            numbers[name] = wanted
        else:
            numbers[name] = max([0, *used, *(k for ks in names.values() for k in ks)]) + 1
        used.add(numbers[name])
    return numbers


def _labelled(structure: GenericStructure, numbers: dict[str, int]) -> Chem.Mol:
    """A copy whose isotopes say what an atom is: element, or (offset) variable number."""
    mol = _structure_mol(structure)
    table = structure.variable_map
    for atom in mol.GetAtoms():
        k = atom.GetAtomMapNum()
        atom.SetIsotope(1000 + numbers[table[k]] if k else atom.GetAtomicNum())
    return mol


def _template(mol: Chem.Mol, maps: dict[int, int], queries: dict[int, str] | None = None) -> str:
    """SMARTS of a labelled molecule: ``maps`` atom index → map number, dummies as ``*``."""
    work = Chem.RWMol(mol)
    for atom in work.GetAtoms():
        atom.SetIsotope(0)
        atom.SetAtomMapNum(maps.get(atom.GetIdx(), 0))
    text = Chem.MolToSmarts(work)
    text = re.sub(r"\[#0(:\d+)?\]", lambda m: f"[*{m.group(1) or ''}]", text)
    if queries:
        # variable ring atoms ("Y is CH or nitrogen") keep their atom list
        for number, query in queries.items():
            text = re.sub(rf"\[#\d+:{number}\]", f"[{query}:{number}]", text)
    return text


def build_reaction_smarts(reactants: Sequence[GenericStructure], product: GenericStructure) -> str:
    """A reaction SMARTS from generic structures, atoms mapped by maximum common substructure.

    Atoms are compared by element (bond orders may change: a ring closes), variables only
    with the same variable, so ``[*:1]`` (R1) of the thiourea ends on the thiazole's C2.
    Each reactant is matched in turn on product atoms no earlier reactant took. Reactant
    atoms left unmatched leave (a halogen X, the ketone oxygen, a protective group);
    product atoms left unmatched are new (the OH of a freed carboxy group). Variables keep
    their sidecar map number; skeleton atoms are numbered from 101.
    """
    numbers = _variable_numbers([*reactants, product])
    product_mol = _labelled(product, numbers)
    reactant_mols = [_labelled(r, numbers) for r in reactants]
    taken: set[int] = set()
    pairs: list[dict[int, int]] = []
    with BlockLogs():
        for mol in reactant_mols:
            mcs = rdFMCS.FindMCS([mol, product_mol], atomCompare=rdFMCS.AtomCompare.CompareIsotopes,
                                 bondCompare=rdFMCS.BondCompare.CompareAny, ringMatchesRingOnly=False,
                                 completeRingsOnly=False, matchValences=False, timeout=20)
            pair: dict[int, int] = {}
            if mcs.numAtoms:
                query = Chem.MolFromSmarts(mcs.smartsString)
                left = mol.GetSubstructMatch(query)
                for right in product_mol.GetSubstructMatches(query, uniquify=False, maxMatches=5000):
                    if not taken.intersection(right):
                        pair = dict(zip(left, right))
                        taken.update(right)
                        break
            pairs.append(pair)
    variable_of = {1000 + n: n for n in numbers.values()}
    product_maps: dict[int, int] = {}
    serial = 100
    for idx in sorted(taken):
        iso = product_mol.GetAtomWithIdx(idx).GetIsotope()
        if iso in variable_of:
            product_maps[idx] = variable_of[iso]
        else:
            serial += 1
            product_maps[idx] = serial
    queries: dict[int, str] = {}
    for s, _mol in ((product, product_mol), *zip(reactants, reactant_mols)):
        if s.is_smarts:
            q = Chem.MolFromSmarts(s.text)
            for atom in q.GetAtoms():
                if atom.GetAtomMapNum() and atom.GetAtomicNum() != 0:
                    number = numbers[s.variable_map[atom.GetAtomMapNum()]]
                    queries[number] = re.sub(r"^\[|:\d+\]$", "", atom.GetSmarts())
    left_texts = [_template(mol, {r: product_maps[p] for r, p in pair.items()}, queries)
                  for mol, pair in zip(reactant_mols, pairs)]
    kekule = Chem.Mol(product_mol)
    Chem.Kekulize(kekule, clearAromaticFlags=True)
    return ".".join(left_texts) + ">>" + _template(kekule, product_maps, queries)


def apply_reaction(smarts: str, reactant_smiles: Sequence[str]) -> tuple[str, ...]:
    """Run a reaction SMARTS on concrete molecules: sorted, unique canonical product SMILES."""
    rxn = rdChemReactions.ReactionFromSmarts(smarts)
    rxn.Initialize()
    mols = []
    for smi in reactant_smiles:
        mol = Chem.MolFromSmiles(smi)
        if mol is None:
            raise ResolutionError(f"not a SMILES: {smi!r}")
        mols.append(mol)
    if len(mols) != rxn.GetNumReactantTemplates():
        raise InputError(f"the reaction takes {rxn.GetNumReactantTemplates()} reactants, not {len(mols)}")
    out: set[str] = set()
    with BlockLogs():
        for products in rxn.RunReactants(tuple(mols)):
            for product in products:
                try:
                    Chem.SanitizeMol(product)
                except (ValueError, RuntimeError):
                    continue  # a match the chemistry does not allow (valence)
                out.add(Chem.MolToSmiles(product))
    return tuple(sorted(out))


# ---------------------------------------------------------------------------------------
# Substances

_ARTICLE = re.compile(r"^(?:a|an|the|said)\s+", re.I)
_NOT_A_SUBSTANCE = re.compile(r"\bthereof\b|\bsalt\b|\bderivative\b|^(?:it|them)$", re.I)


def substance_names(text: str) -> tuple[str, ...]:
    """The substances an agent text names: alternatives split, articles and ``thereof`` dropped.

    ``hydroxylamine or an acid addition salt thereof`` names hydroxylamine (its salt is a
    form of it, not another substance); ``methanol, ethanol or water`` names three.
    """
    names: list[str] = []
    for part in re.split(r",\s*(?:or\s+|and\s+)?|\s+or\s+|\s+and/or\s+", text):
        part = _ARTICLE.sub("", part.strip().rstrip(".;")).strip()
        if not part or _NOT_A_SUBSTANCE.search(part):
            continue
        names.append(re.sub(r"\s+", " ", part).lower())
    return tuple(dict.fromkeys(names))


# ---------------------------------------------------------------------------------------
# From the claims model

class _Groups:
    """Union-find over a claim's formula indexes: formulas that denote one compound."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, k: int) -> int:
        self.parent.setdefault(k, k)
        while self.parent[k] != k:
            k = self.parent[k]
        return k

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _structure(structures: StructureFile | None, claim: int, formula: int) -> GenericStructure | None:
    return structures.get(claim, formula) if structures is not None else None


def _ancestors(patent: Patent, claim: Claim) -> list[Claim]:
    out: list[Claim] = []
    todo = list(claim.depends_on)
    while todo:
        try:
            parent = patent.claim(todo.pop(0))
        except KeyError:
            continue
        if parent not in out:
            out.append(parent)
            todo.extend(parent.depends_on)
    return out


def _definition_signature(formula: Formula) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple(sorted((d.variable, tuple(d.alternatives)) for d in formula.definitions if not d.inherited))


_SAID = re.compile(r"\bsaid\b", re.I)


def _links(claim: Claim) -> list[tuple[int, int]]:
    """(product of step n, formula step n+1 consumes) pairs the text equates.

    In a sequence, step n+1 may start from ``said ... of formula I`` - a formula of the
    preamble no earlier step produced - while step n produced a formula no later step
    uses: the text says they are the same compound.
    """
    if claim.steps_relation != "sequence":
        return []
    steps = sorted(claim.steps, key=lambda s: s.index)
    out: list[tuple[int, int]] = []
    for n, (before, after) in enumerate(itertools.pairwise(steps)):
        produced_before = {k for s in steps[: n + 1] for k in s.produces}
        consumed_later = {k for s in steps[n + 1:] for k in s.consumes}
        dangling = [k for k in before.produces if k not in consumed_later]
        fresh = [k for k in after.consumes if k not in produced_before]
        if len(dangling) == 1 and len(fresh) == 1 and _SAID.search(after.text):
            out.append((dangling[0], fresh[0]))
    return out


def _type_of(step: Step, reactants: Sequence[Participant], products: Sequence[Participant],
             formulas: dict[int, Formula]) -> ReactionType | None:
    words = " ".join([step.text, *(a.text for a in step.agents),
                      *(formulas[p.formula].description for p in (*reactants, *products) if p.formula in formulas)])
    agents = " ".join(a.text for a in step.agents)
    left = [_structure_mol(p.structure) for p in reactants if p.structure is not None]
    right = [_structure_mol(p.structure) for p in products if p.structure is not None]
    for rule in type_rules():
        if rule.text is not None and not rule.text.search(words):
            continue
        if rule.agent is not None and not rule.agent.search(agents):
            continue
        if rule.reactant_has is not None:
            pattern = Chem.MolFromSmarts(rule.reactant_has)
            if not left or not any(m.HasSubstructMatch(pattern) for m in left):
                continue
        if rule.product_gains is not None:
            pattern = Chem.MolFromSmarts(rule.product_gains)
            if (not right or len(left) != len(reactants)
                    or not any(m.HasSubstructMatch(pattern) for m in right)
                    or any(m.HasSubstructMatch(pattern) for m in left)):
                continue
        return reaction_types()[rule.type]
    return None


def route(patent: Patent, number: int, structures: StructureFile | None = None) -> Route:
    """The reaction model of one process claim (a dependent one inherits its parent's steps)."""
    claim = patent.claim(number)
    if claim.category != "process":
        raise InputError(f"claim {number} of {patent.patent_id} is a {claim.category} claim, not a process claim")
    own = claim
    inherits_from: int | None = None
    if not claim.steps:
        for parent in _ancestors(patent, claim):
            if parent.category == "process" and parent.steps:
                own, inherits_from = parent, parent.number
                break
    formulas = {f.index: f for f in own.formulas}
    groups = _Groups()
    for k in formulas:
        groups.find(k)
    for a, b in _links(own):
        groups.union(a, b)
    canon: dict[int, str] = {}
    for k in formulas:
        s = _structure(structures, own.number, k)
        if s is not None:
            canon[k] = canonical_generic_smiles(s)
    by_canon: dict[str, int] = {}
    for k, c in sorted(canon.items()):
        if c in by_canon:
            groups.union(by_canon[c], k)
        by_canon.setdefault(c, k)
    compound_of: dict[int, str] = {}
    smiles_of: dict[str, str | None] = {}
    for k in formulas:
        root = groups.find(k)
        members = [m for m in formulas if groups.find(m) == root]
        # the lowest-numbered formula with a structure names the compound: the formula
        # the text points back to ("said ... of formula I") comes before its re-statement
        known = [canon[m] for m in sorted(members) if m in canon]
        key = known[0] if known else local_compound_key(own.number, root)
        smiles_of[key] = known[0] if known else None
        compound_of[k] = key

    def participant(k: int) -> Participant:
        f = formulas[k]
        return Participant(k, f.label, f.description, _structure(structures, own.number, k), compound_of[k])

    steps: list[ReactionStep] = []
    for step in sorted(own.steps, key=lambda s: s.index):
        reactants = tuple(participant(k) for k in step.consumes if k in formulas)
        products = tuple(participant(k) for k in step.produces if k in formulas)
        smarts = None
        # no reaction when the change happens inside a variable (same generic structure on
        # both sides, 002 claim 20 (4)): an identity template would claim nothing happens
        if (reactants and len(products) == 1 and all(p.structure is not None for p in (*reactants, *products))
                and {r.compound for r in reactants} != {products[0].compound}):
            smarts = build_reaction_smarts([p.structure for p in reactants],  # type: ignore[misc]
                                           products[0].structure)  # type: ignore[arg-type]
        agents = tuple(AgentUse(j, a.role, a.text, () if a.role == "condition" else substance_names(a.text))
                       for j, a in enumerate(step.agents, 1))
        steps.append(ReactionStep(step.index, step.marker, step.verb, step.text, reactants, products, agents,
                                  _type_of(step, reactants, products, formulas), smarts))

    intermediates: list[Intermediate] = []
    if own.steps_relation == "sequence":
        for i, done in enumerate(steps):
            for p in done.products:
                for later in steps[i + 1:]:
                    hit = next((r for r in later.reactants if r.compound == p.compound), None)
                    if hit is not None:
                        shared = tuple(sorted({p.formula, hit.formula}))
                        intermediates.append(Intermediate(p.compound, shared, done.index, later.index))
                        break

    first = min((s.span[0] for s in own.steps), default=own.span[1])
    consumed = {k for s in own.steps for k in s.consumes}
    targets = tuple(participant(f.index) for f in own.formulas if f.span[0] < first and f.index not in consumed)

    produced = {p.compound for s in steps for p in s.products} | {t.compound for t in targets}
    compound_claims = _compound_claims_made(patent, own, targets, structures)
    species = _species_made(patent, claim, own, compound_of, produced)
    return Route(patent.patent_id, number, own.steps_relation, tuple(steps), targets, tuple(intermediates),
                 inherits_from, compound_claims, species, tuple(sorted(smiles_of.items())))


def _compound_claims_made(patent: Patent, own: Claim, targets: Sequence[Participant],
                          structures: StructureFile | None) -> tuple[int, ...]:
    """Compound claims whose generic structure (or, lacking one, Markush definition) is the target's.

    Only independent-most compound claims with a formula count; their dependent claims are
    reached through ceph:dependsOn.
    """
    out: list[int] = []
    for target in targets:
        wanted = canonical_generic_smiles(target.structure) if target.structure is not None else None
        mine = next(f for f in own.formulas if f.index == target.formula)
        signature = _definition_signature(mine)
        for other in patent.claims:
            if other.category != "compound":
                continue
            for f in other.formulas:
                s = _structure(structures, other.number, f.index)
                if wanted is not None and s is not None:
                    same = canonical_generic_smiles(s) == wanted
                else:
                    same = wanted is None and s is None and bool(signature) and _definition_signature(f) == signature
                if same and other.number not in out:
                    out.append(other.number)
    return tuple(sorted(out))


def _species_made(patent: Patent, claim: Claim, own: Claim, compound_of: dict[int, str],
                  produced: set[str]) -> tuple[tuple[int, str, str | None], ...]:
    """Species a process claim names for a formula its route produces (target or intermediate)."""
    labels = {f.label: f.index for f in own.formulas if f.label}
    out = []
    for sp in claim.species:
        k = labels.get(sp.formula_label) if sp.formula_label else (own.formulas[0].index if own.formulas else None)
        if k is not None and compound_of.get(k) in produced:
            out.append((sp.index, sp.name, sp.formula_label))
    return tuple(out)


def routes(patent: Patent, structures: StructureFile | None = None) -> tuple[Route, ...]:
    """A route for every process claim of the patent, in claim order."""
    return tuple(route(patent, c.number, structures) for c in patent.claims if c.category == "process")


# ---------------------------------------------------------------------------------------
# Text scheme

def _who(p: Participant) -> str:
    what = f"{p.name} ({p.description})" if p.description and p.description != "compound" else p.name
    return what


def format_route(r: Route, patent: Patent | None = None) -> str:
    """The route as a readable text scheme: reactants --[agents]--> products, per step."""
    lines: list[str] = []
    head = f"{r.patent_id} claim {r.claim}"
    if r.inherits_from is not None:
        lines.append(f"{head}: the process of claim {r.inherits_from}")
    else:
        kind = {"sequence": "a sequence", "alternatives": "alternatives"}.get(r.relation or "", "one step")
        target = ", ".join(_who(t) for t in r.targets) or "the product"
        lines.append(f"{head}: {kind} of {len(r.steps)} step{'s' if len(r.steps) != 1 else ''} to {target}")
    for _index, name, label in r.species:
        lines.append(f"  wherein the compound of formula {label} is {name}" if label else f"  wherein the compound is {name}")
    if r.produces_compound_of_claims:
        lines.append("  produces the compounds of claim " + ", ".join(map(str, r.produces_compound_of_claims)))
    if r.inherits_from is not None:
        return "\n".join(lines)
    intermediates = {i.compound for i in r.intermediates}
    for i, step in enumerate(r.steps):
        if i:
            lines.append("  then" if r.relation == "sequence" else "  or")
        kind = f" [{step.reaction_type.label}]" if step.reaction_type else ""
        lines.append(f"  {step.marker or f'step {step.index}'} {step.verb}{kind}")
        left = " + ".join(_who(p) for p in step.reactants) or "?"
        right = " + ".join(_who(p) + (" [intermediate]" if p.compound in intermediates else "")
                           for p in step.products) or "?"
        over = "; ".join(f"{a.role}: {a.text}" for a in step.agents)
        lines.append(f"      {left}")
        lines.append(f"        --[{over}]-->" if over else "        ------>")
        lines.append(f"      {right}")
        if step.smarts:
            lines.append(f"      reaction SMARTS: {step.smarts}")
    return "\n".join(lines)
