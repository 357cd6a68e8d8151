"""Process claims as reactions in triples: steps, types, participants, substances, order.

Reaction compounds are shared across patents by their generic structure, named by its
version-independent key (:func:`cephkg.chem.reactions.reaction_compound_key`: the
InChIKey of the structure); a formula with no structure is a compound of its own claim.
(The curated structure itself is described in the patent's chemistry graph:
``<formula> ceph:hasCuratedStructure <structure>``.)
"""

from __future__ import annotations

import itertools

import pyoxigraph as ox

from ..chem.reactions import Route, reaction_compound_key
from ..model import Claim, Patent
from . import iris
from .terms import Triples
from .vocab import CEPH, RDF, RDFS

__all__ = ["reaction_compound", "route_triples"]


def reaction_compound(patent_id: str, key: str) -> ox.NamedNode:
    """The IRI of a reaction compound key (see ``cephkg.chem.reactions.local_compound_key``)."""
    if key.startswith("@"):
        claim, group = key[1:].split(":", 1)
        return iris.claim_compound(patent_id, int(claim), int(group))
    return iris.reaction_compound(reaction_compound_key(key))


def _claim(patent: Patent, number: int) -> Claim:
    return next(c for c in patent.claims if c.number == number)


def route_triples(patent: Patent, routes: tuple[Route, ...], out: Triples | None = None) -> Triples:
    """The reaction facts of every process claim of a patent."""
    out = out if out is not None else Triples()
    for r in routes:
        _route(patent, r, out)
    return out


def _route(patent: Patent, r: Route, out: Triples) -> None:
    pid, add = patent.patent_id, out.add
    c = iris.claim(pid, r.claim)
    own = _claim(patent, r.claim)
    formula_keys = iris.formula_keys(own.formulas)
    step_keys = iris.step_keys(own.steps, own.steps_relation)

    def formula(index: int) -> ox.NamedNode:
        return iris.formula(pid, r.claim, formula_keys.get(index, f"index/{index}"))

    def step(index: int) -> ox.NamedNode:
        return iris.step(pid, r.claim, step_keys[index])

    for n in r.produces_compound_of_claims:
        add(c, CEPH.producesCompoundOfClaim, iris.claim(pid, n))
    for index, _name, _label in r.species:
        add(c, CEPH.producesSpecies, iris.species(pid, r.claim, index))
    if r.inherits_from is not None:
        return  # the parent claim carries the steps
    for t in r.targets:
        add(c, CEPH.routeTarget, formula(t.formula))
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

    def participant(formula_index: int, key: str) -> ox.NamedNode:
        node = compound(key)
        add(formula(formula_index), CEPH.denotesCompound, node)
        return node

    for rs in r.steps:
        s = step(rs.index)
        if rs.reaction_type is not None:
            add(s, CEPH.reactionType, ox.NamedNode(rs.reaction_type.iri))
        add(s, CEPH.reactionSmarts, rs.smarts)
        for prop, participants in ((CEPH.hasReactant, rs.reactants), (CEPH.hasProduct, rs.products)):
            for p in participants:
                add(s, prop, participant(p.formula, p.compound))
        for use in rs.agents:
            for name in use.substances:
                sub = iris.substance(name)
                add(iris.agent(s, use.index), CEPH.denotesSubstance, sub)
                add(sub, RDF.type, CEPH.Substance)
                add(sub, RDFS.label, name)
    for t in r.targets:
        participant(t.formula, t.compound)
    if r.relation == "sequence":
        for first, then in itertools.pairwise(r.steps):
            add(step(first.index), CEPH.nextStep, step(then.index))
