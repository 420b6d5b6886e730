"""The lessons as the running services see them: read from the folder, re-read when a file changes.

Staff edit lesson files (by hand or through the staff API) while Tutor runs; every lookup checks
the folder's file names, sizes and modification times (one `stat` per file, ~0.1 ms for eight
lessons) and validates the folder again only when they changed. A file that no longer passes the
validator keeps serving its last good version, so a half-saved edit never breaks a learner's
lesson; the errors are logged for staff (who also get them from `make lessons-check` and the API).
"""

import logging
import re
import threading
from pathlib import Path

from curriculum.model import Lesson
from curriculum.validate import check_files, lesson_files

log = logging.getLogger(__name__)
ID_LINE = re.compile(r"^id:\s*[\"']?([a-z0-9][a-z0-9_-]*)[\"']?\s*(?:#.*)?$", re.MULTILINE)


class LessonLibrary:
    """Valid lessons by id, in file-name order (the order "lesson 3" counts in)."""

    def __init__(self, folder: Path | str):
        self.folder = Path(folder)
        self._signature: tuple | None = None
        self._lessons: dict[str, Lesson] = {}
        self._lock = threading.Lock()

    def lessons(self) -> dict[str, Lesson]:
        with self._lock:
            files = lesson_files(self.folder) if self.folder.is_dir() else []
            signature = tuple((path.name, *_stamp(path)) for path in files)
            if signature != self._signature:
                self._lessons = self._reload(files)
                self._signature = signature
            return dict(self._lessons)

    def get(self, lesson_id: str) -> Lesson | None:
        return self.lessons().get(lesson_id)

    def ordered(self) -> list[Lesson]:
        return list(self.lessons().values())

    def _reload(self, files: list[Path]) -> dict[str, Lesson]:
        lessons, errors = check_files(files)
        for error in errors:
            log.warning("lesson file problem (its last good version stays in use): %s", error)
        homes = _lesson_files(files)
        kept = {lesson_id: lesson for lesson_id, lesson in self._lessons.items()
                if lesson_id not in lessons and lesson_id in homes}
        merged = {**lessons, **kept}
        return dict(sorted(merged.items(), key=lambda item: homes.get(item[0], len(files))))


def _stamp(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (0, 0)
    return (stat.st_mtime_ns, stat.st_size)


def _lesson_files(files: list[Path]) -> dict[str, int]:
    """Lesson id -> index of the file that declares it (even a file that fails validation now,
    so its last good version keeps its place; a deleted file takes its lesson with it)."""
    homes: dict[str, int] = {}
    for index, path in enumerate(files):
        try:
            found = ID_LINE.search(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            continue
        if found:
            homes.setdefault(found.group(1), index)
    return homes
