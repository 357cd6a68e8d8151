"""Coverage against the store: patent scopes from stored records, and registered compounds.

Everything comes from the store (each patent's record holds its claims, curated structures
and resolved species), so ``covers``, ``check`` and ``add-compound`` work after the input
files are gone. Patents whose last write did not finish are skipped and named.
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdkit import Chem

from ..chem.chemistry import CoverageLink, target_for
from ..chem.compounds import CompoundRecord
from ..chem.coverage import (
    CoverageResult,
    PatentScope,
    Screen,
    Target,
    covers_screened,
    parse_compound,
    species_targets,
)
from ..chem.inference import InferenceOutcome, scope_with_inference
from ..chem.named_groups import vocabulary_for
from ..chem.standardise import standardise
from ..chem.structures import parse_structures
from ..errors import StoreError
from ..rdf import iris, registered_triples
from ..rdf.vocab import CEPH
from .local import KnowledgeStore
from .records import PatentRecord

__all__ = [
    "CoverageIndex",
    "StoreScopes",
    "ensure_compound",
    "load_scopes",
    "opsin_cache",
    "patent_record",
    "refresh_registered",
    "register_compound",
    "registered_inputs",
]


def opsin_cache(store: KnowledgeStore) -> Path | None:
    """Where the store keeps OPSIN's answers (None for an in-memory store)."""
    return store.opsin_cache


def patent_record(store: KnowledgeStore, patent_id: str) -> PatentRecord:
    return PatentRecord.from_json(store.record(patent_id), patent_id)


def scope_of(record: PatentRecord) -> PatentScope:
    """The patent's scope from its record: curated structures, then those inferred at build time."""
    patent = record.patent
    structures = (parse_structures(record.structures, record.structures_source or "<store>", patent)
                  if record.structures is not None else None)
    conventions = dict(structures.conventions) if structures else None
    base = PatentScope(patent, structures,
                       species_targets(patent, record.species_smiles(), record.species_failures()),
                       vocabulary_for(conventions, record.named_groups or {}))
    outcomes = [InferenceOutcome.from_dict(o) for o in record.inferred]
    return scope_with_inference(base, outcomes=outcomes)[0]


@dataclass(frozen=True, slots=True)
class StoreScopes:
    """The scopes of the chosen patents, and the patents skipped because their write was cut short."""

    scopes: tuple[PatentScope, ...]
    incomplete: tuple[str, ...]

    def warning(self) -> str | None:
        if not self.incomplete:
            return None
        return (f"skipped {len(self.incomplete)} patent(s) whose last build did not finish: "
                f"{', '.join(self.incomplete)} (build them again)")


def _chosen_patents(store: KnowledgeStore, patents: Sequence[str] | None) -> tuple[list[str], tuple[str, ...]]:
    """The patents to answer for (all indexed ones, or those named: an unknown name is a
    :class:`StoreError`) and those skipped because their last build did not finish."""
    known = store.patent_ids()
    incomplete = store.incomplete_patents()
    if not patents:
        return known, tuple(incomplete)
    missing = sorted(set(patents) - set(known))
    if missing:
        half = [p for p in missing if p in incomplete]
        detail = f"; the last build of {', '.join(half)} did not finish" if half else ""
        raise StoreError(f"patent(s) {', '.join(missing)} not in the store{detail} "
                         f"(known: {', '.join(known) or 'none'})")
    return [p for p in known if p in set(patents)], ()


def load_scopes(store: KnowledgeStore, patents: Sequence[str] | None = None) -> StoreScopes:
    """Scopes of the store's patents (all, or those named; an unknown name is a :class:`StoreError`)."""
    chosen, skipped = _chosen_patents(store, patents)
    return StoreScopes(tuple(scope_of(patent_record(store, pid)) for pid in chosen), skipped)


class CoverageIndex:
    """The store's patents ready for ``covers``: each patent's screen (read from the index at
    once, small), and its scope loaded only when a compound reaches it (then kept, up to
    ``keep`` scopes), so a compound is decided against thousands of patents by matching the
    few that can cover it. The store must stay open while the index is used.
    """

    def __init__(self, store: KnowledgeStore, patents: Sequence[str] | None = None, keep: int = 4096) -> None:
        chosen, self.incomplete = _chosen_patents(store, patents)
        screens = store.screens()
        self.store = store
        self.patents: tuple[tuple[str, Screen | None], ...] = tuple(
            (pid, Screen.from_dict(json.loads(screens[pid])) if pid in screens else None) for pid in chosen)
        self.keep = keep
        self._scopes: OrderedDict[str, PatentScope] = OrderedDict()

    def scope(self, patent_id: str) -> PatentScope:
        """One patent's scope (read from its record the first time)."""
        found = self._scopes.get(patent_id)
        if found is None:
            found = scope_of(patent_record(self.store, patent_id))
            self._scopes[patent_id] = found
            if len(self._scopes) > self.keep:
                self._scopes.popitem(last=False)
        else:
            self._scopes.move_to_end(patent_id)
        return found

    def covers(self, value: str | Chem.Mol | Target, time_budget_s: float | None = None) -> CoverageResult:
        """Which claims of the chosen patents cover ``value`` (the answer :func:`cephkg.chem.coverage.covers` gives)."""
        return covers_screened(value, self.patents, self.scope, opsin_cache(self.store), time_budget_s)

    @property
    def scopes_read(self) -> int:
        """How many patents' scopes are held (read because a compound reached them)."""
        return len(self._scopes)

    def scopes(self, patent_ids: Sequence[str]) -> tuple[PatentScope, ...]:
        return tuple(self.scope(p) for p in dict.fromkeys(patent_ids))

    def warning(self) -> str | None:
        return StoreScopes((), self.incomplete).warning()


# -- registered compounds ---------------------------------------------------------------

def registered_inputs(store: KnowledgeStore) -> list[tuple[str, str | None]]:
    """(input, label) of the compounds users registered, in input order."""
    entries: dict[str, str | None] = {}
    ox_store = store.oxigraph
    for q in ox_store.quads_for_pattern(None, CEPH.registeredInput, None, iris.REGISTERED_GRAPH):
        label = next(iter(ox_store.quads_for_pattern(q.subject, CEPH.registeredLabel, None, iris.REGISTERED_GRAPH)),
                     None)
        if isinstance(q.object, ox.Literal):
            entries[q.object.value] = label.object.value if label is not None and isinstance(label.object, ox.Literal) \
                else None
    return sorted(entries.items())


def _registered_record(value: str, label: str | None, cache_path: Path | None) -> CompoundRecord:
    mol = parse_compound(value, cache_path)
    return CompoundRecord.from_standardised(standardise(mol), label or value)


#: the time budget of a registered compound's links: none (they are what every query reads)
_UNBOUNDED = 1e9


def refresh_registered(store: KnowledgeStore, scopes: Sequence[PatentScope] | None = None,
                       extra: Sequence[tuple[str, str | None]] = ()) -> int:
    """Rebuild the registered graph: every registered compound and its coverage links."""
    entries = list(dict.fromkeys([*registered_inputs(store), *extra]))
    if not entries:
        return 0
    cache = opsin_cache(store)
    records = [(_registered_record(value, label, cache), value, label) for value, label in entries]
    if scopes is None:  # every patent of the store, screened first: only those a compound reaches are read
        index = CoverageIndex(store)
        links = [CoverageLink(record.key, verdict) for record, _, _ in records
                 for verdict in index.covers(target_for(record.smiles), _UNBOUNDED).hits]
    else:
        links = [CoverageLink(record.key, verdict)
                 for record, _, _ in records for scope in scopes
                 for verdict in scope.evaluate(target_for(record.smiles)) if verdict.ok]
    return store.replace_graph(iris.REGISTERED_GRAPH, registered_triples(records, links))


def register_compound(store: KnowledgeStore, value: str, label: str | None = None) -> str:
    """Add a compound to the registered graph with its links; returns its IRI."""
    record = _registered_record(value, label, opsin_cache(store))
    known = {v for v, _ in registered_inputs(store)}
    if value not in known:
        refresh_registered(store, extra=[(value, label)])
    return iris.compound(record.key).value


_INCHIKEY = re.compile(r"[A-Z]{14}-[A-Z]{10}-[A-Z]")
_IRI = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)


def ensure_compound(store: KnowledgeStore, value: str, label: str | None = None) -> str:
    """Make sure ``value`` (IRI, InChIKey, SMILES, InChI or name) is in the graph with its
    coverage links; returns the value to bind (the compound IRI when it was registered).

    IRIs and InChIKeys are returned unchanged (they can only name what is already there).
    """
    text = value.strip()
    if _IRI.match(text) or _INCHIKEY.fullmatch(text):
        return text
    return register_compound(store, text, label)
