"""Claims of a patent-office XML (or a saved page's HTML) as text that keeps its offsets.

The three patent-office formats (USPTO Red Book, EPO, WIPO ST.36) share the claim
elements of WIPO ST.36: ``claims/claim[@num]/claim-text`` with mixed content, ``claim-ref``
for citations, ``chemistry``/``maths``/``img`` for formulas, ``sup``/``sub`` and friends
inline. Each claim is rendered as ``"<n>. "``-free text in which

* character data is copied (entities decoded, every whitespace character as a space);
* inline elements are flattened without added spaces (``R<sup>1 </sup>is`` → ``R1 is``);
* block elements (a nested ``claim-text``, ``p``, ``br``, ``div``) are one space;
* a formula image (``chemistry``, ``maths``, an ``img`` outside them) is the placeholder
  ``[chem N]`` and a table ``[table N]``, N counted per claim, standing for the element.

Claims are separated by a blank line; each becomes a :class:`~cephkg.model.ClaimMark`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ...model import ClaimMark
from .markup import Element, Piece, Rendering, text_pieces

__all__ = ["INLINE", "render_claims", "render_inline"]

INLINE = frozenset({"sup", "sub", "sup2", "sub2", "b", "i", "u", "o", "smallcaps", "claim-ref", "span", "em",
                    "strong", "highlight", "bold", "italic", "superscript", "subscript", "pdat", "b-", "crossref",
                    "figref", "dependent-claim-reference", "clref", "sb", "sp", "a", "font"})
_FORMULAS = frozenset({"chemistry", "maths", "img", "chemistry-cwu", "chem-us", "emi", "math"})
_TABLES = frozenset({"tables", "table"})
_SKIP = frozenset({"script", "style"})
_WS = str.maketrans("\t\n\r\f\v\u00a0", "      ")


def render_inline(element: Element, pieces: list[Piece], counts: dict[str, int], refs: list[str],
                  skip: frozenset[str] = frozenset(), drop_class: str | None = None) -> None:
    """Append ``element``'s content to ``pieces`` (no recursion: an explicit stack)."""
    stack: list[Element | tuple[str, int] | int] = list(reversed(element.children))
    while stack:
        node = stack.pop()
        if isinstance(node, int):  # the end of a block element (its end offset): a space
            pieces.append(Piece(" ", 0, (node, node)))
            continue
        if isinstance(node, tuple):
            run, at = node
            for p in text_pieces(run, at):
                pieces.append(Piece(p.text.translate(_WS), p.at, p.span))
            continue
        name = node.name.lower()
        if name in skip or name in _SKIP:
            continue
        if drop_class is not None and drop_class in (node.get("class") or "").split():
            continue
        if name in {"claim-ref", "clref", "dependent-claim-reference"}:
            target = node.get("idref") or node.get("id") or node.get("depends_on") or ""
            refs.extend(target.split())
        if name in _FORMULAS or name in _TABLES:
            kind = "table" if name in _TABLES else "chem"
            counts[kind] = counts.get(kind, 0) + 1
            pieces.append(Piece(f" [{kind} {counts[kind]}] ", 0, (node.start, max(node.end, node.tag_end))))
            continue
        if name in INLINE:
            stack.extend(reversed(node.children))
            continue
        # a block element: a space before and after its content
        pieces.append(Piece(" ", 0, (node.start, node.tag_end)))
        stack.append(max(node.end, node.tag_end))
        stack.extend(reversed(node.children))


_LEAD = re.compile(r"\s*(?:claim\s+)?(\d{1,6})\s*[.)]\s*", re.I)


def render_claims(claims: Iterable[tuple[int, Element]], ids: dict[str, int], *,
                  skip: frozenset[str] = frozenset(), drop_class: str | None = None
                  ) -> tuple[Rendering, tuple[ClaimMark, ...]]:
    """Render numbered claim elements; ``ids`` maps claim element ids to claim numbers."""
    pieces: list[Piece] = []
    marks: list[ClaimMark] = []
    for number, element in claims:
        if pieces:
            pieces.append(Piece("\n\n", 0, (element.start, element.start)))
        counts: dict[str, int] = {}
        refs: list[str] = []
        mine: list[Piece] = []
        render_inline(element, mine, counts, refs, skip, drop_class)
        pieces.extend(_trim(mine))
        cites = tuple(dict.fromkeys(ids[r] for r in refs if r in ids))
        marks.append(ClaimMark(number, (element.start, max(element.end, element.tag_end)), cites))
    return Rendering.of(pieces), tuple(marks)


def _trim(pieces: list[Piece]) -> list[Piece]:
    """Drop leading and trailing whitespace and fold runs of spaces (offsets kept)."""
    out: list[Piece] = []
    last_space = True
    for p in pieces:
        if not p.text:
            continue
        if p.span is not None:
            text = p.text
            if text.isspace():
                if last_space:
                    continue
                out.append(Piece(" ", 0, p.span))
                last_space = True
                continue
            if last_space:
                text = text.lstrip(" ")
            out.append(Piece(text, 0, p.span))
            last_space = text.endswith(" ")
            continue
        # a verbatim run: keep single spaces, drop repeated ones, one character per character
        chars: list[Piece] = []
        start = 0
        for i, ch in enumerate(p.text):
            if ch == " " and last_space:
                if i > start:
                    chars.append(Piece(p.text[start:i], p.at + start))
                start = i + 1
                continue
            last_space = ch == " "
        if start < len(p.text):
            chars.append(Piece(p.text[start:], p.at + start))
        out.extend(chars)
    while out and out[-1].text.endswith(" "):
        last = out.pop()
        text = last.text.rstrip(" ")
        if text:
            out.append(Piece(text, last.at, last.span))
            break
    return out
