"""The closed vocabulary as rdflib IRIs, for tests that check rdflib graphs.

``CEPH.Claim`` here is ``URIRef`` of ``cephkg.rdf.vocab.CEPH.Claim``: still closed (an
undeclared term is an AttributeError), in the term system rdflib graphs hold.
"""

from __future__ import annotations

from typing import Any

from rdflib import URIRef

from cephkg.rdf import vocab


class RdflibTerms:
    def __init__(self, terms: Any) -> None:
        self._terms = terms

    def __getattr__(self, name: str) -> URIRef:
        return URIRef(getattr(self._terms, name).value)

    def __getitem__(self, name: str) -> URIRef:
        return self.__getattr__(name)

    def __str__(self) -> str:
        return str(self._terms.NS)


CEPH = RdflibTerms(vocab.CEPH)
PROV = RdflibTerms(vocab.PROV)
OA = RdflibTerms(vocab.OA)
DCTERMS = RdflibTerms(vocab.DCTERMS)
SIO = RdflibTerms(vocab.SIO)
OBO = RdflibTerms(vocab.OBO)
CHEMINF = RdflibTerms(vocab.CHEMINF)
SKOS = RdflibTerms(vocab.SKOS)
EPO = RdflibTerms(vocab.EPO)


# -- IRIs of cephkg.rdf.iris as rdflib terms ----------------------------------------------

from cephkg.rdf import iris as _iris  # noqa: E402
from cephkg.rdf.ontology import ontology_graph  # noqa: E402,F401 - re-exported for the tests

ONTOLOGY_GRAPH = URIRef(_iris.ONTOLOGY_GRAPH.value)
ONTOLOGY_IRI = URIRef(_iris.ONTOLOGY_IRI.value)
REGISTERED_GRAPH = URIRef(_iris.REGISTERED_GRAPH.value)


def patent_iri(patent_id: str) -> URIRef:
    return URIRef(_iris.patent(patent_id).value)


def claim_iri(patent_id: str, number: int) -> URIRef:
    return URIRef(_iris.claim(patent_id, number).value)


def patent_graph_iri(patent_id: str) -> URIRef:
    return URIRef(_iris.patent_graph(patent_id).value)


def chemistry_graph_iri(patent_id: str) -> URIRef:
    return URIRef(_iris.chemistry_graph(patent_id).value)


def inferred_graph_iri(patent_id: str) -> URIRef:
    return URIRef(_iris.inferred_graph(patent_id).value)
