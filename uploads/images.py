"""A ZIP of images in one folder per class (Keras' `image_dataset_from_directory` layout), checked
before anything is decoded: no path leaves the archive (`../`, absolute paths, drive letters,
symlinks), and it cannot be a bomb (entry count, total uncompressed size, compression ratio, and
the pixel count of each image before it is decoded). Then each image is decoded with Pillow,
converted to RGB and shrunk to at most IMAGE_MAX_SIDE a side.
"""

import io
import re
import stat
import warnings
import zipfile
from collections import Counter
from pathlib import PurePosixPath

from PIL import Image

from uploads.contract import IMAGE_MAX_SIDE, IMAGES_DIR, ImagesMeta
from uploads.normalised import Normalised, UploadRefused, plural

MIN_CLASSES, MAX_CLASSES = 2, 10
MIN_PER_CLASS = 10
MAX_IMAGES = 2000
MAX_ENTRIES = 2500  # files and folders in the archive, before anything is read
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 100  # uncompressed / compressed, over the whole archive
MAX_PIXELS = 5000 * 5000  # per image, read from its header before decoding
FEW_SHARE = 0.5  # a class with under half the largest class's images, or under FEW_IMAGES
FEW_IMAGES = 20
IGNORED = ("__MACOSX", "Thumbs.db", ".DS_Store")
SAFE_NAME = re.compile(r"[^A-Za-z0-9_-]+")

NOT_A_ZIP = "This ZIP file is damaged or not a ZIP file; I could not list its contents."
LAYOUT = ("Put the images in one folder per class, like flowers/roses/1.jpg and flowers/tulips/2.jpg "
          "(the layout Keras' image_dataset_from_directory reads).")


def unsafe(info: zipfile.ZipInfo) -> bool:
    """True for an entry that would be written outside the folder it is extracted into."""
    name = info.filename.replace("\\", "/")
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name) or ".." in name.split("/"):
        return True
    return stat.S_ISLNK(info.external_attr >> 16)


def listed(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The archive's image candidates, after the traversal and bomb checks on every entry."""
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise UploadRefused(f"This ZIP holds {len(entries):,} entries; I take at most {MAX_IMAGES:,} images.")
    bad = [info.filename for info in entries if unsafe(info)]
    if bad:
        raise UploadRefused(f"I refused this ZIP: \"{bad[0][:80]}\" points outside the archive (a path with "
                            "\"..\", an absolute path or a link). Nothing was unpacked.")
    total = sum(info.file_size for info in entries)
    packed = sum(info.compress_size for info in entries) or 1
    if total > MAX_UNCOMPRESSED or total / packed > MAX_RATIO:
        raise UploadRefused(f"I refused this ZIP: it unpacks to {total / 1024 / 1024:,.0f} MB from "
                            f"{packed / 1024 / 1024:,.1f} MB, which looks like a ZIP bomb (I unpack at most "
                            f"{MAX_UNCOMPRESSED // 1024 // 1024} MB, at most {MAX_RATIO} times the ZIP's size). "
                            "Nothing was unpacked.")
    return [info for info in entries if not info.is_dir()
            and not any(part.startswith(".") or part in IGNORED for part in info.filename.split("/"))]


def class_of(files: list[zipfile.ZipInfo]) -> dict[str, str]:
    """Entry name -> class (its first folder, below one wrapping folder if every file has it)."""
    parts = {info.filename: PurePosixPath(info.filename).parts for info in files}
    tops = {p[0] for p in parts.values()}
    strip = 1 if len(tops) == 1 and all(len(p) >= 3 for p in parts.values()) else 0
    loose = [name for name, p in parts.items() if len(p) - strip < 2]
    if loose:
        raise UploadRefused(f"\"{loose[0][:80]}\" is not in a class folder. {LAYOUT}")
    return {name: p[strip] for name, p in parts.items()}


def folder_names(classes: list[str]) -> dict[str, str]:
    """Each class's folder name in the normalised folder: letters, digits, _ and -, unique."""
    names: dict[str, str] = {}
    for n, name in enumerate(classes, start=1):
        safe = SAFE_NAME.sub("_", name).strip("_")[:40] or f"class_{n}"
        while safe in names.values():
            safe += f"_{n}"
        names[name] = safe
    return names


def decode(data: bytes) -> Image.Image | None:
    """The image shrunk to at most IMAGE_MAX_SIDE a side, RGB; None if Pillow cannot read it."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(data))
            if opened.width * opened.height > MAX_PIXELS:
                return None
            opened.draft("RGB", (IMAGE_MAX_SIDE, IMAGE_MAX_SIDE))  # JPEGs decode at a smaller scale
            image = opened.convert("RGB")
            image.thumbnail((IMAGE_MAX_SIDE, IMAGE_MAX_SIDE))
            return image
    except (OSError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning, SyntaxError):
        return None


def from_zip(data: bytes) -> Normalised:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UploadRefused(NOT_A_ZIP) from None
    with archive:
        files = listed(archive)
        if not files:
            raise UploadRefused(f"This ZIP has no images. {LAYOUT}")
        classes = class_of(files)
        counts = Counter(classes.values())
        order = sorted(counts)
        _check_counts(counts, order)
        folders = folder_names(order)
        out: dict[str, bytes] = {}
        unreadable: list[str] = []
        numbers: Counter[str] = Counter()
        largest = [0, 0]
        for info in sorted(files, key=lambda i: i.filename):
            try:
                image = decode(archive.read(info))
            except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
                image = None
            if image is None:
                unreadable.append(info.filename)
                continue
            folder = folders[classes[info.filename]]
            numbers[folder] += 1
            largest = [max(largest[0], image.width), max(largest[1], image.height)]
            buffer = io.BytesIO()
            image.save(buffer, format="PNG")
            out[f"{IMAGES_DIR}/{folder}/{numbers[folder]}.png"] = buffer.getvalue()
    if unreadable:
        more = f" and {len(unreadable) - 3} more" if len(unreadable) > 3 else ""
        raise UploadRefused(f"{plural(len(unreadable), 'file')} in this ZIP {'is' if len(unreadable) == 1 else 'are'} "
                            f"not an image I can read: {', '.join(unreadable[:3])}{more}. "
                            "Remove or convert them (PNG, JPEG, GIF, BMP, WebP) and send it again.")
    stored = {folders[name]: numbers[folders[name]] for name in order}
    meta: ImagesMeta = {"classes": stored, "size": largest}
    return Normalised(kind="images", summary=summarise(stored), meta=dict(meta), files=out)


def _check_counts(counts: Counter[str], order: list[str]) -> None:
    if not MIN_CLASSES <= len(counts) <= MAX_CLASSES:
        raise UploadRefused(f"This ZIP has {plural(len(counts), 'class folder')} ({', '.join(order[:12])}); "
                            f"I train on {MIN_CLASSES} to {MAX_CLASSES} classes. {LAYOUT}")
    total = sum(counts.values())
    if total > MAX_IMAGES:
        raise UploadRefused(f"This ZIP has {total:,} images; I take at most {MAX_IMAGES:,}.")
    few = [name for name in order if counts[name] < MIN_PER_CLASS]
    if few:
        listed_few = ", ".join(f"{name} {counts[name]}" for name in few)
        raise UploadRefused(f"Each class needs at least {MIN_PER_CLASS} images; {listed_few}. Add images "
                            "or drop that class and send the ZIP again.")


def summarise(classes: dict[str, int]) -> str:
    """"3 classes: cats 40, dogs 38, birds 12. Birds has few images; I'll warn you about it." """
    ranked = sorted(classes.items(), key=lambda kv: (-kv[1], kv[0]))
    text = f"{len(classes)} classes: " + ", ".join(f"{name} {count}" for name, count in ranked) + "."
    top = ranked[0][1]
    few = [name for name, count in ranked if count < max(FEW_IMAGES, FEW_SHARE * top) and count < top]
    if few:
        names = " and ".join([", ".join(n.capitalize() for n in few[:-1]), few[-1].capitalize()]
                             if len(few) > 1 else [few[0].capitalize()])
        text += f" {names} {'has' if len(few) == 1 else 'have'} few images; I'll warn you about it."
    return text
