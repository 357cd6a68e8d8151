"""The whole job: files → claims → chemistry → graphs → store, one patent at a time.

A file that cannot be read is reported and skipped; the other files are built. Each patent
reaches the store in one atomic write (its graphs and its record together), and is
reported through ``on_file`` as soon as it is written.

Each build is recorded as a ``prov:Activity`` in the builds graph (when it started and
ended, the versions of cephkg, Python, RDKit, OPSIN and pyoxigraph, the SHA-256 of every
rule and vocabulary file), and every patent graph it writes is ``prov:wasGeneratedBy``
it (:mod:`cephkg.rdf.provenance`).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdkit

from ..chem.chemistry import patent_chemistry
from ..chem.compounds import CompoundRecord, SpeciesResolution, resolve_species
from ..chem.coverage import PatentScope, species_targets
from ..chem.inference import InferenceOutcome, resolve_descriptions, scope_with_inference
from ..chem.named_groups import named_group_terms, resolve_named_groups, vocabulary_for
from ..chem.names import NameCache, NameResolution, opsin_version
from ..chem.reactions import routes
from ..chem.structures import (
    StructureFile,
    parse_structures,
    read_sidecar,
    sidecar_path,
)
from ..chem.terms import term_repairer
from ..errors import CephkgError, Diagnostic
from ..limits import limit
from ..model import Patent
from ..rdf import chemistry_triples, claims_graph_triples, iris, structure_triples
from ..rdf.provenance import BuildInfo, build_info, build_triples, ended_triples
from ..reading import read_file, read_patents, read_text
from .local import KnowledgeStore, PatentData
from .records import PatentRecord, SpeciesStructure
from .scopes import opsin_cache, refresh_registered

__all__ = [
    "CLAIM_FILE_SUFFIXES",
    "BuildReport",
    "BuildSettings",
    "BuiltPatent",
    "ChunkResult",
    "FileReport",
    "WorkerPool",
    "build",
    "build_chunk",
    "chunks",
    "claim_files",
    "compile_patent",
    "named_compounds",
    "parse_file",
    "parse_patents",
    "parse_text",
    "worker_name_cache",
    "worker_pool",
    "write_results",
]

#: The files of a folder that ``build`` reads (claims text, patent-office XML, saved pages).
CLAIM_FILE_SUFFIXES = (".txt", ".xml", ".html", ".htm")
_SKIP_SUFFIXES = (".structures.toml",)


def parse_text(text: str, patent_id: str, path: str = "<text>", fmt: str | None = None) -> Patent:
    """Parse claim text given as a string (raises :class:`InputError` if it has no claims)."""
    return read_text(text, patent_id, path, term_repairer(), fmt)


def parse_file(path: str | Path, patent_id: str | None = None, fmt: str | None = None) -> Patent:
    """Read, repair and parse a file holding one patent (its format sniffed, or named by ``fmt``)."""
    return read_file(path, patent_id, term_repairer(), fmt)


def parse_patents(path: str | Path, patent_id: str | None = None, fmt: str | None = None) -> list[Patent]:
    """Every patent of one file: one, or many for a USPTO weekly bulk file (ids = publication numbers)."""
    return read_patents(path, patent_id, term_repairer(), fmt)


def claim_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, and the claim files of folders named (``*.txt``, ``*.xml``, ``*.html``, ``*.htm``,
    never a structure sidecar), in a stable order."""
    found: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found.extend(sorted(x for x in p.rglob("*") if x.is_file() and x.suffix.lower() in CLAIM_FILE_SUFFIXES))
        else:
            found.append(p)
    return [p for p in dict.fromkeys(found) if not p.name.endswith(_SKIP_SUFFIXES)]


@dataclass(frozen=True, slots=True)
class FileReport:
    path: str
    patent_id: str | None
    claims: int
    triples: int
    diagnostics: tuple[Diagnostic, ...]
    error: str | None = None

    @property
    def built(self) -> bool:
        return self.error is None


@dataclass(frozen=True, slots=True)
class BuildReport:
    files: tuple[FileReport, ...]

    @property
    def built(self) -> tuple[FileReport, ...]:
        return tuple(f for f in self.files if f.built)

    @property
    def failed(self) -> tuple[FileReport, ...]:
        return tuple(f for f in self.files if not f.built)


@dataclass(frozen=True, slots=True)
class _Parsed:
    order: tuple[int, int]
    path: Path
    patent: Patent
    sidecar: dict[str, Any] | None
    structures: StructureFile | None
    sidecar_sha256: str | None = None


def _read(path: Path, patent_id: str | None, fmt: str | None, order: int = 0) -> list[_Parsed]:
    """The patents of one file; a structure sidecar belongs to a file that holds one patent."""
    patents = parse_patents(path, patent_id, fmt)
    side = sidecar_path(path)
    if len(patents) != 1 or not side.is_file():
        return [_Parsed((order, j), path, patent, None, None) for j, patent in enumerate(patents)]
    data = read_sidecar(side)
    structures = parse_structures(data, str(side), patents[0])
    sha256 = hashlib.sha256(side.read_bytes()).hexdigest()
    return [_Parsed((order, 0), path, patents[0], data, structures, sha256)]


def _now() -> datetime:
    """The time a build starts and ends (UTC); tests replace it to build "on another day"."""
    return datetime.now(UTC)


def _start_build(store: KnowledgeStore) -> BuildInfo:
    """Record a new build activity in the builds graph, with what it runs on."""
    info = build_info(_now(), (("RDKit", rdkit.__version__), ("OPSIN", opsin_version()),
                               ("pyoxigraph", ox.__version__)))
    store.add_triples(iris.BUILDS_GRAPH, build_triples(info))
    return info


def _record(parsed: _Parsed, species: Sequence[SpeciesResolution],
            inferred: Sequence[InferenceOutcome] = (), named: dict[str, str] | None = None) -> PatentRecord:
    return PatentRecord(
        parsed.patent, str(sidecar_path(parsed.path)) if parsed.sidecar is not None else None, parsed.sidecar,
        tuple(SpeciesStructure(r.claim, r.index, r.smiles, r.failure, r.reading, r.readings) for r in species),
        tuple(o.to_dict() for o in inferred), named)


# -- one chunk of files: what a worker does ------------------------------------------------

@dataclass(frozen=True, slots=True)
class BuiltPatent:
    """One patent made ready for the store by a worker: its record, graphs and report."""

    order: tuple[int, int]
    data: PatentData
    report: FileReport


@dataclass(frozen=True, slots=True)
class ChunkResult:
    """What a worker made of one chunk of files: the patents built, the files or patents
    that failed (with their place in the build's order), and OPSIN's new answers."""

    built: tuple[BuiltPatent, ...]
    failed: tuple[tuple[tuple[int, int], FileReport], ...]
    names: tuple[NameResolution, ...] = ()
    compounds: tuple[CompoundRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class BuildSettings:
    """What every worker of one build needs (plain values: it crosses process boundaries)."""

    fmt: str | None = None
    opsin_cache: str | None = None
    patent_ids: tuple[tuple[str, str], ...] = ()
    #: with ``link_across``: every compound the build names, to link each patent's claims to
    across: tuple[CompoundRecord, ...] = ()


def compile_patent(item: _Parsed, resolutions: Mapping[tuple[str, int, int], SpeciesResolution],
                   named: Mapping[str, str], descriptions: Mapping[str, str | None],
                   across: Sequence[CompoundRecord] = ()) -> BuiltPatent:
    """One patent's record and graphs, from its parsed claims and the names resolved for it.

    Depends on nothing but the patent (and its sidecar): the coverage links are those of
    the patent's claims to the compounds the patent itself names (and to ``across``, the
    compounds the other patents of a ``link_across`` build name), so a patent's graphs are
    the same whatever else is built with it, and patents build in any order, anywhere.
    """
    patent = item.patent
    mine = [r for k, r in sorted(resolutions.items()) if k[0] == patent.patent_id]
    smiles = {(r.claim, r.index): r.smiles for r in mine}
    conventions = dict(item.structures.conventions) if item.structures else None
    mine_named = {t: named[t] for t in named_group_terms(patent, vocabulary_for(conventions, {})) if t in named}
    curated = PatentScope(patent, item.structures, species_targets(patent, smiles),
                          vocabulary_for(conventions, mine_named))
    # Formulas without a curated structure get one inferred from the named compounds.
    scope, inferred = scope_with_inference(curated, descriptions)
    chemistry = patent_chemistry(scope, {(r.patent, r.claim, r.index): r for r in mine},
                                 [*(r.compound for r in mine if r.compound is not None), *across], inferred)
    derived = chemistry_triples(chemistry, patent)
    if item.structures is not None:
        structure_triples(patent, item.structures, item.sidecar_sha256, derived)
    graphs = {
        iris.patent_graph(patent.patent_id): claims_graph_triples(patent, routes(patent, scope.structures)),
        # Chemistry is derived (OPSIN, curated structures, coverage), so it lives in its own
        # graph, apart from what was read from the text.
        iris.chemistry_graph(patent.patent_id): derived,
    }
    quads = [ox.Quad(t.subject, t.predicate, t.object, g) for g, ts in graphs.items() for t in ts]
    nquads = ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
    data = PatentData(patent.patent_id, _record(item, mine, inferred, mine_named).to_json(), nquads,
                      tuple(g.value for g in graphs), json.dumps(scope.screen().to_dict(), separators=(",", ":")))
    return BuiltPatent(item.order, data, FileReport(str(item.path), patent.patent_id, len(patent.claims), len(quads),
                                                    patent.diagnostics + chemistry.diagnostics))


def build_chunk(files: Sequence[tuple[int, str]], settings: BuildSettings, cache: NameCache | None) -> ChunkResult:
    """Read, resolve and compile one chunk of files (``(order, path)`` pairs); never raises for a file."""
    ids = dict(settings.patent_ids)
    parsed: list[_Parsed] = []
    failed: list[tuple[tuple[int, int], FileReport]] = []
    for order, name in files:
        path = Path(name)
        pid = ids.get(name)
        try:
            parsed.extend(_read(path, pid, settings.fmt, order))
        except CephkgError as exc:
            failed.append(((order, 0), FileReport(name, pid, 0, 0, (), str(exc))))
        except Exception as exc:
            failed.append(((order, 0), FileReport(name, pid, 0, 0, (), f"{path}: internal error: {exc!r}")))
    fresh_before = len(cache.fresh) if cache is not None else 0
    patents = [p.patent for p in parsed]
    named = resolve_named_groups(patents, cache)
    resolutions = resolve_species(patents, cache, named)
    descriptions = resolve_descriptions(patents, cache)
    built: list[BuiltPatent] = []
    for item in parsed:
        try:
            built.append(compile_patent(item, resolutions, named, descriptions, settings.across))
        except CephkgError as exc:
            failed.append((item.order, FileReport(str(item.path), item.patent.patent_id, 0, 0, (), str(exc))))
        except Exception as exc:
            failed.append((item.order, FileReport(str(item.path), item.patent.patent_id, 0, 0, (),
                                                  f"{item.path}: internal error: {exc!r}")))
    names = tuple(cache.fresh[fresh_before:]) if cache is not None else ()
    return ChunkResult(tuple(built), tuple(failed), names)


def named_compounds(files: Sequence[tuple[int, str]], settings: BuildSettings,
                    cache: NameCache | None) -> ChunkResult:
    """The compounds a chunk of files names (the first pass of a ``link_across`` build), as
    :class:`ChunkResult` ``compounds``; files that fail are left to the second pass to report."""
    ids = dict(settings.patent_ids)
    patents: list[Patent] = []
    for _order, name in files:
        try:
            patents.extend(p.patent for p in _read(Path(name), ids.get(name), settings.fmt))
        except Exception:  # reported by the build itself
            continue
    fresh_before = len(cache.fresh) if cache is not None else 0
    resolutions = resolve_species(patents, cache, resolve_named_groups(patents, cache))
    found = {r.compound.key: r.compound for r in resolutions.values() if r.compound is not None}
    names = tuple(cache.fresh[fresh_before:]) if cache is not None else ()
    return ChunkResult((), (), names, tuple(found.values()))


_WORKER_CACHES: dict[str, NameCache] = {}


def worker_name_cache(settings: BuildSettings) -> NameCache | None:
    """A worker's own read-only copy of the OPSIN cache, read once per worker process (the
    writer saves new answers). On a cluster the cache's path must be on a shared file system;
    a worker that cannot read it resolves names with OPSIN itself."""
    if settings.opsin_cache is None:
        return None
    found = _WORKER_CACHES.get(settings.opsin_cache)
    if found is None:
        found = _WORKER_CACHES[settings.opsin_cache] = NameCache(settings.opsin_cache, autosave=False)
    return found


def _worker_chunk(task: ChunkTask, files: Sequence[tuple[int, str]], settings: BuildSettings) -> ChunkResult:
    """One chunk in a worker process (local or a cluster's): plain values in, plain values out."""
    cache = worker_name_cache(settings)
    result = task(files, settings, cache)
    if cache is not None:
        cache.fresh.clear()
    return result


ChunkTask = Callable[[Sequence[tuple[int, str]], BuildSettings, NameCache | None], ChunkResult]


def chunks(files: Sequence[Path], jobs: int = 1, size: int | None = None) -> list[list[tuple[int, str]]]:
    """The build's files as chunks of ``(order, path)``: ``build.chunk_patents`` files each, or
    with workers (``jobs`` > 1) fewer for a small build, so that every worker gets at least 4
    chunks (and the writer writes, and reports, as the build goes)."""
    most = int(limit("build.chunk_patents"))
    n = max(1, int(size or (most if jobs <= 1 else min(most, -(-len(files) // (4 * jobs))))))
    numbered = [(i, str(p)) for i, p in enumerate(files)]
    return [numbered[i:i + n] for i in range(0, len(numbered), n)]


class WorkerPool(Executor):
    """``jobs`` worker processes for chunks, replaced by fresh ones every ``build.worker_chunks``
    chunks each, so that what a worker caches cannot grow with the build.

    Spawned, not forked: the writer holds an open Oxigraph store (RocksDB's threads). Not
    ``ProcessPoolExecutor(max_tasks_per_child=…)``: on Python 3.11 a pool whose workers exit
    that way can stop starting new ones and wait forever (a 1,000-patent build hung so).
    Instead a new pool takes the next chunks and the old one is shut down once its chunks
    are done (``shutdown(wait=False)`` lets them finish).
    """

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.per_pool = jobs * max(1, int(limit("build.worker_chunks")))
        self.pool: ProcessPoolExecutor | None = None
        self.submitted = 0
        self.retired: list[ProcessPoolExecutor] = []

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        if self.pool is None or self.submitted >= self.per_pool:
            if self.pool is not None:
                self.pool.shutdown(wait=False)
                self.retired.append(self.pool)
            self.pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=multiprocessing.get_context("spawn"))
            self.submitted = 0
        self.submitted += 1
        return self.pool.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        for pool in [*self.retired, *([self.pool] if self.pool is not None else [])]:
            pool.shutdown(wait=wait, cancel_futures=cancel_futures)
        self.retired, self.pool = [], None


def worker_pool(jobs: int) -> WorkerPool:
    """The worker processes of a ``--jobs`` build (see :class:`WorkerPool`)."""
    return WorkerPool(jobs)


def _chunk_results(parts: Sequence[list[tuple[int, str]]], settings: BuildSettings, jobs: int,
                   cache: NameCache | None, task: ChunkTask = build_chunk,
                   executor: Executor | None = None) -> Iterator[ChunkResult]:
    """Each chunk's result, in order: built here (``jobs`` 1), by ``jobs`` worker processes, or
    on ``executor`` (a cluster's), at most ``build.max_in_flight`` chunks per worker ahead of
    the writer."""
    if executor is None and (jobs <= 1 or len(parts) <= 1):
        for part in parts:
            yield task(part, settings, cache)
        return
    pool = executor or worker_pool(jobs)
    ahead = max(1, int(limit("build.max_in_flight"))) * max(1, jobs)
    pending: deque[Future[ChunkResult]] = deque()
    todo = iter(parts)
    try:
        for part in itertools.islice(todo, ahead):
            pending.append(pool.submit(_worker_chunk, task, part, settings))
        while pending:
            result = pending.popleft().result()
            for part in itertools.islice(todo, 1):
                pending.append(pool.submit(_worker_chunk, task, part, settings))
            yield result
    finally:
        for f in pending:
            f.cancel()
        if executor is None:
            pool.shutdown(wait=True, cancel_futures=True)


class _Writer:
    """The one writer of a build: writes each chunk's patents, reports them, saves OPSIN's answers."""

    def __init__(self, store: KnowledgeStore, report: Callable[[tuple[int, int], FileReport], None]) -> None:
        self.store = store
        self.report = report
        self.seen: dict[str, str] = {}
        self.activity: BuildInfo | None = None
        self.names: list[NameResolution] = []

    def write(self, result: ChunkResult) -> None:
        for order, failure in result.failed:
            self.report(order, failure)
        self.names.extend(result.names)
        fresh: list[BuiltPatent] = []
        for b in sorted(result.built, key=lambda b: b.order):
            pid = b.data.patent_id
            if pid in self.seen:
                self.report(b.order, FileReport(b.report.path, pid, 0, 0, (),
                                                f"{b.report.path}: patent id {pid!r} is already used by {self.seen[pid]}"))
                continue
            self.seen[pid] = b.report.path
            fresh.append(b)
        if not fresh:
            return
        if self.activity is None:
            self.activity = _start_build(self.store)
        # A store write costs far more per call than per quad, so a chunk's patents go in
        # bulk loads of 1, 2, 4, 8 ... patents: the first are in the store (and reported) at
        # once, the rest in few calls. Each is reported once it is in the store. Should a load
        # fail, its patents are written one at a time, so only one that cannot be written fails.
        start, size = 0, 1
        while start < len(fresh):
            batch = fresh[start:start + size]
            start, size = start + len(batch), size * 2
            try:
                self.store.write_patents([b.data for b in batch], self.activity.iri)
            except CephkgError:
                for b in batch:
                    try:
                        self.store.write_patents([b.data], self.activity.iri)
                    except CephkgError as exc:
                        self.report(b.order, FileReport(b.report.path, b.data.patent_id, 0, 0, (), str(exc)))
                        continue
                    self.report(b.order, b.report)
                continue
            for b in batch:
                self.report(b.order, b.report)


def _save_names(cache_path: Path | None, names: Sequence[NameResolution]) -> None:
    if cache_path is not None and names:
        cache = NameCache(cache_path, autosave=False)
        cache.put(names)
        cache.save()


def build(paths: Sequence[str | Path], store: KnowledgeStore, *,
          patent_ids: dict[str, str] | None = None,
          on_file: Callable[[FileReport], None] | None = None,
          fmt: str | None = None, jobs: int = 1, link_across: bool = False,
          executor: Executor | None = None) -> BuildReport:
    """Build every file into the store; one file's failure never stops the others.

    A file may hold several patents (a USPTO weekly bulk file): each is built as a patent of
    its own, named by its publication number, and reported on its own. ``fmt`` names the
    input format (``None``: sniffed from each file's content).

    Files go in chunks of ``build.chunk_patents``: a chunk is parsed, its species names are
    resolved in one OPSIN batch (cached in ``<store>/opsin-cache.json``), each patent's
    coverage links are computed against the compounds it names, and its graphs and record
    are made ready; ``jobs`` worker processes do this for different chunks at once. This
    process is the one writer: it writes each chunk's patents (each whole: graphs and
    record) and reports them as they are written. Last, the registered compounds' graph is
    refreshed against the patents now in the store.

    ``link_across`` also links each patent's claims to the compounds every other patent of
    the build names (covers, and "cannot decide" for claims without a structure): a first
    pass reads and resolves every file to gather them. The links grow with the square of the
    build (a landscape of patents on one family covers each other's compounds), so this is
    for small builds; ``cephkg covers`` answers the same question for any compound against
    the whole store.

    ``executor`` runs the chunks instead of local worker processes: a Dask cluster's
    (:func:`cephkg.store.cluster.dask_executor`) or any ``concurrent.futures`` executor
    whose workers can import cephkg and read the files.
    """
    store.load_ontology()
    files = claim_files(paths)
    cache_path = opsin_cache(store)
    settings = BuildSettings(fmt, str(cache_path) if cache_path is not None else None,
                             tuple(sorted((patent_ids or {}).items())))
    cache = NameCache(cache_path) if cache_path is not None and jobs <= 1 else None
    parts = chunks(files, jobs)
    if link_across:
        found: dict[str, CompoundRecord] = {}
        learnt: list[NameResolution] = []
        for result in _chunk_results(parts, settings, jobs, cache, named_compounds, executor):
            found.update((c.key, c) for c in result.compounds)
            learnt.extend(result.names)
        _save_names(cache_path, learnt)
        settings = replace(settings, across=tuple(found[k] for k in sorted(found)))
    results = _chunk_results(parts, settings, jobs, cache, executor=executor)
    return write_results(results, store, on_file=on_file)


def write_results(results: Iterable[ChunkResult], store: KnowledgeStore, *,
                  on_file: Callable[[FileReport], None] | None = None) -> BuildReport:
    """Write built chunks into the store: the one writer of every build (local workers, a
    cluster's, or shards read back by :func:`cephkg.store.cluster.load_shards`).

    Each patent is written whole and reported as it is written; a patent id already written
    by this build is an error for the later file; OPSIN's new answers go to the store's name
    cache; last, the registered compounds' graph is refreshed and the build activity ended.
    """
    store.load_ontology()
    reports: dict[tuple[int, int], FileReport] = {}

    def report(order: tuple[int, int], file_report: FileReport) -> None:
        reports[order] = file_report
        if on_file is not None:
            on_file(file_report)

    cache_path = opsin_cache(store)
    writer = _Writer(store, report)
    for result in results:
        writer.write(result)
        if len(writer.names) >= 5000:  # a cold build: keep what OPSIN said, a chunk or so at a time
            _save_names(cache_path, writer.names)
            writer.names.clear()
    _save_names(cache_path, writer.names)
    if writer.seen:
        refresh_registered(store)
    if writer.activity is not None:
        store.add_triples(iris.BUILDS_GRAPH, ended_triples(writer.activity, _now()))
    return BuildReport(tuple(reports[k] for k in sorted(reports)))
