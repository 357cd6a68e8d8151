"""USPTO APS "Green Book" full text (grants 1976–2001), one patent or a weekly file of many.

Fixed-field records: a tag of up to four characters padded to five columns, its value from
column six, continuation lines indented. ``PATN`` opens a patent; ``WKU`` is its number
(``0`` + seven digits + a check digit), ``TTL`` its title; the ``CLMS`` section holds the
claims: ``NUM  1.`` opens claim 1, whose text is the following ``PAR``/``PA1``… records and
their continuation lines. The text uses the USPTO dot notation (``R.sup.1``, ``##STR1##``),
which the first stage decodes as for any text.
"""

from __future__ import annotations

import re
from typing import ClassVar

from ...errors import InputError
from ...model import ClaimMark
from ..ids import normalise_publication
from .base import Document
from .markup import Piece, Rendering

__all__ = ["ApsReader"]

_RECORD = re.compile(r"^([A-Z][A-Z0-9]{2,3}) {1,2}(.*)$")
_SECTION = re.compile(r"^[A-Z][A-Z0-9]{2,3}\s*$")
_CLAIM_TEXT = re.compile(r"^(?:PAR|PA\d|TBL|EQU)$")


def _lines(text: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    pos = 0
    for line in text.split("\n"):
        out.append((pos, line.rstrip("\r")))
        pos += len(line) + 1
    return out


class ApsReader:
    """USPTO APS Green Book text."""

    name: ClassVar[str] = "uspto-aps"
    description: ClassVar[str] = "USPTO APS Green Book full text (1976-2001)"

    def can_read(self, head: str) -> bool:
        first = next((line for line in head.split("\n") if line.strip()), "")
        return first.strip() == "PATN"

    def read(self, text: str, path: str) -> list[Document]:
        lines = _lines(text)
        starts = [k for k, (_pos, line) in enumerate(lines) if line.strip() == "PATN"]
        if not starts:
            raise InputError(f"{path}: no PATN record")
        out: list[Document] = []
        for n, k in enumerate(starts):
            last = starts[n + 1] if n + 1 < len(starts) else len(lines)
            a = lines[k][0]
            b = lines[last][0] if last < len(lines) else len(text)
            part = text[a:b]
            out.append(self._patent(part, a, path if len(starts) == 1 else f"{path} (document {n + 1} of {len(starts)})"))
        return out

    def _patent(self, part: str, offset: int, where: str) -> Document:
        pieces: list[Piece] = []
        marks: list[ClaimMark] = []
        section = ""
        tag = ""
        number = title = None
        claim: tuple[int, int] | None = None  # number, start of its first piece
        claim_end = 0
        for pos, line in _lines(part):
            if not line.strip():
                continue
            if _SECTION.match(line):
                section, tag = line.strip(), ""
                continue
            m = _RECORD.match(line)
            if m is not None:
                tag, value, at = m.group(1), m.group(2), pos + m.start(2)
            elif line.startswith(" ") and tag:
                value = line.strip()
                at = pos + len(line) - len(line.lstrip())
            else:
                continue
            if section == "PATN" and tag == "WKU" and m is not None:
                digits = re.sub(r"\D", "", value)
                number = digits[1:8] if len(digits) == 9 else digits
            elif section == "PATN" and tag == "TTL":
                title = value.strip() if m is not None else f"{title or ''} {value.strip()}".strip()
            elif section == "CLMS" and tag == "NUM" and m is not None:
                if claim is not None:
                    marks.append(ClaimMark(claim[0], (claim[1], claim_end)))
                digits = re.sub(r"\D", "", value)
                if pieces:
                    pieces.append(Piece("\n\n", 0, (pos, pos)))
                claim = (int(digits) if digits and len(digits) <= 6 else len(marks) + 1, pos)
            elif section == "CLMS" and claim is not None and _CLAIM_TEXT.match(tag):
                pieces.append(Piece(" ", 0, (at, at)))
                pieces.append(Piece(value, at))
                claim_end = at + len(value)
        if claim is not None:
            marks.append(ClaimMark(claim[0], (claim[1], claim_end)))
        rendering = Rendering.of(pieces)
        publication = normalise_publication(f"US{number}") if number else None
        return Document(self.name, part, rendering.text, tuple(rendering.starts), tuple(rendering.ends),
                        tuple(marks), publication, title, offset, ocr=False)
