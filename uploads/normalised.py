"""What a check returns: the normalised folder's files in memory, its meta and the learner's summary.

Kept in memory until the caller has a place for it, so a refused or half-read upload never
leaves files behind; the largest accepted one (2,000 images of at most 64x64) is a few MB.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from uploads.contract import META_FILE, Kind


class UploadRefused(ValueError):
    """The file breaks one of the rules; the message is the learner's answer, as is."""


@dataclass
class Normalised:
    kind: Kind
    summary: str  # what Tutor read, shown before training
    meta: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)  # path in the folder -> content
    # A series with several numeric columns: the learner picks one before it can train.
    choices: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not self.choices

    def write(self, folder: Path) -> None:
        """Write the files and meta.json into `folder` (made here; must not exist yet)."""
        folder.mkdir(parents=True)
        for relative, content in self.files.items():
            path = folder / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        (folder / META_FILE).write_text(json.dumps(self.meta, indent=1))


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"
