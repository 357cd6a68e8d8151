"""The ontology files as a graph: what the store loads into its ontology graph.

``ontology/*.ttl`` holds cephkg's own OWL ontology (cephkg.ttl and the files it is split
into) and two files of SHACL shapes (``shapes.ttl`` for patent graphs, ``skos-shapes.ttl``
for the SKOS integrity conditions), which are not part of the ontology.
``ontology/imports/*.ttl`` holds the MIREOT slices of the vocabularies cephkg reuses
(PROV-O, Web Annotation, DCMI terms, SKOS, CHEMINF, SIO, RXNO, MOP, ChEBI, EPO): they are
part of the ontology, loaded with cephkg's own files, so every external term the graph
uses is declared, with the label and definition its source gives it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from ..resources import ontology_dir

__all__ = ["IMPORTS_DIR", "SHAPES_FILE", "SHAPES_FILES", "SKOS_SHAPES_FILE", "import_files", "ontology_files",
           "ontology_graph", "ontology_quads", "shapes_file", "shapes_files"]

SHAPES_FILE = "shapes.ttl"
SKOS_SHAPES_FILE = "skos-shapes.ttl"
SHAPES_FILES = (SHAPES_FILE, SKOS_SHAPES_FILE)
IMPORTS_DIR = "imports"


def import_files() -> tuple[Path, ...]:
    """The import slices (``ontology/imports/*.ttl``), in name order."""
    return tuple(sorted((ontology_dir() / IMPORTS_DIR).glob("*.ttl")))


def ontology_files() -> tuple[Path, ...]:
    """The OWL files: cephkg's own (the shapes excluded), then the import slices, each in name order."""
    own = tuple(p for p in sorted(ontology_dir().glob("*.ttl")) if p.name not in SHAPES_FILES)
    return own + import_files()


def shapes_file() -> Path:
    return ontology_dir() / SHAPES_FILE


def shapes_files() -> tuple[Path, ...]:
    """Every SHACL file: the shapes of patent graphs and the SKOS integrity conditions."""
    return tuple(ontology_dir() / name for name in SHAPES_FILES)


@cache
def ontology_graph() -> Graph:
    """Every OWL file of ``ontology/`` parsed into one rdflib graph (for owlready2, pySHACL)."""
    graph = Graph()
    for path in ontology_files():
        graph.parse(path, format="turtle")
    return graph


def ontology_quads(graph_name: ox.NamedNode | ox.DefaultGraph) -> list[ox.Quad]:
    """The ontology as pyoxigraph quads in ``graph_name`` (blank nodes kept apart per file),
    each once: a triple two files state (each slice declares the annotation properties
    its header uses) is one statement of the graph."""
    quads: dict[ox.Quad, None] = {}
    for path in ontology_files():
        for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, rename_blank_nodes=True):
            quads.setdefault(ox.Quad(q.subject, q.predicate, q.object, graph_name))
    return list(quads)
