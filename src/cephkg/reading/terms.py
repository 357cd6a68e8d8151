"""Repairs of group terms that only undo OCR damage, against a lexicon of known words.

A claim's group term ("lower alkoxycarbonyl") may reach us damaged by OCR: a letter read as
a digit (``1ower``, ``amin0``), ``rn`` for ``m`` (``arnino``), a doubled or dropped letter
(``phthalidylloxycarbonyl``), a word split by a space. Such damage is repaired only when

* the damaged word is not itself a known word (``data/lexicon.toml``: listed words, the
  words of the substituent vocabulary, and every word made of known morphemes) — so
  ``imino``, ``amido``, ``acyl``, ``alkenyl`` are never touched, whatever they resemble;
* exactly one variant of it, by one of the damages above, is a known word.

Nothing else is changed: a term is never replaced by a "nearest" term, and a spelling the
substituent vocabulary knows under another name keeps the claim's own spelling. The claim
reader records every repair with its original and warns when letters changed.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterator
from functools import cache

from ..resources import load_data

__all__ = ["Lexicon", "lexicon_repairer"]

_TOKEN = re.compile(r"[A-Za-z0-9|]+|[^A-Za-z0-9|]+")
_CONFUSIONS = {"1": ("l", "i"), "I": ("l",), "|": ("l",), "0": ("o",), "O": ("o",), "l": ("i",), "i": ("l",)}
_PAIRS = (("rn", "m"), ("m", "rn"), ("cl", "d"), ("vv", "w"), ("ii", "u"))
# Words outside these lengths are never repaired: too short to tell, or longer than any word of
# chemical nomenclature (which keeps the work per word bounded: a variant is checked in
# time linear in its length, and a word has a number of variants linear in its length).
_MIN_WORD, _MAX_WORD = 4, 64


class Lexicon:
    """Known words: listed ones, and those made of known morphemes."""

    def __init__(self, words: set[str], morphemes: set[str]) -> None:
        self._words = frozenset(words)
        self._morphemes = frozenset(morphemes)
        self._longest = max((len(m) for m in morphemes), default=0)
        self._known: dict[str, bool] = {}

    @classmethod
    @cache
    def load(cls) -> Lexicon:
        """The packaged lexicon, with the words of the substituent vocabulary (loaded once)."""
        data = load_data("lexicon.toml")
        vocabulary = load_data("substituents.toml")
        words = set(data["words"])
        morphemes = set(data["morphemes"])
        for term in vocabulary.get("term", []):
            for spelling in (term["label"], *term.get("synonyms", []), *term.get("prefixes", [])):
                for w in re.findall(r"[A-Za-z]+", spelling):
                    words.add(w.lower())
                    if len(w) >= 3:
                        morphemes.add(w.lower())
        return cls(words, morphemes)

    def known(self, word: str) -> bool:
        """Whether ``word`` (any case) is a known word."""
        w = word.lower()
        if w in self._known:
            return self._known[w]
        ok = w in self._words or (len(w) <= _MAX_WORD and w.isalpha() and w.isascii() and self._segmentable(w))
        self._known[w] = ok
        return ok

    def _segmentable(self, w: str) -> bool:
        reach = [False] * (len(w) + 1)
        reach[0] = True
        for i in range(len(w)):
            if not reach[i]:
                continue
            for j in range(i + 2, min(len(w), i + self._longest) + 1):
                if w[i:j] in self._morphemes:
                    reach[j] = True
        return reach[len(w)]

    def repair_word(self, word: str) -> str | None:
        """The one known word ``word`` is an OCR variant of, if it is unknown and there is one."""
        if not _MIN_WORD <= len(word) <= _MAX_WORD or self.known(word) or word.isdigit() \
                or not any(c.isalpha() for c in word):
            return None
        if re.fullmatch(r"[A-Za-z]{1,2}\d+[a-z]?", word):
            return None  # a symbol or formula token (C1, R2a, CH2), never a word
        for tier in (_confused, _undoubled, _restored):  # the likelier damage first
            found = {v for v in tier(word) if self.known(v)}
            if found:
                return found.pop() if len(found) == 1 else None
        return None


def _confused(word: str) -> Iterator[str]:
    """Letters read as digits or as other letters: l/1/I/i, O/0, rn/m, cl/d, vv/w."""
    for i, ch in enumerate(word):
        for repl in _CONFUSIONS.get(ch, ()):
            yield word[:i] + repl + word[i + 1:]
    for a, b in _PAIRS:
        start = word.find(a)
        while start >= 0:
            yield word[:start] + b + word[start + len(a):]
            start = word.find(a, start + 1)


def _undoubled(word: str) -> Iterator[str]:
    """A letter printed twice."""
    for i in range(1, len(word)):
        if word[i] == word[i - 1] and word[i].isalpha():
            yield word[:i] + word[i + 1:]


def _restored(word: str) -> Iterator[str]:
    """A letter lost."""
    if word.isalpha() and word.islower():
        for i in range(len(word) + 1):
            for ch in string.ascii_lowercase:
                yield word[:i] + ch + word[i:]


def repair(term: str, lexicon: Lexicon) -> str | None:
    """``term`` with its OCR-damaged words repaired, or ``None`` when nothing needs repair."""
    tokens = _TOKEN.findall(term)
    changed = False
    out: list[str] = []
    k = 0
    while k < len(tokens):
        tok = tokens[k]
        if tok[0].isalnum() or tok[0] == "|":
            if not lexicon.known(tok) and k + 2 < len(tokens) and tokens[k + 1] == " ":
                nxt = tokens[k + 2]
                if nxt[0].isalpha() and not lexicon.known(nxt) and lexicon.known(tok + nxt):
                    out.append(tok + nxt)  # a word split by a space
                    changed = True
                    k += 3
                    continue
            fixed = lexicon.repair_word(tok)
            if fixed is not None:
                out.append(_keep_case(tok, fixed))
                changed = True
                k += 1
                continue
        out.append(tok)
        k += 1
    return "".join(out) if changed else None


def _keep_case(original: str, fixed: str) -> str:
    """A capitalised word stays capitalised, unless its capital was the damage (``Iower``)."""
    if original[:1].isupper() and original[1:2].islower() and fixed[:1] == original[:1].lower():
        return fixed[:1].upper() + fixed[1:]
    return fixed


@cache
def lexicon_repairer() -> Callable[[str], str | None]:
    """The group-term repairer of the reading stage (one per process)."""
    lexicon = Lexicon.load()

    def repair_term(term: str) -> str | None:
        return repair(term, lexicon)

    return repair_term
