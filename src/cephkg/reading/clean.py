"""Repair the OCR noise of a claims text, keeping every offset.

The result is a :class:`~cephkg.model.CleanText`: repaired text in which every
character knows the span of the original text it came from, and the list of
repairs made, each with the original it replaced. Line breaks are kept, because
the claims stage reads lost formula images from blank-line gaps.

The first repairs apply to every input: Unicode folded (NFKC, dashes, primes), the USPTO
text notation decoded (``.beta.``, ``.dbd.``, ``R.sup.1``, ``C.sub.1 -4``), variable names
folded (``R^2_a``, ``R<sup>2</sup>``, ``R 2`` → ``R2``). The OCR repairs (margin numbers,
page marks, scanning marks, line-break hyphens, list marks, markup) apply only to text that
may carry them: plain text and web pages, not the text of a patent office's XML.
Every repair is linear in the length of the text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from ..errors import Diagnostic
from ..model import CleanText, Repair, SourceDocument
from .formats.base import Document
from .rules import text_rules

__all__ = ["canonical_variable", "clean"]

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹₀₁₂₃₄₅₆₇₈₉", "01234567890123456789")
_SCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹₀₁₂₃₄₅₆₇₈₉"

# One superscript or subscript part of a variable name, in any of the notations we meet.
_SCRIPT_PART = (
    r"(?:\^\{?[0-9A-Za-z]{1,3}\}?"
    r"|_\{?[0-9A-Za-z]{1,3}\}?"
    r"|<su[pb]>\s*[0-9A-Za-z]{1,3}\s*</su[pb]>"
    r"|\.su[pb]\.(?:[0-9]+|[a-z](?![a-z]))"
    rf"|[{_SCRIPT_DIGITS}]+)"
)
_VARIABLE = re.compile(rf"(?<![A-Za-z0-9])([A-Z])((?:{_SCRIPT_PART})+)")
_PART = re.compile(_SCRIPT_PART)


def canonical_variable(written: str) -> str:
    """``R^2_a``, ``R.sub.a.sup.2``, ``R<sup>2</sup>``, ``R²`` → ``R2a``.

    The canonical name is the letter, then every digit, then every letter index, so
    the same variable written in two notations gets one name.
    """
    written = written.strip()
    base, rest = written[0], written[1:]
    digits, letters = "", ""
    for part in _PART.findall(rest) or [rest]:
        content = re.sub(r"^\.su[pb]\.|</?su[pb]>|[\^_{}\s]", "", part).translate(_SUPERSCRIPTS)
        digits += "".join(ch for ch in content if ch.isdigit())
        letters += "".join(ch for ch in content if ch.isalpha())
    return base + digits + letters


class _MappedText:
    """Text under repair, with the original span of every character."""

    def __init__(self, source: SourceDocument, document: Document | None = None) -> None:
        self.source = source
        if document is not None and document.starts is not None and document.ends is not None:
            self.text = document.text
            self.starts = list(document.starts)
            self.ends = list(document.ends)
        else:
            self.text = source.text
            self.starts = list(range(len(self.text)))
            self.ends = list(range(1, len(self.text) + 1))
        self.repairs: list[Repair] = []

    def sub(self, pattern: str | re.Pattern[str], repl: str | Callable[[re.Match[str]], str | None],
            kind: str, *, record: bool = True, flags: int = 0) -> None:
        """Replace every match; ``repl`` returning ``None`` leaves a match alone."""
        regex = re.compile(pattern, flags) if isinstance(pattern, str) else pattern
        text, pieces, starts, ends, pos = self.text, [], [], [], 0
        for match in regex.finditer(text):
            replacement = repl(match) if callable(repl) else match.expand(repl)
            a, b = match.span()
            if replacement is None or replacement == match.group(0) or b == a:
                continue
            o_start, o_end = self.starts[a], self.ends[b - 1]
            pieces.append(text[pos:a])
            starts.extend(self.starts[pos:a])
            ends.extend(self.ends[pos:a])
            pieces.append(replacement)
            starts.extend([o_start] * len(replacement))
            ends.extend([o_end] * len(replacement))
            if record:
                self.repairs.append(Repair(kind, (o_start, o_end),
                                           self.source.text[o_start:o_end], replacement))
            pos = b
        if not pieces:
            return
        pieces.append(text[pos:])
        starts.extend(self.starts[pos:])
        ends.extend(self.ends[pos:])
        self.text = "".join(pieces)
        self.starts, self.ends = starts, ends

    def result(self, notes: list[Diagnostic], document: Document | None) -> CleanText:
        repairs = tuple(sorted(self.repairs, key=lambda r: (r.span, r.kind)))
        return CleanText(self.source, self.text, tuple(self.starts), tuple(self.ends), repairs,
                         tuple(notes), document.marks if document is not None else ())


def _variable(match: re.Match[str]) -> str:
    return canonical_variable(match.group(0))


def _hyphen(endings: tuple[str, ...]) -> Callable[[re.Match[str]], str]:
    def decide(match: re.Match[str]) -> str:
        left, nxt = match.group(1), match.group(2)
        if not nxt.islower() or not left[-1].isalpha():
            return left + "-"  # a locant, bracket or capital follows: a real hyphen
        word = re.split(r"[^A-Za-z]", left)[-1]
        if any(word.endswith(end) for end in endings):
            return left + "-"
        return left
    return decide


def clean(source: SourceDocument, notes: list[Diagnostic] | None = None,
          document: Document | None = None) -> CleanText:
    """Repair the noise of one document; see ``data/text_rules.toml``.

    ``document`` is what a format reader made of the source (its text mapped back to the
    source, the claims it delimits); without one the source text is read as plain text.
    """
    r = text_rules()
    t = _MappedText(source, document)
    ocr = document.ocr if document is not None else True
    t.sub(r"\r\n?", "\n", "line-ending", record=False)
    if ocr:
        _list_layout(t)
        t.sub(r"\\([*_#~\[\]()])", r"\1", "markdown-escape")
        t.sub(r"~~[^~\n]*~~[ \t]?", "", "struck-text")
        t.sub(r"\\checkmark\s*|✓\s*|\*[a-z]?(?:[ \t]*\d{1,3})?\*[ \t]?", "", "ocr-mark")
    t.sub(r"[^\x00-\x7f]", _unicode(r.unicode_folds), "unicode")
    t.sub(r.dot_codes, lambda m: r.dot_code_values[m.group(0)], "notation")
    t.sub(_VARIABLE, _variable, "variable-notation")
    t.sub(f"[{_SCRIPT_DIGITS}]", lambda m: unicodedata.normalize("NFKC", m.group(0)), "unicode")
    for notation, replacement in r.notations:
        t.sub(notation, replacement, "notation")
    if not ocr:
        return t.result(list(notes or []), document)
    t.sub(r"</?(?:sup|sub|b|i|u|em|strong|br|p|span)\b[^>]*>", "", "markup", flags=re.I)
    t.sub(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);", _html_entity, "html-entity")
    for pattern, replacement, _why in r.name_fixes:
        t.sub(pattern, replacement, "name-fix")
    # Page marks and margin line numbers.
    t.sub(r"(?m)^[ \t]*\d{1,5}(?:[ \t]*/[ \t]*\d{1,5})?[ \t]*$", "", "page-mark")
    t.sub(r"(?m)^[ \t]*-[ \t]*\d{1,3}(?![\d.)])(?:[ \t]+[B-HJ-Z](?=[ \t\n]))?[ \t]*(?=\S|$)", "",
          "margin-number")
    keepers = "|".join(r.number_keepers)
    t.sub(rf"(?m)^[ \t]*(?:\d{{1,3}}[ \t]+)+(?=\S)(?!(?:{keepers})\b)", "", "margin-number")
    trailing = "|".join(r.trailing_marks)
    t.sub(rf"(?m)^[ \t]*(?:{trailing})[ \t]*$", "", "trailing-mark")
    # A hyphen at a line end: joined to the next line, kept or removed. (The look-behind makes
    # every attempt start at the beginning of a word: linear in the text.)
    t.sub(r"(?<![\w)\]])([\w)\]]+)-[ \t]*\n\s*(?=(\S))", _hyphen(r.morpheme_endings), "hyphenation")
    return t.result(list(notes or []), document)


_SCRIPTS = frozenset(_SCRIPT_DIGITS)


def _unicode(folds: dict[str, str]) -> Callable[[re.Match[str]], str | None]:
    """NFKC and the folds of ``text_rules.toml`` for one non-ASCII character (script digits left alone)."""
    def fold(match: re.Match[str]) -> str | None:
        ch = match.group(0)
        if ch in folds:
            return folds[ch]
        if ch in _SCRIPTS:
            return None
        value = unicodedata.normalize("NFKC", ch)
        return None if value == ch else value
    return fold


def _list_layout(t: _MappedText) -> None:
    """Remove the list marks of a page that writes every line as a list item."""
    r = text_rules()
    lines = [line for line in t.text.split("\n") if line.strip()]
    marked = sum(1 for line in lines if r.list_prefix.match(line))
    if lines and marked >= 2 and marked >= r.list_share * len(lines):
        t.sub(r.list_prefix, "", "list-marker")


def _html_entity(match: re.Match[str]) -> str | None:
    import html

    value = html.unescape(match.group(0))
    return None if value == match.group(0) else value

