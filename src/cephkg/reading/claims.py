"""Stage 2: repaired text → numbered claims with what each of them states.

Reads claim language with the rules of ``data/claim_rules.toml``: segmentation by
sequential claim numbers, categories, citations, variable definitions, named
species, formula mentions (the images are lost; the mentions remain) and the steps
of process claims. Each claim is read on its own: a claim that cannot be read is a
recorded error and the other claims are kept.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from ..errors import Diagnostic, DiagnosticCode, InputError, Severity
from ..model import (
    Agent,
    Category,
    Citation,
    Claim,
    CleanText,
    Definition,
    Formula,
    Patent,
    Repair,
    SaltsClause,
    Span,
    Species,
    Step,
)
from .rules import claim_rules
from .segment import Segment, segment
from .view import ClaimView, first_at_depth0, split_top

__all__ = ["TermRepairer", "parse_claims"]

#: Maps a group term the vocabulary does not know to the term it most likely is.
TermRepairer = Callable[[str], "str | None"]

_I = re.IGNORECASE


# --------------------------------------------------------------------------------------
# Reading one claim


@dataclass(slots=True)
class _Mention:
    start: int
    end: int
    label: str | None
    new: bool
    placeholder: str | None
    description: str = ""
    said: bool = False
    formula: int | None = None  # index into the claim's formulas (1-based) once resolved


@dataclass(slots=True)
class _ClaimReader:
    view: ClaimView
    number: int
    source: str
    repair_term: TermRepairer | None
    notes: list[Diagnostic]
    repairs: list[Repair] = field(default_factory=list)
    unresolved: list[tuple[str, Span]] = field(default_factory=list)
    cited_at: list[Citation] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.view.text

    def note(self, severity: Severity, code: DiagnosticCode, message: str, span: Span | None = None) -> None:
        self.notes.append(Diagnostic(severity, code, message, source=self.source, claim=self.number, span=span))

    # -- category and citations ----------------------------------------------------

    def category(self) -> Category | None:
        for category, regex in claim_rules().categories:
            if regex.match(self.text):
                return category  # type: ignore[return-value]
        return None

    def citations(self) -> list[int]:
        """The claim numbers the text cites, in order; each citation's words and span go to ``cited_at``."""
        r = claim_rules()
        cited: list[int] = []
        found: list[Citation] = []
        preceding = r.all_preceding.search(self.text)
        if preceding:
            cited.extend(range(1, self.number))
            found.append(self._citation(tuple(range(1, self.number)), preceding.start(), preceding.end()))
        for m in r.citation.finditer(self.text):
            numbers = r.citation_tokens.findall(m.group(1))
            here: list[int] = []
            previous: int | None = None
            ranged = False
            for tok in numbers:
                if tok in r.range_words:
                    ranged = True
                    continue
                n = int(tok)
                if ranged and previous is not None:
                    here.extend(range(previous + 1, n + 1))
                else:
                    here.append(n)
                previous, ranged = n, False
            cited.extend(here)
            found.append(self._citation(tuple(dict.fromkeys(here)), m.start(), m.end()))
        self.cited_at = sorted(found, key=lambda c: c.span)
        return list(dict.fromkeys(cited))

    def _citation(self, numbers: tuple[int, ...], start: int, end: int) -> Citation:
        return Citation(numbers, self.text[start:end], self.view.span(start, end))

    # -- formulas ------------------------------------------------------------------

    def mentions(self) -> list[_Mention]:
        r = claim_rules()
        text = self.text
        found: list[_Mention] = []
        for m in r.formula.finditer(text):
            label = m.group("label")
            if label:
                label = label.strip("()")
            end = m.end()
            rest = text[end:]
            ph = r.placeholder.match(rest.lstrip(" :"))
            follows_colon = rest.lstrip(" ").startswith(":")
            gap = self.view.line_ends_after(end)
            said = bool(m.group("said"))
            new = not said and (follows_colon or ph is not None or gap or label is None)
            if label is None and not m.group("lead") and not follows_colon and not gap and ph is None:
                continue  # "formula" used as a plain word
            if new and ph is not None:
                offset = len(rest) - len(rest.lstrip(" :"))
                end = end + offset + ph.end()
            desc = (re.sub(r"^said\s+", "", m.group("said"), flags=_I).strip() if said
                    else self.description_before(m.start()))
            found.append(_Mention(m.start(), end, label, new, ph.group(0) if ph else None, desc, said))
        covered = [(x.start, x.end) for x in found]
        for ph in r.placeholder.finditer(text):
            if not any(a <= ph.start() < b for a, b in covered):
                found.append(_Mention(ph.start(), ph.end(), None, True, ph.group(0)))
        found.sort(key=lambda x: x.start)
        return found

    def description_before(self, pos: int) -> str:
        window = self.text[max(0, pos - 120):pos]
        r = claim_rules()
        m = r.formula_description.search(window.rstrip())
        desc = m.group(1) if m and len(m.group(1)) <= 60 else ""
        return r.formula_description_drop.sub("", desc)

    # -- definitions ---------------------------------------------------------------

    def definitions(self, stops: Iterable[int]) -> list[tuple[int, Definition]]:
        r = claim_rules()
        text = self.text
        matches = list(r.definition.finditer(text))
        stop_positions = sorted(set(stops))
        out: list[tuple[int, Definition]] = []
        for k, m in enumerate(matches):
            begin = m.end()
            limit = matches[k + 1].start() if k + 1 < len(matches) else len(text)
            limit = min([limit] + [p for p in stop_positions if p > begin])
            end = limit
            for regex in (re.compile(r";"), re.compile(r"\.(?=\s|$)"), r.definition_ends):
                hit = first_at_depth0(regex, text, begin, limit)
                if hit is not None:
                    end = min(end, hit.start())
            value_end = end
            value = text[begin:value_end]
            trimmed = re.sub(r"(?:\s*,)?(?:\s+(?:and|or))?\s*,?\s*$", "", value)
            value_end = begin + len(trimmed)
            names = re.findall(r.variable, m.group("vars"))
            statement = text[m.start():value_end]
            span = self.view.span(m.start(), value_end)
            inherited = bool(r.inherited.match(trimmed.strip()))
            alternatives = () if inherited else self.alternatives(begin, value_end)
            if not inherited and not alternatives:
                self.note("warning", DiagnosticCode.EMPTY_DEFINITION, f"no alternatives read for {', '.join(names)}",
                          span)
            for name in names:
                out.append((m.start(), Definition(name, alternatives, inherited, statement, span)))
        return out

    def alternatives(self, begin: int, end: int) -> tuple[str, ...]:
        value = self.text[begin:end]
        result: list[str] = []
        for a, b in split_top(value, claim_rules().alternative_separators):
            term = self.term(begin + a, begin + b)
            if term:
                result.append(term)
        return tuple(dict.fromkeys(result))

    def term(self, a: int, b: int) -> str:
        r = claim_rules()
        raw = self.text[a:b].strip()
        term = r.leading.sub("", raw)
        suffix = r.group_suffix.search(term)
        if suffix and not any(term[:suffix.start()].endswith(word) for word in r.group_kept_after):
            term = term[:suffix.start()]
        normalised = term
        for regex, replacement in r.term_normalisations:
            normalised = regex.sub(replacement, normalised)
        if self.repair_term is not None:
            fixed = self.repair_term(normalised)
            if fixed and fixed != normalised:
                normalised = fixed
        if normalised != term:
            span = self.view.span(a, b)
            self.repairs.append(Repair("term-repair", span, self.view.original(a, b), normalised))
        return normalised

    # -- salts, isomers, species ---------------------------------------------------

    def salts_clause(self, stop: int) -> SaltsClause | None:
        m = claim_rules().salts_clause.search(self.text, 0, stop)
        if not m:
            return None
        return SaltsClause(m.group(0), bool(m.group("pa")), self.view.span(m.start(), m.end()))

    def isomer_in(self, text: str) -> str | None:
        for name, regex in claim_rules().isomers:
            if regex.search(text):
                return name
        return None

    def species(self) -> list[Species]:
        r = claim_rules()
        text = self.text
        found: list[Species] = []
        for opener in r.species_openers:
            for m in opener.finditer(text):
                found.extend(self._species_at(m))
        found.sort(key=lambda s: s.span)
        return [replace(s, index=i) for i, s in enumerate(found, 1)]

    def _species_at(self, m: re.Match[str]) -> list[Species]:
        r = claim_rules()
        text = self.text
        begin = m.end()
        label = m.groupdict().get("label")
        end_match = first_at_depth0(r.species_ends, text, begin)
        end = end_match.start() if end_match else len(text)
        tail_end = len(text)
        nxt = re.search(r"[;]|\.\s*$", text[end:])
        if nxt:
            tail_end = end + nxt.end()
        tail = text[end:tail_end]
        isomer = self.isomer_in(tail)
        salts = tuple(dict.fromkeys(
            re.sub(r"\s+salt$", "", f.group("form").lower()) for f in r.salt_form.finditer(tail)))
        pieces = [(begin, end)]
        if r.species_list_openers.match(m.group(0)):
            pieces = [(begin + a, begin + b) for a, b in
                      split_top(text[begin:end], r.species_list_separators)]
        out = []
        for a, b in pieces:
            name = text[a:b].strip()
            if not name or len(name) < 4:
                continue
            written_start = m.end() if (a, b) == pieces[0] else a
            span = self.view.span(a, b)
            lead_span = self.view.span(written_start, b)
            # The as-written name reaches back over noise removed right before it.
            opener_end = self.view.span(m.start(), m.end())[1]
            start = opener_end if (a, b) == pieces[0] else lead_span[0]
            source = self.view.clean.source.text
            while start < span[0] and source[start].isspace():
                start += 1
            full = (start, span[1])
            repairs = tuple(x for x in self.view.clean.repairs
                            if full[0] <= x.span[0] and x.span[1] <= full[1] and x.kind != "line-ending")
            repairs += tuple(x for x in self.repairs if full[0] <= x.span[0] and x.span[1] <= full[1])
            out.append(Species(0, name, source[full[0]:full[1]], isomer, salts,
                               label.strip("()") if label else None, full, repairs))
        return out

    # -- steps ---------------------------------------------------------------------

    def steps(self, mentions: list[_Mention], begin: int) -> tuple[list[Step], str | None]:
        r = claim_rules()
        text = self.text
        markers = list(r.step_marker.finditer(text, begin))
        starts: list[tuple[int, int, str | None, str]] = []  # start, verb start, marker, verb
        if len(markers) >= 2:
            for m in markers:
                opening = r.step_start.match(text, m.end())
                starts.append((m.start(), m.end(), m.group("marker"), opening.group("verb") if opening else ""))
        else:
            mention_ends = {x.end for x in mentions if x.new}
            for v in r.step_start.finditer(text, begin):
                before = text[:v.start()].rstrip()
                if (v.start() - begin <= 2 or r.step_boundary.search(before)
                        or len(before) in mention_ends):
                    starts.append((v.start(), v.start(), None, v.group("verb")))
        if not starts:
            return [], None
        steps: list[Step] = []
        relations: list[str] = []
        for k, (start, vstart, marker, verb) in enumerate(starts):
            end = starts[k + 1][0] if k + 1 < len(starts) else len(text)
            raw = text[start:end]
            trimmed = re.sub(r"[\s;,]*(?:\b(?:and|or|then)\b)?[\s;,.]*$", "", raw)
            if k + 1 < len(starts):
                relations.append("alternatives" if re.search(r"\bor[\s;,]*$", raw) else "sequence")
            stop = start + len(trimmed)
            inside = [x for x in mentions if start <= x.start < stop and x.formula is not None]
            consumes, produces = self._roles(inside, text, vstart, verb)
            agents = self._agents(start, stop)
            steps.append(Step(k + 1, marker, _base_verb(verb), trimmed, tuple(consumes), tuple(produces),
                              tuple(agents), self.view.span(start, stop)))
        relation = "alternatives" if relations and all(x == "alternatives" for x in relations) else "sequence"
        if relation == "sequence":
            steps = _chain(steps)
        return steps, relation

    def _roles(self, inside: list[_Mention], text: str, vstart: int, verb: str) -> tuple[list[int], list[int]]:
        r = claim_rules()
        base = _base_verb(verb)
        consumes: list[int] = []
        produces: list[int] = []
        cursor = vstart
        product = False
        for x in inside:
            between = text[cursor:x.start]
            if r.product_cues.search(between) or (base in r.verb_cues and r.verb_cues[base].search(between)):
                product = True
            target = produces if product else consumes
            if x.formula not in target:
                target.append(x.formula)  # type: ignore[arg-type]
            cursor = x.end
        return consumes, produces

    def _agents(self, start: int, stop: int) -> list[Agent]:
        r = claim_rules()
        text = self.text[start:stop]
        agents: list[Agent] = []

        def add(role: str, m: re.Match[str], group: str = "what") -> None:
            if m.group(group) is None:
                return
            value = m.group(group).strip(" ,;")
            a = start + m.start(group)
            agents.append(Agent(role, value, self.view.span(a, a + len(value))))  # type: ignore[arg-type]

        for m in r.agents["presence"].finditer(text):
            add("catalyst" if r.catalysts.search(m.group("what")) else "reagent", m)
        for m in r.agents["by_with"].finditer(text):
            add("condition", m, "how")
            add("catalyst" if r.catalysts.search(m.group("what")) else "reagent", m)
        for m in r.agents["treating_with"].finditer(text):
            if r.solvents.match(m.group("what").strip()):
                add("solvent", m)
            else:
                add("reactant" if m.group("verb").lower() == "reacting" else "reagent", m)
        for m in r.agents["solvent"].finditer(text):
            add("solvent", m)
        for m in r.agents["temperature"].finditer(text):
            add("condition", m)
        agents.sort(key=lambda x: x.span)
        return agents


def _base_verb(verb: str) -> str:
    return verb.lower().split()[-1] if verb else ""


def _chain(steps: list[Step]) -> list[Step]:
    """In a sequence, a step naming no starting material works on the previous product."""
    out: list[Step] = []
    for k, step in enumerate(steps):
        if not step.consumes and k and out[-1].produces:
            step = replace(step, consumes=(out[-1].produces[-1],))
        out.append(step)
    return out


def _read_claim(clean: CleanText, seg: Segment, source: str, repair_term: TermRepairer | None,
                notes: list[Diagnostic]) -> tuple[_ClaimReader, Category | None, list[int]]:
    view = ClaimView.of(clean, seg.body, seg.end)
    reader = _ClaimReader(view, seg.number, source, repair_term, notes)
    return reader, reader.category(), reader.citations()


def _introduce_inline_labels(mentions: list[_Mention], known_labels: set[str]) -> None:
    """``a compound of formula B`` with no image: the first mention of an unknown label shows it."""
    labels = {x.label for x in mentions if x.new and x.label} | known_labels
    unlabelled = [x.description.lower() for x in mentions if x.new and x.label is None]
    for x in mentions:
        if x.new or x.said or x.label is None or x.label in labels:
            continue
        if any(difflib.SequenceMatcher(None, x.description.lower(), d).ratio() >= 0.6 for d in unlabelled):
            continue  # probably names an unlabelled formula: left to label inference
        x.new = True
        labels.add(x.label)


def _build_claim(reader: _ClaimReader, seg: Segment, category: Category, depends_on: list[int],
                 refers_to: list[int], known_labels: set[str] = frozenset()) -> Claim:  # type: ignore[assignment]
    r = claim_rules()
    text = reader.text
    mentions = reader.mentions()
    _introduce_inline_labels(mentions, set(known_labels))
    formulas: list[Formula] = []
    for x in mentions:
        if x.new:
            desc = x.description
            iso = reader.isomer_in(text[max(0, x.start - 60):x.start])
            formulas.append(Formula(len(formulas) + 1, x.label, False, x.placeholder, desc, iso, (),
                                    False, reader.view.span(x.start, x.end)))
            x.formula = len(formulas)
    _resolve_references(reader, mentions, formulas)
    steps_at = len(text)
    if category == "process":
        opener = r.steps_opener.search(text)
        if opener:
            steps_at = opener.end()
    stops = [x.start for x in mentions] + ([steps_at] if steps_at < len(text) else [])
    definitions = reader.definitions(stops)
    new_mentions = [x for x in mentions if x.new]
    per_formula: dict[int, list[Definition]] = {}
    for pos, d in definitions:
        owner = [x for x in new_mentions if x.start < pos]
        if owner:
            per_formula.setdefault(owner[-1].formula or 0, []).append(d)
    chirality = {x.formula for x in new_mentions
                 for c in r.chirality.finditer(text)
                 if x.start < c.start() and not any(y.start < c.start() for y in new_mentions if y.start > x.start)}
    formulas = [replace(f, definitions=tuple(per_formula.get(f.index, ())),
                        stereocentres_marked=f.index in chirality) for f in formulas]
    claim_defs: dict[str, Definition] = {}
    for _pos, d in definitions:
        current = claim_defs.get(d.variable)
        if current is None or (current.inherited and not d.inherited):
            claim_defs[d.variable] = d
    steps: list[Step] = []
    relation: str | None = None
    if category == "process" and steps_at < len(text):
        steps, relation = reader.steps(mentions, steps_at)
    salts = reader.salts_clause(steps_at)
    species = reader.species()
    isomer = formulas[0].isomer if formulas else None
    claim_span = reader.view.clean.original_span(seg.start, seg.end)
    own_repairs = [x for x in reader.view.clean.repairs
                   if claim_span[0] <= x.span[0] and x.span[1] <= claim_span[1]]
    return Claim(
        number=seg.number, category=category, depends_on=tuple(depends_on), refers_to=tuple(refers_to),
        text=text, span=claim_span, definitions=tuple(claim_defs.values()), salts_clause=salts,
        species=tuple(species), formulas=tuple(formulas), steps=tuple(steps), steps_relation=relation,  # type: ignore[arg-type]
        isomer=isomer, repairs=tuple(sorted(own_repairs + reader.repairs, key=lambda x: x.span)),
        citations=tuple(reader.cited_at),
    )


def _resolve_references(reader: _ClaimReader, mentions: list[_Mention], formulas: list[Formula]) -> None:
    """Point each ``said … of formula I`` at a formula; infer a lost label where needed."""
    for x in mentions:
        if x.new or x.label is None:
            continue
        labelled = [f for f in formulas if f.label == x.label]
        if labelled:
            x.formula = labelled[0].index
            continue
        desc = x.description.lower()
        unlabelled = [f for f in formulas if f.label is None]
        scored = sorted(((difflib.SequenceMatcher(None, desc, f.description.lower()).ratio(), f.index)
                         for f in unlabelled), reverse=True)
        if scored and scored[0][0] >= 0.6:
            index = scored[0][1]
            formulas[index - 1] = replace(formulas[index - 1], label=x.label, label_inferred=True)
            x.formula = index
            reader.note("info", DiagnosticCode.FORMULA_LABEL_INFERRED,
                        f"formula {index} ({formulas[index - 1].description!r}) is taken to be formula "
                        f"{x.label}, which a later reference ({desc!r}) names",
                        reader.view.span(x.start, x.end))
        else:
            reader.unresolved.append((x.label, reader.view.span(x.start, x.end)))


def parse_claims(clean: CleanText, repair_term: TermRepairer | None = None) -> Patent:
    """Read every claim of one cleaned document; raises :class:`InputError` when none is found."""
    source = clean.source.path
    notes: list[Diagnostic] = list(clean.diagnostics)
    segments, header = segment(clean, source, notes)
    if not segments:
        raise InputError(f"{source}: no numbered claims found")
    readers = [_read_claim(clean, seg, source, repair_term, notes) for seg in segments]
    numbers = {seg.number for seg in segments}
    categories: dict[int, Category] = {}
    for seg, (reader, category, cited) in zip(segments, readers):
        if category is None:
            parent = next((categories[c] for c in cited if c in categories), None)
            if parent is None:
                reader.note("warning", DiagnosticCode.UNCLASSIFIED_CLAIM, "no category rule matches the claim's preamble",
                            reader.view.span(0, min(len(reader.text), 60)))
            category = parent or "unclassified"
        categories[seg.number] = category
    claims: list[Claim] = []
    labels_of: dict[int, set[str]] = {}  # formula labels shown in a claim or the claims it depends on
    for seg, (reader, _category, cited) in zip(segments, readers):
        category = categories[seg.number]
        refers: list[int] = []
        for n in cited:
            if n == seg.number:
                reader.note("warning", DiagnosticCode.SELF_CITATION, f"claim {n} cites itself; the citation is ignored")
            elif n not in numbers:
                reader.note("warning", DiagnosticCode.MISSING_CLAIM, f"claim {seg.number} cites claim {n}, which does not exist")
            else:
                refers.append(n)
        depends = [n for n in refers if categories[n] == category and n < seg.number]
        for n in refers:
            if categories[n] == category and n > seg.number:
                reader.note("warning", DiagnosticCode.FORWARD_DEPENDENCY,
                            f"claim {seg.number} cites the later claim {n}; kept as a reference only")
        known = set().union(*(labels_of.get(n, set()) for n in depends))
        try:
            claims.append(_build_claim(reader, seg, category, depends, refers, known))
            labels_of[seg.number] = known | {f.label for f in claims[-1].formulas if f.label}
        except Exception as exc:  # one unreadable claim must not sink the file
            reader.note("error", DiagnosticCode.CLAIM_UNREADABLE, f"could not read the claim: {exc!r}")
            claims.append(Claim(seg.number, category, tuple(depends), tuple(refers), reader.text,
                                clean.original_span(seg.start, seg.end), citations=tuple(reader.cited_at)))
    _check_labels(claims, {seg.number: reader for seg, (reader, _category, _cited) in zip(segments, readers)})
    return Patent(clean.source.patent_id, clean.source, tuple(claims), header, clean.repairs, tuple(notes))


def _check_labels(claims: list[Claim], readers: dict[int, _ClaimReader]) -> None:
    """A formula label neither shown in a claim nor in a claim it depends on is a warning."""
    by_number = {c.number: c for c in claims}

    def labels(number: int, seen: frozenset[int] = frozenset()) -> set[str]:
        claim = by_number.get(number)
        if claim is None or number in seen:
            return set()
        found = {f.label for f in claim.formulas if f.label}
        for parent in claim.depends_on:
            found |= labels(parent, seen | {number})
        return found

    for number, reader in readers.items():
        known = labels(number)
        for label, span in reader.unresolved:
            if label not in known:
                reader.note("warning", DiagnosticCode.UNKNOWN_FORMULA_LABEL,
                            f"formula {label} is referred to but shown neither in this claim nor in a "
                            "claim it depends on", span)
