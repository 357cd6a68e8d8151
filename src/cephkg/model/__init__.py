"""Typed, frozen records passed between the pipeline stages (no behaviour, no I/O).

``SourceDocument`` → (reading) ``CleanText`` → (reading) ``Patent``; the later stages
take a ``Patent`` and add their own records.
"""

from __future__ import annotations

from .claims import (
    CATEGORIES,
    Agent,
    Category,
    Citation,
    Claim,
    Condition,
    Definition,
    Formula,
    JointDefinition,
    Patent,
    Proviso,
    Role,
    SaltsClause,
    SaltType,
    SharedDefinition,
    Species,
    Step,
)
from .text import ClaimMark, CleanText, Repair, SourceDocument, Span, span_of

__all__ = ["CATEGORIES", "Agent", "Category", "Citation", "Claim", "ClaimMark", "CleanText", "Condition",
           "Definition", "Formula", "JointDefinition", "Patent", "Proviso", "Repair", "Role", "SaltType",
           "SaltsClause", "SharedDefinition", "SourceDocument", "Span", "Species", "Step", "span_of"]
