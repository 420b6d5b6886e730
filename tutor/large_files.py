"""Refuse files over 1 MB in a commit (pre-commit passes the staged file names).

Written here rather than taken from pre-commit-hooks because that hook repository is fetched from
a git host these machines cannot reach; this is its one rule we use.
"""

import sys
from pathlib import Path

LIMIT_BYTES = 1_000_000


def main(paths: list[str]) -> int:
    large = [p for p in paths if Path(p).is_file() and Path(p).stat().st_size > LIMIT_BYTES]
    for path in large:
        sys.stderr.write(f"{path} is {Path(path).stat().st_size:,} bytes (limit {LIMIT_BYTES:,})\n")
    return 1 if large else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
