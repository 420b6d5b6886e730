"""A time series from a table: its numeric column (asked for when there are several), its date or
index column, gaps filled by linear interpolation and reported, at least MIN_ROWS values."""

import bisect
import csv
import io
import json
from datetime import datetime
from pathlib import Path

from uploads.contract import META_FILE, SERIES_COLUMN, SERIES_FILE, SeriesMeta
from uploads.normalised import Normalised, UploadRefused, plural
from uploads.tables import MIN_ROWS, Table, is_number, to_number

CANDIDATES_FILE = "columns.csv"  # a series waiting for the learner to pick its column
INDEX_NAMES = {"date", "time", "timestamp", "datetime", "day", "month", "year", "index", "id", "t", "step"}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%m/%d/%Y", "%Y-%m", "%d.%m.%Y")
NUMERIC_SHARE = 0.8  # a column this numeric is meant as numbers; its other cells are mistakes
MAX_GAP_SHARE = 0.2


def is_date(cell: str) -> bool:
    try:
        datetime.fromisoformat(cell)
        return True
    except ValueError:
        pass
    for form in DATE_FORMATS:
        try:
            datetime.strptime(cell, form)
            return True
        except ValueError:
            continue
    return False


def _numeric_share(cells: list[str]) -> float:
    filled = [c for c in cells if c]
    return sum(map(is_number, filled)) / len(filled) if filled else 0.0


def _index_column(table: Table) -> int | None:
    """The column that orders the rows: dates, or a column named like an index (date, t, year)."""
    for n, name in enumerate(table.header):
        cells = table.column(n)
        sample = [c for c in cells[:200] if c]
        if sample and not all(map(is_number, sample)) and all(map(is_date, sample)):
            return n
        if name.strip().lower() in INDEX_NAMES and _numeric_share(cells) == 1.0:
            return n
    return None


def numeric_columns(table: Table, index: int | None) -> list[int]:
    return [n for n in range(len(table.header))
            if n != index and _numeric_share(table.column(n)) >= NUMERIC_SHARE]


def from_table(table: Table) -> Normalised:
    index = _index_column(table)
    numeric = numeric_columns(table, index)
    if not numeric:
        raise UploadRefused("I found no column of numbers to forecast in this file. A time series "
                            "needs a numeric column (and may have a date or index column).")
    if len(numeric) == 1:
        return series(table.header[numeric[0]], table.column(numeric[0]),
                      table.header[index] if index is not None else None)
    names = [table.header[n] for n in numeric]
    out = io.StringIO()
    writer = csv.writer(out)
    chosen = ([index] if index is not None else []) + numeric
    writer.writerow([table.header[n] for n in chosen])
    writer.writerows([row[n] for n in chosen] for row in table.rows)
    meta = {"column": None, "rows": len(table.rows), "choices": names,
            "index_column": table.header[index] if index is not None else None}
    return Normalised(kind="series", meta=meta, files={CANDIDATES_FILE: out.getvalue().encode()},
                      choices=names,
                      summary=f"A table of {plural(len(table.rows), 'row')} with "
                              f"{len(names)} numeric columns: {', '.join(names)}. "
                              "Which one should I forecast?")


def series(column: str, cells: list[str], index_column: str | None) -> Normalised:
    """The normalised series of one column, or the refusal its values call for."""
    bad = next(((row, cell) for row, cell in enumerate(cells, start=2) if cell and not is_number(cell)), None)
    if bad:
        raise UploadRefused(f"Column \"{column}\" must hold numbers, but row {bad[0]} says \"{bad[1][:40]}\". "
                            "Fix or remove that row and send the file again.")
    values: list[float | None] = [to_number(cell) if cell else None for cell in cells]
    known = [v for v in values if v is not None]
    if len(known) < MIN_ROWS:
        raise UploadRefused(f"Column \"{column}\" has {plural(len(known), 'value')}; I need at least "
                            f"{MIN_ROWS} to train a forecast and check it on the last part.")
    gaps = len(values) - len(known)
    if gaps > MAX_GAP_SHARE * len(values):
        raise UploadRefused(f"Column \"{column}\" has {gaps:,} empty cells out of {len(values):,}; "
                            f"I fill at most {MAX_GAP_SHARE:.0%} of a series by interpolation.")
    filled = interpolate(values)
    out = io.StringIO()
    out.write(SERIES_COLUMN + "\n")
    out.writelines(f"{v!r}\n" for v in filled)
    meta: SeriesMeta = {"column": column, "rows": len(filled), "gaps": gaps, "index_column": index_column}
    indexed = f" in the order of \"{index_column}\"" if index_column else " in file order"
    gap_note = (f" {plural(gaps, 'gap')} (empty cells) filled by linear interpolation." if gaps
                else " No gaps.")
    summary = (f"A time series of {plural(len(filled), 'value')} from column \"{column}\"{indexed}, "
               f"from {min(filled):g} to {max(filled):g}.{gap_note}")
    return Normalised(kind="series", summary=summary, meta=dict(meta),
                      files={SERIES_FILE: out.getvalue().encode()})


def interpolate(values: list[float | None]) -> list[float]:
    """Empty cells filled on the line between their known neighbours (ends: the nearest value)."""
    at = [n for n, v in enumerate(values) if v is not None]
    known = [v for v in values if v is not None]
    filled: list[float] = []
    for n, v in enumerate(values):
        if v is not None:
            filled.append(v)
            continue
        right = bisect.bisect(at, n)
        if right == 0 or right == len(at):
            filled.append(known[min(right, len(at) - 1)])
            continue
        left = right - 1
        share = (n - at[left]) / (at[right] - at[left])
        filled.append(known[left] + share * (known[right] - known[left]))
    return filled


def choose_column(folder: Path, choice: str) -> Normalised:
    """The learner picked `choice` for a series that had several numeric columns: write its
    series.csv and meta.json into the upload's folder and return it."""
    with (folder / CANDIDATES_FILE).open(newline="") as handle:
        rows = list(csv.reader(handle))
    meta = json.loads((folder / META_FILE).read_text())
    header, body = rows[0], rows[1:]
    if choice not in meta.get("choices", []):
        raise UploadRefused(f"This file has no numeric column \"{choice}\"; "
                            f"it has {', '.join(meta.get('choices', []))}.")
    picked = series(choice, [row[header.index(choice)] for row in body], meta.get("index_column"))
    (folder / SERIES_FILE).write_bytes(picked.files[SERIES_FILE])
    (folder / META_FILE).write_text(json.dumps(picked.meta, indent=1))
    return picked
