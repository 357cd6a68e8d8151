"""Stages 1–2, reading: input bytes → repaired text → the claims of a patent.

``source`` decodes a file, sniffs its format (``formats``: USPTO and EPO XML, WIPO ST.36, a
saved Google Patents page, any web page, plain text) and names the patents it holds;
``clean`` repairs noise keeping every offset; ``segment`` finds the claims; ``claims``
reads what each claim states (category, citations, definitions, provisos, species,
formulas, steps) with the rules of ``data/claim_rules.toml``; ``terms`` repairs group terms
damaged by OCR against a lexicon. Nothing here needs chemistry software.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..model import CleanText, Patent
from .claims import TermRepairer, parse_claims
from .clean import canonical_variable, clean
from .formats import FORMATS
from .ids import check_patent_id, normalise_publication, patent_id_for
from .source import decode, read_documents, read_source, source_from_text, sources_from_text
from .terms import lexicon_repairer

__all__ = ["FORMATS", "TermRepairer", "canonical_variable", "check_patent_id", "clean", "clean_file", "decode",
           "lexicon_repairer", "normalise_publication", "parse_claims", "patent_id_for", "read_documents", "read_file",
           "read_patents", "read_source", "read_text", "source_from_text", "sources_from_text"]


def clean_file(path: str | Path, patent_id: str | None = None, fmt: str | None = None) -> CleanText:
    """Read and repair a one-patent file; raises :class:`~cephkg.errors.InputError` for unreadable input."""
    found = read_documents(path, patent_id, fmt)
    if len(found) != 1:
        raise InputError(f"{path}: the file holds {len(found)} patents")
    source, document, notes = found[0]
    return clean(source, notes, document)


def read_patents(path: str | Path, patent_id: str | None = None, repair_term: TermRepairer | None = None,
                 fmt: str | None = None) -> list[Patent]:
    """Every patent of one file (a weekly bulk file holds many), read, repaired and parsed."""
    repair = repair_term if repair_term is not None else lexicon_repairer()
    return [parse_claims(clean(source, notes, document), repair)
            for source, document, notes in read_documents(path, patent_id, fmt)]


def read_file(path: str | Path, patent_id: str | None = None, repair_term: TermRepairer | None = None,
              fmt: str | None = None) -> Patent:
    """Read, repair and parse a file holding one patent (:class:`InputError` if it holds several)."""
    patents = read_patents(path, patent_id, repair_term, fmt)
    if len(patents) != 1:
        raise InputError(f"{path}: the file holds {len(patents)} patents ({', '.join(p.patent_id for p in patents[:5])}"
                         f"{' …' if len(patents) > 5 else ''}); read it with read_patents")
    return patents[0]


def read_text(text: str, patent_id: str, path: str = "<text>", repair_term: TermRepairer | None = None,
              fmt: str | None = None) -> Patent:
    """Parse claim text given as a string (raises :class:`~cephkg.errors.InputError` if it has no claims)."""
    repair = repair_term if repair_term is not None else lexicon_repairer()
    found = sources_from_text(text, patent_id, path, fmt)
    if len(found) != 1:
        raise InputError(f"{path}: the text holds {len(found)} patents")
    source, document, notes = found[0]
    return parse_claims(clean(source, notes, document), repair)
