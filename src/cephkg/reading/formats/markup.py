"""A small, linear, offset-keeping reader of XML and HTML markup.

The patent-office readers need what no standard parser gives: for every character of a
claim, where it stands in the file. This module scans markup once with regular
expressions into a tree of :class:`Element` whose text pieces keep their offsets in the
decoded file, and renders chosen elements as :class:`Rendering` pieces that still know the
file span of every character.

It is deliberately not a validating XML parser: it never reads a DTD, never fetches
anything, never expands an entity other than XML's five, numeric character references and
the HTML/ISO named entities (``&deg;``, ``&bgr;`` of old USPTO files), and it recovers from
HTML's unclosed elements (``<img>``, ``<br>``, ``<p>``) instead of failing. Work is linear in
the size of the input.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from ...model import Span

__all__ = ["TOKEN", "Element", "Piece", "Rendering", "decode_entities", "iter_elements", "parse_markup", "text_pieces"]

TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)"                      # comment (an unclosed one runs to the end)
    r"|<!\[CDATA\[.*?(?:\]\]>|\Z)"            # CDATA section
    r"|<\?.*?(?:\?>|\Z)"                      # processing instruction, XML declaration
    r"|<!DOCTYPE(?:[^\[>]|\[.*?\])*>"         # doctype, with an internal subset
    r"|</[A-Za-z_][\w:.-]*\s*>"               # end tag
    r"|<[A-Za-z_][\w:.-]*(?:\s+[^<>\"'=\s/]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'<>]+))?)*\s*/?>",  # start tag
    re.S | re.I,
)
_NAME = re.compile(r"</?([A-Za-z_][\w:.-]*)")
_ATTR = re.compile(r"([^<>\"'=\s/]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'<>]+)))?")
_ENTITY = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# HTML elements that never have content, and those an HTML page leaves unclosed.
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
                   "source", "track", "wbr"})
_RAW = frozenset({"script", "style"})
# ISO 8879 entity names of old USPTO files (ISOgrk1 and a few of ISOnum/ISOpub) that HTML lacks.
_ISO = {"agr": "α", "bgr": "β", "ggr": "γ", "dgr": "δ", "egr": "ε", "zgr": "ζ", "eegr": "η", "thgr": "θ",
        "igr": "ι", "kgr": "κ", "lgr": "λ", "mgr": "μ", "ngr": "ν", "xgr": "ξ", "ogr": "ο", "pgr": "π",
        "rgr": "ρ", "sgr": "σ", "tgr": "τ", "ugr": "υ", "phgr": "φ", "khgr": "χ", "psgr": "ψ", "ohgr": "ω",
        "Agr": "Α", "Bgr": "Β", "Ggr": "Γ", "Dgr": "Δ", "Egr": "Ε", "Lgr": "Λ", "Pgr": "Π", "Sgr": "Σ",
        "PHgr": "Φ", "OHgr": "Ω", "mdash": "—", "ndash": "–", "minus": "−", "plusmn": "±", "deg": "°",
        "times": "×", "prime": "′", "Prime": "″", "lsquo": "‘", "rsquo": "’", "ldquo": "“", "rdquo": "”"}


@dataclass(slots=True)
class Element:
    """One element: its name (lower-case), attributes, children and text pieces, with offsets.

    ``children`` mixes :class:`Element` and ``(text, start)`` runs of character data in
    document order; ``start``/``end`` are the offsets of the start tag's ``<`` and of the end
    of the end tag (or of the start tag for an empty element).
    """

    name: str
    attrs: dict[str, str]
    start: int
    tag_end: int
    end: int = -1
    children: list[Element | tuple[str, int]] = field(default_factory=list)
    parent: Element | None = None

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attrs.get(name, default)

    def find(self, name: str) -> Element | None:
        """The first descendant called ``name``."""
        for e in iter_elements(self):
            if e is not self and e.name == name:
                return e
        return None

    def find_all(self, name: str) -> list[Element]:
        return [e for e in iter_elements(self) if e is not self and e.name == name]

    def kids(self, name: str | None = None) -> list[Element]:
        return [c for c in self.children if isinstance(c, Element) and (name is None or c.name == name)]

    def text(self) -> str:
        """All character data inside, entities decoded, with no separators added."""
        out: list[str] = []
        stack: list[Element | tuple[str, int]] = [self]
        while stack:
            node = stack.pop()
            if isinstance(node, Element):
                stack.extend(reversed(node.children))
            else:
                out.append(decode_entities(node[0]))
        return "".join(out)


def iter_elements(root: Element) -> Iterator[Element]:
    """``root`` and every element under it, in document order (no recursion)."""
    stack: list[Element] = [root]
    while stack:
        e = stack.pop()
        yield e
        stack.extend(reversed(e.kids()))


def _entity(name: str) -> str | None:
    if name.startswith("#"):
        try:
            code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
            return chr(code) if 0 < code < 0x110000 and not 0xD800 <= code < 0xE000 else None
        except ValueError:
            return None
    if name in _ISO:
        return _ISO[name]
    value = html.unescape(f"&{name};")
    return None if value == f"&{name};" else value


def decode_entities(text: str) -> str:
    return _ENTITY.sub(lambda m: _entity(m.group(1)) or m.group(0), text)


def parse_markup(text: str, start: int = 0, end: int | None = None, *, html_mode: bool = False) -> Element:
    """Scan ``text[start:end]`` into a tree under a synthetic root named ``#document``.

    ``html_mode`` lower-cases names, closes void elements and skips script/style content.
    Unbalanced end tags close the nearest open element of that name, or are ignored.
    """
    stop = len(text) if end is None else end
    root = Element("#document", {}, start, start, stop)
    stack = [root]
    pos = start
    skip_until = start  # the end of a script/style element whose content is not markup
    for m in TOKEN.finditer(text, start, stop):
        a, b = m.span()
        if a < skip_until:
            continue
        if a > pos:
            stack[-1].children.append((text[pos:a], pos))
        pos = b
        token = m.group(0)
        if token.startswith("<![CDATA["):
            body = token[9:-3] if token.endswith("]]>") else token[9:]
            stack[-1].children.append((body.replace("&", "&amp;"), a + 9))
            continue
        if token.startswith(("<!", "<?")):
            continue
        name_match = _NAME.match(token)
        if name_match is None:  # pragma: no cover - the token pattern guarantees a name
            continue
        name = name_match.group(1)
        if html_mode:
            name = name.lower()
        if token.startswith("</"):
            for k in range(len(stack) - 1, 0, -1):
                if stack[k].name == name:
                    for e in stack[k:]:
                        e.end = b if e is stack[k] else a
                    del stack[k:]
                    break
            continue
        attrs: dict[str, str] = {}
        for am in _ATTR.finditer(token, name_match.end(), len(token) - (2 if token.endswith("/>") else 1)):
            value = am.group(2) if am.group(2) is not None else am.group(3) if am.group(3) is not None else am.group(4)
            key = am.group(1).lower() if html_mode else am.group(1)
            attrs[key] = decode_entities(value or "")
        element = Element(name, attrs, a, b, parent=stack[-1])
        stack[-1].children.append(element)
        if token.endswith("/>") or (html_mode and name in _VOID):
            element.end = b
        elif html_mode and name in _RAW:
            close = re.compile(rf"</{name}\s*>", re.I).search(text, b, stop)
            element.end = close.end() if close else stop
            pos = skip_until = element.end
        else:
            stack.append(element)
    if pos < stop:
        stack[-1].children.append((text[pos:stop], pos))
    for e in stack[1:]:
        e.end = stop
    return root


# --------------------------------------------------------------------------------------
# Rendering: chosen elements as text that keeps the file span of every character


@dataclass(slots=True)
class Piece:
    """A run of rendered text and the file span every one of its characters stands for.

    ``span`` is ``None`` for a run copied verbatim from the file at ``at`` (one character
    per character); otherwise the whole run maps onto ``span`` (a decoded entity, a
    placeholder standing for an image, a separator standing for a tag).
    """

    text: str
    at: int = 0
    span: Span | None = None


@dataclass(slots=True)
class Rendering:
    """Text built from pieces, with ``starts``/``ends``: the file span of each character."""

    text: str
    starts: list[int]
    ends: list[int]

    @classmethod
    def of(cls, pieces: list[Piece]) -> Rendering:
        out: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        for p in pieces:
            if not p.text:
                continue
            out.append(p.text)
            if p.span is None:
                starts.extend(range(p.at, p.at + len(p.text)))
                ends.extend(range(p.at + 1, p.at + len(p.text) + 1))
            else:
                starts.extend([p.span[0]] * len(p.text))
                ends.extend([p.span[1]] * len(p.text))
        return cls("".join(out), starts, ends)


def text_pieces(run: str, at: int) -> list[Piece]:
    """Character data as pieces: verbatim runs, and each entity decoded onto its own span."""
    pieces: list[Piece] = []
    pos = 0
    for m in _ENTITY.finditer(run):
        value = _entity(m.group(1))
        if value is None:
            continue
        if m.start() > pos:
            pieces.append(Piece(run[pos:m.start()], at + pos))
        pieces.append(Piece(value, 0, (at + m.start(), at + m.end())))
        pos = m.end()
    if pos < len(run):
        pieces.append(Piece(run[pos:], at + pos))
    return pieces
