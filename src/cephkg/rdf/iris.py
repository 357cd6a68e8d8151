"""Every IRI cephkg mints, in one place.

Instances live under ``https://w3id.org/cephkg/id/``; graphs under
``https://w3id.org/cephkg/graph/``, in two namespaces that cannot meet: a patent's graphs
are ``graph/patent/<id>`` (what was read from its claims), ``…/chemistry`` (what the
chemistry stage derived) and ``…/inferred`` (what the reasoner inferred); cephkg's own
graphs are ``graph/system/<name>`` (the ontology, registered compounds, the store index).
So no file name can replace a system graph, and a patent owns exactly its three graphs.

A patent id is one safe IRI segment (``cephkg.reading.ids``); every other text that goes
into an IRI (a variable name, a salt-form id, a substance name) is percent-encoded.

IRIs are stable: they name a thing by what the text says of it, not by where a parser
happened to find it. A formula is named by its label (``formula/label/I``) or its image
placeholder (``formula/placeholder/STR5``) where the text gives one, and only otherwise
by its position (``formula/index/3``); an alternative of a definition by its group term
(``alternative/lower-alkyl``); a step by its mark (``step/a``), by its position in a
sequence (``step/2``), or, for unmarked alternative steps, by a hash of its text; a
reaction compound by the InChIKey of its generic structure (``cephkg.chem.reactions``).
The build activity of each build (``id/build/<start time>-<nonce>``) is the one IRI
that differs between two builds of the same input, and it lives in its own graph.
The IRI policy is described in ``docs/architecture.md`` (Identifiers).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from functools import lru_cache
from urllib.parse import quote, unquote

from pyoxigraph import NamedNode

from ..errors import InputError
from ..model import Formula, Step

__all__ = [
    "BASE",
    "BUILDS_GRAPH",
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
    "alternative_keys",
    "assignment",
    "build",
    "chemistry_graph",
    "claim",
    "claim_compound",
    "compound",
    "coverage_explanation",
    "coverage_reason",
    "data_file",
    "definition",
    "descriptor",
    "formula",
    "formula_keys",
    "group_class",
    "group_concept",
    "group_scheme",
    "inferred_graph",
    "inferred_structure",
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
    "software",
    "software_release",
    "source",
    "span_nodes",
    "species",
    "step",
    "step_keys",
    "structure",
    "structures_file",
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
#: The build activities, and which build generated each patent graph now in the store.
BUILDS_GRAPH = NamedNode(GRAPH + "system/builds")
SYSTEM_GRAPHS = (ONTOLOGY_GRAPH, REGISTERED_GRAPH, INDEX_GRAPH, BUILDS_GRAPH)
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


def _key_segment(text: str) -> str:
    """A text as a readable key: letters and digits kept, every other run one ``-``."""
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")


def _unique(keys: Sequence[str]) -> list[str]:
    """Keys made unique in order: the second ``k`` is ``k~2``, the third ``k~3``."""
    seen: dict[str, int] = {}
    out = []
    for key in keys:
        seen[key] = seen.get(key, 0) + 1
        out.append(key if seen[key] == 1 else f"{key}~{seen[key]}")
    return out


@lru_cache(maxsize=4096)
def formula_keys(formulas: tuple[Formula, ...]) -> dict[int, str]:
    """Formula index → the key of its IRI within its claim.

    ``label/<label>`` where the text labels the formula (as shown, or as a later reference
    names it), ``placeholder/<mark>`` where an image placeholder (``##STR5##``) marks it,
    else ``index/<position>``. A key met twice in one claim gets ``~2`` (``~3``, …).
    """
    keys = []
    for f in formulas:
        label = segment(f.label) if f.label else ""
        mark = _key_segment(f.placeholder) if f.placeholder else ""
        keys.append(f"label/{label}" if label else f"placeholder/{mark}" if mark else f"index/{f.index}")
    return dict(zip((f.index for f in formulas), _unique(keys)))


def formula(patent_id: str, number: int, key: str) -> NamedNode:
    """A formula of a claim; ``key`` is its entry in :func:`formula_keys` of the claim's formulas."""
    return NamedNode(f"{claim(patent_id, number).value}/formula/{key}")


def definition(patent_id: str, number: int, variable_name: str, formula_key: str | None = None) -> NamedNode:
    """A variable definition: of a formula (``formula_key`` as for :func:`formula`) or of the claim."""
    owner = formula(patent_id, number, formula_key) if formula_key is not None else claim(patent_id, number)
    return NamedNode(f"{owner.value}/definition/{segment(variable_name)}")


@lru_cache(maxsize=4096)
def alternative_keys(terms: tuple[str, ...]) -> tuple[str, ...]:
    """The keys of a definition's alternatives, in order: each group term as a readable key
    (``lower alkoxycarbonyl`` → ``lower-alkoxycarbonyl``), made unique within the definition."""
    return tuple(_unique([_key_segment(t.lower()) or "term" for t in terms]))


def alternative(definition_iri: NamedNode, terms: Sequence[str], index: int) -> NamedNode:
    """Alternative ``index`` (from 1) of the definition whose alternatives are ``terms``."""
    return NamedNode(f"{definition_iri.value}/alternative/{alternative_keys(tuple(terms))[index - 1]}")


def variable(patent_id: str, number: int, name: str) -> NamedNode:
    return NamedNode(f"{claim(patent_id, number).value}/variable/{segment(name)}")


def species(patent_id: str, number: int, index: int) -> NamedNode:
    return NamedNode(f"{claim(patent_id, number).value}/species/{index}")


def salts_clause(patent_id: str, number: int) -> NamedNode:
    return NamedNode(f"{claim(patent_id, number).value}/salts-clause")


@lru_cache(maxsize=4096)
def step_keys(steps: tuple[Step, ...], relation: str | None) -> dict[int, str]:
    """Step index → the key of its IRI within its claim.

    A step the text marks (``(1)``, ``(a)``, ``step b``) is named by its mark (``1``, ``a``,
    ``b``); an unmarked step of a sequence by its position (the order is what the text
    says); an unmarked alternative by a hash of its text (``text-<12 hex digits>``), since
    the order of alternatives means nothing. Repeats get ``~2`` (``~3``, …).
    """
    keys = []
    for s in steps:
        mark = _key_segment(re.sub(r"(?i)^\s*step\s*", "", s.marker)) if s.marker else ""
        if mark:
            keys.append(mark)
        elif relation == "alternatives":
            digest = hashlib.sha256(" ".join(s.text.lower().split()).encode("utf-8")).hexdigest()[:12]
            keys.append(f"text-{digest}")
        else:
            keys.append(str(s.index))
    return dict(zip((s.index for s in steps), _unique(keys)))


def step(patent_id: str, number: int, key: str) -> NamedNode:
    """A step of a process claim; ``key`` is its entry in :func:`step_keys` of the claim's steps."""
    return NamedNode(f"{claim(patent_id, number).value}/step/{key}")


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
    """The class (and concept) of a listed substituent term (``class_id`` from the vocabulary)."""
    return NamedNode(_CEPH + segment(class_id))


def group_scheme(patent_id: str) -> NamedNode:
    """The concept scheme of the group terms one patent uses that the vocabulary does not list."""
    return NamedNode(f"{patent(patent_id).value}/groups")


def group_concept(patent_id: str, term_id: str) -> NamedNode:
    """A concept of the patent's own scheme (``term_id``: the CamelCase id the grammar gives it)."""
    return NamedNode(f"{group_scheme(patent_id).value}/{segment(term_id)}")


def reaction_compound(key: str) -> NamedNode:
    """One IRI per generic structure, whatever patent it appears in: ``key`` is the
    version-independent key of :func:`cephkg.chem.reactions.reaction_compound_key`."""
    return NamedNode(f"{ID}reaction-compound/{segment(key)}")


def claim_compound(patent_id: str, number: int, group: int) -> NamedNode:
    """A reaction compound known only by its formula in one claim (no structure)."""
    return NamedNode(f"{claim(patent_id, number).value}/compound/{group}")


def substance(name: str) -> NamedNode:
    return NamedNode(f"{ID}substance/{segment(name.replace(' ', '-'))}")


# -- curated structures and provenance ---------------------------------------------------

def structures_file(patent_id: str) -> NamedNode:
    """The sidecar file of curated structures of a patent (a ``prov:Entity``)."""
    return NamedNode(f"{patent(patent_id).value}/structures")


def structure(formula_iri: NamedNode) -> NamedNode:
    """The curated structure of a formula."""
    return NamedNode(f"{formula_iri.value}/curated-structure")


def inferred_structure(formula_iri: NamedNode) -> NamedNode:
    """The structure cephkg inferred for a formula."""
    return NamedNode(f"{formula_iri.value}/inferred-structure")


def build(started: str, nonce: str) -> NamedNode:
    """One build: ``started`` its start time (compact UTC), ``nonce`` a random tag."""
    return NamedNode(f"{ID}build/{segment(started)}-{segment(nonce)}")


def software(name: str) -> NamedNode:
    """A program (cephkg, RDKit, OPSIN, ...), whatever its version."""
    return NamedNode(f"{ID}software/{segment(name.lower())}")


def software_release(name: str, version: str) -> NamedNode:
    """One version of a program."""
    return NamedNode(f"{software(name).value}/{segment(version)}")


def data_file(sha256: str) -> NamedNode:
    """A rule, vocabulary or ontology file of cephkg, by its content (its SHA-256)."""
    return NamedNode(f"{ID}data-file/{segment(sha256)}")


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
