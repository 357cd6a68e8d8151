"""What the pages are made from: each patent's record and coverage scope, read from the store.

Only the store's Python API is used (``store.scopes.patent_record`` and ``load_scopes``),
never SPARQL over IRIs, so the pages do not depend on how the graph spells things.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..chem.coverage import PatentScope
from ..store.local import KnowledgeStore
from ..store.records import PatentRecord
from ..store.scopes import load_scopes, patent_record

__all__ = ["StoredPatent", "load_patents"]


@dataclass(frozen=True, slots=True)
class StoredPatent:
    """One patent as the store keeps it: its record (model, source text, sidecar, species) and scope."""

    record: PatentRecord
    scope: PatentScope

    @property
    def patent_id(self) -> str:
        return self.record.patent.patent_id


def load_patents(store: KnowledgeStore, patent_ids: Sequence[str] | None = None) -> tuple[list[StoredPatent], str | None]:
    """The chosen patents (all when none is named) and a warning naming patents skipped.

    An unknown patent id is a :class:`~cephkg.errors.StoreError` naming the known ones.
    """
    loaded = load_scopes(store, list(patent_ids) if patent_ids else None)
    out = [StoredPatent(patent_record(store, scope.patent.patent_id), scope) for scope in loaded.scopes]
    return out, loaded.warning()
