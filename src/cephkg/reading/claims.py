"""Stage 2: repaired text → numbered claims with what each of them states.

Reads claim language with the rules of ``data/claim_rules.toml``: segmentation by
sequential claim numbers, categories, citations, variable definitions (shared, joint,
integer, nested), provisos read into conditions, named species and salt types, formula
mentions (the images are lost; the mentions remain) and the steps of process claims.
Each claim is read on its own: a claim that cannot be read is a recorded error and the
other claims are kept. Every scan is linear in the claim's text (brackets are tracked
once per scan, never recounted), and the dependency closure is one pass in claim order.
"""

from __future__ import annotations

import bisect
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
    Condition,
    Definition,
    Formula,
    JointDefinition,
    Patent,
    Proviso,
    Repair,
    SaltsClause,
    SaltType,
    SharedDefinition,
    Span,
    Species,
    Step,
)
from .limits import MAX_CLAIM_CHARS, MAX_CLAIMS, MAX_NAME_CHARS, MAX_PROVISO_CHARS
from .rules import claim_rules
from .segment import Segment, segment
from .view import ClaimView, first_at_depth0, split_top

__all__ = ["TermRepairer", "parse_claims"]

#: Maps a group term the vocabulary does not know to the term it most likely is.
TermRepairer = Callable[[str], "str | None"]

_I = re.IGNORECASE
_SEMICOLON = re.compile(r";")
_SENTENCE_END = re.compile(r"\.(?=\s|$)")
_SENTENCE_END_OR_SEMI = re.compile(r";|\.(?=\s|$)")
_STAR_NOTE = re.compile(r",?\s*(?:and\s+)?\*\s+(?:denotes|is|represents)\b", re.I)
_COMMA = re.compile(r",")
_CLAUSE_AND = re.compile(r"\s*[,;]?\s+and\s+|\s*;\s*", re.I)
_LIST_SEPARATORS = re.compile(r"\s*;\s*|,\s+(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+", re.I)
# What may stand right before an image that is itself an alternative of a value.
_VALUE_SLOT = re.compile(r"(?:,|\bor|\band|\band/or|:|\bof|\bfrom|\bis|\bare|\brepresents?)\s*$", re.I)
_TRAILING_SEPARATORS = re.compile(r"(?:\s*[,:])?(?:\s+(?:and|or|and/or))?\s*[,:]?\s*$", re.I)
_NUMBER_WORDS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 "nine": 9, "ten": 10}


def _depth0(regex: re.Pattern[str], text: str, start: int, end: int) -> Iterable[re.Match[str]]:
    """The matches of ``regex`` in ``text[start:end]`` outside brackets, in one pass."""
    depth, at = 0, start
    for m in regex.finditer(text, start, end):
        for ch in text[at:m.start()]:
            if ch in "([{":
                depth += 1
            elif ch in ")]}":
                depth = max(0, depth - 1)
        at = m.start()
        if depth == 0:
            yield m


def _rstrip_separators(text: str, begin: int, end: int) -> int:
    """``end`` moved back over trailing separators (", and", " or", ":") and spaces."""
    m = _TRAILING_SEPARATORS.search(text, begin, end)
    return m.start() if m else end


def _letters(text: str) -> str:
    """The letters and digits of a text (a repair that changes only spacing, hyphens or brackets keeps them)."""
    return re.sub(r"[^0-9A-Za-z]", "", text).lower()


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBER_WORDS[word.lower()]


def _numeric(value: str) -> tuple[tuple[int, int], ...]:
    """The integers a value states ("0, 1 or 2", "an integer of 1 to 4", "one through five"), as ranges."""
    r = claim_rules()
    v = " ".join(value.split())
    m = r.numeric_range.match(v)
    if m is not None:
        lo, hi = _number(m.group("lo")), _number(m.group("hi"))
        return ((lo, hi),) if lo <= hi else ()
    m = r.numeric_list.match(v)
    if m is None:
        return ()
    numbers = sorted({_number(w) for w in re.findall(r"\d+|[A-Za-z]+", m.group("list"))
                      if w.isdigit() or w.lower() in _NUMBER_WORDS})
    ranges: list[tuple[int, int]] = []
    for n in numbers:
        if ranges and n == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], n)
        else:
            ranges.append((n, n))
    return tuple(ranges)


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
    bare: bool = False  # a placeholder with no "formula" word before it


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
    regions: list[tuple[int, int]] = field(default_factory=list)  # where the claim's definitions stand

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

    def citations(self, highest: int) -> list[int]:
        """The claims cited, ranges expanded; ``highest`` (the file's largest claim number) bounds a range.

        Each citation's words and span go to ``cited_at``.
        """
        r = claim_rules()
        cited: list[int] = []
        found: list[Citation] = []
        preceding = r.all_preceding.search(self.text)
        if preceding:
            before = tuple(range(1, min(self.number, highest + 1)))
            cited.extend(before)
            found.append(self._citation(before, preceding.start(), preceding.end()))
        for m in r.citation.finditer(self.text):
            numbers = r.citation_tokens.findall(m.group(1))
            here: list[int] = []
            previous: int | None = None
            ranged = False
            for tok in numbers:
                if tok in r.range_words:
                    ranged = True
                    continue
                if len(tok) > 6:
                    previous, ranged = None, False
                    continue
                n = int(tok)
                if ranged and previous is not None and previous < n:
                    here.extend(range(previous + 1, min(n, highest) + 1))
                    if n > highest:
                        here.append(n)
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
            rest = text[end:end + 400]
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
        starts = [a for a, _b in covered]
        for ph in r.placeholder.finditer(text):
            k = bisect.bisect_right(starts, ph.start()) - 1
            if k < 0 or not covered[k][0] <= ph.start() < covered[k][1]:
                found.append(_Mention(ph.start(), ph.end(), None, True, ph.group(0), bare=True))
        found.sort(key=lambda x: x.start)
        return found

    def description_before(self, pos: int) -> str:
        window = self.text[max(0, pos - 120):pos]
        r = claim_rules()
        m = r.formula_description.search(window.rstrip())
        desc = m.group(1) if m and len(m.group(1)) <= 60 else ""
        return r.formula_description_drop.sub("", desc)

    # -- provisos --------------------------------------------------------------------

    def provisos(self) -> list[tuple[int, int, Proviso]]:
        """The claim's provisos: where each is (view positions) and its conditions."""
        r = claim_rules()
        text = self.text
        out: list[tuple[int, int, Proviso]] = []
        for m in r.proviso_opener.finditer(text):
            if out and m.start() < out[-1][1]:
                continue
            body = m.end()
            end = len(text)
            for regex in (_SEMICOLON, _SENTENCE_END, r.salts_clause, _STAR_NOTE):
                hit = first_at_depth0(regex, text, body)
                if hit is not None:
                    end = min(end, hit.start())
            end = _rstrip_separators(text, body, end)
            when, then = self._conditions(body, end)
            proviso = Proviso(text[m.start():end], self.view.span(m.start(), end), tuple(when), tuple(then))
            if not proviso.decidable:
                self.note("warning", DiagnosticCode.UNREAD_PROVISO,
                          "a proviso is kept as text: not every condition could be read "
                          f"({text[m.start():end][:80]!r})", proviso.span)
            out.append((m.start(), end, proviso))
        return out

    def _conditions(self, begin: int, end: int) -> tuple[list[Condition], list[Condition]]:
        r = claim_rules()
        text = self.text
        if end - begin > MAX_PROVISO_CHARS:  # longer than any real proviso: kept as text, read no further
            return [], [Condition((), "all", "statement", (), (), text[begin:end], self.view.span(begin, end))]
        body = text[begin:end]
        lead = re.match(r"[\s,]*", body)
        a = begin + (lead.end() if lead else 0)
        when_m = r.proviso_when.match(text, a, end)
        if when_m is not None:
            # "when <conditions>, <requirements>": split at the comma after which a clause starts
            commas = [c.start() for c in _depth0(_COMMA, text, when_m.end(), end)]
            split = next((c for c in commas if r.condition.match(text[c + 1:end].strip())), commas[-1] if commas else None)
            if split is None:
                return self._clauses(when_m.end(), end), []
            return self._clauses(when_m.end(), split), self._clauses(split + 1, end)
        then_when = first_at_depth0(r.proviso_then_when, text, a, end)
        if then_when is not None:
            return self._clauses(then_when.end(), end), self._clauses(a, then_when.start())
        return [], self._clauses(a, end)

    def _clauses(self, begin: int, end: int) -> list[Condition]:
        r = claim_rules()
        text = self.text
        out: list[Condition] = []
        cuts: list[re.Match[str]] = []
        for m in _depth0(_CLAUSE_AND, text, begin, end):
            left = text[cuts[-1].end() if cuts else begin:m.start()].strip(" ,")
            # a cut between two whole clauses, never inside a list of symbols ("R3 and R4 are")
            if r.condition.match(left) and r.condition.match(text[m.end():end].strip()):
                cuts.append(m)
        bounds = [begin, *[x for m in cuts for x in (m.start(), m.end())], end]
        for a, b in zip(bounds[::2], bounds[1::2]):
            while a < b and text[a] in " ,":
                a += 1
            b = _rstrip_separators(text, a, b)
            if a < b:
                out.append(self._condition(a, b))
        return out

    def _condition(self, a: int, b: int) -> Condition:
        r = claim_rules()
        clause = self.text[a:b]
        span = self.view.span(a, b)
        m = r.condition.match(clause)
        if m is None:
            return Condition((), "all", "statement", (), (), clause, span)
        names = tuple(r.condition_variable.findall(m.group("vars")))
        quantifier = "any" if re.search(r"\b(?:or|either)\b", (m.group("q") or "") + m.group("vars"), _I) else "all"
        relation = "not-in" if m.group("neg") or (m.group("q") or "").strip().lower() == "neither" else "in"
        value = re.split(r"\s+(?:wherein|where|in\s+which)\s+", m.group("value"), maxsplit=1)[0]
        value = value.rstrip(" ,.;:")
        numeric = _numeric(value)
        if numeric:
            return Condition(names, quantifier, relation, (), numeric, clause, span)  # type: ignore[arg-type]
        values = []
        for x, y in split_top(value, r.alternative_separators):
            term = self.term(a + m.start("value") + x, a + m.start("value") + y, record=False)
            if term:
                values.append(term)
        if not values:
            return Condition((), "all", "statement", (), (), clause, span)
        return Condition(names, quantifier, relation, tuple(values), (), clause, span)  # type: ignore[arg-type]

    # -- definitions ---------------------------------------------------------------

    def definitions(self, stops: Iterable[_Mention], excluded: list[tuple[int, int]]
                    ) -> tuple[list[tuple[int, Definition]], list[SharedDefinition], list[JointDefinition]]:
        """Every definition the claim states (position, record), its shared and joint definitions.

        A definition runs from its verb to the next definition, a formula mention, a ";" or the
        end of a sentence, a salts clause or proviso, or where its list of alternatives ends.
        Definitions inside a proviso, or after "when"/"if", are conditions, not definitions.
        """
        r = claim_rules()
        text = self.text
        found: list[tuple[int, int, str, re.Match[str]]] = []  # start, end of match, kind, match

        def outside(pos: int) -> bool:
            k = bisect.bisect_right(excluded_starts, pos) - 1
            return k < 0 or pos >= excluded[k][1]

        excluded_starts = [a for a, _b in excluded]
        for kind, regex in (("var", r.definition), ("num", r.numeric_definition), ("joint", r.joint_definition)):
            for m in regex.finditer(text):
                if not outside(m.start()) or r.condition_lead.search(text, max(0, m.start() - 12), m.start()):
                    continue
                found.append((m.start(), m.end(), kind, m))
        found.sort(key=lambda x: (x[0], -x[1]))
        kept: list[tuple[int, int, str, re.Match[str]]] = []
        for f in found:
            if kept and f[0] < kept[-1][1]:
                continue
            kept.append(f)
        stop_list = sorted(((x.start, x) for x in stops), key=lambda item: item[0])
        stop_starts = [pos for pos, _x in stop_list]
        self.regions = []
        out: list[tuple[int, Definition]] = []
        shared: list[SharedDefinition] = []
        joint: list[JointDefinition] = []
        for k, (start, begin, kind, m) in enumerate(kept):
            limit = kept[k + 1][0] if k + 1 < len(kept) else len(text)
            for pos, mention in stop_list[bisect.bisect_left(stop_starts, begin):]:
                if pos >= limit:
                    break
                if not self._value_image(begin, mention):
                    limit = pos
                    break
            k2 = bisect.bisect_left(excluded_starts, begin)
            if k2 < len(excluded) and excluded[k2][0] < limit:
                limit = excluded[k2][0]
            end = limit
            for regex in (_SEMICOLON, _SENTENCE_END, r.definition_ends):
                hit = first_at_depth0(regex, text, begin, limit)
                if hit is not None:
                    end = min(end, hit.start())
            end = _rstrip_separators(text, begin, end)
            names = re.findall(r.variable if kind != "num" else r"[a-z]", m.group("vars"))
            value = text[begin:end].strip()
            inherited = bool(r.inherited.match(value))
            numeric = () if inherited else _numeric(value)
            alternatives: tuple[str, ...] = ()
            if not inherited and not numeric:
                alternatives, end = self.alternatives(begin, end)
            if kind == "num" and not numeric:
                continue  # a lower-case letter read as a symbol, but not given integers
            statement = text[start:end]
            span = self.view.span(start, end)
            self.regions.append((start, end))
            if not inherited and not alternatives and not numeric:
                self.note("warning", DiagnosticCode.EMPTY_DEFINITION, f"no alternatives read for {', '.join(names)}",
                          span)
            if kind == "joint":
                joint.append(JointDefinition(tuple(names), alternatives, (m.group("with") or "").strip() or None,
                                             statement, span))
                continue
            if len(names) > 1 and not inherited:
                together = bool(m.groupdict().get("shared")) or bool(re.search(r"\b(?:independently|each)\b",
                                                                               text[start:begin], _I))
                shared.append(SharedDefinition(tuple(names), alternatives, together, statement, span))
            again = r.redefinition_lead.search(text, max(0, start - 8), start) is not None
            for name in names:
                definition = Definition(name, alternatives, inherited, statement, span, numeric)
                if again and not inherited:
                    merged = self._merge(out, definition, start, stop_list)
                    if merged:
                        continue
                out.append((start, definition))
        return out, shared, joint

    def _value_image(self, begin: int, mention: _Mention) -> bool:
        """Whether a formula is itself an alternative of the value: a bare placeholder in an
        alternative's place (``X is --S-- or ##STR12##``), or the formula of a group the value
        names (``R1 is a group of the formula ##STR32##``)."""
        if not mention.bare:
            return mention.new and not mention.said and bool(claim_rules().value_formula.search(mention.description))
        before = self.text[begin:mention.start]
        return bool(_VALUE_SLOT.search(before)) or not before.strip()

    @staticmethod
    def _merge(out: list[tuple[int, Definition]], definition: Definition, start: int,
               stops: list[tuple[int, _Mention]]) -> bool:
        """Add a repeated definition's alternatives ("…, or R1 is …") to the earlier one of its symbol."""
        for i in range(len(out) - 1, -1, -1):
            pos, earlier = out[i]
            if earlier.variable != definition.variable or earlier.inherited:
                continue
            if any(pos < p < start and mention.new and not mention.bare for p, mention in stops):
                return False  # another formula's definition
            alternatives = tuple(dict.fromkeys(earlier.alternatives + definition.alternatives))
            out[i] = (pos, replace(earlier, alternatives=alternatives,
                                   span=(earlier.span[0], max(earlier.span[1], definition.span[1]))))
            return True
        return False

    def alternatives(self, begin: int, end: int) -> tuple[tuple[str, ...], int]:
        """The alternatives of a value, and where the value really ends.

        A qualifier ("which may have", "substituted by") keeps its own list inside its
        alternative; after the alternative a final "or"/"and" introduces, a plain comma ends
        the list (and the definition).
        """
        r = claim_rules()
        text = self.text
        lead = r.value_lead.match(text, begin, end)
        allow_and = False
        if lead is not None and lead.end() > begin:
            allow_and = bool(r.value_lead_and.search(text, begin, lead.end()))
            begin = lead.end()
        joined = [(j.start(), j.end()) for j in r.alternative_joiners.finditer(text, begin, end)]
        pieces: list[tuple[int, int]] = []
        cur = begin
        nested = nested_final = outer_final = False
        stop = end
        depth, at = 0, begin
        for m in r.alternative_separators.finditer(text, begin, end):
            from_depth = depth
            for ch in text[at:m.start()]:
                if ch in "([{":
                    from_depth += 1
                elif ch in ")]}":
                    from_depth = max(0, from_depth - 1)
            depth, at = from_depth, m.start()
            if depth or any(a < m.start() and m.end() < b for a, b in joined):
                continue
            sep = m.group(0)
            final = bool(r.final_separator.search(sep))
            plain = not final and sep.strip() in (",", ";")
            if sep.strip().lower() == "and" and not allow_and and not nested:
                continue
            if nested:
                if nested_final and plain:
                    pieces.append((cur, m.start()))
                    cur, nested, nested_final = m.end(), False, False
                    if outer_final:
                        stop = m.start()
                        break
                elif final:
                    nested_final = True
                continue
            if r.qualifiers.search(text, cur, m.start()):
                nested, nested_final = True, final
                continue
            if outer_final and plain:
                pieces.append((cur, m.start()))
                cur = stop = m.start()
                break
            pieces.append((cur, m.start()))
            cur = m.end()
            if final:
                outer_final = True
        else:
            stop = end
        if cur < stop:
            pieces.append((cur, stop))
        result: list[str] = []
        for a, b in pieces:
            term = self.term(a, b)
            if term:
                result.append(term)
        return tuple(dict.fromkeys(result)), stop

    def term(self, a: int, b: int, *, record: bool = True) -> str:
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
        if normalised != term and record:
            span = self.view.span(a, b)
            original = self.view.original(a, b)
            self.repairs.append(Repair("term-repair", span, original, normalised))
            if _letters(original) != _letters(normalised) and _letters(term) != _letters(normalised):
                self.note("warning", DiagnosticCode.TEXT_REPAIRED,
                          f"the group term {term!r} is read as {normalised!r} (an OCR repair)", span)
        return normalised

    # -- salts, isomers, species ---------------------------------------------------

    def salts_clause(self, stop: int, excluded: list[tuple[int, int]]) -> SaltsClause | None:
        for m in claim_rules().salts_clause.finditer(self.text, 0, stop):
            if any(a <= m.start() < b for a, b in excluded):
                continue
            return SaltsClause(m.group(0), bool(m.group("pa")), self.view.span(m.start(), m.end()))
        return None

    def salt_types(self) -> list[tuple[int, int, SaltType]]:
        """The salt types the claim is limited to, with the view range each list covers."""
        r = claim_rules()
        text = self.text
        out: list[tuple[int, int, SaltType]] = []
        for m in r.salt_type_list.finditer(text):
            end = first_at_depth0(_SENTENCE_END_OR_SEMI, text, m.end())
            stop = end.start() if end else len(text)
            items = [(m.end() + a, m.end() + b) for a, b in split_top(text[m.end():stop], _LIST_SEPARATORS)]
            found: list[tuple[int, int, str]] = []
            for a, b in items:
                item = text[a:b].strip()
                t = r.salt_type.match(item)
                if not item:
                    continue
                if t is None:
                    found = []
                    break
                lead = a + (len(text[a:b]) - len(text[a:b].lstrip()))
                found.append((lead + t.start("type"), lead + t.end("type"), t.group("type")))
            for a, b, name in found:
                out.append((m.start(), stop, SaltType(" ".join(name.split()).lower(), self.view.span(a, b))))
        for m in r.salt_type_form.finditer(text):
            name = " ".join(m.group("type").split()).lower()
            out.append((m.start(), m.end(), SaltType(name, self.view.span(m.start("type"), m.end("type")))))
        return out

    def isomer_in(self, text: str) -> str | None:
        for name, regex in claim_rules().isomers:
            if regex.search(text):
                return name
        return None

    def species(self, category: Category, claimed_ranges: list[tuple[int, int]], definitions_at: list[int]
                ) -> list[Species]:
        """Compounds the claim names as claimed: only where an opener for its category names them."""
        r = claim_rules()
        text = self.text
        found: list[Species] = []
        first_definition = definitions_at[0] if definitions_at else len(text)
        for opener, categories, subject in r.species_openers:
            if category not in categories:
                continue
            for m in opener.finditer(text):
                if any(a <= m.start() < b for a, b in claimed_ranges):
                    continue  # a list of salt types, not compounds
                if any(a <= m.start() < b for a, b in self.regions):
                    continue  # inside a definition: "Het is a heterocyclic group which is a triazolyl, ..."
                if subject and (m.start() > first_definition
                                or not r.species_subject.match(text, 0, m.start())):
                    continue
                found.extend(self._species_at(m))
        found.sort(key=lambda s: s.span)
        return [replace(s, index=i) for i, s in enumerate(found, 1)]

    def _species_at(self, m: re.Match[str]) -> list[Species]:
        r = claim_rules()
        text = self.text
        begin = m.end()
        label = m.groupdict().get("label")
        listed = bool(r.species_list_openers.match(m.group(0)))
        # a list ("consisting of: a; b; and c") runs to the end of its sentence, a single name to its end
        end_match = first_at_depth0(_SENTENCE_END if listed else r.species_ends, text, begin,
                                    min(len(text), begin + MAX_NAME_CHARS * (20 if listed else 1)))
        end = end_match.start() if end_match else min(len(text), begin + MAX_NAME_CHARS * (20 if listed else 1))
        tail_end = len(text)
        nxt = re.search(r"[;]|\.\s*$", text[end:end + MAX_NAME_CHARS])
        if nxt:
            tail_end = end + nxt.end()
        tail = text[end:tail_end]
        isomer = self.isomer_in(tail)
        salts = tuple(dict.fromkeys(
            re.sub(r"\s+salt$", "", f.group("form").lower()) for f in r.salt_form.finditer(tail)))
        pieces = [(begin, end)]
        if listed:
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
                k = v.start()
                while k > 0 and text[k - 1].isspace():
                    k -= 1
                if (v.start() - begin <= 2 or r.step_boundary.search(text, max(0, k - 40), k)
                        or k in mention_ends):
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
                notes: list[Diagnostic], highest: int) -> tuple[_ClaimReader, Category | None, list[int]]:
    view = ClaimView.of(clean, seg.body, seg.end)
    if len(view.text) > MAX_CLAIM_CHARS:
        raise InputError(f"{source}: claim {seg.number} is {len(view.text):,} characters long; the limit is "
                         f"{MAX_CLAIM_CHARS:,}")
    reader = _ClaimReader(view, seg.number, source, repair_term, notes)
    cited = reader.citations(highest)
    cited += [n for n in seg.cites if n not in cited]
    return reader, reader.category(), cited


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
                 refers_to: list[int], known_labels: set[str] = frozenset(), last: bool = False) -> Claim:  # type: ignore[assignment]
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
        if opener is not None and not r.steps_opener_strong.fullmatch(opener.group(0)):
            opener = r.steps_opener_strong.search(text, opener.end()) or opener
        if opener:
            steps_at = opener.end()
    stops = list(mentions) + ([_Mention(steps_at, steps_at, None, False, None)] if steps_at < len(text) else [])
    provisos = reader.provisos()
    excluded = [(a, b) for a, b, _p in provisos]
    definitions, shared, joint = reader.definitions(stops, excluded)
    new_mentions = [x for x in mentions if x.new]
    new_starts = [x.start for x in new_mentions]
    per_formula: dict[int, list[Definition]] = {}
    for pos, d in definitions:
        k = bisect.bisect_left(new_starts, pos) - 1
        if k >= 0:
            per_formula.setdefault(new_mentions[k].formula or 0, []).append(d)
    chirality: set[int | None] = set()
    for c in r.chirality.finditer(text):
        k = bisect.bisect_left(new_starts, c.start()) - 1
        if k >= 0:
            chirality.add(new_mentions[k].formula)
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
    salts = reader.salts_clause(steps_at, excluded)
    salt_types = reader.salt_types()
    species = reader.species(category, [(a, b) for a, b, _t in salt_types], [pos for pos, _d in definitions])
    isomer = formulas[0].isomer if formulas else None
    claim_span = reader.view.clean.original_span(seg.start, seg.end)
    own_repairs = [x for x in reader.view.clean.repairs
                   if claim_span[0] <= x.span[0] and x.span[1] <= claim_span[1]]
    cut = _cut(text, last)
    if cut:
        reader.note("warning", DiagnosticCode.CUT_CLAIM,
                    f"the claim stops short ({text[-40:]!r}): what it cites or states after that is unknown",
                    reader.view.span(max(0, len(text) - 40), len(text)))
    return Claim(
        number=seg.number, category=category, depends_on=tuple(depends_on), refers_to=tuple(refers_to),
        text=text, span=claim_span, definitions=tuple(claim_defs.values()), salts_clause=salts,
        species=tuple(species), formulas=tuple(formulas), steps=tuple(steps), steps_relation=relation,  # type: ignore[arg-type]
        isomer=isomer, repairs=tuple(sorted(own_repairs + reader.repairs, key=lambda x: x.span)),
        citations=tuple(reader.cited_at),
        shared_definitions=tuple(shared), joint_definitions=tuple(joint),
        provisos=tuple(p for _a, _b, p in provisos), salt_types=tuple(t for _a, _b, t in salt_types), cut=cut,
    )


def _cut(text: str, last: bool) -> bool:
    """Whether a claim stops short: on a word that cannot end a claim, or (the last claim of a
    page) with no sentence end and not on a formula whose image is lost."""
    stripped = text.rstrip()
    if not stripped or re.search(r"[.;:)\]\"']$", stripped) or re.search(r"\bformulae?$", stripped, _I):
        return False
    tail = stripped[-60:]
    images = list(claim_rules().placeholder.finditer(tail))
    if images and images[-1].end() == len(tail):
        return False
    return bool(claim_rules().cut_words.search(stripped)) or last


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
    """Read every claim of one cleaned document; raises :class:`InputError` when none is found
    or when the document holds more claims than :data:`~cephkg.reading.limits.MAX_CLAIMS`."""
    source = clean.source.path
    notes: list[Diagnostic] = list(clean.diagnostics)
    segments, header = segment(clean, source, notes)
    if not segments:
        raise InputError(f"{source}: no numbered claims found")
    if len(segments) > MAX_CLAIMS:
        raise InputError(f"{source}: {len(segments):,} claims; the limit is {MAX_CLAIMS:,} per patent")
    highest = max(seg.number for seg in segments)
    readers = [_read_claim(clean, seg, source, repair_term, notes, highest) for seg in segments]
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
    for k, (seg, (reader, _category, cited)) in enumerate(zip(segments, readers)):
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
        known: set[str] = set()
        for n in depends:
            known |= labels_of.get(n, set())
        try:
            claims.append(_build_claim(reader, seg, category, depends, refers, known, last=k == len(segments) - 1))
            labels_of[seg.number] = known | {f.label for f in claims[-1].formulas if f.label}
        except Exception as exc:  # one unreadable claim must not sink the file
            reader.note("error", DiagnosticCode.CLAIM_UNREADABLE, f"could not read the claim: {exc!r}")
            claims.append(Claim(seg.number, category, tuple(depends), tuple(refers), reader.text,
                                clean.original_span(seg.start, seg.end), citations=tuple(reader.cited_at)))
    _check_labels(claims, {seg.number: reader for seg, (reader, _category, _cited) in zip(segments, readers)})
    _warn_repaired_names(claims, notes, source)
    return Patent(clean.source.patent_id, clean.source, tuple(claims), header, clean.repairs, tuple(notes))


_OCR_FIXES = frozenset({"name-fix"})


def _warn_repaired_names(claims: list[Claim], notes: list[Diagnostic], source: str) -> None:
    """A repair that changed letters of a compound's name is a warning: the name may not be the one printed."""
    for claim in claims:
        for species in claim.species:
            for repair in species.repairs:
                if repair.kind in _OCR_FIXES and _letters(repair.original) != _letters(repair.replacement):
                    notes.append(Diagnostic("warning", DiagnosticCode.TEXT_REPAIRED,
                                            f"the name of compound {species.index} is read with {repair.original!r} "
                                            f"as {repair.replacement!r} (an OCR repair)",
                                            source=source, claim=claim.number, span=repair.span))


def _check_labels(claims: list[Claim], readers: dict[int, _ClaimReader]) -> None:
    """A formula label neither shown in a claim nor in a claim it depends on is a warning.

    The labels a claim can see are gathered in one pass in claim-number order (a claim
    depends only on earlier claims), each claim's set built once from its parents' sets.
    """
    by_number = {c.number: c for c in claims}
    seen: dict[int, frozenset[str]] = {}
    for number in sorted(by_number):
        claim = by_number[number]
        found = {f.label for f in claim.formulas if f.label}
        for parent in claim.depends_on:
            found |= seen.get(parent, frozenset())
        seen[number] = frozenset(found)
    for number, reader in readers.items():
        known = seen.get(number, frozenset())
        for label, span in reader.unresolved:
            if label not in known:
                reader.note("warning", DiagnosticCode.UNKNOWN_FORMULA_LABEL,
                            f"formula {label} is referred to but shown neither in this claim nor in a "
                            "claim it depends on", span)
