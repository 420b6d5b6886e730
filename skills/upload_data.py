"""A learner's own data for the skills that train on it: the normalised upload folder (D34;
the path checks and sizes: docs/decisions.md, D35).

The intake (uploads/) checks the learner's file once and writes a folder in the layout of
uploads/contract.py; a skill reads only that folder, named by the job parameter `upload_dir`.
The path comes from a job, so it is never trusted: it must resolve (symlinks followed) inside
`uploads_root`, which the worker fills in from the job's own learner (jobs/service.py,
resolve_uploads), so a job can read neither /etc nor another learner's upload. Called without
that root (a skill run by hand), every upload is refused.

The loaders return what the bundled loaders return (skills/vision_data.py's ImageSplit, the
series as float32, tokenizable sentences), so each skill's training code stays the same.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from skills.base import SkillError
from skills.vision_data import VALIDATION_FRACTION, ImageSplit, stratified_split
from uploads import contract

# What each kind of upload holds, and the skill words that train on it, for refusals.
KIND_WORDS: dict[contract.Kind, tuple[str, str]] = {
    "series": ("a time series", "forecast my upload"),
    "images": ("images", "train an image classifier on my upload"),
    "text": ("labelled text", "train a sentiment model on my upload"),
}
KIND_FILES: dict[contract.Kind, str] = {
    "series": contract.SERIES_FILE, "images": contract.IMAGES_DIR, "text": contract.TEXT_FILE}
MIN_UPLOAD_TRAIN_WINDOWS = 50  # fewer training windows than this teach a forecaster nothing
# A series trains on its last MAX_SERIES_ROWS values, about the book's training period, so the
# default models train within the job time limit (measured: docs/decisions.md, D35); the intake
# accepts up to 100k rows.
MAX_SERIES_ROWS = 1000

NOT_FOUND = ("I can't find that upload any more (uploads are deleted after a while). Upload the "
             "file again, then ask me to train on it.")
NOT_YOURS = "I can only train on your own uploads, and that folder is not one of them."


class OnUpload(BaseModel):
    """Params of a skill that can train on the learner's upload instead of its bundled data."""

    upload_dir: str | None = Field(default=None, min_length=1, max_length=500)
    # The job's learner's own uploads folder, filled in by the worker; never stored with the job.
    uploads_root: Path | None = Field(default=None, exclude=True)

    def upload(self, kind: contract.Kind) -> tuple[Path, dict[str, Any]]:
        """The checked folder and its meta; a SkillError the learner can act on otherwise."""
        if self.upload_dir is None:
            raise ValueError("no upload_dir")
        return checked_folder(self.upload_dir, self.uploads_root, kind)


def checked_folder(upload_dir: str, root: Path | None, kind: contract.Kind) -> tuple[Path, dict[str, Any]]:
    """`upload_dir` resolved and proven to lie inside `root`, holding an upload of `kind`."""
    if root is None:
        raise SkillError(NOT_YOURS)
    try:  # existing links followed; anything outside the root is refused the same, there or not
        base, folder = Path(root).resolve(), Path(upload_dir).resolve()
    except (OSError, RuntimeError):  # a symlink loop
        raise SkillError(NOT_YOURS) from None
    if folder == base or not folder.is_relative_to(base):
        raise SkillError(NOT_YOURS)
    if not folder.is_dir():
        raise SkillError(NOT_FOUND)
    held = [k for k, name in KIND_FILES.items() if (folder / name).exists()]
    try:
        meta = contract.read_meta(folder)
    except (OSError, ValueError):
        raise SkillError(NOT_FOUND) from None
    if not held:
        raise SkillError(NOT_FOUND)
    if kind not in held:
        what, words = KIND_WORDS[held[0]]
        raise SkillError(f"That upload holds {what}, not {KIND_WORDS[kind][0]}. Ask me to "
                         f"\"{words}\" instead, or upload {KIND_WORDS[kind][0]}.")
    return folder, meta


def _inside(folder: Path, path: Path) -> Path:
    """`path`, refused when a link inside the folder points out of it."""
    if not path.resolve().is_relative_to(folder):
        raise SkillError(NOT_YOURS)
    return path


# --- series -------------------------------------------------------------------------------------

@dataclass
class UploadedSeries:
    values: np.ndarray  # float32, in file order
    column: str  # the learner's column name
    gaps: int  # empty cells the intake filled in
    split_time: int  # first validation index
    uploaded_rows: int  # before keeping the last MAX_SERIES_ROWS


def validation_rows(rows: int, window: int) -> int:
    """The last fifth of the series validates, and never less than one window."""
    return max(window, int(round(rows * VALIDATION_FRACTION)))


def largest_window(rows: int) -> int:
    """The largest window_size that leaves MIN_UPLOAD_TRAIN_WINDOWS training windows (0: none)."""
    fits = [w for w in range(2, 201) if rows - validation_rows(rows, w) - w >= MIN_UPLOAD_TRAIN_WINDOWS]
    return max(fits, default=0)


def series(upload: tuple[Path, dict[str, Any]], window: int) -> UploadedSeries:
    """The uploaded series and its split; refused before any training when the series is too
    short for `window`, with the window that would fit."""
    folder, meta = upload
    values = np.array(contract.read_series(_inside(folder, folder / contract.SERIES_FILE).parent), dtype="float32")
    if not np.all(np.isfinite(values)):
        raise SkillError("Your series has values that are not numbers; upload it again.")
    uploaded_rows = len(values)
    values = values[-MAX_SERIES_ROWS:]
    rows = len(values)
    split = rows - validation_rows(rows, window)
    if split - window < MIN_UPLOAD_TRAIN_WINDOWS:
        fits = largest_window(rows)
        fix = (f"Use window_size {fits} or less, or upload a longer series." if fits
               else "Upload a longer series.")
        raise SkillError(
            f"Your series has {rows} values, too short for a window of {window}: its training part "
            f"holds {max(split - window, 0)} windows and a forecaster needs at least "
            f"{MIN_UPLOAD_TRAIN_WINDOWS}. {fix}")
    return UploadedSeries(values, str(meta.get("column", "value")), int(meta.get("gaps", 0)), split,
                          uploaded_rows)


# --- images -------------------------------------------------------------------------------------

def image_split(upload: tuple[Path, dict[str, Any]], side: int, grayscale: bool) -> ImageSplit:
    """The uploaded images as side x side float32 in [0, 1] (1 channel if grayscale, else RGB),
    split 80/20 within each class with the bundled datasets' fixed seed; class names as uploaded.
    Pillow resizes (bilinear, with antialiasing when it shrinks)."""
    from PIL import Image

    folder, meta = upload
    names = list(meta["classes"])
    images, labels = [], []
    for name, path in contract.image_files(folder):
        with Image.open(_inside(folder, path)) as image:
            pixels = image.convert("L" if grayscale else "RGB").resize((side, side), Image.Resampling.BILINEAR)
            images.append(np.asarray(pixels, dtype=np.float32) / 255.0)
        labels.append(names.index(name))
    if len(set(labels)) < 2:
        raise SkillError("Your upload needs images of at least two classes to tell apart.")
    x = np.stack(images).reshape(len(images), side, side, 1 if grayscale else 3)
    y = np.array(labels, dtype=np.int64)
    train, val = stratified_split(y)
    return ImageSplit("upload", x[train], y[train], x[val], y[val], tuple(names))


# --- text ---------------------------------------------------------------------------------------

@dataclass
class UploadedText:
    train: tuple[list[str], np.ndarray]
    validation: tuple[list[str], np.ndarray]
    labels: tuple[str, str]  # names of label 0 and label 1, as uploaded


def text_split(upload: tuple[Path, dict[str, Any]]) -> UploadedText:
    """The uploaded rows split 80/20 within each label (a file sorted by label still validates
    on both), with the fixed seed, so two runs are scored on the same rows."""
    folder, meta = upload
    rows = contract.read_text(_inside(folder, folder / contract.TEXT_FILE).parent)
    labels = np.array([label for _, label in rows], dtype=np.int32)
    if set(labels.tolist()) != {0, 1}:
        raise SkillError("Your text needs rows of both labels; I train on exactly two.")
    train, val = stratified_split(labels)
    names = [str(n) for n in meta.get("labels", ["negative", "positive"])][:2]
    return UploadedText(([rows[i][0] for i in train], labels[train]),
                        ([rows[i][0] for i in val], labels[val]), (names[0], names[1]))


def telling_words(texts: list[str], labels: np.ndarray, n: int = 10) -> tuple[list[str], list[str]]:
    """(label 1's words, label 0's words): the n words of each label most lopsided towards it
    (seen at least 3 times), to draw in the embedding plot instead of the review words."""
    import re
    from collections import Counter

    counts = [Counter[str](), Counter[str]()]
    for sentence, label in zip(texts, labels.tolist()):
        counts[int(label)].update(set(re.findall(r"[a-z0-9']+", sentence.lower())))

    def lopsided(mine: Counter[str], theirs: Counter[str]) -> list[str]:
        seen = [w for w, c in mine.items() if c + theirs[w] >= 3]
        return sorted(seen, key=lambda w: (-(mine[w] + 1) / (theirs[w] + 1), w))[:n]

    return lopsided(counts[1], counts[0]), lopsided(counts[0], counts[1])
