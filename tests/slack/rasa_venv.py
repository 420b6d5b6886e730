"""Run a check in Rasa's venv (the Slack connector imports Rasa, the app's venv has none) and
hand its printed answer back to the test."""

import subprocess
import textwrap

from tests.conftest import ROOT

RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"


def in_rasa_venv(code: str, stdin: str = "") -> str:
    done = subprocess.run([str(RASA_PYTHON), "-c", textwrap.dedent(code)], input=stdin, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout
