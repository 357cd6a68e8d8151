"""Stage 6, reasoning: OWL reasoning with owlready2 + HermiT, and SHACL validation with pySHACL.

Both read a patent's graphs from the store as rdflib graphs (the form those libraries
take); ``reason`` writes what it infers into the patent's inferred graph.
"""

from __future__ import annotations

from .reason import InconsistentGraphError, ReasoningReport, reason, reason_patent
from .validate import ValidationReport, validate

__all__ = ["InconsistentGraphError", "ReasoningReport", "ValidationReport", "reason", "reason_patent", "validate"]
