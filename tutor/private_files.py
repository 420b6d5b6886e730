"""Files only their owner may read (mode 0600): the pid list, the service states, the staff token.

They hold pids, argv and secrets; var/ is often world-readable, so the mode is set at creation
(never a 0644 window) and each write replaces the file whole, so a reader never sees half of it.
"""

import os
import tempfile
from pathlib import Path


def write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # mkstemp creates the file 0600; os.replace swaps it in atomically (same folder, same disk).
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
