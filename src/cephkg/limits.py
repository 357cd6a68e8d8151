"""The limits on the work one input can cause, each with its reason.

They live in one data file, ``cephkg/data/limits.toml`` (validated against
``schemas/limits.schema.json``), so that every number a stage enforces is written down once,
next to why it was chosen; the README's "Limits" table lists them.

>>> limit("structure.max_atoms")
3000
>>> limits()["serve.backends"].unit
'processes'
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from .errors import DataFileError
from .resources import load_data

__all__ = ["Limit", "limit", "limits"]


@dataclass(frozen=True, slots=True)
class Limit:
    """One limit: its dotted name (``section.key``), value, unit and the reason for the value."""

    name: str
    value: int | float
    unit: str
    reason: str


@cache
def limits() -> dict[str, Limit]:
    """Every limit of ``limits.toml`` by dotted name, in file order."""
    out: dict[str, Limit] = {}
    for section, entries in load_data("limits.toml").items():
        for key, entry in entries.items():
            value = entry["value"]
            out[f"{section}.{key}"] = Limit(f"{section}.{key}", int(value) if float(value).is_integer() else value,
                                            entry["unit"], " ".join(entry["reason"].split()))
    return out


def limit(name: str) -> int | float:
    """The value of one limit (``"structure.max_atoms"``); an unknown name is a :class:`DataFileError`."""
    try:
        return limits()[name].value
    except KeyError:
        raise DataFileError(f"cephkg/data/limits.toml has no limit {name!r} "
                            f"(it has: {', '.join(limits())})") from None
