"""Files replaced whole; the temporaries of killed writers are removed by the next write."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from cephkg.files import process_alive, remove_stale_temporaries, temporary_name, write_atomically


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait(10)
    return proc.pid


def test_a_write_replaces_the_file_whole_and_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.nq"
    target.write_bytes(b"old\n")
    target.chmod(0o640)
    write_atomically(target, b"new\n")
    assert target.read_bytes() == b"new\n"
    assert target.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["out.nq"]


def test_the_temporaries_of_dead_writers_are_removed_by_the_next_write(tmp_path: Path) -> None:
    target = tmp_path / "out.nq"
    dead = tmp_path / f".out.nq.{dead_pid()}-0a1b2c3d.tmp"
    alive = tmp_path / f".out.nq.{os.getppid()}-0a1b2c3d.tmp"  # pytest's parent: running
    legacy_old = tmp_path / ".out.nq.ab12_xyz.tmp"  # mkstemp's names, from before the process id was in them
    legacy_new = tmp_path / ".out.nq.cd34_xyz.tmp"
    other = tmp_path / f".other.nq.{dead_pid()}-0a1b2c3d.tmp"
    for p in (dead, alive, legacy_old, legacy_new, other):
        p.write_bytes(b"half")
    hour_ago = time.time() - 2 * 3600
    os.utime(legacy_old, (hour_ago, hour_ago))
    write_atomically(target, b"data\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["out.nq", alive.name, legacy_new.name, other.name])
    assert remove_stale_temporaries(tmp_path / "other.nq") == [other]


def test_temporary_names_carry_the_writer(tmp_path: Path) -> None:
    name = temporary_name(tmp_path / "x.ttl").name
    assert name.startswith(f".x.ttl.{os.getpid()}-") and name.endswith(".tmp")
    assert process_alive(os.getpid()) and not process_alive(dead_pid()) and not process_alive(0)
