"""Claim segmentation: where each numbered claim starts and ends.

Three cases, in order:

* a structured format delimits its claims itself (``CleanText.marks``): each mark is a claim;
* a claim quoted in prose (an EPO decision: ``Claim 1 reading as follows: "…"``) is a claim;
* otherwise claims are found by their numbers, read as a sequence — which is how a claim
  number (``- 15 2. A compound``) is told from a margin number. Gaps, numbers out of
  sequence and duplicates are recorded warnings and no text is lost.

The claims of a page start after its claims header (``What is claimed is:``, the CIPO
preamble, ``Claims`` when claim 1 follows) — an abstract before it never makes claims —
and end where the page goes on with other text (``text_rules.toml`` ``claims_end``).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from ..errors import Diagnostic, DiagnosticCode
from ..model import CleanText
from .limits import MAX_CLAIM_NUMBER
from .rules import claim_rules, text_rules

__all__ = ["Segment", "claims_start", "segment"]


@dataclass(frozen=True, slots=True)
class Segment:
    number: int
    start: int  # clean-text index of the claim number
    body: int  # clean-text index of the claim's first word
    end: int
    cites: tuple[int, ...] = ()  # claims the format itself says it cites (XML claim-ref)


def _next_line_opens_claim_1(text: str, pos: int) -> bool:
    m = re.compile(r"\s*").match(text, pos)
    at = m.end() if m else pos
    line_start = text.rfind("\n", 0, at) + 1
    n = claim_rules().claim_number_line.match(text, line_start)
    return n is not None and n.group("num") == "1"


def claims_start(clean: CleanText) -> tuple[int, str | None]:
    """Where the claims begin (after the claims header) and the header's words."""
    text = clean.text
    r = claim_rules()
    strong = r.strong_header.search(text)
    if strong is not None:
        whole = r.claims_header.search(text, 0, strong.start())
        if whole is not None and _is_strong(whole.group("h")):
            return whole.end(), whole.group("h").strip()
        return strong.end(), strong.group("h").strip()
    for m in r.claims_header.finditer(text):
        if _is_strong(m.group("h")) or _next_line_opens_claim_1(text, m.end()):
            return m.end(), m.group("h").strip()
    return 0, None


def _is_strong(header: str) -> bool:
    return claim_rules().strong_header_words.fullmatch(header.strip()) is not None


def _end_of(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _marked(clean: CleanText) -> list[Segment]:
    """The claims a structured format delimits, mapped onto the clean text."""
    starts = clean.starts
    text = clean.text
    out: list[Segment] = []
    for mark in clean.marks:
        a = bisect.bisect_left(starts, mark.span[0])
        b = bisect.bisect_left(starts, mark.span[1], a)
        while a < b and text[a].isspace():
            a += 1
        lead = re.compile(rf"(?:claim\s+)?0*{mark.number}\s*[.)]\s*", re.I).match(text, a, b)
        body = lead.end() if lead else a
        out.append(Segment(mark.number, a, body, _end_of(text, body, b), mark.cites))
    return out


def _quoted(clean: CleanText, notes: list[Diagnostic], source: str) -> list[Segment]:
    r = claim_rules()
    text = clean.text
    out: list[Segment] = []
    for m in r.quoted_claim.finditer(text):
        stop = r.quoted_claim_end.search(text, m.end())
        end = stop.start() if stop else len(text)
        number = int(m.group("num"))
        if any(s.number == number for s in out):
            continue
        out.append(Segment(number, m.start("num"), m.end(), _end_of(text, m.end(), end)))
    return out


def segment(clean: CleanText, source: str, notes: list[Diagnostic]) -> tuple[list[Segment], str | None]:
    """The claims of a cleaned document, in file order, and the claims header found."""
    if clean.marks:
        return _marked(clean), None
    start, header = claims_start(clean)
    if header is None:
        quoted = _quoted(clean, notes, source)
        if quoted:
            return quoted, None
    text = clean.text
    cands: list[tuple[int, int, int, bool, int]] = []  # pos, body, num, strong, where the line starts
    r = claim_rules()
    for regex, strong in ((r.claim_number_line, True), (r.inline_claim_number, False)):
        for m in regex.finditer(text, start):
            num = int(m.group("num"))
            if num > MAX_CLAIM_NUMBER:
                if strong:
                    notes.append(Diagnostic("warning", DiagnosticCode.CLAIM_NUMBER_TOO_LARGE,
                                            f"{m.group('num')} is not read as a claim number (claim numbers run to "
                                            f"{MAX_CLAIM_NUMBER:,}); its text stays with the claim before it",
                                            source=source, span=clean.original_span(m.start("num"), m.end("num"))))
                continue
            cands.append((m.start("num"), m.end(), num, strong, m.start()))
    cands.sort()
    last_at: dict[int, int] = {}
    for i, c in enumerate(cands):
        last_at[c[2]] = i
    accepted: list[tuple[int, int, int, int]] = []
    seen: set[int] = set()
    expected = 1
    for i, (pos, body, num, strong, cut) in enumerate(cands):
        if num == expected:
            pass
        elif num > expected:
            opener = r.claim_opener.match(text, body)
            if not strong or (opener is None and last_at.get(expected, -1) > i):
                continue
            missing = f"{expected}" if num == expected + 1 else f"{expected} to {num - 1}"
            notes.append(Diagnostic("warning", DiagnosticCode.CLAIM_NUMBER_GAP,
                                    f"claim {num} follows claim {expected - 1}; no claim {missing}",
                                    source=source, claim=num, span=clean.original_span(pos, body)))
        else:
            if strong and num in seen:
                notes.append(Diagnostic("warning", DiagnosticCode.DUPLICATE_CLAIM_NUMBER,
                                        f"a second claim numbered {num} is kept as text of claim "
                                        f"{accepted[-1][2]}", source=source, claim=num,
                                        span=clean.original_span(pos, body)))
            if not strong or num in seen:
                continue
            notes.append(Diagnostic("warning", DiagnosticCode.CLAIM_OUT_OF_SEQUENCE,
                                    f"claim {num} appears after claim {expected - 1}",
                                    source=source, claim=num, span=clean.original_span(pos, body)))
        accepted.append((pos, body, num, cut))
        seen.add(num)
        expected = max(expected, num + 1)
    stop = len(text)
    if accepted:
        end_mark = text_rules().claims_end.search(text, accepted[0][1])
        if end_mark is not None:
            stop = end_mark.start()
            accepted = [a for a in accepted if a[0] < stop]
    segments = []
    for k, (pos, body, num, _cut) in enumerate(accepted):
        # the next number's own list mark ("- ", a quote) belongs to no claim
        end = accepted[k + 1][3] if k + 1 < len(accepted) else stop
        segments.append(Segment(num, pos, body, _end_of(text, body, end)))
    return segments, header
