"""The coverage page of one compound as data for its template.

Built from ``CoverageResult.to_dict()`` (the ``covers --json`` answer) rather than its
classes, so a key coverage adds later (a third verdict, "cannot decide") shows up as its
own section without a change here: every list of verdicts besides ``hits`` and
``near_misses`` is drawn like the near misses, with its reasons.

For each claim the query is drawn once: the generic structure's core atoms in one
colour, each R-group in its own colour with the group term it satisfied; for a near miss
the group whose constraint failed in red, with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..chem.coverage import CoverageResult, PatentScope, Target, prepare_target
from .draw import CORE_COLOUR, FAIL_COLOUR, PALETTE, Highlight, Picture, draw_molecule, hex_colour
from .explain import failing_variable, locate
from .structures import StructureView, find_structure, generic_structures

__all__ = ["CoveragePage", "GroupItem", "VerdictGroup", "VerdictView", "coverage_page"]

_KNOWN = ("query", "hits", "near_misses")
_SPECIES_COLOUR = (0.70, 0.88, 0.70)


@dataclass(frozen=True, slots=True)
class GroupItem:
    """One line of a drawing's legend: a variable, the substituent it took, and the term."""

    label: str
    fragment: str
    term: str
    colour: str
    atoms: tuple[int, ...]
    failed: bool = False


@dataclass(frozen=True, slots=True)
class VerdictView:
    patent: str
    claim: int
    category: str
    relation: str
    dependent: bool
    via: str
    reasons: tuple[str, ...]
    structure: str | None
    salt_rule: str | None
    picture: Picture | None
    legend: tuple[GroupItem, ...]
    core_colour: str
    href: str | None
    extra: tuple[tuple[str, str], ...]

    @property
    def anchor(self) -> str:
        return f"{self.patent}-claim-{self.claim}"


@dataclass(frozen=True, slots=True)
class VerdictGroup:
    """One kind of answer: ``hits``, ``near_misses``, or a kind coverage added since."""

    key: str
    title: str
    verdicts: tuple[VerdictView, ...]


@dataclass(frozen=True, slots=True)
class CoveragePage:
    input: str
    smiles: str
    inchikey: str | None
    salt_form: str | None
    parent_smiles: str
    picture: Picture | None
    groups: tuple[VerdictGroup, ...]
    patents: tuple[str, ...]

    def group(self, key: str) -> VerdictGroup | None:
        return next((g for g in self.groups if g.key == key), None)


def _title(key: str) -> str:
    return {"hits": "Claims that cover it", "near_misses": "Near misses",
            "undecided": "Cannot decide", "cannot_decide": "Cannot decide"}.get(key, key.replace("_", " ").capitalize())


def _verdict(data: Mapping[str, Any], target: Target, structures: Mapping[str, Sequence[StructureView]],
             href: Callable[[str, int], str | None], *, hit: bool) -> VerdictView:
    patent = str(data.get("patent", ""))
    claim = int(data.get("claim", 0))
    assignment: dict[str, Mapping[str, str]] = {str(k): v for k, v in (data.get("assignment") or {}).items()
                                                if isinstance(v, Mapping)}
    reasons = tuple(str(r) for r in data.get("reasons") or ())
    via = str(data.get("via", ""))
    relation = str(data.get("relation", ""))
    where = data.get("structure")
    legend: list[GroupItem] = []
    highlights: list[Highlight] = []
    picture: Picture | None = None
    title = f"the query as claim {claim} of {patent} reads it"
    referring = relation in ("composition", "method_of_treatment", "use")
    view = find_structure(structures.get(patent, ()), str(where) if where else None)
    if view is not None and not referring:
        located = locate(view, target, assignment, reasons)
        if located is not None:
            highlights.append(Highlight(located.core, CORE_COLOUR))
            failing = None if hit else failing_variable(located, assignment, reasons)
            # colours follow the structure's variable table (map numbers), the same on every claim
            order = list(dict.fromkeys([*(name for _k, name in view.variables), *(r.variable for r in located.regions)]))
            for region in located.regions:
                a = assignment.get(region.label)
                if region.label == failing:
                    colour = FAIL_COLOUR
                elif a is not None:
                    colour = PALETTE[order.index(region.variable) % len(PALETTE)]
                else:
                    continue
                bonds = (region.bond,) if region.bond is not None else ()
                highlights.append(Highlight(region.atoms, colour, bonds))
                fragment = str(a.get("fragment", "")) if a is not None else _fragment_word(region.hydrogen)
                term = str(a.get("term", "")) if a is not None else (reasons[0] if reasons else "")
                legend.append(GroupItem(region.label, fragment, term, hex_colour(colour), region.atoms,
                                        region.label == failing))
            if located.marked:
                highlights.append(Highlight(located.marked, FAIL_COLOUR))
            picture = draw_molecule(target.parent, title=title, highlights=highlights)
    elif via == "species" and not referring:
        every = tuple(range(target.parent.GetNumAtoms()))
        colour = _SPECIES_COLOUR if hit else FAIL_COLOUR
        picture = draw_molecule(target.parent, title=title, highlights=[Highlight(every, colour)])
        legend.append(GroupItem("species", "the whole compound", reasons[0] if reasons else "", hex_colour(colour),
                                every, not hit))
    known = {"patent", "claim", "category", "relation", "dependent", "via", "assignment", "reasons",
             "salt_rule", "structure"}
    extra = tuple((str(k), str(v)) for k, v in data.items() if k not in known and v not in (None, "", [], {}))
    return VerdictView(patent, claim, str(data.get("category", "")), relation.replace("_", " "),
                       bool(data.get("dependent", False)), via, reasons, str(where) if where else None,
                       data.get("salt_rule"), picture, tuple(legend), hex_colour(CORE_COLOUR),
                       href(patent, claim), extra)


def _fragment_word(hydrogen: bool) -> str:
    return "[*][H]" if hydrogen else "(not decided)"


def coverage_page(result: CoverageResult, scopes: Sequence[PatentScope],
                  href: Callable[[str, int], str | None] = lambda _p, _c: None,
                  searched: Sequence[str] | None = None) -> CoveragePage:
    """The page of one ``covers`` answer; ``href(patent, claim)`` links a claim to its report.

    ``scopes`` are (at least) those of the patents the answer names; ``searched`` the ids of
    every patent the compound was decided against (default: the scopes').
    """
    data = result.to_dict()
    query = data.get("query") or {}
    target = prepare_target(str(query.get("smiles") or result.query.smiles))
    structures = {s.patent.patent_id: generic_structures(s) for s in scopes}
    groups: list[VerdictGroup] = []
    keys = ["hits", "near_misses", *(k for k, v in data.items() if k not in _KNOWN and isinstance(v, list))]
    for key in keys:
        items = [v for v in data.get(key) or [] if isinstance(v, Mapping)]
        groups.append(VerdictGroup(key, _title(key), tuple(
            _verdict(v, target, structures, href, hit=key == "hits") for v in items)))
    picture = draw_molecule(target.parent, title="the query compound", width=360, height=260)
    return CoveragePage(str(query.get("input", "")), str(query.get("smiles", "")), query.get("parent_inchikey"),
                        query.get("salt_form"), str(query.get("parent_smiles", "")), picture, tuple(groups),
                        tuple(searched) if searched is not None else tuple(s.patent.patent_id for s in scopes))
