"""Untrusted structures: measured before RDKit reads them, large ones read in a worker first.

Structures come from people: sidecar SMILES and SMARTS, the compounds given to ``covers``,
``add-compound`` and ``query``. RDKit has no limits of its own and is C++: a 20,000-atom
chain crashed the whole process (SIGSEGV in the canonical SMILES writer) and a
20,000-atom ring took 11 GB. So, in order:

1. :func:`check_size` measures the text — length, and atoms counted from the text — and
   refuses what exceeds ``structure.max_smiles_chars`` / ``structure.max_atoms``
   (``cephkg/data/limits.toml``) before RDKit sees it.
2. :func:`run_isolated` runs a reading function in a fresh worker process with a time
   limit and an address-space limit, for structures above ``structure.isolate_above_atoms``:
   if RDKit crashes, hangs or runs out of memory there, the caller gets a
   :class:`~cephkg.errors.ResolutionError` naming what happened, and only that file or
   command fails. Having survived the worker, the same text is read again in-process.

RDKit's own log goes through Python's :mod:`logging` (logger ``rdkit``), not straight to
stderr: :func:`route_rdkit_log` (run when :mod:`cephkg.chem` is imported) removes RDKit's
stderr handler, so its messages never land in the middle of cephkg's output; they reach
whatever logging the application configures, and :func:`rdkit_messages` collects them
while a structure is read, so a failure can say why in RDKit's words.
"""

from __future__ import annotations

import logging
import re
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar, cast

from ..errors import CephkgError, ResolutionError
from ..limits import limit

__all__ = ["check_size", "estimate_atoms", "needs_isolation", "rdkit_messages", "route_rdkit_log", "run_isolated"]

T = TypeVar("T")

#: One atom of a SMILES or SMARTS: a bracket atom, or an organic-subset symbol, or ``*``.
_ATOM = re.compile(r"\[[^\]]*\]|Br|Cl|[BCNOPSFI]|[bcnops]|\*")
#: An element count in an InChI formula layer ("C20H23N5O7S2", "2C2H3O2.Ca").
_ELEMENT = re.compile(r"([A-Z][a-z]?)(\d*)")
_MULTIPLIER = re.compile(r"^(\d+)(?=[A-Z])")

_RDKIT_LOGGER = "rdkit"
_capture = threading.local()


# -- RDKit's log --------------------------------------------------------------------------

class _Collector(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        target: list[str] | None = getattr(_capture, "messages", None)
        if target is not None and threading.current_thread() is getattr(_capture, "thread", None):
            target.append(_clean(record.getMessage()))


def _clean(message: str) -> str:
    """RDKit's message as one short line: no timestamp, no echo of a long input."""
    text = re.sub(r"^\[\d\d:\d\d:\d\d\]\s*", "", " ".join(message.split()))
    return text if len(text) <= 200 else text[:197] + "..."


def route_rdkit_log() -> None:
    """Send RDKit's log to Python logging only (never straight to stderr); idempotent."""
    logger = logging.getLogger(_RDKIT_LOGGER)
    if any(isinstance(h, _Collector) for h in logger.handlers):
        return
    from rdkit import rdBase

    rdBase.LogToPythonLogger()
    for handler in list(logger.handlers):
        if isinstance(handler, logging.StreamHandler) and not isinstance(handler, logging.FileHandler):
            logger.removeHandler(handler)
    logger.addHandler(logging.NullHandler())  # nothing configured: dropped, not printed by logging's last resort
    logger.addHandler(_Collector())
    logger.propagate = True  # an application that configures logging sees RDKit's messages


@contextmanager
def rdkit_messages() -> Iterator[list[str]]:
    """Collect what RDKit logs in this thread while the block runs (one line each)."""
    route_rdkit_log()
    outer = getattr(_capture, "messages", None), getattr(_capture, "thread", None)
    messages: list[str] = []
    _capture.messages, _capture.thread = messages, threading.current_thread()
    try:
        yield messages
    finally:
        _capture.messages, _capture.thread = outer


def first_reason(messages: list[str]) -> str:
    """': <RDKit's first message>' or '' — for the end of an error message."""
    return f": {messages[0]}" if messages else ""


# -- size -----------------------------------------------------------------------------------

def estimate_atoms(text: str) -> int:
    """Atoms in a SMILES, SMARTS or InChI, counted from the text (no parsing).

    A bracket atom, an organic-subset symbol or ``*`` is one atom of a SMILES or SMARTS;
    an InChI's formula layer gives its heavy atoms. Linear in the text.
    """
    stripped = text.strip()
    if stripped.startswith("InChI="):
        layers = stripped.split("/")
        formula = layers[1] if len(layers) > 1 else ""
        total = 0
        for part in formula.split("."):
            m = _MULTIPLIER.match(part)
            times = int(m.group(1)) if m else 1
            body = part[m.end():] if m else part
            total += times * sum(int(n or 1) for element, n in _ELEMENT.findall(body) if element != "H")
        return total
    return sum(1 for _ in _ATOM.finditer(stripped))


def check_size(text: str, what: str) -> int:
    """The estimated atom count of ``text``, or a :class:`ResolutionError` naming the limit it exceeds."""
    max_chars, max_atoms = int(limit("structure.max_smiles_chars")), int(limit("structure.max_atoms"))
    if len(text) > max_chars:
        raise ResolutionError(f"{what} is {len(text):,} characters long; cephkg reads structures of at most "
                              f"{max_chars:,} characters (limit structure.max_smiles_chars)")
    atoms = estimate_atoms(text)
    if atoms > max_atoms:
        raise ResolutionError(f"{what} has {atoms:,} atoms; cephkg reads structures of at most {max_atoms:,} "
                              "atoms (limit structure.max_atoms)")
    return atoms


def needs_isolation(atoms: int) -> bool:
    """Whether a structure of ``atoms`` atoms is first read in a worker process."""
    return atoms > int(limit("structure.isolate_above_atoms"))


# -- worker ---------------------------------------------------------------------------------

def _worker_main() -> None:  # pragma: no cover - runs in the worker
    """The worker: read (module, function, args, memory) from stdin, answer (status, payload) on stdout."""
    import importlib
    import pickle
    import sys

    module_name, qualname, args, memory_mb = pickle.loads(sys.stdin.buffer.read())
    try:
        import resource

        size = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (size, size))
    except (ImportError, ValueError, OSError):
        pass
    route_rdkit_log()
    try:
        target: Any = importlib.import_module(module_name)
        for part in qualname.split("."):
            target = getattr(target, part)
        result: tuple[str, Any] = ("ok", target(*args))
    except CephkgError as exc:
        result = ("error", str(exc))
    except MemoryError:
        result = ("memory", "")
    except Exception as exc:
        result = ("error", f"{type(exc).__name__}: {exc}")
    try:
        data = pickle.dumps(result)
    except Exception as exc:
        data = pickle.dumps(("error", f"the worker's answer cannot be sent back: {exc}"))
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def run_isolated(fn: Callable[..., T], *args: Any, what: str) -> T:
    """``fn(*args)`` in a fresh worker process, limited in time and memory.

    ``fn`` must be a module-level function whose arguments and result pickle. A crash,
    a timeout, an out-of-memory or an error in the worker is a :class:`ResolutionError`
    starting with ``what``; the worker never outlives the call. The worker is a new
    interpreter (``python -c``), not a ``multiprocessing`` child, so it works from any
    program, with or without an ``if __name__ == "__main__"`` guard.
    """
    import os
    import pickle
    import subprocess
    import sys

    timeout = float(limit("structure.worker_timeout_s"))
    memory_mb = int(limit("structure.worker_memory_mb"))
    request = pickle.dumps((fn.__module__, fn.__qualname__, args, memory_mb))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    process = subprocess.Popen([sys.executable, "-c", "from cephkg.chem.guard import _worker_main; _worker_main()"],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    try:
        out, _ = process.communicate(request, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise ResolutionError(f"{what}: reading it took more than {timeout:g} s and was stopped "
                              "(limit structure.worker_timeout_s)") from None
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(5)
    code = process.returncode
    status: str = "crash"
    payload: Any = None
    if out:
        try:
            status, payload = pickle.loads(out)
        except Exception:
            status = "crash"
    if status == "crash" or code != 0:
        how = f"signal {signal.Signals(-code).name}" if code is not None and code < 0 else f"exit code {code}"
        if code == 0:
            how = "no answer"
        raise ResolutionError(f"{what}: RDKit crashed reading it ({how}); the structure is not usable")
    if status == "memory":
        raise ResolutionError(f"{what}: reading it needs more than {memory_mb} MiB "
                              "(limit structure.worker_memory_mb)")
    if status != "ok":
        raise ResolutionError(f"{what}: {payload}")
    return cast(T, payload)
