"""One entry for every channel: the learner's bytes in, a Normalised upload or an UploadRefused out.

The kind is read from the content (tables.file_type), never from the file's name or the type a
browser or Slack claims; the name only appears in messages.
"""

from uploads.contract import MAX_FILE_BYTES, MAX_LEARNER_BYTES, MB
from uploads.images import from_zip
from uploads.normalised import Normalised, UploadRefused
from uploads.series import from_table as series_from_table
from uploads.tables import decode, file_type, read_table
from uploads.text import columns as text_columns
from uploads.text import from_jsonl
from uploads.text import from_table as text_from_table

TOO_BIG = "This file is {size:.1f} MB; I take files of at most {limit} MB."
QUOTA = ("Your uploads already use {used:.1f} MB of your {limit} MB; this one ({size:.1f} MB) would go over. "
         "Old uploads are removed after a while, or say \"forget me\" to remove them all.")


def check_size(size: int, used: int = 0) -> None:
    """The two size limits, checked before a byte is read where the channel tells the size."""
    if size > MAX_FILE_BYTES:
        raise UploadRefused(TOO_BIG.format(size=size / MB, limit=MAX_FILE_BYTES // MB))
    if used + size > MAX_LEARNER_BYTES:
        raise UploadRefused(QUOTA.format(used=used / MB, limit=MAX_LEARNER_BYTES // MB, size=size / MB))


def check(data: bytes, used: int = 0) -> Normalised:
    """Read, check and normalise one upload; `used` is what the learner's uploads hold already."""
    check_size(len(data), used)
    kind = file_type(data)
    if kind == "zip":
        return from_zip(data)
    if kind == "jsonl":
        return from_jsonl(decode(data))
    table = read_table(data)
    labelled = text_columns(table)
    if labelled is not None:
        return text_from_table(table, *labelled)
    return series_from_table(table)


__all__ = ["check", "check_size", "Normalised", "UploadRefused"]
