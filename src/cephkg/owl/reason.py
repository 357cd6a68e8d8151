"""Stage 6: OWL reasoning, one patent at a time, with HermiT (through owlready2).

Why per patent: a claim only ever cites claims of its own patent, so one patent's graph
plus the ontology is everything the reasoner needs. Patents then reason independently
(in parallel processes, each with its own ``owlready2.World``), and an inconsistency is
reported against the one patent that has it.

Asserted and inferred triples stay apart: what the reasoner concludes goes to the
patent's *inferred* graph (:func:`cephkg.rdf.iris.inferred_graph`), which holds only
triples that neither the patent graph nor the ontology asserts.

HermiT answers with the most specific classes of each individual and, per property,
the pairs that are not already pairs of a sub-property. The full entailment for named
classes and properties is that answer closed under the (inferred) class and property
hierarchies, inverse properties and transitive properties; that closure is what gets
stored, so a plain SPARQL query over asserted + inferred needs no reasoning of its own.

When HermiT finds the graph inconsistent, the report names the resources and axioms
involved twice over: a structural account computed here (which individual has which
disjoint classes, and why it has each of them) and Pellet's justification (the minimal
set of axioms and assertions that cannot hold together).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from multiprocessing import get_context
from pathlib import Path

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from ..errors import ReasoningError
from ..rdf import iris
from ..rdf.ontology import SHAPES_FILE, ontology_files, ontology_graph
from ..rdf.vocab import CEPH, DCTERMS, EPO, OA, OBO, PROV, SIO, SKOS
from ..store.local import KnowledgeStore

__all__ = [
    "PELLET_TIMEOUT",
    "SHAPES_FILE",
    "Clash",
    "InconsistentGraphError",
    "Inference",
    "ReasoningReport",
    "asserted_graph",
    "asserted_graph_iris",
    "explain",
    "infer",
    "java_executable",
    "ontology_files",
    "owl_ontology",
    "pellet_justification",
    "reason",
    "reason_after_build",
    "reason_patent",
    "structural_clashes",
]

PELLET_TIMEOUT = 120.0
"""Seconds Pellet may spend explaining an inconsistency before the explanation is given up."""

_PREFIXES: dict[str, str] = {
    "ceph": CEPH.NS, "owl": str(OWL), "rdf": str(RDF), "rdfs": str(RDFS), "xsd": str(XSD),
    "prov": PROV.NS, "oa": OA.NS, "dcterms": DCTERMS.NS, "sio": SIO.NS, "obo": OBO.NS,
    "epo": EPO.NS, "skos": SKOS.NS,
}
_BUILTIN_NAMESPACES = (str(OWL), str(RDF), str(RDFS), str(XSD))


# ---------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True, slots=True)
class ReasoningReport:
    """What reasoning one patent gave: consistency, how much was inferred, how long it took.

    ``explanation`` is empty for a consistent patent; otherwise it names the resources
    and axioms that cannot hold together.
    """

    patent_id: str
    consistent: bool
    inferred_triples: int
    seconds: float
    explanation: str = ""

    def __str__(self) -> str:
        state = "consistent" if self.consistent else "INCONSISTENT"
        return f"{self.patent_id}: {state}, {self.inferred_triples} inferred triples, {self.seconds:.2f} s"


@dataclass(frozen=True, slots=True)
class Inference:
    """The outcome of reasoning over one graph, before anything is stored."""

    consistent: bool
    inferred: Graph
    seconds: float
    explanation: str = ""


@dataclass(frozen=True, slots=True)
class Clash:
    """One reason a graph is inconsistent, found by the structural check.

    ``resources`` are the individuals involved, ``axiom`` the ontology axiom they break
    (in OWL functional-style syntax, with the file it is written in), ``detail`` how the
    individuals came to break it.
    """

    resources: tuple[str, ...]
    axiom: str
    detail: str

    def __str__(self) -> str:
        return f"{self.detail}; axiom: {self.axiom}"


class InconsistentGraphError(ReasoningError):  # carries its report, so it lives here
    """A patent's graph contradicts the ontology; ``report`` says where and why."""

    def __init__(self, report: ReasoningReport) -> None:
        super().__init__(report.explanation)
        self.report = report

    def __reduce__(self) -> tuple[type[InconsistentGraphError], tuple[ReasoningReport]]:
        return (InconsistentGraphError, (self.report,))  # survives a trip between processes


# ---------------------------------------------------------------------------------------
# The ontology


def owl_ontology() -> Graph:
    """The OWL ontology (every file of :func:`ontology_files`) as one graph, parsed once.

    Callers must not change it: it is shared.
    """
    return ontology_graph()


@cache
def _ontology_ntriples() -> bytes:
    return owl_ontology().serialize(format="nt", encoding="utf-8")


def _n3(node: Node) -> str:
    """A CURIE for a known namespace, else ``<iri>``; blank nodes and literals as N3."""
    if isinstance(node, URIRef):
        text = str(node)
        for prefix, ns in _PREFIXES.items():
            if text.startswith(ns) and re.fullmatch(r"[A-Za-z_][\w.-]*", text[len(ns):]):
                return f"{prefix}:{text[len(ns):]}"
        return f"<{text}>"
    return node.n3()


# ---------------------------------------------------------------------------------------
# Java


def java_executable() -> str:
    """The ``java`` HermiT and Pellet run on: from ``PATH``, else ``$JAVA_HOME/bin``."""
    found = shutil.which("java")
    if found:
        return found
    home = os.environ.get("JAVA_HOME")
    if home:
        candidate = Path(home) / "bin" / ("java.exe" if os.name == "nt" else "java")
        if candidate.is_file():
            return str(candidate)
    raise ReasoningError(
        "no Java runtime found: OWL reasoning runs HermiT, which needs Java 8 or later. "
        "Run scripts/setup.sh to install one (or put java on PATH, or set JAVA_HOME).")


# ---------------------------------------------------------------------------------------
# Reasoning one graph


def infer(asserted: Graph) -> Inference:
    """Reason over ``asserted`` plus the ontology; the graph itself is left unchanged.

    The inferred graph holds only triples about ``asserted``'s own IRI resources that
    neither ``asserted`` nor the ontology states.
    """
    import owlready2
    from owlready2.base import OwlReadyInconsistentOntologyError, OwlReadyJavaError

    owlready2.JAVA_EXE = java_executable()
    start = time.perf_counter()
    world = owlready2.World()  # a fresh quadstore: no state shared with other patents
    try:
        data = _ontology_ntriples() + b"\n" + asserted.serialize(format="nt", encoding="utf-8")
        world.get_ontology(iris.REASONING_INPUT).load(
            fileobj=io.BytesIO(data), format="ntriples")
        try:
            owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0,
                                           ignore_unsupported_datatypes=True)
        except OwlReadyInconsistentOntologyError:
            explanation = explain(asserted)
            return Inference(False, Graph(), time.perf_counter() - start, explanation)
        except OwlReadyJavaError as exc:
            raise ReasoningError(f"HermiT failed: {exc}") from exc
        out = io.BytesIO()
        world.get_ontology("http://inferrences/").save(file=out, format="ntriples")
    finally:
        world.close()
    answer = Graph().parse(data=out.getvalue().decode("utf-8"), format="nt")
    inferred = _entailed(asserted, answer)
    return Inference(True, inferred, time.perf_counter() - start)


def _entailed(asserted: Graph, answer: Graph) -> Graph:
    """HermiT's answer closed under the class and property hierarchies, minus what is asserted."""
    ontology = owl_ontology()
    hierarchy = ontology + answer
    supers_of_class = _closure(
        [(s, o) for s, o in hierarchy.subject_objects(RDFS.subClassOf)]
        + _both_ways(hierarchy.subject_objects(OWL.equivalentClass)))
    supers_of_property = _closure(
        [(s, o) for s, o in hierarchy.subject_objects(RDFS.subPropertyOf)]
        + _both_ways(hierarchy.subject_objects(OWL.equivalentProperty)))
    inverses: dict[URIRef, set[URIRef]] = defaultdict(set)
    for a, b in hierarchy.subject_objects(OWL.inverseOf):
        if isinstance(a, URIRef) and isinstance(b, URIRef):
            inverses[a].add(b)
            inverses[b].add(a)
    object_properties = set(hierarchy.subjects(RDF.type, OWL.ObjectProperty))
    transitive = set(hierarchy.subjects(RDF.type, OWL.TransitiveProperty))
    ontology_terms = set(ontology.subjects())
    own = {s for s in asserted.subjects() if isinstance(s, URIRef) and s not in ontology_terms}

    closed = Graph()
    links: set[tuple[Node, Node, Node]] = set()
    for s, p, o in _chain(asserted, answer):
        if s not in own or not isinstance(o, URIRef):
            continue
        if p == RDF.type:
            for c in supers_of_class.get(o, {o}):
                if isinstance(c, URIRef) and not str(c).startswith(_BUILTIN_NAMESPACES):
                    closed.add((s, RDF.type, c))
        elif p in object_properties:
            links.add((s, p, o))
    # Property values: closed under super-properties, inverses and transitivity, to a fixpoint.
    forward: dict[tuple[Node, Node], set[Node]] = defaultdict(set)
    backward: dict[tuple[Node, Node], set[Node]] = defaultdict(set)
    todo = list(links)
    links = set()
    while todo:
        triple = todo.pop()
        if triple in links:
            continue
        s, p, o = triple
        links.add(triple)
        forward[s, p].add(o)
        backward[o, p].add(s)
        todo += [(s, q, o) for q in supers_of_property.get(p, {p}) if isinstance(q, URIRef)]
        todo += [(o, inverse, s) for inverse in (inverses.get(p, set()) if isinstance(p, URIRef) else set())
                 if o in own]
        if p in transitive:
            todo += [(s, p, far) for far in forward.get((o, p), ())]
            todo += [(near, p, o) for near in backward.get((s, p), ())]
    for triple in links:
        closed.add(triple)
    inferred = Graph()
    inferred.bind("ceph", CEPH.NS)
    for triple in closed:
        if triple not in asserted and triple not in ontology:
            inferred.add(triple)
    return inferred


def _chain(*graphs: Graph) -> Iterator[tuple[Node, Node, Node]]:
    for graph in graphs:
        yield from graph


def _both_ways(pairs: Iterable[tuple[Node, Node]]) -> list[tuple[Node, Node]]:
    out: list[tuple[Node, Node]] = []
    for a, b in pairs:
        out += [(a, b), (b, a)]
    return out


def _closure(edges: Iterable[tuple[Node, Node]]) -> dict[Node, set[Node]]:
    """Reflexive-transitive closure of named-to-named edges: node → itself and everything above."""
    up: dict[Node, set[Node]] = defaultdict(set)
    for a, b in edges:
        if isinstance(a, URIRef) and isinstance(b, URIRef):
            up[a].add(b)
    result: dict[Node, set[Node]] = {}
    for start in list(up):
        seen = {start}
        todo = [start]
        while todo:
            for nxt in up.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        result[start] = seen
    return result


# ---------------------------------------------------------------------------------------
# Explaining an inconsistency


def explain(asserted: Graph) -> str:
    """Why ``asserted`` plus the ontology is inconsistent, for people."""
    clashes, consequences = structural_clashes(asserted)
    lines = ["the graph contradicts the ontology."]
    if clashes:
        lines.append("Clashes:")
        lines += [f"  - {c}" for c in clashes]
        if consequences:
            lines.append("  Clashes that follow from these: " + ", ".join(
                sorted({_n3(URIRef(r)) for c in consequences for r in c.resources})))
    else:
        lines.append("No clash of a common kind (disjoint classes, irreflexive, asymmetric or "
                     "functional properties, data ranges) was found; see Pellet's justification.")
    lines.append("Pellet's justification (the axioms and assertions that cannot all hold):")
    lines += ["  " + line if line else "" for line in pellet_justification(asserted).splitlines()]
    return "\n".join(lines).rstrip()


@dataclass(frozen=True, slots=True)
class _Axioms:
    """The parts of the ontology the structural check needs; rendered axioms name their file."""

    superclasses: dict[Node, set[Node]]
    superproperties: dict[Node, set[Node]]
    domains: dict[Node, list[URIRef]]
    ranges: dict[Node, list[URIRef]]
    all_values: dict[Node, list[tuple[URIRef, URIRef]]]
    definitions: list[tuple[URIRef, tuple[URIRef, ...], tuple[tuple[URIRef, URIRef], ...]]]
    disjoint: list[tuple[frozenset[URIRef], str]]
    irreflexive: dict[URIRef, str]
    asymmetric: dict[URIRef, str]
    functional_data: dict[URIRef, str]
    functional_object: dict[URIRef, str]
    different: list[tuple[frozenset[URIRef], str]]


@cache
def _axioms() -> _Axioms:
    whole = owl_ontology()
    superclasses = _closure(list(whole.subject_objects(RDFS.subClassOf))
                            + _both_ways(whole.subject_objects(OWL.equivalentClass)))
    superproperties = _closure(list(whole.subject_objects(RDFS.subPropertyOf))
                               + _both_ways(whole.subject_objects(OWL.equivalentProperty)))
    domains: dict[Node, list[URIRef]] = defaultdict(list)
    ranges: dict[Node, list[URIRef]] = defaultdict(list)
    for prop, cls in whole.subject_objects(RDFS.domain):
        if isinstance(cls, URIRef):
            domains[prop].append(cls)
    for prop, cls in whole.subject_objects(RDFS.range):
        if isinstance(cls, URIRef):
            ranges[prop].append(cls)
    all_values: dict[Node, list[tuple[URIRef, URIRef]]] = defaultdict(list)
    for cls, r in whole.subject_objects(RDFS.subClassOf):
        on, filler = whole.value(r, OWL.onProperty), whole.value(r, OWL.allValuesFrom)
        if isinstance(cls, URIRef) and isinstance(on, URIRef) and isinstance(filler, URIRef):
            all_values[cls].append((on, filler))
    definitions: list[tuple[URIRef, tuple[URIRef, ...], tuple[tuple[URIRef, URIRef], ...]]] = []
    for cls, eq in whole.subject_objects(OWL.equivalentClass):
        parts = whole.value(eq, OWL.intersectionOf)
        if not isinstance(cls, URIRef) or parts is None:
            continue
        named: list[URIRef] = []
        some: list[tuple[URIRef, URIRef]] = []
        for part in Collection(whole, parts):
            on, filler = whole.value(part, OWL.onProperty), whole.value(part, OWL.someValuesFrom)
            if isinstance(part, URIRef):
                named.append(part)
            elif isinstance(on, URIRef) and isinstance(filler, URIRef):
                some.append((on, filler))
            else:
                break
        else:
            definitions.append((cls, tuple(named), tuple(some)))

    # Rendered axioms come from each file on its own: blank nodes differ between parses.
    disjoint: list[tuple[frozenset[URIRef], str]] = []
    different: list[tuple[frozenset[URIRef], str]] = []
    characteristics: dict[URIRef, dict[URIRef, str]] = defaultdict(dict)
    data_properties = set(whole.subjects(RDF.type, OWL.DatatypeProperty))
    for path in ontology_files():
        g = Graph().parse(path, format="turtle")
        for a, b in g.subject_objects(OWL.disjointWith):
            if isinstance(a, URIRef) and isinstance(b, URIRef):
                disjoint.append((frozenset((a, b)), f"DisjointClasses({_n3(a)} {_n3(b)}) [{path.name}]"))
        for node in g.subjects(RDF.type, OWL.AllDisjointClasses):
            listed = g.value(node, OWL.members)
            members = [m for m in Collection(g, listed) if isinstance(m, URIRef)] if listed is not None else []
            disjoint.append((frozenset(members),
                             f"DisjointClasses({' '.join(_n3(m) for m in members)}) [{path.name}]"))
        for node in g.subjects(RDF.type, OWL.AllDifferent):
            listed = g.value(node, OWL.distinctMembers)
            members = [m for m in Collection(g, listed) if isinstance(m, URIRef)] if listed is not None else []
            different.append((frozenset(members),
                              f"DifferentIndividuals({' '.join(_n3(m) for m in members)}) [{path.name}]"))
        for kind, name in ((OWL.IrreflexiveProperty, "IrreflexiveObjectProperty"),
                           (OWL.AsymmetricProperty, "AsymmetricObjectProperty"),
                           (OWL.FunctionalProperty, "Functional")):
            for prop in g.subjects(RDF.type, kind):
                if isinstance(prop, URIRef):
                    if kind == OWL.FunctionalProperty:
                        name = "FunctionalDataProperty" if prop in data_properties else "FunctionalObjectProperty"
                    characteristics[kind][prop] = f"{name}({_n3(prop)}) [{path.name}]"
    functional = characteristics[OWL.FunctionalProperty]
    return _Axioms(
        superclasses=superclasses, superproperties=superproperties, domains=domains, ranges=ranges,
        all_values=all_values, definitions=definitions, disjoint=disjoint,
        irreflexive=characteristics[OWL.IrreflexiveProperty],
        asymmetric=characteristics[OWL.AsymmetricProperty],
        functional_data={p: a for p, a in functional.items() if p in data_properties},
        functional_object={p: a for p, a in functional.items() if p not in data_properties},
        different=different,
    )


@dataclass(frozen=True, slots=True)
class _Why:
    """Why a node has a class: a phrase, and the (node, class) it was derived from, if any."""

    text: str
    origin: tuple[Node, URIRef] | None = None


def structural_clashes(asserted: Graph) -> tuple[tuple[Clash, ...], tuple[Clash, ...]]:
    """The common reasons a graph is inconsistent: (root clashes, clashes that follow from them).

    Types are derived as a reasoner would for the usual cases (assertions, sub-classes,
    domains and ranges, ``allValuesFrom`` restrictions, defined classes made of named
    classes and ``someValuesFrom``), remembering why each type was derived. A clash is
    a consequence when one of its types was carried over from a node that clashes itself
    (a claim wrongly typed as a process claim makes every claim it depends on one).
    """
    ax = _axioms()
    why: dict[Node, dict[URIRef, _Why]] = defaultdict(dict)
    edges = sorted(((s, p, o) for s, p, o in asserted if p != RDF.type), key=lambda t: tuple(map(str, t)))
    out_edges: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
    for s, p, o in edges:
        out_edges[s].append((p, o))

    def supers(prop: Node) -> set[Node]:
        return ax.superproperties.get(prop, {prop})

    def add(node: Node, cls: URIRef, reason: _Why) -> bool:
        if cls in why[node] or str(cls).startswith(_BUILTIN_NAMESPACES):
            return False
        why[node][cls] = reason
        return True

    for s, o in sorted(asserted.subject_objects(RDF.type), key=lambda t: tuple(map(str, t))):
        if isinstance(o, URIRef):
            add(s, o, _Why("asserted"))
    changed = True
    while changed:
        changed = False
        for node, classes in list(why.items()):
            for cls in sorted(classes, key=str):
                for sup in sorted(ax.superclasses.get(cls, ()), key=str):
                    if isinstance(sup, URIRef) and sup != cls:
                        changed |= add(node, sup, _Why(f"as a {_n3(cls)}", (node, cls)))
        for s, p, o in edges:
            for q in sorted(supers(p), key=str):
                for d in ax.domains.get(q, ()):
                    changed |= add(s, d, _Why(f"domain of {_n3(q)}: it {_n3(p)} {_n3(o)}"))
                if not isinstance(o, Literal):
                    for r in ax.ranges.get(q, ()):
                        changed |= add(o, r, _Why(f"range of {_n3(q)}: {_n3(s)} {_n3(p)} it"))
            if isinstance(o, Literal):
                continue
            for cls in sorted(why.get(s, ()), key=str):
                for prop, filler in ax.all_values.get(cls, ()):
                    if prop in supers(p):
                        changed |= add(o, filler, _Why(
                            f"{_n3(s)} {_n3(p)} it and is a {_n3(cls)}, which {_n3(prop)} only a {_n3(filler)}",
                            (s, cls)))
        for cls, named, some in ax.definitions:
            for node in list(why):
                types = why[node]
                if cls in types or not all(n in types for n in named):
                    continue
                if all(any(prop in supers(p) and filler in why.get(o, {}) for p, o in out_edges.get(node, ()))
                       for prop, filler in some):
                    changed |= add(node, cls, _Why(f"by the definition of {_n3(cls)}"))

    def described(node: Node, cls: URIRef) -> str:
        return f"{_n3(cls)} ({why[node][cls].text})"

    found: list[tuple[Clash, Node, tuple[URIRef, ...]]] = []
    for node in sorted(why, key=str):
        types = why[node]
        for members, axiom in ax.disjoint:
            hit = tuple(sorted((c for c in types if c in members), key=str))
            if len(hit) >= 2:
                detail = f"{_n3(node)} is a " + " and a ".join(described(node, c) for c in hit) + ", which are disjoint"
                found.append((Clash((str(node),), axiom, detail), node, hit))
    clashing = {node for _clash, node, _hit in found}

    def carried(node: Node, cls: URIRef) -> bool:
        """Whether (node, cls) was derived through another node that clashes itself."""
        step: tuple[Node, URIRef] | None = (node, cls)
        while step is not None:
            at, c = step
            if at != node and at in clashing:
                return True
            step = why[at][c].origin
        return False

    roots = [c for c, node, hit in found if not any(carried(node, h) for h in hit)]
    consequences = [c for c, node, hit in found if any(carried(node, h) for h in hit)]

    for s, p, o in edges:
        for q in sorted(supers(p), key=str):
            if not isinstance(q, URIRef):
                continue
            if s == o and q in ax.irreflexive:
                roots.append(Clash((str(s),), ax.irreflexive[q], f"{_n3(s)} {_n3(p)} itself"))
            if q in ax.asymmetric and s != o and (o, p, s) in asserted and str(s) < str(o):
                roots.append(Clash((str(s), str(o)), ax.asymmetric[q],
                                   f"{_n3(s)} {_n3(p)} {_n3(o)} and {_n3(o)} {_n3(p)} {_n3(s)}"))
    for prop, axiom in sorted(ax.functional_data.items()):
        for s in sorted(set(asserted.subjects(prop)), key=str):
            values = sorted(asserted.objects(s, prop), key=str)
            if len({v.toPython() if isinstance(v, Literal) and not v.ill_typed else v for v in values}) > 1:
                roots.append(Clash((str(s),), axiom, f"{_n3(s)} has {len(values)} values of {_n3(prop)}: "
                                                     + ", ".join(_n3(v) for v in values)))
    for prop, axiom in sorted(ax.functional_object.items()):
        for s in sorted(set(asserted.subjects(prop)), key=str):
            objects = set(asserted.objects(s, prop))
            for members, different in ax.different:
                both = sorted(objects & members, key=str)
                if len(both) > 1:
                    roots.append(Clash((str(s), *map(str, both)), f"{axiom} and {different}",
                                       f"{_n3(s)} {_n3(prop)} " + " and ".join(_n3(v) for v in both)
                                       + ", which are different individuals"))
    for s, p, o in edges:
        if isinstance(o, Literal):
            for r in ax.ranges.get(p, ()):
                if str(r).startswith(str(XSD)) and not _fits(o, r):
                    roots.append(Clash((str(s),), f"DataPropertyRange({_n3(p)} {_n3(r)})",
                                       f"{_n3(s)} {_n3(p)} {_n3(o)}, which is not a {_n3(r)}"))
    return tuple(roots), tuple(consequences)


_INTEGER_TYPES = {XSD.integer, XSD.nonNegativeInteger, XSD.positiveInteger, XSD.int, XSD.long,
                  XSD.short, XSD.byte, XSD.unsignedInt, XSD.unsignedLong, XSD.unsignedShort,
                  XSD.unsignedByte, XSD.nonPositiveInteger, XSD.negativeInteger}


def _fits(value: Literal, datatype: URIRef) -> bool:
    """Whether a literal is in a datatype's value space (for the datatypes cephkg uses)."""
    if value.ill_typed:
        return False
    if datatype in _INTEGER_TYPES:
        if value.datatype not in _INTEGER_TYPES:
            return False
        number = int(value.toPython())
        return number >= 0 if datatype == XSD.nonNegativeInteger else number > 0 if datatype == XSD.positiveInteger else True
    if datatype == XSD.string:
        return value.datatype in (None, XSD.string) and value.language is None
    return value.datatype == datatype


def pellet_justification(asserted: Graph, timeout: float = PELLET_TIMEOUT) -> str:
    """Pellet's ``explain --inconsistent`` output, with the patent's resources as full IRIs.

    Pellet writes names by their local part, which is ambiguous for cephkg's
    path-shaped IRIs (``…/claim/1`` and ``…/step/1`` both read ``1``); resources are
    renamed to unique tokens for Pellet and named back in its answer.
    """
    import owlready2
    from owlready2.reasoning import _PELLET_CLASSPATH

    keep = set(owl_ontology().subjects()) | set(asserted.predicates())
    tokens: dict[Node, str] = {}

    def rename(node: Node) -> Node:
        if isinstance(node, Literal) or node in keep:
            return node
        name = tokens.setdefault(node, f"cephkgR{len(tokens):06d}")
        return URIRef(f"urn:cephkg:explain#{name}")

    renamed = Graph()
    for s, p, o in asserted:
        renamed.add((rename(s), p, o if p == RDF.type else rename(o)))
    with tempfile.TemporaryDirectory(prefix="cephkg-pellet-") as folder:
        path = Path(folder) / "graph.nt"
        path.write_bytes(_ontology_ntriples() + b"\n" + renamed.serialize(format="nt", encoding="utf-8"))
        command = [java_executable(), f"-Xmx{owlready2.reasoning.JAVA_MEMORY}M", "-cp", _PELLET_CLASSPATH,
                   "pellet.Pellet", "explain", "--ignore-imports", "--inconsistent", path.as_uri()]
        try:
            run = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            return f"(Pellet gave no explanation within {timeout:.0f} s)"
    text = run.stdout.decode("utf-8", "replace").strip()
    if run.returncode != 0 or "Explanation" not in text:
        message = (run.stderr.decode("utf-8", "replace").strip() or text).splitlines()
        return "(Pellet could not explain: " + (message[-1] if message else f"exit code {run.returncode}") + ")"
    back = {name: node for node, name in tokens.items()}
    return re.sub(r"\bcephkgR\d{6}\b", lambda m: _n3(back[m.group(0)]), text)


# ---------------------------------------------------------------------------------------
# Patents in a store


def _reason_payload(patent_id: str, ntriples: bytes) -> tuple[str, bool, bytes, float, str]:
    """Worker entry point: N-Triples in, N-Triples out (picklable both ways)."""
    asserted = Graph().parse(data=ntriples.decode("utf-8"), format="nt")
    result = infer(asserted)
    return (patent_id, result.consistent, result.inferred.serialize(format="nt", encoding="utf-8"),
            result.seconds, result.explanation)


def asserted_graph_iris(patent_id: str) -> tuple[ox.NamedNode, ...]:
    """The named graphs asserting facts about one patent.

    What was read from its text, and what the chemistry stage derived from it
    (structures of named compounds, substituent classes of group terms, claim scope).
    """
    return (iris.patent_graph(patent_id), iris.chemistry_graph(patent_id))


def asserted_graph(store: KnowledgeStore, patent_id: str) -> Graph:
    """Everything asserted about one patent, as one graph; an unknown patent is an error."""
    known = store.patent_ids()
    if patent_id not in known:
        raise ReasoningError(f"patent {patent_id!r} is not in the store (known: {', '.join(known) or 'none'}); "
                             "run 'cephkg build' first")
    graph = Graph()
    for iri in asserted_graph_iris(patent_id):
        graph += store.graph(iri)
    return graph


def _payload(store: KnowledgeStore, patent_id: str) -> tuple[str, bytes]:
    return patent_id, asserted_graph(store, patent_id).serialize(format="nt", encoding="utf-8")


def _store_outcome(store: KnowledgeStore, outcome: tuple[str, bool, bytes, float, str]) -> ReasoningReport:
    patent_id, consistent, inferred_nt, seconds, explanation = outcome
    target = iris.inferred_graph(patent_id)
    if not consistent:
        store.drop_graph(target)  # stale inferences of an earlier build must not survive
        return ReasoningReport(patent_id, False, 0, seconds, f"patent {patent_id}: {explanation}")
    inferred = [q.triple for q in ox.parse(inferred_nt, format=ox.RdfFormat.N_TRIPLES)]
    count = store.replace_graph(target, inferred)
    return ReasoningReport(patent_id, True, count, seconds)


def reason_patent(store: KnowledgeStore, patent_id: str) -> ReasoningReport:
    """Reason over one patent and store its inferred graph.

    Raises :class:`InconsistentGraphError` (a :class:`ReasoningError`) when the patent's
    graph contradicts the ontology; its message and ``report`` say which resources and
    axioms are involved, and the patent's inferred graph is removed.
    """
    java_executable()
    report = _store_outcome(store, _reason_payload(*_payload(store, patent_id)))
    if not report.consistent:
        raise InconsistentGraphError(report)
    return report


def reason(store: KnowledgeStore, patent_ids: Sequence[str] | None = None, jobs: int = 1,
           on_patent: Callable[[ReasoningReport], None] | None = None) -> tuple[ReasoningReport, ...]:
    """Reason over the patents named (all in the store by default), ``jobs`` at a time.

    An inconsistent patent does not stop the others: its report has ``consistent``
    false and an explanation, and it gets no inferred graph. Only the calling process
    touches the store; workers receive and return N-Triples.
    """
    if jobs < 1:
        raise ReasoningError(f"jobs must be at least 1, not {jobs}")
    java_executable()
    known = store.patent_ids()
    ids = list(dict.fromkeys(patent_ids)) if patent_ids is not None else known
    unknown = [pid for pid in ids if pid not in known]
    if unknown:  # before any work: a typo must not leave half the patents reasoned
        raise ReasoningError(f"patent {unknown[0]!r} is not in the store (known: {', '.join(known) or 'none'}); "
                             "run 'cephkg build' first")
    if jobs == 1 or len(ids) <= 1:
        done = []
        for pid in ids:
            done.append(_store_outcome(store, _reason_payload(*_payload(store, pid))))
            if on_patent is not None:
                on_patent(done[-1])
        return tuple(done)
    reports: dict[str, ReasoningReport] = {}
    pending: list[Future[tuple[str, bool, bytes, float, str]]] = []
    # spawn: the parent holds the store's threads and file locks, which a fork would copy
    with ProcessPoolExecutor(max_workers=min(jobs, len(ids)), mp_context=get_context("spawn")) as pool:
        for pid in ids:
            pending.append(pool.submit(_reason_payload, *_payload(store, pid)))
            if len(pending) >= 2 * jobs:  # bound the graphs held in memory at once
                outcome = pending.pop(0).result()
                reports[outcome[0]] = _store_outcome(store, outcome)
                if on_patent is not None:
                    on_patent(reports[outcome[0]])
        for future in pending:
            outcome = future.result()
            reports[outcome[0]] = _store_outcome(store, outcome)
            if on_patent is not None:
                on_patent(reports[outcome[0]])
    return tuple(reports[pid] for pid in ids)


def reason_after_build(store: KnowledgeStore, patent_ids: Sequence[str], jobs: int = 1) -> tuple[ReasoningReport, ...]:
    """For ``cephkg build --reason``: reason over the patents just built.

    Never raises on an inconsistent patent (the build's own report must still be
    printed); the caller checks ``consistent`` on each report.
    """
    return reason(store, list(patent_ids), jobs=jobs)
