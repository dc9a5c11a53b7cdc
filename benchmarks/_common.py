"""What the hand-run benchmarks share: where the shared data lives, and reading the one
optional path argument (``python benchmarks/NAME.py [PATH]``)."""

from __future__ import annotations

import sys
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
EPOCH_CSV = SHARED / "reference" / "epoch_notable_models_2025-06.csv"
ANSWERS = SHARED / "corpus" / "answers.json"


def input_path(argv: list[str], default: Path, what: str) -> Path | None:
    """The first argument as a path, else ``default``; None (after saying so on stderr) when
    it is not a file.  ``what`` names the file in the message."""
    path = Path(argv[0]) if argv else default
    if not path.is_file():
        print(f"{path}: not found; give {what} as the first argument", file=sys.stderr)
        return None
    return path
