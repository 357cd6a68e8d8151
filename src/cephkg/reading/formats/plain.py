"""Plain text: a claims file, a patent page's text, OCR output — read as it is.

The text is the claim reader's input unchanged; the first stage repairs its noise
(``reading.clean``) and the segmenter finds the claims by their numbers.
"""

from __future__ import annotations

from typing import ClassVar

from .base import Document

__all__ = ["PlainTextReader"]


class PlainTextReader:
    """Plain text (the fallback: any decoded text)."""

    name: ClassVar[str] = "text"
    description: ClassVar[str] = "plain text (claims files, OCR, patent pages saved as text)"

    def can_read(self, head: str) -> bool:
        return True

    def read(self, text: str, path: str) -> list[Document]:
        return [Document(self.name, text, text)]
