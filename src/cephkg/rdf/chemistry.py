"""The chemistry of a patent as triples: compounds, ``denotes``, classes, coverage links.

Compounds are described with CHEMINF descriptors in the SIO pattern, as PubChem RDF does,
and have one IRI per InChIKey whatever patent names them. Each coverage link
(``ceph:covers`` and its kin) has an explanation resource with the reasons, the structure
matched, the group each variable took and the salt rule applied.
"""

from __future__ import annotations

import pyoxigraph as ox

from ..chem.chemistry import CoverageLink, PatentChemistry
from ..chem.compounds import CompoundRecord
from ..chem.drawn import to_cxsmiles
from . import iris
from .terms import Triples
from .vocab import CEPH, OBO, RDF, RDFS, SIO, XSD

__all__ = ["RELATION_PROPERTIES", "chemistry_triples", "compound_triples", "link_triples",
           "registered_triples"]

RELATION_PROPERTIES: dict[str, ox.NamedNode] = {
    "covers": CEPH.covers,
    "product_of_process": CEPH.yieldsCompound,
    "composition": CEPH.concernsCompound,
    "method_of_treatment": CEPH.concernsCompound,
    "use": CEPH.concernsCompound,
}
_DESCRIPTORS = (("smiles", OBO.CHEMINF_000018), ("inchi", OBO.CHEMINF_000113), ("inchikey", OBO.CHEMINF_000059))


def compound_triples(record: CompoundRecord, out: Triples) -> ox.NamedNode:
    """A compound with its CHEMINF descriptors; returns its IRI."""
    k = iris.compound(record.key)
    out.add(k, RDF.type, CEPH.SpecificCompound)
    out.add(k, RDFS.label, record.label or None)
    for kind, cls in _DESCRIPTORS:
        value = getattr(record, kind)
        if value:
            d = iris.descriptor(k, kind)
            out.add(k, SIO.SIO_000008, d)
            out.add(d, RDF.type, cls)
            out.add(d, SIO.SIO_000300, value)
    if record.parent is not None:
        out.add(k, CEPH.parentCompound, compound_triples(record.parent, out))
    if record.salt_form:
        for part in record.salt_form.split(";"):
            salt = iris.salt_form(part)
            out.add(k, CEPH.hasSaltForm, salt)
            out.add(salt, RDF.type, CEPH.SaltForm)
            out.add(salt, RDFS.label, part)
    return k


def link_triples(link: CoverageLink, out: Triples) -> None:
    v = link.verdict
    c = iris.claim(v.patent, v.claim)
    k = iris.compound(link.compound)
    e = iris.coverage_explanation(c, link.compound)
    add = out.add
    add(c, RELATION_PROPERTIES[v.relation] if v.ok else CEPH.undecidedFor, k)
    add(e, CEPH.coverageDecision, v.decision)
    add(c, CEPH.hasCoverageExplanation, e)
    add(e, RDF.type, CEPH.CoverageExplanation)
    add(e, CEPH.explainsClaim, c)
    add(e, CEPH.coveredCompound, k)
    add(e, CEPH.coverageRelation, v.relation)
    add(e, CEPH.coverageVia, v.via)
    add(e, CEPH.explanationText, "\n".join(v.reasons))
    for i, reason in enumerate(v.reasons, 1):
        r = iris.coverage_reason(e, i)
        add(e, CEPH.hasReason, r)
        add(r, RDF.type, CEPH.CoverageReason)
        add(r, CEPH.reasonIndex, i)
        add(r, CEPH.text, reason)
    add(e, CEPH.saltRule, v.salt_rule or None)
    add(e, CEPH.structureUsed, v.structure or None)
    for a in v.assignment:
        node = iris.assignment(e, a.variable)
        add(e, CEPH.hasAssignment, node)
        add(node, RDF.type, CEPH.VariableAssignment)
        add(node, CEPH.assignedVariable, a.variable)
        add(node, CEPH.fragmentSmiles, a.fragment)
        add(node, CEPH.satisfiesTerm, a.term)


def chemistry_triples(chem: PatentChemistry, out: Triples | None = None) -> Triples:
    """The triples of one patent's chemistry graph."""
    out = out if out is not None else Triples()
    for r in chem.species:
        mention = iris.species(r.patent, r.claim, r.index)
        if r.compound is not None:
            out.add(mention, CEPH.denotes, compound_triples(r.compound, out))
        out.add(mention, CEPH.resolutionFailure, r.failure)
        out.add(mention, CEPH.asWrittenResolutionFailure, r.as_written_failure)
        out.add(mention, CEPH.resolvedFrom, r.resolved_from)
        out.add(mention, CEPH.readingChosen, r.reading)
        for text, how, outcome in r.readings:
            out.add(mention, CEPH.readingTried, f"{how}: {text} -> {outcome}")
    for a in chem.alternatives:
        definition = iris.definition(chem.patent_id, a.claim, a.variable, a.formula)
        out.add(iris.alternative(definition, a.index), CEPH.substituentClass, iris.group_class(a.class_id))
    for link in chem.links:
        link_triples(link, out)
    for link in chem.undecided:
        link_triples(link, out)
    for s in chem.structures:
        f = iris.formula(chem.patent_id, s.claim, s.formula)
        out.add(f, CEPH.structureSource, s.source)
        out.add(f, CEPH.structureOrigin, s.origin)
        out.add(f, CEPH.structureSmiles, to_cxsmiles(s))
        for line in s.evidence:
            out.add(f, CEPH.inferenceEvidence, line)
        if s.confidence is not None:
            out.add(f, CEPH.inferenceConfidence, ox.Literal(f"{s.confidence:.2f}", datatype=XSD.decimal))
    given = {(s.claim, s.formula) for s in chem.structures}
    for o in chem.inferred:
        if o.failure and (o.claim, o.formula) not in given:
            out.add(iris.formula(chem.patent_id, o.claim, o.formula), CEPH.inferenceFailure, o.failure)
    return out


def registered_triples(records: list[tuple[CompoundRecord, str, str | None]], links: list[CoverageLink]) -> Triples:
    """The registered-compounds graph: each compound (with the input and label the user gave) and its links."""
    out = Triples()
    for record, value, label in records:
        k = compound_triples(record, out)
        out.add(k, RDF.type, CEPH.RegisteredCompound)
        out.add(k, CEPH.registeredInput, value)
        out.add(k, CEPH.registeredLabel, label)
    for link in links:
        link_triples(link, out)
    return out
