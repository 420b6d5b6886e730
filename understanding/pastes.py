"""What a pasted message holds: the error lines of a traceback, or a code fragment.

Coders paste first and ask second. A traceback's meaning is in its last "SomethingError: ..."
line, and the numbers in it (shapes, sizes, layer names) differ from one learner to the next, so
they are replaced by placeholders before matching. Every pattern here is linear: no nested or
overlapping repeats, and lines are cut to a bounded length before any regex sees them.
"""

import re

MAX_LINE = 400
# Searched in lines cut to MAX_LINE, so the scan stays bounded however long the message is.
ERROR = re.compile(r"\b((?:[A-Z]\w{0,60})?(?:Error|Exception|Exhausted|Unimplemented)\w{0,20}|WARNING)\s*:\s*(.*)$")
ERROR_WORDS = re.compile(r"\b(?:error|exception|traceback)\b", re.I)
CODE_LINE = re.compile(
    r"^\s*(?:(?:from|import)\s+\w|def\s+\w|class\s+\w|for\s+\w|if\s+\w|return\b|@\w"
    r"|[\w.\[\]]+\s*[+\-*/]?=[^=]|model\.\w|tf\.\w|keras\.|layers\.\w|np\.\w|\w+\([^()]*[(),])")
NUMBER = re.compile(r"\d+(?:\.\d+)?")
QUOTED = re.compile(r"['\"`][^'\"`\n]{1,80}['\"`]")
PATH = re.compile(r"(?:/[\w.\-]+){2,}")
SPACES = re.compile(r"\s+")


def _lines(text: str) -> list[str]:
    return [line[:MAX_LINE] for line in text.splitlines() if line.strip()]


def error_lines(text: str) -> list[str]:
    """The 'XxxError: message' lines, last first (the last is the one that matters)."""
    found = []
    for line in _lines(text):
        match = ERROR.search(line.strip())
        if match and match.group(1) and not line.lstrip().startswith(("File ", "at ")):
            found.append(f"{match.group(1)}: {match.group(2)}".strip())
    return found[::-1]


def code_lines(text: str) -> list[str]:
    return [line.strip() for line in _lines(text) if CODE_LINE.match(line)]


def kind(text: str) -> str | None:
    """"error", "code" or None for a message that is plain words."""
    lines = _lines(text)
    if error_lines(text) or ("Traceback" in text and len(lines) > 1) or (
            len(lines) > 1 and ERROR_WORDS.search(text) and len(code_lines(text)) < len(lines) - 1):
        return "error"
    code = code_lines(text)
    if code and (len(code) >= 2 or len(code) == len(lines) or len(code[0]) > 20):
        return "code"
    return None


# The learner's own sentence inside a command: quoted ('...', "...", “...”), or after a colon or
# an arrow ("is this positive: the battery died"). Bounded spans, no nested repeats.
OWN_TEXT = re.compile(r"['\"“‘`][^'\"”’`\n]{2,300}['\"”’`]|(?::|->|=>)\s*[^\n]{2,400}$")


def frame(text: str) -> str | None:
    """The message with the learner's own quoted or after-colon text taken out ("is this
    positive: …"), so the words of a sentence to classify or tokenize do not decide what Tutor
    does with it. None when nothing was taken out or nothing is left."""
    head = text[:MAX_LINE]
    framed = SPACES.sub(" ", OWN_TEXT.sub(" … ", head)).strip()
    if framed == SPACES.sub(" ", head).strip() or not framed.replace("…", "").split():
        return None
    return framed


def normalise(message: str) -> str:
    """An error message with its specifics replaced: shapes, sizes, names and paths."""
    message = PATH.sub(" PATH ", message[:MAX_LINE])
    message = QUOTED.sub(" NAME ", message)
    message = NUMBER.sub(" N ", message)
    return SPACES.sub(" ", message).strip()


def words(text: str) -> str:
    """The learner's own words around a paste (lines that are neither code nor errors)."""
    errors = set(error_lines(text))
    code = set(code_lines(text))
    keep = [line for line in _lines(text)
            if line.strip() not in code and not any(line.strip().endswith(e[-40:]) for e in errors)
            and not line.lstrip().startswith(("File ", "Traceback", "^", "~"))]
    return " ".join(" ".join(keep).split())[:MAX_LINE]
