"""The text records of the first stage: a source document and its repaired text.

Every span is ``(start, end)`` in characters of the *original* decoded text
(``SourceDocument.text``), end exclusive.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import Diagnostic

__all__ = ["ClaimMark", "CleanText", "Repair", "SourceDocument", "Span", "span_of"]

Span = tuple[int, int]


def span_of(value: Any) -> Span:
    """A span read back from JSON (a two-item list)."""
    start, end = value
    return (int(start), int(end))


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """One input document as decoded, before any repair.

    ``path`` is the file it came from; ``patent_id`` names the patent in the store;
    ``publication`` is the publication number when the document states one
    (``US-4559334-A``), else ``None``; ``format`` the reader that read it (``text``,
    ``uspto-xml``, ``epo-xml`` …); ``title`` the title the document states.

    ``text`` is the document as decoded. A file may hold several documents (a USPTO weekly
    bulk file): then ``text`` is this document's part of the file, which starts at character
    ``offset`` of the decoded file, and ``sha256`` is the digest of that part's bytes.
    """

    path: str
    patent_id: str
    text: str
    sha256: str
    publication: str | None = None
    format: str = "text"
    title: str | None = None
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Repair:
    """One change made to OCR text, with the original it replaced."""

    kind: str
    span: Span
    original: str
    replacement: str

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "span": list(self.span), "original": self.original,
                "replacement": self.replacement}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Repair:
        return cls(data["kind"], span_of(data["span"]), data["original"], data["replacement"])


@dataclass(frozen=True, slots=True)
class ClaimMark:
    """A claim a structured format delimits itself (an XML ``<claim num=…>``).

    ``span`` is the claim element's span in the original text; ``cites`` the claim numbers
    its ``claim-ref`` elements point at.
    """

    number: int
    span: Span
    cites: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class CleanText:
    """Repaired text with, for every character, the original span it came from."""

    source: SourceDocument
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    repairs: tuple[Repair, ...]
    diagnostics: tuple[Diagnostic, ...] = ()
    marks: tuple[ClaimMark, ...] = ()

    def original_span(self, start: int, end: int) -> Span:
        """Map a clean-text slice ``[start, end)`` to the original text."""
        if end <= start:
            pos = self.starts[start] if start < len(self.starts) else len(self.source.text)
            return (pos, pos)
        return (self.starts[start], self.ends[end - 1])
