"""The chemistry of one patent: species structures, group classes, coverage links.

A frozen :class:`PatentChemistry` is what the chemistry stage hands to the graph stage:
the structures of the patent's named species, the substituent class of every
interpretable alternative (by its position in the claims), the group terms the patent
composes that the vocabulary does not list (each becomes a concept of the patent's own
scheme, with a diagnostic), and the links from the patent's claims to every compound of
the build that a claim covers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from ..errors import Diagnostic, DiagnosticCode
from ..model import Patent
from .compounds import CompoundRecord, SpeciesResolution
from .coverage import PatentScope, Target, Verdict, prepare_target
from .structures import GenericStructure
from .substituents import Vocabulary

__all__ = ["AlternativeClass", "CoverageLink", "PatentChemistry", "PatentGroup", "patent_chemistry", "target_for"]


@dataclass(frozen=True, slots=True)
class AlternativeClass:
    """The substituent class of one alternative: ``formula`` is None for a claim-level definition.

    ``terms`` are all the alternatives of its definition (the alternative is ``terms[index - 1]``);
    ``listed`` says whether ``class_id`` is a term of the vocabulary or one the grammar composed.
    """

    claim: int
    formula: int | None
    variable: str
    index: int
    term: str
    class_id: str
    terms: tuple[str, ...] = ()
    listed: bool = True


@dataclass(frozen=True, slots=True)
class PatentGroup:
    """A group term a patent uses that the vocabulary does not list, read by the term grammar.

    ``broader`` are the (id, listed) pairs of its direct parents as the grammar reads them
    ("c1-c4 alkyl" is below alkyl); a composed parent is itself a group of the patent.
    """

    id: str
    label: str
    broader: tuple[tuple[str, bool], ...]


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
    groups: tuple[PatentGroup, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()


_Alternative = tuple[int, int | None, str, int, str, tuple[str, ...]]


def _alternatives(patent: Patent) -> list[_Alternative]:
    """(claim, formula, variable, index, term, all terms) of every alternative, as the graph places them."""
    out: list[_Alternative] = []
    for claim in patent.claims:
        for f in claim.formulas:
            for d in f.definitions:
                out.extend((claim.number, f.index, d.variable, i, t, d.alternatives)
                           for i, t in enumerate(d.alternatives, 1))
        for d in claim.unattached_definitions():
            out.extend((claim.number, None, d.variable, i, t, d.alternatives) for i, t in enumerate(d.alternatives, 1))
    return list(dict.fromkeys(out))


def _groups(vocabulary: Vocabulary, alternatives: Iterable[AlternativeClass], patent: Patent,
            ) -> tuple[tuple[PatentGroup, ...], tuple[Diagnostic, ...]]:
    """The composed group terms of a patent (and their composed parents), each with a diagnostic
    at the first claim that uses it."""
    groups: dict[str, PatentGroup] = {}
    notes: list[Diagnostic] = []

    def add(term: str) -> None:
        term_id = vocabulary.term_id(term)
        if term_id in groups:
            return
        parents = vocabulary.parents(term)
        groups[term_id] = PatentGroup(term_id, vocabulary.canonical(term) or term,
                                      tuple((vocabulary.term_id(p), vocabulary.is_listed(p)) for p in parents))
        for p in parents:
            if not vocabulary.is_listed(p):
                add(p)

    for a in alternatives:
        if a.listed or a.class_id in groups:
            continue
        add(a.term)
        notes.append(Diagnostic(
            "info", DiagnosticCode.GROUP_TERM_NOT_LISTED,
            f"group term '{a.term}' is not in cephkg's substituent vocabulary; the term grammar reads it "
            f"(as {a.class_id}) and the patent's own concept scheme declares it",
            patent.source.path, a.claim))
    return tuple(groups.values()), tuple(notes)


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
    @property
    def species_used(self) -> tuple[tuple[int, int], ...]: ...


def patent_chemistry(scope: PatentScope, resolutions: Mapping[tuple[str, int, int], SpeciesResolution],
                     compounds: Iterable[CompoundRecord],
                     inferred: Sequence[InferenceRecord] = ()) -> PatentChemistry:
    """The chemistry of one patent: its species, its alternatives' classes, and the links
    from its claims to every compound of ``compounds`` that a claim covers."""
    patent = scope.patent
    vocabulary = scope.vocabulary
    alternatives = tuple(AlternativeClass(c, f, v, i, term, vocabulary.term_id(term), terms, vocabulary.is_listed(term))
                         for c, f, v, i, term, terms in _alternatives(patent) if vocabulary.interpretable(term))
    groups, notes = _groups(vocabulary, alternatives, patent)
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
                           tuple(structures), tuple(inferred), tuple(undecided), groups, notes)
