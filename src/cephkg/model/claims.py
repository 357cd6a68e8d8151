"""The claims of one patent as typed, frozen records.

The reading stage turns a :class:`~cephkg.model.text.CleanText` into a :class:`Patent`.
Every fact carries ``span``: ``(start, end)`` character offsets into the *original*
decoded file text (``Patent.source.text``), end exclusive. ``to_dict``/``from_dict``
round-trip through JSON (``cephkg claims --json`` prints ``Patent.to_dict()``; its schema
is ``cephkg/schemas/claims.schema.json``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from ..errors import Diagnostic
from .text import Repair, SourceDocument, Span, span_of

__all__ = [
    "CATEGORIES",
    "Agent",
    "Category",
    "Citation",
    "Claim",
    "Condition",
    "Definition",
    "Formula",
    "JointDefinition",
    "Patent",
    "Proviso",
    "Role",
    "SaltType",
    "SaltsClause",
    "SharedDefinition",
    "Species",
    "Step",
]

#: The closed vocabulary of claim categories (``unclassified`` when no rule applies).
CATEGORIES: tuple[str, ...] = (
    "compound",
    "process",
    "composition",
    "method_of_treatment",
    "use",
    "unclassified",
)
Category = Literal["compound", "process", "composition", "method_of_treatment", "use", "unclassified"]
Role = Literal["reactant", "reagent", "catalyst", "solvent", "condition"]
Quantifier = Literal["all", "any"]
Relation = Literal["in", "not-in", "statement"]
IntRanges = tuple[tuple[int, int], ...]


def _ranges(value: Any) -> IntRanges:
    return tuple((int(lo), int(hi)) for lo, hi in value or ())


@dataclass(frozen=True, slots=True)
class Definition:
    """What one variable stands for, as the claim states it.

    ``alternatives`` are the group terms as written (a nested qualifier stays with its
    alternative: "phenyl(lower)alkanoylamino which may have hydroxy or amino"); an
    alternative a lost image stands for is its placeholder (``##STR12##``). ``numeric`` is
    set for an integer variable ("n is 0, 1 or 2" → ``((0, 2),)``; "m is 1 or 3" →
    ``((1, 1), (3, 3))``), whose ``alternatives`` are then empty.
    """

    variable: str
    alternatives: tuple[str, ...]
    inherited: bool
    text: str
    span: Span
    numeric: IntRanges = ()

    def to_dict(self) -> dict[str, Any]:
        return {"variable": self.variable, "alternatives": list(self.alternatives),
                "inherited": self.inherited, "text": self.text, "span": list(self.span),
                "numeric": [list(r) for r in self.numeric]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Definition:
        return cls(data["variable"], tuple(data["alternatives"]), bool(data["inherited"]), data["text"],
                   span_of(data["span"]), _ranges(data.get("numeric")))


@dataclass(frozen=True, slots=True)
class SharedDefinition:
    """One statement that defines several variables alike ("R, R1 and R2, which may be the same
    or different, each represents hydrogen or C1-4 alkyl").

    Each variable also gets its own :class:`Definition` with the same alternatives;
    ``independently`` says the statement lets them differ ("which may be the same or
    different", "independently", "each").
    """

    variables: tuple[str, ...]
    alternatives: tuple[str, ...]
    independently: bool
    text: str
    span: Span

    def to_dict(self) -> dict[str, Any]:
        return {"variables": list(self.variables), "alternatives": list(self.alternatives),
                "independently": self.independently, "text": self.text, "span": list(self.span)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SharedDefinition:
        return cls(tuple(data["variables"]), tuple(data["alternatives"]), bool(data["independently"]),
                   data["text"], span_of(data["span"]))


@dataclass(frozen=True, slots=True)
class JointDefinition:
    """Variables that together form one group ("R and R1 together with the carbon atom to which
    they are attached form a cyclopropane ring"); ``with_`` is what they form it with."""

    variables: tuple[str, ...]
    alternatives: tuple[str, ...]
    with_: str | None
    text: str
    span: Span

    def to_dict(self) -> dict[str, Any]:
        return {"variables": list(self.variables), "alternatives": list(self.alternatives),
                "with": self.with_, "text": self.text, "span": list(self.span)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> JointDefinition:
        return cls(tuple(data["variables"]), tuple(data["alternatives"]), data.get("with"), data["text"],
                   span_of(data["span"]))


@dataclass(frozen=True, slots=True)
class Condition:
    """One condition of a proviso, on the substituents at some variables.

    It holds when the substituent at every variable (``quantifier`` ``all``: "both R1 and R2
    are hydrogen") or at one of them (``any``: "either R1 or R2 is hydrogen") is one of
    ``values`` (``relation`` ``in``) or is none of them (``not-in``: "R3 is other than
    methyl"); ``values`` are group terms as written. For an integer variable ``numeric``
    holds the integers instead ("p is not zero" → ``not-in``, ``((0, 0),)``). A condition the
    reader could not put in that form is a ``statement``: its ``text`` only, and it cannot be
    decided.
    """

    variables: tuple[str, ...]
    quantifier: Quantifier
    relation: Relation
    values: tuple[str, ...]
    numeric: IntRanges
    text: str
    span: Span

    def to_dict(self) -> dict[str, Any]:
        return {"variables": list(self.variables), "quantifier": self.quantifier, "relation": self.relation,
                "values": list(self.values), "numeric": [list(r) for r in self.numeric],
                "text": self.text, "span": list(self.span)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Condition:
        return cls(tuple(data["variables"]), data["quantifier"], data["relation"], tuple(data["values"]),
                   _ranges(data.get("numeric")), data["text"], span_of(data["span"]))


@dataclass(frozen=True, slots=True)
class Proviso:
    """A proviso of a claim, read into conditions.

    Meaning: a compound of the claim's formula is claimed only if, whenever every ``when``
    condition holds, every ``then`` condition holds too (an empty ``when`` always holds):
    "with the proviso that when R1 and R2 are both hydrogen, R3 is other than methyl" is
    ``when`` = (R1, R2 all in {hydrogen}), ``then`` = (R3 not-in {methyl}). ``text`` and
    ``span`` are the proviso as the claim writes it.
    """

    text: str
    span: Span
    when: tuple[Condition, ...] = ()
    then: tuple[Condition, ...] = ()

    @property
    def decidable(self) -> bool:
        """Whether every condition is in machine form (no ``statement``) and there is a requirement."""
        return bool(self.then) and all(c.relation != "statement" for c in (*self.when, *self.then))

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "span": list(self.span), "when": [c.to_dict() for c in self.when],
                "then": [c.to_dict() for c in self.then], "decidable": self.decidable}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Proviso:
        return cls(data["text"], span_of(data["span"]), tuple(Condition.from_dict(c) for c in data["when"]),
                   tuple(Condition.from_dict(c) for c in data["then"]))


@dataclass(frozen=True, slots=True)
class SaltType:
    """A type of salt a claim is limited to ("an alkali metal salt"): a salt-form constraint on
    the compounds it claims, never a named compound."""

    type: str
    span: Span

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "span": list(self.span)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SaltType:
        return cls(data["type"], span_of(data["span"]))


@dataclass(frozen=True, slots=True)
class Formula:
    """A formula mention (usually a lost image) and the variables defined after it."""

    index: int
    label: str | None
    label_inferred: bool
    placeholder: str | None
    description: str
    isomer: str | None
    definitions: tuple[Definition, ...]
    stereocentres_marked: bool
    span: Span

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "label": self.label, "label_inferred": self.label_inferred,
                "placeholder": self.placeholder, "description": self.description,
                "isomer": self.isomer,
                "definitions": [d.to_dict() for d in self.definitions],
                "stereocentres_marked": self.stereocentres_marked, "span": list(self.span)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Formula:
        return cls(int(data["index"]), data["label"], bool(data["label_inferred"]), data["placeholder"],
                   data["description"], data["isomer"],
                   tuple(Definition.from_dict(d) for d in data["definitions"]),
                   bool(data["stereocentres_marked"]), span_of(data["span"]))


@dataclass(frozen=True, slots=True)
class Species:
    """A specific compound named in a claim."""

    index: int
    name: str
    name_as_written: str
    isomer: str | None
    salt_forms: tuple[str, ...]
    formula_label: str | None
    span: Span
    repairs: tuple[Repair, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "name": self.name, "name_as_written": self.name_as_written,
                "isomer": self.isomer, "salt_forms": list(self.salt_forms),
                "formula_label": self.formula_label, "span": list(self.span),
                "repairs": [r.to_dict() for r in self.repairs]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Species:
        return cls(int(data["index"]), data["name"], data["name_as_written"], data["isomer"],
                   tuple(data["salt_forms"]), data["formula_label"], span_of(data["span"]),
                   tuple(Repair.from_dict(r) for r in data["repairs"]))


@dataclass(frozen=True, slots=True)
class Agent:
    """A reagent, catalyst, solvent or condition named by a process step."""

    role: Role
    text: str
    span: Span

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role, "text": self.text, "span": list(self.span)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Agent:
        return cls(data["role"], data["text"], span_of(data["span"]))


@dataclass(frozen=True, slots=True)
class Step:
    """One step, or one alternative, of a process claim."""

    index: int
    marker: str | None
    verb: str
    text: str
    consumes: tuple[int, ...]
    produces: tuple[int, ...]
    agents: tuple[Agent, ...]
    span: Span

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "marker": self.marker, "verb": self.verb, "text": self.text,
                "consumes": list(self.consumes), "produces": list(self.produces),
                "agents": [a.to_dict() for a in self.agents], "span": list(self.span)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Step:
        return cls(int(data["index"]), data["marker"], data["verb"], data["text"], tuple(data["consumes"]),
                   tuple(data["produces"]), tuple(Agent.from_dict(a) for a in data["agents"]),
                   span_of(data["span"]))


@dataclass(frozen=True, slots=True)
class SaltsClause:
    """``and a pharmaceutically acceptable salt thereof`` and its kin."""

    text: str
    pharmaceutically_acceptable: bool
    span: Span

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "pharmaceutically_acceptable": self.pharmaceutically_acceptable,
                "span": list(self.span)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SaltsClause:
        return cls(data["text"], bool(data["pharmaceutically_acceptable"]), span_of(data["span"]))


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a claim's text cites other claims (``claim 1``, ``claims 2 to 4``, ``any one of
    the preceding claims``), and the claim numbers the words name (ranges expanded).

    ``claims`` is what the words say, before any check: a number that names no claim, or the
    claim itself, stays here; ``Claim.refers_to`` holds the checked references.
    """

    claims: tuple[int, ...]
    text: str
    span: Span

    def to_dict(self) -> dict[str, Any]:
        return {"claims": list(self.claims), "text": self.text, "span": list(self.span)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Citation:
        return cls(tuple(int(n) for n in data["claims"]), data["text"], span_of(data["span"]))


@dataclass(frozen=True, slots=True)
class Claim:
    """One numbered claim with everything read from its text."""

    number: int
    category: Category
    depends_on: tuple[int, ...]
    refers_to: tuple[int, ...]
    text: str
    span: Span
    definitions: tuple[Definition, ...] = ()
    salts_clause: SaltsClause | None = None
    species: tuple[Species, ...] = ()
    formulas: tuple[Formula, ...] = ()
    steps: tuple[Step, ...] = ()
    steps_relation: Literal["sequence", "alternatives"] | None = None
    isomer: str | None = None
    repairs: tuple[Repair, ...] = ()
    citations: tuple[Citation, ...] = ()
    shared_definitions: tuple[SharedDefinition, ...] = ()
    joint_definitions: tuple[JointDefinition, ...] = ()
    provisos: tuple[Proviso, ...] = ()
    salt_types: tuple[SaltType, ...] = ()
    cut: bool = False

    @property
    def independent(self) -> bool:
        return not self.depends_on

    @property
    def variables(self) -> tuple[str, ...]:
        """The variables the claim itself defines (not those it says keep their meaning), in order."""
        names = [d.variable for d in self.definitions if not d.inherited]
        names += [v for j in self.joint_definitions for v in j.variables]
        return tuple(dict.fromkeys(names))

    def numeric_map(self) -> dict[str, list[list[int]]]:
        """The claim's integer variables, variable → ranges."""
        return {d.variable: [list(r) for r in d.numeric] for d in self.definitions if d.numeric}

    def unattached_definitions(self) -> tuple[Definition, ...]:
        """The claim's definitions that none of its formulas lists (same span and variable)."""
        owned = {(d.span, d.variable) for f in self.formulas for d in f.definitions}
        return tuple(d for d in self.definitions if (d.span, d.variable) not in owned)

    def definition_map(self) -> dict[str, list[str]]:
        """The claim's own explicit definitions, variable → alternatives."""
        return {d.variable: list(d.alternatives) for d in self.definitions if not d.inherited}

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "category": self.category,
            "depends_on": list(self.depends_on),
            "refers_to": list(self.refers_to),
            "independent": self.independent,
            "definitions": self.definition_map(),
            "inherited": sorted({d.variable for d in self.definitions if d.inherited}),
            "isomer": self.isomer,
            "salts_clause": self.salts_clause.to_dict() if self.salts_clause else None,
            "species": [s.to_dict() for s in self.species],
            "formulas": [f.to_dict() for f in self.formulas],
            "steps_relation": self.steps_relation,
            "steps": [s.to_dict() for s in self.steps],
            "repairs": [r.to_dict() for r in self.repairs],
            "span": list(self.span),
            "text": self.text,
            "definition_list": [d.to_dict() for d in self.definitions],
            "citations": [c.to_dict() for c in self.citations],
            "variables": list(self.variables),
            "numeric": self.numeric_map(),
            "shared_definitions": [d.to_dict() for d in self.shared_definitions],
            "joint_definitions": [d.to_dict() for d in self.joint_definitions],
            "provisos": [p.to_dict() for p in self.provisos],
            "salt_types": [t.to_dict() for t in self.salt_types],
            "cut": self.cut,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Claim:
        """The inverse of :meth:`to_dict` (``definition_list`` carries the definitions)."""
        salts = data.get("salts_clause")
        return cls(
            number=int(data["number"]), category=data["category"], depends_on=tuple(data["depends_on"]),
            refers_to=tuple(data["refers_to"]), text=data["text"], span=span_of(data["span"]),
            definitions=tuple(Definition.from_dict(d) for d in data["definition_list"]),
            salts_clause=SaltsClause.from_dict(salts) if salts else None,
            species=tuple(Species.from_dict(s) for s in data["species"]),
            formulas=tuple(Formula.from_dict(f) for f in data["formulas"]),
            steps=tuple(Step.from_dict(s) for s in data["steps"]),
            steps_relation=data["steps_relation"], isomer=data["isomer"],
            repairs=tuple(Repair.from_dict(r) for r in data["repairs"]),
            citations=tuple(Citation.from_dict(c) for c in data.get("citations", ())),
            shared_definitions=tuple(SharedDefinition.from_dict(d) for d in data.get("shared_definitions", [])),
            joint_definitions=tuple(JointDefinition.from_dict(d) for d in data.get("joint_definitions", [])),
            provisos=tuple(Proviso.from_dict(p) for p in data.get("provisos", [])),
            salt_types=tuple(SaltType.from_dict(t) for t in data.get("salt_types", [])),
            cut=bool(data.get("cut", False)),
        )


@dataclass(frozen=True, slots=True)
class Patent:
    """The claims of one input file."""

    patent_id: str
    source: SourceDocument
    claims: tuple[Claim, ...]
    header: str | None = None
    repairs: tuple[Repair, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = field(default=())

    def claim(self, number: int) -> Claim:
        for claim in self.claims:
            if claim.number == number:
                return claim
        raise KeyError(f"{self.patent_id} has no claim {number}")

    def to_dict(self, *, with_source_text: bool = False) -> dict[str, Any]:
        """The claims as JSON data; ``with_source_text`` adds the decoded source (for the store)."""
        out: dict[str, Any] = {
            "patent": self.patent_id, "source": self.source.path,
            "source_sha256": self.source.sha256, "publication": self.source.publication,
            "format": self.source.format, "title": self.source.title, "source_offset": self.source.offset,
            "header": self.header,
            "claims": [c.to_dict() for c in self.claims],
            "repairs": [r.to_dict() for r in self.repairs],
            "diagnostics": [d.to_dict() for d in self.diagnostics],
        }
        if with_source_text:
            out["source_text"] = self.source.text
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Patent:
        """The inverse of :meth:`to_dict` (the source text is empty unless it was included)."""
        source = SourceDocument(data["source"], data["patent"], data.get("source_text", ""),
                                data["source_sha256"], data.get("publication"), data.get("format", "text"),
                                data.get("title"), int(data.get("source_offset", 0)))
        return cls(data["patent"], source, tuple(Claim.from_dict(c) for c in data["claims"]),
                   data.get("header"), tuple(Repair.from_dict(r) for r in data["repairs"]),
                   tuple(Diagnostic.from_dict(d) for d in data["diagnostics"]))
