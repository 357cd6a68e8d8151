"""The chemistry of a patent as triples: compounds, ``denotes``, classes, coverage links.

Compounds are described with CHEMINF descriptors in the SIO pattern, as PubChem RDF does
(``sio:SIO_000008`` to a ``cheminf:CHEMINF_000059`` InChIKey whose ``sio:SIO_000300`` is
the key: the same triples PubChem RDF writes, so the two graphs join on the key), and
have one IRI per InChIKey whatever patent names them. Each coverage link
(``ceph:covers`` and its kin) has an explanation resource with the reasons, the structure
matched, the group each variable took and the salt rule applied.

An alternative's group term links to its concept: a concept of the substituent scheme,
or, for a term the vocabulary does not list, a concept of the patent's own scheme that
this graph declares. The curated structures of a patent's sidecar are ``prov:Entity``
resources derived from the sidecar file, the structures cephkg inferred are derived from the
named species they were inferred from, and what was decided on one of them (a coverage
explanation, a reaction compound) is ``prov:wasDerivedFrom`` it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pyoxigraph as ox

from ..chem.chemistry import AlternativeClass, CoverageLink, PatentChemistry
from ..chem.compounds import CompoundRecord
from ..chem.drawn import to_cxsmiles
from ..chem.structures import GenericStructure, StructureFile
from ..model import Patent
from . import iris
from .concepts import concept
from .terms import Triples
from .vocab import CEPH, CHEMINF, PROV, RDF, RDFS, SIO, SKOS, XSD

__all__ = ["RELATION_PROPERTIES", "chemistry_triples", "compound_triples", "link_triples",
           "registered_triples", "structure_triples"]

_WHERE = re.compile(r"^claim (\d+) formula (\d+)$")

RELATION_PROPERTIES: dict[str, ox.NamedNode] = {
    "covers": CEPH.covers,
    "product_of_process": CEPH.yieldsCompound,
    "composition": CEPH.concernsCompound,
    "method_of_treatment": CEPH.concernsCompound,
    "use": CEPH.concernsCompound,
}
_DESCRIPTORS = (("smiles", CHEMINF.CHEMINF_000018), ("inchi", CHEMINF.CHEMINF_000113),
                ("inchikey", CHEMINF.CHEMINF_000059))


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


def _formula_of(patent: Patent, number: int, index: int) -> ox.NamedNode | None:
    for claim in patent.claims:
        if claim.number == number:
            key = iris.formula_keys(claim.formulas).get(index)
            return None if key is None else iris.formula(patent.patent_id, number, key)
    return None


def link_triples(link: CoverageLink, out: Triples, patent: Patent | None = None,
                 curated: frozenset[tuple[int, int]] = frozenset(),
                 inferred: frozenset[tuple[int, int]] = frozenset()) -> None:
    """One coverage link and its explanation; with the claim's ``patent`` at hand, an
    explanation decided on a curated structure (one of ``curated``: (claim, formula) of the
    sidecar's structures) or an inferred one (``inferred``) is ``prov:wasDerivedFrom`` that
    structure."""
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
    add(e, CEPH.hasCoverageRelation, concept(CEPH.CoverageRelationScheme, v.relation))
    add(e, CEPH.coverageVia, v.via)
    add(e, CEPH.hasCoverageRoute, concept(CEPH.CoverageRouteScheme, v.via))
    where = _WHERE.match(v.structure or "")
    if where is not None and patent is not None and patent.patent_id == v.patent:
        key = (int(where.group(1)), int(where.group(2)))
        f = _formula_of(patent, *key) if key in curated or key in inferred else None
        if f is not None:
            add(e, PROV.wasDerivedFrom, iris.structure(f) if key in curated else iris.inferred_structure(f))
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


def _group(chem: PatentChemistry, term_id: str, listed: bool) -> ox.NamedNode:
    return iris.group_class(term_id) if listed else iris.group_concept(chem.patent_id, term_id)


def _alternative(patent: Patent, a: AlternativeClass) -> ox.NamedNode:
    formula_key = None
    if a.formula is not None:
        claim = next(c for c in patent.claims if c.number == a.claim)
        formula_key = iris.formula_keys(claim.formulas)[a.formula]
    definition = iris.definition(patent.patent_id, a.claim, a.variable, formula_key)
    return iris.alternative(definition, a.terms or (a.term,), a.index)


def chemistry_triples(chem: PatentChemistry, patent: Patent, out: Triples | None = None) -> Triples:
    """The triples of one patent's chemistry graph (``patent``: the claims it was derived from)."""
    out = out if out is not None else Triples()
    add = out.add
    for r in chem.species:
        mention = iris.species(r.patent, r.claim, r.index)
        if r.compound is not None:
            add(mention, CEPH.denotes, compound_triples(r.compound, out))
        add(mention, CEPH.resolutionFailure, r.failure)
        add(mention, CEPH.asWrittenResolutionFailure, r.as_written_failure)
        add(mention, CEPH.resolvedFrom, r.resolved_from)
        add(mention, CEPH.readingChosen, r.reading)
        for text, how, outcome in r.readings:
            add(mention, CEPH.readingTried, f"{how}: {text} -> {outcome}")
    if chem.groups:
        scheme = iris.group_scheme(chem.patent_id)
        add(scheme, RDF.type, SKOS.ConceptScheme)
        add(scheme, SKOS.prefLabel, ox.Literal(f"group terms of patent {chem.patent_id}", language="en"))
        for g in chem.groups:
            node = iris.group_concept(chem.patent_id, g.id)
            add(node, RDF.type, SKOS.Concept)
            add(node, SKOS.prefLabel, ox.Literal(g.label, language="en"))
            add(node, SKOS.inScheme, scheme)
            add(node, SKOS.definition, ox.Literal(
                f"The group term '{g.label}' of patent {chem.patent_id}, which cephkg's substituent vocabulary does "
                "not list; cephkg's term grammar reads it from the terms it is composed of.", language="en"))
            own_parent = any(not listed for _id, listed in g.broader)
            if not own_parent:
                add(node, SKOS.topConceptOf, scheme)
                add(scheme, SKOS.hasTopConcept, node)
            for parent, listed in g.broader:
                add(node, SKOS.broader, _group(chem, parent, listed))
    for a in chem.alternatives:
        add(_alternative(patent, a), CEPH.substituentClass, _group(chem, a.class_id, a.listed))
    curated = frozenset((s.claim, s.formula) for s in chem.structures if s.source == "curated")
    inferred = frozenset((s.claim, s.formula) for s in chem.structures if s.source == "inferred")
    for link in chem.links:
        link_triples(link, out, patent, curated, inferred)
    for link in chem.undecided:
        link_triples(link, out, patent, curated, inferred)
    for s in chem.structures:
        f = _formula_of(patent, s.claim, s.formula)
        if f is None:
            continue
        add(f, CEPH.structureSource, s.source)
        add(f, CEPH.structureOrigin, s.origin)
        add(f, CEPH.structureSmiles, to_cxsmiles(s))
        for line in s.evidence:
            add(f, CEPH.inferenceEvidence, line)
        if s.confidence is not None:
            add(f, CEPH.inferenceConfidence, ox.Literal(f"{s.confidence:.2f}", datatype=XSD.decimal))
    used = {(o.claim, o.formula): o.species_used for o in chem.inferred}
    for s in chem.structures:
        f = _formula_of(patent, s.claim, s.formula)
        if s.source == "inferred" and f is not None:
            _inferred_structure_triples(patent, f, s, used.get((s.claim, s.formula), ()), out)
    given = {(s.claim, s.formula) for s in chem.structures}
    for o in chem.inferred:
        f = _formula_of(patent, o.claim, o.formula)
        if o.failure and (o.claim, o.formula) not in given and f is not None:
            add(f, CEPH.inferenceFailure, o.failure)
    return out


def _inferred_structure_triples(patent: Patent, formula: ox.NamedNode, structure: GenericStructure,
                                species: Sequence[tuple[int, int]], out: Triples) -> None:
    """An inferred structure as a PROV entity derived from the named species it was inferred from."""
    add = out.add
    node = iris.inferred_structure(formula)
    add(formula, CEPH.hasInferredStructure, node)
    add(node, RDF.type, CEPH.InferredGenericStructure)
    add(node, CEPH.structureSmarts if structure.is_smarts else CEPH.structureSmiles, structure.text)
    for line in structure.evidence:
        add(node, CEPH.inferenceEvidence, line)
    for claim, index in species:
        if any(sp.index == index for sp in patent.claim(claim).species):
            add(node, PROV.wasDerivedFrom, iris.species(patent.patent_id, claim, index))


def structure_triples(patent: Patent, structures: StructureFile, sha256: str | None,
                      out: Triples | None = None) -> Triples:
    """The curated structures of a patent's sidecar as PROV entities (for its chemistry graph).

    The sidecar file is a ``prov:Entity`` with its path and SHA-256; each structure is a
    ``ceph:CuratedStructure`` of its formula, ``prov:wasDerivedFrom`` the file, with the
    curator's note as its evidence and whether it was curated and inferred.
    """
    out = out if out is not None else Triples()
    add = out.add
    pid = patent.patent_id
    source = iris.structures_file(pid)
    add(source, RDF.type, CEPH.StructuresFile)
    add(source, CEPH.filePath, structures.path)
    add(source, CEPH.sha256, sha256)
    for s in structures.structures:
        f = _formula_of(patent, s.claim, s.formula)
        if f is None:
            continue
        node = iris.structure(f)
        add(f, CEPH.hasCuratedStructure, node)
        add(node, RDF.type, CEPH.CuratedStructure)
        add(node, CEPH.structureSmarts if s.is_smarts else CEPH.structureSmiles, s.text)
        add(node, CEPH.curated, s.curated)
        add(node, CEPH.inferredStructure, s.inferred)
        add(node, RDFS.comment, " ".join(s.note.split()) or None)
        add(node, PROV.wasDerivedFrom, source)
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
