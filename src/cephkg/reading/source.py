"""Reading input bytes as text, finding the patent documents they hold, and naming them.

Decoding never guesses silently: UTF-8 (with or without BOM) and UTF-16/32 with a BOM
are read as such; other bytes are read as Windows-1252 with a recorded warning; binary
data is an :class:`~cephkg.errors.InputError` naming the file. The format is then sniffed
from the content (or named), and its reader gives one document per patent in the file.
A file beyond the limits of :mod:`cephkg.reading.limits` is an :class:`InputError`.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from pathlib import Path

from ..errors import Diagnostic, DiagnosticCode, InputError
from ..model import SourceDocument
from .formats import Document, reader_for
from .ids import check_patent_id, normalise_publication, patent_id_for, publication_from_id
from .limits import MAX_BULK_BYTES, MAX_DOCUMENT_CHARS, MAX_FILE_BYTES, MAX_LINE_CHARS
from .rules import text_rules

__all__ = ["decode", "publication_in_text", "read_documents", "read_source", "source_from_text",
           "sources_from_text"]

_BOMS = (  # longest first: the UTF-32 LE BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _bom(data: bytes) -> tuple[str, int] | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, len(bom)
    return None


def decode(data: bytes, path: str) -> tuple[str, list[Diagnostic]]:
    """Bytes → text; binary data is an error, non-UTF-8 text a warning."""
    notes: list[Diagnostic] = []
    if not data.strip():
        raise InputError(f"{path}: the file is empty")
    marked = _bom(data)
    if marked is not None:
        encoding, skip = marked
        try:
            text = data[skip:].decode(encoding)
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: the file starts with a {encoding.upper()} byte-order mark "
                             f"but is not valid {encoding.upper()} (byte {exc.start + skip})") from exc
    else:
        if b"\x00" in data[:8192]:
            raise InputError(f"{path}: the file is binary (NUL bytes), not claim text")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            text = data.decode("cp1252", errors="replace")
            notes.append(Diagnostic("warning", DiagnosticCode.NOT_UTF8,
                                    f"not valid UTF-8 (byte {exc.start}); decoded as Windows-1252",
                                    source=path))
    if not text.strip():
        raise InputError(f"{path}: the file is empty")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(8, len(text) // 100):
        raise InputError(f"{path}: the file looks binary ({controls} control characters)")
    return text, notes


def publication_in_text(text: str) -> str | None:
    """The publication number a page's text states (``text_rules.toml`` ``publication_statements``)."""
    found: tuple[int, str] | None = None
    for regex, country in text_rules().publication_statements:
        m = regex.search(text, 0, min(len(text), 1_000_000))
        if m is None or (found is not None and m.start() >= found[0]):
            continue
        groups = m.groupdict()
        raw = groups.get("pub") or f"{country or ''}{re.sub(r'[^0-9]', '', groups.get('num') or '')}"
        value = normalise_publication(raw)
        if value is not None:
            found = (m.start(), value)
    return found[1] if found else None


def _publication(stated: str | None, named: str | None) -> str | None:
    """The file name's publication, completed by the text's when they agree; else either."""
    if named is None:
        return stated
    if stated is not None and stated.startswith(named + "-"):
        return stated  # the text adds the kind code to the number the file name gives
    return named


def _check_lines(text: str, path: str) -> None:
    start = 0
    while True:
        nl = text.find("\n", start)
        end = len(text) if nl < 0 else nl
        if end - start > MAX_LINE_CHARS:
            raise InputError(f"{path}: line {text.count(chr(10), 0, start) + 1} is {end - start:,} characters "
                             f"long; the limit is {MAX_LINE_CHARS:,}")
        if nl < 0:
            return
        start = nl + 1


def _sources(text: str, data_sha: str, path: str, stem_id: str | None, notes: list[Diagnostic],
             fmt: str | None, *, id_for_file: bool = True) -> list[tuple[SourceDocument, Document, list[Diagnostic]]]:
    reader = reader_for(text, fmt)
    documents = reader.read(text, path)
    if not documents:
        raise InputError(f"{path}: no patent document found (read as {reader.name})")
    out: list[tuple[SourceDocument, Document, list[Diagnostic]]] = []
    single = len(documents) == 1
    used: set[str] = set()
    for k, doc in enumerate(documents, 1):
        if len(doc.source) > MAX_DOCUMENT_CHARS:
            raise InputError(f"{path}: document {k} holds {len(doc.source):,} characters; the limit is "
                             f"{MAX_DOCUMENT_CHARS:,}")
        _check_lines(doc.source, path if single else f"{path} (document {k})")
        if single:
            pid, id_notes = patent_id_for(path, stem_id)
            named = publication_from_id(stem_id or Path(path).stem)
            stated = doc.publication or (publication_in_text(doc.text) if doc.ocr else None)
            publication = doc.publication or _publication(stated, named)
            sha = data_sha
            doc_notes = notes + id_notes + list(doc.notes)
        else:
            if stem_id is not None and id_for_file:
                raise InputError(f"{path}: the file holds {len(documents)} patents; their ids are their "
                                 "publication numbers, so no id can be given for the file")
            publication = doc.publication
            pid = publication or f"{Path(path).stem}-{k}"
            pid = check_patent_id(re.sub(r"[^A-Za-z0-9._-]+", "_", pid).lstrip("."))
            sha = hashlib.sha256(doc.source.encode("utf-8")).hexdigest()
            doc_notes = list(notes) + list(doc.notes)
        if pid in used:
            raise InputError(f"{path}: two documents of the file are both patent {pid!r}")
        used.add(pid)
        source = SourceDocument(path=path, patent_id=pid, text=doc.source, sha256=sha, publication=publication,
                                format=doc.format, title=doc.title, offset=doc.offset)
        out.append((source, doc, doc_notes))
    return out


def read_documents(path: str | Path, patent_id: str | None = None, fmt: str | None = None
                   ) -> list[tuple[SourceDocument, Document, list[Diagnostic]]]:
    """The patent documents of one file, each with what its format reader made of it.

    ``fmt`` names a format (``None`` or ``"auto"``: sniffed from the content). Raises
    :class:`InputError` for an unreadable file, one beyond the limits, or one without a document.
    """
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            with p.open("rb") as fh:
                head = fh.read(4096)
            bulk = head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<?xml")
            if not bulk or size > MAX_BULK_BYTES:
                limit = MAX_BULK_BYTES if bulk else MAX_FILE_BYTES
                raise InputError(f"{p}: the file is {size:,} bytes; the limit is {limit:,}"
                                 + ("" if bulk else " (an XML bulk file may hold up to "
                                    f"{MAX_BULK_BYTES:,})"))
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{p}: cannot read: {exc.strerror or exc}") from exc
    text, notes = decode(data, str(p))
    return _sources(text, hashlib.sha256(data).hexdigest(), str(p), patent_id, notes, fmt)


def sources_from_text(text: str, patent_id: str, path: str = "<text>", fmt: str | None = None
                      ) -> list[tuple[SourceDocument, Document, list[Diagnostic]]]:
    """The patent documents of text given as a string (its format sniffed, or named)."""
    data = text.encode("utf-8")
    decoded, notes = decode(data, path)
    return _sources(decoded, hashlib.sha256(data).hexdigest(), path, patent_id, notes, fmt, id_for_file=False)


def _one(found: list[tuple[SourceDocument, Document, list[Diagnostic]]], path: str
         ) -> tuple[SourceDocument, Document, list[Diagnostic]]:
    if len(found) != 1:
        raise InputError(f"{path}: the file holds {len(found)} patents; read it with read_documents "
                         "(or cephkg build), which gives each its own id")
    return found[0]


def read_source(path: str | Path, patent_id: str | None = None) -> tuple[SourceDocument, list[Diagnostic]]:
    """Read a one-patent file as a :class:`SourceDocument`; raises :class:`InputError`."""
    source, _doc, notes = _one(read_documents(path, patent_id), str(path))
    return source, notes


def source_from_text(text: str, patent_id: str, path: str = "<text>") -> tuple[SourceDocument, list[Diagnostic]]:
    """A :class:`SourceDocument` for text given as a string."""
    source, _doc, notes = _one(sources_from_text(text, patent_id, path), path)
    return source, notes
