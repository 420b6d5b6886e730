"""Checks that need more than one field: step references and reachability, skill parameters
against the skill's own Params class, and, across lessons, ids and prerequisites."""

from collections.abc import Iterable, Mapping
from pathlib import Path

from curriculum.loader import Error, Loc, Source, did_you_mean, parse_lesson
from curriculum.model import (
    END,
    SKILL_METRICS,
    AskStep,
    BranchStep,
    CheckpointStep,
    ChoiceAsk,
    Lesson,
    MetricCondition,
    QuizPassed,
    RunStep,
    SayStep,
)
from curriculum.validate_runs import check_run

LESSON_SUFFIXES = (".yml", ".yaml")


class LessonErrors(ValueError):
    """Raised by load_lessons when any lesson has a problem; `errors` lists them all."""

    def __init__(self, errors: list[Error]):
        self.errors = errors
        super().__init__("\n".join(str(error) for error in errors))


def _type_name(step) -> str:
    return f"{step.type} step"


# ---- one lesson --------------------------------------------------------------------------------

def check_lesson(lesson: Lesson, source: Source, lessons_dir: Path | None = None) -> list[Error]:
    """Every problem inside one lesson that its models alone cannot see."""
    errors: list[Error] = []
    steps = {}
    for index, step in enumerate(lesson.steps):
        loc = ("steps", index, "id")
        if step.id == END:
            errors.append(source.error(loc, f"'{END}' is reserved (it means: finish the lesson); "
                                            "give this step another id"))
        elif step.id in steps:
            first = source.line_of(("steps", steps[step.id][0], "id"))
            errors.append(source.error(loc, f"step id '{step.id}' is already used on line {first}; "
                                            "step ids must be unique within a lesson"))
        else:
            steps[step.id] = (index, step)

    target_errors = []
    for index, step in enumerate(lesson.steps):
        at = ("steps", index)
        target_errors += _check_targets(step, at, steps, source)
        if isinstance(step, ChoiceAsk):
            errors += _check_options(step, at, source)
        if isinstance(step, RunStep):
            errors += check_run(step, at, source)
        if isinstance(step, CheckpointStep) and isinstance(step.condition, MetricCondition):
            errors += _check_metric(step.condition, at + ("condition",), lesson, source)
        if isinstance(step, SayStep) and step.image and lessons_dir is not None \
                and not step.image.startswith("https://") and not (lessons_dir / step.image).is_file():
            errors.append(source.error(at + ("image",), f"there is no image file lessons/{step.image}"))

    errors += target_errors
    if not target_errors:  # a broken reference would make the steps after it look unreachable
        errors += _check_reachable(lesson, source, steps)
    return errors


def _check_targets(step, at: Loc, steps: dict, source: Source) -> list[Error]:
    errors = []
    targets: list[tuple[str, str, bool]] = []  # (field, step id, END allowed)
    if getattr(step, "next", None) is not None:
        targets.append(("next", step.next, True))
    if isinstance(step, CheckpointStep) and step.retry_step is not None:
        targets.append(("retry_step", step.retry_step, False))
    if isinstance(step, BranchStep):
        targets += [("if_correct", step.if_correct, True), ("if_wrong", step.if_wrong, True)]
    for field, target, end_ok in targets:
        if target == END and end_ok:
            continue
        if target not in steps:
            errors.append(source.error(at + (field,), f"{field} goes to '{target}', but this lesson "
                                                      f"has no step with that id{did_you_mean(target, steps)}"))
        elif target == step.id and not isinstance(step, CheckpointStep):
            errors.append(source.error(at + (field,), f"{field} points back to this same step, "
                                                      "so the learner would be stuck here"))

    quiz_refs = []
    if isinstance(step, BranchStep):
        quiz_refs.append((at + ("on",), step.on, "on"))
    if isinstance(step, CheckpointStep) and isinstance(step.condition, QuizPassed):
        quiz_refs.append((at + ("condition", "quiz_passed"), step.condition.quiz_passed, "quiz_passed"))
    for loc, target, field in quiz_refs:
        if target not in steps:
            errors.append(source.error(loc, f"{field} names '{target}', but this lesson has no step "
                                            f"with that id{did_you_mean(target, steps)}"))
        elif not isinstance(steps[target][1], AskStep):
            errors.append(source.error(loc, f"{field} must name a question (an ask step), but "
                                            f"'{target}' is a {_type_name(steps[target][1])}"))
    return errors




def _check_options(step: ChoiceAsk, at: Loc, source: Source) -> list[Error]:
    errors = []
    if not step.correct_options:
        errors.append(source.error(at + ("options",), "this question has no correct answer: mark at "
                                                      "least one option with 'correct: true'"))
    seen: set[str] = set()
    for index, option in enumerate(step.options):
        if option.id in seen:
            errors.append(source.error(at + ("options", index, "id"),
                                       f"option id '{option.id}' is used twice in this question"))
        seen.add(option.id)
    return errors


def _check_metric(condition: MetricCondition, at: Loc, lesson: Lesson, source: Source) -> list[Error]:
    errors = []
    known = SKILL_METRICS[condition.skill]
    if condition.metric not in known:
        errors.append(source.error(at + ("metric",), f"the {condition.skill} skill reports no metric "
                                                     f"'{condition.metric}' (it reports: "
                                                     f"{', '.join(known)})"))
    if not any(run.skill == condition.skill for run in lesson.runs):
        errors.append(source.error(at + ("skill",), f"this lesson never runs {condition.skill}, so "
                                                    "this checkpoint could never be met: add a run "
                                                    "step for it"))
    return errors


def _check_reachable(lesson: Lesson, source: Source, steps: dict) -> list[Error]:
    reached, todo = set(), [lesson.steps[0].id]
    while todo:
        current = todo.pop()
        if current in reached or current not in steps:
            continue
        reached.add(current)
        todo += lesson.successors(current)
    return [source.error(("steps", index, "id"),
                         f"step '{step.id}' can never be reached: no step before it leads here "
                         "(the step above it jumps elsewhere, and no next, branch or retry_step "
                         "names it)")
            for index, step in enumerate(lesson.steps)
            if step.id not in reached and steps.get(step.id, (None,))[0] == index]


# ---- across lessons ----------------------------------------------------------------------------

def check_across(parsed: list[tuple[Lesson, Source]], known: Mapping[str, Lesson] | Iterable[str] = ()
                 ) -> list[Error]:
    """Duplicate lesson ids, missing prerequisites and prerequisite cycles. `parsed` are the
    lessons being checked (with positions); `known` are other lessons already accepted."""
    errors = []
    known_prerequisites: dict[str, list[str]] = (
        {lesson_id: list(lesson.prerequisites) for lesson_id, lesson in known.items()}
        if isinstance(known, Mapping) else {lesson_id: [] for lesson_id in known})
    owner: dict[str, str] = dict.fromkeys(known_prerequisites, "another lesson")
    graph = dict(known_prerequisites)
    for lesson, source in parsed:
        if lesson.id in owner:
            errors.append(source.error(("id",), f"lesson id '{lesson.id}' is already used by "
                                                f"{owner[lesson.id]}; lesson ids must be unique"))
            continue
        owner[lesson.id] = source.filename
        graph[lesson.id] = list(lesson.prerequisites)

    checked = {lesson.id: (lesson, source) for lesson, source in parsed
               if owner.get(lesson.id) == source.filename}
    for lesson, source in checked.values():
        for index, prerequisite in enumerate(lesson.prerequisites):
            if prerequisite not in graph:
                errors.append(source.error(("prerequisites", index),
                                           f"prerequisite '{prerequisite}' is not the id of any "
                                           f"lesson{did_you_mean(prerequisite, graph)}"))

    for lesson_id, index, cycle in _cycle_edges(graph):
        if lesson_id in checked:
            lesson, source = checked[lesson_id]
            errors.append(source.error(("prerequisites", index),
                                       "prerequisites go round in a circle: " + " -> ".join(cycle)
                                       + " (a lesson cannot come before itself)"))
    return errors


def _cycle_edges(graph: dict[str, list[str]]) -> list[tuple[str, int, list[str]]]:
    """Every (lesson, prerequisite index, cycle path) whose prerequisite leads back to the lesson."""
    found = []
    for lesson_id, prerequisites in graph.items():
        for index, prerequisite in enumerate(prerequisites):
            path = _path(graph, prerequisite, lesson_id)
            if path is not None:
                found.append((lesson_id, index, [lesson_id] + path))
    return found


def _path(graph: dict[str, list[str]], start: str, goal: str) -> list[str] | None:
    """The shortest prerequisite path start -> ... -> goal, or None."""
    parents: dict[str, str | None] = {start: None}
    queue = [start]
    while queue:
        current = queue.pop(0)
        if current == goal:
            path = [current]
            while parents[path[-1]] is not None:
                path.append(parents[path[-1]])
            return path[::-1]
        for following in graph.get(current, []):
            if following not in parents:
                parents[following] = current
                queue.append(following)
    return None


# ---- entry points ------------------------------------------------------------------------------

def check_files(files: Iterable[Path], display: dict[Path, str] | None = None
                ) -> tuple[dict[str, Lesson], list[Error]]:
    """Parse and check lesson files together: (lessons without errors by id, all errors sorted)."""
    parsed, errors, bad = [], [], set()
    for path in files:
        name = (display or {}).get(path, str(path))
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            errors.append(Error(name, 1, 1, f"cannot read this file: {error}"))
            continue
        lesson, source, file_errors = parse_lesson(text, name)
        if lesson is not None:
            file_errors += check_lesson(lesson, source, path.parent)
            parsed.append((lesson, source))
        if file_errors:
            bad.add(name)
        errors += file_errors
    across = check_across(parsed)
    errors += across
    bad |= {error.file for error in across}
    lessons = {lesson.id: lesson for lesson, source in parsed if source.filename not in bad}
    return lessons, sorted(set(errors))


def lesson_files(folder: Path) -> list[Path]:
    return sorted(path for path in Path(folder).iterdir()
                  if path.suffix in LESSON_SUFFIXES and path.is_file())


def check_folder(folder: Path | str) -> tuple[dict[str, Lesson], list[Error]]:
    return check_files(lesson_files(Path(folder)))


def load_lessons(folder: Path | str) -> dict[str, Lesson]:
    """Every lesson in the folder by id; raises LessonErrors (with .errors) on any problem."""
    lessons, errors = check_folder(folder)
    if errors:
        raise LessonErrors(errors)
    return lessons


def validate_text(text: str, filename: str,
                  known_lessons: Mapping[str, Lesson] | Iterable[str] = (), *,
                  replaces: str | None = None, lessons_dir: Path | None = None) -> list[Error]:
    """All errors of one uploaded lesson, checked against the lessons already there.

    known_lessons: the current lessons by id (or just their ids: then prerequisite cycles through
    them cannot be seen). replaces: the id of the lesson this upload replaces, if any (its old
    version is then not a duplicate). lessons_dir: where images/ lives, to check image files.
    """
    return parse_and_validate(text, filename, known_lessons, replaces=replaces,
                              lessons_dir=lessons_dir)[1]


def parse_and_validate(text: str, filename: str,
                       known_lessons: Mapping[str, Lesson] | Iterable[str] = (), *,
                       replaces: str | None = None, lessons_dir: Path | None = None
                       ) -> tuple[Lesson | None, list[Error]]:
    """validate_text, also returning the Lesson (None when there is any error)."""
    lesson, source, errors = parse_lesson(text, filename)
    if lesson is None:
        return None, sorted(errors)
    errors += check_lesson(lesson, source, lessons_dir)
    if isinstance(known_lessons, Mapping):
        known = {key: value for key, value in known_lessons.items() if key != replaces}
    else:
        known = [key for key in known_lessons if key != replaces]
    errors += check_across([(lesson, source)], known)
    errors = sorted(set(errors))
    return (None if errors else lesson), errors
