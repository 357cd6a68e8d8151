"""Stage 5, store and query: the embedded Oxigraph store, the build, named queries, other stores.

``local`` is the store (named graphs per patent, atomic patent writes, an index of
records); ``records`` what a patent's record holds; ``build`` the whole job from files to
the store; ``scopes`` coverage against the store; ``queries`` the named SPARQL queries;
``export`` files; ``remote`` pushing to and querying other SPARQL stores; ``serve`` a
read-only endpoint.
"""

from __future__ import annotations

from .build import BuildReport, FileReport, build, claim_files, parse_file, parse_patents, parse_text
from .local import DEFAULT_STORE, KnowledgeStore, QueryResult
from .queries import NamedQuery, bind_parameters, get_query, named_queries

__all__ = ["DEFAULT_STORE", "BuildReport", "FileReport", "KnowledgeStore", "NamedQuery", "QueryResult",
           "bind_parameters", "build", "claim_files", "get_query", "named_queries", "parse_file", "parse_patents",
           "parse_text"]
