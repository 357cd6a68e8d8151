"""Input formats, one reader each, chosen by content.

Each reader says from the start of a decoded file whether it can read it
(:meth:`FormatReader.can_read`); :func:`reader_for` tries them in the order of
:data:`READERS` (the most specific first, plain text last), unless a format is named
(``--format``). A reader returns the :class:`Document` records the file holds, each with
the text the claim reader reads mapped back to the file's characters.

| name | format |
| --- | --- |
| ``uspto-xml`` | USPTO Red Book XML, grants and applications (v4.x), one or a weekly bulk file |
| ``uspto-patdoc`` | USPTO grant XML 2002–2004 (PATDOC, ST.32 v2.5) |
| ``epo-xml`` | EPO publication XML (ep-patent-document), English claims |
| ``wipo-xml`` | WIPO ST.36 XML (wo-patent-document), English claims |
| ``uspto-aps`` | USPTO APS Green Book full text (1976–2001) |
| ``google-patents`` | a saved Google Patents page |
| ``html`` | any other web page, read as its text |
| ``text`` | plain text |
"""

from __future__ import annotations

from ...errors import InputError
from .aps import ApsReader
from .base import Document, FormatReader
from .epo import EpoReader, WipoReader
from .html import GooglePatentsReader, HtmlReader
from .plain import PlainTextReader
from .uspto import PatdocReader, UsptoReader

__all__ = ["FORMATS", "READERS", "Document", "FormatReader", "reader_for", "sniff"]

#: The readers, tried in this order; plain text reads anything.
READERS: tuple[FormatReader, ...] = (UsptoReader(), PatdocReader(), EpoReader(), WipoReader(), ApsReader(),
                                     GooglePatentsReader(), HtmlReader(), PlainTextReader())
#: The format names ``--format`` accepts.
FORMATS: tuple[str, ...] = tuple(r.name for r in READERS)

_HEAD = 65536


def sniff(text: str) -> FormatReader:
    """The first reader that can read ``text`` (judged from its first 64 KiB)."""
    head = text[:_HEAD]
    for reader in READERS:
        if reader.can_read(head):
            return reader
    return READERS[-1]  # pragma: no cover - plain text reads anything


def reader_for(text: str, fmt: str | None = None) -> FormatReader:
    """The reader named ``fmt`` (``None`` or ``"auto"``: sniffed); an unknown name is an :class:`InputError`."""
    if fmt is None or fmt == "auto":
        return sniff(text)
    for reader in READERS:
        if reader.name == fmt:
            return reader
    raise InputError(f"unknown input format {fmt!r} (known: auto, {', '.join(FORMATS)})")
