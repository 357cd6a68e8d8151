"""The group-term repairer the reading stage is given: the substituent vocabulary's view of a term.

A term the vocabulary can interpret is written in its canonical form; an unknown one is
repaired only when exactly one listed term is a small OCR distance away
(:meth:`~cephkg.chem.substituents.Vocabulary.closest`); otherwise it stays as written.
"""

from __future__ import annotations

from functools import cache

from ..reading import TermRepairer
from .substituents import Vocabulary

__all__ = ["term_repairer"]


@cache
def term_repairer() -> TermRepairer:
    """One repairer per process: the packaged vocabulary does not change at run time, and
    loading it costs more than parsing a patent."""
    vocabulary = Vocabulary.load()

    def repair(term: str) -> str | None:
        if vocabulary.interpretable(term):
            return vocabulary.canonical(term)
        return vocabulary.closest(term)

    return repair
