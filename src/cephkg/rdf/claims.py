"""The claims of a patent as triples: patent, claims, formulas, definitions, provisos, species, steps.

Instance IRIs come from :mod:`cephkg.rdf.iris` and are deterministic, so building the same
input twice gives the same triples. Every fact links to the span of the source text it
came from through ``prov:wasDerivedFrom`` → ``oa:SpecificResource`` with an
``oa:TextPositionSelector`` and an ``oa:TextQuoteSelector``; the source file is a
``ceph:SourceDocument`` with its SHA-256. Enumerated values (category,
isomer, steps relation, repair kind) are written as their code and linked to their
concept (:mod:`cephkg.rdf.concepts`).
"""

from __future__ import annotations

import pyoxigraph as ox

from ..model import Claim, Condition, Definition, Formula, Patent, Repair, Span, Species, Step
from . import iris
from .concepts import concept
from .terms import Triples
from .vocab import CEPH, DCTERMS, EPO, OA, PROV, RDF, RDFS, XSD

__all__ = ["CATEGORY_CLASSES", "ROLE_INDIVIDUALS", "claim_triples"]

CATEGORY_CLASSES: dict[str, ox.NamedNode] = {
    "compound": CEPH.CompoundClaim,
    "process": CEPH.ProcessClaim,
    "composition": CEPH.CompositionClaim,
    "method_of_treatment": CEPH.MethodOfTreatmentClaim,
    "use": CEPH.UseClaim,
    "unclassified": CEPH.UnclassifiedClaim,
}

ROLE_INDIVIDUALS: dict[str, ox.NamedNode] = {
    "reactant": CEPH.ReactantRole,
    "reagent": CEPH.ReagentRole,
    "catalyst": CEPH.CatalystRole,
    "solvent": CEPH.SolventRole,
    "condition": CEPH.ConditionRole,
}


class _Emitter:
    def __init__(self, patent: Patent, out: Triples) -> None:
        self.patent = patent
        self.pid = patent.patent_id
        self.out = out
        self.source = iris.source(patent.patent_id)
        self.repair_iris: dict[Repair, ox.NamedNode] = {}
        self.definition_iris: dict[tuple[int, Span, str], ox.NamedNode] = {}

    def span(self, fact: ox.NamedNode, span: Span) -> None:
        """``fact prov:wasDerivedFrom`` the selected characters of the source file.

        Offsets are written as xsd:integer (values within xsd:nonNegativeInteger, the
        range Web Annotation gives): Oxigraph stores derived integer types as
        xsd:integer, and the graph must read back from every store unchanged.
        """
        add = self.out.add
        where, position, quote = iris.span_nodes(fact)
        add(fact, PROV.wasDerivedFrom, where)
        add(where, RDF.type, OA.SpecificResource)
        add(where, OA.hasSource, self.source)
        add(where, OA.hasSelector, position)
        add(where, OA.hasSelector, quote)
        add(position, RDF.type, OA.TextPositionSelector)
        add(position, OA.start, ox.Literal(str(span[0]), datatype=XSD.integer))
        add(position, OA.end, ox.Literal(str(span[1]), datatype=XSD.integer))
        add(quote, RDF.type, OA.TextQuoteSelector)
        add(quote, OA.exact, self.patent.source.text[span[0]:span[1]])

    def repair(self, owner: ox.NamedNode, iri: ox.NamedNode, repair: Repair) -> None:
        add = self.out.add
        add(owner, CEPH.hasRepair, iri)
        if ox.Triple(iri, RDF.type, CEPH.TextRepair) in self.out:
            return
        add(iri, RDF.type, CEPH.TextRepair)
        add(iri, CEPH.repairKind, repair.kind)
        add(iri, CEPH.hasRepairKind, concept(CEPH.RepairKindScheme, repair.kind))
        add(iri, CEPH.originalText, repair.original)
        add(iri, CEPH.repairedText, repair.replacement)
        self.span(iri, repair.span)

    def emit(self) -> None:
        p, add = self.patent, self.out.add
        patent = iris.patent(p.patent_id)
        add(patent, RDF.type, CEPH.Patent)
        add(patent, RDF.type, EPO.Publication)
        add(patent, DCTERMS.identifier, p.patent_id)
        add(patent, RDFS.label, f"patent {p.patent_id}")
        add(patent, CEPH.hasSourceDocument, self.source)
        add(patent, CEPH.claimsHeader, p.header)
        if p.source.publication is not None:
            add(patent, CEPH.publicationNumber, p.source.publication)
            office = iris.publication(p.source.publication)
            if office is not None:
                add(patent, RDFS.seeAlso, office)
        add(self.source, RDF.type, CEPH.SourceDocument)
        add(self.source, CEPH.filePath, p.source.path)
        add(self.source, CEPH.sha256, p.source.sha256)
        add(self.source, CEPH.sourceFormat, p.source.format)
        if p.source.offset:
            add(self.source, CEPH.sourceOffset, p.source.offset)
        if p.source.title:
            add(patent, DCTERMS.title, p.source.title)
        self.repair_iris = {r: iris.repair(patent, i) for i, r in enumerate(p.repairs, 1)}
        extra = 0
        for claim in p.claims:
            for r in claim.repairs:
                if r not in self.repair_iris:
                    extra += 1
                    self.repair_iris[r] = iris.repair(iris.claim(self.pid, claim.number), extra)
        for r in p.repairs:
            self.repair(patent, self.repair_iris[r], r)
        for claim in p.claims:
            self.claim(patent, claim)

    def claim(self, patent: ox.NamedNode, claim: Claim) -> None:
        add = self.out.add
        c = iris.claim(self.pid, claim.number)
        add(patent, CEPH.hasClaim, c)
        add(c, CEPH.claimOf, patent)
        add(c, RDF.type, CEPH.Claim)
        add(c, RDF.type, CATEGORY_CLASSES[claim.category])
        add(c, RDF.type, CEPH.IndependentClaim if claim.independent else CEPH.DependentClaim)
        add(c, RDFS.label, f"claim {claim.number} of {self.pid}")
        add(c, CEPH.claimNumber, claim.number)
        add(c, CEPH.category, claim.category)
        add(c, CEPH.hasCategory, concept(CEPH.ClaimCategoryScheme, claim.category))
        add(c, CEPH.claimText, claim.text)
        add(c, CEPH.isomer, claim.isomer)
        add(c, CEPH.hasIsomer, concept(CEPH.IsomerScheme, claim.isomer))
        add(c, CEPH.stepsRelation, claim.steps_relation)
        add(c, CEPH.hasStepsRelation, concept(CEPH.StepsRelationScheme, claim.steps_relation))
        self.span(c, claim.span)
        for n in claim.depends_on:
            add(c, CEPH.dependsOn, iris.claim(self.pid, n))
        for n in claim.refers_to:
            add(c, CEPH.refersTo, iris.claim(self.pid, n))
        for r in claim.repairs:
            self.repair(c, self.repair_iris[r], r)
        owners: dict[tuple[Span, str], ox.NamedNode] = {}
        keys = iris.formula_keys(claim.formulas)
        for formula in claim.formulas:
            self.formula(claim, c, formula, keys[formula.index], owners)
        for d in claim.definitions:
            iri = owners.get((d.span, d.variable))
            if iri is None:
                iri = self.definition(claim, iris.definition(self.pid, claim.number, d.variable), d, None)
            add(c, CEPH.hasDefinition, iri)
        if claim.salts_clause:
            clause = iris.salts_clause(self.pid, claim.number)
            add(c, CEPH.hasSaltsClause, clause)
            add(clause, RDF.type, CEPH.SaltsClause)
            add(clause, CEPH.text, claim.salts_clause.text)
            add(clause, CEPH.pharmaceuticallyAcceptable, claim.salts_clause.pharmaceutically_acceptable)
            self.span(clause, claim.salts_clause.span)
        for species in claim.species:
            self.species(claim, c, species)
        step_keys = iris.step_keys(claim.steps, claim.steps_relation)
        for step in claim.steps:
            self.step(claim, c, step, step_keys[step.index], keys)
        self.language(claim, c)

    def language(self, claim: Claim, c: ox.NamedNode) -> None:
        """What real claim language adds: shared and joint definitions, provisos, salt types, a cut claim."""
        add = self.out.add
        if claim.cut:
            add(c, CEPH.cutShort, True)
        for k, shared in enumerate(claim.shared_definitions, 1):
            s = iris.shared_definition(self.pid, claim.number, k)
            add(c, CEPH.hasSharedDefinition, s)
            add(s, RDF.type, CEPH.SharedDefinition)
            add(s, CEPH.text, shared.text)
            add(s, CEPH.variesIndependently, shared.independently)
            self.span(s, shared.span)
            stated = [*claim.definitions, *(d for f in claim.formulas for d in f.definitions)]
            for name in shared.variables:
                add(s, CEPH.aboutVariable, self.variable(claim, name))
                given = {self.definition_iris[(claim.number, d.span, name)] for d in stated
                         if d.variable == name and d.span == shared.span
                         and (claim.number, d.span, name) in self.definition_iris}
                for iri in sorted(given, key=lambda n: n.value):
                    add(s, CEPH.givesDefinition, iri)
        for k, joint in enumerate(claim.joint_definitions, 1):
            j = iris.joint_definition(self.pid, claim.number, k)
            add(c, CEPH.hasJointDefinition, j)
            add(j, RDF.type, CEPH.JointDefinition)
            add(j, CEPH.text, joint.text)
            add(j, CEPH.formedWith, joint.with_)
            self.span(j, joint.span)
            for name in joint.variables:
                add(j, CEPH.aboutVariable, self.variable(claim, name))
            for term in joint.alternatives:
                add(j, CEPH.formsGroup, term)
        for k, proviso in enumerate(claim.provisos, 1):
            pr = iris.proviso(self.pid, claim.number, k)
            add(c, CEPH.hasProviso, pr)
            add(pr, RDF.type, CEPH.Proviso)
            add(pr, CEPH.text, proviso.text)
            add(pr, CEPH.decidable, proviso.decidable)
            self.span(pr, proviso.span)
            for part, prop, conditions in (("when", CEPH.hasWhenCondition, proviso.when),
                                           ("then", CEPH.hasThenCondition, proviso.then)):
                for i, condition in enumerate(conditions, 1):
                    node = iris.proviso_condition(pr, part, i)
                    add(pr, prop, node)
                    self.condition(claim, node, i, condition)
        for k, salt in enumerate(claim.salt_types, 1):
            t = iris.salt_type(self.pid, claim.number, k)
            add(c, CEPH.hasSaltTypeConstraint, t)
            add(t, RDF.type, CEPH.SaltTypeConstraint)
            add(t, CEPH.saltType, salt.type)
            add(t, RDFS.label, f"{salt.type} salt")
            self.span(t, salt.span)

    def condition(self, claim: Claim, node: ox.NamedNode, index: int, condition: Condition) -> None:
        add = self.out.add
        add(node, RDF.type, CEPH.ProvisoCondition)
        add(node, CEPH.conditionIndex, index)
        add(node, CEPH.conditionQuantifier, condition.quantifier)
        add(node, CEPH.conditionRelation, condition.relation)
        add(node, CEPH.text, condition.text)
        self.span(node, condition.span)
        for name in condition.variables:
            add(node, CEPH.aboutVariable, self.variable(claim, name))
        for value in condition.values:
            add(node, CEPH.conditionValue, value)
        self.ranges(node, condition.numeric)

    def ranges(self, owner: ox.NamedNode, ranges: tuple[tuple[int, int], ...]) -> None:
        add = self.out.add
        for i, (lo, hi) in enumerate(ranges, 1):
            r = iris.integer_range(owner, i)
            add(owner, CEPH.hasIntegerRange, r)
            add(r, RDF.type, CEPH.IntegerRange)
            add(r, CEPH.minInclusiveValue, lo)
            add(r, CEPH.maxInclusiveValue, hi)
            add(r, RDFS.label, f"{lo} to {hi}" if lo != hi else str(lo))

    def variable(self, claim: Claim, name: str) -> ox.NamedNode:
        variable = iris.variable(self.pid, claim.number, name)
        self.out.add(variable, RDF.type, CEPH.Variable)
        self.out.add(variable, CEPH.variableName, name)
        self.out.add(variable, RDFS.label, name)
        return variable

    def formula(self, claim: Claim, c: ox.NamedNode, formula: Formula, key: str,
                owners: dict[tuple[Span, str], ox.NamedNode]) -> None:
        add = self.out.add
        f = iris.formula(self.pid, claim.number, key)
        add(c, CEPH.hasFormula, f)
        add(f, RDF.type, CEPH.GenericStructure)
        add(f, CEPH.formulaIndex, formula.index)
        add(f, CEPH.formulaLabel, formula.label)
        add(f, CEPH.labelInferred, formula.label_inferred)
        add(f, CEPH.placeholder, formula.placeholder)
        add(f, CEPH.formulaDescription, formula.description or None)
        add(f, CEPH.isomer, formula.isomer)
        add(f, CEPH.hasIsomer, concept(CEPH.IsomerScheme, formula.isomer))
        add(f, CEPH.stereocentresMarked, formula.stereocentres_marked)
        self.span(f, formula.span)
        for d in formula.definitions:
            iri = self.definition(claim, iris.definition(self.pid, claim.number, d.variable, key), d, f)
            owners.setdefault((d.span, d.variable), iri)

    def definition(self, claim: Claim, iri: ox.NamedNode, d: Definition, formula: ox.NamedNode | None) -> ox.NamedNode:
        add = self.out.add
        variable = iris.variable(self.pid, claim.number, d.variable)
        add(variable, RDF.type, CEPH.Variable)
        add(variable, CEPH.variableName, d.variable)
        add(variable, RDFS.label, d.variable)
        if formula is not None:
            add(formula, CEPH.hasDefinition, iri)
            add(iri, CEPH.definedFor, formula)
        add(iri, RDF.type, CEPH.VariableDefinition)
        add(iri, CEPH.definesVariable, variable)
        add(iri, CEPH.inherited, d.inherited)
        add(iri, CEPH.definitionText, d.text)
        self.span(iri, d.span)
        for i, term in enumerate(d.alternatives, 1):
            alt = iris.alternative(iri, d.alternatives, i)
            add(iri, CEPH.hasAlternative, alt)
            add(alt, RDF.type, CEPH.Alternative)
            add(alt, CEPH.alternativeIndex, i)
            add(alt, CEPH.groupTerm, term)
        self.ranges(iri, d.numeric)
        self.definition_iris.setdefault((claim.number, d.span, d.variable), iri)
        return iri

    def species(self, claim: Claim, c: ox.NamedNode, species: Species) -> None:
        add = self.out.add
        s = iris.species(self.pid, claim.number, species.index)
        add(c, CEPH.namesSpecies, s)
        add(s, RDF.type, CEPH.SpeciesMention)
        add(s, CEPH.speciesIndex, species.index)
        add(s, CEPH.speciesName, species.name)
        add(s, CEPH.nameAsWritten, species.name_as_written)
        add(s, RDFS.label, species.name)
        add(s, CEPH.isomer, species.isomer)
        add(s, CEPH.hasIsomer, concept(CEPH.IsomerScheme, species.isomer))
        add(s, CEPH.formulaLabel, species.formula_label)
        self.span(s, species.span)
        for form in species.salt_forms:
            salt = iris.salt_form(form)
            add(s, CEPH.hasSaltForm, salt)
            add(salt, RDF.type, CEPH.SaltForm)
            add(salt, RDFS.label, form)
        for r in species.repairs:
            if r in self.repair_iris:
                add(s, CEPH.hasRepair, self.repair_iris[r])

    def step(self, claim: Claim, c: ox.NamedNode, step: Step, key: str, formula_keys: dict[int, str]) -> None:
        add = self.out.add
        s = iris.step(self.pid, claim.number, key)
        add(c, CEPH.hasStep, s)
        add(s, RDF.type, CEPH.ProcessStep)
        add(s, CEPH.stepIndex, step.index)
        add(s, CEPH.stepMarker, step.marker)
        add(s, CEPH.stepVerb, step.verb)
        add(s, CEPH.text, step.text)
        add(s, RDFS.label, f"step {step.index} of claim {claim.number}")
        self.span(s, step.span)
        for k in step.consumes:
            add(s, CEPH.consumes, iris.formula(self.pid, claim.number, formula_keys.get(k, f"index/{k}")))
        for k in step.produces:
            add(s, CEPH.produces, iris.formula(self.pid, claim.number, formula_keys.get(k, f"index/{k}")))
        for j, agent in enumerate(step.agents, 1):
            a = iris.agent(s, j)
            add(s, CEPH.hasAgent, a)
            add(a, RDF.type, CEPH.StepAgent)
            add(a, CEPH.hasRole, ROLE_INDIVIDUALS[agent.role])
            add(a, CEPH.text, agent.text)
            add(a, RDFS.label, agent.text)
            self.span(a, agent.span)


def claim_triples(patent: Patent, out: Triples | None = None) -> Triples:
    """Every triple read from one patent's claims (for its ``graph/patent/<id>`` graph)."""
    out = out if out is not None else Triples()
    _Emitter(patent, out).emit()
    return out
