"""A claim's text as HTML with its parts marked, from the spans the model keeps.

The text shown is the source text of the claim (``Patent.source.text[claim.span]``) with
every repair applied (the original on hover), and these parts marked: variable
definitions (their alternatives on hover), named species (linked to the species' card),
formula mentions (linked to the structure drawn for them), cited claims (each number a
link to that claim), the salts clause, and the steps of a process with their agents.

Marks come from spans in the original text, so they nest as the text does; a mark that
would cross another is cut at the other's end (a display matter only). Everything taken
from the text is escaped: a claim containing ``<script>`` shows it as text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from ..model import Claim, Patent, Repair

__all__ = ["Mark", "claim_marks", "render_marked"]

_BLANK_LINES = re.compile(r"[ \t\r\f\v]*\n(?:[ \t\r\f\v]*\n)+[ \t\r\f\v]*")
_SPACES = re.compile(r"[ \t\r\f\v]*\n[ \t\r\f\v]*|[ \t\r\f\v]+")
_DIGITS = re.compile(r"\d+")


@dataclass(slots=True)
class Mark:
    """One marked part: ``kind`` becomes the CSS class; ``href``/``title``/``data`` its attributes.

    A repair (``kind == "repair"``) replaces its span by ``replacement``.
    """

    start: int
    end: int
    kind: str
    title: str = ""
    href: str | None = None
    data: dict[str, str] = field(default_factory=dict)
    replacement: str | None = None
    children: list[Mark] = field(default_factory=list)

    @property
    def rank(self) -> int:
        """Outer kinds first when two marks share a span."""
        return _RANK.get(self.kind, 5)


_RANK = {"step": 0, "definition": 1, "salts": 1, "species": 2, "formula": 2, "agent": 3, "citation": 3,
         "cite": 4, "repair": 9}


def _alternatives(alts: Sequence[str]) -> str:
    return " | ".join(alts) if alts else "(no alternatives read)"


def claim_marks(patent: Patent, claim: Claim, *, structure_anchor: Callable[[int, int], str | None],
                species_anchor: Callable[[int, int], str | None]) -> list[Mark]:
    """Every mark of one claim, in source coordinates.

    ``structure_anchor(claim, formula)`` and ``species_anchor(claim, index)`` give the
    fragment a formula mention or a species name links to (``None``: no link).
    """
    text = patent.source.text
    lo, hi = claim.span
    numbers = {c.number for c in patent.claims}
    marks: list[Mark] = []

    def inside(span: tuple[int, int]) -> bool:
        return lo <= span[0] <= span[1] <= hi

    seen_defs: set[tuple[tuple[int, int], str]] = set()
    for d in [*claim.definitions, *(d for f in claim.formulas for d in f.definitions)]:
        if (d.span, d.variable) in seen_defs or not inside(d.span) or d.span[0] == d.span[1]:
            continue
        seen_defs.add((d.span, d.variable))
        title = (f"{d.variable}: as defined before" if d.inherited
                 else f"{d.variable}: {_alternatives(d.alternatives)}")
        marks.append(Mark(d.span[0], d.span[1], "definition", title, data={"variable": d.variable}))
    for sp in claim.species:
        if inside(sp.span) and sp.span[0] < sp.span[1]:
            title = sp.name + (f" ({sp.isomer} isomer)" if sp.isomer else "")
            marks.append(Mark(sp.span[0], sp.span[1], "species", title, species_anchor(claim.number, sp.index),
                              {"species": str(sp.index)}))
    for f in claim.formulas:
        if inside(f.span) and f.span[0] < f.span[1]:
            name = f"formula {f.label}" if f.label else f"formula {f.index}"
            title = name + (f" ({f.description})" if f.description else "") + (
                " — label inferred" if f.label_inferred else "")
            marks.append(Mark(f.span[0], f.span[1], "formula", title, structure_anchor(claim.number, f.index),
                              {"formula": str(f.index)}))
    if claim.salts_clause is not None and inside(claim.salts_clause.span):
        marks.append(Mark(*claim.salts_clause.span, "salts", "salts clause: the claim reaches salts"))
    for step in claim.steps:
        if inside(step.span) and step.span[0] < step.span[1]:
            marks.append(Mark(*step.span, "step", f"step {step.marker or step.index}: {step.verb}",
                              data={"step": str(step.index)}))
        for agent in step.agents:
            if inside(agent.span) and agent.span[0] < agent.span[1]:
                marks.append(Mark(*agent.span, "agent", f"{agent.role}: {agent.text}", data={"role": agent.role}))
    for cite in claim.citations:
        if not inside(cite.span) or cite.span[0] == cite.span[1]:
            continue
        cited = [n for n in cite.claims if n in numbers and n != claim.number]
        title = ("cites claim" + ("s " if len(cite.claims) > 1 else " ") + ", ".join(map(str, cite.claims))
                 + ("" if cited else " (no such claim)"))
        outer = Mark(*cite.span, "citation", title)
        marks.append(outer)
        tokens = [m for m in _DIGITS.finditer(text, cite.span[0], cite.span[1]) if int(m.group()) in cited]
        if tokens:
            for m in tokens:
                marks.append(Mark(m.start(), m.end(), "cite", f"claim {m.group()}", f"#claim-{int(m.group())}",
                                  {"claim": str(int(m.group()))}))
        elif cited:  # "any one of the preceding claims": the words link to the first claim cited
            outer.href = f"#claim-{cited[0]}"
    repairs: dict[tuple[tuple[int, int], str, str], Repair] = {}
    for r in [*claim.repairs, *(r for sp in claim.species for r in sp.repairs)]:
        if inside(r.span):
            repairs.setdefault((r.span, r.original, r.replacement), r)
    for r in sorted(repairs.values(), key=lambda r: r.span):
        marks.append(Mark(r.span[0], r.span[1], "repair", _repair_title(r), data={"kind": r.kind},
                          replacement=r.replacement))
    return marks


def _repair_title(r: Repair) -> str:
    if not r.replacement.strip():
        return f"OCR repair ({r.kind}): removed “{r.original}”"
    return f"OCR repair ({r.kind}): the text had “{r.original}”"


def _nest(marks: list[Mark], lo: int, hi: int) -> list[Mark]:
    """Marks as a tree: a mark lies in the innermost mark containing it; crossing marks are cut."""
    repairs = sorted((m for m in marks if m.kind == "repair"), key=lambda m: (m.start, m.end))
    others = [m for m in marks if m.kind != "repair"]
    for m in others:  # never split a repaired stretch: widen the mark over it
        for r in repairs:
            if r.start < m.start < r.end:
                m.start = r.start
            if r.start < m.end < r.end:
                m.end = r.end
    kept: list[Mark] = []
    taken: list[tuple[int, int]] = []
    for r in repairs:  # overlapping repairs: the first one wins
        if r.start == r.end or not any(a < r.end and r.start < b for a, b in taken):
            kept.append(r)
            taken.append((r.start, r.end))
    ordered = sorted([*others, *kept], key=lambda m: (m.start, -(m.end - m.start), m.rank))
    root = Mark(lo, hi, "root")
    stack = [root]
    for m in ordered:
        m.start, m.end = max(m.start, lo), min(m.end, hi)
        while len(stack) > 1 and (stack[-1].end < m.start or (stack[-1].end == m.start < m.end)):
            stack.pop()
        parent = stack[-1]
        if parent.kind == "repair":  # nothing nests inside a replaced stretch
            continue
        m.end = min(m.end, parent.end)
        if m.end < m.start or (m.end == m.start and m.kind != "repair"):
            continue
        parent.children.append(m)
        stack.append(m)
    return root.children


def _text(value: str) -> Markup:
    """Source text for a ``white-space: pre-line`` element: a blank line stays one break."""
    value = _BLANK_LINES.sub("\n", value)
    value = _SPACES.sub(lambda m: "\n" if "\n" in m.group() else " ", value)
    return escape(value)


def _open(mark: Mark) -> Markup:
    attrs = [Markup(' class="m-{}"').format(mark.kind)]
    if mark.title:
        attrs.append(Markup(' title="{}"').format(mark.title))
    for k, v in sorted(mark.data.items()):
        attrs.append(Markup(' data-{}="{}"').format(re.sub(r"[^a-z-]", "", k), v))
    if mark.href is not None:
        return Markup('<a href="{}"').format(mark.href) + Markup("").join(attrs) + Markup(">")
    return Markup("<span") + Markup("").join(attrs) + Markup(">")


def render_marked(source: str, lo: int, hi: int, marks: list[Mark]) -> Markup:
    """The text ``source[lo:hi]`` with ``marks`` as nested ``<span>``/``<a>`` elements."""
    out: list[Markup] = []
    broken = [True]  # whether the text shown so far ends with a line break

    def text(value: str) -> None:
        shown = _text(value)
        if not shown.strip() and "\n" in shown and broken[0]:
            shown = Markup(" ")  # noise removed between blank lines leaves one break, not several
        if shown.strip() or "\n" in shown:
            broken[0] = shown.endswith("\n")
        out.append(shown)

    def emit(children: list[Mark], start: int, end: int, in_link: bool) -> None:
        pos = start
        for m in children:
            if m.start > pos:
                text(source[pos:m.start])
            link = m.href is not None and not in_link
            if not link:
                m.href = None
            out.append(_open(m))
            if m.kind == "repair":
                if m.replacement:
                    text(m.replacement)
            else:
                emit(m.children, m.start, m.end, in_link or link)
            out.append(Markup("</a>" if link else "</span>"))
            pos = max(pos, m.end)
        if end > pos:
            text(source[pos:end])

    emit(_nest(marks, lo, hi), lo, hi, False)
    return Markup("").join(out)
