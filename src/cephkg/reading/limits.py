"""The limits of reading: what one input file, document, claim and line may hold.

A file beyond a limit fails alone, with an :class:`~cephkg.errors.InputError` naming the
file and the limit; the other files of a build are read. The limits are far above any real
patent (the longest claim sets run to a few hundred claims, the longest claims to tens of
kilobytes) and keep every command's work and memory bounded; reading is linear in the size
of the text within them.

| limit | value | why |
| --- | --- | --- |
| ``MAX_FILE_BYTES`` | 64 MiB | one patent document, a saved page or a claims file |
| ``MAX_BULK_BYTES`` | 1 GiB | a USPTO weekly bulk file (``ipg``/``ipa``), read document by document |
| ``MAX_DOCUMENT_CHARS`` | 64 Mi characters | one patent document of a bulk file |
| ``MAX_CLAIMS`` | 10,000 claims | per patent document |
| ``MAX_CLAIM_CHARS`` | 4 Mi characters | one claim |
| ``MAX_LINE_CHARS`` | 16 Mi characters | one line of text |
| ``MAX_CLAIM_NUMBER`` | 99,999 | a larger number is a diagnostic, and its text stays with the claim before |
"""

from __future__ import annotations

__all__ = ["MAX_BULK_BYTES", "MAX_CLAIMS", "MAX_CLAIM_CHARS", "MAX_CLAIM_NUMBER", "MAX_DOCUMENT_CHARS",
           "MAX_FILE_BYTES", "MAX_LINE_CHARS"]

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_BULK_BYTES = 1024 * 1024 * 1024
MAX_DOCUMENT_CHARS = 64 * 1024 * 1024
MAX_CLAIMS = 10_000
MAX_CLAIM_CHARS = 4 * 1024 * 1024
MAX_LINE_CHARS = 16 * 1024 * 1024
MAX_CLAIM_NUMBER = 99_999
