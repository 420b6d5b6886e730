"""Staff `re:` answer patterns, run on the `regex` module with a time limit (issue 14).

A learner's reply is searched with a pattern a staff member wrote. Python's `re` has no time
limit, so a pattern with nested repeats such as `(a+)+$` backtracks exponentially: 30 letters
and a full stop kept the service busy for minutes. `regex` (a maintained superset of `re`) takes
`timeout=`. A pattern must compile and finish on probe replies built to make backtracking blow
up (runs of the pattern's own characters at the chat cap) before a lesson is accepted; when
grading, a search that still runs past the limit counts as no match and is logged for staff
(docs/decisions.md, D29).
"""

import functools
import logging
import re._constants as sre_constants  # the stdlib's own pattern parser: parsing expands nothing
import re._parser as sre_parser

import regex

log = logging.getLogger(__name__)

MATCH_TIMEOUT = 0.05  # seconds for one search of a learner's reply (a sane one takes < 1 ms)
PROBE_CHARS = 2000  # probe replies are as long as the longest chat message
PROBE_EXTRA = "a0 -x."  # besides the pattern's own letters and digits: what \w, \d, \s, . match
# `regex` writes counted repeats out when it compiles: ((a{100}){100}){100} took 0.9 s to compile
# and one more level minutes. No answer pattern needs more pieces than this.
MAX_PIECES = 5000
REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT)


@functools.lru_cache(maxsize=512)
def compiled(source: str) -> regex.Pattern:
    return regex.compile(source, regex.IGNORECASE)


def check_pattern(source: str) -> None:
    """Raise ValueError, in words for staff, when `source` does not compile or runs too long."""
    try:
        pieces = _pieces(sre_parser.parse(source).data)
        if pieces > MAX_PIECES:
            raise ValueError(f"'re:{source}' is too big once its counted repeats ({{n}}) are written "
                             f"out ({pieces:,} pieces, at most {MAX_PIECES:,}): use + or * instead")
        pattern = compiled(source)
    except (regex.error, sre_constants.error, OverflowError, RecursionError) as error:
        raise ValueError(f"'re:{source}' is not a valid regular expression ({error})") from None
    for probe in _probes(source):
        try:
            pattern.search(probe, timeout=MATCH_TIMEOUT)
        except TimeoutError:
            raise ValueError(
                f"'re:{source}' takes too long on some answers (a reply like '{probe[:12]}...' made "
                "it backtrack past the time limit): avoid repeats inside repeats such as (a+)+ or "
                "(\\w+\\s?)+") from None


def _pieces(items) -> int:
    """How many pattern pieces `items` (a parsed pattern) has with counted repeats written out."""
    total = 0
    for op, arg in items:
        if op in REPEATS:
            low, high, sub = arg
            total += (high if high != sre_constants.MAXREPEAT else max(low, 1)) * _pieces(sub)
        else:
            parts = arg if isinstance(arg, (tuple, list)) else (arg,)
            nested = [part for part in parts if isinstance(part, (sre_parser.SubPattern, list))]
            total += 1 + sum(_pieces(_items(part)) for part in nested)
    return total


def _items(part) -> list:
    """A parsed piece's items: a SubPattern's own, or a branch's alternatives as one list."""
    if isinstance(part, sre_parser.SubPattern):
        return part.data
    return [item for alternative in part for item in _items(alternative)]


def _probes(source: str):
    """Long runs of each character the pattern could repeat, alone and with a non-matching end
    (what makes `(a+)+$` try every way to split the run), and the pattern's letters in order."""
    own = "".join(dict.fromkeys(c for c in source.casefold() if c.isalnum()))
    for char in dict.fromkeys(own + PROBE_EXTRA):
        run = char * PROBE_CHARS
        yield run
        yield run[:-1] + "!"
    if own:
        cycle = (own * (PROBE_CHARS // len(own) + 1))[:PROBE_CHARS - 1]
        yield cycle
        yield cycle + "!"


def matches(source: str, text: str) -> bool:
    """Whether the pattern is found in `text`; a search past the time limit is no match."""
    try:
        return compiled(source).search(text, timeout=MATCH_TIMEOUT) is not None
    except TimeoutError:
        log.warning("answer pattern 're:%s' ran past %.2f s on a %d-character reply; counted as "
                    "no match", source, MATCH_TIMEOUT, len(text))
        return False
