"""What every format reader gives: the documents a file holds, as text the claim reader reads.

A reader turns a decoded file into one :class:`Document` per patent document in it (a
weekly USPTO bulk file holds thousands). A document's ``text`` is what the claim reader
reads; ``starts``/``ends`` give, for every character of it, the span of the document's own
source text (``source``) it stands for, so every fact read later points at the file's own
characters. ``marks`` are the claims a structured format delimits itself (number, span of
the claim element, claims its ``claim-ref`` elements cite); plain text has none and is
segmented by claim numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import ClassVar, Protocol

from ...errors import Diagnostic
from ...model import ClaimMark
from .markup import TOKEN

__all__ = ["Document", "FormatReader", "root_name"]


@dataclass(frozen=True, slots=True)
class Document:
    """One patent document found in a file.

    ``source`` is the document's part of the decoded file (all of it for a one-document file)
    and ``offset`` where that part starts in the file, in characters. ``starts``/``ends`` are
    ``None`` when ``text`` is ``source`` itself.
    """

    format: str
    source: str
    text: str
    starts: tuple[int, ...] | None = None
    ends: tuple[int, ...] | None = None
    marks: tuple[ClaimMark, ...] = ()
    publication: str | None = None
    title: str | None = None
    offset: int = 0
    ocr: bool = True
    notes: tuple[Diagnostic, ...] = field(default=())


class FormatReader(Protocol):
    """A reader of one input format: says from the start of a file whether it can read it."""

    name: ClassVar[str]
    description: ClassVar[str]

    def can_read(self, head: str) -> bool:
        """Whether the decoded start of a file (a few kilobytes) is in this format."""

    def read(self, text: str, path: str) -> list[Document]:
        """The documents of a decoded file; raises :class:`~cephkg.errors.InputError` when none."""


_DOCTYPE = re.compile(r"<!DOCTYPE\s+([\w:.-]+)", re.I)


def root_name(head: str) -> str | None:
    """The DOCTYPE name, else the first element's name, of an XML start (``None`` if not XML)."""
    stripped = head.lstrip("\ufeff \t\r\n")
    if not stripped.startswith("<"):
        return None
    for m in TOKEN.finditer(stripped):
        token = m.group(0)
        if token[:9].upper() == "<!DOCTYPE":
            d = _DOCTYPE.match(token)
            return d.group(1) if d else None
        if token.startswith(("<!", "<?", "</")):
            continue
        return token[1:].split(None, 1)[0].rstrip("/>")
    return None
