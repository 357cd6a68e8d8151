"""Chemical names -> structures with OPSIN (the jar py2opsin ships), behind a persistent cache.

Starting a JVM costs about half a second, so all names not yet known are resolved in
*one* OPSIN call (batches of ``names.opsin_batch_names``, each bounded by
``names.opsin_timeout_s``), and every answer - failures included, with OPSIN's message - is kept in
an on-disk cache keyed by OPSIN version and name, so a rebuild never starts Java for a
name it has seen before.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import tempfile
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from ..errors import ResolutionError
from ..files import write_atomically
from ..limits import limit

__all__ = ["NameCache", "NameResolution", "open_cache", "opsin_version", "resolve_names"]

Status = Literal["ok", "failed"]

_JAVA_MISSING = "Java runtime not found; run scripts/setup.sh or apt-get install -y default-jre-headless"
_JAR_RE = re.compile(r"^opsin-cli-(?P<version>[0-9][0-9A-Za-z.\-]*)-jar-with-dependencies\.jar$")
#: stderr lines the JVM itself prints; not OPSIN messages about a name.
_JVM_NOISE = ("Picked up ", "WARNING: ", "OpenJDK ")
_CACHE_FORMAT = "cephkg-opsin-cache"
_CACHE_VERSION = 1


@dataclass(frozen=True, slots=True)
class NameResolution:
    """OPSIN's answer for one name: a SMILES, or the reason it could not parse it."""

    name: str
    status: Status
    smiles: str | None
    message: str
    opsin_version: str

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@lru_cache(maxsize=1)
def opsin_version() -> str:
    """Version of the OPSIN jar py2opsin bundles, read from its file name.

    Found without importing py2opsin, whose import runs ``java -version``.
    """
    match = _JAR_RE.match(_opsin_jar().name)
    if match is None:  # _opsin_jar only returns names the pattern matches
        raise ResolutionError("the OPSIN jar's name has no version")
    return match.group("version")


@lru_cache(maxsize=1)
def _opsin_jar() -> Path:
    """The OPSIN command-line jar py2opsin bundles (py2opsin itself is not imported: its import runs Java)."""
    spec = importlib.util.find_spec("py2opsin")
    if spec is None or not spec.submodule_search_locations:
        raise ResolutionError("py2opsin is not installed; it is a dependency of cephkg (pip install py2opsin)")
    for location in spec.submodule_search_locations:
        for entry in sorted(Path(location).iterdir()):
            if _JAR_RE.match(entry.name):
                return entry
    raise ResolutionError("py2opsin is installed but its bundled OPSIN jar was not found")


class NameCache:
    """JSON file of OPSIN results, keyed by OPSIN version then name.

    Written atomically (temp file in the same directory, fsync, ``os.replace``), so an
    interrupted write leaves the previous file intact. An unreadable file is treated as
    empty (with a warning) - it is only a cache - and replaced on the next save.

    With ``autosave=False`` (a build's worker process) new results are kept in memory and
    listed in :attr:`fresh` instead of being written: the one writer of the build merges
    them into the file (:meth:`put`), so parallel workers never race on it.
    """

    def __init__(self, path: Path | str, *, autosave: bool = True) -> None:
        self.path = Path(path)
        self.autosave = autosave
        #: results added since the cache was read (with ``autosave=False``: not yet on disk)
        self.fresh: list[NameResolution] = []
        self._entries: dict[str, dict[str, dict[str, Any]]] = self._read(warn=True)

    def __len__(self) -> int:
        return sum(len(names) for names in self._entries.values())

    def get(self, name: str, version: str) -> NameResolution | None:
        """The cached result for ``name`` under OPSIN ``version``, if any."""
        entry = self._entries.get(version, {}).get(name)
        if entry is None:
            return None
        return NameResolution(name=name, status=entry["status"], smiles=entry.get("smiles"),
                              message=entry.get("message", ""), opsin_version=version)

    def put(self, results: Iterable[NameResolution]) -> None:
        """Add results and save the file at once (merging entries other processes wrote)."""
        added = 0
        for res in results:
            self._entries.setdefault(res.opsin_version, {})[res.name] = {
                "status": res.status, "smiles": res.smiles, "message": res.message}
            self.fresh.append(res)
            added += 1
        if added and self.autosave:
            self.save()

    def save(self) -> None:
        """Write the cache atomically; entries already on disk and not in memory are kept."""
        merged = self._read(warn=False)
        for version, names in self._entries.items():
            merged.setdefault(version, {}).update(names)
        self._entries = merged
        document = {"format": _CACHE_FORMAT, "version": _CACHE_VERSION,
                    "entries": {v: dict(sorted(n.items())) for v, n in sorted(merged.items())}}
        write_atomically(self.path, (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8"),
                         mode=0o644)  # mkstemp's 0600 would hide a shared cache from other users

    def _read(self, *, warn: bool) -> dict[str, dict[str, dict[str, Any]]]:
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            if warn:
                warnings.warn(f"OPSIN cache {self.path} is unreadable ({exc}); starting empty",
                              RuntimeWarning, stacklevel=3)
            return {}
        entries = document.get("entries") if isinstance(document, dict) else None
        if (not isinstance(entries, dict) or document.get("format") != _CACHE_FORMAT
                or document.get("version") != _CACHE_VERSION):
            if warn:
                warnings.warn(f"OPSIN cache {self.path} has an unknown format; starting empty",
                              RuntimeWarning, stacklevel=3)
            return {}
        return {str(v): {str(n): e for n, e in names.items() if isinstance(e, dict) and e.get("status") in ("ok", "failed")}
                for v, names in entries.items() if isinstance(names, dict)}


def open_cache(cache: NameCache | Path | str | None) -> NameCache | None:
    """The cache to use: one already open (a build keeps one per process), or the file at a path."""
    if cache is None or isinstance(cache, NameCache):
        return cache
    return NameCache(cache)


#: cache-key prefix of substituent names (read with OPSIN's radicals as ``*``)
_SUBSTITUENT_KEY = "[substituent] "


def resolve_names(names: Sequence[str], cache: NameCache | None = None, *,
                  substituents: bool = False) -> dict[str, NameResolution]:
    """Resolve ``names`` to SMILES; names missing from ``cache`` go to OPSIN in one JVM call.

    Returns one result per distinct name, in first-seen order. Names OPSIN cannot parse
    come back ``failed`` with OPSIN's message (and are cached too). Raises
    :class:`ResolutionError` when Java or py2opsin is missing or OPSIN itself crashes.
    With ``substituents``, names are substituent names (``1-methyl-1H-tetrazol-5-ylthio``)
    and the SMILES has ``*`` at each attachment.
    """
    version = opsin_version()
    ordered = list(dict.fromkeys(names))
    results: dict[str, NameResolution] = {}
    todo: list[str] = []
    prefix = _SUBSTITUENT_KEY if substituents else ""
    for name in ordered:
        cached = cache.get(prefix + name, version) if cache is not None else None
        if cached is not None:
            cached = NameResolution(name, cached.status, cached.smiles, cached.message, cached.opsin_version)
        if cached is not None:
            results[name] = cached
        elif not name.strip():
            results[name] = NameResolution(name, "failed", None, "empty name", version)
        else:
            todo.append(name)
    if todo:
        fresh = _run_opsin(todo, version, radicals=substituents)
        results.update(fresh)
        if cache is not None:
            cache.put(NameResolution(prefix + r.name, r.status, r.smiles, r.message, r.opsin_version)
                      for r in fresh.values())
    return {name: results[name] for name in ordered}


def _opsin_input(name: str) -> str:
    """One line per name is OPSIN's batch format, so line breaks inside a name become spaces."""
    return re.sub(r"[\r\n\t\f\v\u2028\u2029\x85]+", " ", name).strip()


def _run_opsin(names: Sequence[str], version: str, radicals: bool = False) -> dict[str, NameResolution]:
    """OPSIN's answers for ``names``, a batch of at most ``names.opsin_batch_names`` per JVM."""
    if shutil.which("java") is None:
        raise ResolutionError(_JAVA_MISSING)
    batch = int(limit("names.opsin_batch_names"))
    results: dict[str, NameResolution] = {}
    for begin in range(0, len(names), batch):
        results.update(_run_opsin_batch(names[begin:begin + batch], version, radicals))
    return results


def _run_opsin_batch(names: Sequence[str], version: str, radicals: bool) -> dict[str, NameResolution]:
    """One OPSIN process for ``names``, bounded in time; failures get OPSIN's stderr message.

    OPSIN is run directly rather than through ``py2opsin.py2opsin``, which waits for Java
    without a timeout: a JVM that never answers must fail this batch with a message naming
    the limit, not hang the command.
    """
    lines = [_opsin_input(name) for name in names]
    seconds = float(limit("names.opsin_timeout_s"))
    command = ["java", "-Dfile.encoding=UTF-8", "-Dsun.stdout.encoding=UTF-8", "-Dsun.stderr.encoding=UTF-8",
               "-jar", str(_opsin_jar()), "-osmi", *(["-r", "-w"] if radicals else [])]
    with tempfile.TemporaryDirectory(prefix="cephkg-opsin-") as tmpdir:
        names_file = Path(tmpdir) / "names.txt"
        names_file.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        try:
            done = subprocess.run([*command, str(names_file)], capture_output=True, timeout=seconds, check=False)
        except subprocess.TimeoutExpired:
            raise ResolutionError(f"OPSIN did not answer within {seconds:g} s for {len(lines):,} names "
                                  f"(limit names.opsin_timeout_s); the first: {lines[0][:200]!r}") from None
        except OSError as exc:
            raise ResolutionError(f"OPSIN could not be started: {exc}") from exc
    stderr_lines = _opsin_messages(done.stderr.decode("utf-8", errors="replace"))
    output = done.stdout.decode("utf-8", errors="replace").replace("\r", "").split("\n")[:-1]
    if done.returncode != 0 or len(output) != len(lines):
        detail = "; ".join(stderr_lines) or "no message"
        raise ResolutionError(f"OPSIN exited with status {done.returncode} and {len(output)} answers "
                              f"for {len(lines)} names: {detail}")
    failed = [i for i, smi in enumerate(output) if not smi.strip()]
    messages = _assign_messages([lines[i] for i in failed], stderr_lines)
    results: dict[str, NameResolution] = {}
    for i, name in enumerate(names):
        smiles = output[i].strip()
        if smiles:
            results[name] = NameResolution(name, "ok", smiles, "", version)
    for i, message in zip(failed, messages):
        results[names[i]] = NameResolution(names[i], "failed", None, message, version)
    return {name: results[name] for name in names}


def _opsin_messages(stderr: str) -> list[str]:
    """OPSIN's stderr lines about names, without what the JVM itself prints."""
    return [line.strip() for line in stderr.splitlines()
            if line.strip() and not line.strip().startswith(_JVM_NOISE)]


def _assign_messages(failed: Sequence[str], lines: Sequence[str]) -> list[str]:
    """Pair failed names with stderr lines.

    OPSIN prints one line per failure, in input order, so equal counts pair by position.
    Otherwise a line that starts with the name is taken, else all of stderr is attached.
    """
    if len(lines) == len(failed):
        return list(lines)
    used: set[int] = set()
    fallback = " | ".join(lines) or "OPSIN returned no structure"
    out: list[str] = []
    for name in failed:
        key = name.lower()
        pick = next((j for j, line in enumerate(lines) if j not in used and line.lower().startswith(key)), None)
        if pick is None:
            out.append(fallback)
        else:
            used.add(pick)
            out.append(lines[pick])
    return out
