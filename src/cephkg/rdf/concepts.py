"""The concepts of cephkg's enumerations, found by their codes in ``ontology/concepts.ttl``.

The graph carries each enumerated value twice: as the plain code it always had
(``ceph:category "compound"``) and as a link to the SKOS concept whose ``skos:notation``
is that code (``ceph:hasCategory ceph:CompoundCategory``). Which concept a code stands
for is domain knowledge, so it is read from the ontology file, not written in code.
"""

from __future__ import annotations

from functools import cache

import pyoxigraph as ox

from ..resources import ontology_dir
from .vocab import SKOS

__all__ = ["CONCEPTS_FILE", "concept", "notations"]

CONCEPTS_FILE = "concepts.ttl"


@cache
def notations() -> dict[tuple[str, str], ox.NamedNode]:
    """(scheme IRI, notation) → concept, for every concept of ``ontology/concepts.ttl``."""
    schemes: dict[ox.NamedNode, list[ox.NamedNode]] = {}
    codes: dict[ox.NamedNode, list[str]] = {}
    for q in ox.parse(path=str(ontology_dir() / CONCEPTS_FILE), format=ox.RdfFormat.TURTLE):
        if not isinstance(q.subject, ox.NamedNode):
            continue
        if q.predicate == SKOS.inScheme and isinstance(q.object, ox.NamedNode):
            schemes.setdefault(q.subject, []).append(q.object)
        elif q.predicate == SKOS.notation and isinstance(q.object, ox.Literal):
            codes.setdefault(q.subject, []).append(q.object.value)
    return {(scheme.value, code): node for node, in_schemes in schemes.items()
            for scheme in in_schemes for code in codes.get(node, ())}


def concept(scheme: ox.NamedNode, code: str | None) -> ox.NamedNode | None:
    """The concept of ``scheme`` whose notation is ``code`` (None for no code or an unknown one).

    >>> concept(CEPH.ClaimCategoryScheme, "compound") == CEPH.CompoundCategory
    True
    >>> concept(CEPH.IsomerScheme, "cis") is None
    True
    """
    if code is None:
        return None
    return notations().get((scheme.value, code))
