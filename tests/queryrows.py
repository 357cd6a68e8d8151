"""Rows of a named query as tuples, for tests written before parameters were echoed as columns.

Queries bind their parameters with pyoxigraph's substitutions, which need the parameter
in the SELECT projection; the queries whose parameters were not result columns gained
them as trailing columns. The tests that predate that compare the original columns.
"""

from __future__ import annotations

from typing import Any

from cephkg import KnowledgeStore, run_query

#: The parameter columns each query gained (added at the end of its SELECT).
ECHOED: dict[str, frozenset[str]] = {
    "all-dependent-claims": frozenset({"patent"}),
    "claim-tree": frozenset({"patent"}),
    "claims-by-substituent-class": frozenset({"class"}),
    "process-route": frozenset({"patent", "claim"}),
    "processes-producing-compound": frozenset({"compound"}),
    "processes-using": frozenset({"agent"}),
}


#: Columns added to a query later (at the end of its SELECT), which the older tests do not compare.
ADDED: dict[str, frozenset[str]] = {
    "effective-definitions": frozenset({"min", "max"}),  # integer variables (issue 10)
}


def rows(store: KnowledgeStore, name: str, **params: str) -> list[tuple[Any, ...]]:
    """The rows' values in column order, without the echoed parameter columns and later-added columns."""
    result = run_query(store, name, **params)
    hidden = ECHOED.get(name, frozenset()) | ADDED.get(name, frozenset())
    columns = [c for c in result.columns if c not in hidden]
    return [tuple(r[c] for c in columns) for r in result.as_dicts()]
