"""cephkg: the claims of cephalosporin patents as an OWL/RDF knowledge graph.

Only the names listed in ``__all__`` are public. The pipeline stages, one subpackage
each, every stage a function from one frozen model to the next::

    reading (text → Patent) → chem (Patent → PatentChemistry) → rdf (→ triples)
        → store (KnowledgeStore, queries) → owl (reasoning, validation) → cli

>>> from cephkg import parse_text
>>> patent = parse_text("What is claimed is:\\n1. A compound of the formula\\n\\nwherein R^1 is amino.\\n"
...                     "2. A compound of claim 1, wherein R1 is amino.", "demo")
>>> [(c.number, c.category, c.depends_on) for c in patent.claims]
[(1, 'compound', ()), (2, 'compound', (1,))]
>>> patent.claim(1).definition_map()
{'R1': ['amino']}
"""

from __future__ import annotations

from .errors import (
    CephkgError,
    DataFileError,
    Diagnostic,
    DiagnosticCode,
    InputError,
    QueryError,
    ReasoningError,
    ResolutionError,
    StoreError,
)
from .model import (
    Agent,
    Claim,
    CleanText,
    Condition,
    Definition,
    Formula,
    JointDefinition,
    Patent,
    Proviso,
    Repair,
    SaltsClause,
    SaltType,
    SharedDefinition,
    SourceDocument,
    Species,
    Step,
)
from .rdf import patent_graph
from .store import (
    BuildReport,
    FileReport,
    KnowledgeStore,
    NamedQuery,
    QueryResult,
    build,
    get_query,
    named_queries,
    parse_file,
    parse_patents,
    parse_text,
)
from .store.export import ExportFormat, export
from .store.queries import bind_parameters

__all__ = [
    "Agent", "BuildReport", "CephkgError", "Claim", "CleanText", "Condition", "DataFileError", "Definition",
    "Diagnostic", "DiagnosticCode", "ExportFormat", "FileReport", "Formula", "InputError", "JointDefinition",
    "KnowledgeStore", "NamedQuery", "Patent", "Proviso", "QueryError", "QueryResult", "ReasoningError", "Repair",
    "ResolutionError", "SaltType", "SaltsClause", "SharedDefinition", "SourceDocument", "Species", "Step",
    "StoreError", "build", "export", "get_query", "named_queries", "parse_file", "parse_patents", "parse_text",
    "patent_graph", "run_query",
]


def run_query(store: KnowledgeStore, name: str, **params: str) -> QueryResult:
    """Run a named query with ``name=value`` parameters bound as RDF terms."""
    query = get_query(name)
    return store.query(query.text, bind_parameters(query, params))
