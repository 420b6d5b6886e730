"""Chapter 11's real series: the book's Sunspots.csv, read from a file or (online) its URL.

Bundled tests read a small sample (data/timeseries/); online learners may point at SUNSPOTS_URL.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from skills.base import SkillError

SUNSPOTS_URL = "https://storage.googleapis.com/laurencemoroney-blog.appspot.com/Sunspots.csv"
MAX_CSV_BYTES = 10_000_000


@dataclass
class LoadedSeries:
    time: np.ndarray  # int index column
    dates: list[str]
    values: np.ndarray  # float32


def load_sunspots_csv(path_or_url: str | Path, timeout: float = 30.0) -> LoadedSeries:
    """Read the book's Sunspots.csv (monthly mean total sunspot number; columns: index, date,
    value, one header row) from a file or an http(s) URL, e.g. SUNSPOTS_URL for online users."""
    import csv
    import io

    source = str(path_or_url)
    if source.startswith(("http://", "https://")):
        import urllib.request

        with urllib.request.urlopen(source, timeout=timeout) as response:
            raw = response.read(MAX_CSV_BYTES + 1)
    else:
        raw = Path(source).read_bytes()[:MAX_CSV_BYTES + 1]
    if len(raw) > MAX_CSV_BYTES:
        raise SkillError(f"{source} is larger than {MAX_CSV_BYTES // 1_000_000} MB; the sunspots "
                         f"file is about 70 kB.")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    steps, dates, values = [], [], []
    for line, row in enumerate(rows[1:], start=2):  # row 1 is the header
        if not row:
            continue
        try:
            index, date, value = row
            steps.append(int(index))
            values.append(float(value))
        except ValueError:
            raise SkillError(f"{source}, line {line}: expected index,date,value but found "
                             f"{','.join(row)!r}.") from None
        dates.append(date)
    if not values:
        raise SkillError(f"{source} has no rows after its header.")
    return LoadedSeries(np.array(steps), dates, np.array(values, dtype="float32"))
