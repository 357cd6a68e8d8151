"""Provisos and numeric variables, evaluated on a variable assignment.

A claim may exclude part of its scope: ``with the proviso that, when both R1 and R2 represent
hydrogen atoms, R3 represents other than a methyl group``; ``with the proviso that p is not zero
when Het is tetrazolyl``. Reading turns such a sentence into a :class:`Proviso` (conditions
``when`` that trigger it, ``then`` the conditions that must then hold); this module evaluates it
on the assignment coverage found (variable -> fragment SMILES, or an integer for a numeric
variable ``n is 0, 1 or 2``) with the claim's vocabulary. A compound the proviso excludes is a
near miss that says so; a proviso whose terms cephkg cannot interpret, or that speaks of a
variable the assignment lacks, leaves the claim undecided.

The records are a small protocol (:class:`ConditionLike`, :class:`ProvisoLike`), so the
reading stage's own records plug in without conversion.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from .substituents import Vocabulary

__all__ = ["Condition", "ConditionLike", "NumericVariable", "Proviso", "ProvisoDecision", "ProvisoLike",
           "check_numeric", "evaluate_provisos"]


class ConditionLike(Protocol):
    """``R3 is methyl`` / ``R3 is other than methyl`` / ``p is 0``."""

    @property
    def variable(self) -> str: ...
    @property
    def terms(self) -> Sequence[str]: ...
    @property
    def values(self) -> Sequence[int]: ...
    @property
    def negated(self) -> bool: ...


class ProvisoLike(Protocol):
    @property
    def when(self) -> Sequence[ConditionLike]: ...
    @property
    def then(self) -> Sequence[ConditionLike]: ...
    @property
    def text(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Condition:
    variable: str
    terms: tuple[str, ...] = ()
    values: tuple[int, ...] = ()
    negated: bool = False


@dataclass(frozen=True, slots=True)
class Proviso:
    when: tuple[Condition, ...]
    then: tuple[Condition, ...]
    text: str = ""


@dataclass(frozen=True, slots=True)
class NumericVariable:
    """``n is 0, 1 or 2`` / ``an integer selected from 0 to 3``: the values allowed."""

    variable: str
    values: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ProvisoDecision:
    ok: bool
    reason: str | None = None
    undecided: bool = False


Value = str | int


def _holds(condition: ConditionLike, assignment: Mapping[str, Value],
           vocabulary: Vocabulary) -> tuple[bool | None, str]:
    """(does the condition hold, what was found); None when it cannot be decided."""
    var = condition.variable
    if var not in assignment:
        return None, f"{var} has no value in the assignment"
    value = assignment[var]
    if condition.values:
        if not isinstance(value, int):
            return None, f"{var} = {value} is not a number"
        hit = value in condition.values
        found = f"{var} = {value}"
    else:
        if isinstance(value, int):
            return None, f"{var} = {value} is a number, not a group"
        results = [vocabulary.check(t, value) for t in condition.terms]
        lost = [t for t, r in zip(condition.terms, results, strict=True) if not r.ok and not vocabulary.interpretable(t)]
        hit = any(r.ok for r in results)
        if not hit and lost:
            return None, f"'{', '.join(lost)}' is not a term cephkg can interpret"
        found = f"{var} = {value}" + (f" is {next(r.term for r in results if r.ok)}" if hit else "")
    return (not hit if condition.negated else hit), found


def evaluate_provisos(provisos: Sequence[ProvisoLike], assignment: Mapping[str, Value],
                      vocabulary: Vocabulary) -> ProvisoDecision:
    """Whether the assignment passes every proviso (the first that excludes it says why)."""
    for proviso in provisos:
        found: list[str] = []
        triggered = True
        for c in proviso.when:
            holds, what = _holds(c, assignment, vocabulary)
            if holds is None:
                return ProvisoDecision(False, f"cannot evaluate the proviso '{proviso.text}': {what}", True)
            found.append(what)
            if not holds:
                triggered = False
                break
        if not triggered:
            continue
        for c in proviso.then:
            holds, what = _holds(c, assignment, vocabulary)
            if holds is None:
                return ProvisoDecision(False, f"cannot evaluate the proviso '{proviso.text}': {what}", True)
            if not holds:
                because = "; ".join(found) if found else "always"
                return ProvisoDecision(False, f"excluded by the proviso '{proviso.text}': {because}, and {what}")
    return ProvisoDecision(True)


def check_numeric(variable: NumericVariable, value: int) -> ProvisoDecision:
    """``n is 0, 1 or 2``: is ``value`` allowed?"""
    if value in variable.values:
        return ProvisoDecision(True, f"{variable.variable} = {value} is allowed")
    allowed = ", ".join(map(str, variable.values))
    return ProvisoDecision(False, f"{variable.variable} = {value}; the claim allows {allowed}")
