"""The chunked build: ``--jobs 2`` writes what ``--jobs 1`` writes, one bad file fails alone in
its chunk, and the coverage index answers as deciding every claim in full does."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from cephkg import build
from cephkg.chem.coverage import covers
from cephkg.chem.names import NameCache
from cephkg.rdf import iris
from cephkg.store.build import BuildSettings, build_chunk, chunks
from cephkg.store.local import KnowledgeStore
from cephkg.store.records import PatentRecord
from cephkg.store.scopes import CoverageIndex, load_scopes
from seeds import EXAMPLES, ID_002, ROOT, seed_copies

pytestmark = pytest.mark.slow

CEFDINIR = "Nc1nc(/C(=N/O)C(=O)N[C@@H]2C(=O)N3C(C(=O)O)=C(C=C)CS[C@H]23)cs1"
CEFDINIR_PIVOXIL = "Nc1nc(/C(=N/O)C(=O)NC2C(=O)N3C(C(=O)OCOC(=O)C(C)(C)C)=C(C=C)CSC23)cs1"
CEFDINIR_SODIUM = "Nc1nc(/C(=N/O)C(=O)N[C@@H]2C(=O)N3C(C(=O)[O-])=C(C=C)CS[C@H]23)cs1.[Na+]"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Four seed copies, a file with no claim, a file whose sidecar is wrong, and six generated
    patents; and the OPSIN cache of a first build of them (so later builds start warm)."""
    root = tmp_path_factory.mktemp("parallel")
    files = seed_copies(root / "in", 4)
    (files / "p90-empty.txt").write_text("This document has no claims at all.\n", encoding="utf-8")
    shutil.copy(EXAMPLES / f"{ID_002}.txt", files / "p91-badside.txt")
    (files / "p91-badside.structures.toml").write_text(
        'curated = true\n[[structure]]\nclaim = 1\nformula = 1\nsmiles = "[*:1]C"\nvariables = { 1 = "R99" }\n',
        encoding="utf-8")
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "corpus.py"), "--n", "6", "--seed", "3",
                    "--out", str(files / "gen")], check=True, stdout=subprocess.DEVNULL)
    (files / "gen" / "manifest.json").unlink()
    warm = root / "warm"
    with KnowledgeStore(warm) as store:
        build([files], store)
    return files, warm / "opsin-cache.json"


def _store(folder: Path, cache: Path) -> KnowledgeStore:
    folder.mkdir()
    shutil.copy(cache, folder / "opsin-cache.json")
    return KnowledgeStore(folder)


def _content(store: KnowledgeStore) -> set[str]:
    """Every quad but those of the builds graph (build activities and times differ between builds)
    and of the ontology (its blank nodes are new on every load)."""
    return {str(q) for q in store.oxigraph.quads_for_pattern(None, None, None, None)
            if q.graph_name not in (iris.BUILDS_GRAPH, iris.ONTOLOGY_GRAPH)}


def _generated(store: KnowledgeStore) -> set[tuple[str, str]]:
    """(graph, input file) of the builds graph: which file each patent graph was built from."""
    return {(q.subject.value, q.object.value)
            for q in store.oxigraph.quads_for_pattern(None, ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom"),
                                                       None, iris.BUILDS_GRAPH)
            if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode)}


def test_two_jobs_write_what_one_job_writes(corpus: tuple[Path, Path], tmp_path: Path) -> None:
    files, cache = corpus
    assert len(chunks(sorted(files.rglob("*.txt")) + sorted(files.rglob("*.xml")), jobs=2)) >= 3  # both workers busy
    with _store(tmp_path / "one", cache) as one, _store(tmp_path / "two", cache) as two:
        seen: list[str] = []
        r1 = build([files], one, jobs=1)
        r2 = build([files], two, jobs=2, on_file=lambda r: seen.append(r.path))
        assert [(f.path, f.patent_id, f.claims, f.triples, f.error) for f in r1.files] == \
            [(f.path, f.patent_id, f.claims, f.triples, f.error) for f in r2.files]
        assert sorted(seen) == sorted(f.path for f in r2.files)  # every file reported, as it was written
        assert len(r2.built) == 4 + 6 and len(r2.failed) == 2
        assert one.patent_ids() == two.patent_ids()
        assert _content(one) == _content(two)
        assert _generated(one) == _generated(two)
        assert {pid: one.record(pid) for pid in one.patent_ids()} == {pid: two.record(pid) for pid in two.patent_ids()}


def test_a_bad_file_fails_alone_in_its_chunk(corpus: tuple[Path, Path]) -> None:
    files, cache = corpus
    names = [files / "p00.txt", files / "p90-empty.txt", files / "p91-badside.txt", files / "p01.txt"]
    result = build_chunk([(i, str(p)) for i, p in enumerate(names)], BuildSettings(),
                         NameCache(cache, autosave=False))
    assert [(b.order, b.data.patent_id) for b in result.built] == [((0, 0), "p00"), ((3, 0), "p01")]
    failed = dict(result.failed)
    assert sorted(failed) == [(1, 0), (2, 0)]
    assert failed[(1, 0)].path == str(files / "p90-empty.txt") and "p90-empty.txt" in str(failed[(1, 0)].error)
    assert "p91-badside.structures.toml" in str(failed[(2, 0)].error) and "R99" in str(failed[(2, 0)].error)
    for b in result.built:  # ready for the writer: its graphs as N-Quads, its record and screen
        assert b.data.graphs == (iris.patent_graph(b.data.patent_id).value, iris.chemistry_graph(b.data.patent_id).value)
        assert len(ox.Dataset(ox.parse(b.data.nquads, format=ox.RdfFormat.N_QUADS))) == b.report.triples
        assert PatentRecord.from_json(b.data.record, b.data.patent_id).patent.patent_id == b.data.patent_id
        assert b.data.screen is not None and json.loads(b.data.screen)["structures"]


def _compounds(store: KnowledgeStore) -> list[str]:
    """Every species structure the store's records hold, a salt, an unrelated and a no-match compound."""
    found = {s.smiles for pid in store.patent_ids()
             for s in PatentRecord.from_json(store.record(pid), pid).species if s.smiles}
    return [*sorted(found), CEFDINIR, CEFDINIR_PIVOXIL, CEFDINIR_SODIUM, "CCO", "[He]", "c1ccccc1C(=O)O"]


def test_the_coverage_index_answers_as_every_claim_decided_in_full(corpus: tuple[Path, Path], tmp_path: Path) -> None:
    files, cache = corpus
    with _store(tmp_path / "s", cache) as store:
        build([files], store, jobs=1)
        scopes = load_scopes(store).scopes
        index = CoverageIndex(store)
        compounds = _compounds(store)
        assert len(compounds) > 30
        reached = 0
        for smiles in compounds:
            full = covers(smiles, scopes, store.path / "opsin-cache.json" if store.path else None, 1e6).to_dict()
            assert index.covers(smiles, 1e6).to_dict() == full, smiles
            reached += bool(full["hits"])
        assert reached > 20  # the compounds named are covered: the screen let them through
        spent = covers(CEFDINIR_PIVOXIL, scopes, None, 0).to_dict()
        assert spent == index.covers(CEFDINIR_PIVOXIL, 0).to_dict()
        assert not spent["hits"] and spent["near_misses"]
        # a compound no structure or species reaches is answered by the screens, no scope read
        fresh = CoverageIndex(store)
        assert fresh.covers("CCO", 1e6).to_dict() == covers("CCO", scopes, None, 1e6).to_dict()
        assert fresh.scopes_read == 0


def test_a_registered_compound_is_linked_to_every_patent(corpus: tuple[Path, Path], tmp_path: Path) -> None:
    """The default build links each patent's claims to its own species; a registered compound is
    linked to the claims of every patent, as covers answers it."""
    files, cache = corpus
    with _store(tmp_path / "s", cache) as store:
        build([files / "p00.txt", files / "p01.txt", files / "p02.txt", files / "p03.txt"], store)
        from cephkg.store.scopes import register_compound

        before = {r["patent"] for r in store.query(
            """PREFIX ceph: <https://w3id.org/cephkg/ontology#> PREFIX dcterms: <http://purl.org/dc/terms/>
            SELECT DISTINCT ?patent WHERE { GRAPH ?r { ?e ceph:coveredCompound ?k ; ceph:explainsClaim ?c }
            GRAPH ?g { ?p ceph:hasClaim ?c ; dcterms:identifier ?patent } }""").as_dicts()}
        register_compound(store, CEFDINIR_PIVOXIL)
        expected = CoverageIndex(store).covers(CEFDINIR_PIVOXIL, 1e6)
        links = store.triples(iris.REGISTERED_GRAPH)
        covered = {(v.patent, v.claim) for v in expected.hits}
        assert {p for p, _ in covered} == {"p01", "p03"}  # both copies of seed 002, not only one
        assert len([t for t in links if t.predicate.value.endswith("#explainsClaim")]) == len(expected.hits)
        assert before == {"p00", "p01", "p02", "p03"}  # the build's own links are there too
        from cephkg import run_query

        rows = run_query(store, "claims-covering-compound", compound=CEFDINIR_PIVOXIL).as_dicts()
        assert {(r["patent"], r["claim"]) for r in rows} >= covered
