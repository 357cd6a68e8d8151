"""USPTO full-text XML: Red Book grants and applications (DTD v4.x), single or in a weekly bulk file.

A document's root is ``us-patent-grant`` or ``us-patent-application``; the publication is
``us-bibliographic-data-*/publication-reference/document-id`` (country, doc-number zero-padded
to 8 digits for grants, kind); claims are ``claims/claim[@num]`` whose text starts with its own
number (``1. …``, ``<b>1</b>. …``). A weekly bulk file (``ipgYYMMDD.xml``) is the
concatenation of complete documents, each starting on a new line with its own XML
declaration: it is split there and each part read as its own patent, its spans counted from
the start of its part (``Document.offset`` says where that is in the file).

Also read: the 2002–2004 grant XML (``PATDOC``, ST.32 v2.5), whose claims are
``CL/CLM[@ID]`` with the number only in the text and the ISO named entities of its DTD
(``&deg;``, ``&bgr;``) decoded without reading the DTD.
"""

from __future__ import annotations

import re
from typing import ClassVar

from ...errors import Diagnostic, DiagnosticCode, InputError
from ..ids import normalise_publication
from .base import Document, root_name
from .markup import Element, parse_markup
from .render import render_claims

__all__ = ["PatdocReader", "UsptoReader", "split_bulk"]

_ROOTS = ("us-patent-grant", "us-patent-application")
_BULK = re.compile(r"(?m)^(?=<\?xml[ \t])")


def split_bulk(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` of each XML document of a file (one when it holds one)."""
    starts = [m.start() for m in _BULK.finditer(text)]
    if not starts or starts[0] != len(text) - len(text.lstrip("\ufeff \t\r\n")):
        starts.insert(0, 0)
    bounds = [(a, b) for a, b in zip(starts, [*starts[1:], len(text)]) if text[a:b].strip()]
    return bounds or [(0, len(text))]


def _number(claim: Element, fallback: int) -> int:
    raw = claim.get("num") or ""
    digits = re.sub(r"\D", "", raw)
    return int(digits) if digits and len(digits) <= 6 else fallback


def _publication(doc_id: Element | None) -> str | None:
    if doc_id is None:
        return None
    parts = {k: (doc_id.find(k).text().strip() if doc_id.find(k) is not None else "")  # type: ignore[union-attr]
             for k in ("country", "doc-number", "kind")}
    number = parts["doc-number"]
    if re.fullmatch(r"0+\d+", number) and len(number) == 8:
        number = number.lstrip("0")
    return normalise_publication(f"{parts['country']}{number}{parts['kind']}") if number else None


def read_patent_xml(fmt: str, part: str, path: str, offset: int, claims: list[tuple[int, Element]],
                    publication: str | None, title: str | None, notes: list[Diagnostic]) -> Document:
    ids = {(e.get("id") or ""): n for n, e in claims if e.get("id")}
    rendering, marks = render_claims(claims, ids)
    return Document(fmt, part, rendering.text, tuple(rendering.starts), tuple(rendering.ends), marks,
                    publication, title, offset, ocr=False, notes=tuple(notes))


class UsptoReader:
    """USPTO Red Book XML, grants and applications, one document or a weekly bulk file."""

    name: ClassVar[str] = "uspto-xml"
    description: ClassVar[str] = "USPTO Red Book XML (us-patent-grant / us-patent-application, v4.x; bulk files)"

    def can_read(self, head: str) -> bool:
        return root_name(head) in _ROOTS

    def read(self, text: str, path: str) -> list[Document]:
        out: list[Document] = []
        bounds = split_bulk(text)
        for k, (a, b) in enumerate(bounds, 1):
            part = text[a:b]
            where = f"{path} (document {k} of {len(bounds)})" if len(bounds) > 1 else path
            root = parse_markup(part)
            doc = next((e for e in root.kids() if e.name in _ROOTS), None)
            if doc is None:
                raise InputError(f"{where}: not a USPTO patent document (no us-patent-grant or "
                                 "us-patent-application element)")
            biblio = doc.find("us-bibliographic-data-grant") or doc.find("us-bibliographic-data-application")
            pub_ref = biblio.find("publication-reference") if biblio else None
            publication = _publication(pub_ref.find("document-id") if pub_ref else None)
            title_el = biblio.find("invention-title") if biblio else None
            title = " ".join(title_el.text().split()) if title_el else None
            notes: list[Diagnostic] = []
            block = doc.find("claims")
            claims = [(_number(c, i), c) for i, c in enumerate(block.kids("claim") if block else [], 1)]
            declared = biblio.find("number-of-claims") if biblio else None
            if declared is not None and declared.text().strip().isdigit() and int(declared.text()) != len(claims):
                notes.append(Diagnostic("warning", DiagnosticCode.CLAIM_COUNT_MISMATCH,
                                        f"the document declares {int(declared.text())} claims and holds "
                                        f"{len(claims)}", source=where))
            out.append(read_patent_xml(self.name, part, where, a, claims, publication, title, notes))
        return out


class PatdocReader:
    """USPTO grant XML of 2002–2004 (``PATDOC``, ST.32 v2.5)."""

    name: ClassVar[str] = "uspto-patdoc"
    description: ClassVar[str] = "USPTO grant XML 2002-2004 (PATDOC, ST.32 v2.5)"

    def can_read(self, head: str) -> bool:
        return (root_name(head) or "").upper() == "PATDOC"

    def read(self, text: str, path: str) -> list[Document]:
        out: list[Document] = []
        bounds = split_bulk(text)
        for k, (a, b) in enumerate(bounds, 1):
            part = text[a:b]
            where = f"{path} (document {k} of {len(bounds)})" if len(bounds) > 1 else path
            root = parse_markup(part)
            doc = next((e for e in root.kids() if e.name.upper() == "PATDOC"), None)
            if doc is None:
                raise InputError(f"{where}: not a PATDOC document")
            b100 = doc.find("B100")
            publication = None
            if b100 is not None:
                fields = {tag: (b100.find(tag).text().strip() if b100.find(tag) else "")  # type: ignore[union-attr]
                          for tag in ("B110", "B130", "B190")}
                number = fields["B110"].lstrip("0") if len(fields["B110"]) == 8 else fields["B110"]
                publication = normalise_publication(f"{fields['B190'] or 'US'}{number}{fields['B130']}")
            title_el = doc.find("B540")
            title = " ".join(title_el.text().split()) if title_el else None
            block = doc.find("CL")
            claims: list[tuple[int, Element]] = []
            for i, c in enumerate(block.kids("CLM") if block else [], 1):
                digits = re.sub(r"\D", "", c.get("ID") or "")
                claims.append((int(digits) if digits and len(digits) <= 6 else i, c))
            ids = {(e.get("ID") or ""): n for n, e in claims}
            rendering, marks = render_claims(claims, ids)
            out.append(Document(self.name, part, rendering.text, tuple(rendering.starts), tuple(rendering.ends),
                                marks, publication, title, a, ocr=False))
        return out
