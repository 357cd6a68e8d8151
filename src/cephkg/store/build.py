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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdkit

from ..chem.chemistry import patent_chemistry
from ..chem.compounds import SpeciesResolution, resolve_species
from ..chem.coverage import PatentScope, species_targets
from ..chem.inference import InferenceOutcome, resolve_descriptions, scope_with_inference
from ..chem.named_groups import named_group_terms, resolve_named_groups, vocabulary_for
from ..chem.names import opsin_version
from ..chem.reactions import routes
from ..chem.structures import (
    StructureFile,
    parse_structures,
    read_sidecar,
    sidecar_path,
)
from ..chem.terms import term_repairer
from ..errors import CephkgError, Diagnostic
from ..model import Patent
from ..rdf import chemistry_triples, claims_graph_triples, iris, structure_triples
from ..rdf.provenance import BuildInfo, build_info, build_triples, ended_triples
from ..reading import read_file, read_patents, read_text
from .local import KnowledgeStore
from .records import PatentRecord, SpeciesStructure
from .scopes import opsin_cache, refresh_registered

__all__ = ["CLAIM_FILE_SUFFIXES", "BuildReport", "FileReport", "build", "claim_files", "parse_file", "parse_patents",
           "parse_text"]

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
    order: int
    path: Path
    patent: Patent
    sidecar: dict[str, Any] | None
    structures: StructureFile | None
    sidecar_sha256: str | None = None


def _read(path: Path, patent_id: str | None, fmt: str | None) -> list[_Parsed]:
    """The patents of one file; a structure sidecar belongs to a file that holds one patent."""
    patents = parse_patents(path, patent_id, fmt)
    side = sidecar_path(path)
    if len(patents) != 1 or not side.is_file():
        return [_Parsed(0, path, patent, None, None) for patent in patents]
    data = read_sidecar(side)
    structures = parse_structures(data, str(side), patents[0])
    sha256 = hashlib.sha256(side.read_bytes()).hexdigest()
    return [_Parsed(0, path, patents[0], data, structures, sha256)]


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


def build(paths: Sequence[str | Path], store: KnowledgeStore, *,
          patent_ids: dict[str, str] | None = None,
          on_file: Callable[[FileReport], None] | None = None,
          fmt: str | None = None) -> BuildReport:
    """Build every file into the store; one file's failure never stops the others.

    A file may hold several patents (a USPTO weekly bulk file): each is built as a patent of
    its own, named by its publication number, and reported on its own. ``fmt`` names the
    input format (``None``: sniffed from each file's content).

    Files are parsed first; then every species name of the build is resolved in one OPSIN
    batch (cached in ``<store>/opsin-cache.json``); then each patent's coverage links are
    computed against the compounds of the build, and the patent is written to the store
    (graphs and record in one transaction) and reported. Last, the registered compounds'
    graph is refreshed against the patents now in the store.
    """
    store.load_ontology()
    reports: dict[int, FileReport] = {}

    def report(i: int, file_report: FileReport) -> None:
        reports[i] = file_report
        if on_file is not None:
            on_file(file_report)

    parsed: list[_Parsed] = []
    seen: dict[str, str] = {}
    order = 0
    for path in claim_files(paths):
        pid = (patent_ids or {}).get(str(path))
        try:
            items = _read(path, pid, fmt)
        except CephkgError as exc:
            report(order, FileReport(str(path), pid, 0, 0, (), str(exc)))
            order += 1
            continue
        except Exception as exc:
            report(order, FileReport(str(path), pid, 0, 0, (), f"{path}: internal error: {exc!r}"))
            order += 1
            continue
        for item in items:
            patent_id = item.patent.patent_id
            if patent_id in seen:
                report(order, FileReport(str(path), patent_id, 0, 0, (),
                                         f"{path}: patent id {patent_id!r} is already used by {seen[patent_id]}"))
            else:
                seen[patent_id] = str(path)
                parsed.append(_Parsed(order, path, item.patent, item.sidecar, item.structures, item.sidecar_sha256))
            order += 1
    named = resolve_named_groups([p.patent for p in parsed], opsin_cache(store))
    resolutions = resolve_species([p.patent for p in parsed], opsin_cache(store), named)
    descriptions = resolve_descriptions([p.patent for p in parsed], opsin_cache(store))
    compounds = [r.compound for r in resolutions.values() if r.compound is not None]
    activity = _start_build(store) if parsed else None
    for item in parsed:
        patent = item.patent
        try:
            mine = [r for k, r in sorted(resolutions.items()) if k[0] == patent.patent_id]
            smiles = {(r.claim, r.index): r.smiles for r in mine}
            conventions = dict(item.structures.conventions) if item.structures else None
            mine_named = {t: named[t] for t in named_group_terms(patent, vocabulary_for(conventions, {})) if t in named}
            curated = PatentScope(patent, item.structures, species_targets(patent, smiles),
                                  vocabulary_for(conventions, mine_named))
            # Formulas without a curated structure get one inferred from the named compounds.
            scope, inferred = scope_with_inference(curated, descriptions)
            chemistry = patent_chemistry(scope, resolutions, compounds, inferred)
            derived = chemistry_triples(chemistry, patent)
            if item.structures is not None:
                structure_triples(patent, item.structures, item.sidecar_sha256, derived)
            graphs = {
                iris.patent_graph(patent.patent_id): claims_graph_triples(patent, routes(patent, scope.structures)),
                # Chemistry is derived (OPSIN, curated structures, coverage), so it lives in its own
                # graph, apart from what was read from the text.
                iris.chemistry_graph(patent.patent_id): derived,
            }
            triples = store.write_patent(patent.patent_id, _record(item, mine, inferred, mine_named).to_json(), graphs,
                                         activity.iri if activity is not None else None, iris.source(patent.patent_id))
            report(item.order, FileReport(str(item.path), patent.patent_id, len(patent.claims), triples,
                                          patent.diagnostics + chemistry.diagnostics))
        except CephkgError as exc:
            report(item.order, FileReport(str(item.path), patent.patent_id, 0, 0, (), str(exc)))
        except Exception as exc:
            report(item.order, FileReport(str(item.path), patent.patent_id, 0, 0, (),
                                          f"{item.path}: internal error: {exc!r}"))
    if parsed:
        refresh_registered(store)
    if activity is not None:
        store.add_triples(iris.BUILDS_GRAPH, ended_triples(activity, _now()))
    return BuildReport(tuple(reports[i] for i in sorted(reports)))
