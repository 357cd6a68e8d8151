"""kill -9 at any point leaves nothing half-written: builds and exports killed for real, then checked.

A real ``build`` of many files runs in a child process and is SIGKILLed after a random number
of patents has been written (plus a random fraction of the next one's work), or before the
first; an export is SIGKILLed the moment its temporary file appears (plus a random few ms),
or earlier. No hook in cephkg is involved: the child reports each patent as the build's own
progress callback does, and the export is watched through the file system.
"""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from cephkg import build
from cephkg.cli import main
from cephkg.rdf import iris
from cephkg.rdf.vocab import CEPH, RDF
from cephkg.store.export import ExportFormat, export
from cephkg.store.local import KnowledgeStore
from cephkg.store.records import PatentRecord
from seeds import seed_copies

pytestmark = pytest.mark.slow

BUILDER = """
import sys
from cephkg import KnowledgeStore, build
with KnowledgeStore(sys.argv[1]) as store:
    build([sys.argv[2]], store, on_file=lambda r: print(r.patent_id, flush=True), jobs=int(sys.argv[3]))
"""
N_FILES = 24


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, tuple[int, int, int]]]:
    """The files, a complete store of them (its OPSIN cache is copied into the stores that get killed,
    so the kills land among the writes), and each patent's (claims, claims-graph, chemistry-graph) size."""
    root = tmp_path_factory.mktemp("kill")
    files = seed_copies(root / "in", N_FILES)
    complete = root / "complete"
    with KnowledgeStore(complete) as store:
        assert not build([files], store).failed
        sizes = {pid: (len(PatentRecord.from_json(store.record(pid), pid).patent.claims),
                       len(store.triples(iris.patent_graph(pid))), len(store.triples(iris.chemistry_graph(pid))))
                 for pid in store.patent_ids()}
    return files, complete, sizes


def assert_consistent(folder: Path, sizes: dict[str, tuple[int, int, int]]) -> tuple[list[str], list[str]]:
    """Every indexed patent is whole: its record reads, its two graphs are there, with the sizes of a
    complete build and as many claims as its record. Returns (indexed, incomplete)."""
    with KnowledgeStore(folder) as store:
        indexed, incomplete = store.patent_ids(), store.incomplete_patents()
        for pid in indexed:
            record = PatentRecord.from_json(store.record(pid), pid)
            claims = {q.subject for q in store.oxigraph.quads_for_pattern(None, RDF.type, CEPH.Claim,
                                                                           iris.patent_graph(pid))}
            assert (len(record.patent.claims), len(store.triples(iris.patent_graph(pid))),
                    len(store.triples(iris.chemistry_graph(pid)))) == sizes[pid], pid
            assert len(claims) == len(record.patent.claims), pid
        assert not set(indexed) & set(incomplete)
    return indexed, incomplete


def kill_build_after(files: Path, store: Path, written: int, extra: float, jobs: int = 1) -> None:
    proc = subprocess.Popen([sys.executable, "-c", BUILDER, str(store), str(files), str(jobs)], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    try:
        for _ in range(written):
            assert proc.stdout.readline(), "the build ended before the kill"
        time.sleep(extra)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)


def test_a_killed_build_leaves_only_whole_patents_and_a_rebuild_completes_it(
        inputs: tuple[Path, Path, dict[str, tuple[int, int, int]]], tmp_path: Path) -> None:
    files, complete, sizes = inputs
    rng = random.Random(12)
    points = [(0, rng.uniform(0.0, 1.5))] + [(rng.randrange(1, N_FILES), rng.uniform(0.0, 0.15)) for _ in range(4)]
    seen_partial = 0
    for run, (written, extra) in enumerate(points):
        store = tmp_path / f"store{run}"
        store.mkdir()
        shutil.copy(complete / "opsin-cache.json", store)
        kill_build_after(files, store, written, extra)
        if not (store / "oxigraph").exists():
            continue
        indexed, incomplete = assert_consistent(store, sizes)
        assert len(indexed) >= written, (written, indexed)
        seen_partial += 0 < len(indexed) < N_FILES
        runner = CliRunner()
        covers = runner.invoke(main, ["covers", "CCO", "--store", str(store)])
        check = runner.invoke(main, ["check", "--store", str(store)])
        assert covers.exit_code == 0 and "error:" not in covers.stderr, covers.output
        assert check.exit_code in (0, 1) and "error:" not in check.stderr, check.output  # 1: violations found
        for pid in incomplete:  # named, never a failure of the whole store
            assert pid in covers.stderr and pid in check.stderr
        with KnowledgeStore(store) as opened:
            assert not build([files], opened).failed
        indexed, incomplete = assert_consistent(store, sizes)
        assert (len(indexed), incomplete) == (N_FILES, [])
    assert seen_partial >= 2, "the kills should have landed among the writes"


def test_a_killed_rebuild_keeps_every_indexed_patent_whole(
        inputs: tuple[Path, Path, dict[str, tuple[int, int, int]]], tmp_path: Path) -> None:
    """Killed while replacing patents already in the store: each is the old or the new version, or gone
    with its name reported; never a claims graph without its chemistry."""
    files, complete, sizes = inputs
    store = tmp_path / "store"
    shutil.copytree(complete, store)
    rng = random.Random(5)
    for _ in range(2):
        kill_build_after(files, store, rng.randrange(1, N_FILES), rng.uniform(0.0, 0.15))
        assert_consistent(store, sizes)
    with KnowledgeStore(store) as opened:
        assert not build([files], opened).failed
    assert assert_consistent(store, sizes) == (sorted(sizes), [])


def test_a_killed_parallel_build_leaves_only_whole_patents(
        inputs: tuple[Path, Path, dict[str, tuple[int, int, int]]], tmp_path: Path) -> None:
    """--jobs 2: the one writer is killed (its workers lose their parent) while chunks are written."""
    files, complete, sizes = inputs
    rng = random.Random(21)
    partial = 0
    for run in range(3):
        store = tmp_path / f"store{run}"
        store.mkdir()
        shutil.copy(complete / "opsin-cache.json", store)
        written = rng.randrange(1, N_FILES - 3)
        kill_build_after(files, store, written, rng.uniform(0.0, 0.3), jobs=2)
        if not (store / "oxigraph").exists():
            continue
        indexed, _incomplete = assert_consistent(store, sizes)
        assert len(indexed) >= written, (written, indexed)
        partial += 0 < len(indexed) < N_FILES
    assert partial >= 1, "a kill should have landed among the writes"


EXPORTER = "from cephkg.cli import main; main()"


def test_a_killed_export_leaves_the_old_file_or_the_new_one_and_no_temporary_after_the_next(
        inputs: tuple[Path, Path, dict[str, tuple[int, int, int]]], tmp_path: Path) -> None:
    files, complete, _ = inputs
    target = tmp_path / "out" / "all.nq"
    target.parent.mkdir()
    old = b"<urn:x:old> <urn:x:export> <urn:x:file> .\n"
    with KnowledgeStore(complete) as store:
        export(store, tmp_path / "new.nq", ExportFormat.NQUADS)
    new = (tmp_path / "new.nq").read_bytes()
    rng = random.Random(3)
    mid_write = 0
    for run in range(6):
        target.write_bytes(old)
        proc = subprocess.Popen([sys.executable, "-c", EXPORTER, "export", "--store", str(complete), "--format", "nq",
                                 "-o", str(target)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if run == 0:
            time.sleep(rng.uniform(0.2, 1.0))  # while it reads the store
        else:
            while proc.poll() is None and not any(p.name.endswith(".tmp") for p in target.parent.iterdir()):
                time.sleep(0.001)
            time.sleep(rng.uniform(0.0, 0.005))
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        assert target.read_bytes() in (old, new)
        left = [p for p in target.parent.iterdir() if p.name.endswith(".tmp")]
        mid_write += bool(left)
        result = CliRunner().invoke(main, ["export", "--store", str(complete), "--format", "nq", "-o", str(target)])
        assert result.exit_code == 0
        assert target.read_bytes() == new
        assert [p.name for p in target.parent.iterdir()] == ["all.nq"]
    assert mid_write >= 2, "the kills should have landed while the file was written"
