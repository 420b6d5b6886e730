"""What a stored upload looks like on disk: the one contract between the intake (uploads/, the
upload route, Slack files) and the skills that train on a learner's data (docs/decisions.md, D34).

The intake checks the learner's file and writes a *normalised folder*; a skill reads only that
folder, whose path reaches it as the job parameter `upload_dir` (a string), never the original
file. Standard library only, so skills, the intake and tests can all import it.

Layouts (each folder also holds `meta.json`):
- series: `series.csv`, one column `value`, the chosen numeric column in file order, gaps filled
  by linear interpolation; meta {column, rows, gaps, index_column}.
- images: `images/<class>/<n>.png`, RGB, at most IMAGE_MAX_SIDE on each side; meta
  {classes: {name: count}, size: [width, height] of the largest}.
- text: `text.jsonl`, lines {"text": str, "label": 0|1}; meta {labels: [neg_name, pos_name],
  rows, counts: [n0, n1]}.
"""

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, TypedDict

Kind = Literal["series", "images", "text"]
KINDS: tuple[Kind, ...] = ("series", "images", "text")

# The skill each kind trains by default; images go to "transfer" when the learner asks for it.
SKILL_FOR_KIND: dict[Kind, str] = {"series": "timeseries", "images": "vision", "text": "sentiment"}
IMAGE_SKILLS = ("vision", "transfer")

UPLOAD_DIR_PARAM = "upload_dir"  # the job parameter that carries the normalised folder's path

MB = 1024 * 1024
MAX_FILE_BYTES = 20 * MB  # one upload, as sent
MAX_LEARNER_BYTES = 100 * MB  # all of a learner's stored uploads, as sent

META_FILE = "meta.json"
SERIES_FILE = "series.csv"
SERIES_COLUMN = "value"
IMAGES_DIR = "images"
IMAGE_MAX_SIDE = 64
TEXT_FILE = "text.jsonl"


class SeriesMeta(TypedDict):
    column: str  # the learner's column the values came from
    rows: int
    gaps: int  # empty cells that were filled by interpolation
    index_column: str | None  # the date or index column, if the file had one


class ImagesMeta(TypedDict):
    classes: dict[str, int]  # class folder name -> image count, in folder order
    size: list[int]  # [width, height] of the largest stored image (each side <= IMAGE_MAX_SIDE)


class TextMeta(TypedDict):
    labels: list[str]  # [name of label 0, name of label 1]
    rows: int
    counts: list[int]  # [rows labelled 0, rows labelled 1]


def uploads_root(var_dir: Path) -> Path:
    """Where every learner's uploads live (Settings.var_dir / "uploads")."""
    return Path(var_dir) / "uploads"


def upload_dir(var_dir: Path, learner_public_id: str, upload_public_id: str) -> Path:
    """The normalised folder of one upload: per learner, then per upload."""
    return uploads_root(var_dir) / learner_public_id / upload_public_id


def read_meta(folder: str | Path) -> dict[str, Any]:
    meta: dict[str, Any] = json.loads((Path(folder) / META_FILE).read_text())
    return meta


def read_series(folder: str | Path) -> list[float]:
    """The series' values in order."""
    with (Path(folder) / SERIES_FILE).open(newline="") as handle:
        return [float(row[SERIES_COLUMN]) for row in csv.DictReader(handle)]


def image_files(folder: str | Path) -> Iterator[tuple[str, Path]]:
    """(class name, PNG path) for every stored image, classes in meta order, files by number."""
    base = Path(folder)
    for name in read_meta(base)["classes"]:
        for path in sorted((base / IMAGES_DIR / name).glob("*.png"), key=lambda p: int(p.stem)):
            yield name, path


def read_text(folder: str | Path) -> list[tuple[str, int]]:
    """(text, label 0 or 1) rows in file order."""
    with (Path(folder) / TEXT_FILE).open() as handle:
        return [(row["text"], int(row["label"])) for row in map(json.loads, handle) if row]
