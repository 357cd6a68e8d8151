"""scripts/gen_imports.py: the import slices are what the generator makes of the term list.

The sources themselves are not at hand where the tests run (CI reaches package registries
only), so the slices written from verified facts are regenerated here, and extraction is
tested on small made-up sources in the formats the real ones come in (OBO, Turtle)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tomllib
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef

from seeds import ROOT

SCRIPT = ROOT / "scripts" / "gen_imports.py"
IMPORTS = ROOT / "ontology" / "imports"
OBO = "http://purl.obolibrary.org/obo/"
IAO_DEFINITION = URIRef(OBO + "IAO_0000115")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=120, check=False)


def test_the_slices_written_from_verified_facts_are_current() -> None:
    done = run("--only", "dcterms,skos,chebi,epo", "--check")
    assert done.returncode == 0, done.stdout + done.stderr
    assert [line for line in done.stdout.splitlines() if line.startswith("[") and "up to date" in line] == [
        "[dcterms] up to date (facts)", "[skos] up to date (facts)", "[chebi] up to date (facts)",
        "[epo] up to date (facts)"]


def test_every_vocabulary_of_the_term_list_has_its_slice_and_source() -> None:
    terms = tomllib.loads((IMPORTS / "terms.toml").read_text(encoding="utf-8"))
    sources = tomllib.loads((IMPORTS / "sources.toml").read_text(encoding="utf-8"))
    assert sorted(terms["vocab"]) == sorted(p.stem.removesuffix("-slice") for p in IMPORTS.glob("*-slice.ttl"))
    for key in terms["vocab"]:
        source = sources["source"][key]
        assert source["ontology_iri"] and source["version"] and source["verified_where"], key
        slice_graph = Graph().parse(IMPORTS / f"{key}-slice.ttl", format="turtle")
        wanted = {t.get("curie") for t in terms["vocab"][key]["term"] if not t.get("unverified")}
        prefixes = terms["prefixes"]
        iris = {prefixes[c.split(":", 1)[0]] + c.split(":", 1)[1] for c in wanted}
        assert {str(s) for s in slice_graph.subjects(RDF.type, None)} >= iris, key


SPEC = """
[prefixes]
obo = "http://purl.obolibrary.org/obo/"
ex = "http://example.org/ns#"
owl = "http://www.w3.org/2002/07/owl#"
rdfs = "http://www.w3.org/2000/01/rdf-schema#"

[vocab.toy]
mode = "extract"
title = "Toy reactions"
definition_properties = ["obo:IAO_0000115"]

[[vocab.toy.term]]
curie = "obo:TOY_0000002"
type = "owl:Class"
label = "ring synthesis"
parent = ["obo:TOY_0000001"]

[[vocab.toy.term]]
curie = "obo:TOY_0000003"
type = "owl:Class"
label = "thiacycle formation"

[vocab.shapes]
mode = "extract"
title = "Toy annotations"
definition_properties = ["rdfs:comment"]

[[vocab.shapes.term]]
curie = "ex:Thing"
type = "owl:Class"
label = "Thing"
"""
SOURCES = """
[source.toy]
name = "Toy reaction ontology"
ontology_iri = "http://purl.obolibrary.org/obo/toy.owl"
namespace = "http://purl.obolibrary.org/obo/TOY_"
version = "releases/2024-05-01"
download_url = "http://purl.obolibrary.org/obo/toy.obo"
local_file = "toy.obo"
format = "obo"
licence = "CC BY 4.0"
licence_iri = "http://creativecommons.org/licenses/by/4.0/"
verified_where = "made up for a test"

[source.shapes]
name = "Toy annotations"
ontology_iri = "http://example.org/ns"
namespace = "http://example.org/ns#"
version = "1.0"
local_file = "toy.ttl"
format = "turtle"
licence = "CC0"
verified_where = "made up for a test"
"""
OBO_FILE = """format-version: 1.2
data-version: toy/releases/2024-05-01
ontology: toy

[Term]
id: TOY:0000001
name: planned reaction step
def: "A molecular process which takes place as part of a planned synthesis." []

[Term]
id: TOY:0000002
name: ring synthesis
def: "A reaction that makes a ring." []
is_a: TOY:0000001 ! planned reaction step

[Term]
id: TOY:0000003
name: thiacycle synthesis
def: "A ring synthesis that makes a ring with sulfur." []
is_a: TOY:0000002 ! ring synthesis
"""
TTL_FILE = """@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<http://example.org/ns> a owl:Ontology ; owl:versionInfo "1.0" .
<http://example.org/ns#Thing> a rdfs:Class ; rdfs:label "Thing" ; rdfs:comment "Anything at all." .
"""


def toy(tmp_path: Path, obo: str = OBO_FILE) -> tuple[Path, Path]:
    (tmp_path / "terms.toml").write_text(SPEC, encoding="utf-8")
    (tmp_path / "sources.toml").write_text(SOURCES, encoding="utf-8")
    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    (src / "toy.obo").write_text(obo, encoding="utf-8")
    (src / "toy.ttl").write_text(TTL_FILE, encoding="utf-8")
    return src, tmp_path / "out"


def generate(tmp_path: Path, src: Path, out: Path, *more: str) -> subprocess.CompletedProcess[str]:
    return run("--terms", str(tmp_path / "terms.toml"), "--sources", str(tmp_path / "sources.toml"),
               "--src-dir", str(src), "--out", str(out), *more)


def test_a_slice_is_extracted_from_an_obo_source_with_its_version_and_hash(tmp_path: Path) -> None:
    src, out = toy(tmp_path)
    done = generate(tmp_path, src, out)
    assert done.returncode == 0, done.stdout + done.stderr
    text = (out / "toy-slice.ttl").read_text(encoding="utf-8")
    g = Graph().parse(data=text, format="turtle")
    header = URIRef("https://w3id.org/cephkg/ontology/imports/toy-slice")
    assert (header, RDF.type, OWL.Ontology) in g
    assert g.value(header, OWL.versionIRI) == URIRef(f"{header}/2024-05-01")
    assert f"toy.obo sha256:{hashlib.sha256(OBO_FILE.encode()).hexdigest()}" in str(g.value(header, RDFS.comment))
    ring, thia = URIRef(OBO + "TOY_0000002"), URIRef(OBO + "TOY_0000003")
    # type, label, nearest imported parent (TOY_0000001 is not in the import set), definition: nothing else
    assert g.value(ring, RDFS.label) == Literal("ring synthesis")
    assert g.value(ring, RDFS.subClassOf) == OWL.Thing
    assert g.value(thia, RDFS.subClassOf) == ring
    assert g.value(thia, IAO_DEFINITION) == Literal("A ring synthesis that makes a ring with sulfur.")
    assert set(g.predicates(thia, None)) == {RDF.type, RDFS.label, RDFS.subClassOf, IAO_DEFINITION}
    # the source's label changed since terms.toml was written: the run says so
    assert ("[toy]   note: http://purl.obolibrary.org/obo/TOY_0000003: LABEL DRIFT: terms.toml 'thiacycle formation', "
            "source 'thiacycle synthesis'") in done.stdout
    # an RDFS-only source term gets the OWL type terms.toml declares, and the slice says whose it is
    shapes = (out / "shapes-slice.ttl").read_text(encoding="utf-8")
    assert "# NOTE <http://example.org/ns#Thing>: source gives only RDFS typing; OWL type" in shapes
    # output is deterministic: a second run checks clean
    assert generate(tmp_path, src, out, "--check").returncode == 0


def test_a_changed_source_makes_the_check_fail_and_a_missing_term_is_an_error(tmp_path: Path) -> None:
    src, out = toy(tmp_path)
    assert generate(tmp_path, src, out).returncode == 0
    toy(tmp_path, OBO_FILE.replace("A reaction that makes a ring.", "A reaction that closes a ring."))
    changed = generate(tmp_path, src, out, "--check")
    assert changed.returncode == 1 and "[toy] DIFFERS" in changed.stdout
    toy(tmp_path, OBO_FILE.split("[Term]\nid: TOY:0000003", maxsplit=1)[0])
    missing = generate(tmp_path, src, out, "--only", "toy")
    assert missing.returncode == 2
    assert "[toy]   problem: MISSING obo:TOY_0000003: not in the source file" in missing.stdout
