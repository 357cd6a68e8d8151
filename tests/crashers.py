"""Functions a worker process runs in the crash-isolation tests (importable by name, as the worker needs)."""

from __future__ import annotations

import ctypes
import time


def segfault() -> None:
    """Dereference address 0: SIGSEGV, what RDKit's stack overflow on a 20,000-atom chain does."""
    ctypes.string_at(0)


def sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "woke"


def allocate(mib: int) -> int:
    return len(bytearray(mib * 1024 * 1024))


def echo(value: object) -> object:
    return value
