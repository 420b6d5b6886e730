"""Write sunspots_sample.csv: 48 made-up monthly rows in the format of the book's Sunspots.csv.

The values are NOT real sunspot numbers: a smooth 11-year cycle plus seeded noise, rounded to one
decimal like the real file. They exist so skills.timeseries_data.load_sunspots_csv is tested offline
on the real file's layout (header ",Date,Monthly Mean Total Sunspot Number"; rows index,date,value;
dates are month ends). Run from the repository root:

    .venv/bin/python data/timeseries/make_sunspots_sample.py
"""

import calendar
import math
from pathlib import Path

import numpy as np

HEADER = ",Date,Monthly Mean Total Sunspot Number"
ROWS = 48
FIRST_YEAR = 1749
SEED = 0
OUT = Path(__file__).with_name("sunspots_sample.csv")


def sample_text(rows: int = ROWS, seed: int = SEED) -> str:
    noise = np.random.RandomState(seed).randn(rows) * 15
    lines = [HEADER]
    for i in range(rows):
        year, month = FIRST_YEAR + i // 12, i % 12 + 1
        last_day = calendar.monthrange(year, month)[1]
        cycle = 80 + 60 * math.cos(2 * math.pi * i / 132)  # ~11 years per cycle
        value = max(0.0, round(cycle + float(noise[i]), 1))
        lines.append(f"{i},{year}-{month:02d}-{last_day:02d},{value:.1f}")
    return "\n".join(lines) + "\n"


def write_sample(path: Path = OUT) -> Path:
    path.write_text(sample_text(), encoding="utf-8", newline="\n")
    return path


if __name__ == "__main__":
    print(write_sample())
