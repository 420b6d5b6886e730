"""The shapes in a pasted error, read for what they say about the mistake.

Shape errors read alike ("expected shape=(None, 300, 300, 3), found shape=(None, 150, 150, 3)"),
and once their numbers are replaced (understanding/pastes.normalise) three different mistakes
look the same: images of the wrong size, one image without its batch axis, grey images without a
channel axis. What tells them apart is how the two shapes relate: the same rank with other sizes,
an axis missing at the front, an axis missing at the end, the same sizes multiplied out (a
flattened input). That relation is compared here, never the numbers themselves.
"""

import re
from dataclasses import dataclass
from math import prod

# "(None, 28, 28, 1)", "[None, 64]", "[-1,28,28,1]", "(None,)", "[?,1,1,128]": bounded, linear.
SHAPE = re.compile(r"[(\[]\s*((?:None|null|\?|-?\d{1,9})(?:\s*,\s*(?:None|null|\?|-?\d{1,9})){0,7})\s*,?\s*[)\]]")
UNKNOWN = {"None", "null", "?", "-1"}
MAX_TEXT = 400


@dataclass(frozen=True)
class Relation:
    """How the second shape of an error differs from the first."""
    ranks: tuple[int, int]
    pattern: tuple[str, ...]  # dims as symbols: B unknown (batch), 1, then a, b, ... by value
    dropped: str  # "front", "end", "middle", "" : the second is the first less one axis there
    same_last: bool
    same_size: bool  # the known sizes multiply to the same number (a flattened or reshaped input)

    def likeness(self, other: "Relation") -> float:
        """1 for the same relation, down to 0: each trait that differs costs a share."""
        if self.pattern == other.pattern:
            return 1.0
        traits = [self.ranks == other.ranks, self.dropped == other.dropped,
                  self.same_last == other.same_last, self.same_size == other.same_size]
        return sum(traits) / (len(traits) + 1)  # below any exact match


def _dims(group: str) -> list[str]:
    return [d.strip() for d in group.split(",") if d.strip()]


def relation(message: str) -> Relation | None:
    """The relation of the first two shapes in an error line, or None with fewer than two."""
    shapes = [_dims(m.group(1)) for m in SHAPE.finditer(message[:MAX_TEXT])][:2]
    if len(shapes) < 2 or not all(shapes):
        return None
    first, second = shapes
    symbols: dict[str, str] = {}
    pattern = []
    for dims in (first, second):
        for d in dims:
            if d in UNKNOWN:
                pattern.append("B")
            elif d == "1":
                pattern.append("1")
            else:
                pattern.append(symbols.setdefault(d, "abcdefghijklmnop"[min(len(symbols), 15)]))
        pattern.append("|")
    return Relation(ranks=(min(len(first), 5), min(len(second), 5)), pattern=tuple(pattern),
                    dropped=_dropped(first, second), same_last=first[-1] == second[-1],
                    same_size=_size(first) == _size(second) and _size(first) > 1)


def _dropped(first: list[str], second: list[str]) -> str:
    """Where one axis of the longer shape is missing from the shorter, if that is all."""
    longer, shorter = (first, second) if len(first) > len(second) else (second, first)
    if len(longer) != len(shorter) + 1:
        return ""
    for at in range(len(longer)):
        if longer[:at] + longer[at + 1:] == shorter:
            return "end" if at == len(longer) - 1 else "front" if at <= 1 else "middle"
    # "(None, 300, 300, 3)" and "(32, 300, 3)": 32 images of 300 x 3, not one of 300 x 300 x 3.
    if longer[0] in UNKNOWN and longer[2:] == shorter[1:]:
        return "front"
    return ""


def _size(dims: list[str]) -> int:
    known = [int(d) for d in dims if d not in UNKNOWN]
    return prod(known) if known else 0
