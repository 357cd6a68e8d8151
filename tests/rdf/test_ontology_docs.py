"""docs/ontology.md: every term of the ontology is documented, and the checked-in file is current."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from rdflib import OWL, RDF, RDFS, Graph, URIRef

from cephkg.owl.reason import ontology_files
from seeds import ROOT

SCRIPT = ROOT / "scripts" / "gen_ontology_docs.py"
DOC = ROOT / "docs" / "ontology.md"


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_ontology_docs", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def ontology() -> Graph:
    graph = Graph()
    for path in ontology_files():
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def headings(text: str) -> dict[str, str]:
    """CURIE → the entry under its ``###`` heading."""
    parts = re.split(r"(?m)^### ", text)[1:]
    return {part.split(" ", 1)[0].split("\n", 1)[0]: part for part in parts}


def test_the_checked_in_doc_is_current(gen: ModuleType, doc: str) -> None:
    assert gen.render_markdown() == doc, "docs/ontology.md is stale: run python scripts/gen_ontology_docs.py"


def test_the_script_checks_and_exits_zero_when_current() -> None:
    run = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, check=False)
    assert (run.returncode, run.stderr) == (0, "")


def test_a_stale_doc_fails_the_check(gen: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stale = tmp_path / "ontology.md"
    stale.write_text("# old\n", encoding="utf-8")
    monkeypatch.setattr(gen, "MARKDOWN", stale)
    monkeypatch.setattr(gen, "ROOT", tmp_path)
    assert gen.main(["--check"]) == 1


def test_every_class_and_property_has_an_entry(gen: ModuleType, ontology: Graph, doc: str) -> None:
    entries = headings(doc)
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.NamedIndividual):
        terms = {gen.curie(t) for t in ontology.subjects(RDF.type, kind) if isinstance(t, URIRef)}
        assert terms, kind
        assert sorted(terms - set(entries)) == []


def test_an_entry_gives_label_definition_and_super_classes(doc: str) -> None:
    entry = headings(doc)["ceph:SpeciesClaim"]
    assert entry.splitlines()[0] == "ceph:SpeciesClaim — species claim"
    assert ("- Definition: A compound claim naming a specific compound: a compound claim that names some species."
            in entry)
    assert ("- Equivalent to: ([ceph:CompoundClaim](#ceph-CompoundClaim) and "
            "([ceph:namesSpecies](#ceph-namesSpecies) some [ceph:SpeciesMention](#ceph-SpeciesMention)))") in entry
    substituent = headings(doc)["ceph:LowerAlkoxycarbonyl"]
    assert "- Super-classes: [ceph:Alkoxycarbonyl](#ceph-Alkoxycarbonyl)" in substituent
    assert "- Declared in: `substituents.ttl`" in substituent
    depends = headings(doc)["ceph:dependsOn"]
    assert "- Super-properties: [ceph:dependsOnTransitively](#ceph-dependsOnTransitively), [ceph:refersTo](#ceph-refersTo)" in depends
    assert "- Characteristics: Asymmetric, Irreflexive" in depends


def test_every_documented_term_has_a_label_and_a_definition(ontology: Graph, doc: str, gen: ModuleType) -> None:
    own = [t for t in ontology.subjects(RDF.type, None)
           if isinstance(t, URIRef) and str(t).startswith(gen.PREFIXES["ceph"])
           and ontology.value(t, RDF.type) in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)]
    missing = sorted(gen.curie(t) for t in own
                     if ontology.value(t, RDFS.label) is None or "- Definition: (none)" in headings(doc)[gen.curie(t)])
    assert missing == []


def test_every_link_points_to_an_entry(doc: str) -> None:
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', doc))
    links = set(re.findall(r"\]\(#([^)]+)\)", doc))
    assert sorted(links - anchors) == []
