#!/usr/bin/env python3
"""Generate MIREOT-style import slices of the vocabularies cephkg reuses.

For every vocabulary in ``terms.toml`` this writes ``<vocab>-slice.ttl``: an
``owl:Ontology`` header that records where the terms come from (``dcterms:source``
= the source ontology IRI, ``pav:importedFrom`` = the source version IRI, the
SHA-256 of the file read, the source licence) and, for each term, only the
minimal MIREOT triples:

* its OWL entity type (``owl:Class``, ``owl:ObjectProperty``, ...),
* its ``rdfs:label`` as the source writes it,
* its parent: the nearest ancestor that is itself in the import set
  (``owl:Thing`` for a class with none; nothing for a property),
* its definition, under the annotation property the source uses
  (``skos:definition``, ``prov:definition``, ``obo:IAO_0000115``,
  ``rdfs:comment``, ``dc:description``, ``dcterms:description``), which the
  slice declares as an ``owl:AnnotationProperty``.

Two modes (``mode`` in terms.toml):

``extract``  read the local copy (or copies) of the source (RDF/XML, OWL/XML-in-RDF, Turtle,
             N-Triples, or OBO 1.2/1.4 flat files) and take the facts from it;
             ``terms.toml`` labels are checked against what the source says
             (drift is reported).
``facts``    no source file could be obtained: the facts written (and verified
             elsewhere) in ``terms.toml`` are used, in the same output form, and
             the header says so.
``auto``     ``extract`` when a local copy is found, else ``facts``.

The output is deterministic: no timestamps, sorted terms and predicates, a
fixed prefix table, so that regenerating from the same inputs gives the same
bytes (``--check`` compares against what is on disk).

Usage::

    python gen_imports.py --src-dir SOURCES/ --out slices/
    python gen_imports.py --source prov=/path/prov-o.ttl --only prov --out slices/
    python gen_imports.py --src-dir SOURCES/ --out slices/ --check

Needs Python 3.11+ (tomllib) and rdflib.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import tomllib
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "ontology" / "imports"
OBO = "http://purl.obolibrary.org/obo/"
DCTERMS = "http://purl.org/dc/terms/"
PAV = "http://purl.org/pav/"

#: Prefixes written in every slice (term IRIs themselves are written in full).
PREFIXES = (
    ("owl", str(OWL)),
    ("rdf", str(RDF)),
    ("rdfs", str(RDFS)),
    ("xsd", str(XSD)),
    ("dcterms", DCTERMS),
    ("pav", PAV),
)

ENTITY_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
                OWL.NamedIndividual)
NON_OWL_TYPES = (RDFS.Class, RDF.Property)
#: Built-in terms kept as parents although no slice holds them (skos:prefLabel < rdfs:label).
BUILTIN_PARENTS = frozenset({str(RDFS.label), str(RDFS.comment)})

#: Definition properties tried, in order, when a vocabulary does not name its own.
DEFAULT_DEFINITION_PROPERTIES = (
    "http://purl.obolibrary.org/obo/IAO_0000115",
    "http://www.w3.org/2004/02/skos/core#definition",
    "http://www.w3.org/ns/prov#definition",
    "http://purl.org/dc/terms/description",
    "http://purl.org/dc/elements/1.1/description",
    str(RDFS.comment),
)


class SliceError(Exception):
    pass


# ---------------------------------------------------------------------------------------
# Term facts, whatever the source


@dataclass
class Facts:
    iri: str
    types: set[str] = field(default_factory=set)          # rdf:type values (OWL and non-OWL)
    labels: list[Literal] = field(default_factory=list)
    parents: set[str] = field(default_factory=set)        # direct named super-classes/-properties
    definitions: dict[str, list[Literal]] = field(default_factory=dict)  # property -> values
    deprecated: bool = False


@dataclass
class SourceDoc:
    """What a parsed source offers: per-term facts, a parent map and its header."""

    facts: dict[str, Facts]
    parents: dict[str, set[str]]
    ontology_iri: str | None = None
    version_iri: str | None = None
    version_info: str | None = None
    licence: str | None = None


# ---------------------------------------------------------------------------------------
# OBO flat-file reader (enough of OBO 1.2/1.4 for ids, names, defs and is_a)

_OBO_ID = re.compile(r"^([A-Za-z][A-Za-z0-9_]*):([A-Za-z0-9_.\-]+)$")


def obo_iri(curie: str) -> str | None:
    m = _OBO_ID.match(curie.strip())
    if not m:
        return None
    return f"{OBO}{m.group(1)}_{m.group(2)}"


def _obo_unquote(value: str) -> str:
    """The quoted string at the start of an OBO def/synonym value, unescaped."""
    if not value.startswith('"'):
        return value
    out, i = [], 1
    while i < len(value):
        c = value[i]
        if c == "\\" and i + 1 < len(value):
            nxt = value[i + 1]
            out.append({"n": "\n", "t": "\t"}.get(nxt, nxt))
            i += 2
            continue
        if c == '"':
            break
        out.append(c)
        i += 1
    return "".join(out)


def _strip_obo_comment(value: str) -> str:
    # "is_a: X ! label" and trailing {qualifiers}
    value = re.sub(r"\s+!.*$", "", value)
    value = re.sub(r"\s*\{[^}]*\}\s*$", "", value)
    return value.strip()


def read_obo(path: Path) -> SourceDoc:
    text = path.read_text(encoding="utf-8")
    stanzas = re.split(r"\n\s*\n", text)
    header: dict[str, list[str]] = {}
    facts: dict[str, Facts] = {}
    parents: dict[str, set[str]] = {}
    IAO_DEF = OBO + "IAO_0000115"
    for n, stanza in enumerate(stanzas):
        lines = [ln for ln in stanza.splitlines() if ln.strip() and not ln.startswith("!")]
        if not lines:
            continue
        kind = None
        if lines[0].startswith("["):
            kind = lines[0].strip()
            lines = lines[1:]
        tags: dict[str, list[str]] = {}
        for ln in lines:
            if ":" not in ln:
                continue
            tag, _, value = ln.partition(":")
            tags.setdefault(tag.strip(), []).append(value.strip())
        if kind is None:
            if n == 0:
                header = tags
            continue
        if kind not in ("[Term]", "[Typedef]") or "id" not in tags:
            continue
        iri = obo_iri(tags["id"][0])
        if iri is None:
            continue
        f = Facts(iri)
        f.types.add(str(OWL.Class) if kind == "[Term]" else str(OWL.ObjectProperty))
        for name in tags.get("name", [])[:1]:
            f.labels.append(Literal(name))
        for d in tags.get("def", [])[:1]:
            f.definitions.setdefault(IAO_DEF, []).append(Literal(_obo_unquote(d)))
        tag = "is_a"
        for value in tags.get(tag, []):
            p = obo_iri(_strip_obo_comment(value))
            if p:
                f.parents.add(p)
        f.deprecated = tags.get("is_obsolete", ["false"])[0].lower() == "true"
        facts[iri] = f
        parents[iri] = set(f.parents)
    doc = SourceDoc(facts=facts, parents=parents)
    ont = header.get("ontology", [None])[0]
    if ont:
        ont = ont.strip().removesuffix(".obo").removesuffix(".owl")
    data_version = header.get("data-version", [None])[0]
    if ont:
        doc.ontology_iri = f"{OBO}{ont}.owl"
        if data_version:
            # OBO convention (and what rxno.owl itself declares):
            # http://purl.obolibrary.org/obo/{ont}/{data-version}/{ont}.owl
            dv = data_version.strip()
            doc.version_iri = dv if dv.startswith("http") else f"{OBO}{ont}/{dv.removeprefix(ont + '/').removesuffix('/' + ont + '.owl')}/{ont}.owl"
    doc.version_info = data_version
    for pv in header.get("property_value", []):
        parts = pv.split()
        if len(parts) >= 2 and parts[0] in (DCTERMS + "license", "dcterms:license", "license"):
            doc.licence = parts[1].strip('"')
    return doc


# ---------------------------------------------------------------------------------------
# RDF reader

_FORMATS = {".ttl": "turtle", ".owl": "xml", ".rdf": "xml", ".xml": "xml", ".nt": "nt",
            ".n3": "n3", ".jsonld": "json-ld"}


def _rdf_format(path: Path, fmt: str | None) -> str:
    if fmt and fmt != "auto":
        return {"rdfxml": "xml", "rdf/xml": "xml", "owl": "xml"}.get(fmt, fmt)
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise SliceError(f"cannot tell the RDF format of {path}; give format in sources.toml")
    return fmt


def read_rdf(paths: list[Path], fmt: str | None, ontology_iri: str | None) -> SourceDoc:
    g = Graph()
    for path in paths:
        try:
            g.parse(path, format=_rdf_format(path, fmt))
        except Exception as exc:  # rdflib raises many kinds
            # OWL files are sometimes Turtle or the other way round: try once more.
            alt = "turtle" if _rdf_format(path, fmt) == "xml" else "xml"
            try:
                g.parse(path, format=alt)
            except Exception:
                raise SliceError(f"cannot parse {path}: {exc}") from exc
    facts: dict[str, Facts] = {}
    parents: dict[str, set[str]] = {}

    def get(iri: str) -> Facts:
        if iri not in facts:
            facts[iri] = Facts(iri)
        return facts[iri]

    for s, p, o in g:
        if not isinstance(s, URIRef):
            continue
        iri = str(s)
        if p == RDF.type and isinstance(o, URIRef):
            get(iri).types.add(str(o))
        elif p == RDFS.label and isinstance(o, Literal):
            get(iri).labels.append(o)
        elif p in (RDFS.subClassOf, RDFS.subPropertyOf) and isinstance(o, URIRef):
            if o != s:
                parents.setdefault(iri, set()).add(str(o))
        elif p == OWL.deprecated and isinstance(o, Literal) and o.toPython() is True:
            get(iri).deprecated = True
        elif isinstance(o, Literal) and str(p) in DEFAULT_DEFINITION_PROPERTIES:
            get(iri).definitions.setdefault(str(p), []).append(o)
    for iri, ps in parents.items():
        get(iri).parents = set(ps)
    doc = SourceDoc(facts=facts, parents=parents)
    onts = sorted(str(o) for o in g.subjects(RDF.type, OWL.Ontology) if isinstance(o, URIRef))
    chosen = ontology_iri if ontology_iri in onts else (onts[0] if len(onts) == 1 else None)
    if ontology_iri and ontology_iri not in onts and onts:
        # e.g. the Turtle file declares <http://www.w3.org/ns/prov-o#> but sources.toml
        # names <http://www.w3.org/ns/prov-o>: accept a match up to a trailing '#' or '/'.
        for o in onts:
            if o.rstrip("#/") == ontology_iri.rstrip("#/"):
                chosen = o
    if chosen:
        node = URIRef(chosen)
        doc.ontology_iri = chosen
        v = g.value(node, OWL.versionIRI)
        doc.version_iri = str(v) if v is not None else None
        vi = sorted(str(x) for x in g.objects(node, OWL.versionInfo))
        mod = sorted(str(x) for x in g.objects(node, URIRef(DCTERMS + "modified")))
        doc.version_info = "; ".join(vi + [f"modified {m}" for m in mod]) or None
        lic = sorted(str(x) for x in g.objects(node, URIRef(DCTERMS + "license")))
        doc.licence = lic[0] if lic else None
    return doc


# ---------------------------------------------------------------------------------------
# Specification (terms.toml + sources.toml)


@dataclass
class TermSpec:
    iri: str
    curie: str
    type: str | None            # declared OWL type (needed where the source has none)
    label: str | None           # verified source label (checked in extract mode)
    label_lang: str | None
    parent: list[str]           # verified direct parent(s) in the source
    slice_parent: list[str]     # facts mode: nearest ancestor(s) in the import set, when not the parent
    definition: str | None      # facts mode only
    definition_lang: str | None
    definition_property: str | None
    raw: dict


@dataclass
class VocabSpec:
    key: str
    mode: str
    slice_iri: str
    title: str
    source: dict
    definition_properties: list[str]
    terms: list[TermSpec]
    types_declared_by_cephkg: bool = False


def expand(curie_or_iri: str, prefixes: dict[str, str]) -> str:
    s = curie_or_iri.strip()
    if s.startswith("<") and s.endswith(">"):
        return s[1:-1]
    if re.match(r"^[a-z][a-z0-9+.-]*://", s, re.I):
        return s
    pfx, sep, local = s.partition(":")
    if sep and pfx in prefixes:
        return prefixes[pfx] + local
    raise SliceError(f"cannot expand {curie_or_iri!r}: unknown prefix")


def load_spec(terms_path: Path, sources_path: Path) -> tuple[list[VocabSpec], dict[str, str]]:
    terms = tomllib.loads(terms_path.read_text(encoding="utf-8"))
    sources = tomllib.loads(sources_path.read_text(encoding="utf-8"))
    prefixes = dict(terms.get("prefixes", {}))
    vocabs: list[VocabSpec] = []
    for key, v in terms.get("vocab", {}).items():
        src = sources.get("source", {}).get(v.get("source", key))
        if src is None:
            raise SliceError(f"vocab {key}: no [source.{v.get('source', key)}] in {sources_path.name}")
        specs = []
        for t in v.get("term", []):
            ref = t.get("iri") or t.get("curie")
            iri = expand(ref, prefixes)
            parent = t.get("parent", [])
            if isinstance(parent, str):
                parent = [parent] if parent else []
            specs.append(TermSpec(
                iri=iri, curie=t.get("curie", iri), type=t.get("type"),
                label=t.get("label"), label_lang=t.get("label_lang"),
                parent=[expand(p, prefixes) for p in parent],
                slice_parent=[expand(p, prefixes) for p in t.get("slice_parent", [])],
                definition=t.get("definition"), definition_lang=t.get("definition_lang"),
                definition_property=(expand(t["definition_property"], prefixes)
                                     if t.get("definition_property") else None),
                raw=t))
        defprops = [expand(p, prefixes) for p in v.get("definition_properties", [])]
        vocabs.append(VocabSpec(
            key=key, mode=v.get("mode", "extract"),
            slice_iri=v.get("slice_iri", f"https://w3id.org/cephkg/ontology/imports/{key}-slice"),
            title=v.get("title", src.get("name", key)), source=src,
            definition_properties=defprops or list(DEFAULT_DEFINITION_PROPERTIES), terms=specs,
            types_declared_by_cephkg=bool(v.get("types_declared_by_cephkg", False))))
    return vocabs, prefixes


# ---------------------------------------------------------------------------------------
# Slice building


@dataclass
class TermOut:
    iri: str
    owl_type: str
    label: Literal | None
    parents: list[str]
    definition_property: str | None
    definition: Literal | None
    notes: list[str] = field(default_factory=list)


def _pick_literal(values: list[Literal], lang_pref: str | None = "en") -> Literal | None:
    if not values:
        return None
    def rank(lit: Literal) -> tuple:
        lang = lit.language or ""
        return (0 if lang == (lang_pref or "") else 1 if lang == "" else 2 if lang.startswith("en") else 3,
                lang, str(lit))
    return sorted(values, key=rank)[0]


def _transitive_reduction(direct: set[str], parents: dict[str, set[str]]) -> set[str]:
    """Drop any parent that is an ancestor of another parent (inferred closures)."""
    def ancestors(x: str) -> set[str]:
        seen, todo = set(), deque([x])
        while todo:
            for p in parents.get(todo.popleft(), ()):
                if p not in seen:
                    seen.add(p)
                    todo.append(p)
        return seen
    keep = set(direct)
    for p in list(direct):
        for q in direct:
            if q != p and p in ancestors(q):
                keep.discard(p)
    return keep


def _nearest_in(start: str, parents: dict[str, set[str]], wanted: set[str]) -> list[str]:
    """Nearest ancestors of ``start`` (breadth first) that are in ``wanted`` or built-in."""
    found: list[str] = []
    seen = {start}
    frontier = sorted(parents.get(start, ()))
    while frontier:
        nxt = []
        for p in frontier:
            if p in seen:
                continue
            seen.add(p)
            if p in wanted or p in BUILTIN_PARENTS:
                found.append(p)
            else:
                nxt.extend(sorted(parents.get(p, ())))
        if found:
            return sorted(set(found))
        frontier = nxt
    return []


def _entity_type(types: set[str], declared: str | None, prefixes: dict[str, str],
                 notes: list[str]) -> str:
    owl_types = [t for t in (str(x) for x in ENTITY_TYPES) if t in types]
    if declared:
        declared_iri = expand(declared, prefixes | {"owl": str(OWL)})
    else:
        declared_iri = None
    if owl_types:
        # an OWL entity type stated by the source wins; if the spec disagrees, say so
        t = owl_types[0]
        if declared_iri and declared_iri != t:
            notes.append(f"source types it {t}, terms.toml says {declared_iri}; source kept")
        return t
    if declared_iri:
        if types & {str(x) for x in NON_OWL_TYPES}:
            notes.append(f"source gives only RDFS typing; OWL type {declared_iri} declared by cephkg")
        return declared_iri
    if str(RDFS.Class) in types:
        notes.append("source gives rdfs:Class only; owl:Class assumed")
        return str(OWL.Class)
    raise SliceError("no OWL entity type in the source and none declared in terms.toml")


def build_from_source(v: VocabSpec, doc: SourceDoc, import_set: set[str],
                      prefixes: dict[str, str]) -> tuple[list[TermOut], list[str]]:
    problems: list[str] = []
    out: list[TermOut] = []
    for t in v.terms:
        f = doc.facts.get(t.iri)
        if f is None or not (f.types or f.labels):
            problems.append(f"MISSING {t.curie}: not in the source file")
            continue
        notes: list[str] = []
        if f.deprecated:
            notes.append("DEPRECATED in the source")
        otype = _entity_type(f.types, t.type, prefixes, notes)
        label = _pick_literal(f.labels)
        if t.label is not None and (label is None or str(label) != t.label):
            notes.append(f"LABEL DRIFT: terms.toml {t.label!r}, source {str(label) if label is not None else None!r}")
        direct = _transitive_reduction(set(f.parents), doc.parents)
        if "parent" in t.raw and set(t.parent) != direct:
            notes.append("PARENT DRIFT: terms.toml " + ", ".join(sorted(t.parent))
                         + "; source " + (", ".join(sorted(direct)) or "none"))
        in_slice = _nearest_in(t.iri, {**doc.parents, t.iri: direct}, import_set - {t.iri})
        if not in_slice and otype == str(OWL.Class):
            in_slice = [str(OWL.Thing)]
        defprop, definition = None, None
        order = [t.definition_property] if t.definition_property else v.definition_properties
        for p in order:
            vals = f.definitions.get(p)
            if vals:
                defprop, definition = p, _pick_literal(vals)
                break
        out.append(TermOut(t.iri, otype, label, in_slice, defprop, definition, notes))
    return out, problems


def build_from_facts(v: VocabSpec, import_set: set[str], prefixes: dict[str, str]) -> tuple[list[TermOut], list[str]]:
    problems: list[str] = []
    out: list[TermOut] = []
    parent_map = {t.iri: set(t.slice_parent or t.parent) for t in v.terms}
    for t in v.terms:
        notes: list[str] = []
        if t.raw.get("unverified"):
            # an id known only indirectly: kept out of hand-written slices, checked (label
            # drift) as soon as the real source file is given
            problems.append(f"skipped {t.curie} ({t.label!r}): unverified, needs the source file")
            continue
        if not t.type:
            problems.append(f"{t.curie}: facts mode needs a type")
            continue
        if v.types_declared_by_cephkg:
            notes.append(f"the source gives no OWL type; {t.type} declared by cephkg")
        otype = expand(t.type, prefixes | {"owl": str(OWL)})
        label = Literal(t.label, lang=t.label_lang) if t.label is not None else None
        in_slice = _nearest_in(t.iri, parent_map, import_set - {t.iri})
        if not in_slice and otype == str(OWL.Class):
            in_slice = [str(OWL.Thing)]
        definition = (Literal(t.definition, lang=t.definition_lang)
                      if t.definition is not None else None)
        defprop = t.definition_property or (v.definition_properties[0] if definition is not None else None)
        out.append(TermOut(t.iri, otype, label, in_slice, defprop if definition is not None else None,
                           definition, notes))
    return out, problems


# ---------------------------------------------------------------------------------------
# Deterministic Turtle


def _esc(s: str) -> str:
    s = s.replace("\\", "\\\\").replace('"', '\\"')
    return s.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")


def _iri(iri: str) -> str:
    for pfx, ns in PREFIXES:
        if iri.startswith(ns) and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_\-]*", iri[len(ns):] or "-"):
            return f"{pfx}:{iri[len(ns):]}"
    return f"<{iri}>"


def _lit(lit: Literal) -> str:
    body = f'"{_esc(str(lit))}"'
    if lit.language:
        return f"{body}@{lit.language}"
    if lit.datatype and lit.datatype != XSD.string:
        return f"{body}^^{_iri(str(lit.datatype))}"
    return body


def render(v: VocabSpec, src_meta: dict, terms: list[TermOut]) -> str:
    s = v.source
    version_tag = src_meta.get("version_tag") or "unversioned"
    lines = [f"@prefix {p}: <{ns}> ." for p, ns in PREFIXES]
    lines.append("")
    lines.append(f"# {v.title}: MIREOT import slice for cephkg.")
    lines.append("# GENERATED by gen_imports.py from terms.toml and sources.toml; do not edit by hand.")
    if v.mode == "facts":
        lines.append("# No source file was available: the terms below are written from the verified")
        lines.append("# facts recorded in terms.toml (see sources.toml for where they were verified).")
    lines.append("")
    head = [
        ("rdf:type", "owl:Ontology"),
        ("rdfs:label", _lit(Literal(f"cephkg import slice: {v.title}", lang="en"))),
        ("dcterms:source", _iri(s["ontology_iri"])),
        ("owl:versionIRI", _iri(f"{v.slice_iri}/{version_tag}")),
    ]
    if src_meta.get("version_iri"):
        head.append(("pav:importedFrom", _iri(src_meta["version_iri"])))
    if s.get("download_url"):
        head.append(("pav:retrievedFrom", _iri(s["download_url"])))
    if src_meta.get("version_info"):
        head.append(("owl:versionInfo", _lit(Literal(f"source version: {src_meta['version_info']}"))))
    if s.get("licence_iri"):
        head.append(("dcterms:license", _iri(s["licence_iri"])))
    comment = src_meta.get("comment")
    if comment:
        head.append(("rdfs:comment", _lit(Literal(comment, lang="en"))))
    lines.append(_iri(v.slice_iri))
    for i, (p, o) in enumerate(head):
        end = " ;" if i < len(head) - 1 else " ."
        lines.append(f"    {p} {o}{end}")
    lines.append("")

    used_pav = sorted(p for p, _ in head if p.startswith("pav:"))
    if used_pav:
        lines.append("# PAV properties of the header (http://purl.org/pav/)")
        for p in used_pav:
            lines.append(f"{p} rdf:type owl:AnnotationProperty .")
        lines.append("")

    defprops = sorted({t.definition_property for t in terms if t.definition_property} - BUILTIN_PARENTS)
    if defprops:
        lines.append("# Annotation properties the source uses for definitions")
        for p in [p for p in defprops if p not in BUILTIN_PARENTS]:
            lines.append(f"{_iri(p)} rdf:type owl:AnnotationProperty .")
        lines.append("")

    lines.append("# Terms")
    for t in sorted(terms, key=lambda x: x.iri):
        for n in t.notes:
            lines.append(f"# NOTE {_iri(t.iri)}: {n}")
        po: list[tuple[str, str]] = [("rdf:type", _iri(t.owl_type))]
        if t.label is not None:
            po.append(("rdfs:label", _lit(t.label)))
        rel = "rdfs:subClassOf" if t.owl_type == str(OWL.Class) else "rdfs:subPropertyOf"
        if t.owl_type in (str(OWL.Class), str(OWL.ObjectProperty), str(OWL.DatatypeProperty),
                          str(OWL.AnnotationProperty)):
            for p in t.parents:
                po.append((rel, _iri(p)))
        if t.definition is not None and t.definition_property:
            po.append((_iri(t.definition_property), _lit(t.definition)))
        lines.append(_iri(t.iri))
        for i, (p, o) in enumerate(po):
            end = " ;" if i < len(po) - 1 else " ."
            lines.append(f"    {p} {o}{end}")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


# ---------------------------------------------------------------------------------------
# Driver


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def _version_tag(text: str | None) -> str | None:
    if not text:
        return None
    m = re.search(r"(\d{4})[-:](\d{2})[-:](\d{2})", text)
    if m:
        return "-".join(m.groups())
    m = re.search(r"(\d{2}):(\d{2}):(\d{4})", text)  # OBO "date: dd:MM:yyyy"
    if m:
        return f"{m.group(3)}-{m.group(2)}-{m.group(1)}"
    m = re.search(r"v?(\d+(?:\.\d+)+)", text)
    return f"v{m.group(1)}" if m else None


def resolve_source_files(v: VocabSpec, src_dir: Path | None, overrides: dict[str, list[Path]]) -> list[Path]:
    """The local copies for a vocabulary: --source overrides, else local_file(s) in --src-dir."""
    if v.key in overrides:
        return overrides[v.key]
    names = v.source.get("local_file")
    if isinstance(names, str):
        names = [names]
    if not (src_dir and names):
        return []
    paths = [src_dir / n for n in names]
    return paths if all(p.exists() for p in paths) else []


def generate(args: argparse.Namespace) -> int:
    vocabs, prefixes = load_spec(args.terms, args.sources)
    if args.only:
        wanted = set(args.only.split(","))
        unknown = wanted - {v.key for v in vocabs}
        if unknown:
            raise SliceError(f"--only: unknown vocabularies {sorted(unknown)}")
    else:
        wanted = {v.key for v in vocabs}
    overrides: dict[str, list[Path]] = {}
    for item in args.source or []:
        key, _, path = item.partition("=")
        overrides.setdefault(key, []).extend(Path(p) for p in path.split(","))
    import_set = {t.iri for v in vocabs for t in v.terms}
    args.out.mkdir(parents=True, exist_ok=True)
    status = 0
    for v in vocabs:
        if v.key not in wanted:
            continue
        s = v.source
        paths = [] if v.mode == "facts" else resolve_source_files(v, args.src_dir, overrides)
        use_facts = v.mode == "facts" or (v.mode == "auto" and not paths)
        meta: dict = {}
        if use_facts:
            terms, problems = build_from_facts(v, import_set, prefixes)
            meta["version_iri"] = s.get("version_iri")
            meta["version_info"] = s.get("version")
            meta["version_tag"] = _version_tag(s.get("version")) or "facts"
            meta["comment"] = ("Hand-written from verified facts (no source file was available to the "
                               "generator). Evidence: " + s.get("verified_where", "see sources.toml").rstrip(".") + ".")
            origin = "facts"
        else:
            if not paths:
                print(f"[{v.key}] SKIPPED: no local copy (put {s.get('local_file')!r} in --src-dir "
                      f"or pass --source {v.key}=PATH)", file=sys.stderr)
                status = max(status, 1) if args.strict else status
                continue
            fmt = s.get("format")
            if fmt == "obo" or (fmt in (None, "auto") and paths[0].suffix.lower() == ".obo"):
                if len(paths) != 1:
                    raise SliceError(f"{v.key}: one OBO file at a time")
                doc = read_obo(paths[0])
            else:
                doc = read_rdf(paths, fmt, s.get("ontology_iri"))
            terms, problems = build_from_source(v, doc, import_set, prefixes)
            if doc.ontology_iri and doc.ontology_iri.rstrip("#/") != s["ontology_iri"].rstrip("#/"):
                problems.append(f"ontology IRI in file is {doc.ontology_iri}, sources.toml says {s['ontology_iri']}")
            meta["version_iri"] = doc.version_iri or s.get("version_iri")
            meta["version_info"] = doc.version_info or s.get("version")
            meta["version_tag"] = (_version_tag(doc.version_info) or _version_tag(doc.version_iri)
                                   or _version_tag(s.get("version")) or "unversioned")
            files = "; ".join(f"{p.name} sha256:{sha256(p)}" for p in paths)
            meta["comment"] = ("Generated (MIREOT: type, label, nearest imported parent, definition) from "
                               + files + (f"; {s['snapshot']}" if s.get("snapshot") else "") + ".")
            origin = ", ".join(f"{p.name} sha256:{sha256(p)[:12]}" for p in paths)
            if doc.version_info and s.get("version") and _version_tag(doc.version_info) != _version_tag(s.get("version")):
                problems.append(f"source version is now {doc.version_info!r}; sources.toml verified {s.get('version')!r}")
        text = render(v, meta, terms)
        target = args.out / f"{v.key}-slice.ttl"
        # the output must parse
        Graph().parse(data=text, format="turtle")
        drift = [f"{t.iri}: {n}" for t in terms for n in t.notes]
        if args.check:
            same = target.exists() and target.read_text(encoding="utf-8") == text
            print(f"[{v.key}] {'up to date' if same else 'DIFFERS'} ({origin})")
            if not same:
                status = max(status, 1)
        else:
            target.write_text(text, encoding="utf-8")
            print(f"[{v.key}] wrote {target} ({len(terms)} terms, {origin})")
        for p in problems:
            print(f"[{v.key}]   problem: {p}")
            if p.startswith("MISSING") and not args.allow_missing:
                status = 2
        for d in drift:
            print(f"[{v.key}]   note: {d}")
    return status


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--terms", type=Path, default=HERE / "terms.toml")
    ap.add_argument("--sources", type=Path, default=HERE / "sources.toml")
    ap.add_argument("--src-dir", type=Path, help="folder holding local copies named as sources.toml local_file")
    ap.add_argument("--source", action="append", metavar="VOCAB=PATH", help="a local copy for one vocabulary")
    ap.add_argument("--out", type=Path, default=HERE)
    ap.add_argument("--only", help="comma-separated vocabulary keys")
    ap.add_argument("--check", action="store_true", help="compare with the files on disk, write nothing")
    ap.add_argument("--strict", action="store_true", help="fail when a source file is missing")
    ap.add_argument("--allow-missing", action="store_true", help="do not fail on terms absent from a source")
    args = ap.parse_args(argv)
    try:
        return generate(args)
    except SliceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
