"""`python -m usercode.eval`: the review's hit rate and false alarms on its snippet set.

The set is data/usercode/review_snippets.yml: book code that must get no finding, and mistakes
whose lines carry a "#! <check>" marker. Prints one line per miss or false alarm, then the totals.
"""

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import yaml

from usercode.extract import sketch
from usercode.review import review

SNIPPETS = Path(__file__).resolve().parent.parent / "data" / "usercode" / "review_snippets.yml"
MARKER = re.compile(r"#!\s*([\w ]+)$")


@dataclass
class Score:
    expected: int = 0  # marked (check, line) pairs in the mistakes
    found: int = 0  # of those, found by the review
    false_alarms: int = 0  # findings on no marked line (or of another check), book code included
    book: int = 0
    book_clean: int = 0
    snippets: int = 0


def marked(code: str) -> set[tuple[str, int]]:
    """The (check, line) pairs the snippet's "#! check ..." comments promise."""
    found: set[tuple[str, int]] = set()
    for number, line in enumerate(code.splitlines(), 1):
        match = MARKER.search(line)
        if match:
            found.update((check, number) for check in match.group(1).split())
    return found


def load(path: Path = SNIPPETS) -> dict[str, list[dict[str, Any]]]:
    data: dict[str, list[dict[str, Any]]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def score(path: Path = SNIPPETS, out: TextIO | None = None, kinds: tuple[str, ...] = ("book", "mistakes")) -> Score:
    """Totals over the snippets of `kinds` ("book", "mistakes", "held_out")."""
    result = Score()
    data = load(path)
    for kind in kinds:
        for snippet in data.get(kind, []):
            result.snippets += 1
            expected = marked(snippet["code"])
            got = {(f.check, f.line) for f in review(sketch(snippet["code"]), snippet.get("question", ""))}
            result.expected += len(expected)
            result.found += len(expected & got)
            result.false_alarms += len(got - expected)
            if not expected:  # correct code: the book's, or a held-out one
                result.book += 1
                result.book_clean += not got
            if out is not None:
                for check, line in sorted(expected - got):
                    out.write(f"missed  {snippet['name']}: {check} on line {line}\n")
                for check, line in sorted(got - expected):
                    out.write(f"false   {snippet['name']}: {check} on line {line}\n")
    return result


def line(label: str, result: Score) -> str:
    return (f"{label}: {result.found}/{result.expected} mistakes found on their line, {result.false_alarms} "
            f"false alarms; correct code {result.book_clean}/{result.book} clean ({result.snippets} snippets)\n")


def main() -> int:
    result = score(out=sys.stdout)
    sys.stdout.write(line("review (set written with the checks)", result))
    held = score(out=sys.stdout, kinds=("held_out",))
    sys.stdout.write(line("review (held-out set, written after)", held))
    return 0 if result.found == result.expected and result.false_alarms == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
