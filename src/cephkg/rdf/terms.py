"""Building triples with pyoxigraph's own terms: one term system from emitter to store.

An emitter collects :class:`pyoxigraph.Triple` values in a :class:`Triples` buffer;
Python values become typed literals here, once (``int`` → ``xsd:integer``, ``bool`` →
``xsd:boolean``, ``str`` → plain literal). :func:`to_rdflib` gives the same triples as an
``rdflib.Graph`` for the libraries that need one (owlready2, pySHACL), through
N-Triples written by pyoxigraph and read by rdflib, not term by term.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox
from rdflib import Graph, URIRef

from .vocab import XSD

__all__ = ["Object", "Subject", "Triples", "from_rdflib", "literal", "to_rdflib", "uri"]

Subject = ox.NamedNode | ox.BlankNode
Object = ox.NamedNode | ox.BlankNode | ox.Literal


def literal(value: str | int | bool | float) -> ox.Literal:
    """A typed literal of a Python value (bool before int: a bool is an int)."""
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=XSD.boolean)
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=XSD.integer)
    if isinstance(value, float):
        return ox.Literal(repr(value), datatype=XSD.double)
    return ox.Literal(value)


class Triples:
    """An ordered, de-duplicated collection of triples under construction."""

    __slots__ = ("_seen",)

    def __init__(self) -> None:
        self._seen: dict[ox.Triple, None] = {}

    def add(self, s: Subject, p: ox.NamedNode, o: Object | str | int | bool | float | None) -> None:
        """Add ``s p o``; ``None`` adds nothing, Python values become literals."""
        if o is None:
            return
        obj = o if isinstance(o, (ox.NamedNode, ox.BlankNode, ox.Literal)) else literal(o)
        self._seen.setdefault(ox.Triple(s, p, obj))

    def extend(self, triples: Iterable[ox.Triple]) -> None:
        for t in triples:
            self._seen.setdefault(t)

    def __contains__(self, triple: object) -> bool:
        return triple in self._seen

    def __iter__(self) -> Iterator[ox.Triple]:
        return iter(self._seen)

    def __len__(self) -> int:
        return len(self._seen)

    def freeze(self) -> tuple[ox.Triple, ...]:
        return tuple(self._seen)


def to_rdflib(triples: Iterable[ox.Triple]) -> Graph:
    """The triples as an rdflib graph (serialised by pyoxigraph, parsed by rdflib)."""
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    graph = Graph()
    if data:
        graph.parse(data=data, format="nt")
    return graph


def from_rdflib(graph: Graph) -> list[ox.Triple]:
    """An rdflib graph's triples as pyoxigraph terms (serialised by rdflib, parsed by pyoxigraph)."""
    data = graph.serialize(format="nt", encoding="utf-8")
    return [q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]


def uri(node: ox.NamedNode) -> URIRef:
    """A vocabulary term as an rdflib IRI, for the rdflib-based tools."""
    return URIRef(node.value)
