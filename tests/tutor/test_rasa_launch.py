import subprocess
import sys

from tests.conftest import ROOT


def test_rasa_launch_adds_the_token_from_the_environment_as_one_argument(monkeypatch):
    """token_urlsafe() can start with '-'; `--auth-token -abc` made Rasa exit at start."""
    from bot import launch
    from tutor import rasa_launch

    seen = []
    monkeypatch.setattr(launch, "main", lambda: seen.append(list(sys.argv)))
    monkeypatch.setenv("TUTOR_RASA_TOKEN", "-starts-with-a-dash")
    monkeypatch.setattr(sys, "argv", ["tutor.rasa_launch", "run", "--model", "m"])
    rasa_launch.main()
    assert seen == [["tutor.rasa_launch", "run", "--model", "m", "--auth-token=-starts-with-a-dash"]]


def test_rasa_launch_leaves_other_rasa_commands_and_an_empty_token_alone(monkeypatch):
    from bot import launch
    from tutor import rasa_launch

    seen = []
    monkeypatch.setattr(launch, "main", lambda: seen.append(list(sys.argv)))
    for token, argv in (("t", ["x", "train"]), ("", ["x", "run"])):
        monkeypatch.setenv("TUTOR_RASA_TOKEN", token)
        monkeypatch.setattr(sys, "argv", argv)
        rasa_launch.main()
    assert seen == [["x", "train"], ["x", "run"]]


def test_rasa_launch_imports_in_rasas_venv_with_the_standard_library_only():
    python = ROOT / ".venv-rasa" / "bin" / "python"
    assert python.exists(), "no Rasa venv: make test builds it (make venvs)"
    code = "import sys, tutor.rasa_launch; print(sorted(m for m in sys.modules if m.split('.')[0] == 'tutor'))"
    done = subprocess.run([str(python), "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['tutor', 'tutor.rasa_launch']"  # not tutor.settings (pydantic 2)
