"""Salt TYPES of salt claims: does a salt form belong to "an alkali metal salt", "an ammonium salt"?

A salt claim may be limited to listed types (``a salt ... selected from the group consisting of
an alkali metal salt, an alkaline earth metal salt, an aluminum salt, an ammonium salt and a
substituted ammonium salt``). The types are data (``[[salt_type]]`` in
``cephkg/data/salt_forms.toml``): each names the salt forms (``sodium``, ``calcium`` ...) or the
whole kinds (``acid-addition``) it contains. :func:`check_salt_types` decides a compound's salt
form against the types a claim allows: a sodium salt satisfies ``alkali metal salt``, a
hydrochloride does not.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..errors import DataFileError
from ..resources import load_data
from .standardise import salt_forms

__all__ = ["SaltType", "SaltTypeDecision", "check_salt_types", "salt_type_for_phrase", "salt_types"]


@dataclass(frozen=True, slots=True)
class SaltType:
    id: str
    label: str
    phrases: tuple[str, ...]
    members: frozenset[str]
    kinds: frozenset[str]
    source: str

    def contains(self, salt_form: str) -> bool:
        kinds = {f.id: f.kind for f in salt_forms()}
        return salt_form in self.members or kinds.get(salt_form) in self.kinds


@dataclass(frozen=True, slots=True)
class SaltTypeDecision:
    """Whether a salt form is one of the allowed types, and why (``undecided``: a type or a
    counter-ion cephkg does not know)."""

    ok: bool
    reason: str
    undecided: bool = False


@lru_cache(maxsize=1)
def salt_types() -> tuple[SaltType, ...]:
    """The salt types of the data file, each member a known salt form."""
    known = {f.id for f in salt_forms()}
    out = []
    for e in load_data("salt_forms.toml").get("salt_type", []):
        unknown = sorted(set(e.get("members", [])) - known)
        if unknown:
            raise DataFileError(f"cephkg/data/salt_forms.toml: salt type {e['id']}: unknown salt forms {unknown}")
        out.append(SaltType(e["id"], e["label"], tuple(p.lower() for p in e["phrases"]),
                            frozenset(e.get("members", [])), frozenset(e.get("kinds", [])), e["source"]))
    return tuple(out)


def _key(text: str) -> str:
    """A phrase without article, case, spacing or the word "salt(s)" at its end: the reader
    records "alkali metal" for "an alkali metal salt"."""
    t = re.sub(r"\s+", " ", text.lower()).strip(" .,;")
    t = re.sub(r"^(?:an?|the)\s+", "", t)
    return re.sub(r"\s+salts?$", "", t)


def salt_type_for_phrase(phrase: str) -> SaltType | None:
    """The salt type a claim's phrase names ("an alkali metal salt", "alkali metal" -> alkali-metal), or None."""
    key = _key(phrase)
    for t in salt_types():
        if key in {_key(p) for p in t.phrases} or key == t.id:
            return t
    return None


def _either(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


def check_salt_types(salt_form: str | None, allowed: Sequence[str]) -> SaltTypeDecision:
    """Is ``salt_form`` (a salt-form id, or ids joined by ``;``) one of the ``allowed`` types
    (phrases as the claim writes them)? A compound that is no salt is not one of them."""
    types = [salt_type_for_phrase(p) for p in allowed]
    unknown = [p for p, t in zip(allowed, types, strict=True) if t is None]
    listed = _either([f"{'an' if t.label[0] in 'aeiou' else 'a'} {t.label}" if t is not None else p
                      for p, t in zip(allowed, types, strict=True)])
    if salt_form is None:
        return SaltTypeDecision(False, f"the compound is not a salt; the claim is limited to {listed}")
    for part in salt_form.split(";"):
        if part.startswith("unknown:"):
            return SaltTypeDecision(False, f"counter-ion {part[8:]} is not in the salt-form vocabulary, so it "
                                    f"cannot be judged one of {listed}", undecided=True)
        hit = next((t for t in types if t is not None and t.contains(part)), None)
        if hit is None:
            if unknown:
                return SaltTypeDecision(False, f"{part} is none of the known types among {listed}; cephkg cannot "
                                        f"interpret {', '.join(unknown)}", undecided=True)
            return SaltTypeDecision(False, f"{part} salt is not {listed}")
    names = [next(t.label for t in types if t is not None and t.contains(part)) for part in salt_form.split(";")]
    what = " and ".join(f"{'an' if n[0] in 'aeiou' else 'a'} {n}" for n in dict.fromkeys(names))
    return SaltTypeDecision(True, f"the {salt_form.replace(';', ' and ')} salt is {what}, a type the claim allows")
