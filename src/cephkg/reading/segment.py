"""Claim segmentation: where each numbered claim starts and ends.

Claim numbers are read as a sequence, which is how a claim number (``- 15 2. A compound``)
is told from a margin number; gaps, numbers out of sequence and duplicates are recorded
warnings and no text is lost.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import Diagnostic, DiagnosticCode
from ..model import CleanText
from .rules import claim_rules

__all__ = ["Segment", "claims_start", "segment"]


@dataclass(frozen=True, slots=True)
class Segment:
    number: int
    start: int  # clean-text index of the claim number
    body: int  # clean-text index of the claim's first word
    end: int


def claims_start(clean: CleanText) -> tuple[int, str | None]:
    m = claim_rules().claims_header.search(clean.text)
    if m:
        return m.end(), m.group("h").strip()
    return 0, None


def segment(clean: CleanText, source: str, notes: list[Diagnostic]) -> tuple[list[Segment], str | None]:
    start, header = claims_start(clean)
    text = clean.text
    cands: list[tuple[int, int, int, bool]] = []  # pos, body, num, strong
    r = claim_rules()
    for regex, strong in ((r.claim_number_line, True), (r.inline_claim_number, False)):
        for m in regex.finditer(text, start):
            cands.append((m.start("num"), m.end(), int(m.group("num")), strong))
    cands.sort()
    accepted: list[tuple[int, int, int]] = []
    seen: set[int] = set()
    expected = 1
    for i, (pos, body, num, strong) in enumerate(cands):
        if num == expected:
            pass
        elif num > expected:
            opener = r.claim_opener.match(text, body)
            if not strong or (opener is None and any(c[2] == expected for c in cands[i + 1:])):
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
        accepted.append((pos, body, num))
        seen.add(num)
        expected = max(expected, num + 1)
    segments = []
    for k, (pos, body, num) in enumerate(accepted):
        end = accepted[k + 1][0] if k + 1 < len(accepted) else len(text)
        while end > body and text[end - 1].isspace():
            end -= 1
        segments.append(Segment(num, pos, body, end))
    return segments, header


