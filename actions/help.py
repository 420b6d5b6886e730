"""action_help: "What can you do?", written from the skill registry's specs on every call, so a
new skill shows up here the day it is declared and a removed one disappears.

Each skill contributes its title, what it reports (its key metric) and the settings chat reads
for it (actions/catalogue.py); the words to ask for it are the one thing kept here, and a test
fails when a declared skill has none.
"""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.catalogue import CATALOGUE
from skills import registry

# How a learner asks for each skill, as the NLU data teaches Rasa (bot/data/nlu.yml).
ASK = {
    "hello_neuron": "train a neuron to learn y = 2x - 1",
    "vision": "train a CNN on the digits",
    "transfer": "try transfer learning with 10 shots",
    "sentiment": "train a sentiment model",
    "sentiment_classify": "is this positive: I loved this movie",
    "textgen": "generate 20 words starting with 'in the town of athy'",
    "timeseries": "forecast a time series with noise 10",
    "tokenize": "tokenize 'I loved this movie'",
    "export": "export my model to TFLite, TF.js or TF Serving",
    "custom_model": "run my model, with your Keras layers pasted below",
}
BUTTONS = {"hello_neuron": "/train_neuron", "vision": "/train_vision", "timeseries": "/train_timeseries"}


def _settings(skill: str) -> list[str]:
    entry = next((e for e in CATALOGUE.values() if e.skill == skill), None)
    if entry is None:
        return []
    fields = registry.get(skill).params.model_fields
    return [o.field.replace("_", " ") for o in entry.options.options if o.field in fields and o.field != "seed"]


def skill_line(name: str) -> str:
    spec = registry.get(name)
    line = f"- **{spec.title}**: \"{ASK.get(name, spec.title)}\""
    if spec.key_metric:
        line += f"; reports: {spec.key_metric[1]}"
    if settings := _settings(name):
        line += f"; you can set {', '.join(settings)}"
    return line + "."


def help_text() -> str:
    specs = registry.specs()
    trainers = [name for name in specs if specs[name].trains_model]
    tools = [name for name in specs if not specs[name].trains_model]
    return "\n".join([
        "Here's what I can do:",
        "Train the book's models on real data, right here (progress, then numbers, plots and files):",
        *(skill_line(name) for name in trainers),
        "Work with what you trained or typed:",
        *(skill_line(name) for name in tools),
        "- Answer questions on the book's topics, like \"what is overfitting?\", and about your own "
        "runs: \"is my model overfitting?\", \"rerun it with dropout 0.3\".",
        "- Lessons: say \"list lessons\". \"show my models\" lists your runs; \"cancel my training\" "
        "stops one; \"forget me\" deletes everything I keep about you.",
    ])


class ActionHelp(Action):
    def name(self) -> str:
        return "action_help"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        specs = registry.specs()
        buttons = [{"title": specs[name].title.capitalize(), "payload": payload}
                   for name, payload in BUTTONS.items() if name in specs]
        dispatcher.utter_message(text=help_text(), buttons=buttons)
        return []
