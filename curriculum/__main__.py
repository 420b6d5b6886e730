"""python -m curriculum check [paths...] | schema [--output FILE] [--check]"""

import argparse
import json
import os
import sys
from pathlib import Path

from curriculum import LESSONS_DIR, SCHEMA_FILE, json_schema
from curriculum.validate import check_files, lesson_files
from curriculum.validate_asks import warnings_for_files


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def _display(path: Path) -> str:
    """A path as the user would type it: relative to the current folder when inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def check(paths: list[str]) -> int:
    """Check lesson files or folders. A single file is checked with the other lessons of its
    folder, so its prerequisites resolve, but only its own errors are shown."""
    targets: list[Path] = []
    context: list[Path] = []
    for raw in paths or [str(LESSONS_DIR)]:
        path = Path(raw)
        if path.is_dir():
            found = lesson_files(path)
            targets += found
            context += found
        elif path.is_file():
            targets.append(path)
            context += [path] + lesson_files(path.parent)
        else:
            print(f"{raw}: no such file or folder", file=sys.stderr)
            return 2
    files = list(dict.fromkeys(p.resolve() for p in context))
    shown = {p.resolve() for p in targets}
    display = {p: _display(p) for p in files}
    lessons, errors = check_files(files, display)
    errors = [e for e in errors if any(display[p] == e.file for p in shown)]
    for error in errors:
        print(error)
    failed = {error.file for error in errors}
    clean = sorted(p for p in shown if display[p] not in failed)  # errors first, then advice
    for warning in warnings_for_files(clean, display):  # printed, never failing the check
        print(warning)
    if errors:
        files_with_errors = len({error.file for error in errors})
        print(f"{len(errors)} error{'s' * (len(errors) != 1)} in {files_with_errors} "
              f"file{'s' * (files_with_errors != 1)}", file=sys.stderr)
        return 1
    if not shown:
        print("no lesson files (*.yml) found", file=sys.stderr)
        return 1
    print(f"ok: {len(shown)} lesson file{'s' * (len(shown) != 1)} checked", file=sys.stderr)
    return 0


def schema(output: str | None, check_only: bool) -> int:
    path = Path(output) if output else SCHEMA_FILE
    text = schema_text()
    if check_only:
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            print(f"{_display(path)} is out of date: run python -m curriculum schema", file=sys.stderr)
            return 1
        return 0
    path.write_text(text, encoding="utf-8")
    print(f"wrote {_display(path)}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m curriculum", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check_parser = commands.add_parser("check", help="check lesson files (default: lessons/)")
    check_parser.add_argument("paths", nargs="*", help="lesson files or folders")
    schema_parser = commands.add_parser("schema", help="write lessons/lesson.schema.json")
    schema_parser.add_argument("--output", help="where to write it (default: lessons/lesson.schema.json)")
    schema_parser.add_argument("--check", action="store_true",
                               help="only check that the file is up to date (exit 1 if not)")
    args = parser.parse_args(argv)
    if args.command == "check":
        return check(args.paths)
    return schema(args.output, args.check)


if __name__ == "__main__":
    sys.exit(main())
