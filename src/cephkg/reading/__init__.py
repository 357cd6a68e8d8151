"""Stages 1–2, reading: input bytes → repaired text → the claims of a patent.

``source`` decodes a file and names its patent; ``clean`` repairs OCR noise keeping every
offset; ``segment`` finds the numbered claims; ``claims`` reads what each claim states
(category, citations, definitions, species, formulas, steps) with the rules of
``data/claim_rules.toml``. Nothing here knows chemistry: a group-term repairer can be
passed in (the chemistry stage provides one).
"""

from __future__ import annotations

from pathlib import Path

from ..model import CleanText, Patent
from .claims import TermRepairer, parse_claims
from .clean import canonical_variable, clean
from .ids import check_patent_id, normalise_publication, patent_id_for
from .source import decode, read_source, source_from_text

__all__ = ["TermRepairer", "canonical_variable", "check_patent_id", "clean", "clean_file", "decode",
           "normalise_publication",
           "parse_claims", "patent_id_for", "read_file", "read_source", "read_text", "source_from_text"]


def clean_file(path: str | Path, patent_id: str | None = None) -> CleanText:
    """Read and repair one file; raises :class:`~cephkg.errors.InputError` for unreadable input."""
    source, notes = read_source(path, patent_id)
    return clean(source, notes)


def read_file(path: str | Path, patent_id: str | None = None, repair_term: TermRepairer | None = None) -> Patent:
    """Read, repair and parse one claims file."""
    source, notes = read_source(path, patent_id)
    return parse_claims(clean(source, notes), repair_term)


def read_text(text: str, patent_id: str, path: str = "<text>", repair_term: TermRepairer | None = None) -> Patent:
    """Parse claim text given as a string (raises :class:`~cephkg.errors.InputError` if it has no claims)."""
    source, notes = source_from_text(text, patent_id, path)
    return parse_claims(clean(source, notes), repair_term)
