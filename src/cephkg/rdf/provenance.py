"""The provenance of a build as triples: one ``prov:Activity`` per ``cephkg build``.

A build is a ``ceph:Build`` (a ``prov:Activity``) with its start and end times, the
cephkg release that ran it (``prov:wasAssociatedWith``, a ``prov:SoftwareAgent``), and
what it used (``prov:used``): the releases of Python, RDKit, OPSIN and pyoxigraph, and
every rule, vocabulary and ontology file by name and SHA-256. These triples, and for
each patent graph a build wrote ``<graph> prov:wasGeneratedBy <build>`` and
``<graph> prov:wasDerivedFrom <input file>`` (written with the patent, by
:meth:`cephkg.store.local.KnowledgeStore.write_patent`), live in the builds graph
(:data:`cephkg.rdf.iris.BUILDS_GRAPH`), never in a patent's own graphs: two builds of the
same input give the same patent graphs, and differ only there.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import platform
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from ..resources import data_file, ontology_dir
from . import iris
from .ontology import ontology_files, shapes_files
from .terms import Triples
from .vocab import CEPH, PROV, RDF, RDFS, XSD

__all__ = ["BuildInfo", "build_info", "build_triples", "datetime_literal", "ended_triples", "graph_provenance",
           "used_files"]

#: The data files every build reads (``cephkg/data``).
DATA_FILES = ("text_rules.toml", "claim_rules.toml", "conventions.toml", "substituents.toml", "salt_forms.toml",
              "reaction_types.toml")


@dataclass(frozen=True, slots=True)
class BuildInfo:
    """What a build ran with: its IRI, start time, the software versions (name, version;
    cephkg first) and the files it read (name, SHA-256)."""

    iri: ox.NamedNode
    started: datetime
    software: tuple[tuple[str, str], ...]
    files: tuple[tuple[str, str], ...]


def datetime_literal(moment: datetime) -> ox.Literal:
    """An ``xsd:dateTime`` in UTC with second precision (``2025-01-31T12:00:00Z``)."""
    text = moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return ox.Literal(text, datatype=XSD.dateTime)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def used_files() -> tuple[tuple[str, str], ...]:
    """(name, SHA-256) of every rule, vocabulary and ontology file a build reads."""
    out = [(f"cephkg/data/{name}", _sha256(data_file(name).read_bytes())) for name in DATA_FILES]
    root = ontology_dir()
    for path in (*ontology_files(), *shapes_files()):
        out.append((f"ontology/{Path(path).relative_to(root).as_posix()}", _sha256(Path(path).read_bytes())))
    return tuple(out)


def build_info(started: datetime, software: Iterable[tuple[str, str]]) -> BuildInfo:
    """A new build: its IRI is minted from its start time and a random tag (two builds
    started in the same second are still two activities)."""
    stamp = started.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    cephkg = ("cephkg", importlib.metadata.version("cephkg"))
    python = ("Python", platform.python_version())
    return BuildInfo(iris.build(stamp, secrets.token_hex(4)), started, (cephkg, python, *software), used_files())


def build_triples(info: BuildInfo) -> Triples:
    """The build activity as it starts: what ran it, what it used and when it began."""
    out = Triples()
    add = out.add
    b = info.iri
    add(b, RDF.type, CEPH.Build)
    add(b, RDFS.label, f"cephkg build started {datetime_literal(info.started).value}")
    add(b, PROV.startedAtTime, datetime_literal(info.started))
    for i, (name, version) in enumerate(info.software):
        release = iris.software_release(name, version)
        add(release, RDF.type, CEPH.SoftwareRelease)
        add(release, RDFS.label, f"{name} {version}")
        add(release, CEPH.softwareName, name)
        add(release, CEPH.softwareVersion, version)
        if i == 0:  # cephkg itself ran the build
            add(release, RDF.type, PROV.SoftwareAgent)
            add(b, PROV.wasAssociatedWith, release)
        else:
            add(b, PROV.used, release)
    for name, sha256 in info.files:
        f = iris.data_file(sha256)
        add(f, RDF.type, CEPH.DataFile)
        add(f, RDFS.label, name)
        add(f, CEPH.filePath, name)
        add(f, CEPH.sha256, sha256)
        add(b, PROV.used, f)
    return out


def ended_triples(info: BuildInfo, ended: datetime) -> Triples:
    """The end of a build (a build that was interrupted has none)."""
    out = Triples()
    out.add(info.iri, PROV.endedAtTime, datetime_literal(ended))
    return out


def graph_provenance(graphs: Iterable[ox.NamedNode], build: ox.NamedNode | None,
                     derived_from: ox.NamedNode | None) -> list[ox.Quad]:
    """What the builds graph says of a patent's graphs: ``prov:wasGeneratedBy`` the build
    that wrote them and ``prov:wasDerivedFrom`` the input they were read from (each when known)."""
    out: list[ox.Quad] = []
    for graph in graphs:
        if build is not None:
            out.append(ox.Quad(graph, PROV.wasGeneratedBy, build, iris.BUILDS_GRAPH))
        if derived_from is not None:
            out.append(ox.Quad(graph, PROV.wasDerivedFrom, derived_from, iris.BUILDS_GRAPH))
    return out
