"""Every error cephkg raises on purpose, and the recorded-warning type.

Problems that stop one operation raise a subclass of :class:`CephkgError`: one root,
a few meaningful branches (input, data files, resolution, store, query, reasoning).
Problems that only degrade one fact (a noisy line, a name OPSIN rejects, a claim citing a
missing claim) are *recorded* as :class:`Diagnostic` values on the result, so one bad
claim never sinks the rest of a file. Each diagnostic has a stable :class:`DiagnosticCode`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

__all__ = [
    "CephkgError",
    "DataFileError",
    "Diagnostic",
    "DiagnosticCode",
    "InputError",
    "InvalidFragment",
    "PushError",
    "QueryError",
    "ReasoningError",
    "RemoteError",
    "RemoteRefusedError",
    "RemoteUnavailableError",
    "ReportError",
    "ResolutionError",
    "ServeError",
    "Severity",
    "StoreError",
    "StoreLockedError",
    "StructureError",
    "UninterpretableTerm",
    "ValidationError",
]


class CephkgError(Exception):
    """Root of every error cephkg raises on purpose."""


# -- input ---------------------------------------------------------------------------


class InputError(CephkgError):
    """An input file cannot be read as claim text (empty, binary, no claims)."""


class StructureError(InputError):
    """A sidecar structure file that is malformed or disagrees with its claims."""


class DataFileError(CephkgError, ValueError):
    """A packaged or user data file (rules, vocabulary, conventions) holds a bad value or key.

    Also a :class:`ValueError`, as the standard library's parsers' errors are.
    """


# -- chemistry -----------------------------------------------------------------------


class ResolutionError(CephkgError):
    """A chemical name or structure cannot be turned into a molecule."""


class InvalidFragment(ResolutionError):
    """A fragment is not a one-attachment SMILES (or one ring atom) that terms apply to."""


class UninterpretableTerm(CephkgError):
    """A group term the vocabulary cannot interpret, so it can never be matched."""


# -- store ---------------------------------------------------------------------------


class StoreError(CephkgError):
    """The triple store cannot be opened, written or reached."""


class StoreLockedError(StoreError):
    """Another process holds the store open for writing."""


class RemoteError(StoreError):
    """A remote store did not do what was asked; ``status`` is ``None`` when it was not reached."""

    def __init__(self, message: str, url: str, status: int | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.status = status


class RemoteRefusedError(RemoteError):
    """The store answered 4xx: the request is wrong (credentials, endpoint, payload); not retried."""


class RemoteUnavailableError(RemoteError):
    """The store could not be reached, timed out or kept answering 5xx, after every retry."""


class PushError(StoreError):
    """A push stopped. ``pushed``: replaced on the server, confirmed. ``not_pushed``: not
    confirmed, the first of them being the one that failed: its request may or may not
    have been applied, but the graph never holds a mix of old and new triples (on
    Oxigraph, a crash inside a GSP PUT can leave it empty). Pushing again makes it right."""

    def __init__(self, cause: RemoteError, pushed: Sequence[str], not_pushed: Sequence[str]) -> None:
        self.cause = cause
        self.pushed = tuple(pushed)
        self.not_pushed = tuple(not_pushed)
        lines = [f"push stopped: {cause}",
                 f"pushed ({len(self.pushed)}): {', '.join(self.pushed) or 'none'}",
                 f"not pushed ({len(self.not_pushed)}): {', '.join(self.not_pushed) or 'none'}"]
        super().__init__("\n".join(lines))

    def __reduce__(self) -> tuple[Any, ...]:
        return (PushError, (self.cause, self.pushed, self.not_pushed))


class ServeError(StoreError):
    """The endpoint cannot be started (no store, store busy, port taken, no server binary)."""


class QueryError(CephkgError):
    """A named query is unknown, malformed, or given bad parameters."""


# -- reasoning -----------------------------------------------------------------------


class ReasoningError(CephkgError):
    """The reasoner failed or found the graph inconsistent."""


class ValidationError(CephkgError):
    """The shapes cannot be read, or a patent asked for is not in the store."""


class ReportError(CephkgError):
    """A report or page cannot be made or written (the folder is not writable, the port is taken)."""


# -- diagnostics ---------------------------------------------------------------------

Severity = Literal["info", "warning", "error"]


class DiagnosticCode(StrEnum):
    """Stable identifiers of recorded problems (compare equal to their string value)."""

    NOT_UTF8 = "not-utf8"
    CLAIM_NUMBER_GAP = "claim-number-gap"
    CLAIM_OUT_OF_SEQUENCE = "claim-out-of-sequence"
    DUPLICATE_CLAIM_NUMBER = "duplicate-claim-number"
    CLAIM_UNREADABLE = "claim-unreadable"
    UNCLASSIFIED_CLAIM = "unclassified-claim"
    SELF_CITATION = "self-citation"
    MISSING_CLAIM = "missing-claim"
    FORWARD_DEPENDENCY = "forward-dependency"
    EMPTY_DEFINITION = "empty-definition"
    FORMULA_LABEL_INFERRED = "formula-label-inferred"
    UNKNOWN_FORMULA_LABEL = "unknown-formula-label"
    NAME_UNRESOLVED = "name-unresolved"
    TERM_UNINTERPRETABLE = "term-uninterpretable"
    GROUP_TERM_NOT_LISTED = "group-term-not-listed"
    PATENT_ID_ESCAPED = "patent-id-escaped"
    CLAIM_NUMBER_TOO_LARGE = "claim-number-too-large"
    CLAIM_COUNT_MISMATCH = "claim-count-mismatch"
    OTHER_LANGUAGE_CLAIMS = "other-language-claims"
    MACHINE_TRANSLATED = "machine-translated"
    CUT_CLAIM = "cut-claim"
    TEXT_REPAIRED = "text-repaired"
    UNREAD_PROVISO = "unread-proviso"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A recorded problem, naming where it happened.

    ``code`` is a stable :class:`DiagnosticCode` that tests and users can filter on;
    ``message`` is for people.
    """

    severity: Severity
    code: DiagnosticCode
    message: str
    source: str = ""
    claim: int | None = None
    span: tuple[int, int] | None = None

    def __str__(self) -> str:
        where = self.source or "<input>"
        if self.claim is not None:
            where += f", claim {self.claim}"
        return f"{where}: {self.severity}: {self.message} [{self.code}]"

    def to_dict(self) -> dict[str, Any]:
        return {"severity": self.severity, "code": str(self.code), "message": self.message,
                "source": self.source, "claim": self.claim,
                "span": list(self.span) if self.span is not None else None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Diagnostic:
        span = data.get("span")
        return cls(data["severity"], DiagnosticCode(data["code"]), data["message"], data.get("source", ""),
                   data.get("claim"), (span[0], span[1]) if span else None)
