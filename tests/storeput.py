"""Putting hand-made patent graphs into a store, the way a build does (atomically, indexed)."""

from __future__ import annotations

import json

from rdflib import Graph

from cephkg.rdf import iris
from cephkg.rdf.terms import from_rdflib
from cephkg.store.local import KnowledgeStore


def put_patent(store: KnowledgeStore, patent_id: str, claims: Graph, chemistry: Graph | None = None) -> None:
    """Store hand-made graphs as patent ``patent_id``: indexed, so reasoning and validation see it.

    The record is a stand-in (no model): enough for reasoning and validation, which read
    graphs only.
    """
    graphs = {iris.patent_graph(patent_id): from_rdflib(claims)}
    if chemistry is not None:
        graphs[iris.chemistry_graph(patent_id)] = from_rdflib(chemistry)
    store.write_patent(patent_id, json.dumps({"format": 0, "hand-made": True}), graphs)
