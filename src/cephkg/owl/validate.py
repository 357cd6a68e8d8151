"""Closed-world checks of each patent's graph with the SHACL shapes of ``ontology/shapes.ttl``.

Why SHACL besides OWL: the reasoner works under the open world, so it cannot notice
what is *missing* (a claim without a number, a compound without an InChIKey) nor
compare numbers (a claim depending on a later claim). The shapes can.

Each patent's asserted graphs (its text graph and its chemistry graph) are validated
together and apart from other patents, with the OWL ontology mixed in (class targets then reach
sub-classes, and SPARQL constraints can read the
substituent hierarchy). Violations are reported per patent and per claim: a
violation on a nested node (a span, a definition, an alternative) is reported at the
claim that owns it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.term import BNode, Node

from ..errors import ReasoningError, ValidationError
from ..rdf import iris
from ..rdf.ontology import SHAPES_FILE, shapes_files
from ..rdf.terms import uri
from ..rdf.vocab import CEPH
from ..store.local import KnowledgeStore
from .reason import asserted_graph, owl_ontology

__all__ = [
    "SHAPES_FILE",
    "ValidationError",
    "ValidationReport",
    "Violation",
    "shapes_graph",
    "validate",
    "validate_graph",
]

SH = Namespace("http://www.w3.org/ns/shacl#")
CEPHSH = Namespace(iris.SHAPES)


@dataclass(frozen=True, slots=True)
class Violation:
    """One SHACL result, placed at a patent and (when it has one) a claim."""

    patent_id: str
    claim: int | None
    focus: str
    at_claim: bool
    shape: str
    message: str
    severity: str = "Violation"
    path: str | None = None
    value: str | None = None

    def __str__(self) -> str:
        where = f"claim {self.claim}" if self.claim is not None else "patent"
        at = "" if self.at_claim else f" (at <{self.focus}>)"
        return f"{self.patent_id}: {where}: {self.message}{at} [{self.shape}]"


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """Every violation of every patent validated; ``conforms`` when there is none."""

    patent_ids: tuple[str, ...]
    violations: tuple[Violation, ...]

    @property
    def conforms(self) -> bool:
        return not self.violations

    def for_patent(self, patent_id: str) -> tuple[Violation, ...]:
        return tuple(v for v in self.violations if v.patent_id == patent_id)

    def lines(self) -> list[str]:
        """One line per patent, then one per violation, sorted by claim."""
        out: list[str] = []
        for pid in self.patent_ids:
            mine = self.for_patent(pid)
            out.append(f"{pid}: conforms" if not mine else f"{pid}: {len(mine)} violation{'s' if len(mine) != 1 else ''}")
            out += [f"  {v}" for v in mine]
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


@cache
def shapes_graph() -> Graph:
    """The SHACL shapes, read from their own files (not from the ontology graph): the
    shapes of patent graphs (``ontology/shapes.ttl``) and the SKOS integrity conditions
    (``ontology/skos-shapes.ttl``), which check the concept schemes patents declare."""
    graph = Graph()
    for path in shapes_files():
        try:
            graph.parse(path, format="turtle")
        except (OSError, SyntaxError, ValueError) as exc:
            raise ValidationError(f"cannot read the SHACL shapes {path}: {exc}") from exc
    return graph


def validate_graph(graph: Graph, patent_id: str) -> tuple[Violation, ...]:
    """Validate one patent's graph; the violations sorted by claim, shape and message."""
    import pyshacl

    # The ontology is added whole: pySHACL's own ont_graph mixing copies only RDFS/OWL
    # axioms, and the category check reads the ceph:categoryCode annotations.
    # advanced: the span shape's target is a SHACL-AF SPARQL target (one query, not one per node)
    _conforms, results, _text = pyshacl.validate(
        graph + owl_ontology(), shacl_graph=shapes_graph(), inference="none", allow_warnings=True, advanced=True)
    if not isinstance(results, Graph):
        raise ValidationError(f"pySHACL returned {type(results).__name__}, not a results graph")
    shapes = shapes_graph()
    # neither patents nor claims are walked through when placing a violation at a claim
    stops = set(graph.subjects(RDF.type, uri(CEPH.Patent))) | _claims(graph)
    violations = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        severity = results.value(result, SH.resultSeverity)
        owner = _owning_claim(graph, focus, stops)
        violations.append(Violation(
            patent_id=patent_id,
            claim=owner[0] if owner else None,
            focus=str(focus),
            at_claim=owner is not None and owner[1] == focus,
            shape=_shape_name(shapes, _named_constraint(results.value(result, SH.sourceConstraint))
                              or results.value(result, SH.sourceShape)),
            message=str(results.value(result, SH.resultMessage) or "(no message)"),
            severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
            path=_path_text(path),
            value=None if value is None else str(value),
        ))
    violations.sort(key=lambda v: (v.claim is not None, v.claim or 0, v.shape, v.message, v.focus))
    return tuple(dict.fromkeys(violations))


def validate(store: KnowledgeStore, patent_ids: Sequence[str] | None = None,
             on_patent: Callable[[str, tuple[Violation, ...]], None] | None = None) -> ValidationReport:
    """Validate the patents named (all in the store by default).

    Each patent's text graph and chemistry graph are validated together, so the
    compound and substituent-class shapes check the chemistry stage's output.
    """
    ids = list(dict.fromkeys(patent_ids)) if patent_ids is not None else store.patent_ids()
    violations: list[Violation] = []
    for pid in ids:
        try:
            graph = asserted_graph(store, pid)
        except ReasoningError as exc:
            raise ValidationError(str(exc)) from exc
        found = validate_graph(graph, pid)
        violations += found
        if on_patent is not None:
            on_patent(pid, found)
    return ValidationReport(tuple(ids), tuple(violations))


def _owning_claim(graph: Graph, focus: Node | None, stops: set[Node], depth: int = 6) -> tuple[int, Node] | None:
    """The claim a node belongs to, as (number, claim node): itself, or the nearest claim above it.

    Walks incoming edges breadth-first (a span ← claim; an alternative ← definition ←
    claim), preferring the lowest claim number at the nearest distance. The walk never
    passes through a patent (every claim hangs off it) or a claim (a claim is cited by
    other claims): either would name a claim the node has nothing to do with.
    """
    if focus is None:
        return None
    frontier = {focus}
    seen = {focus}
    for _ in range(depth):
        found = sorted((int(n.toPython()), node) for node in frontier for n in graph.objects(node, uri(CEPH.claimNumber))
                       if isinstance(n, Literal) and isinstance(n.toPython(), int))
        if found:
            return found[0]
        parents = {s for node in frontier - stops for s in graph.subjects(None, node)} - seen
        if not parents:
            return None
        seen |= parents
        frontier = parents
    return None


def _claims(graph: Graph) -> set[Node]:
    """Nodes typed with ceph:Claim or any of its sub-classes in the ontology."""
    classes = set(owl_ontology().transitive_subjects(RDFS.subClassOf, uri(CEPH.Claim)))
    return {s for c in classes for s in graph.subjects(RDF.type, c)}


def _named_constraint(constraint: Node | None) -> URIRef | None:
    """A SPARQL constraint with a name of its own names the result better than its shape."""
    return constraint if isinstance(constraint, URIRef) and str(constraint).startswith(str(CEPHSH)) else None


def _shape_name(shapes: Graph, shape: Node | None) -> str:
    """``cephsh:Name`` of a shape; a blank property shape is named by the shape holding it."""
    for _ in range(3):
        if shape is None:
            return "?"
        if isinstance(shape, URIRef):
            text = str(shape)
            return "cephsh:" + text[len(str(CEPHSH)):] if text.startswith(str(CEPHSH)) else f"<{text}>"
        shape = next(iter(shapes.subjects(SH.property, shape)), None) or next(iter(shapes.subjects(SH.sparql, shape)), None)
    return "?"


def _path_text(path: Node | None) -> str | None:
    if path is None:
        return None
    if isinstance(path, BNode):
        return "(complex path)"
    return str(path)
