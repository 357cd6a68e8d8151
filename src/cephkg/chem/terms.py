"""The group-term repairer the chemistry stage gives the reader: the reading stage's own.

Group terms are repaired only where OCR damaged them, against the lexicon of known words
(:mod:`cephkg.reading.terms`); a term is never replaced by the vocabulary's nearest term, so
``imino`` stays ``imino`` even though ``amino`` is one letter away. Kept as the chemistry
stage's entry point so callers that built with ``term_repairer()`` keep working.
"""

from __future__ import annotations

from ..reading import TermRepairer, lexicon_repairer

__all__ = ["term_repairer"]


def term_repairer() -> TermRepairer:
    """The repairer of group terms: OCR damage only (one per process)."""
    return lexicon_repairer()
