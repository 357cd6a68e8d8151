"""One claim's text with whitespace collapsed, mapped back to the original characters.

Also the bracket-aware scanning helpers the claim reader uses: a separator inside
parentheses or brackets never splits a group term or a name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import CleanText, Span

__all__ = ["ClaimView", "depth_at", "first_at_depth0", "split_top"]


@dataclass(slots=True)
class ClaimView:
    clean: CleanText
    text: str
    index: list[int]

    @classmethod
    def of(cls, clean: CleanText, start: int, end: int) -> ClaimView:
        out: list[str] = []
        index: list[int] = []
        space = False
        for i in range(start, end):
            ch = clean.text[i]
            if ch.isspace():
                space = bool(out)
                continue
            if space:
                out.append(" ")
                index.append(i - 1)
                space = False
            out.append(ch)
            index.append(i)
        return cls(clean, "".join(out), index)

    def span(self, i: int, j: int) -> Span:
        if j <= i:
            k = self.index[i] if i < len(self.index) else (self.index[-1] + 1 if self.index else 0)
            return self.clean.original_span(k, k)
        return self.clean.original_span(self.index[i], self.index[j - 1] + 1)

    def original(self, i: int, j: int) -> str:
        a, b = self.span(i, j)
        return self.clean.source.text[a:b]

    def line_ends_after(self, j: int) -> bool:
        """Whether the clean text breaks the line right after view position ``j``."""
        if j <= 0 or j > len(self.index):
            return j >= len(self.index)
        k = self.index[j - 1] + 1
        text = self.clean.text
        while k < len(text) and text[k] in " \t":
            k += 1
        return k >= len(text) or text[k] == "\n"


def _advance(text: str, start: int, pos: int, depth: int) -> int:
    """The bracket depth at ``pos`` given ``depth`` at ``start`` (a closing bracket never goes below 0)."""
    for ch in text[start:pos]:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
    return depth


def depth_at(text: str, start: int, pos: int) -> int:
    """The bracket depth at ``pos``, counting from ``start`` (depth 0 there)."""
    return _advance(text, start, pos, 0)


def first_at_depth0(regex: re.Pattern[str], text: str, start: int, stop: int | None = None) -> re.Match[str] | None:
    """The first match of ``regex`` in ``text[start:stop]`` outside brackets opened after ``start``.

    One pass over the text: the depth is carried from match to match, never recounted.
    """
    depth, at = 0, start
    for m in regex.finditer(text, start, len(text) if stop is None else stop):
        depth, at = _advance(text, at, m.start(), depth), m.start()
        if depth == 0:
            return m
    return None


def split_top(text: str, separators: re.Pattern[str]) -> list[tuple[int, int]]:
    """Split at separators outside brackets; returns (start, end) pieces (one pass over the text)."""
    pieces, start = [], 0
    depth, at = 0, 0
    for m in separators.finditer(text):
        depth, at = _advance(text, at, m.start(), depth), m.start()
        if depth == 0:
            pieces.append((start, m.start()))
            start = m.end()
    pieces.append((start, len(text)))
    return pieces
