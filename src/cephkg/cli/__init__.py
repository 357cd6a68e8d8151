"""Stage 7, the ``cephkg`` command line (click).

``main`` holds the group and the commands of the data path (build, claims, query, queries,
export); ``chem``, ``owl``, ``route`` and ``remote`` hold the later stages' commands, so
their libraries load only when those commands run. ``options`` is what they share.
"""

from __future__ import annotations

from .main import EXIT_FAILED, EXIT_OK, EXIT_USAGE, main

__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_USAGE", "main"]
