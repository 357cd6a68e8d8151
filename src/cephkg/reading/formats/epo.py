"""EPO publication XML (``ep-patent-document``, DTD 1.0–1.7) and WIPO ST.36 XML.

Both derive from WIPO ST.36 and share its claim elements. An EPO B publication carries
its claims three times (German, English, French, in ``claims`` blocks with a ``lang``); the
English block is read, and the others are kept out and named in an info diagnostic. Claim
numbers are the ``num`` attributes (EPO texts carry none); citations are plain text, or
``claim-ref`` elements when present. The publication is the root's ``country``,
``doc-number`` and ``kind`` (EPO) or ``bibliographic-data/publication-reference`` (WIPO);
the title the English ``B542`` (EPO) or ``invention-title`` (WIPO).
"""

from __future__ import annotations

import re
from typing import ClassVar

from ...errors import Diagnostic, DiagnosticCode, InputError
from ..ids import normalise_publication
from .base import Document, root_name
from .markup import Element, parse_markup
from .uspto import read_patent_xml, split_bulk

__all__ = ["EpoReader", "WipoReader"]

_READ_LANGUAGE = "en"


def _numbered(block: Element) -> list[tuple[int, Element]]:
    out: list[tuple[int, Element]] = []
    for i, c in enumerate(block.kids("claim"), 1):
        digits = re.sub(r"\D", "", c.get("num") or "")
        out.append((int(digits) if digits and len(digits) <= 6 else i, c))
    return out


def _english_claims(doc: Element, where: str, notes: list[Diagnostic]) -> list[tuple[int, Element]]:
    """The claims of the English ``claims`` block; other languages are named in a note."""
    default = (doc.get("lang") or "").lower()
    blocks = doc.kids("claims") or doc.find_all("claims")
    chosen: Element | None = None
    others: list[str] = []
    for block in blocks:
        lang = (block.get("lang") or default).lower()
        if lang == _READ_LANGUAGE and chosen is None:
            chosen = block
        else:
            others.append(f"{lang or '?'} ({len(block.kids('claim'))})")
    if others:
        notes.append(Diagnostic("info", DiagnosticCode.OTHER_LANGUAGE_CLAIMS,
                                "claims in other languages are kept out: " + ", ".join(others), source=where))
    if chosen is None:
        if blocks:
            raise InputError(f"{where}: no English claims (claims in "
                             + ", ".join(sorted({(b.get('lang') or default or '?') for b in blocks})) + ")")
        return []
    return _numbered(chosen)


class EpoReader:
    """EPO publication XML (``ep-patent-document``)."""

    name: ClassVar[str] = "epo-xml"
    description: ClassVar[str] = "EPO publication XML (ep-patent-document); English claims"

    def can_read(self, head: str) -> bool:
        return root_name(head) == "ep-patent-document"

    def read(self, text: str, path: str) -> list[Document]:
        out: list[Document] = []
        bounds = split_bulk(text)
        for k, (a, b) in enumerate(bounds, 1):
            part = text[a:b]
            where = f"{path} (document {k} of {len(bounds)})" if len(bounds) > 1 else path
            root = parse_markup(part)
            doc = next((e for e in root.kids() if e.name == "ep-patent-document"), None)
            if doc is None:
                raise InputError(f"{where}: not an ep-patent-document")
            number = doc.get("doc-number") or ""
            b110 = doc.find("B110")
            if not number and b110 is not None:
                number = b110.text().strip()
            kind = doc.get("kind") or (doc.find("B130").text().strip() if doc.find("B130") else "")  # type: ignore[union-attr]
            publication = normalise_publication(f"{doc.get('country') or 'EP'}{number}{kind}") if number else None
            title = None
            b540 = doc.find("B540")
            if b540 is not None:
                lang = ""
                for e in b540.kids():
                    if e.name == "B541":
                        lang = e.text().strip().lower()
                    elif e.name == "B542" and lang == _READ_LANGUAGE:
                        title = " ".join(e.text().split())
                        break
            notes: list[Diagnostic] = []
            claims = _english_claims(doc, where, notes)
            out.append(read_patent_xml(self.name, part, where, a, claims, publication, title, notes))
        return out


class WipoReader:
    """WIPO ST.36 XML (``wo-patent-document``, and the model ``patent-document``)."""

    name: ClassVar[str] = "wipo-xml"
    description: ClassVar[str] = "WIPO ST.36 XML (wo-patent-document / patent-document); English claims"

    def can_read(self, head: str) -> bool:
        return root_name(head) in ("wo-patent-document", "patent-document")

    def read(self, text: str, path: str) -> list[Document]:
        out: list[Document] = []
        bounds = split_bulk(text)
        for k, (a, b) in enumerate(bounds, 1):
            part = text[a:b]
            where = f"{path} (document {k} of {len(bounds)})" if len(bounds) > 1 else path
            root = parse_markup(part)
            doc = next((e for e in root.kids() if e.name in ("wo-patent-document", "patent-document")), None)
            if doc is None:
                raise InputError(f"{where}: not a WIPO ST.36 patent document")
            publication = None
            ref = doc.find("publication-reference")
            doc_id = ref.find("document-id") if ref else None
            if doc_id is not None:
                parts = [(doc_id.find(t).text().strip() if doc_id.find(t) else "")  # type: ignore[union-attr]
                         for t in ("country", "doc-number", "kind")]
                publication = normalise_publication("".join(parts)) if parts[1] else None
            if publication is None and doc.get("doc-number"):
                publication = normalise_publication(f"{doc.get('country') or ''}{doc.get('doc-number')}"
                                                    f"{doc.get('kind') or ''}")
            title = None
            for t in doc.find_all("invention-title"):
                if (t.get("lang") or doc.get("lang") or "").lower() == _READ_LANGUAGE:
                    title = " ".join(t.text().split())
                    break
            notes: list[Diagnostic] = []
            claims = _english_claims(doc, where, notes)
            out.append(read_patent_xml(self.name, part, where, a, claims, publication, title, notes))
        return out
