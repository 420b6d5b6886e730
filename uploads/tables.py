"""Which kind of file the learner sent, read from its bytes (never its name), and CSV/TSV parsing.

The standard library's `csv.Sniffer` finds the delimiter; a table is at most MAX_ROWS rows and
the file at most contract.MAX_FILE_BYTES, so reading it whole is bounded.
"""

import csv
import io
import json
from dataclasses import dataclass

from uploads.normalised import UploadRefused

MAX_ROWS = 100_000
MIN_ROWS = 100
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a local file header; an empty archive's end record
DELIMITERS = ",\t;|"
SNIFF_CHARS = 8192  # csv.Sniffer's time grows fast with its sample; 8 KB is many rows

WRONG_TYPE = ("I can read a CSV or TSV file (a time series, or texts with a label column), a JSON "
              "lines file of labelled texts, or a ZIP of images in one folder per class. This file "
              "is none of those{detail}.")


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]  # every row as long as the header
    delimiter: str

    def column(self, index: int) -> list[str]:
        return [row[index] for row in self.rows]


def file_type(data: bytes) -> str:
    """"zip", "jsonl" or "table"; anything else is refused with the list of what is accepted."""
    if data.startswith(ZIP_MAGIC):
        return "zip"
    text = decode(data)
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if first.startswith("{"):
        try:
            json.loads(first)
        except ValueError:
            raise UploadRefused(WRONG_TYPE.format(detail=": its first line looks like JSON but is not")) from None
        return "jsonl"
    return "table"


def decode(data: bytes) -> str:
    if not data.strip():
        raise UploadRefused("This file is empty.")
    if b"\x00" in data[:65536]:
        raise UploadRefused(WRONG_TYPE.format(detail=" (it is binary, not text)"))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadRefused(WRONG_TYPE.format(detail=" (its text is not UTF-8)")) from None


def is_number(cell: str) -> bool:
    try:
        float(cell.replace(",", "") if cell.count(",") and "." in cell else cell)
    except ValueError:
        return False
    return cell.strip().lower() not in ("nan", "inf", "-inf", "infinity", "-infinity")


def to_number(cell: str) -> float:
    return float(cell.replace(",", "") if cell.count(",") and "." in cell else cell)


def read_table(data: bytes) -> Table:
    """Header and rows of a CSV/TSV file. A first row of numbers only is data, not a header."""
    text = decode(data)
    sample = text[:SNIFF_CHARS].rsplit("\n", 1)[0] if len(text) > SNIFF_CHARS else text
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        if "\n" not in sample.strip() or not any(d in sample for d in DELIMITERS):
            delimiter = ","  # one column: no delimiter to find
        else:
            raise UploadRefused(WRONG_TYPE.format(detail=": I could not find its columns")) from None
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows: list[list[str]] = []
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append([cell.strip() for cell in row])
            if len(rows) > MAX_ROWS + 1:
                raise UploadRefused(f"This file has more than {MAX_ROWS:,} rows; I take at most {MAX_ROWS:,}.")
    except csv.Error as exc:
        raise UploadRefused(f"I could not read this file as a table (line {reader.line_num}: {exc}).") from None
    if not rows:
        raise UploadRefused("This file is empty.")
    width = len(rows[0])
    has_header = not all(is_number(cell) for cell in rows[0] if cell)
    header = rows[0] if has_header else [f"column {n}" for n in range(1, width + 1)]
    body = rows[1:] if has_header else rows
    ragged = next((n for n, row in enumerate(body, start=2 if has_header else 1)
                   if len(row) != width), None)
    if ragged is not None:
        raise UploadRefused(f"Row {ragged} has a different number of columns from the first row "
                            f"({width}); every row needs the same columns.")
    if len(body) > MAX_ROWS:
        raise UploadRefused(f"This file has {len(body):,} rows; I take at most {MAX_ROWS:,}.")
    return Table(header=[name or f"column {n}" for n, name in enumerate(header, start=1)],
                 rows=body, delimiter=delimiter)
