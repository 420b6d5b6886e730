"""`python -m curriculum check`: file:line:column: lines and exit code 1 on errors, 0 when clean."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]
FIXTURES = Path(__file__).parent / "fixtures"
LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<column>\d+): (?P<message>.+)$")


def check(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "curriculum", "check", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def test_check_exits_1_and_prints_file_line_column_on_a_broken_folder():
    done = check("tests/curriculum/fixtures")
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert len(lines) == 19 and all(LINE.match(line) for line in lines)
    assert "tests/curriculum/fixtures/wrong_type.yml:4:10: 'minutes' should be a whole number" in lines
    assert "19 errors in 19 files" in done.stderr


def test_check_exits_0_on_the_shipped_lessons_by_default():
    done = check()
    assert done.returncode == 0, done.stdout
    assert done.stdout == "" and "ok: " in done.stderr


def test_check_of_one_file_resolves_prerequisites_from_its_folder():
    done = check("lessons/03-convolutions-and-transfer.yml")
    assert done.returncode == 0, done.stdout


def test_check_of_one_broken_file_shows_only_its_own_errors():
    done = check("tests/curriculum/fixtures/cycle/a.yml")
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        "tests/curriculum/fixtures/cycle/a.yml:4:17: prerequisites go round in a circle: "
        "lesson-a -> lesson-b -> lesson-a (a lesson cannot come before itself)"]


def test_check_of_a_missing_path_exits_2():
    assert check("no/such/folder").returncode == 2
