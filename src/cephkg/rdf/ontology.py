"""The ontology files as a graph: what the store loads into its ontology graph.

``ontology/*.ttl`` holds the OWL ontology (cephkg.ttl and the files it is split into) and
the SHACL shapes (``shapes.ttl``, not part of the ontology).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from ..resources import ontology_dir

__all__ = ["SHAPES_FILE", "ontology_files", "ontology_graph", "ontology_quads", "shapes_file"]

SHAPES_FILE = "shapes.ttl"


def ontology_files() -> tuple[Path, ...]:
    """The OWL files of ``ontology/`` (the shapes file excluded), in name order."""
    return tuple(p for p in sorted(ontology_dir().glob("*.ttl")) if p.name != SHAPES_FILE)


def shapes_file() -> Path:
    return ontology_dir() / SHAPES_FILE


@cache
def ontology_graph() -> Graph:
    """Every OWL file of ``ontology/`` parsed into one rdflib graph (for owlready2, pySHACL)."""
    graph = Graph()
    for path in ontology_files():
        graph.parse(path, format="turtle")
    return graph


def ontology_quads(graph_name: ox.NamedNode | ox.DefaultGraph) -> list[ox.Quad]:
    """The ontology as pyoxigraph quads in ``graph_name`` (blank nodes kept apart per file)."""
    quads: list[ox.Quad] = []
    for path in ontology_files():
        for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, rename_blank_nodes=True):
            quads.append(ox.Quad(q.subject, q.predicate, q.object, graph_name))
    return quads
