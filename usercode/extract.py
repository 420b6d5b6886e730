"""Read pasted Keras code into a sketch: the layer list, compile, fit and what the data looks like.

The code is parsed with `ast` and never executed or imported: values are read only where they
are literals (or names bound once to a literal, like `vocab_size = 10000`). Line numbers are the
code's own (line 1 is the first line of the code block), as the learner sees them in their editor.
"""

import ast
import html
import re

from usercode.reader import Reader
from usercode.sketch_model import Sketch

MAX_LINES = 200
FENCE = re.compile(r"```[ \t]*(?:python|py|python3)?[ \t]*\n?(.*?)```", re.S | re.I)
SMART_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


class CodeRefused(Exception):
    """The message holds no code Tutor can read, or too much; the text says which and what to do."""


def code_of(message: str) -> str:
    """The code in a message: its fenced blocks, else the longest run of lines that parses.

    Raises CodeRefused for a message with no Python in it or more than MAX_LINES lines.
    """
    text = html.unescape(message) if "&lt;" in message or "&gt;" in message or "&amp;" in message else message
    text = text.translate(SMART_QUOTES)  # chat clients "improve" quotes typed outside code blocks
    blocks = FENCE.findall(text)
    if blocks:
        code = "\n".join(block.strip("\n") for block in blocks)
    else:
        code = _parsable_part(text)
    count = len(code.splitlines())
    if count > MAX_LINES:
        raise CodeRefused(f"I can read at most {MAX_LINES} lines of code; yours has {count}. Paste the part "
                          "that builds, compiles and fits the model.")
    # A fenced block is code even when it doesn't parse: sketch() then names the line.
    if not code.strip() or (not blocks and not _looks_like_code(code)):
        raise CodeRefused("I couldn't find Python code in your message. Paste your Keras code, "
                          "ideally in a ``` code block, and ask me again.")
    return code


def _looks_like_code(code: str) -> bool:
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return any(isinstance(node, ast.Call | ast.Assign | ast.Import | ast.ImportFrom) for node in ast.walk(tree))


def _parsable_part(text: str) -> str:
    """Plain text with the learner's words before and after the code: drop up to 10 lines at each
    end until the rest parses (at most 121 parses, each of at most a couple of hundred lines)."""
    lines = text.strip("\n").splitlines()
    if len(lines) > MAX_LINES + 20:
        return text  # refused by its length; no parsing of a huge paste
    for head in range(min(10, len(lines)) + 1):
        for tail in range(min(10, len(lines) - head) + 1):
            part = "\n".join(lines[head:len(lines) - tail])
            if part.strip() and _looks_like_code(part):
                return part
    return ""


def sketch(code: str) -> Sketch:
    """Read the code into a Sketch. Raises CodeRefused when it does not parse."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        where = f" (line {exc.lineno})" if isinstance(exc, SyntaxError) and exc.lineno else ""
        raise CodeRefused(f"Your code doesn't parse as Python{where}, so I can't read it. Fix that line "
                          "or paste the whole block, and ask me again.") from None
    found = Sketch(lines=len(code.splitlines()))
    reader = Reader(found)
    statements = sorted((n for n in ast.walk(tree) if isinstance(n, ast.stmt)), key=lambda n: n.lineno)
    for node in statements:
        reader.statement(node)
    return found
