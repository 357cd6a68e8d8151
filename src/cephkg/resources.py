"""Package data — rule files, vocabularies, the ontology, the named queries — and their schemas.

Every TOML data file is validated at load time against the JSON Schema of the same stem in
``cephkg/data/schemas/``, so a misspelt or wrongly typed key is a
:class:`~cephkg.errors.DataFileError` naming the file and the key, never silently ignored.
User files (structure sidecars) go through the same check with :func:`load_toml_file`.

The ontology and the queries have their source of truth at the top of the repository
(``ontology/``, ``queries/``); a wheel carries copies under ``cephkg/_resources``.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaViolation

from .errors import DataFileError

__all__ = [
    "data_file",
    "load_data",
    "load_toml_file",
    "ontology_dir",
    "queries_dir",
    "schema",
    "validate",
]

_REPO_ROOT = Path(__file__).resolve().parents[2]


def data_file(name: str) -> Traversable:
    """A file of ``cephkg/data``."""
    return resources.files("cephkg") / "data" / name


@cache
def schema(name: str) -> dict[str, Any]:
    """The JSON Schema ``cephkg/data/schemas/<name>.schema.json``."""
    text = data_file(f"schemas/{name}.schema.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    Draft202012Validator.check_schema(loaded)
    return loaded


@cache
def _validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(schema(name), format_checker=Draft202012Validator.FORMAT_CHECKER)


def _where(error: SchemaViolation) -> str:
    path = ""
    for part in error.absolute_path:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(top level)"


def _message(error: SchemaViolation) -> str:
    if error.validator == "additionalProperties" and isinstance(error.instance, Mapping):
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(str(k) for k in error.instance if k not in allowed)
        if extra:
            return f"unknown key(s) {', '.join(extra)} (allowed: {', '.join(sorted(allowed))})"
    return str(error.message)


def validate(data: Mapping[str, Any], schema_name: str, source: str) -> None:
    """Raise :class:`DataFileError` naming ``source`` and the first bad key, if ``data`` breaks the schema."""
    errors = sorted(_validator(schema_name).iter_errors(data), key=lambda e: (len(e.absolute_path), str(e.path)))
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})" if len(errors) > 1 else ""
        raise DataFileError(f"{source}: key {_where(first)}: {_message(first)}{more}")


def _parse_toml(text: str, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError(f"{source}: not valid TOML: {exc}") from exc


@cache
def load_data(name: str) -> dict[str, Any]:
    """A TOML file of ``cephkg/data``, validated (cached: data files do not change at run time)."""
    stem = name.removesuffix(".toml")
    source = f"cephkg/data/{name}"
    data = _parse_toml(data_file(name).read_text(encoding="utf-8"), source)
    validate(data, stem, source)
    return data


def load_toml_file(path: Path, schema_name: str) -> dict[str, Any]:
    """A user's TOML file, decoded and validated; every problem is a :class:`DataFileError`."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataFileError(f"{path}: not UTF-8 text (byte {exc.start}); TOML files must be UTF-8") from exc
    data = _parse_toml(text, str(path))
    validate(data, schema_name, str(path))
    return data


def _resource_dir(name: str) -> Path:
    packaged = resources.files("cephkg") / "_resources" / name
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = _REPO_ROOT / name
    if checkout.is_dir():
        return checkout
    raise DataFileError(f"cephkg resource folder {name!r} is missing from the installation")


def ontology_dir() -> Path:
    """Folder holding ``cephkg.ttl`` and the other ontology files."""
    return _resource_dir("ontology")


def queries_dir() -> Path:
    """Folder holding the named SPARQL queries (``*.rq``)."""
    return _resource_dir("queries")
