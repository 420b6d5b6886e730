"""Which skills a job may name, and how to turn stored params back into the skill's Params."""

from dataclasses import dataclass
from types import ModuleType


@dataclass(frozen=True)
class SkillEntry:
    name: str
    module: str  # imported lazily so the action server never imports TensorFlow
    title: str

    def load(self) -> ModuleType:
        import importlib

        return importlib.import_module(self.module)


SKILLS = {
    "hello_neuron": SkillEntry("hello_neuron", "skills.hello_neuron", "hello neuron (y = 2x - 1)"),
}


def get(name: str) -> SkillEntry:
    try:
        return SKILLS[name]
    except KeyError:
        raise KeyError(f"unknown skill {name!r}; known: {', '.join(sorted(SKILLS))}") from None
