"""Reading input bytes as text, and naming the patent they hold.

Decoding never guesses silently: UTF-8 (with or without BOM) and UTF-16/32 with a BOM
are read as such; other bytes are read as Windows-1252 with a recorded warning; binary
data is an :class:`~cephkg.errors.InputError` naming the file.
"""

from __future__ import annotations

import codecs
import hashlib
from pathlib import Path

from ..errors import Diagnostic, DiagnosticCode, InputError
from ..model import SourceDocument
from .ids import patent_id_for, publication_from_id

__all__ = ["decode", "read_source", "source_from_text"]

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


def read_source(path: str | Path, patent_id: str | None = None) -> tuple[SourceDocument, list[Diagnostic]]:
    """Read one file as a :class:`SourceDocument`; raises :class:`InputError`."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{p}: cannot read: {exc.strerror or exc}") from exc
    text, notes = decode(data, str(p))
    pid, id_notes = patent_id_for(p, patent_id)
    doc = SourceDocument(path=str(p), patent_id=pid, text=text, sha256=hashlib.sha256(data).hexdigest(),
                         publication=publication_from_id(patent_id or p.stem))
    return doc, notes + id_notes


def source_from_text(text: str, patent_id: str, path: str = "<text>") -> tuple[SourceDocument, list[Diagnostic]]:
    """A :class:`SourceDocument` for text given as a string."""
    data = text.encode("utf-8")
    decoded, notes = decode(data, path)
    pid, id_notes = patent_id_for(path, patent_id)
    doc = SourceDocument(path=path, patent_id=pid, text=decoded, sha256=hashlib.sha256(data).hexdigest(),
                         publication=publication_from_id(pid))
    return doc, notes + id_notes
