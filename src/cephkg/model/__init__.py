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
    Definition,
    Formula,
    Patent,
    Role,
    SaltsClause,
    Species,
    Step,
)
from .text import CleanText, Repair, SourceDocument, Span, span_of

__all__ = ["CATEGORIES", "Agent", "Category", "Citation", "Claim", "CleanText", "Definition", "Formula", "Patent",
           "Repair", "Role", "SaltsClause", "SourceDocument", "Span", "Species", "Step", "span_of"]
