"""Process claims as reactions in triples: steps, types, participants, substances, order.

Reaction compounds are shared across patents by their canonical generic structure;
a formula with no structure is a compound of its own claim.
"""

from __future__ import annotations

import itertools

import pyoxigraph as ox

from ..chem.reactions import Route
from ..model import Patent
from . import iris
from .terms import Triples
from .vocab import CEPH, RDF, RDFS

__all__ = ["reaction_compound", "route_triples"]


def reaction_compound(patent_id: str, key: str) -> ox.NamedNode:
    """The IRI of a reaction compound key (see ``cephkg.chem.reactions.local_compound_key``)."""
    if key.startswith("@"):
        claim, group = key[1:].split(":", 1)
        return ox.NamedNode(f"{iris.claim(patent_id, int(claim)).value}/compound/{group}")
    return iris.reaction_compound(key)


def route_triples(patent: Patent, routes: tuple[Route, ...], out: Triples | None = None) -> Triples:
    """The reaction facts of every process claim of a patent."""
    out = out if out is not None else Triples()
    for r in routes:
        _route(patent, r, out)
    return out


def _route(patent: Patent, r: Route, out: Triples) -> None:
    pid, add = patent.patent_id, out.add
    c = iris.claim(pid, r.claim)
    for n in r.produces_compound_of_claims:
        add(c, CEPH.producesCompoundOfClaim, iris.claim(pid, n))
    for index, _name, _label in r.species:
        add(c, CEPH.producesSpecies, iris.species(pid, r.claim, index))
    if r.inherits_from is not None:
        return  # the parent claim carries the steps
    for t in r.targets:
        add(c, CEPH.routeTarget, iris.formula(pid, r.claim, t.formula))
    intermediate = {i.compound for i in r.intermediates}
    smiles = dict(r.compounds)
    seen: set[str] = set()

    def compound(key: str) -> ox.NamedNode:
        node = reaction_compound(pid, key)
        if key not in seen:
            seen.add(key)
            add(node, RDF.type, CEPH.ReactionCompound)
            if key in intermediate:
                add(node, RDF.type, CEPH.Intermediate)
            add(node, CEPH.genericSmiles, smiles.get(key))
        return node

    for step in r.steps:
        s = iris.step(pid, r.claim, step.index)
        if step.reaction_type is not None:
            add(s, CEPH.reactionType, ox.NamedNode(step.reaction_type.iri))
        add(s, CEPH.reactionSmarts, step.smarts)
        for prop, participants in ((CEPH.hasReactant, step.reactants), (CEPH.hasProduct, step.products)):
            for p in participants:
                node = compound(p.compound)
                add(s, prop, node)
                add(iris.formula(pid, r.claim, p.formula), CEPH.denotesCompound, node)
        for use in step.agents:
            for name in use.substances:
                sub = iris.substance(name)
                add(iris.agent(s, use.index), CEPH.denotesSubstance, sub)
                add(sub, RDF.type, CEPH.Substance)
                add(sub, RDFS.label, name)
    for t in r.targets:
        add(iris.formula(pid, r.claim, t.formula), CEPH.denotesCompound, compound(t.compound))
    if r.relation == "sequence":
        for first, then in itertools.pairwise(r.steps):
            add(iris.step(pid, r.claim, first.index), CEPH.nextStep, iris.step(pid, r.claim, then.index))
