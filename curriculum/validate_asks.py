"""Warnings about questions that grade unfairly or give their answer away (issue 16). They do
not stop a lesson from being used: `python -m curriculum check` prints them, and the shipped
lessons are kept free of them (tests/curriculum/test_lessons.py)."""

from collections.abc import Iterable
from pathlib import Path

from curriculum import answers
from curriculum.loader import Error, Loc, Source, parse_lesson
from curriculum.model import AskStep, ChoiceAsk, Lesson, ShortAsk


def tolerant(step: ShortAsk) -> bool:
    """A short question accepts more than one spelling: a synonym, a pattern, two different
    accepted forms, or a number or formula (compared by value)."""
    plain = {answers.normalize_answer(item) for item in step.accept if not item.startswith("re:")}
    by_value = any(answers.number(item) is not None or answers.formula(item) is not None
                   for item in step.accept if not item.startswith("re:"))
    return bool(step.synonyms) or len(plain) > 1 or by_value or any(i.startswith("re:") for i in step.accept)


def _answers_of(step: AskStep) -> list[str]:
    if isinstance(step, ChoiceAsk):
        return [form for option in step.correct_options for form in (option.text, *option.synonyms)]
    assert isinstance(step, ShortAsk)
    return [item for item in step.forms if not item.startswith("re:")]


def _said_while_trying(step: AskStep, at: Loc) -> list[tuple[Loc, str]]:
    """(where, text) of everything said about a wrong answer before the last try: hints, wrong
    options' feedback, foreseen wrong answers' feedback."""
    said = [(at + ("hints", index), text) for index, text in enumerate(step.hints)]
    if isinstance(step, ChoiceAsk):
        said += [(at + ("options", index, "feedback"), option.feedback)
                 for index, option in enumerate(step.options) if option.feedback and not option.correct]
    if isinstance(step, ShortAsk):
        said += [(at + ("wrong_answers", index, "feedback"), wrong.feedback)
                 for index, wrong in enumerate(step.wrong_answers)]
    return said


def warnings_for(lesson: Lesson, source: Source) -> list[Error]:
    found = []
    for index, step in enumerate(lesson.steps):
        at: Loc = ("steps", index)
        if not isinstance(step, AskStep):
            continue
        if isinstance(step, ShortAsk) and not tolerant(step):
            found.append(source.error(at + ("accept",), f"warning: '{step.id}' accepts only "
                                      f"'{step.accept[0]}' as written: add synonyms (other words or "
                                      "spellings learners use) or a re: pattern"))
        for loc, text in _said_while_trying(step, at):
            given = next((form for form in _answers_of(step) if answers.reveals(text, form)), None)
            if given is not None:
                found.append(source.error(loc, f"warning: this is said while tries remain and gives "
                                          f"the answer away ('{given}'): explain why the answer is "
                                          "wrong, and keep the answer for feedback_wrong"))
    return found


def warnings_for_files(files: Iterable[Path], display: dict[Path, str] | None = None) -> list[Error]:
    """Every warning of these lesson files (files with errors are left to the errors)."""
    found = []
    for path in files:
        name = (display or {}).get(path, str(path))
        try:
            lesson, source, errors = parse_lesson(path.read_text(encoding="utf-8"), name)
        except (OSError, UnicodeDecodeError):
            continue
        if lesson is not None and not errors:
            found += warnings_for(lesson, source)
    return sorted(found)
