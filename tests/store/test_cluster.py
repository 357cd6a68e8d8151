"""The build beyond one machine: chunks on a local Dask cluster, N-Quads shards, bulk loads.

A cluster build, and shards loaded back, must give the store a plain build gives: the same
quads in every patent graph and the same records. The shards' N-Quads load as they are into
an Oxigraph server (``oxigraph load``), which then answers like the cephkg store.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from cephkg.cli import main
from cephkg.errors import StoreError
from cephkg.rdf import iris
from cephkg.store.build import build
from cephkg.store.cluster import SHARD_FORMAT, dask_executor, load_shards, read_shard, write_shards
from cephkg.store.export import graph_names
from cephkg.store.local import RECORD, KnowledgeStore
from seeds import EXAMPLES
from servers import OxigraphServer, oxigraph_or_skip

pytestmark = pytest.mark.slow

REAL = Path(__file__).parents[1] / "data" / "real-claims"
#: the two examples, two real claim sets (one US OCR text, one EPO), and a file that is no claim set
INPUTS = [EXAMPLES / "000_50eb0af36841656b.txt", EXAMPLES / "002_90b12462b97cb7e0.txt",
          REAL / "US4126745A.txt", REAL / "EPO_T0958_98.txt"]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("inputs")
    files = []
    for src in INPUTS:
        files.append(folder / src.name)
        shutil.copy(src, files[-1])
        side = src.with_name(src.stem + ".structures.toml")
        if side.is_file():
            shutil.copy(side, folder / side.name)
    bad = folder / "zz_binary.txt"
    bad.write_bytes(b"\x00\x01\x02 not a claim set \xff\xfe" * 10)
    return [*files, bad]


@pytest.fixture(scope="module")
def plain(inputs: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeStore]:
    """The reference: a plain one-process build of the same files."""
    store = KnowledgeStore(tmp_path_factory.mktemp("plain"))
    build(inputs, store)
    yield store
    store.close()


@pytest.fixture(scope="module")
def cluster() -> Iterator[tuple[object, int]]:
    with dask_executor("local:2") as (executor, workers):
        yield executor, workers


def content(store: KnowledgeStore) -> tuple[set[ox.Quad], dict[str, str]]:
    """Every patent graph's quads and every patent's record (the builds graph's timestamps aside)."""
    quads = set(store.quads(graph_names(store)))
    quads = {q for q in quads if q.graph_name != iris.BUILDS_GRAPH}
    records = {q.subject.value: q.object.value
               for q in store.oxigraph.quads_for_pattern(None, RECORD, None, iris.INDEX_GRAPH)}
    return quads, records


def warm_store(folder: Path, plain: KnowledgeStore) -> KnowledgeStore:
    """A new store with the reference build's OPSIN answers (so workers need not start Java)."""
    folder.mkdir(parents=True, exist_ok=True)
    assert plain.opsin_cache is not None
    shutil.copy(plain.opsin_cache, folder / "opsin-cache.json")
    return KnowledgeStore(folder)


def test_a_build_on_a_local_dask_cluster_is_the_plain_build(inputs: list[Path], plain: KnowledgeStore,
                                                           cluster: tuple[object, int], tmp_path: Path) -> None:
    executor, workers = cluster
    with warm_store(tmp_path / "store", plain) as store:
        report = build(inputs, store, jobs=workers, executor=executor)  # type: ignore[arg-type]
        assert [Path(r.path).name for r in report.files] == [p.name for p in inputs]
        assert [r.built for r in report.files] == [True, True, True, True, False]
        assert "zz_binary.txt" in (report.files[-1].error or "")
        assert content(store) == content(plain)
        assert len(content(store)[1]) == 4


def test_shards_load_into_a_store_as_the_plain_build(inputs: list[Path], plain: KnowledgeStore,
                                                     cluster: tuple[object, int], tmp_path: Path) -> None:
    executor, workers = cluster
    assert plain.opsin_cache is not None
    shards = write_shards(inputs, tmp_path / "shards", executor, workers,  # type: ignore[arg-type]
                          name_cache=plain.opsin_cache)
    assert [Path(r.path).name for r in shards.files] == [p.name for p in inputs]
    assert [r.built for r in shards.files] == [True, True, True, True, False]
    manifest = json.loads((tmp_path / "shards" / "manifest.json").read_text())
    assert manifest["format"] == SHARD_FORMAT and manifest["shards"] == list(shards.shards)
    assert len(shards.shards) >= 2  # the files were spread over both workers
    with KnowledgeStore(tmp_path / "store") as store:
        loaded = load_shards(tmp_path / "shards", store)
        assert [(r.patent_id, r.built) for r in loaded.files] == [(r.patent_id, r.built) for r in shards.files]
        assert content(store) == content(plain)
    # the .nq files hold every patent graph's quads (and each graph's source in the builds graph),
    # as a triple store reads them (Oxigraph writes numbers in their canonical form: 0.50 -> 0.5)
    loaded_by_oxigraph = ox.Store()
    for nq in sorted((tmp_path / "shards").glob("shard-*.nq")):
        loaded_by_oxigraph.load(path=str(nq), format=ox.RdfFormat.N_QUADS)
    quads = set(loaded_by_oxigraph)
    assert {q for q in quads if q.graph_name != iris.BUILDS_GRAPH} == content(plain)[0]
    assert shards.quads == len(quads)


def test_shards_bulk_load_into_an_oxigraph_server(inputs: list[Path], plain: KnowledgeStore,
                                                  cluster: tuple[object, int], tmp_path: Path) -> None:
    """`oxigraph load` takes the shards as they are; the server then answers like the store."""
    executor, workers = cluster
    write_shards(inputs, tmp_path / "shards", executor, workers, name_cache=plain.opsin_cache)  # type: ignore[arg-type]
    location = tmp_path / "server"
    nq = sorted(str(p) for p in (tmp_path / "shards").glob("shard-*.nq"))
    subprocess.run([oxigraph_or_skip(), "load", "--location", str(location), "--file", *nq],
                   check=True, capture_output=True, timeout=300)
    server = OxigraphServer(location).start()
    try:
        from cephkg.store.remote import RemoteStore

        remote = RemoteStore(server.endpoints.query or "")
        for graph in graph_names(plain):
            if graph == iris.BUILDS_GRAPH:  # the build activity is the store's; shards say each graph's source
                continue
            assert remote.triple_count(graph.value) == sum(1 for _ in plain.quads([graph])), graph
    finally:
        server.stop()


def test_a_changed_shard_is_refused_before_anything_is_written(inputs: list[Path], plain: KnowledgeStore,
                                                               cluster: tuple[object, int], tmp_path: Path) -> None:
    executor, workers = cluster
    shards = write_shards(inputs[:2], tmp_path / "shards", executor, workers,  # type: ignore[arg-type]
                          name_cache=plain.opsin_cache)
    first = tmp_path / "shards" / shards.shards[0]
    nq = first.with_suffix(".nq")
    nq.write_bytes(nq.read_bytes().replace(b"claim", b"Claim", 1))
    with KnowledgeStore(tmp_path / "store") as store:
        with pytest.raises(StoreError, match=rf"{first.name}: {nq.name} is not the file this shard was written with"):
            load_shards(tmp_path / "shards", store)
        assert store.patent_ids() == []
    first.write_text('{"format": "something-else"}')
    with pytest.raises(StoreError, match=f"{first.name}: not a cephkg shard"):
        read_shard(first)
    with KnowledgeStore(tmp_path / "empty-store") as store:
        with pytest.raises(StoreError, match="no shards in .*nothing-here: no manifest.json"):
            load_shards(tmp_path / "nothing-here", store)
        (tmp_path / "shards" / "manifest.json").unlink()  # a run that did not finish
        with pytest.raises(StoreError, match="no manifest.json"):
            load_shards(tmp_path / "shards", store)
        assert store.patent_ids() == []


def test_a_new_run_replaces_the_shards_of_the_last(inputs: list[Path], plain: KnowledgeStore,
                                                   cluster: tuple[object, int], tmp_path: Path) -> None:
    executor, workers = cluster
    first = write_shards(inputs, tmp_path / "shards", executor, workers,  # type: ignore[arg-type]
                         name_cache=plain.opsin_cache)
    second = write_shards(inputs[:1], tmp_path / "shards", executor, workers,  # type: ignore[arg-type]
                          name_cache=plain.opsin_cache)
    assert len(first.shards) > len(second.shards) == 1
    assert sorted(p.name for p in (tmp_path / "shards").iterdir()) == sorted(
        ["manifest.json", *second.shards, *(n.replace(".json", ".nq") for n in second.shards)])
    with KnowledgeStore(tmp_path / "store") as store:
        load_shards(tmp_path / "shards", store)
        assert store.patent_ids() == [inputs[0].stem]


def test_cli_shard_with_jobs_then_load_shards(inputs: list[Path], plain: KnowledgeStore, tmp_path: Path) -> None:
    """Without a cluster, `cephkg shard --jobs 2` uses local worker processes."""
    runner = CliRunner()
    result = runner.invoke(main, ["shard", *map(str, inputs[:2]), "-o", str(tmp_path / "shards"), "--jobs", "2",
                                  "--name-cache", str(plain.opsin_cache)])
    assert result.exit_code == 0, result.output
    assert "2 of 2 patents built into 2 shards" in result.output
    result = runner.invoke(main, ["load-shards", str(tmp_path / "shards"), "--store", str(tmp_path / "store")])
    assert result.exit_code == 0, result.output
    assert "2 of 2 patents loaded into" in result.output
    with KnowledgeStore(tmp_path / "store") as store:
        assert store.patent_ids() == sorted(p.stem for p in inputs[:2])


def test_cli_build_on_a_local_cluster(inputs: list[Path], plain: KnowledgeStore, tmp_path: Path) -> None:
    warm_store(tmp_path / "store", plain).close()
    result = CliRunner().invoke(main, ["build", *map(str, inputs[:2]), "--store", str(tmp_path / "store"),
                                       "--cluster", "local:2", "-q"])
    assert result.exit_code == 0, result.output
    assert "2 of 2 files built" in result.output


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["shard", str(EXAMPLES), "-o", str(tmp_path / "s"),
                                       "--cluster", "tcp://127.0.0.1:9"])
    assert result.exit_code == 1
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.output


def test_a_worker_is_replaced_after_its_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """build.worker_chunks bounds what a worker can cache: after that many chunks a fresh process
    takes over, and a build with many chunks finishes (ProcessPoolExecutor's own max_tasks_per_child
    could hang on Python 3.11)."""
    import importlib
    import os

    build_module = importlib.import_module("cephkg.store.build")  # the module, not the function of that name
    monkeypatch.setattr(build_module, "limit", lambda name: 2 if name == "build.worker_chunks" else 0)
    with build_module.worker_pool(2) as pool:
        futures = [pool.submit(os.getpid) for _ in range(20)]
        pids = [f.result(timeout=120) for f in futures]
    assert 5 <= len(set(pids)) <= 10 and os.getpid() not in pids  # a new pair of processes every 4 chunks
    assert all(f.done() for f in futures)
