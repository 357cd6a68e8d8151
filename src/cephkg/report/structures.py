"""The generic structures a report draws, behind one small interface.

Today every generic structure comes from the patent's sidecar (curated by a person, or
marked inferred by that person, with a note saying why). Structures cephkg infers
itself, with the evidence of each inference, plug in at :func:`generic_structures`: a
:class:`StructureView` carries ``inferred`` and ``evidence`` for them, and the pages
draw whatever the views say. Fields a structure does not have are read defensively, so
a structure record with more (or fewer) fields still draws.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..chem.coverage import PatentScope
from ..chem.structures import GenericStructure

__all__ = ["StructureView", "evidence_lines", "find_structure", "generic_structures", "structure_view"]


@dataclass(frozen=True, slots=True)
class StructureView:
    """One generic structure of one formula of one claim, as a page shows it."""

    claim: int
    formula: int
    label: str | None
    text: str
    is_smarts: bool
    variables: tuple[tuple[int, str], ...]
    curated: bool
    inferred: bool
    note: str
    evidence: tuple[str, ...] = ()
    source: GenericStructure | None = None

    @property
    def anchor(self) -> str:
        return f"structure-{self.claim}-{self.formula}"

    @property
    def name(self) -> str:
        return f"claim {self.claim}, formula {self.label if self.label else self.formula}"

    @property
    def origin(self) -> str:
        """``curated``, ``curated, inferred``, ``inferred`` or ``read from the patent``."""
        words = [w for w, on in (("curated", self.curated), ("inferred", self.inferred)) if on]
        return ", ".join(words) or "read from the patent"

    @property
    def variable_map(self) -> dict[int, str]:
        return dict(self.variables)


def evidence_lines(value: Any) -> tuple[str, ...]:
    """Evidence of an inference as lines of text, whatever shape it comes in."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,) if value.strip() else ()
    if isinstance(value, dict):
        return tuple(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, Iterable):
        out: list[str] = []
        for item in value:
            text = next((getattr(item, a) for a in ("text", "message", "reason", "description")
                         if isinstance(getattr(item, a, None), str)), None)
            out.append(text if text is not None else str(item.to_dict() if hasattr(item, "to_dict") else item))
        return tuple(o for o in out if o.strip())
    return (str(value),)


def structure_view(s: GenericStructure) -> StructureView:
    """The view of a sidecar structure (or of any record with the same core fields)."""
    variables = tuple((int(k), str(v)) for k, v in getattr(s, "variables", ()))
    return StructureView(
        claim=int(s.claim), formula=int(s.formula), label=getattr(s, "label", None), text=str(s.text),
        is_smarts=bool(getattr(s, "is_smarts", False)), variables=variables,
        curated=bool(getattr(s, "curated", False)), inferred=bool(getattr(s, "inferred", False)),
        note=" ".join(str(getattr(s, "note", "") or "").split()),
        evidence=evidence_lines(getattr(s, "evidence", None)), source=s)


def generic_structures(scope: PatentScope) -> tuple[StructureView, ...]:
    """Every generic structure of the patent, in claim and formula order.

    The one place that says where structures come from: the sidecar's today; the
    structures cephkg infers (with their evidence) are added here when the scope has them.
    """
    found: list[GenericStructure] = list(scope.structures.structures) if scope.structures is not None else []
    seen: set[tuple[int, int]] = set()
    views: list[StructureView] = []
    for s in found:
        view = structure_view(s)
        if (view.claim, view.formula) not in seen:
            seen.add((view.claim, view.formula))
            views.append(view)
    return tuple(sorted(views, key=lambda v: (v.claim, v.formula)))


_WHERE = re.compile(r"^claim (\d+) formula (\d+)$")


def find_structure(views: Iterable[StructureView], where: str | None) -> StructureView | None:
    """The structure a verdict names (``"claim 1 formula 1"``), if it is among ``views``."""
    m = _WHERE.match((where or "").strip())
    if m is None:
        return None
    claim, formula = int(m.group(1)), int(m.group(2))
    return next((v for v in views if v.claim == claim and v.formula == formula), None)
