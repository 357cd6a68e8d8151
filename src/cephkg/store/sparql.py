"""What cephkg checks in a SPARQL query before an engine runs it, and how it words a parse error.

**No SERVICE.** A ``SERVICE <url> { … }`` clause makes the engine fetch ``url`` and join
its answer: run by ``cephkg serve`` for a client, that is a request forgery from the host
(it reaches whatever the host reaches, and reflects the answer); run locally, a named
query file could make cephkg fetch anything. cephkg's queries never need it, so
:func:`refuse_service` refuses every query holding one, locally and in ``serve``.

The check reads the query as SPARQL tokens, not as text: ``\\u``/``\\U`` escapes are
expanded first (SPARQL processes them before parsing, so ``\\u0053ERVICE`` is SERVICE),
then IRIs, strings, comments, variables, prefixed names, blank-node labels and
language tags are skipped, and ``SERVICE`` is looked for among the keywords that remain.
The grammar reserves SERVICE as a keyword that only ever opens a service pattern, so
the token scan finds every SERVICE clause an engine would run (``SERVICE SILENT`` and
``SERVICE ?var`` included), and refuses nothing else: a string, an IRI, a comment or a
variable that spells "service" is fine. It needs no second SPARQL parser, whose dialect
would differ from Oxigraph's (SPARQL 1.2 syntax, extensions) and so could be fooled by a
query one parser reads differently from the other.
"""

from __future__ import annotations

import re

from ..errors import QueryError

__all__ = ["has_service", "refuse_service", "syntax_message"]

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_TOKENS = re.compile(
    r"""
      (?P<comment>\#[^\n\r]*)
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<long>'''(?:[^'\\]|\\.|'(?!''))*(?:'''|$)|\"\"\"(?:[^"\\]|\\.|"(?!""))*(?:\"\"\"|$))
    | (?P<string>'(?:[^'\\\n\r]|\\.)*'?|"(?:[^"\\\n\r]|\\.)*"?)
    | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]*)
    | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<pname>[\w\u00B7\u0300-\u036F\u203F-\u2040.-]*:(?:[\w\u00B7\u0300-\u036F\u203F-\u2040.:%\\-]|\\.)*)
    | (?P<word>[A-Za-z_][\w-]*)
    | (?P<other>\S)
    """,
    re.VERBOSE | re.DOTALL,
)


def _expand_escapes(query: str) -> str:
    def one(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else m.group(0)

    return _ESCAPE.sub(one, query)


def has_service(query: str) -> bool:
    """Whether the query holds a SERVICE clause (read as SPARQL tokens, escapes expanded)."""
    return any(m.lastgroup == "word" and m.group().upper() == "SERVICE"
               for m in _TOKENS.finditer(_expand_escapes(query)))


def refuse_service(query: str, where: str = "") -> None:
    """A :class:`QueryError` if the query holds a SERVICE clause."""
    if has_service(query):
        raise QueryError(f"{where + ': ' if where else ''}SERVICE (federated query) is refused: cephkg does not "
                         "let a query make the host fetch other endpoints; query the data here, or run the "
                         "federated query in a SPARQL client of your own")


_POSITION = re.compile(r"error at (\d+):(\d+):\s*(.*)", re.DOTALL)
_EXPECTED = re.compile(r"expected one of (.*)$", re.DOTALL)
_SHOWN_ALTERNATIVES = 6


def syntax_message(exc: BaseException, query: str) -> str:
    """A parser's error as one line: line, column, what was expected (shortened) and the text there.

    >>> syntax_message(SyntaxError("error at 1:25: expected one of LATERAL, SERVICE, [_]"),
    ...                "SELECT * WHERE { ?s ?p }")
    'line 1, column 25: expected one of LATERAL, SERVICE, [_], at "…CT * WHERE { ?s ?p }"'
    """
    text = " ".join(str(exc).split()) or type(exc).__name__
    m = _POSITION.match(text)
    if m is None:
        return text if len(text) <= 300 else text[:297] + "..."
    line, column, rest = int(m.group(1)), int(m.group(2)), m.group(3)
    expected = _EXPECTED.search(rest)
    if expected is not None:
        alternatives = [a.strip() for a in expected.group(1).split(",") if a.strip()]
        shown = ", ".join(alternatives[:_SHOWN_ALTERNATIVES])
        more = len(alternatives) - _SHOWN_ALTERNATIVES
        rest = rest[:expected.start()] + "expected one of " + shown + (f" (and {more} more)" if more > 0 else "")
    lines = query.splitlines() or [""]
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    at = column - 1
    start, end = max(0, at - 20), min(len(source), at + 20)
    excerpt = ("…" if start > 0 else "") + source[start:end].strip("\r") + ("…" if end < len(source) else "")
    where = f', at "{excerpt}"' if excerpt.strip() else ", at the end of the query"
    message = f"line {line}, column {column}: {rest}{where}"
    return message if len(message) <= 300 else message[:297] + "..."
