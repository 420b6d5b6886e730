"""Every skill Tutor can run, collected from the SkillSpec each skill module declares.

Nobody keeps a list of skills by hand: the registry imports each module of the `skills` package
once, on first use, and keeps every module-level SkillSpec it finds. Skill modules import only
pydantic and numpy at import time (TensorFlow is imported inside run()), so the action server and
the lesson validator can read specs without loading TensorFlow.
"""

import importlib
import pkgutil
from functools import cache

import skills
from skills.base import SkillSpec

# Modules that only help skills (data, plots, converters) declare no spec; importing them is cheap.


@cache
def specs() -> dict[str, SkillSpec]:
    """name -> spec for every skill, in module then declaration order."""
    found: dict[str, SkillSpec] = {}
    for module_info in sorted(pkgutil.iter_modules(skills.__path__), key=lambda m: m.name):
        if module_info.name.startswith("_") or module_info.name == "registry":
            continue
        module = importlib.import_module(f"skills.{module_info.name}")
        for value in vars(module).values():
            if isinstance(value, SkillSpec) and found.setdefault(value.name, value) is not value:
                raise ValueError(f"two skills are named {value.name!r}")
    return found


def get(name: str) -> SkillSpec:
    try:
        return specs()[name]
    except KeyError:
        raise KeyError(f"unknown skill {name!r}; known: {', '.join(sorted(specs()))}") from None


def names() -> tuple[str, ...]:
    return tuple(specs())


def trainers() -> tuple[str, ...]:
    """Skills that leave a trained model: what lessons may run and the export skill converts."""
    return tuple(name for name, spec in specs().items() if spec.trains_model)
