"""Files replaced whole: written to a temporary name next to the target, then renamed.

A reader sees the old file or the new one, never half of one. A writer killed before the
rename (``kill -9``, power loss) leaves its temporary file behind; the name carries the
writer's process id (``.<name>.<pid>-<random>.tmp``), so the next write to the same target
removes the temporaries of writers that are no longer running. Temporaries of the older
naming (no process id) are removed once they are an hour old.
"""

from __future__ import annotations

import os
import re
import secrets
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

__all__ = ["process_alive", "remove_stale_temporaries", "replacing", "temporary_name", "write_atomically"]

_LEGACY_AGE_S = 3600


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` runs on this machine (a zombie counts as dead)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # Linux: a killed process not yet reaped is a zombie, dead for our purpose
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def temporary_name(path: Path) -> Path:
    """A fresh temporary name for a file that will replace ``path``."""
    return path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")


def remove_stale_temporaries(path: Path) -> list[Path]:
    """Remove the temporaries dead writers left for ``path``; returns those removed."""
    pattern = re.compile(r"\." + re.escape(path.name) + r"\.(?:(\d+)-[0-9a-f]+|[A-Za-z0-9_]{8})\.tmp")
    removed: list[Path] = []
    try:
        candidates = list(path.parent.iterdir())
    except OSError:
        return removed
    now = time.time()
    for tmp in candidates:
        m = pattern.fullmatch(tmp.name)
        if m is None:
            continue
        try:
            if m.group(1) is not None:
                if int(m.group(1)) == os.getpid() or process_alive(int(m.group(1))):
                    continue
            elif now - tmp.stat().st_mtime < _LEGACY_AGE_S:
                continue
            tmp.unlink()
            removed.append(tmp)
        except OSError:
            continue
    return removed


def _file_mode(path: Path, default: int | None) -> int:
    """The mode a plain ``open()`` would give: the old file's, else ``default``, else 0666 less the umask."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        pass
    if default is not None:
        return default
    try:  # Linux: read the umask without changing it (os.umask is process-wide, not thread-safe)
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


@contextmanager
def replacing(path: Path, mode: int | None = None) -> Iterator[BinaryIO]:
    """A binary file that replaces ``path`` when the ``with`` block ends without an error.

    Written to a temporary name next to ``path``, fsynced, then renamed over it, so writers
    that stream (an export of millions of statements) get the same all-or-nothing file as
    :func:`write_atomically`. The new file keeps the old one's permissions (else ``mode``,
    else what ``open()`` would give); temporaries dead writers left for ``path`` are removed first.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path)
    file_mode = _file_mode(path, mode)
    tmp = temporary_name(path)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), file_mode)
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomically(path: Path, data: bytes, mode: int | None = None) -> None:
    """Replace ``path`` by ``data`` (see :func:`replacing`)."""
    with replacing(path, mode) as fh:
        fh.write(data)
