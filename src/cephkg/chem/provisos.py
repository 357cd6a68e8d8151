"""Provisos and numeric variables, evaluated on a variable assignment.

A claim may exclude part of its scope: ``with the proviso that, when both R1 and R2 represent
hydrogen atoms, R3 represents other than a methyl group``; ``with the proviso that p is not zero
when Het is tetrazolyl``. Reading turns such a sentence into a :class:`Proviso` (conditions
``when`` that trigger it, ``then`` the conditions that must then hold); this module evaluates it
on the assignment coverage found (variable -> fragment SMILES, or an integer for a numeric
variable ``n is 0, 1 or 2``) with the claim's vocabulary. A compound the proviso excludes is a
near miss that says so; a proviso whose terms cephkg cannot interpret, or that speaks of a
variable the assignment lacks, leaves the claim undecided.

Two kinds of record are evaluated: this module's small protocol (:class:`ConditionLike`,
:class:`ProvisoLike`: one variable per condition), and the reading stage's own
:class:`cephkg.model.Proviso`, whose conditions speak of several variables at once ("both R1
and R2": all of them; "either R1 or R2": one of them), of integer ranges, or are a
``statement`` the reader could not put in machine form (never decidable).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from ..model import Condition as ClaimCondition
from ..model import Proviso as ClaimProviso
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


def _holds_claim_condition(condition: ClaimCondition, assignment: Mapping[str, Value],
                           vocabulary: Vocabulary) -> tuple[bool | None, str]:
    """A reader's condition: each variable judged alone, then combined by its quantifier."""
    if condition.relation == "statement":
        return None, f"'{condition.text}' is not in a form cephkg can evaluate"
    negated = condition.relation == "not-in"
    results = [_holds_numeric(var, condition.numeric, negated, assignment) if condition.numeric
               else _holds(Condition(var, condition.values, (), negated), assignment, vocabulary)
               for var in condition.variables]
    truths = [holds for holds, _what in results]
    undecided = next((what for holds, what in results if holds is None), None)
    if condition.quantifier == "all":
        decided = False if False in truths else None if undecided else True
    else:
        decided = True if True in truths else None if undecided else False
    if decided is None and undecided is not None:
        return None, undecided
    return decided, "; ".join(what for _truth, what in results)


def _holds_numeric(variable: str, ranges: Sequence[tuple[int, int]], negated: bool,
                   assignment: Mapping[str, Value]) -> tuple[bool | None, str]:
    """``p is not zero`` / ``n is 1 to 3``, compared with the ranges (never expanded: they may be wide)."""
    if variable not in assignment:
        return None, f"{variable} has no value in the assignment"
    value = assignment[variable]
    if not isinstance(value, int):
        return None, f"{variable} = {value} is not a number"
    hit = any(lo <= value <= hi for lo, hi in ranges)
    return (not hit if negated else hit), f"{variable} = {value}"


def _holds_any(condition: ConditionLike | ClaimCondition, assignment: Mapping[str, Value],
               vocabulary: Vocabulary) -> tuple[bool | None, str]:
    if isinstance(condition, ClaimCondition):
        return _holds_claim_condition(condition, assignment, vocabulary)
    return _holds(condition, assignment, vocabulary)


def evaluate_provisos(provisos: Sequence[ProvisoLike | ClaimProviso], assignment: Mapping[str, Value],
                      vocabulary: Vocabulary) -> ProvisoDecision:
    """Whether the assignment passes every proviso (the first that excludes it says why).

    A proviso is "when every ``when`` condition holds, every ``then`` condition holds": it is
    met when its requirements hold, or when one of its triggers does not; it excludes the
    compound when every trigger holds and a requirement fails. Anything else is undecided.
    """
    for proviso in provisos:
        if not proviso.then:
            return ProvisoDecision(False, f"cannot evaluate the proviso '{proviso.text}': the reader found no "
                                   "condition it requires", True)
        required = [_holds_any(c, assignment, vocabulary) for c in proviso.then]
        if all(holds for holds, _what in required):
            continue
        triggers = [_holds_any(c, assignment, vocabulary) for c in proviso.when]
        if any(holds is False for holds, _what in triggers):
            continue
        lost = next((what for holds, what in (*triggers, *required) if holds is None), None)
        if lost is not None:
            return ProvisoDecision(False, f"cannot evaluate the proviso '{proviso.text}': {lost}", True)
        because = "; ".join(what for _holds_it, what in triggers) or "always"
        failing = next(what for holds, what in required if holds is False)
        return ProvisoDecision(False, f"excluded by the proviso '{proviso.text}': {because}, and {failing}")
    return ProvisoDecision(True)


def check_numeric(variable: NumericVariable, value: int) -> ProvisoDecision:
    """``n is 0, 1 or 2``: is ``value`` allowed?"""
    if value in variable.values:
        return ProvisoDecision(True, f"{variable.variable} = {value} is allowed")
    allowed = ", ".join(map(str, variable.values))
    return ProvisoDecision(False, f"{variable.variable} = {value}; the claim allows {allowed}")
