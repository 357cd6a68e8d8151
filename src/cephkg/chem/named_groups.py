"""Group terms that are substituent NAMES, read through OPSIN.

Real claims define variables by naming the group (``R3 is 1-(2-propynyl)-1H-tetrazol-5-yl``,
``Y is a 2-carboxyethylthio group``). Such a term has no entry in the vocabulary and needs
none: OPSIN reads the substituent name (its radicals written as ``*``), and the term is
satisfied by exactly that group (:meth:`cephkg.chem.substituents.Vocabulary.load`, ``named``).
The names are resolved in one OPSIN batch per build, cached like species names, and kept in
the patent's record.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..errors import ResolutionError
from ..model import Patent
from .names import NameCache, open_cache, resolve_names
from .substituents import Vocabulary

__all__ = ["named_group_terms", "resolve_named_groups"]

#: what a substituent name ends in (IUPAC prefix forms: -yl, -ylthio, -oxy, -amino, -ido ...)
_SUFFIX = re.compile(r"(?:yl|ylidene|thio|oxy|amino|amido|imino|ido|sulfonyl|sulfinyl|carbonyl|methyl)$")


def _candidate(term: str) -> str | None:
    text = re.sub(r"^(?:a|an|the)\s+", "", term.strip(), flags=re.I)
    text = re.sub(r"\s+(?:group|radical|moiety)$", "", text, flags=re.I).strip()
    if not text or re.search(r"\s", text) or not re.search(r"\d|\(", text):
        return None
    return text if _SUFFIX.search(text.lower()) else None


def named_group_terms(patent: Patent, vocabulary: Vocabulary) -> list[str]:
    """The alternatives of ``patent`` that look like substituent names the vocabulary cannot read."""
    found: list[str] = []
    for claim in patent.claims:
        for d in (*claim.definitions, *(d for f in claim.formulas for d in f.definitions)):
            for term in d.alternatives:
                name = _candidate(term)
                if name is not None and not vocabulary.interpretable(term):
                    found.append(name)
    return list(dict.fromkeys(found))


def resolve_named_groups(patents: Sequence[Patent], cache_path: Path | NameCache | None,
                         vocabulary: Vocabulary | None = None) -> dict[str, str]:
    """OPSIN's fragment (one ``*``) for every substituent-name term of ``patents`` it can read."""
    vocabulary = vocabulary or Vocabulary.load()
    names = list(dict.fromkeys(n for p in patents for n in named_group_terms(p, vocabulary)))
    if not names:
        return {}
    try:
        results = resolve_names(names, open_cache(cache_path), substituents=True)
    except ResolutionError:
        return {}
    return {n: r.smiles for n, r in results.items() if r.ok and r.smiles and r.smiles.count("*") == 1}


def vocabulary_for(conventions: Mapping[str, tuple[int, int]] | None, named: Mapping[str, str]) -> Vocabulary:
    """The vocabulary of one patent: its conventions and the substituent names OPSIN read."""
    return Vocabulary.load(conventions, named)


__all__ += ["vocabulary_for"]
