"""A one-word command with a typo ("hlep", "lessns?", "cancle"): nothing in the examples is near
a misspelt single word, so it was declined as off-topic. The word is matched by its spelling to
the command words learners type alone; only a near miss counts, never the exact word (which the
examples already know) and never a message of more than one word."""

import difflib
import re

WORDS = {  # what a learner types alone, and the intent it means
    "help": "help", "lessons": "list_lessons", "lesson": "list_lessons", "models": "show_models",
    "cancel": "cancel_job", "hint": "lesson_hint", "next": "lesson_next", "skip": "lesson_skip",
    "repeat": "lesson_repeat", "quit": "lesson_quit", "progress": "lesson_progress",
    "hello": "greet", "goodbye": "goodbye",
}
ONE_WORD = re.compile(r"^\s*([a-z]{4,12})\s*[?!.]*\s*$", re.I)
CUTOFF = 0.75  # "hlep" is 0.75 from "help", "lessns" 0.92 from "lessons"; "lesion" 0.83 (a rare word alone)


def command_word(text: str) -> str | None:
    """The command intent a misspelt one-word message means, or None."""
    match = ONE_WORD.match(text)
    if not match:
        return None
    word = match.group(1).lower()
    if word in WORDS:
        return None
    close = difflib.get_close_matches(word, WORDS, n=1, cutoff=CUTOFF)
    return WORDS[close[0]] if close else None
