"""Named SPARQL queries: ``queries/*.rq`` files with a header of what they take.

Header lines at the top of each file::

    # title: Claim tree of a patent
    # description: One row per claim and parent …
    # param: patent literal required  The patent id (the input file stem).

A parameter is a query variable (``?patent``) bound as an RDF term when the query
runs (``literal``, ``integer``, ``iri`` or ``term``: an IRI if it looks like one,
else a literal), never pasted into the query text. A ``compound`` parameter takes a
compound IRI or InChIKey as given, and turns a SMILES, InChI or name into the IRI of that
compound (``…/id/compound/<InChIKey>``) by reading the structure — nothing is written, so
a compound that is neither named in a claim nor registered (``cephkg add-compound``)
simply has no rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal as TypingLiteral

import pyoxigraph as ox

from ..errors import QueryError
from ..rdf import iris
from ..rdf.vocab import XSD
from ..resources import queries_dir

__all__ = ["NamedQuery", "Parameter", "bind_parameters", "compound_term", "get_query", "named_queries"]

ParamKind = TypingLiteral["literal", "integer", "iri", "term", "compound"]
_KINDS = ("literal", "integer", "iri", "term", "compound")
_INCHIKEY = re.compile(r"[A-Z]{14}-[A-Z]{10}-[A-Z]")
_IRI = re.compile(r"^[a-z][a-z0-9+.-]*://\S+$", re.I)


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    kind: ParamKind
    required: bool
    description: str


@dataclass(frozen=True, slots=True)
class NamedQuery:
    name: str
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    text: str
    path: Path


def _parse(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    fields: dict[str, str] = {}
    params: list[Parameter] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        m = re.match(r"#\s*(title|description|param):\s*(.*)$", line)
        if not m:
            continue
        key, value = m.groups()
        if key == "param":
            pm = re.match(r"(\w+)\s+(\w+)\s+(required|optional)\s+(.*)$", value)
            if not pm or pm.group(2) not in _KINDS:
                raise QueryError(f"{path.name}: bad parameter line: {line!r}")
            params.append(Parameter(pm.group(1), pm.group(2), pm.group(3) == "required",  # type: ignore[arg-type]
                                    pm.group(4).strip()))
        else:
            fields[key] = (fields.get(key, "") + " " + value).strip()
    if "title" not in fields:
        raise QueryError(f"{path.name}: the header has no '# title:' line")
    return NamedQuery(path.stem, fields["title"], fields.get("description", ""), tuple(params), text, path)


@cache
def named_queries() -> dict[str, NamedQuery]:
    """Every query shipped in ``queries/``, by name (file stem)."""
    return {q.name: q for q in (_parse(p) for p in sorted(queries_dir().glob("*.rq")))}


def get_query(name_or_path: str) -> NamedQuery:
    """A shipped query by name, or any ``.rq`` file by path."""
    queries = named_queries()
    if name_or_path in queries:
        return queries[name_or_path]
    path = Path(name_or_path)
    if path.suffix == ".rq" and path.is_file():
        return _parse(path)
    raise QueryError(f"no query named {name_or_path!r}; known: {', '.join(sorted(queries))}")


def compound_term(value: str, cache_path: Path | None = None) -> ox.NamedNode | ox.Literal:
    """The term a ``compound`` parameter binds: an IRI as given, an InChIKey as a literal, and
    a SMILES, InChI or name as the IRI of its standardised compound (read, never written)."""
    text = value.strip()
    if _IRI.match(text):
        return _term("iri", text)
    if _INCHIKEY.fullmatch(text):
        return ox.Literal(text)
    from ..chem.compounds import CompoundRecord
    from ..chem.coverage import parse_compound
    from ..chem.standardise import standardise

    record = CompoundRecord.from_standardised(standardise(parse_compound(text, cache_path)))
    return iris.compound(record.key)


def _term(kind: ParamKind, value: str, cache_path: Path | None = None) -> ox.NamedNode | ox.Literal:
    if kind == "compound":
        return compound_term(value, cache_path)
    if kind == "integer":
        try:
            return ox.Literal(str(int(value)), datatype=XSD.integer)
        except ValueError as exc:
            raise QueryError(f"{value!r} is not an integer") from exc
    if kind == "iri" or (kind == "term" and re.match(r"^[a-z][a-z0-9+.-]*://\S+$", value, re.I)):
        if not re.match(r"^[a-z][a-z0-9+.-]*:[^\s<>\"{}|\\^`]*$", value, re.I):
            raise QueryError(f"{value!r} is not an IRI")
        try:
            return ox.NamedNode(value)
        except ValueError as exc:
            raise QueryError(f"{value!r} is not an IRI: {exc}") from exc
    return ox.Literal(value)


def bind_parameters(query: NamedQuery, values: dict[str, str],
                    cache_path: Path | None = None) -> dict[str, ox.NamedNode | ox.Literal]:
    """Turn ``name=value`` strings into RDF terms, checking names and required ones.

    ``cache_path`` is the OPSIN cache used when a ``compound`` parameter is a name.
    """
    known = {p.name: p for p in query.parameters}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise QueryError(f"query {query.name!r} takes no parameter {', '.join(unknown)}; "
                         f"it takes: {', '.join(known) or 'none'}")
    missing = [p.name for p in query.parameters if p.required and p.name not in values]
    if missing:
        raise QueryError(f"query {query.name!r} needs parameter {', '.join(missing)}")
    return {name: _term(known[name].kind, value, cache_path) for name, value in values.items()}
