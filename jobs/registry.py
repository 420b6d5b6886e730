"""Which skills a job may name, and where each one's Params and run() live."""

from dataclasses import dataclass
from types import SimpleNamespace


@dataclass(frozen=True)
class SkillEntry:
    name: str
    module: str  # imported lazily so the action server never imports TensorFlow
    title: str
    params: str = "Params"  # a module may offer more than one job (sentiment: train, classify)
    run: str = "run"

    def load(self) -> SimpleNamespace:
        """The skill's Params class and run function."""
        import importlib

        module = importlib.import_module(self.module)
        return SimpleNamespace(Params=getattr(module, self.params), run=getattr(module, self.run))


SKILLS = {entry.name: entry for entry in [
    SkillEntry("hello_neuron", "skills.hello_neuron", "hello neuron (y = 2x - 1)"),
    SkillEntry("vision", "skills.vision", "image classifier (digits)"),
    SkillEntry("transfer", "skills.transfer", "transfer learning"),
    SkillEntry("sentiment", "skills.sentiment", "sentiment classifier"),
    SkillEntry("sentiment_classify", "skills.sentiment", "sentiment prediction",
               params="ClassifyParams", run="run_classify"),
    SkillEntry("tokenize", "skills.sentiment", "tokenizer demo", params="TokenizeParams",
               run="run_tokenize"),
    SkillEntry("textgen", "skills.textgen", "text generator (LSTM)"),
    SkillEntry("timeseries", "skills.timeseries", "time-series forecaster"),
    SkillEntry("export", "skills.export", "model export"),
]}


def get(name: str) -> SkillEntry:
    try:
        return SKILLS[name]
    except KeyError:
        raise KeyError(f"unknown skill {name!r}; known: {', '.join(sorted(SKILLS))}") from None
