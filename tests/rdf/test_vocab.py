"""The closed vocabulary module is generated from the ontology files and is current."""

from __future__ import annotations

import subprocess
import sys

import pytest
from rdflib import OWL, RDF, Graph, URIRef

from cephkg.rdf import vocab
from cephkg.rdf.ontology import ontology_files
from seeds import ROOT


def test_the_generated_vocabulary_is_current() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_vocab.py"), "--check"], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr


def test_every_declared_ceph_term_is_in_the_vocabulary_and_nothing_else() -> None:
    g = Graph()
    for path in ontology_files():
        g.parse(path, format="turtle")
    declared = {str(s)[len(vocab.CEPH.NS):] for s in g.subjects(RDF.type, None)
                if isinstance(s, URIRef) and str(s).startswith(vocab.CEPH.NS)}
    in_module = {n for n in vars(vocab.CEPH) if not n.startswith("_") and n != "NS"}
    assert in_module == declared
    assert (URIRef(vocab.CEPH.Claim.value), RDF.type, OWL.Class) in g


def test_an_undeclared_term_is_an_error() -> None:
    with pytest.raises(AttributeError):
        vocab.CEPH.Clam  # type: ignore[attr-defined]
