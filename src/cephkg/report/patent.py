"""The report of one patent as data for its template.

:func:`patent_report` reads one :class:`~cephkg.report.source.StoredPatent` and returns a
:class:`PatentReport`: the claim tree; each claim's text with its parts marked; each
generic structure drawn with its variables; each named species drawn with its name,
InChIKey and the claims covering it; each process claim as a route scheme; and what the
build could not read or decide. Nothing here writes or prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import PurePath

from markupsafe import Markup

from ..chem.coverage import PatentScope, SpeciesTarget, check_scope
from ..chem.reactions import Participant, Route, route
from ..chem.standardise import salt_forms
from ..errors import CephkgError
from ..model import Claim, Definition, Patent
from .draw import Picture, draw_molecule, draw_structure
from .marks import claim_marks, render_marked
from .source import StoredPatent
from .structures import StructureView, generic_structures, structure_view

__all__ = [
    "ClaimSection",
    "Note",
    "ParticipantView",
    "PatentReport",
    "RouteView",
    "SpeciesCard",
    "StepView",
    "StructureCard",
    "TreeNode",
    "clear_drawing_cache",
    "patent_report",
    "structure_picture",
]

_CATEGORY = {"compound": "compound", "process": "process", "composition": "composition",
             "method_of_treatment": "method of treatment", "use": "use", "unclassified": "unclassified"}


@dataclass(frozen=True, slots=True)
class TreeNode:
    number: int
    category: str
    summary: str
    also_on: tuple[int, ...]
    children: tuple[TreeNode, ...]


@dataclass(frozen=True, slots=True)
class VariableRow:
    variable: str
    alternatives: str
    claim: int | None  # the claim whose definition this is (None: no definition found)


@dataclass(frozen=True, slots=True)
class StructureCard:
    view: StructureView
    picture: Picture
    variables: tuple[VariableRow, ...]


@dataclass(frozen=True, slots=True)
class SpeciesCard:
    claim: int
    index: int
    name: str
    name_as_written: str
    isomer: str | None
    salt_forms: tuple[str, ...]
    smiles: str | None
    inchikey: str | None
    picture: Picture | None
    covered_by: tuple[int, ...]
    other_links: tuple[tuple[int, str], ...]
    failure: str | None

    @property
    def anchor(self) -> str:
        return f"species-{self.claim}-{self.index}"


@dataclass(frozen=True, slots=True)
class ParticipantView:
    name: str
    description: str
    picture: Picture | None
    anchor: str | None
    intermediate: bool


@dataclass(frozen=True, slots=True)
class StepView:
    index: int
    marker: str
    verb: str
    reaction_type: str | None
    reactants: tuple[ParticipantView, ...]
    products: tuple[ParticipantView, ...]
    agents: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class RouteView:
    claim: int
    inherits_from: int | None
    relation: str
    targets: tuple[ParticipantView, ...]
    steps: tuple[StepView, ...]
    produces: tuple[int, ...]
    species: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Note:
    """A diagnostic of the build, or a consistency problem, for the page."""

    severity: str
    code: str
    message: str
    claim: int | None


@dataclass(frozen=True, slots=True)
class ClaimSection:
    number: int
    category: str
    depends_on: tuple[int, ...]
    refers_to: tuple[int, ...]
    isomer: str | None
    text: Markup
    definitions: tuple[VariableRow, ...]
    structures: tuple[StructureView, ...]
    inherited_structure: StructureView | None
    species: tuple[str, ...]
    route: RouteView | None
    notes: tuple[Note, ...]
    salts: str | None

    @property
    def anchor(self) -> str:
        return f"claim-{self.number}"


@dataclass(frozen=True, slots=True)
class PatentReport:
    patent_id: str
    publication: str | None
    source: str
    sha256: str
    tree: tuple[TreeNode, ...]
    claims: tuple[ClaimSection, ...]
    structures: tuple[StructureCard, ...]
    species: tuple[SpeciesCard, ...]
    notes: tuple[Note, ...]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def source_name(self) -> str:
        """The source file's name (the page shows the full path on hover only)."""
        return PurePath(self.source).name or self.source


# ----------------------------------------------------------------------------- pieces

def _tree(patent: Patent) -> tuple[TreeNode, ...]:
    numbers = {c.number for c in patent.claims}
    children: dict[int | None, list[Claim]] = {}
    for c in patent.claims:
        parent = next((n for n in c.depends_on if n in numbers and n != c.number), None)
        children.setdefault(parent, []).append(c)

    def summary(c: Claim) -> str:
        bits: list[str] = []
        defs = "; ".join(f"{v}: {' | '.join(a)}" for v, a in c.definition_map().items())
        if defs:
            bits.append(defs)
        bits.extend(f"names {s.name}" for s in c.species)
        if c.steps:
            bits.append(f"{len(c.steps)} steps ({c.steps_relation or 'one step'})")
        if c.refers_to and not c.depends_on:
            bits.append("refers to claim " + ", ".join(map(str, c.refers_to)))
        return " · ".join(bits)

    def node(c: Claim, path: frozenset[int]) -> TreeNode:
        kids = tuple(node(k, path | {k.number}) for k in children.get(c.number, []) if k.number not in path)
        return TreeNode(c.number, _CATEGORY.get(c.category, c.category), summary(c), tuple(c.depends_on[1:]), kids)

    return tuple(node(c, frozenset({c.number})) for c in children.get(None, []))


def _definition_rows(scope: PatentScope, claim: Claim, variables: Sequence[str]) -> tuple[VariableRow, ...]:
    """Each variable's nearest explicit definition: the claim's own, else up the chain."""
    rows: list[VariableRow] = []
    chain = [claim, *scope.ancestors(claim)]
    for var in variables:
        found: tuple[Definition, int] | None = None
        for c in chain:
            defs = [*c.definitions, *(d for f in c.formulas for d in f.definitions)]
            d = next((d for d in defs if d.variable == var and not d.inherited and d.alternatives), None)
            if d is not None:
                found = (d, c.number)
                break
        if found is None:
            rows.append(VariableRow(var, "no definition found", None))
        else:
            rows.append(VariableRow(var, " | ".join(found[0].alternatives), found[1]))
    return tuple(rows)


@lru_cache(maxsize=512)
def _structure_picture(text: str, is_smarts: bool, variables: tuple[tuple[int, str], ...], title: str,
                       width: int, height: int) -> Picture:
    return draw_structure(text, is_smarts, dict(variables), title=title, width=width, height=height)


def clear_drawing_cache() -> None:
    """Forget the structure pictures drawn so far (for benchmarks that time the drawing)."""
    _structure_picture.cache_clear()


def structure_picture(view: StructureView, width: int = 380, height: int = 270) -> Picture:
    return _structure_picture(view.text, view.is_smarts, view.variables, f"generic structure of {view.name}",
                              width, height)


def _salt_label(form: str) -> str:
    return next((f.label for f in salt_forms() if f.id == form), form)


def _species(scope: PatentScope, patent: Patent) -> tuple[SpeciesCard, ...]:
    cards: list[SpeciesCard] = []
    targets: dict[tuple[int, int], SpeciesTarget] = scope.species
    for claim in patent.claims:
        for sp in claim.species:
            st = targets.get((claim.number, sp.index))
            target = st.target if st is not None else None
            covered: list[int] = []
            others: list[tuple[int, str]] = []
            picture: Picture | None = None
            smiles = inchikey = None
            if target is not None:
                smiles = target.standardised.parent_smiles
                inchikey = target.standardised.parent_inchikey
                picture = draw_molecule(target.parent, title=sp.name, width=360, height=260)
                for v in scope.evaluate(target):
                    if not v.ok:
                        continue
                    if v.relation == "covers":
                        covered.append(v.claim)
                    else:
                        others.append((v.claim, v.relation.replace("_", " ")))
            cards.append(SpeciesCard(claim.number, sp.index, sp.name, sp.name_as_written, sp.isomer,
                                     tuple(_salt_label(s) for s in sp.salt_forms), smiles, inchikey, picture,
                                     tuple(covered), tuple(others),
                                     None if target is not None else (st.failure if st and st.failure
                                                                      else "the name did not resolve to a structure")))
    return tuple(cards)


def _participant(p: Participant, structure_anchor: dict[tuple[int, int], str], claim: int,
                 intermediate: bool) -> ParticipantView:
    picture = None
    if p.structure is not None:
        picture = structure_picture(structure_view(p.structure), 230, 170)
    desc = p.description if p.description and p.description != "compound" else ""
    return ParticipantView(p.name, desc, picture, structure_anchor.get((claim, p.formula)), intermediate)


def _route(patent: Patent, scope: PatentScope, claim: Claim, anchors: dict[tuple[int, int], str]) -> RouteView | None:
    try:
        r: Route = route(patent, claim.number, scope.structures)
    except (CephkgError, KeyError, ValueError):
        return None
    own = r.inherits_from if r.inherits_from is not None else claim.number
    intermediates = {i.compound for i in r.intermediates}
    steps = tuple(StepView(
        s.index, s.marker or f"step {s.index}", s.verb, s.reaction_type.label if s.reaction_type else None,
        tuple(_participant(p, anchors, own, False) for p in s.reactants),
        tuple(_participant(p, anchors, own, p.compound in intermediates) for p in s.products),
        tuple((a.role, a.text) for a in s.agents)) for s in r.steps)
    relation = {"sequence": "a sequence", "alternatives": "alternatives"}.get(r.relation or "", "one step")
    return RouteView(claim.number, r.inherits_from, relation,
                     tuple(_participant(t, anchors, own, False) for t in r.targets) if r.inherits_from is None else (),
                     steps if r.inherits_from is None else (), r.produces_compound_of_claims,
                     tuple(f"formula {label}: {name}" if label else name for _i, name, label in r.species))


def _notes(stored: StoredPatent) -> tuple[Note, ...]:
    patent = stored.record.patent
    notes = [Note(d.severity, str(d.code), d.message, d.claim) for d in patent.diagnostics]
    try:
        notes += [Note("check", v.rule, v.message, v.claim) for v in check_scope(stored.scope)]
    except Exception as exc:  # a consistency check that cannot run is itself worth saying
        notes.append(Note("error", "check-failed", f"the consistency checks could not run: {exc}", None))
    order = {"error": 0, "warning": 1, "check": 2, "info": 3}
    return tuple(sorted(notes, key=lambda n: (order.get(n.severity, 4), n.claim or 0)))


# ----------------------------------------------------------------------------- report

def patent_report(stored: StoredPatent) -> PatentReport:
    """Everything the report page of one patent shows."""
    patent = stored.record.patent
    scope = stored.scope
    views = generic_structures(scope)
    anchors = {(v.claim, v.formula): v.anchor for v in views}
    species = _species(scope, patent)
    species_anchor = {(s.claim, s.index): s.anchor for s in species}
    notes = _notes(stored)
    cards = []
    for v in views:
        try:
            owner = patent.claim(v.claim)
            rows = _definition_rows(scope, owner, list(dict.fromkeys(name for _k, name in v.variables)))
        except KeyError:
            rows = tuple(VariableRow(name, "no such claim in the patent", None) for _k, name in v.variables)
        cards.append(StructureCard(v, structure_picture(v), rows))
    sections = []
    source = patent.source.text
    for claim in patent.claims:
        marks = claim_marks(patent, claim, structure_anchor=lambda c, f: (
            f"#{anchors[(c, f)]}" if (c, f) in anchors else None),
            species_anchor=lambda c, i: f"#{species_anchor[(c, i)]}" if (c, i) in species_anchor else None)
        lo, hi = claim.span
        text = render_marked(source, lo, hi, marks) if source and hi <= len(source) else Markup("{}").format(claim.text)
        own = tuple(v for v in views if v.claim == claim.number)
        inherited = None
        if not own and claim.category == "compound" and not claim.species:
            found = scope.structure_for(claim)
            inherited = structure_view(found) if found is not None else None
        variables = list(dict.fromkeys([*(d.variable for d in claim.definitions),
                                        *(d.variable for f in claim.formulas for d in f.definitions)]))
        sections.append(ClaimSection(
            claim.number, _CATEGORY.get(claim.category, claim.category), claim.depends_on, claim.refers_to,
            claim.isomer, text, _definition_rows(scope, claim, variables), own, inherited,
            tuple(species_anchor[(claim.number, s.index)] for s in claim.species
                  if (claim.number, s.index) in species_anchor),
            _route(patent, scope, claim, anchors) if claim.category == "process" else None,
            tuple(n for n in notes if n.claim == claim.number),
            claim.salts_clause.text if claim.salts_clause is not None else None))
    counts = {"claims": len(patent.claims), "structures": len(cards), "species": len(species),
              "notes": len(notes)}
    return PatentReport(patent.patent_id, patent.source.publication, patent.source.path, patent.source.sha256,
                        _tree(patent), tuple(sections), tuple(cards), species, notes, counts)
