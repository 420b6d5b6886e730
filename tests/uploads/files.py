"""Small upload files made in the test (no binaries in the repository): series, texts, image ZIPs,
and the hostile ZIPs (traversal, bomb) the intake must refuse."""

import io
import json
import math
import stat
import zipfile

from PIL import Image


def series_csv(rows: int = 120, columns: tuple[str, ...] = ("sales",), delimiter: str = ",",
               gaps: tuple[int, ...] = ()) -> bytes:
    lines = [delimiter.join(("date", *columns))]
    for n in range(rows):
        values = ["" if n in gaps else f"{10 + n * 0.5 + 3 * math.sin(n / 4) + k:.3f}"
                  for k, _ in enumerate(columns)]
        lines.append(delimiter.join((f"2024-{1 + n // 28 % 12:02d}-{1 + n % 28:02d}", *values)))
    return ("\n".join(lines) + "\n").encode()


POSITIVE = ["I loved this film", "what a great meal", "the staff were kind and quick", "wonderful acting"]
NEGATIVE = ["the food was cold", "I hated the ending", "slow service and rude staff", "a boring plot"]


def labelled_rows(rows: int = 120, labels: tuple[str, ...] = ("negative", "positive")) -> list[tuple[str, str]]:
    out = []
    for n in range(rows):
        label = labels[n % len(labels)]
        words = (NEGATIVE if label == labels[0] else POSITIVE)[n % 4]
        out.append((f"{words} number {n}", label))
    return out


def labelled_csv(rows: int = 120, labels: tuple[str, ...] = ("negative", "positive"), delimiter: str = ",") -> bytes:
    pairs = labelled_rows(rows, labels)
    lines = [f"review{delimiter}sentiment"] + [f"{text}{delimiter}{label}" for text, label in pairs]
    return ("\n".join(lines) + "\n").encode()


def labelled_jsonl(rows: int = 120) -> bytes:
    return "".join(json.dumps({"headline": text, "is_sarcastic": int(label == "positive")}) + "\n"
                   for text, label in labelled_rows(rows)).encode()


def png(colour: tuple[int, int, int], size: tuple[int, int] = (20, 16)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


COLOURS = {"cats": (200, 40, 40), "dogs": (40, 200, 40), "birds": (40, 40, 200)}


def images_zip(counts: dict[str, int] | None = None, top: str = "pets", size: tuple[int, int] = (20, 16),
               extra: dict[str, bytes] | None = None) -> bytes:
    counts = counts or {"cats": 12, "dogs": 12}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, count in counts.items():
            colour = COLOURS.get(name, (120, 120, 120))
            for n in range(count):
                archive.writestr(f"{top}/{name}/{n}.png".lstrip("/"), png(tuple(min(255, c + n) for c in colour), size))
        for path, content in (extra or {}).items():
            archive.writestr(path, content)
    return buffer.getvalue()


def traversal_zip(evil: str = "../../evil.png") -> bytes:
    return images_zip(extra={evil: png((0, 0, 0))})


def symlink_zip() -> bytes:
    buffer = io.BytesIO(images_zip())
    with zipfile.ZipFile(buffer, "a") as archive:
        link = zipfile.ZipInfo("pets/cats/link.png")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    return buffer.getvalue()


def bomb_zip(megabytes: int = 30) -> bytes:
    """A few hundred KB that unpack to `megabytes` MB of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("pets/cats/0.png", "w", force_zip64=True) as entry:
            block = bytes(1024 * 1024)
            for _ in range(megabytes):
                entry.write(block)
        archive.writestr("pets/dogs/0.png", png((1, 2, 3)))
    return buffer.getvalue()
