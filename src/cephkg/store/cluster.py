"""The build beyond one machine: chunks of files built on a Dask cluster, and N-Quads shards.

A patent's graphs depend on nothing but the patent and its sidecar
(:func:`cephkg.store.build.compile_patent`), so a build is embarrassingly parallel: any
worker can build any chunk of files. Two ways to use many machines:

* :func:`cephkg.store.build.build` with ``executor=`` a cluster's executor
  (:func:`dask_executor`): the workers build chunks and send them back; this process is
  still the one writer of the store (``cephkg build --cluster ADDRESS``).
* :func:`write_shards`: each worker writes its chunk to a shared folder as a *shard*:
  ``shard-NNNNNNN.nq`` (the chunk's patents' graphs and their provenance: N-Quads that
  ``oxigraph load``, Virtuoso's ``ld_dir`` or QLever's index builder take as they are) and
  ``shard-NNNNNNN.json`` (each patent's record, coverage screen and byte range in the
  ``.nq``; the file reports; OPSIN's new answers). Nothing passes through one process, so
  the folder can be bulk-loaded into a server's store directly, or into a cephkg store by
  :func:`load_shards` (``cephkg load-shards``), which gives the store a plain build would.

Dask distributed, not our own scheduler: it runs the same on a laptop (``local:N``: a
``LocalCluster`` of N worker processes) and on a cluster (``tcp://scheduler:8786``), and
its executor is a ``concurrent.futures.Executor``, which is all the build needs. It is an
optional dependency (``pip install 'cephkg[cluster]'``).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..chem.names import NameResolution
from ..errors import CephkgError, Diagnostic, StoreError
from ..files import write_atomically
from ..rdf import iris
from ..rdf.provenance import graph_provenance
from .build import (
    BuildReport,
    BuildSettings,
    BuiltPatent,
    ChunkResult,
    FileReport,
    build_chunk,
    chunks,
    claim_files,
    worker_name_cache,
    write_results,
)
from .local import KnowledgeStore, PatentData

__all__ = ["SHARD_FORMAT", "ShardReport", "dask_executor", "load_shards", "read_shard", "shard_chunk", "write_shards"]

#: The ``format`` of a shard's JSON file; a reader refuses any other.
SHARD_FORMAT = "cephkg-shard/1"
_SHARD = re.compile(r"shard-(\d{7})\.json")


@dataclass(frozen=True, slots=True)
class ShardReport:
    """What :func:`write_shards` wrote: the shards (JSON files) and every file's report."""

    folder: str
    shards: tuple[str, ...]
    files: tuple[FileReport, ...]
    quads: int

    @property
    def failed(self) -> tuple[FileReport, ...]:
        return tuple(f for f in self.files if not f.built)


@contextmanager
def dask_executor(address: str) -> Iterator[tuple[Executor, int]]:
    """A Dask cluster's executor and its number of workers.

    ``local:N`` starts a ``LocalCluster`` of N single-threaded worker processes on loopback
    (stopped when the block ends); anything else is a scheduler address (``tcp://host:8786``)
    whose workers must have cephkg installed and see the claim files at the same paths.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # an optional dependency
        raise CephkgError("a cluster build needs Dask distributed: pip install 'cephkg[cluster]'") from exc
    m = re.fullmatch(r"local:(\d+)", address)
    if m is not None:
        workers = int(m.group(1))
        if workers < 1:
            raise CephkgError(f"local:{workers}: a local cluster needs at least one worker")
        # Dask's own API is untyped (no py.typed)
        # Everything on loopback, on free ports: no dashboard, and the scheduler's own HTTP
        # server (health, metrics) not on its default 0.0.0.0:8787.
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,  # type: ignore[no-untyped-call]
                               host="127.0.0.1", dashboard_address=None,
                               scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"})
        with cluster, Client(cluster) as client:  # type: ignore[no-untyped-call]
            yield client.get_executor(pure=False), workers
        return
    try:
        client = Client(address, timeout=30)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as exc:
        raise CephkgError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc
    with client:
        workers_there = len(client.scheduler_info().get("workers", {}))
        yield client.get_executor(pure=False), max(1, workers_there)  # type: ignore[no-untyped-call]


# -- shards -----------------------------------------------------------------------------------

def _report_dict(report: FileReport) -> dict[str, Any]:
    return {"path": report.path, "patent_id": report.patent_id, "claims": report.claims, "triples": report.triples,
            "diagnostics": [d.to_dict() for d in report.diagnostics], "error": report.error}


def _report_of(data: dict[str, Any]) -> FileReport:
    return FileReport(data["path"], data["patent_id"], data["claims"], data["triples"],
                      tuple(Diagnostic.from_dict(d) for d in data["diagnostics"]), data["error"])


def _provenance(patents: Sequence[PatentData]) -> bytes:
    """What the builds graph says of each graph: the input it was derived from."""
    quads = [q for p in patents for q in graph_provenance(map(ox.NamedNode, p.graphs), None, iris.source(p.patent_id))]
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""


def shard_chunk(files: Sequence[tuple[int, str]], settings: BuildSettings, folder: str) -> tuple[str, int, list[dict[str, Any]]]:
    """Build one chunk and write it as a shard in ``folder`` (runs on a worker).

    The ``.nq`` is written first and the ``.json`` last, each atomically: a shard whose JSON
    exists is whole (its ``.nq`` checksum is in the JSON). Returns the JSON's name, the quads
    written and the file reports (plain values: they go back over the network).
    """
    result = build_chunk(files, settings, worker_name_cache(settings))
    stem = f"shard-{files[0][0]:07d}"
    built = sorted(result.built, key=lambda b: b.order)
    body = bytearray()
    patents: list[dict[str, Any]] = []
    for b in built:
        start = len(body)
        body += b.data.nquads
        patents.append({"order": list(b.order), "patent_id": b.data.patent_id, "record": b.data.record,
                        "screen": b.data.screen, "graphs": list(b.data.graphs), "start": start, "end": len(body),
                        "report": _report_dict(b.report)})
    body += _provenance([b.data for b in built])
    nq = bytes(body)
    write_atomically(Path(folder) / f"{stem}.nq", nq)
    failed = [{"order": list(order), "report": _report_dict(r)} for order, r in sorted(result.failed)]
    document = {"format": SHARD_FORMAT, "files": [[o, f] for o, f in files], "nquads": f"{stem}.nq",
                "nquads_sha256": hashlib.sha256(nq).hexdigest(), "patents": patents, "failed": failed,
                "names": [asdict(n) for n in result.names]}
    write_atomically(Path(folder) / f"{stem}.json", json.dumps(document, ensure_ascii=False).encode())
    reports = [*({"order": p["order"], "report": p["report"]} for p in patents), *failed]
    return f"{stem}.json", nq.count(b"\n"), reports


def write_shards(paths: Sequence[str | Path], folder: Path, executor: Executor, workers: int, *,
                 fmt: str | None = None, patent_ids: dict[str, str] | None = None,
                 name_cache: Path | None = None,
                 on_file: Callable[[FileReport], None] | None = None) -> ShardReport:
    """Build every file on ``executor``'s workers, each chunk written as a shard in ``folder``.

    ``folder`` must be one the workers can write (shared storage on a cluster). A previous
    run's shards there are removed first; ``manifest.json``, listing this run's shards, is
    written last, so a folder with a manifest holds one whole run. ``name_cache`` is an
    OPSIN cache (``opsin-cache.json``) the workers read.
    """
    folder = Path(folder).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    for old in [folder / "manifest.json", *folder.glob("shard-*.json"), *folder.glob("shard-*.nq")]:
        old.unlink(missing_ok=True)  # a previous run's: the manifest (last) names the shards of one run only
    files = claim_files(paths)
    settings = BuildSettings(fmt, str(name_cache) if name_cache is not None else None,
                             tuple(sorted((patent_ids or {}).items())))
    futures = [executor.submit(shard_chunk, part, settings, str(folder)) for part in chunks(files, workers)]
    names: list[str] = []
    ordered: list[tuple[tuple[int, int], FileReport]] = []
    quads = 0
    for future in futures:  # in order: reports come out in the order of the files
        name, count, reports = future.result()
        names.append(name)
        quads += count
        for entry in reports:
            report = _report_of(entry["report"])
            ordered.append(((entry["order"][0], entry["order"][1]), report))
            if on_file is not None:
                on_file(report)
    manifest = {"format": SHARD_FORMAT, "shards": names, "quads": quads,
                "load": {"oxigraph": f"oxigraph load --location SERVER_STORE --file {folder}/shard-*.nq",
                         "cephkg": f"cephkg load-shards {folder} --store STORE"}}
    write_atomically(folder / "manifest.json", json.dumps(manifest, indent=1).encode())
    return ShardReport(str(folder), tuple(names), tuple(r for _, r in sorted(ordered, key=lambda x: x[0])), quads)


def _document(path: Path) -> dict[str, Any]:
    """A shard's JSON, checked: the format, and the checksum of its ``.nq`` (read in blocks)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StoreError(f"{path}: not a readable shard: {exc}") from exc
    if not isinstance(document, dict) or document.get("format") != SHARD_FORMAT:
        raise StoreError(f"{path}: not a cephkg shard (format {SHARD_FORMAT} expected)")
    nq_path = path.with_name(str(document.get("nquads")))
    digest = hashlib.sha256()
    try:
        with nq_path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise StoreError(f"{path}: its N-Quads file {nq_path.name} cannot be read: {exc}") from exc
    if digest.hexdigest() != document.get("nquads_sha256"):
        raise StoreError(f"{path}: {nq_path.name} is not the file this shard was written with (checksum differs)")
    return document


def read_shard(path: Path) -> ChunkResult:
    """One shard as the chunk it was built from (what :func:`write_results` writes)."""
    document = _document(path)
    nq = path.with_name(document["nquads"]).read_bytes()
    built = tuple(
        BuiltPatent((p["order"][0], p["order"][1]),
                    PatentData(p["patent_id"], p["record"], nq[p["start"]:p["end"]], tuple(p["graphs"]), p["screen"]),
                    _report_of(p["report"]))
        for p in document["patents"])
    failed = tuple(((f["order"][0], f["order"][1]), _report_of(f["report"])) for f in document["failed"])
    names = tuple(NameResolution(**n) for n in document["names"])
    return ChunkResult(built, failed, names)


def load_shards(folder: Path, store: KnowledgeStore, *,
                on_file: Callable[[FileReport], None] | None = None) -> BuildReport:
    """Write the shards of a finished :func:`write_shards` run into a cephkg store, as a
    build of the same files would.

    The run's ``manifest.json`` names its shards (a folder without one holds an unfinished
    run: an error). Every shard is checked first (a missing or changed ``.nq``, a file that
    is not a shard: an error naming it, before anything is written); then they are read and
    written one at a time, so memory holds one shard however many there are.
    """
    manifest_path = Path(folder) / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StoreError(f"no shards in {folder}: no manifest.json (write them with `cephkg shard`; "
                         "a run that did not finish writes none)") from None
    except (OSError, ValueError) as exc:
        raise StoreError(f"{manifest_path}: not readable: {exc}") from exc
    names = manifest.get("shards") if isinstance(manifest, dict) else None
    if manifest.get("format") != SHARD_FORMAT or not isinstance(names, list) or \
            not all(isinstance(n, str) and _SHARD.fullmatch(n) for n in names):
        raise StoreError(f"{manifest_path}: not a cephkg shard manifest (format {SHARD_FORMAT} expected)")
    found = [Path(folder) / n for n in names]
    for path in found:
        _document(path)
    return write_results((read_shard(p) for p in found), store, on_file=on_file)
