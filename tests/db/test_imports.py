"""db is the bottom layer: importing any of its modules loads nothing of curriculum.

tests/architecture reads import statements; this imports the modules for real, in a fresh
interpreter, so an import that arrives through another package counts too.
"""

import json
import subprocess
import sys

from tests.conftest import ROOT

# Alembic's env.py runs a migration when imported, so the migrations folder is not imported here.
DB_MODULES = sorted(f"db.{path.stem}" for path in (ROOT / "db").glob("*.py") if path.stem != "__init__")


def test_importing_every_db_module_loads_no_curriculum_module():
    script = ("import importlib, json, sys\n"
              f"for name in {DB_MODULES!r}:\n"
              "    importlib.import_module(name)\n"
              "print(json.dumps(sorted(m for m in sys.modules if m == 'curriculum' or m.startswith('curriculum.'))))")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def test_the_db_modules_checked_include_the_reports():
    assert {"db.reports", "db.progress", "db.repository", "db.models"} <= set(DB_MODULES)
