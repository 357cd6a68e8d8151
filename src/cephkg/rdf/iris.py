"""Every IRI cephkg mints, in one place.

Instances live under ``https://w3id.org/cephkg/id/``; graphs under
``https://w3id.org/cephkg/graph/``, in two namespaces that cannot meet: a patent's graphs
are ``graph/patent/<id>`` (what was read from its claims), ``…/chemistry`` (what the
chemistry stage derived) and ``…/inferred`` (what the reasoner inferred); cephkg's own
graphs are ``graph/system/<name>`` (the ontology, registered compounds, the store index).
So no file name can replace a system graph, and a patent owns exactly its three graphs.

A patent id is one safe IRI segment (``cephkg.reading.ids``); every other text that goes
into an IRI (a variable name, a salt-form id, a substance name) is percent-encoded.
The IRI policy is described in ``docs/architecture.md``.
"""

from __future__ import annotations

import hashlib
from urllib.parse import quote, unquote

from pyoxigraph import NamedNode

from ..errors import InputError

__all__ = [
    "BASE",
    "GRAPH",
    "ID",
    "INDEX_GRAPH",
    "ONTOLOGY_GRAPH",
    "ONTOLOGY_IRI",
    "REASONING_INPUT",
    "REGISTERED_GRAPH",
    "SHAPES",
    "SYSTEM_GRAPHS",
    "agent",
    "alternative",
    "assignment",
    "chemistry_graph",
    "claim",
    "compound",
    "coverage_explanation",
    "coverage_reason",
    "definition",
    "descriptor",
    "formula",
    "group_class",
    "inferred_graph",
    "patent",
    "patent_graph",
    "patent_graphs",
    "patent_id_of",
    "patent_of_graph",
    "publication",
    "reaction_compound",
    "repair",
    "salt_form",
    "salts_clause",
    "segment",
    "source",
    "span_nodes",
    "species",
    "step",
    "substance",
    "variable",
]

BASE = "https://w3id.org/cephkg/"
ID = BASE + "id/"
GRAPH = BASE + "graph/"
ONTOLOGY_IRI = NamedNode(BASE + "ontology")
ONTOLOGY_GRAPH = NamedNode(GRAPH + "system/ontology")
REGISTERED_GRAPH = NamedNode(GRAPH + "system/registered")
INDEX_GRAPH = NamedNode(GRAPH + "system/index")
SYSTEM_GRAPHS = (ONTOLOGY_GRAPH, REGISTERED_GRAPH, INDEX_GRAPH)
#: The SHACL shapes' namespace, and the ontology IRI the reasoner's input is loaded under.
SHAPES = BASE + "shapes#"
REASONING_INPUT = BASE + "reasoning/input"
_PATENT_GRAPHS = GRAPH + "patent/"
_CEPH = BASE + "ontology#"
_EPO_PUBLICATION = "http://data.epo.org/linked-data/data/publication/"


def segment(value: str) -> str:
    """One IRI path segment: unreserved characters kept, the rest percent-encoded."""
    return quote(value, safe="-._~")


def _patent_segment(patent_id: str) -> str:
    if not patent_id or patent_id in (".", "..") or patent_id.startswith("."):
        raise InputError(f"patent id {patent_id!r} cannot be an IRI segment")
    return segment(patent_id)


# -- the claims graph -----------------------------------------------------------------

def patent(patent_id: str) -> NamedNode:
    return NamedNode(ID + _patent_segment(patent_id))


def patent_id_of(patent_iri: str) -> str | None:
    """The patent id of a patent IRI (``…/id/<id>``), or None for any other IRI."""
    rest = patent_iri[len(ID):] if patent_iri.startswith(ID) else ""
    return unquote(rest) if rest and "/" not in rest else None


def source(patent_id: str) -> NamedNode:
    return NamedNode(f"{patent(patent_id).value}/source")


def claim(patent_id: str, number: int) -> NamedNode:
    return NamedNode(f"{patent(patent_id).value}/claim/{number}")


def formula(patent_id: str, number: int, index: int) -> NamedNode:
    return NamedNode(f"{claim(patent_id, number).value}/formula/{index}")


def definition(patent_id: str, number: int, variable_name: str, formula_index: int | None = None) -> NamedNode:
    owner = formula(patent_id, number, formula_index) if formula_index is not None else claim(patent_id, number)
    return NamedNode(f"{owner.value}/definition/{segment(variable_name)}")


def alternative(definition_iri: NamedNode, index: int) -> NamedNode:
    return NamedNode(f"{definition_iri.value}/alternative/{index}")


def variable(patent_id: str, number: int, name: str) -> NamedNode:
    return NamedNode(f"{claim(patent_id, number).value}/variable/{segment(name)}")


def species(patent_id: str, number: int, index: int) -> NamedNode:
    return NamedNode(f"{claim(patent_id, number).value}/species/{index}")


def salts_clause(patent_id: str, number: int) -> NamedNode:
    return NamedNode(f"{claim(patent_id, number).value}/salts-clause")


def step(patent_id: str, number: int, index: int) -> NamedNode:
    return NamedNode(f"{claim(patent_id, number).value}/step/{index}")


def agent(step_iri: NamedNode, index: int) -> NamedNode:
    return NamedNode(f"{step_iri.value}/agent/{index}")


def integer_range(owner: NamedNode, index: int) -> NamedNode:
    """The ``index``-th integer range of a definition or a proviso condition."""
    return NamedNode(f"{owner.value}/range/{index}")


def shared_definition(patent_id: str, number: int, index: int) -> NamedNode:
    return NamedNode(f"{claim(patent_id, number).value}/shared-definition/{index}")


def joint_definition(patent_id: str, number: int, index: int) -> NamedNode:
    return NamedNode(f"{claim(patent_id, number).value}/joint-definition/{index}")


def proviso(patent_id: str, number: int, index: int) -> NamedNode:
    return NamedNode(f"{claim(patent_id, number).value}/proviso/{index}")


def proviso_condition(proviso_iri: NamedNode, part: str, index: int) -> NamedNode:
    """A proviso's ``index``-th condition of ``part`` (``when`` or ``then``)."""
    return NamedNode(f"{proviso_iri.value}/{segment(part)}/{index}")


def salt_type(patent_id: str, number: int, index: int) -> NamedNode:
    return NamedNode(f"{claim(patent_id, number).value}/salt-type/{index}")


def repair(owner: NamedNode, index: int) -> NamedNode:
    return NamedNode(f"{owner.value}/repair/{index}")


def span_nodes(fact: NamedNode) -> tuple[NamedNode, NamedNode, NamedNode]:
    """The specific resource of a fact's source span, and its position and quote selectors."""
    where = f"{fact.value}/source-span"
    return NamedNode(where), NamedNode(f"{where}/position"), NamedNode(f"{where}/quote")


def publication(normalised: str) -> NamedNode | None:
    """The patent office's own IRI for a publication (``EP-1234567-B1``), where it has one.

    The EPO publishes linked data for EP publications; other offices have no IRI scheme.
    """
    parts = normalised.split("-")
    if len(parts) == 3 and parts[0] == "EP":
        return NamedNode(f"{_EPO_PUBLICATION}EP/{parts[1]}/{parts[2]}/-")
    return None


# -- chemistry --------------------------------------------------------------------------

def compound(key: str) -> NamedNode:
    """A compound, shared across patents: ``key`` is its InChIKey (or SMILES where InChI fails)."""
    return NamedNode(f"{ID}compound/{segment(key)}")


def descriptor(compound_iri: NamedNode, kind: str) -> NamedNode:
    return NamedNode(f"{compound_iri.value}/{kind}")


def salt_form(salt_form_id: str) -> NamedNode:
    """Salt forms are shared across patents: one resource per salt-form id."""
    return NamedNode(f"{ID}salt-form/{segment(salt_form_id)}")


def coverage_explanation(claim_iri: NamedNode, compound_key: str) -> NamedNode:
    return NamedNode(f"{claim_iri.value}/coverage/{segment(compound_key)}")


def coverage_reason(explanation: NamedNode, index: int) -> NamedNode:
    return NamedNode(f"{explanation.value}/reason/{index}")


def assignment(explanation: NamedNode, variable_label: str) -> NamedNode:
    return NamedNode(f"{explanation.value}/assignment/{segment(variable_label)}")


def group_class(class_id: str) -> NamedNode:
    """The ontology class of a substituent term (``class_id`` from the vocabulary)."""
    return NamedNode(_CEPH + segment(class_id))


def reaction_compound(canonical: str) -> NamedNode:
    """One IRI per canonical generic structure, whatever patent it appears in."""
    return NamedNode(f"{ID}reaction-compound/{hashlib.sha256(canonical.encode('utf-8')).hexdigest()[:20]}")


def substance(name: str) -> NamedNode:
    return NamedNode(f"{ID}substance/{segment(name.replace(' ', '-'))}")


# -- graphs -----------------------------------------------------------------------------

def patent_graph(patent_id: str) -> NamedNode:
    """The named graph of what was read from one patent's claims."""
    return NamedNode(_PATENT_GRAPHS + _patent_segment(patent_id))


def chemistry_graph(patent_id: str) -> NamedNode:
    """The named graph of one patent's chemistry (structures, classes, coverage links)."""
    return NamedNode(f"{patent_graph(patent_id).value}/chemistry")


def inferred_graph(patent_id: str) -> NamedNode:
    """The named graph of what the reasoner inferred for one patent."""
    return NamedNode(f"{patent_graph(patent_id).value}/inferred")


def patent_graphs(patent_id: str) -> tuple[NamedNode, NamedNode, NamedNode]:
    """Every graph a patent owns: claims, chemistry, inferred."""
    return patent_graph(patent_id), chemistry_graph(patent_id), inferred_graph(patent_id)


def patent_of_graph(graph_iri: str) -> str | None:
    """The patent id owning a graph IRI, or None for a system graph or a foreign one."""
    if not graph_iri.startswith(_PATENT_GRAPHS):
        return None
    return unquote(graph_iri[len(_PATENT_GRAPHS):].split("/", 1)[0]) or None
