"""Stage 4, graph: the typed models → RDF, one set of graphs per patent.

``vocab`` is the closed vocabulary (generated from the ontology files); ``iris`` mints
every IRI; ``terms`` builds triples with pyoxigraph's terms; ``claims``, ``chemistry`` and
``reactions`` emit what each stage produced; ``provenance`` describes each build;
``concepts`` finds the SKOS concept of an enumerated code; ``ontology`` reads the
ontology files.
"""

from __future__ import annotations

from rdflib import Graph

from ..chem.chemistry import PatentChemistry
from ..chem.reactions import Route
from ..model import Patent
from .chemistry import (
    chemistry_triples,
    compound_triples,
    link_triples,
    registered_triples,
    structure_triples,
)
from .claims import claim_triples
from .reactions import route_triples
from .terms import Triples, to_rdflib

__all__ = ["Triples", "chemistry_triples", "claim_triples", "claims_graph_triples", "compound_triples",
           "link_triples", "patent_graph", "registered_triples", "route_triples", "structure_triples"]


def claims_graph_triples(patent: Patent, routes: tuple[Route, ...] = ()) -> Triples:
    """What goes into a patent's claims graph: its claims and, for process claims, their routes."""
    out = claim_triples(patent)
    route_triples(patent, routes, out)
    return out


def patent_graph(patent: Patent, chemistry: PatentChemistry | None = None) -> Graph:
    """One patent's claims (and, given, its chemistry) as an rdflib graph."""
    out = claim_triples(patent)
    if chemistry is not None:
        chemistry_triples(chemistry, patent, out)
    return to_rdflib(out)
