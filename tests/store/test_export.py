"""Export: every format re-imports to the same graph, output is byte-stable, writes are atomic."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import OWL, RDF, Dataset, Graph, URIRef
from rdflib.compare import isomorphic

from cephkg.errors import CephkgError
from cephkg.rdf import iris
from cephkg.store.export import ExportFormat, export
from cephkg.store.local import KnowledgeStore
from rdfvocab import ONTOLOGY_GRAPH, ONTOLOGY_IRI, ontology_graph, patent_graph_iri
from servers import ID_000, ID_002

PARSE = {ExportFormat.NQUADS: "nquads", ExportFormat.TRIG: "trig", ExportFormat.JSONLD: "json-ld",
         ExportFormat.NTRIPLES: "nt", ExportFormat.TURTLE: "turtle", ExportFormat.RDFXML: "xml"}
DATA_FORMATS = [f for f in ExportFormat if f is not ExportFormat.OWL]
# The module, not the function that cephkg/__init__ re-exports under the same name.
export_module = importlib.import_module("cephkg.store.export")
files_module = importlib.import_module("cephkg.files")  # where the atomic write lives


def store_graphs(folder: Path, patent: str | None = None) -> dict[str, Graph]:
    """What the store holds, graph by graph, the ontology's and the store index's excepted
    (with ``patent``: the graphs having that id as a path segment: graph/patent/<id>, …/chemistry…)."""
    with KnowledgeStore(folder) as store:
        names = [g for g in store.graphs() if g not in (str(ONTOLOGY_GRAPH), iris.INDEX_GRAPH.value)
                 and (patent is None or patent in g.split("/"))]
        return {g: store.graph(URIRef(g)) for g in names}


def merged(graphs: dict[str, Graph]) -> Graph:
    out = Graph()
    for g in graphs.values():
        for t in g:
            out.add(t)
    return out


def reimport(path: Path, fmt: ExportFormat) -> dict[str, Graph]:
    """The file parsed back: named graphs by name (triple formats: one graph named '')."""
    if fmt.quads:
        ds = Dataset(default_union=False)
        ds.parse(path, format=PARSE[fmt])
        return {str(g.identifier): g for g in ds.graphs() if len(g)}
    return {"": Graph().parse(path, format=PARSE[fmt])}


def do_export(folder: Path, path: Path, fmt: ExportFormat, ids: list[str] | None = None,
              with_ontology: bool = False) -> int:
    with KnowledgeStore(folder) as store:
        return export(store, path, fmt, ids, with_ontology)


@pytest.mark.parametrize("fmt", DATA_FORMATS, ids=lambda f: f.value)
def test_every_format_reimports_isomorphic(seed_dir: Path, tmp_path: Path, fmt: ExportFormat) -> None:
    expected = store_graphs(seed_dir)
    assert {str(patent_graph_iri(ID_000)), str(patent_graph_iri(ID_002))} <= set(expected)
    out = tmp_path / f"all.{fmt.value}"
    count = do_export(seed_dir, out, fmt)
    got = reimport(out, fmt)
    if fmt.quads:
        assert sorted(got) == sorted(expected)
        for name, graph in expected.items():
            assert isomorphic(got[name], graph), name
        assert count == sum(len(g) for g in expected.values())
    else:
        assert isomorphic(got[""], merged(expected))
        assert count == len(merged(expected))


@pytest.mark.parametrize("fmt", [ExportFormat.NQUADS, ExportFormat.TRIG, ExportFormat.JSONLD], ids=lambda f: f.value)
def test_with_ontology_adds_the_ontology_graph(seed_dir: Path, tmp_path: Path, fmt: ExportFormat) -> None:
    out = tmp_path / f"all.{fmt.value}"
    do_export(seed_dir, out, fmt, with_ontology=True)
    got = reimport(out, fmt)
    assert str(ONTOLOGY_GRAPH) in got
    assert isomorphic(got[str(ONTOLOGY_GRAPH)], ontology_graph())  # blank nodes (OWL axioms) included
    do_export(seed_dir, out, fmt)
    assert str(ONTOLOGY_GRAPH) not in reimport(out, fmt)


def test_with_ontology_in_a_triple_format_merges_it(seed_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.ttl"
    count = do_export(seed_dir, out, ExportFormat.TURTLE, with_ontology=True)
    expected = merged(store_graphs(seed_dir) | {"ontology": ontology_graph()})
    assert isomorphic(Graph().parse(out, format="turtle"), expected)
    assert count == len(expected)


def test_chosen_patents_only(seed_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "one.nq"
    do_export(seed_dir, out, ExportFormat.NQUADS, [ID_000])
    got = reimport(out, ExportFormat.NQUADS)
    expected = store_graphs(seed_dir, ID_000)
    assert str(patent_graph_iri(ID_000)) in expected
    assert sorted(got) == sorted(expected)
    assert not any(ID_002 in g for g in got)
    for name, graph in expected.items():
        assert isomorphic(got[name], graph), name


_EXPORT_ALL = """
import sys
from pathlib import Path
from cephkg.store.export import ExportFormat, export
from cephkg.store.local import KnowledgeStore
with KnowledgeStore(sys.argv[1]) as store:
    for fmt in ExportFormat:
        export(store, Path(sys.argv[2]) / f"all.{fmt.value}", fmt, None, True)
"""


def test_two_exports_in_two_processes_are_byte_identical(seed_dir: Path, tmp_path: Path) -> None:
    """Blank-node labels are canonical (RDFC-1.0), not per-process: every format is stable."""
    for run in ("a", "b"):
        (tmp_path / run).mkdir()
        subprocess.run([sys.executable, "-c", _EXPORT_ALL, str(seed_dir), str(tmp_path / run)],
                       check=True, timeout=120, capture_output=True)
    for fmt in ExportFormat:
        a = (tmp_path / "a" / f"all.{fmt.value}").read_bytes()
        b = (tmp_path / "b" / f"all.{fmt.value}").read_bytes()
        assert a == b, fmt
    assert b"_:c14n" in (tmp_path / "a" / "all.nq").read_bytes()  # the ontology's blank nodes, canonically named


@pytest.mark.parametrize("fmt", [ExportFormat.NTRIPLES, ExportFormat.NQUADS], ids=lambda f: f.value)
def test_line_formats_are_sorted_unique_lines(seed_dir: Path, tmp_path: Path, fmt: ExportFormat) -> None:
    out = tmp_path / f"all.{fmt.value}"
    count = do_export(seed_dir, out, fmt, with_ontology=True)
    data = out.read_bytes()
    lines = data.split(b"\n")
    assert data.endswith(b"\n") and lines[-1] == b""
    lines = lines[:-1]
    assert lines == sorted(set(lines))
    assert len(lines) == count
    assert all(line.endswith(b" .") for line in lines)


def test_unknown_patent_is_an_error_and_writes_nothing(seed_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.nq"
    with pytest.raises(CephkgError, match=f"not in the store: nope .*known: {ID_000}, {ID_002}"):
        do_export(seed_dir, out, ExportFormat.NQUADS, ["nope"])
    assert list(tmp_path.iterdir()) == []


def test_failed_write_keeps_the_old_file_and_leaves_no_temporary(seed_dir: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "all.nq"
    out.write_bytes(b"previous export\n")

    def failing_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files_module.os, "replace", failing_replace)
    with pytest.raises(OSError, match="No space left"):
        do_export(seed_dir, out, ExportFormat.NQUADS)
    assert out.read_bytes() == b"previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["all.nq"]


def test_failed_serialisation_leaves_nothing(seed_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def failing_serialize(*args: object, **kwargs: object) -> None:
        raise ValueError("serialiser broke")

    monkeypatch.setattr(export_module.ox, "serialize", failing_serialize)
    with pytest.raises(ValueError, match="serialiser broke"):
        do_export(seed_dir, tmp_path / "all.ttl", ExportFormat.TURTLE)
    assert list(tmp_path.iterdir()) == []


def test_owl_export_is_the_ontology_as_rdfxml(tmp_path: Path) -> None:
    out = tmp_path / "cephkg.owl"
    count = export(None, out, ExportFormat.OWL)  # type: ignore[arg-type] - the OWL export needs no store
    assert out.read_bytes().startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<rdf:RDF')
    g = Graph().parse(out, format="xml")
    assert isomorphic(g, ontology_graph())
    assert count == len(ontology_graph())
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in g


def test_owl_export_loads_as_owl(tmp_path: Path) -> None:
    """owlready2 (an OWL 2 tool, like Protégé) reads the file and finds the classes and properties."""
    owlready2 = pytest.importorskip("owlready2")
    out = tmp_path / "cephkg.owl"
    export(None, out, ExportFormat.OWL)  # type: ignore[arg-type]
    world = owlready2.World()
    world.get_ontology(out.as_uri()).load()
    claim = world.search_one(iri="https://w3id.org/cephkg/ontology#Claim")
    assert claim is not None and isinstance(claim, owlready2.ThingClass)
    depends = world.search_one(iri="https://w3id.org/cephkg/ontology#dependsOn")
    assert depends is not None and isinstance(depends, owlready2.ObjectPropertyClass)
    declared = {URIRef(s) for s in ontology_graph().subjects(RDF.type, OWL.Class) if isinstance(s, URIRef)}
    loaded = {URIRef(c.iri) for c in world.classes()}
    assert declared <= loaded


def test_export_file_mode_is_readable(seed_dir: Path, tmp_path: Path) -> None:
    """mkstemp creates 0600 files; an export is a normal file others may read (umask applies)."""
    out = tmp_path / "all.nq"
    do_export(seed_dir, out, ExportFormat.NQUADS)
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask


@pytest.mark.parametrize("fmt", [ExportFormat.NTRIPLES, ExportFormat.NQUADS], ids=lambda f: f.value)
@pytest.mark.parametrize("run_lines", [7, 1000, 10_000_000], ids=["many-runs", "some-runs", "one-run"])
@pytest.mark.parametrize("with_ontology", [False, True], ids=["data", "with-ontology"])
def test_streamed_lines_are_the_in_memory_serialisation(seed_dir: Path, tmp_path: Path, fmt: ExportFormat,
                                                        run_lines: int, with_ontology: bool) -> None:
    """Sorting in runs merged from temporary files, and canonicalising only the graphs with
    blank nodes, gives byte for byte what sorting the whole canonical dataset in memory gives."""
    out = tmp_path / f"all.{fmt.value}"
    with KnowledgeStore(seed_dir) as store:
        expected, expected_count = export_module.serialize(export_module.collect(store, None, with_ontology), fmt)
        with out.open("wb") as fh:
            count = export_module.stream_lines(store, fh, fmt, None, with_ontology, workdir=tmp_path,
                                               run_lines=run_lines)
    assert out.read_bytes() == expected
    assert count == expected_count
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]  # the runs were anonymous


def test_streaming_memory_does_not_hold_the_store(seed_dir: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """With runs of 50 lines no list of more than one graph's lines (plus a run) is ever sorted."""
    sizes: list[int] = []
    real = export_module._SortedRuns._spill

    def spy(self: object) -> None:
        sizes.append(len(self.buffer))  # type: ignore[attr-defined]
        real(self)  # type: ignore[arg-type]

    monkeypatch.setattr(export_module._SortedRuns, "_spill", spy)
    with KnowledgeStore(seed_dir) as store, (tmp_path / "all.nq").open("wb") as fh:
        largest = max(len(store.oxigraph.dump(format=export_module.ox.RdfFormat.N_TRIPLES, from_graph=g).splitlines())
                      for g in export_module.graph_names(store))
        count = export_module.stream_lines(store, fh, ExportFormat.NQUADS, workdir=tmp_path, run_lines=50)
    assert len(sizes) >= count // (50 + largest)
    assert max(sizes) < 50 + largest
