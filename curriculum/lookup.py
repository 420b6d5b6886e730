"""Which lesson a learner means: "start lesson 3", "the third lesson", "the one on time series".

Lesson starts are typed free text (bot/data/lessons_nlu.yml has no entity for them), so the lesson
is read from the words here: first a number near "lesson", then an id, then the title and summary
words that match best. Numbers count in course order (LessonLibrary.ordered()).
"""

import re

from curriculum.model import Lesson

CARDINALS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
             "eight": 8, "nine": 9, "ten": 10}
ORDINALS = {word: n for n, words in enumerate([
    (), ("first", "1st"), ("second", "2nd"), ("third", "3rd"), ("fourth", "4th"), ("fifth", "5th"),
    ("sixth", "6th"), ("seventh", "7th"), ("eighth", "8th"), ("ninth", "9th"), ("tenth", "10th")])
    for word in words}
# Words of a request that say nothing about which lesson ("let's start the lesson on ...").
FILLER = {"a", "an", "the", "lesson", "lessons", "start", "begin", "resume", "take", "do", "let",
          "lets", "let's", "us", "me", "i", "want", "to", "learn", "about", "on", "please",
          "course", "module", "one", "that", "this", "go", "with", "study", "open", "can", "we",
          "could", "you", "now", "again", "restart", "continue", "chapter"}


def find_lesson(lessons: list[Lesson], text: str) -> Lesson | None:
    """The lesson a learner names: its number ("3", "third"), its id, or words of its title."""
    lowered = text.casefold()
    tokens = re.findall(r"[a-z0-9'-]+", lowered)
    for index, token in enumerate(tokens):
        # A lesson number has a few digits; int() of 4,301 or more raises (CPython's limit).
        number = int(token) if token.isdigit() and len(token) <= 4 else ORDINALS.get(token)
        near_lesson = "lesson" in tokens[max(0, index - 1):index + 2] or \
            (index > 0 and tokens[index - 1] in ("number", "no"))
        if number is None and near_lesson:  # "lesson two", but not "the one on CNNs"
            number = CARDINALS.get(token)
        if number is not None and 1 <= number <= len(lessons):
            return lessons[number - 1]
    for lesson in lessons:
        if lesson.id in lowered or lesson.id.replace("-", " ") in lowered:
            return lesson
    words = {w for w in re.findall(r"[a-z0-9]+", lowered) if w not in FILLER and len(w) > 2}
    scored = []
    for lesson in lessons:
        vocabulary = set(re.findall(r"[a-z0-9]+", f"{lesson.id} {lesson.title} {lesson.summary or ''}"
                                    .casefold()))
        stems = {v[:5] for v in vocabulary}
        score = sum(1 for w in words if w in vocabulary or w[:5] in stems)
        scored.append((score, -lessons.index(lesson), lesson))
    best = max(scored, key=lambda item: item[:2], default=None)
    return best[2] if best and best[0] > 0 else None
