#!/usr/bin/env python3
"""Write the reference of the ontology: docs/ontology/index.html (pyLODE) and docs/ontology.md.

Both are rendered from the ontology files (``ontology/*.ttl`` without the SHACL shapes, and
the import slices ``ontology/imports/*.ttl``) in a fixed order, so they are byte-stable and
the tests insist the checked-in files equal what this script makes now: a term added to
the ontology without documentation fails the test suite.

- ``docs/ontology/index.html``: pyLODE's OntPub page of cephkg's own terms (one
  self-contained HTML file), the imported terms linked to their sources.
- ``docs/ontology.md``: the same reference as Markdown (readable where HTML is not
  rendered, e.g. on a code host), with the imported terms as their slices state them.

    python scripts/gen_ontology_docs.py            # rewrite both
    python scripts/gen_ontology_docs.py --check    # exit 1 if either is stale
    python scripts/gen_ontology_docs.py --markdown-only   # without pyLODE

pyLODE 3.4.1 (the current release) cannot render the ontology as it comes: its
``_setclass_html`` collects the members of a union or intersection in a Python ``set``,
and a member that is itself a union or intersection renders to a ``list``, which cannot
be put in a set: ``TypeError: unhashable type: 'list'`` (on ``ceph:ClaimReferringToOtherCategory``,
a union of intersections). The same ``set`` makes the order of members random, and a
class expression used as the filler of a restriction is rendered as a link to its blank
node. :func:`render_html` works around all three (see there); nothing of pyLODE is copied.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef  # noqa: E402
from rdflib.collection import Collection  # noqa: E402
from rdflib.term import Node  # noqa: E402

MARKDOWN = ROOT / "docs" / "ontology.md"
HTML = ROOT / "docs" / "ontology" / "index.html"
ONTOLOGY_DIR = ROOT / "ontology"
IMPORTS = "imports"
NOT_ONTOLOGY = {"shapes.ttl", "skos-shapes.ttl"}
SKOS = "http://www.w3.org/2004/02/skos/core#"
SKOS_DEFINITION = URIRef(SKOS + "definition")
DCTERMS = "http://purl.org/dc/terms/"
OBO = "http://purl.obolibrary.org/obo/"
#: Definition properties, cephkg's own first, then those the imported vocabularies use.
DEFINITIONS = (SKOS_DEFINITION, URIRef(OBO + "IAO_0000115"), URIRef("http://www.w3.org/ns/prov#definition"),
               URIRef("http://purl.org/dc/elements/1.1/description"), URIRef(DCTERMS + "description"), RDFS.comment)

PREFIXES = {
    "ceph": "https://w3id.org/cephkg/ontology#",
    "prov": "http://www.w3.org/ns/prov#",
    "oa": "http://www.w3.org/ns/oa#",
    "dcterms": DCTERMS,
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "sio": "http://semanticscience.org/resource/",
    "obo": OBO,
    "epo": "http://data.epo.org/linked-data/def/patent/",
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

KINDS: tuple[tuple[str, URIRef], ...] = (
    ("Classes", OWL.Class),
    ("Object properties", OWL.ObjectProperty),
    ("Datatype properties", OWL.DatatypeProperty),
    ("Annotation properties", OWL.AnnotationProperty),
    ("Named individuals", OWL.NamedIndividual),
    ("Concept schemes", URIRef(SKOS + "ConceptScheme")),
    ("Datatypes", RDFS.Datatype),
)
CHARACTERISTICS = (OWL.FunctionalProperty, OWL.InverseFunctionalProperty, OWL.TransitiveProperty,
                   OWL.SymmetricProperty, OWL.AsymmetricProperty, OWL.ReflexiveProperty, OWL.IrreflexiveProperty)


def ontology_files(folder: Path = ONTOLOGY_DIR) -> list[Path]:
    """The OWL files: cephkg's own (every ``*.ttl`` but the SHACL shapes), then the import slices."""
    return ([p for p in sorted(folder.glob("*.ttl")) if p.name not in NOT_ONTOLOGY]
            + sorted((folder / IMPORTS).glob("*.ttl")))


def load(files: Iterable[Path]) -> tuple[Graph, dict[Node, str]]:
    """The merged ontology, and for each declared term the first file declaring it."""
    graph = Graph()
    declared_in: dict[Node, str] = {}
    for path in files:
        part = Graph().parse(path, format="turtle")
        name = f"{IMPORTS}/{path.name}" if path.parent.name == IMPORTS else path.name
        for _title, kind in KINDS:
            for term in part.subjects(RDF.type, kind):
                if isinstance(term, URIRef):
                    declared_in.setdefault(term, name)
        graph += part
    return graph, declared_in


def curie(term: Node) -> str:
    text = str(term)
    for prefix, ns in PREFIXES.items():
        if text.startswith(ns) and text[len(ns):]:
            return f"{prefix}:{text[len(ns):]}"
    return f"<{text}>"


def anchor(term: Node) -> str:
    return curie(term).replace(":", "-").strip("<>").replace("/", "-").replace("#", "-")


class Renderer:
    def __init__(self, graph: Graph, declared_in: dict[Node, str]) -> None:
        self.g = graph
        self.declared_in = declared_in

    def link(self, term: Node) -> str:
        if isinstance(term, URIRef) and term in self.declared_in:
            return f"[{curie(term)}](#{anchor(term)})"
        return f"`{curie(term)}`"

    def expression(self, node: Node) -> str:
        """A class expression in Manchester-like syntax, terms linked to their entries."""
        return self._expression(node, self.link)

    def plain(self, node: Node) -> str:
        """A class expression in Manchester-like syntax, terms as plain CURIEs."""
        return self._expression(node, curie)

    def _expression(self, node: Node, link: Callable[[Node], str]) -> str:
        g = self.g
        if isinstance(node, URIRef):
            return link(node)
        if isinstance(node, Literal):
            return f'"{node}"'
        prop = g.value(node, OWL.onProperty)
        if prop is not None:
            for predicate, word in ((OWL.someValuesFrom, "some"), (OWL.allValuesFrom, "only"),
                                    (OWL.hasValue, "value")):
                filler = g.value(node, predicate)
                if filler is not None:
                    return f"({link(prop)} {word} {self._expression(filler, link)})"
            for predicate, word in ((OWL.minCardinality, "min"), (OWL.maxCardinality, "max"),
                                    (OWL.cardinality, "exactly"), (OWL.minQualifiedCardinality, "min"),
                                    (OWL.maxQualifiedCardinality, "max"), (OWL.qualifiedCardinality, "exactly")):
                number = g.value(node, predicate)
                if number is not None:
                    on_class = g.value(node, OWL.onClass)
                    tail = f" {self._expression(on_class, link)}" if on_class is not None else ""
                    return f"({link(prop)} {word} {number}{tail})"
        for predicate, word in ((OWL.intersectionOf, " and "), (OWL.unionOf, " or ")):
            members = g.value(node, predicate)
            if members is not None:
                return "(" + word.join(self._expression(m, link) for m in Collection(g, members)) + ")"
        complement = g.value(node, OWL.complementOf)
        if complement is not None:
            return f"(not {self._expression(complement, link)})"
        return "(anonymous class)"

    def text(self, term: Node, predicate: URIRef) -> str:
        values = sorted(str(v) for v in self.g.objects(term, predicate))
        return " / ".join(" ".join(v.split()) for v in values)

    def terms(self, kind: URIRef) -> list[URIRef]:
        found = {t for t in self.g.subjects(RDF.type, kind) if isinstance(t, URIRef)}
        return sorted(found, key=lambda t: (curie(t).lower(), str(t)))

    def entry(self, term: URIRef, kind: URIRef) -> list[str]:
        g = self.g
        label = self.text(term, RDFS.label)
        lines = [f'<a id="{anchor(term)}"></a>', "", f"### {curie(term)}" + (f" — {label}" if label else ""), ""]
        lines.append(f"- IRI: `{term}`")
        lines.append(f"- Declared in: `{self.declared_in.get(term, '?')}`")
        definition = next((d for d in (self.text(term, p) for p in DEFINITIONS) if d), "")
        lines.append(f"- Definition: {definition or '(none)'}")
        lines += self.concept(term)
        if kind == OWL.Class:
            supers = sorted({self.expression(o) for o in g.objects(term, RDFS.subClassOf)})
            lines.append("- Super-classes: " + (", ".join(supers) if supers else "(none)"))
            for predicate, title in ((OWL.equivalentClass, "Equivalent to"), (OWL.disjointWith, "Disjoint with")):
                values = sorted({self.expression(o) for o in g.objects(term, predicate)}
                                | ({self.expression(s) for s in g.subjects(predicate, term)}
                                   if predicate == OWL.disjointWith else set()))
                if values:
                    lines.append(f"- {title}: " + ", ".join(values))
            together = sorted({self.link(m) for node in g.subjects(RDF.type, OWL.AllDisjointClasses)
                               for members in [list(Collection(g, g.value(node, OWL.members)))]
                               if term in members for m in members if m != term})
            if together:
                lines.append("- Pairwise disjoint with: " + ", ".join(together))
            subs = sorted({self.link(s) for s in g.subjects(RDFS.subClassOf, term) if isinstance(s, URIRef)})
            if subs:
                lines.append("- Sub-classes: " + ", ".join(subs))
        elif kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty):
            for predicate, title in ((RDFS.subPropertyOf, "Super-properties"), (RDFS.domain, "Domain"),
                                     (RDFS.range, "Range"), (OWL.inverseOf, "Inverse of")):
                values = sorted({self.expression(o) for o in g.objects(term, predicate)})
                if values:
                    lines.append(f"- {title}: " + (" and " if predicate in (RDFS.domain, RDFS.range) else ", ").join(values))
            traits = [curie(c).split(":", 1)[1].removesuffix("Property") for c in CHARACTERISTICS
                      if (term, RDF.type, c) in g]
            if traits:
                lines.append("- Characteristics: " + ", ".join(traits))
        elif kind == URIRef(SKOS + "ConceptScheme"):
            tops = sorted({self.link(o) for o in g.objects(term, URIRef(SKOS + "hasTopConcept"))})
            lines.append("- Top concepts: " + (", ".join(tops) if tops else "(none)"))
        elif kind == OWL.NamedIndividual:
            types = sorted({self.link(o) for o in g.objects(term, RDF.type) if o != OWL.NamedIndividual})
            lines.append("- Types: " + ", ".join(types))
        lines.append("")
        return lines

    def concept(self, term: URIRef) -> list[str]:
        """What the ontology says of a term as a SKOS concept: scheme, broader, notations, matches."""
        g = self.g
        if (term, RDF.type, URIRef(SKOS + "Concept")) not in g:
            return []
        lines = []
        schemes = sorted({self.link(o) for o in g.objects(term, URIRef(SKOS + "inScheme"))})
        lines.append("- Concept in: " + ", ".join(schemes))
        for local, title in (("altLabel", "Alternative labels"), ("broader", "Broader concepts"),
                             ("notation", "Notations"), ("exactMatch", "Exact match"),
                             ("closeMatch", "Close match"), ("broadMatch", "Broad match")):
            values = sorted({self.link(o) if isinstance(o, URIRef) else self.literal(o)
                             for o in g.objects(term, URIRef(SKOS + local))})
            if values:
                lines.append(f"- {title}: " + ", ".join(values))
        return lines

    def literal(self, value: Node) -> str:
        if isinstance(value, Literal) and value.datatype is not None:
            return f"`{value}` ({curie(value.datatype)})"
        return f"`{value}`"

    def document(self) -> str:
        g = self.g
        lines = ["# cephkg ontology reference", "",
                 "<!-- Generated by scripts/gen_ontology_docs.py from ontology/*.ttl and ontology/imports/*.ttl; "
                 "do not edit. -->", "",
                 "The HTML reference, made by pyLODE from the same files, is `docs/ontology/index.html`. "
                 "Terms of other vocabularies are declared in the import slices (`imports/…`), "
                 "with the label and definition their source gives them.", ""]
        for ontology in sorted(g.subjects(RDF.type, OWL.Ontology), key=str):
            title = self.text(ontology, URIRef(DCTERMS + "title")) or self.text(ontology, RDFS.label)
            lines.append(f"- `{ontology}`: {title}" + (f" (version {v})" if (v := self.text(ontology, OWL.versionInfo)) else ""))
        lines.append("")
        main = URIRef(PREFIXES["ceph"].rstrip("#"))
        description = self.text(main, URIRef(DCTERMS + "description"))
        if description:
            lines += [description, ""]
        counts = [(title, self.terms(kind)) for title, kind in KINDS]
        lines.append("| kind | terms |")
        lines.append("| --- | ---: |")
        lines += [f"| {title} | {len(terms)} |" for title, terms in counts]
        lines.append("")
        lines.append("Class expressions are written in Manchester syntax: `and`, `or`, `not`, "
                     "`some` (at least one value of the class), `only` (every value is of the class).")
        lines.append("")
        for (title, kind), (_t, terms) in zip(KINDS, counts):
            lines += [f"## {title}", ""]
            for term in terms:
                lines += self.entry(term, kind)
        return "\n".join(lines).rstrip() + "\n"


def render_markdown(files: Iterable[Path] | None = None) -> str:
    graph, declared_in = load(ontology_files() if files is None else files)
    return Renderer(graph, declared_in).document()


def _canonical(graph: Graph) -> Graph:
    """The graph with its blank nodes relabelled by the W3C RDFC-1.0 canonicalisation, so
    that everything downstream (pyLODE sorts triples, blank nodes included) is deterministic."""
    import pyoxigraph as ox
    from rdflib import BNode

    dataset = ox.Dataset(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in
                         ox.parse(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)

    def term(t: object) -> Node:
        if isinstance(t, ox.NamedNode):
            return URIRef(t.value)
        if isinstance(t, ox.BlankNode):
            return BNode(t.value)
        if isinstance(t, ox.Literal):
            if t.language:
                return Literal(t.value, lang=t.language)
            if t.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
                return Literal(t.value)
            return Literal(t.value, datatype=URIRef(t.datatype.value))
        raise TypeError(t)

    out = Graph()
    for prefix, namespace in graph.namespaces():
        out.bind(prefix, namespace)
    for q in sorted(dataset, key=str):
        out.add((term(q.subject), term(q.predicate), term(q.object)))
    return out


def pylode_input(files: Iterable[Path] | None = None) -> tuple[Graph, str]:
    """What pyLODE is given: cephkg's own files as one ontology, and the title to use.

    - Only the main ontology keeps its ``owl:Ontology`` header (pyLODE documents one).
    - Imported terms are not documented again: they keep their labels (as
      ``dcterms:title``, which pyLODE writes as link text) and link to their sources.
    - An axiom whose class expression has another class expression as the filler of a
      restriction (``refersTo some (Claim and not CompoundClaim)``) is one pyLODE renders
      as a link to a blank node; such axioms are given to it as a ``skos:note`` written in
      Manchester syntax instead (the OWL files keep the axiom).
    """
    all_files = ontology_files() if files is None else list(files)
    own = [p for p in all_files if p.parent.name != IMPORTS]
    graph, declared_in = load(own)
    imports, _ = load(p for p in all_files if p.parent.name == IMPORTS)
    renderer = Renderer(graph, declared_in)
    main = URIRef(PREFIXES["ceph"].rstrip("#"))
    for ontology in set(graph.subjects(RDF.type, OWL.Ontology)) - {main}:
        graph.remove((ontology, None, None))
    for term, label in imports.subject_objects(RDFS.label):
        if isinstance(term, URIRef) and (None, None, term) in graph:
            graph.add((term, URIRef(DCTERMS + "title"), label))
    restrictions = {r for p in (OWL.someValuesFrom, OWL.allValuesFrom) for r, filler in graph.subject_objects(p)
                    if not isinstance(filler, URIRef)}
    for predicate, title in ((OWL.equivalentClass, "Equivalent to"), (RDFS.subClassOf, "Sub-class of")):
        for cls, expression in list(graph.subject_objects(predicate)):
            if isinstance(cls, URIRef) and not isinstance(expression, URIRef) and _reaches(graph, expression, restrictions):
                note = f"{title}: {renderer.plain(expression)}"
                graph.remove((cls, predicate, expression))
                graph.add((cls, URIRef(SKOS + "note"), Literal(note, lang="en")))
    concept = URIRef(SKOS + "Concept")
    for term in sorted(t for t in graph.subjects(RDF.type, concept) if isinstance(t, URIRef)):
        parts = []
        for local, title in (("inScheme", "concept in"), ("broader", "broader"), ("notation", "notation"),
                             ("exactMatch", "exact match"), ("closeMatch", "close match"), ("broadMatch", "broad match")):
            values = sorted(_plain_value(o, imports) for o in graph.objects(term, URIRef(SKOS + local)))
            if values:
                parts.append(f"{title} {', '.join(values)}")
        graph.add((term, URIRef(SKOS + "note"), Literal("SKOS: " + "; ".join(parts) + ".", lang="en")))
    return _canonical(graph), renderer.text(main, URIRef(DCTERMS + "title"))


def _plain_value(value: Node, imports: Graph) -> str:
    """A term as its CURIE (with the label its source gives an imported one), a literal as its text."""
    if isinstance(value, URIRef):
        label = imports.value(value, RDFS.label)
        return curie(value) + (f" ({label})" if label is not None else "")
    return str(value)


def _reaches(graph: Graph, node: Node, targets: set[Node]) -> bool:
    seen, todo = set(), [node]
    while todo:
        n = todo.pop()
        if n in targets:
            return True
        if n in seen or isinstance(n, URIRef):
            continue
        seen.add(n)
        todo.extend(o for _p, o in graph.predicate_objects(n))
    return False


class _Members(list):  # type: ignore[type-arg]
    """An ordered stand-in for the ``set`` pyLODE collects class-expression members in:
    it keeps the RDF list's order and takes a nested expression (a list) in parentheses."""

    def add(self, item: object) -> None:
        from dominate.tags import span

        self.append(span("(", *item, ")") if isinstance(item, list) else item)


def render_html(files: Iterable[Path] | None = None) -> str:
    """pyLODE's OntPub HTML of the ontology (see the module docstring for the workarounds).

    pyLODE 3.4.1's ``version`` module reads a ``pyproject.toml`` installed wheels do not
    carry, so it is stubbed with the installed version; the ``set`` of its
    ``pylode.utils`` module is replaced by :class:`_Members` (that module uses ``set``
    nowhere else), which mends the crash on nested class expressions and makes their
    order that of the ontology.
    """
    import importlib.metadata
    import logging
    import types

    if "pylode.version" not in sys.modules:
        stub = types.ModuleType("pylode.version")
        stub.__version__ = importlib.metadata.version("pylode")  # type: ignore[attr-defined]
        sys.modules["pylode.version"] = stub
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    import pylode.utils
    from pylode import OntPub

    # importing pyLODE configures the root logger (DEBUG, to stderr) for its web server: undo that
    for handler in set(root.handlers) - set(handlers):
        root.removeHandler(handler)
    root.setLevel(level)

    pylode.utils.set = _Members  # type: ignore[attr-defined]
    graph, title = pylode_input(files)
    page = OntPub(ontology=graph)
    page.doc.title = title  # pyLODE takes the last concept scheme's title otherwise
    return _stable_json_ld(page.make_html()) + "\n"


def _stable_json_ld(html: str) -> str:
    """pyLODE's schema.org JSON-LD block lists its nodes in rdflib's (hash-seeded) order:
    sort them, so that the page is byte-stable across runs."""
    import json
    import re

    def canonical(match: re.Match[str]) -> str:
        data = json.loads(match.group(2))
        if isinstance(data, list):
            data.sort(key=lambda node: json.dumps(node, sort_keys=True))
        return match.group(1) + "\n" + json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n\t" + match.group(3)

    return re.sub(r'(<script id="schema.org" type="application/ld\+json">)(.*?)(</script>)', canonical, html,
                  count=1, flags=re.S)


def _stale(path: Path, text: str) -> bool:
    return (path.read_text(encoding="utf-8") if path.is_file() else "") != text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--check", action="store_true", help="exit 1 if a generated file is out of date")
    parser.add_argument("--markdown-only", action="store_true", help="only docs/ontology.md (pyLODE not needed)")
    args = parser.parse_args(argv)
    outputs = [(MARKDOWN, render_markdown)]
    if not args.markdown_only:
        outputs.append((HTML, render_html))
    status = 0
    for path, render in outputs:
        try:
            text = render()
        except ImportError:
            print("pyLODE is not installed (pip install 'cephkg[docs]'); use --markdown-only", file=sys.stderr)
            return 1
        if args.check:
            if _stale(path, text):
                print(f"{path.relative_to(ROOT)} is out of date: run scripts/gen_ontology_docs.py", file=sys.stderr)
                status = 1
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return status


if __name__ == "__main__":
    sys.exit(main())
