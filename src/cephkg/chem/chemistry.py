"""The chemistry of one patent: species structures, group classes, coverage links.

A frozen :class:`PatentChemistry` is what the chemistry stage hands to the graph stage:
the structures of the patent's named species, the substituent class of every
interpretable alternative (by its position in the claims), and the links from the
patent's claims to every compound of the build that a claim covers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from ..model import Patent
from .compounds import CompoundRecord, SpeciesResolution
from .coverage import PatentScope, Target, Verdict, prepare_target
from .structures import GenericStructure

__all__ = ["AlternativeClass", "CoverageLink", "PatentChemistry", "patent_chemistry", "target_for"]


@dataclass(frozen=True, slots=True)
class AlternativeClass:
    """The substituent class of one alternative: ``formula`` is None for a claim-level definition."""

    claim: int
    formula: int | None
    variable: str
    index: int
    term: str
    class_id: str


@dataclass(frozen=True, slots=True)
class CoverageLink:
    """A claim covering a compound (``compound`` is the compound's key)."""

    compound: str
    verdict: Verdict


@dataclass(frozen=True, slots=True)
class PatentChemistry:
    patent_id: str
    species: tuple[SpeciesResolution, ...]
    alternatives: tuple[AlternativeClass, ...]
    links: tuple[CoverageLink, ...]
    compounds: tuple[CompoundRecord, ...]
    #: the generic structure of every formula coverage uses (curated or inferred), and the
    #: inference outcomes of the formulas without a curated one (structure or why not)
    structures: tuple[GenericStructure, ...] = ()
    inferred: tuple[InferenceRecord, ...] = ()
    #: claims whose answer is "cannot decide" for a compound of the build (key, verdict)
    undecided: tuple[CoverageLink, ...] = ()


def _alternatives(patent: Patent) -> list[tuple[int, int | None, str, int, str]]:
    """(claim, formula, variable, index, term) of every alternative, as the graph places them."""
    out: list[tuple[int, int | None, str, int, str]] = []
    for claim in patent.claims:
        for f in claim.formulas:
            for d in f.definitions:
                out.extend((claim.number, f.index, d.variable, i, t) for i, t in enumerate(d.alternatives, 1))
        for d in claim.unattached_definitions():
            out.extend((claim.number, None, d.variable, i, t) for i, t in enumerate(d.alternatives, 1))
    return list(dict.fromkeys(out))


@lru_cache(maxsize=8192)
def target_for(smiles: str) -> Target:
    """A compound prepared for matching, once per process and structure."""
    return prepare_target(smiles)


class InferenceRecord(Protocol):
    """What the graph needs of an inference outcome (see :class:`cephkg.chem.inference.InferenceOutcome`)."""

    @property
    def claim(self) -> int: ...
    @property
    def formula(self) -> int: ...
    @property
    def structure(self) -> GenericStructure | None: ...
    @property
    def failure(self) -> str | None: ...


def patent_chemistry(scope: PatentScope, resolutions: Mapping[tuple[str, int, int], SpeciesResolution],
                     compounds: Iterable[CompoundRecord],
                     inferred: Sequence[InferenceRecord] = ()) -> PatentChemistry:
    """The chemistry of one patent: its species, its alternatives' classes, and the links
    from its claims to every compound of ``compounds`` that a claim covers."""
    patent = scope.patent
    vocabulary = scope.vocabulary
    alternatives = tuple(AlternativeClass(c, f, v, i, term, vocabulary.term_id(term))
                         for c, f, v, i, term in _alternatives(patent) if vocabulary.interpretable(term))
    species = tuple(r for k, r in sorted(resolutions.items()) if k[0] == patent.patent_id)
    links: list[CoverageLink] = []
    undecided: list[CoverageLink] = []
    for record in {c.key: c for c in compounds}.values():
        for verdict in scope.evaluate(target_for(record.smiles)):
            if verdict.ok:
                links.append(CoverageLink(record.key, verdict))
            elif verdict.undecided:
                undecided.append(CoverageLink(record.key, verdict))
    structures = scope.structures.structures if scope.structures is not None else ()
    return PatentChemistry(patent.patent_id, species, alternatives, tuple(links),
                           tuple(r.compound for r in species if r.compound is not None),
                           tuple(structures), tuple(inferred), tuple(undecided))
