"""Web pages: a saved Google Patents page (claims by number), and any other HTML page as text.

A saved Google Patents page marks its claims section ``<section itemprop="claims">``; inside
it each claim is the outermost element with a ``num`` attribute (``div.claim[num]`` or a
``claim[num]`` custom element), with ``claim-ref`` citations and ``img`` formulas. The
publication is the *first* ``itemprop="publicationNumber"`` (later ones are cited patents). A
machine-translated page keeps the original in ``span.google-src-text``: it is dropped, and
the claims are flagged as machine translated.

Any other HTML page (Justia, patentcut, trea, CIPO, an EPO decision) is turned into text —
scripts and styles dropped, block elements and ``<br>`` as line breaks, entities decoded,
every character still mapped to the page — and read as plain text.
"""

from __future__ import annotations

import re
from typing import ClassVar

from ...errors import Diagnostic, DiagnosticCode, InputError
from ..ids import normalise_publication
from .base import Document
from .markup import Element, Piece, Rendering, iter_elements, parse_markup, text_pieces
from .render import render_claims

__all__ = ["GooglePatentsReader", "HtmlReader", "html_text"]

_HTML = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!DOCTYPE\s+html|html|head|body|meta|title)\b", re.I | re.S)
_GOOGLE = re.compile(r"""itemprop\s*=\s*["']claims["']""", re.I)
_GOOGLE_PAGE = re.compile(r"""<link[^>]+rel\s*=\s*["']canonical["'][^>]+patents\.google\.com"""
                          r"""|<title>[^<]*- Google Patents\s*</title>""", re.I)
_NO_TEXT = frozenset({"head", "script", "style", "noscript", "template", "svg"})
_LINE = frozenset({"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "dd", "dt", "section",
                   "article", "table", "ul", "ol", "pre", "blockquote", "hr", "claim", "claim-text",
                   "claim-statement", "header", "footer", "nav", "aside", "main", "form", "dl", "td", "th"})


def _looks_like_html(head: str) -> bool:
    return bool(_HTML.match(head))


def html_text(root: Element) -> Rendering:
    """The visible text of a page: block elements as line breaks, offsets kept."""
    pieces: list[Piece] = []
    stack: list[Element | tuple[str, int] | int] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, int):
            pieces.append(Piece("\n", 0, (node, node)))
            continue
        if isinstance(node, tuple):
            pieces.extend(text_pieces(*node))
            continue
        if node.name in _NO_TEXT:
            continue
        block = node.name in _LINE
        if block:
            pieces.append(Piece("\n", 0, (node.start, node.start)))
            stack.append(max(node.end, node.tag_end))
        stack.extend(reversed(node.children))
    return Rendering.of(pieces)


class GooglePatentsReader:
    """A saved Google Patents page (``section[itemprop=claims]``)."""

    name: ClassVar[str] = "google-patents"
    description: ClassVar[str] = "a saved Google Patents page (HTML)"

    def can_read(self, head: str) -> bool:
        return _looks_like_html(head) and bool(_GOOGLE.search(head) or _GOOGLE_PAGE.search(head))

    def read(self, text: str, path: str) -> list[Document]:
        root = parse_markup(text, html_mode=True)
        section = next((e for e in iter_elements(root) if e.name == "section" and e.get("itemprop") == "claims"), None)
        if section is None:
            raise InputError(f"{path}: a Google Patents page without a claims section")
        notes: list[Diagnostic] = []
        if any(e.get("itemprop") == "translatedLanguage" for e in iter_elements(section)) or any(
                e.get("load-source") == "google" for e in iter_elements(section)):
            language = next((e.text().strip() for e in iter_elements(section)
                             if e.get("itemprop") == "translatedLanguage"), "another language")
            notes.append(Diagnostic("warning", DiagnosticCode.MACHINE_TRANSLATED,
                                    f"the claims are Google's machine translation from {language}; "
                                    "the original text is kept out", source=path))
        claims: list[tuple[int, Element]] = []
        stack = [section]
        while stack:
            e = stack.pop()
            num = e.get("num")
            if num is not None and e is not section and e.name not in ("p",) and re.fullmatch(r"\d{1,6}", num):
                claims.append((int(num), e))
                continue
            stack.extend(reversed(e.kids()))
        ids = {(e.get("id") or ""): n for n, e in claims if e.get("id")}
        rendering, marks = render_claims(claims, ids, drop_class="google-src-text")
        publication = None
        first = next((e for e in iter_elements(root) if e.get("itemprop") == "publicationNumber"), None)
        if first is not None:
            publication = normalise_publication(first.text().strip())
        title = None
        meta = next((e for e in iter_elements(root) if e.name == "meta" and (e.get("name") or "").lower() == "dc.title"),
                    None)
        if meta is not None and (meta.get("content") or "").strip():
            title = " ".join((meta.get("content") or "").split())
        return [Document(self.name, text, rendering.text, tuple(rendering.starts), tuple(rendering.ends), marks,
                         publication, title, 0, ocr=False, notes=tuple(notes))]


class HtmlReader:
    """Any other web page: its visible text, read as plain text."""

    name: ClassVar[str] = "html"
    description: ClassVar[str] = "a web page (HTML), read as its visible text"

    def can_read(self, head: str) -> bool:
        return _looks_like_html(head)

    def read(self, text: str, path: str) -> list[Document]:
        root = parse_markup(text, html_mode=True)
        rendering = html_text(root)
        title_el = root.find("title")
        title = " ".join(title_el.text().split()) if title_el is not None else None
        return [Document(self.name, text, rendering.text, tuple(rendering.starts), tuple(rendering.ends),
                         title=title or None)]

