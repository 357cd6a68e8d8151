"""Patent ids and publication numbers.

A patent id names a patent in the store and becomes one IRI path segment and one file
name, so it is restricted to letters, digits, ``.``, ``_`` and ``-`` (not starting with a
dot). A file stem outside that set is escaped with a recorded warning; an explicit id
outside it is an :class:`~cephkg.errors.InputError`.

A publication number (``US 4,559,334 A``, ``EP0049118B1``, ``WO 2004/012345``) is kept
normalised as ``CC-NUMBER-KIND`` (``US-4559334-A``), the form of the EPO's linked data.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import Diagnostic, DiagnosticCode, InputError

__all__ = ["PATENT_ID", "check_patent_id", "normalise_publication", "patent_id_for", "publication_from_id"]

#: What a patent id may be: one safe IRI segment and file name.
PATENT_ID = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_PUBLICATION = re.compile(
    r"^(?P<cc>[A-Z]{2})[\s-]*(?P<num>(?:\d[\d,./\s]*\d|\d)|RE\d+)[\s-]*(?P<kind>[A-Z]\d?)?$")


def check_patent_id(patent_id: str) -> str:
    """``patent_id`` when it is a safe id; else :class:`InputError` saying why."""
    if not PATENT_ID.fullmatch(patent_id):
        raise InputError(f"patent id {patent_id!r} is not allowed: use 1 to 128 letters, digits, '.', '_' "
                         "or '-', not starting with '.'")
    return patent_id


def patent_id_for(path: str | Path, patent_id: str | None = None) -> tuple[str, list[Diagnostic]]:
    """The patent id of a file: ``patent_id`` if given (checked), else the file stem (escaped)."""
    if patent_id is not None:
        return check_patent_id(patent_id), []
    stem = Path(str(path)).stem
    escaped = _UNSAFE.sub("_", stem).lstrip(".")[:128]
    if not escaped:
        raise InputError(f"{path}: the file name gives no usable patent id; pass one explicitly")
    if escaped == stem:
        return stem, []
    return escaped, [Diagnostic("warning", DiagnosticCode.PATENT_ID_ESCAPED,
                                f"the file name {stem!r} is not a safe patent id; the patent is stored "
                                f"as {escaped!r}", source=str(path))]


def normalise_publication(text: str) -> str | None:
    """``US 4,559,334 A`` → ``US-4559334-A``; ``None`` when ``text`` is not a publication number."""
    m = _PUBLICATION.match(text.strip().upper())
    if m is None:
        return None
    number = re.sub(r"[\s,./]", "", m.group("num"))
    kind = m.group("kind")
    return f"{m.group('cc')}-{number}" + (f"-{kind}" if kind else "")


def publication_from_id(patent_id: str) -> str | None:
    """The publication number a patent id spells (``US4354022A``), if it spells one."""
    return normalise_publication(patent_id)
