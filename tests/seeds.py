"""Paths and ids of the seed patents shipped in examples/patents."""

import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "patents"
SEED_002 = EXAMPLES / "002_90b12462b97cb7e0.txt"
SEED_000 = EXAMPLES / "000_50eb0af36841656b.txt"
ID_002 = "002_90b12462b97cb7e0"
ID_000 = "000_50eb0af36841656b"


def seed_copies(folder: Path, n: int) -> Path:
    """``n`` claim files alternating the two seeds, each with its sidecar (the patent key dropped)."""
    folder.mkdir(parents=True)
    for i in range(n):
        seed = (ID_000, ID_002)[i % 2]
        shutil.copy(EXAMPLES / f"{seed}.txt", folder / f"p{i:02d}.txt")
        side = (EXAMPLES / f"{seed}.structures.toml").read_text(encoding="utf-8")
        (folder / f"p{i:02d}.structures.toml").write_text(re.sub(r'(?m)^patent = ".*"\n', "", side), encoding="utf-8")
    return folder
