"""Import layers: each room of the house imports only what is below it.

Read from the source with `ast`, so an import inside a function (a lazy import) counts as much as
one at the top. Three forbidden-import rules need no extra dependency (import-linter would add a
package to the lock that TensorFlow's pins must then agree with).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# package -> module prefixes it must never import
FORBIDDEN = {
    "skills": ("rasa", "rasa_sdk", "fastapi", "sqlalchemy", "db", "jobs", "actions", "api", "curriculum",
               "tutor.settings"),
    "curriculum": ("rasa", "rasa_sdk", "actions", "api"),
    "db": ("curriculum", "actions", "api", "jobs", "skills", "rasa_sdk", "fastapi"),
    "jobs": ("actions", "api", "rasa_sdk", "fastapi", "curriculum"),
    # Pure checks and the on-disk contract skills read (D34): no framework, no database.
    "uploads": ("rasa", "rasa_sdk", "fastapi", "sqlalchemy", "db", "jobs", "actions", "api", "curriculum",
                "skills", "tutor", "tensorflow"),
    # The learner's pasted code, read with ast (issue 17): pure Python, no framework, no TensorFlow.
    "usercode": ("rasa", "rasa_sdk", "fastapi", "sqlalchemy", "db", "jobs", "actions", "api", "curriculum",
                 "skills", "tutor", "tensorflow", "tf_keras", "keras"),
    # Runs inside Rasa's process and its venv (D25): no TensorFlow, no app-only packages.
    "understanding": ("tensorflow", "transformers", "rasa", "rasa_sdk", "actions", "api", "db", "jobs",
                      "curriculum", "skills", "tutor", "sqlalchemy", "fastapi", "pydantic"),
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def violations(package: str) -> list[str]:
    banned = FORBIDDEN[package]
    bad = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for module in sorted(imported_modules(path)):
            if any(module == b or module.startswith(b + ".") for b in banned):
                bad.append(f"{path.relative_to(ROOT)} imports {module}")
    return bad


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_nothing_from_the_layers_it_must_not_know(package):
    assert violations(package) == []


def test_the_layer_check_sees_lazy_imports_inside_functions(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from db import repository\n    import rasa_sdk.executor\n")
    assert {"db", "db.repository", "rasa_sdk.executor"} <= imported_modules(sample)
