"""The limits of reading: what one input file, document, claim and line may hold.

A file beyond a limit fails alone, with an :class:`~cephkg.errors.InputError` naming the
file and the limit; the other files of a build are read. The numbers and their reasons live
with every other limit in ``cephkg/data/limits.toml`` (section ``reading``); they are read
once, here, into the names the reader uses.

>>> MAX_CLAIMS
10000
"""

from __future__ import annotations

from ..limits import limit

__all__ = ["MAX_BULK_BYTES", "MAX_CLAIMS", "MAX_CLAIM_CHARS", "MAX_CLAIM_NUMBER", "MAX_DOCUMENT_CHARS",
           "MAX_FILE_BYTES", "MAX_LINE_CHARS", "MAX_NAME_CHARS", "MAX_PROVISO_CHARS"]

MAX_FILE_BYTES = int(limit("reading.max_file_bytes"))
MAX_BULK_BYTES = int(limit("reading.max_bulk_bytes"))
MAX_DOCUMENT_CHARS = int(limit("reading.max_document_chars"))
MAX_CLAIMS = int(limit("reading.max_claims"))
MAX_CLAIM_CHARS = int(limit("reading.max_claim_chars"))
MAX_LINE_CHARS = int(limit("reading.max_line_chars"))
MAX_CLAIM_NUMBER = int(limit("reading.max_claim_number"))
MAX_NAME_CHARS = int(limit("reading.max_name_chars"))
MAX_PROVISO_CHARS = int(limit("reading.max_proviso_chars"))
